package io.lockn.pricing;

import io.lockn.core.GenAiAttributes;
import io.lockn.core.LockNAttributes;
import io.lockn.core.TokenUsage;
import io.opentelemetry.api.common.AttributeKey;
import org.jspecify.annotations.Nullable;

/**
 * Prices a GenAI span from its attributes, by {@link PriceCatalog#priceCall}'s one rule set: the reading of span
 * attributes shared by the in-process cost pipeline (for other instrumentations' spans) and the offline audit.
 *
 * <p>The provider is {@code gen_ai.provider.name}, else the deprecated {@code gen_ai.system}; the model that answered
 * is {@code gen_ai.response.model}; the model the call was sent with is {@code lockn.budget.admitted_model}, else
 * {@code gen_ai.request.model}; the service tier is {@code openai.response.service_tier}, else {@code
 * openai.request.service_tier}, else {@code lockn.service_tier}; a provider-reported cost is {@code
 * lockn.cost.reported_nanos}.
 */
public final class SpanPricing {

  /** Read access to one span's attributes. */
  public interface SpanAttributes extends UsageAttributes.Counts {
    /**
     * A string attribute.
     *
     * @param key the attribute
     * @return the value, or {@code null}
     */
    @Nullable String string(AttributeKey<String> key);
  }

  private SpanPricing() {}

  /** {@code llm.request.type}: Python OpenLLMetry's operation attribute, written instead of the conventions'. */
  public static final AttributeKey<String> LLM_REQUEST_TYPE = AttributeKey.stringKey("llm.request.type");

  /**
   * A span's operation in the conventions' spelling: {@code gen_ai.operation.name}, with Spring AI's {@code
   * embedding} read as {@code embeddings}; else OpenLLMetry's {@code llm.request.type} ({@code chat}, {@code
   * completion} as {@code text_completion}, {@code embedding} as {@code embeddings}).
   *
   * @param operationName {@code gen_ai.operation.name}, or {@code null}
   * @param llmRequestType {@code llm.request.type}, or {@code null}
   * @return the operation, or {@code null}
   */
  public static @Nullable String operation(@Nullable String operationName, @Nullable String llmRequestType) {
    String operation = operationName;
    if (operation == null) {
      operation = llmRequestType;
      if (operation == null) {
        return null;
      }
      if (operation.equals("completion")) {
        return "text_completion";
      }
    }
    return operation.equals("embedding") ? "embeddings" : operation;
  }

  /**
   * Whether an operation is a model call LockN prices.
   *
   * @param operation {@code gen_ai.operation.name}, or {@code null}
   * @return {@code true} for chat, text completion, content generation and embeddings
   */
  public static boolean isModelCall(@Nullable String operation) {
    return operation != null
        && (operation.equals("chat") || operation.equals("text_completion") || operation.equals("generate_content")
            || operation.equals("embeddings"));
  }

  /**
   * The provider a span reports.
   *
   * @param span the span
   * @return the provider, or {@code ""}
   */
  public static String provider(SpanAttributes span) {
    String provider = span.string(GenAiAttributes.GEN_AI_PROVIDER_NAME);
    if (provider == null) {
      provider = span.string(UsageAttributes.SYSTEM);
    }
    return provider == null ? "" : provider;
  }

  /**
   * The service tier a span reports.
   *
   * @param span the span
   * @return {@code openai.response.service_tier}, else {@code openai.request.service_tier}, else {@code
   *     lockn.service_tier}; {@code null} when none is set
   */
  public static @Nullable String serviceTier(SpanAttributes span) {
    String tier = span.string(GenAiAttributes.OPENAI_RESPONSE_SERVICE_TIER);
    if (tier == null) {
      tier = span.string(GenAiAttributes.OPENAI_REQUEST_SERVICE_TIER);
    }
    return tier != null ? tier : span.string(LockNAttributes.SERVICE_TIER);
  }

  /**
   * Prices a span.
   *
   * @param catalog the prices
   * @param span the span's attributes
   * @param startEpochMillis when the span started
   * @return the cost; {@code null} when the span reports no usage and no reported cost (nothing to price); {@link
   *     Cost#UNPRICED} when it does but no price is known
   */
  public static @Nullable Cost price(PriceCatalog catalog, SpanAttributes span, long startEpochMillis) {
    String sent = span.string(LockNAttributes.BUDGET_ADMITTED_MODEL);
    if (sent == null) {
      sent = span.string(GenAiAttributes.GEN_AI_REQUEST_MODEL);
    }
    return catalog.priceCall(provider(span), span.string(GenAiAttributes.GEN_AI_RESPONSE_MODEL), sent,
        UsageAttributes.read(span), serviceTier(span), span.count(LockNAttributes.COST_REPORTED_NANOS),
        startEpochMillis);
  }
}
