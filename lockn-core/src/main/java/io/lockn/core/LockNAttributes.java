package io.lockn.core;

import io.opentelemetry.api.common.AttributeKey;

/**
 * LockN's own span and metric attribute keys. Everything LockN adds beyond the GenAI semantic conventions lives
 * under {@code lockn.*}.
 */
public final class LockNAttributes {

  /** {@code lockn.task.name}: the agent task a span belongs to; set on the task span and every LockN span below it. */
  public static final AttributeKey<String> TASK_NAME = AttributeKey.stringKey("lockn.task.name");

  /**
   * {@code lockn.agent.name}: the nearest enclosing agent of an inference or tool span, so that spend can be grouped
   * per agent without joining on the trace.
   */
  public static final AttributeKey<String> AGENT_NAME = AttributeKey.stringKey("lockn.agent.name");

  /** {@code lockn.retry.attempt}: the attempt number of a retried call; the first attempt is 1. */
  public static final AttributeKey<Long> RETRY_ATTEMPT = AttributeKey.longKey("lockn.retry.attempt");

  /** {@code lockn.retry.first_span_id}: the span id of the first attempt, on every retry. */
  public static final AttributeKey<String> RETRY_FIRST_SPAN_ID = AttributeKey.stringKey("lockn.retry.first_span_id");

  /** {@code lockn.fallback.depth}: how many models were tried before this one; 1 for the first fallback. */
  public static final AttributeKey<Long> FALLBACK_DEPTH = AttributeKey.longKey("lockn.fallback.depth");

  /** {@code lockn.fallback.from_model}: the request model of the attempt this call falls back from. */
  public static final AttributeKey<String> FALLBACK_FROM_MODEL = AttributeKey.stringKey("lockn.fallback.from_model");

  /** {@code lockn.cache.hit}: whether the call was served, wholly or partly, from a cache. */
  public static final AttributeKey<Boolean> CACHE_HIT = AttributeKey.booleanKey("lockn.cache.hit");

  /** {@code lockn.cache.type}: {@code semantic} (an application cache) or {@code provider} (prompt caching). */
  public static final AttributeKey<String> CACHE_TYPE = AttributeKey.stringKey("lockn.cache.type");

  /**
   * {@code lockn.cache.hit_inferred}: input tokens for the same prompt dropped well below their running expectation,
   * which suggests a cache the provider did not report.
   */
  public static final AttributeKey<Boolean> CACHE_HIT_INFERRED = AttributeKey.booleanKey("lockn.cache.hit_inferred");

  /** {@code lockn.model.substituted}: the response model is of a different family than the request model. */
  public static final AttributeKey<Boolean> MODEL_SUBSTITUTED = AttributeKey.booleanKey("lockn.model.substituted");

  /**
   * {@code lockn.usage.cache_write_1h.input_tokens}: the part of the cache writes made with a 1-hour TTL, which is
   * priced higher than 5-minute writes; set only when non-zero. The semantic conventions' cache-write count includes
   * it.
   */
  public static final AttributeKey<Long> USAGE_CACHE_WRITE_1H_INPUT_TOKENS =
      AttributeKey.longKey("lockn.usage.cache_write_1h.input_tokens");

  /**
   * {@code lockn.usage.estimated_input_tokens}: the input tokens the configured {@link
   * io.lockn.core.spi.TokenCounter} counted before the call, as the budget estimate; set only when it counted. The
   * provider's reported usage ({@code gen_ai.usage.input_tokens}) is what the call is billed by.
   */
  public static final AttributeKey<Long> USAGE_ESTIMATED_INPUT_TOKENS =
      AttributeKey.longKey("lockn.usage.estimated_input_tokens");

  /**
   * {@code lockn.cost.reported_nanos}: the cost the provider reported with the response (for example OpenRouter's
   * {@code usage.cost}), in integer nano-USD; pricing takes it over the catalog.
   */
  public static final AttributeKey<Long> COST_REPORTED_NANOS = AttributeKey.longKey("lockn.cost.reported_nanos");

  /**
   * {@code lockn.service_tier}: the service tier that served a call of a provider without a semantic-convention
   * attribute for it (OpenAI's is {@link GenAiAttributes#OPENAI_RESPONSE_SERVICE_TIER}); pricing applies the tier.
   */
  public static final AttributeKey<String> SERVICE_TIER = AttributeKey.stringKey("lockn.service_tier");

  /** {@code lockn.finish_reason}: one finish reason, on the {@code lockn.client.finish_reasons} counter. */
  public static final AttributeKey<String> FINISH_REASON = AttributeKey.stringKey("lockn.finish_reason");

  /**
   * {@code lockn.budget.admitted_model}: the model a budget admitted the call with, set only when it differs from the
   * request model (the call was throttled to a cheaper model).
   */
  public static final AttributeKey<String> BUDGET_ADMITTED_MODEL = AttributeKey.stringKey("lockn.budget.admitted_model");

  /** {@code lockn.budget.name}: the budget that blocked a call, on the {@code lockn.budget.exceeded} event. */
  public static final AttributeKey<String> BUDGET_NAME = AttributeKey.stringKey("lockn.budget.name");

  /** {@code lockn.budget.scope}: the account a blocked call was charged to, on the {@code lockn.budget.exceeded} event. */
  public static final AttributeKey<String> BUDGET_SCOPE = AttributeKey.stringKey("lockn.budget.scope");

  /** {@code lockn.budget.unit}: {@code nano_usd} or {@code tokens}, on the {@code lockn.budget.exceeded} event. */
  public static final AttributeKey<String> BUDGET_UNIT = AttributeKey.stringKey("lockn.budget.unit");

  /** {@code lockn.budget.limit}: the amount the budget blocks at, on the {@code lockn.budget.exceeded} event. */
  public static final AttributeKey<Long> BUDGET_LIMIT = AttributeKey.longKey("lockn.budget.limit");

  /** {@code lockn.budget.spent}: spent and reserved when the call was blocked, on the {@code lockn.budget.exceeded} event. */
  public static final AttributeKey<Long> BUDGET_SPENT = AttributeKey.longKey("lockn.budget.spent");

  /** {@code lockn.budget.requested}: what the blocked call would have reserved, on the {@code lockn.budget.exceeded} event. */
  public static final AttributeKey<Long> BUDGET_REQUESTED = AttributeKey.longKey("lockn.budget.requested");

  /** The name of the span event recorded on a call a budget blocked. */
  public static final String BUDGET_EXCEEDED_EVENT = "lockn.budget.exceeded";

  /**
   * {@code false} on a call a budget blocked but LockN could not stop (see {@link
   * io.lockn.core.LlmCallSpec#unenforced()}); absent otherwise.
   */
  public static final AttributeKey<Boolean> BUDGET_ENFORCED = AttributeKey.booleanKey("lockn.budget.enforced");

  /** The {@code error.type} of a call a budget blocked. */
  public static final String ERROR_TYPE_BUDGET_EXCEEDED = "budget_exceeded";

  private LockNAttributes() {}
}
