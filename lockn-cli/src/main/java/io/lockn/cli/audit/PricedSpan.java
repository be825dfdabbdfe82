package io.lockn.cli.audit;

import io.lockn.core.TokenUsage;
import io.lockn.pricing.Cost;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One GenAI model-call span after the audit: its tokens, its cost and the attribution it carries or inherited. What
 * the report writers stream; internal, so that it can grow without breaking anyone.
 *
 * @param span the span as read
 * @param operation {@code gen_ai.operation.name}
 * @param provider the provider
 * @param requestModel the request model, or {@code null}
 * @param responseModel the response model, or {@code null}
 * @param usage the token usage
 * @param cost the cost; {@link Cost#UNPRICED} when no price is known
 * @param tenant the tenant, or {@code null}
 * @param costCenter the cost center, or {@code null}
 * @param workflow the workflow id, or {@code null}
 * @param agent the nearest agent, or {@code null}
 * @param groups the values of the extra {@code --group-by} keys, by key
 */
record PricedSpan(
    AuditSpan span,
    String operation,
    String provider,
    @Nullable String requestModel,
    @Nullable String responseModel,
    TokenUsage usage,
    Cost cost,
    @Nullable String tenant,
    @Nullable String costCenter,
    @Nullable String workflow,
    @Nullable String agent,
    Map<String, String> groups) {

  /**
   * The model the cost is attributed to: the response model, else the request model.
   *
   * @return the model, or {@code "(unknown)"}
   */
  String model() {
    return responseModel != null ? responseModel : requestModel != null ? requestModel : "(unknown)";
  }
}
