package io.lockn.javaagent;

import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.context.Scope;

/**
 * {@link OpenAiChatApp}'s call made for a tenant: the application puts {@code app.tenant_id} in W3C Baggage with the
 * OpenTelemetry API (which the agent bridges to its own context), as a request filter would, and nothing else. The
 * agent's OpenAI span gets the tenant only if LockN's extension copies it from Baggage.
 */
public final class TenantChatApp {

  private TenantChatApp() {}

  /**
   * Makes the call.
   *
   * @param args the base URL and the tenant
   */
  public static void main(String[] args) {
    try (Scope scope = Baggage.current().toBuilder().put("app.tenant_id", args[1]).build().makeCurrent()) {
      OpenAiChatApp.chat(args[0]);
    }
    // Shutdown hooks run on exit: the agent flushes its span processors and metric readers there.
    System.exit(0);
  }
}
