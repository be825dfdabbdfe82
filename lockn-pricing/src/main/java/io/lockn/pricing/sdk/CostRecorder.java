package io.lockn.pricing.sdk;

import io.lockn.core.GenAiAttributes;
import io.lockn.core.SemconvProfile;
import io.lockn.core.spi.CardinalityLimiter;
import io.lockn.core.spi.UsageLogger;
import io.lockn.pricing.Cost;
import io.lockn.pricing.CostAttributes;
import io.lockn.pricing.CostLedger;
import io.lockn.pricing.CostSource;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Records one priced call wherever LockN keeps costs: the span's {@code lockn.cost.*} attributes (the total and its
 * pricing id; the parts by token class, the currency and the source only when asked for, and the source of a
 * provider-reported cost always: each attribute is a boxed entry in the span's attribute map, and seven more per call
 * cost more than pricing itself), the {@code
 * lockn.client.cost} and {@code lockn.client.unpriced_calls} counters, the {@link CostLedger}, and one warning per
 * unpriced model. Under {@link SemconvProfile#LATEST_EXPERIMENTAL} a priced span also carries the proposed {@code
 * gen_ai.usage.cost.amount}, {@code .currency} and {@code .source}. The one writer of all of them, for LockN's own
 * calls and for other instrumentations' spans alike, so that a call's cost is recorded the same way whoever started
 * it. Thread-safe; never throws.
 */
final class CostRecorder {

  private static final String USD = "USD";
  private static final String[] COST_TYPES = {"input", "output", "cache_read", "cache_write", "reasoning"};
  /** Indexes of the cached metric attributes past {@link #COST_TYPES}: the total, and no cost type (unpriced). */
  private static final int TOTAL = COST_TYPES.length;
  private static final int NO_COST_TYPE = COST_TYPES.length + 1;
  private static final int MAX_CACHED_MODELS = 1000;
  static final @Nullable String[] NO_VALUES = new String[0];

  private final @Nullable MeterProvider meterProvider;
  private final List<AttributeKey<String>> metricAttributionKeys;
  private final @Nullable CostLedger ledger;
  private final boolean spanCostBreakdown;
  private final boolean latestConventions;
  // One limiter per metric attribute, so that one noisy attribute cannot push another's values into _OTHER.
  private final CardinalityLimiter providerLimiter;
  private final CardinalityLimiter requestModelLimiter;
  private final CardinalityLimiter responseModelLimiter;
  private final CardinalityLimiter[] attributionLimiters;
  private final ConcurrentHashMap<MetricKey, @Nullable Attributes[]> metricAttributesCache = new ConcurrentHashMap<>();
  private volatile @Nullable Instruments instruments;
  /** The key of the last cached lookup, with its slots: a racy hint, correct whichever thread's key it holds. */
  private volatile @Nullable MetricKey lastKey;

  CostRecorder(
      @Nullable MeterProvider meterProvider,
      List<String> metricAttributionKeys,
      int cardinalityLimit,
      @Nullable CostLedger ledger,
      boolean spanCostBreakdown,
      SemconvProfile profile) {
    this.meterProvider = meterProvider;
    this.spanCostBreakdown = spanCostBreakdown;
    this.latestConventions = profile == SemconvProfile.LATEST_EXPERIMENTAL;
    this.metricAttributionKeys = metricAttributionKeys.stream().map(AttributeKey::stringKey).toList();
    this.ledger = ledger;
    this.providerLimiter = CardinalityLimiter.of(cardinalityLimit);
    this.requestModelLimiter = CardinalityLimiter.of(cardinalityLimit);
    this.responseModelLimiter = CardinalityLimiter.of(cardinalityLimit);
    this.attributionLimiters = new CardinalityLimiter[this.metricAttributionKeys.size()];
    for (int i = 0; i < attributionLimiters.length; i++) {
      attributionLimiters[i] = CardinalityLimiter.of(cardinalityLimit);
    }
  }

  /** The span attributes whose values the cost metric carries, in order. */
  List<AttributeKey<String>> metricAttributionKeys() {
    return metricAttributionKeys;
  }

  /** What the ledger is told about a call besides its cost. */
  record LedgerEntry(
      @Nullable String tenant,
      @Nullable String costCenter,
      @Nullable String agent,
      @Nullable String workflow,
      @Nullable String model) {}

  /**
   * Records one call's cost.
   *
   * @param span the call's span when it is recording (its cost is written on it), else {@code null}
   * @param cost the cost, priced or {@link Cost#UNPRICED}
   * @param provider the provider
   * @param requestModel the request model
   * @param responseModel the response model
   * @param attribution the values of {@link #metricAttributionKeys()}, same order; {@link #NO_VALUES} when none
   * @param startMillis when the call started, for the ledger
   * @param ledgerEntry the call's ledger dimensions, or {@code null} when no ledger is configured
   * @param usageUnknown whether the call is unpriced because its span reports no usage (not for want of a price)
   */
  void record(
      @Nullable Span span,
      Cost cost,
      @Nullable String provider,
      @Nullable String requestModel,
      @Nullable String responseModel,
      @Nullable String[] attribution,
      long startMillis,
      @Nullable LedgerEntry ledgerEntry,
      boolean usageUnknown) {
    try {
      if (span != null) {
        writeAttributes(span, cost);
      }
    } catch (Throwable t) {
      UsageLogger.failed("writing a call's cost attributes", t);
    }
    if (!cost.isPriced()) {
      String model = responseModel != null ? responseModel : requestModel;
      UsageLogger.warn(usageUnknown
          ? "A model call to " + provider + "/" + model + " ended without usage on its span (a stream whose usage the"
              + " instrumentation did not capture?); it is marked lockn.cost.unpriced=true and its cost is not recorded"
          : "LockN has no price for " + provider + "/" + model
              + "; its calls are marked lockn.cost.unpriced=true and their cost is not recorded");
      try {
        instruments().unpriced.add(1, metricAttributes(provider, requestModel, responseModel, attribution,
            NO_COST_TYPE), Context.root());
      } catch (Throwable t) {
        UsageLogger.failed("recording lockn.client.unpriced_calls", t);
      }
      return;
    }
    CostLedger l = ledger;
    if (l != null && ledgerEntry != null) {
      try {
        l.record(startMillis, cost.totalNanos(), ledgerEntry.tenant(), ledgerEntry.costCenter(), ledgerEntry.agent(),
            ledgerEntry.workflow(), ledgerEntry.model());
      } catch (Throwable t) {
        UsageLogger.failed("recording a call's cost in the ledger", t);
      }
    }
    try {
      Instruments i = instruments();
      // No span in the context, so no exemplar: offering one per token class (a reservoir cell and a clock read each)
      // costs more than the rest of the recording, and the call's token histograms already link it to its trace.
      Context context = Context.root();
      @Nullable Attributes[] byType = cachedMetricAttributes(provider, requestModel, responseModel, attribution);
      if (cost.source() == CostSource.PROVIDER) {
        i.cost.add(cost.totalNanos(), metricAttributes(provider, requestModel, responseModel, attribution, TOTAL,
            byType), context);
        return;
      }
      addPart(i, cost.inputNanos(), 0, provider, requestModel, responseModel, attribution, byType, context);
      addPart(i, cost.outputNanos(), 1, provider, requestModel, responseModel, attribution, byType, context);
      addPart(i, cost.cacheReadNanos(), 2, provider, requestModel, responseModel, attribution, byType, context);
      addPart(i, cost.cacheWriteNanos(), 3, provider, requestModel, responseModel, attribution, byType, context);
      addPart(i, cost.reasoningNanos(), 4, provider, requestModel, responseModel, attribution, byType, context);
    } catch (Throwable t) {
      UsageLogger.failed("recording lockn.client.cost", t);
    }
  }

  private void addPart(
      Instruments i,
      long nanos,
      int costType,
      @Nullable String provider,
      @Nullable String requestModel,
      @Nullable String responseModel,
      @Nullable String[] attribution,
      @Nullable Attributes @Nullable [] byType,
      Context context) {
    if (nanos > 0) {
      i.cost.add(nanos, metricAttributes(provider, requestModel, responseModel, attribution, costType, byType),
          context);
    }
  }

  private void writeAttributes(Span span, Cost cost) {
    if (!cost.isPriced()) {
      span.setAttribute(CostAttributes.UNPRICED, true);
      return;
    }
    // What every priced span carries: the total, exact and for display, and the price it came from. Each attribute is
    // a boxed entry in the span's map (which starts at 16 entries and doubles), so the rest is written only when it
    // says something: the source when the provider reported the cost, the list total when a discount applied, and
    // the parts and the currency when asked for.
    span.setAttribute(CostAttributes.TOTAL, cost.totalNanos() / 1e9);
    span.setAttribute(CostAttributes.TOTAL_NANOS, cost.totalNanos());
    span.setAttribute(CostAttributes.PRICING_ID, cost.pricingId());
    if (cost.listTotalNanos() != cost.totalNanos()) {
      span.setAttribute(CostAttributes.LIST_TOTAL_NANOS, cost.listTotalNanos());
    }
    if (spanCostBreakdown) {
      // Parts that cost nothing are left out (absent reads as $0).
      setPart(span, CostAttributes.INPUT, cost.inputNanos());
      setPart(span, CostAttributes.OUTPUT, cost.outputNanos());
      setPart(span, CostAttributes.CACHE_READ, cost.cacheReadNanos());
      setPart(span, CostAttributes.CACHE_WRITE, cost.cacheWriteNanos());
      setPart(span, CostAttributes.REASONING, cost.reasoningNanos());
      span.setAttribute(CostAttributes.CURRENCY, USD);
      span.setAttribute(CostAttributes.SOURCE, cost.source().value());
    } else if (cost.source() != CostSource.LOCAL) {
      span.setAttribute(CostAttributes.SOURCE, cost.source().value());
    }
    if (latestConventions) {
      span.setAttribute(CostAttributes.GEN_AI_USAGE_COST_AMOUNT, cost.totalNanos() / 1e9);
      span.setAttribute(CostAttributes.GEN_AI_USAGE_COST_CURRENCY, USD);
      span.setAttribute(CostAttributes.GEN_AI_USAGE_COST_SOURCE, cost.source().value());
    }
  }

  private static void setPart(Span span, AttributeKey<Double> key, long nanos) {
    if (nanos != 0) {
      span.setAttribute(key, nanos / 1e9);
    }
  }

  /**
   * The cached cost metric attributes of a call's provider, models and attribution values, one slot per cost type
   * (filled on first use), or {@code null} when the call is not cached.
   *
   * <p>Why a cache: a priced call records up to five cost parts, and building an {@link Attributes} sorts and copies
   * its entries. The attributes depend only on the provider, the two models and the metric attribution values, so
   * they are built once per combination and reused. Bounded by {@value #MAX_CACHED_MODELS} combinations; past that,
   * and for a value longer than LockN records (another instrumentation's 10 MB model name is never a key), they are
   * built per call. A cached entry equals a fresh build: the limiters map a value they have seen to the same result
   * every time.
   */
  private @Nullable Attributes @Nullable [] cachedMetricAttributes(
      @Nullable String provider,
      @Nullable String requestModel,
      @Nullable String responseModel,
      @Nullable String[] attribution) {
    if (tooLong(provider) || tooLong(requestModel) || tooLong(responseModel)) {
      return null;
    }
    for (String value : attribution) {
      if (tooLong(value)) {
        return null;
      }
    }
    // Most calls repeat the previous call's provider, models and attribution: compared field by field, no key built.
    MetricKey last = lastKey;
    if (last != null && last.matches(provider, requestModel, responseModel, attribution)) {
      return last.byType;
    }
    MetricKey key = new MetricKey(provider, requestModel, responseModel, attribution);
    @Nullable Attributes[] byType = metricAttributesCache.get(key);
    if (byType == null) {
      if (metricAttributesCache.size() >= MAX_CACHED_MODELS) {
        return null;
      }
      byType = metricAttributesCache.computeIfAbsent(key, k -> new Attributes[COST_TYPES.length + 2]);
    }
    key.byType = byType;
    lastKey = key;
    return byType;
  }

  private Attributes metricAttributes(
      @Nullable String provider,
      @Nullable String requestModel,
      @Nullable String responseModel,
      @Nullable String[] attribution,
      int costType) {
    return metricAttributes(provider, requestModel, responseModel, attribution, costType,
        cachedMetricAttributes(provider, requestModel, responseModel, attribution));
  }

  /** One cost type's metric attributes ({@code NO_COST_TYPE}: the unpriced-calls counter's), cached when possible. */
  private Attributes metricAttributes(
      @Nullable String provider,
      @Nullable String requestModel,
      @Nullable String responseModel,
      @Nullable String[] attribution,
      int costType,
      @Nullable Attributes @Nullable [] byType) {
    if (byType == null) {
      return buildMetricAttributes(provider, requestModel, responseModel, attribution, costType);
    }
    Attributes attributes = byType[costType];
    if (attributes == null) {
      // Racing builds give equal values, so a plain array slot is enough.
      attributes = buildMetricAttributes(provider, requestModel, responseModel, attribution, costType);
      byType[costType] = attributes;
    }
    return attributes;
  }

  private Attributes buildMetricAttributes(
      @Nullable String provider,
      @Nullable String requestModel,
      @Nullable String responseModel,
      @Nullable String[] attribution,
      int costType) {
    // The values may come from any instrumentation's spans: untrusted, so cleaned and cut as well as counted.
    AttributesBuilder b = Attributes.builder();
    putLimited(b, GenAiAttributes.GEN_AI_PROVIDER_NAME, providerLimiter, provider);
    putLimited(b, GenAiAttributes.GEN_AI_REQUEST_MODEL, requestModelLimiter, requestModel);
    putLimited(b, GenAiAttributes.GEN_AI_RESPONSE_MODEL, responseModelLimiter, responseModel);
    if (costType < COST_TYPES.length) {
      b.put(CostAttributes.COST_TYPE, COST_TYPES[costType]);
    } else if (costType == TOTAL) {
      b.put(CostAttributes.COST_TYPE, "total");
    }
    for (int i = 0; i < attribution.length; i++) {
      putLimited(b, metricAttributionKeys.get(i), attributionLimiters[i], attribution[i]);
    }
    return b.build();
  }

  private static void putLimited(
      AttributesBuilder b, AttributeKey<String> key, CardinalityLimiter limiter, @Nullable String value) {
    String limited = limiter.limitUntrusted(value, CardinalityLimiter.MAX_NAME_LENGTH);
    if (limited != null) {
      b.put(key, limited);
    }
  }

  private static boolean tooLong(@Nullable String value) {
    return value != null && value.length() > CardinalityLimiter.MAX_NAME_LENGTH;
  }

  /** The raw values the cost metric's attributes are built from. */
  private static final class MetricKey {
    private final @Nullable String provider;
    private final @Nullable String requestModel;
    private final @Nullable String responseModel;
    private final @Nullable String[] attribution;
    private final int hash;
    /** The cached slots of this key, set before the key is published as {@link #lastKey}. */
    @Nullable Attributes @Nullable [] byType;

    MetricKey(@Nullable String provider, @Nullable String requestModel, @Nullable String responseModel,
        @Nullable String[] attribution) {
      this.provider = provider;
      this.requestModel = requestModel;
      this.responseModel = responseModel;
      this.attribution = attribution;
      this.hash = ((Objects.hashCode(provider) * 31 + Objects.hashCode(requestModel)) * 31
          + Objects.hashCode(responseModel)) * 31 + Arrays.hashCode(attribution);
    }

    boolean matches(@Nullable String provider, @Nullable String requestModel, @Nullable String responseModel,
        @Nullable String[] attribution) {
      return Objects.equals(this.provider, provider) && Objects.equals(this.requestModel, requestModel)
          && Objects.equals(this.responseModel, responseModel) && Arrays.equals(this.attribution, attribution);
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof MetricKey k && hash == k.hash && Objects.equals(provider, k.provider)
          && Objects.equals(requestModel, k.requestModel) && Objects.equals(responseModel, k.responseModel)
          && Arrays.equals(attribution, k.attribution);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  private Instruments instruments() {
    Instruments i = instruments;
    if (i == null) {
      synchronized (metricAttributesCache) {
        i = instruments;
        if (i == null) {
          MeterProvider provider = meterProvider != null ? meterProvider : GlobalOpenTelemetry.getMeterProvider();
          i = new Instruments(provider.meterBuilder("io.lockn.pricing").build());
          instruments = i;
        }
      }
    }
    return i;
  }

  private static final class Instruments {
    final LongCounter cost;
    final LongCounter unpriced;

    Instruments(Meter meter) {
      this.cost =
          meter.counterBuilder("lockn.client.cost")
              .setUnit("{nanoUSD}")
              .setDescription("Cost of GenAI model calls in nano-USD (1e-9 USD), as exact integers; by token class.")
              .build();
      this.unpriced =
          meter.counterBuilder("lockn.client.unpriced_calls")
              .setUnit("{call}")
              .setDescription("GenAI model calls LockN could not price (unknown model, or no price in force).")
              .build();
    }
  }
}
