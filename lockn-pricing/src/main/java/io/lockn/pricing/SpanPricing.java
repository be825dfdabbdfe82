package io.lockn.pricing;

import io.lockn.core.AttributionKeys;
import io.lockn.core.GenAiAttributes;
import io.lockn.core.LockNAttributes;
import io.lockn.core.spi.UsageLogger;
import io.opentelemetry.api.common.AttributeKey;
import org.jspecify.annotations.Nullable;

/**
 * LockN's one reader of model calls: which spans are model calls, what each says about its call ({@link #read}), what
 * it costs ({@link #price}) and whom it is attributed to ({@link #attribution}), whichever instrumentation wrote it.
 * The in-process cost pipeline (for other instrumentations' spans), its roll-ups, {@code lockn audit} (through {@link
 * TraceCalls}, which also removes duplicate spans of one call) and the compression ROI readers all read spans through
 * it.
 *
 * <p>It reads the OpenTelemetry GenAI conventions, every published version since 1.26 (the deprecated {@code
 * gen_ai.system} and {@code gen_ai.usage.prompt_tokens}/{@code completion_tokens} included, {@code
 * gen_ai.usage.cache_creation.input_tokens} and the newer {@code cache_write}), OpenLLMetry (Traceloop), OpenInference,
 * the Vercel AI SDK's {@code ai.*} spans, Langfuse's generations and the LiteLLM proxy's spans; {@code
 * docs/sources.md} has the table of what is read from each and what includes what. The provider is normalised to the
 * conventions' spelling; the model that answered prices the call, else the model it was sent with ({@code
 * lockn.budget.admitted_model} when a budget throttled it); the service tier is {@code openai.response.service_tier},
 * else {@code openai.request.service_tier}, else {@code lockn.service_tier}; a provider-reported cost is {@code
 * lockn.cost.reported_nanos}. Stateless, thread-safe; never throws.
 */
public final class SpanPricing {

  /**
   * Read access to one span's attributes, whatever holds the span: a live SDK span, an exported one, a line of JSON.
   * The instrumentation scope's name, when known, reads as the string attribute {@code otel.scope.name} (the
   * conventions' name for it outside OTLP).
   */
  public interface SpanAttributes {
    /**
     * A count: an integer attribute, or one written as text (Micrometer bridges write numbers as strings).
     *
     * @param key the attribute
     * @return the count, or a negative number when absent or unreadable
     */
    long count(AttributeKey<Long> key);

    /**
     * A string attribute.
     *
     * @param key the attribute
     * @return the value, or {@code null}
     */
    @Nullable String string(AttributeKey<String> key);
  }

  private SpanPricing() {}

  /** {@code llm.request.type}: OpenLLMetry's operation attribute, written instead of the conventions'. */
  public static final AttributeKey<String> LLM_REQUEST_TYPE = ModelCallReader.LLM_REQUEST_TYPE;

  /** {@code otel.scope.name}: how a span's instrumentation scope is read through {@link SpanAttributes}. */
  public static final AttributeKey<String> OTEL_SCOPE_NAME = ModelCallReader.OTEL_SCOPE_NAME;

  /**
   * The call a span describes.
   *
   * @param span the span's attributes
   * @return the call; {@code null} when the span is no model call (an agent, a tool, a framework span, a totals span
   *     such as the Vercel AI SDK's {@code ai.generateText}, or a span of no GenAI dialect)
   */
  public static @Nullable ModelCall read(SpanAttributes span) {
    try {
      return ModelCallReader.read(span);
    } catch (RuntimeException e) {
      UsageLogger.failed("reading a model-call span", e);
      return null;
    }
  }

  /**
   * A span's operation in the conventions' spelling, whichever dialect names it: {@code gen_ai.operation.name}
   * (Spring AI's {@code embedding} read as {@code embeddings}, LiteLLM's call types as theirs), else {@code
   * llm.request.type}, else {@code openinference.span.kind}, else the Vercel AI SDK's {@code ai.operationId}, else
   * {@code langfuse.observation.type}.
   *
   * @param span the span's attributes
   * @return the operation; {@code null} when no dialect names one, or for a span that adds up other calls (the
   *     Vercel AI SDK's outer spans)
   */
  public static @Nullable String operation(SpanAttributes span) {
    try {
      return ModelCallReader.operation(span);
    } catch (RuntimeException e) {
      UsageLogger.failed("reading a span's operation", e);
      return null;
    }
  }

  /**
   * A span's operation from the two names LockN's own spans and OpenLLMetry's use: {@code gen_ai.operation.name} (with
   * Spring AI's {@code embedding} and LiteLLM's call types normalised), else {@code llm.request.type} ({@code chat},
   * {@code completion} as {@code text_completion}, {@code embedding} as {@code embeddings}). {@link
   * #operation(SpanAttributes)} also reads the other dialects.
   *
   * @param operationName {@code gen_ai.operation.name}, or {@code null}
   * @param llmRequestType {@code llm.request.type}, or {@code null}
   * @return the operation, or {@code null}
   */
  public static @Nullable String operation(@Nullable String operationName, @Nullable String llmRequestType) {
    if (operationName != null) {
      return ModelCallReader.conventionOperation(operationName);
    }
    return llmRequestType == null ? null : ModelCallReader.requestTypeOperation(llmRequestType);
  }

  /**
   * Whether an operation is a model call LockN prices.
   *
   * @param operation the operation in the conventions' spelling, or {@code null}
   * @return {@code true} for chat, text completion, content generation and embeddings
   */
  public static boolean isModelCall(@Nullable String operation) {
    return operation != null
        && (operation.equals("chat") || operation.equals("text_completion") || operation.equals("generate_content")
            || operation.equals("embeddings"));
  }

  /**
   * The provider a span reports, in the conventions' spelling.
   *
   * @param span the span
   * @return the provider of the call it describes; for a span that is no model call, {@code gen_ai.provider.name}
   *     else the deprecated {@code gen_ai.system}, normalised; {@code ""} when none
   */
  public static String provider(SpanAttributes span) {
    ModelCall call = read(span);
    if (call != null) {
      return call.provider();
    }
    String provider = span.string(GenAiAttributes.GEN_AI_PROVIDER_NAME);
    return ModelCallReader.canonicalProvider(provider != null ? provider : span.string(ModelCallReader.SYSTEM));
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
   * @return the cost; {@code null} when the span is no model call, or reports neither usage nor a reported cost
   *     (nothing to price); {@link Cost#UNPRICED} when it does but no price is known
   */
  public static @Nullable Cost price(PriceCatalog catalog, SpanAttributes span, long startEpochMillis) {
    ModelCall call = read(span);
    return call == null ? null : price(catalog, call, span, startEpochMillis);
  }

  /**
   * Prices a call read from a span (for example the one {@link TraceCalls} kept of several spans of one call).
   *
   * @param catalog the prices
   * @param call the call
   * @param span the span it was read from, for the service tier, a reported cost and a budget's admitted model
   * @param startEpochMillis when the call started
   * @return the cost; {@code null} when the call has no usage and no reported cost; {@link Cost#UNPRICED} when no
   *     price is known
   */
  public static @Nullable Cost price(PriceCatalog catalog, ModelCall call, SpanAttributes span, long startEpochMillis) {
    String sent = span.string(LockNAttributes.BUDGET_ADMITTED_MODEL);
    if (sent == null) {
      sent = call.requestModel();
    }
    return catalog.priceCall(call.provider(), call.responseModel(), sent, call.usage(), serviceTier(span),
        span.count(LockNAttributes.COST_REPORTED_NANOS), startEpochMillis);
  }

  /**
   * The value of an attribution key on one span: the key itself, else the first of its {@link
   * AttributionKeys#sources(String) sources} the span carries (another instrumentation's attribute, or a field of a
   * JSON object held in one). The span alone: inheritance from ancestors is the caller's ({@link TraceCalls} in the
   * audit, the cost pipeline in-process).
   *
   * @param span the span
   * @param keys the attribution keys and their sources
   * @param key the key, for example {@link AttributionKeys#tenantKey()}
   * @return the value, or {@code null} when the span carries neither the key nor a source
   */
  public static @Nullable String attribution(SpanAttributes span, AttributionKeys keys, String key) {
    try {
      return AttributionSources.of(keys).value(span, key);
    } catch (RuntimeException e) {
      UsageLogger.failed("reading attribution " + key, e);
      return null;
    }
  }

  /**
   * The agent a span stands for, when it is an agent's span: {@code gen_ai.agent.name} of an {@code invoke_agent} or
   * {@code create_agent} span, OpenLLMetry's {@code traceloop.entity.name} when {@code traceloop.span.kind} is {@code
   * agent}, and the span name of an OpenInference {@code AGENT} span or a Langfuse {@code agent} observation. A model
   * call's agent is that of its nearest agent ancestor, else its own {@code lockn.agent.name}.
   *
   * @param span the span's attributes
   * @param spanName the span's name
   * @return the agent's name, or {@code null} when the span is no agent span
   */
  public static @Nullable String agentName(SpanAttributes span, String spanName) {
    String op = span.string(GenAiAttributes.GEN_AI_OPERATION_NAME);
    if (op != null) {
      return op.equals("invoke_agent") || op.equals("create_agent")
          ? span.string(GenAiAttributes.GEN_AI_AGENT_NAME) : null;
    }
    if ("agent".equals(span.string(TRACELOOP_SPAN_KIND))) {
      String name = span.string(TRACELOOP_ENTITY_NAME);
      return name != null ? name : spanName;
    }
    if ("AGENT".equals(span.string(ModelCallReader.OPENINFERENCE_SPAN_KIND))
        || "agent".equals(span.string(ModelCallReader.LANGFUSE_TYPE))) {
      return spanName;
    }
    return null;
  }

  private static final AttributeKey<String> TRACELOOP_SPAN_KIND = AttributeKey.stringKey("traceloop.span.kind");
  private static final AttributeKey<String> TRACELOOP_ENTITY_NAME = AttributeKey.stringKey("traceloop.entity.name");

  /**
   * Parses a count that arrived as text (Micrometer bridges write numbers as strings).
   *
   * @param text the text, or {@code null}
   * @return the count, or -1 when absent or not an integer
   */
  public static long parseCount(@Nullable String text) {
    if (text == null) {
      return -1;
    }
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
