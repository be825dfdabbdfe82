package io.lockn.compression.roi;

import io.lockn.compression.CompressionAttributes;
import io.lockn.compression.experiment.Experiments;
import io.lockn.core.GenAiAttributes;
import io.lockn.core.LockNAttributes;
import io.lockn.core.TokenUsage;
import io.lockn.pricing.CostAttributes;
import io.lockn.pricing.ModelMatch;
import io.lockn.pricing.PriceCatalog;
import io.lockn.pricing.SpanPricing;
import io.opentelemetry.api.common.AttributeKey;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a model-call span in a compression experiment becomes a {@link RoiSample}: the one set of rules behind both
 * {@code lockn audit --experiments}, which reads exported spans, and the in-process {@link
 * io.lockn.compression.roi.sdk.RoiCollector}, which reads live ones, so that the two give the same sample for the same
 * span.
 *
 * <ul>
 *   <li><b>Experiment and group:</b> {@code lockn.experiment.name} and {@code lockn.experiment.group} of the call, else
 *       of its nearest ancestor that has them, else {@link SpanView#outerString} (what Baggage carried, then the
 *       resource). A call without both is in no experiment.
 *   <li><b>Agent:</b> {@code gen_ai.agent.name} of the nearest {@code invoke_agent} ancestor, else the call's own
 *       {@code lockn.agent.name}, else empty.
 *   <li><b>Compression step:</b> a span named {@code compress ...} that is a child of the call, else one that is its
 *       sibling (same parent) and started no later than the call; among several, one that carries {@code
 *       lockn.compression.input_tokens_original} first, then the latest started.
 *   <li><b>Original input tokens:</b> the call's own {@code lockn.compression.input_tokens_original} (a step recorded
 *       on the call's span), else the step's, else the tokens sent.
 *   <li><b>Quality score:</b> the call's own {@code lockn.compression.quality_score}, else the step's.
 *   <li><b>Step cost:</b> the step's {@code lockn.compression.cost_nanos}, else its {@code lockn.cost.total_nanos} (a
 *       step that is itself a priced model call), else 0.
 *   <li><b>Usage</b> by {@link SpanPricing#read}; <b>cost</b> as the caller priced or read it, a call without a price
 *       is left out; <b>latency</b> the call span's duration; <b>start</b> the span's start; <b>context window</b>
 *       the catalog's for the response model, else the request model.
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
public final class RoiSpans {

  /** The operation name of an agent invocation span. */
  private static final String INVOKE_AGENT = "invoke_agent";

  /** How far up the ancestry the rules look; a guard against cycles in malformed input. */
  private static final int MAX_HOPS = 1000;

  private RoiSpans() {}

  /**
   * Read access to one span and its ancestry, whatever holds it: a live SDK span, an exported span, a line of JSON.
   * Counts follow {@link SpanPricing.SpanAttributes}: a negative number when absent or unreadable.
   */
  public interface SpanView extends SpanPricing.SpanAttributes {

    /**
     * The span name.
     *
     * @return the name
     */
    String name();

    /**
     * A floating-point attribute.
     *
     * @param key the attribute
     * @return the value, or {@code null} when absent or not a number
     */
    @Nullable Double number(AttributeKey<Double> key);

    /**
     * When the span started.
     *
     * @return nanoseconds since the epoch
     */
    long startEpochNanos();

    /**
     * When the span ended.
     *
     * @return nanoseconds since the epoch
     */
    long endEpochNanos();

    /**
     * The nearest recorded ancestor.
     *
     * @return the parent, or {@code null} for a root or when the parent was not recorded
     */
    @Nullable SpanView parent();

    /**
     * A value from outside the trace, looked up when neither the span nor an ancestor has it: what Baggage carried
     * when the span started, then the resource's attribute.
     *
     * @param key the attribute
     * @return the value, or {@code null}; none by default
     */
    default @Nullable String outerString(AttributeKey<String> key) {
      return null;
    }
  }

  /**
   * Whether a span is a compression step, by its name.
   *
   * @param spanName the span name
   * @return {@code true} for {@code compress ...}
   */
  public static boolean isStep(String spanName) {
    return spanName.startsWith("compress");
  }

  /**
   * The sample of one priced model call.
   *
   * @param call the model call's span
   * @param children the call's child spans (or only its {@code compress} children), in any order
   * @param siblings the spans with the call's parent, the call excluded (or only the {@code compress} ones), in any
   *     order
   * @param costNanos the call's cost in nano-USD, cache-write premiums included; negative when it has no price
   * @param catalog the prices, for the model's context window
   * @return the sample, or {@code null} when the call is in no experiment, has no price, or is made inside a
   *     compression step
   */
  public static @Nullable RoiSample sample(
      SpanView call,
      List<? extends SpanView> children,
      List<? extends SpanView> siblings,
      long costNanos,
      PriceCatalog catalog) {
    Objects.requireNonNull(call, "call");
    Objects.requireNonNull(catalog, "catalog");
    if (costNanos < 0 || insideStep(call)) {
      return null;
    }
    String experiment = inherited(call, Experiments.EXPERIMENT_NAME);
    String group = inherited(call, Experiments.EXPERIMENT_GROUP);
    if (experiment == null || group == null) {
      return null;
    }
    SpanView step = step(call, children, siblings);
    io.lockn.pricing.ModelCall described = SpanPricing.read(call);
    TokenUsage read = described == null ? null : described.usage();
    TokenUsage usage = read != null ? read : TokenUsage.EMPTY;
    long sent = usage.inputTokens();
    long original = call.count(CompressionAttributes.INPUT_TOKENS_ORIGINAL);
    if (original < 0 && step != null) {
      original = step.count(CompressionAttributes.INPUT_TOKENS_ORIGINAL);
    }
    if (original < 0) {
      original = sent;
    }
    Double quality = score(call);
    if (quality == null && step != null) {
      quality = score(step);
    }
    long stepCost = 0;
    if (step != null) {
      stepCost = Math.max(0, step.count(CompressionAttributes.COST_NANOS));
      if (stepCost == 0) {
        stepCost = Math.max(0, step.count(CostAttributes.TOTAL_NANOS));
      }
    }
    String agent = agent(call);
    long window = contextWindow(catalog, SpanPricing.provider(call), call.string(GenAiAttributes.GEN_AI_RESPONSE_MODEL),
        call.string(GenAiAttributes.GEN_AI_REQUEST_MODEL));
    long start = Math.max(0, call.startEpochNanos());
    return RoiSample.builder()
        .setExperiment(experiment)
        .setGroup(group)
        .setAgent(agent == null ? "" : agent)
        .setInputTokensOriginal(original)
        .setInputTokensSent(sent)
        .setOutputTokens(usage.outputTokens())
        .setCacheReadTokens(usage.cacheReadTokens())
        .setCacheWriteTokens(usage.cacheWriteTokens())
        .setCostNanos(costNanos)
        .setCompressionCostNanos(stepCost)
        .setLatencyNanos(Math.max(0, call.endEpochNanos() - call.startEpochNanos()))
        .setQualityScore(quality)
        .setContextWindow(window)
        .setEpochNanos(start)
        .build();
  }

  /**
   * Whether the call is made by a compression step (an LLM summariser, say): such a call is part of the step's own
   * cost ({@link CompressionAttributes#COST_NANOS}), not a call of the experiment, and counting it as a sample would
   * count its cost twice.
   */
  private static boolean insideStep(SpanView call) {
    int hops = 0;
    for (SpanView s = call.parent(); s != null && hops < MAX_HOPS; s = s.parent(), hops++) {
      if (isStep(s.name())) {
        return true;
      }
    }
    return false;
  }

  /**
   * A string attribute of the span, else of its nearest ancestor that has it, else {@link SpanView#outerString}.
   *
   * @param span the span
   * @param key the attribute
   * @return the value, or {@code null}
   */
  public static @Nullable String inherited(SpanView span, AttributeKey<String> key) {
    int hops = 0;
    for (SpanView s = span; s != null && hops < MAX_HOPS; s = s.parent(), hops++) {
      String v = s.string(key);
      if (v != null) {
        return v;
      }
    }
    return span.outerString(key);
  }

  /**
   * The agent a span works for: {@code gen_ai.agent.name} of the nearest {@code invoke_agent} ancestor, else the
   * span's own {@code lockn.agent.name}.
   *
   * @param span the span
   * @return the agent, or {@code null}
   */
  public static @Nullable String agent(SpanView span) {
    int hops = 0;
    for (SpanView s = span.parent(); s != null && hops < MAX_HOPS; s = s.parent(), hops++) {
      if (INVOKE_AGENT.equals(s.string(GenAiAttributes.GEN_AI_OPERATION_NAME))) {
        String name = s.string(GenAiAttributes.GEN_AI_AGENT_NAME);
        if (name != null) {
          return name;
        }
      }
    }
    return span.string(LockNAttributes.AGENT_NAME);
  }

  /**
   * The context window the catalog gives the model that answered, else the model requested.
   *
   * @param catalog the prices
   * @param provider the provider
   * @param responseModel {@code gen_ai.response.model}, or {@code null}
   * @param requestModel {@code gen_ai.request.model}, or {@code null}
   * @return the window in tokens, or 0 when unknown
   */
  public static long contextWindow(
      PriceCatalog catalog, String provider, @Nullable String responseModel, @Nullable String requestModel) {
    String model = responseModel != null ? responseModel : requestModel;
    ModelMatch match = model == null ? null : catalog.resolve(provider, model);
    if (match == null && requestModel != null && !requestModel.equals(model)) {
      match = catalog.resolve(provider, requestModel);
    }
    Long window = match == null ? null : match.entry().contextWindow();
    return window == null ? 0 : Math.max(0, window);
  }

  /**
   * The compression step that prepared the call's input: a {@code compress} child, else a {@code compress} sibling
   * that started no later than the call; one with an original token count first, then the latest started.
   *
   * @param call the model call's span
   * @param children the call's child spans
   * @param siblings the spans with the call's parent
   * @return one of {@code children} or {@code siblings}, or {@code null}
   */
  public static @Nullable SpanView step(
      SpanView call, List<? extends SpanView> children, List<? extends SpanView> siblings) {
    SpanView child = best(children, Long.MAX_VALUE);
    return child != null ? child : best(siblings, call.startEpochNanos());
  }

  private static @Nullable SpanView best(List<? extends SpanView> spans, long startedBy) {
    SpanView best = null;
    boolean bestCounted = false;
    for (SpanView s : spans) {
      if (!isStep(s.name()) || s.startEpochNanos() > startedBy) {
        continue;
      }
      boolean counted = s.count(CompressionAttributes.INPUT_TOKENS_ORIGINAL) >= 0;
      if (best == null || (counted && !bestCounted)
          || (counted == bestCounted && s.startEpochNanos() > best.startEpochNanos())) {
        best = s;
        bestCounted = counted;
      }
    }
    return best;
  }

  private static @Nullable Double score(SpanView s) {
    Double v = s.number(CompressionAttributes.QUALITY_SCORE);
    return v != null && Double.isFinite(v) ? v : null;
  }
}
