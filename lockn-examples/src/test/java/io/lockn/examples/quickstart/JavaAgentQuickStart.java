package io.lockn.examples.quickstart;

// BEGIN docs snippet: README.md
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.context.Scope;
// END docs snippet: README.md

/**
 * The README's Java agent quick start: the one piece of code it shows, putting the tenant in Baggage with the
 * OpenTelemetry API, verbatim between the markers; compiled here, and what {@code TenantChatApp} does under the real
 * agent in lockn-javaagent-extension's integration test. The application's own call is the parameter.
 */
final class JavaAgentQuickStart {

  /** The README's application code that calls a model. */
  interface SupportService {
    String answer(String question);
  }

  private JavaAgentQuickStart() {}

  static void run(SupportService support, String question) {
    // BEGIN docs snippet: README.md
    try (Scope tenant = Baggage.current().toBuilder().put("app.tenant_id", "acme").build().makeCurrent()) {
      support.answer(question);          // the agent's GenAI spans in here get app.tenant_id=acme and their cost
    }
    // END docs snippet: README.md
  }
}
