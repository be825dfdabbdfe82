package io.lockn.pricing;

import io.opentelemetry.api.common.AttributeKey;

/**
 * The cost attributes LockN puts on spans. They live under {@code lockn.cost.*} until the GenAI conventions settle
 * a cost attribute (the proposed {@code gen_ai.usage.cost.*}: amount, currency, source); their shape follows that
 * proposal so that a rename is all a migration needs.
 *
 * <p>How exact values reach backends: the USD amounts ({@code lockn.cost.total} and its parts) are doubles for
 * display and ad-hoc queries; {@code lockn.cost.total_nanos} carries the same total as an exact integer number of
 * nano-USD, which is what chargeback should sum. Every amount is in USD. By default a priced span carries {@link
 * #TOTAL}, {@link #TOTAL_NANOS} and {@link #PRICING_ID}, plus {@link #SOURCE} ({@code provider}) for a cost the
 * provider reported and {@link #LIST_TOTAL_NANOS} when a discount applied: an absent source is {@code local}. With the
 * cost pipeline's span cost breakdown on, it also carries the parts ({@link #INPUT}, {@link #OUTPUT}, {@link
 * #CACHE_READ}, {@link #CACHE_WRITE}, {@link #REASONING}; a part that costs nothing is not written: an absent part is
 * $0), {@link #CURRENCY} and {@link #SOURCE} in every case.
 */
public final class CostAttributes {

  /** {@code lockn.cost.input}: uncached input tokens, USD. */
  public static final AttributeKey<Double> INPUT = AttributeKey.doubleKey("lockn.cost.input");
  /** {@code lockn.cost.output}: non-reasoning output tokens, USD. */
  public static final AttributeKey<Double> OUTPUT = AttributeKey.doubleKey("lockn.cost.output");
  /** {@code lockn.cost.cache_read}: cache reads, USD. */
  public static final AttributeKey<Double> CACHE_READ = AttributeKey.doubleKey("lockn.cost.cache_read");
  /** {@code lockn.cost.cache_write}: cache writes, USD. */
  public static final AttributeKey<Double> CACHE_WRITE = AttributeKey.doubleKey("lockn.cost.cache_write");
  /** {@code lockn.cost.reasoning}: reasoning tokens, USD. */
  public static final AttributeKey<Double> REASONING = AttributeKey.doubleKey("lockn.cost.reasoning");
  /** {@code lockn.cost.total}: the call's total, USD; the parts add up to it. */
  public static final AttributeKey<Double> TOTAL = AttributeKey.doubleKey("lockn.cost.total");
  /** {@code lockn.cost.total_nanos}: the call's total as an exact integer of nano-USD. */
  public static final AttributeKey<Long> TOTAL_NANOS = AttributeKey.longKey("lockn.cost.total_nanos");
  /** {@code lockn.cost.list_total_nanos}: the total at list prices, when a negotiated discount applied. */
  public static final AttributeKey<Long> LIST_TOTAL_NANOS = AttributeKey.longKey("lockn.cost.list_total_nanos");
  /** {@code lockn.cost.currency}: always {@code USD}. */
  public static final AttributeKey<String> CURRENCY = AttributeKey.stringKey("lockn.cost.currency");
  /** {@code lockn.cost.source}: {@code local} or {@code provider}. */
  public static final AttributeKey<String> SOURCE = AttributeKey.stringKey("lockn.cost.source");
  /** {@code lockn.pricing.id}: the catalog entry and effective date used, e.g. {@code openai/gpt-4o@2024-10-02}. */
  public static final AttributeKey<String> PRICING_ID = AttributeKey.stringKey("lockn.pricing.id");
  /** {@code lockn.cost.unpriced}: {@code true} when the model is unknown or had no price then; never a silent $0. */
  public static final AttributeKey<Boolean> UNPRICED = AttributeKey.booleanKey("lockn.cost.unpriced");
  /** {@code lockn.cost.rollup.total}: the cost of every priced model call below an agent, task, workflow or root. */
  public static final AttributeKey<Double> ROLLUP_TOTAL = AttributeKey.doubleKey("lockn.cost.rollup.total");
  /** {@code lockn.cost.rollup.total_nanos}: the roll-up as an exact integer of nano-USD. */
  public static final AttributeKey<Long> ROLLUP_TOTAL_NANOS = AttributeKey.longKey("lockn.cost.rollup.total_nanos");
  /** {@code lockn.cost.rollup.calls}: how many priced model calls the roll-up adds up. */
  public static final AttributeKey<Long> ROLLUP_CALLS = AttributeKey.longKey("lockn.cost.rollup.calls");
  /** {@code lockn.cost.rollup.unpriced_calls}: model calls below that could not be priced, so are not in it. */
  public static final AttributeKey<Long> ROLLUP_UNPRICED_CALLS =
      AttributeKey.longKey("lockn.cost.rollup.unpriced_calls");
  /**
   * {@code lockn.cost.duplicate_of}: on a model-call span that describes a call another span of the same trace counts
   * (a wrapper around an SDK's span, or the SDK's span inside one), the span id of that span; the span carries no cost
   * of its own, so that the call is counted once.
   */
  public static final AttributeKey<String> DUPLICATE_OF = AttributeKey.stringKey("lockn.cost.duplicate_of");
  /**
   * {@code gen_ai.usage.cost.amount}: the call's cost in {@link #GEN_AI_USAGE_COST_CURRENCY}, written (with the
   * currency and the source) under the latest experimental conventions only; proposed in semantic-conventions-genai
   * PR #443, not released.
   */
  public static final AttributeKey<Double> GEN_AI_USAGE_COST_AMOUNT =
      AttributeKey.doubleKey("gen_ai.usage.cost.amount");
  /** {@code gen_ai.usage.cost.currency}: the ISO 4217 code, {@code USD}; proposed (PR #443). */
  public static final AttributeKey<String> GEN_AI_USAGE_COST_CURRENCY =
      AttributeKey.stringKey("gen_ai.usage.cost.currency");
  /** {@code gen_ai.usage.cost.source}: {@code provider} or {@code local}; proposed (PR #443). */
  public static final AttributeKey<String> GEN_AI_USAGE_COST_SOURCE =
      AttributeKey.stringKey("gen_ai.usage.cost.source");
  /** {@code lockn.cost.type}: the token class on the cost metric. */
  public static final AttributeKey<String> COST_TYPE = AttributeKey.stringKey("lockn.cost.type");

  private CostAttributes() {}
}
