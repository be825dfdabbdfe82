package io.lockn.core.spi;

import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A model call about to be made, as {@link CallAdmission#admit} sees it.
 *
 * @param provider {@code gen_ai.provider.name}, possibly empty
 * @param requestModel {@code gen_ai.request.model}, possibly empty
 * @param estimatedInputTokens the counted or estimated input tokens, 0 when unknown
 * @param maxOutputTokens {@code max_tokens}, -1 when unknown
 * @param attribution the allowlisted attribution from Baggage, keyed by attribute key (for example {@code
 *     app.tenant_id}); empty when there is none
 * @param agentName the nearest enclosing agent, or {@code null}
 * @param taskName the enclosing task, or {@code null}
 * @param traceId the call's trace id (all zeros when tracing is off)
 */
public record CallRequest(
    String provider,
    String requestModel,
    long estimatedInputTokens,
    long maxOutputTokens,
    Map<String, String> attribution,
    @Nullable String agentName,
    @Nullable String taskName,
    String traceId) {

  /**
   * Creates a request; the attribution is copied.
   *
   * @param provider the provider
   * @param requestModel the request model
   * @param estimatedInputTokens the input tokens, {@code >= 0}
   * @param maxOutputTokens the output cap, {@code >= -1}
   * @param attribution the attribution
   * @param agentName the agent, or {@code null}
   * @param taskName the task, or {@code null}
   * @param traceId the trace id
   * @throws IllegalArgumentException if {@code estimatedInputTokens < 0} or {@code maxOutputTokens < -1}
   */
  public CallRequest {
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(requestModel, "requestModel");
    Objects.requireNonNull(traceId, "traceId");
    if (estimatedInputTokens < 0) {
      throw new IllegalArgumentException("estimatedInputTokens < 0");
    }
    if (maxOutputTokens < -1) {
      throw new IllegalArgumentException("maxOutputTokens < -1");
    }
    attribution = Map.copyOf(Objects.requireNonNull(attribution, "attribution"));
  }
}
