package io.lockn.cli.audit;

import java.util.List;

/**
 * Something in the traces a FinOps lead should look at, with the cost it involves.
 *
 * @param type {@code model_substitution}, {@code retry_chain}, {@code fallback}, {@code inferred_cache_hit}, {@code
 *     runaway_agent} or {@code unpriced_model}
 * @param traceId the trace, or empty for findings across traces (unpriced models)
 * @param spanIds the spans involved
 * @param costNanos the cost involved, in nano-USD: the wasted cost of failed attempts for retries and fallbacks, the
 *     span's cost otherwise; 0 for unpriced models
 * @param detail a human-readable explanation
 */
public record Finding(String type, String traceId, List<String> spanIds, long costNanos, String detail) {

  /** A model answered by another family than requested. */
  public static final String MODEL_SUBSTITUTION = "model_substitution";
  /** Failed attempts followed by another attempt of the same request. */
  public static final String RETRY_CHAIN = "retry_chain";
  /** A failed attempt followed by an attempt on a different model. */
  public static final String FALLBACK = "fallback";
  /** A call whose input tokens suggest a cache hit the provider did not report. */
  public static final String INFERRED_CACHE_HIT = "inferred_cache_hit";
  /** An agent invocation that loops on one tool or makes far too many calls. */
  public static final String RUNAWAY_AGENT = "runaway_agent";
  /** A model LockN has no price for. */
  public static final String UNPRICED_MODEL = "unpriced_model";

  /**
   * Creates a finding.
   *
   * @param type the type
   * @param traceId the trace
   * @param spanIds the spans
   * @param costNanos the cost
   * @param detail the explanation
   */
  public Finding {
    spanIds = List.copyOf(spanIds);
  }
}
