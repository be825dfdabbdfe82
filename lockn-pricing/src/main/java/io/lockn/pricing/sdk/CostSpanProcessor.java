package io.lockn.pricing.sdk;

import io.lockn.core.AttributionKeys;
import io.lockn.core.GenAiAttributes;
import io.lockn.core.LockNAttributes;
import io.lockn.core.sdk.OpenSpanTable;
import io.lockn.core.spi.CardinalityLimiter;
import io.lockn.core.spi.UsageLogger;
import io.lockn.pricing.Cost;
import io.lockn.pricing.CostAttributes;
import io.lockn.pricing.CostLedger;
import io.lockn.pricing.PriceCatalog;
import io.lockn.pricing.SpanPricing;
import io.lockn.pricing.internal.Decimals;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.internal.ExtendedSpanProcessor;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Prices every GenAI inference and embeddings span as it ends, whoever created it, and rolls costs up to the agents,
 * tasks, workflows and root spans above it.
 *
 * <pre>{@code
 * SdkTracerProvider.builder()
 *     .addSpanProcessor(CostSpanProcessor.builder(PriceCatalog.bundled()).setMeterProvider(meters).build())
 *     .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
 *     .build();
 * }</pre>
 *
 * <p><b>What it reads.</b> {@code gen_ai.operation.name} ({@code chat}, {@code text_completion}, {@code
 * generate_content}, {@code embeddings}); {@code gen_ai.provider.name}, else the deprecated {@code gen_ai.system};
 * {@code gen_ai.response.model}, else {@code gen_ai.request.model}; the usage attributes, including the deprecated
 * {@code gen_ai.usage.prompt_tokens}/{@code completion_tokens} and string-typed values from Micrometer bridges; the
 * service tier ({@code openai.response.service_tier}); a provider-reported cost ({@code lockn.cost.reported_nanos}),
 * which wins over the catalog. Prices are those in force when the span started.
 *
 * <p><b>What it writes.</b> The {@link CostAttributes} on the span, in {@code onEnding}, before the span is
 * exported; the counter {@code lockn.client.cost} (exact nano-USD, by provider, models, token class and the
 * configured attribution keys, each capped in cardinality); the counter {@code lockn.client.unpriced_calls}; one
 * warning per unpriced model; and, if configured, the {@link CostLedger} for in-process queries.
 *
 * <p><b>Roll-ups.</b> Each open span has a small node; a span adds its own cost and its descendants' to its parent's
 * node when it ends, and agent, task, workflow and root spans carry {@code lockn.cost.rollup.*}. Memory is bounded:
 * only open spans have nodes, at most {@code maxOpenSpans} of them; spans left open longer than {@code
 * abandonAfter} are dropped when the table is full. A child that ends after its parent is priced but not rolled up.
 *
 * <p>It uses the SDK's {@code ExtendedSpanProcessor#onEnding} hook, the only point where attributes can still be set
 * on an ending span; the hook sits in an internal SDK package, so this class is tested against each SDK version LockN
 * supports. Never throws; called on the thread that starts or ends the span.
 */
public final class CostSpanProcessor implements ExtendedSpanProcessor {

  private static final String USD = "USD";
  private static final String[] COST_TYPES = {"input", "output", "cache_read", "cache_write", "reasoning"};
  /** Indexes of {@link #metricAttributes} past {@link #COST_TYPES}: the total, and no cost type (unpriced calls). */
  private static final int TOTAL = COST_TYPES.length;
  private static final int NO_COST_TYPE = COST_TYPES.length + 1;
  private static final int MAX_CACHED_MODELS = 1000;
  private static final @Nullable String[] NO_VALUES = new String[0];

  private final PriceCatalog catalog;
  private final @Nullable MeterProvider meterProvider;
  private final List<AttributeKey<String>> metricAttributionKeys;
  private final @Nullable CostLedger ledger;
  private final AttributionKeys attributionKeys;
  private final Clock clock;
  private final OpenSpanTable<Node> open;
  // One limiter per metric attribute, so that one noisy attribute cannot push another's values into _OTHER.
  private final CardinalityLimiter providerLimiter;
  private final CardinalityLimiter requestModelLimiter;
  private final CardinalityLimiter responseModelLimiter;
  private final Map<AttributeKey<String>, CardinalityLimiter> attributionLimiters;
  private final ConcurrentHashMap<MetricKey, @Nullable Attributes[]> metricAttributesCache = new ConcurrentHashMap<>();
  private volatile @Nullable Instruments instruments;

  private CostSpanProcessor(Builder b) {
    this.catalog = b.catalog;
    this.meterProvider = b.meterProvider;
    this.metricAttributionKeys = b.metricAttributionKeys.stream().map(AttributeKey::stringKey).toList();
    this.providerLimiter = CardinalityLimiter.of(b.cardinalityLimit);
    this.requestModelLimiter = CardinalityLimiter.of(b.cardinalityLimit);
    this.responseModelLimiter = CardinalityLimiter.of(b.cardinalityLimit);
    Map<AttributeKey<String>, CardinalityLimiter> byKey = new java.util.HashMap<>();
    for (AttributeKey<String> key : metricAttributionKeys) {
      byKey.put(key, CardinalityLimiter.of(b.cardinalityLimit));
    }
    this.attributionLimiters = Map.copyOf(byKey);
    this.ledger = b.ledger;
    this.attributionKeys = b.attributionKeys;
    this.open = OpenSpanTable.create(b.maxOpenSpans, b.abandonAfter.toMillis(), n -> n.startMillis);
    this.clock = b.clock;
  }

  /**
   * A builder.
   *
   * @param catalog the prices
   * @return the builder
   */
  public static Builder builder(PriceCatalog catalog) {
    return new Builder(catalog);
  }

  /** What each open span keeps: its parent's node, when it started, and what its descendants cost. */
  private static final class Node {
    final @Nullable Node parent;
    final long startMillis;
    final AtomicLong rollupNanos = new AtomicLong();
    final AtomicLong calls = new AtomicLong();
    final AtomicLong unpricedCalls = new AtomicLong();

    Node(@Nullable Node parent, long startMillis) {
      this.parent = parent;
      this.startMillis = startMillis;
    }
  }

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {
    try {
      long now = clock.millis();
      if (open.hasRoom(now)) {
        open.put(span, new Node(open.parentOf(parentContext), now));
      }
    } catch (Throwable t) {
      UsageLogger.failed("CostSpanProcessor.onStart", t);
    }
  }

  @Override
  public boolean isStartRequired() {
    return true;
  }

  @Override
  public void onEnding(ReadWriteSpan span) {
    try {
      Node node = open.remove(span);
      long startMillis = node != null ? node.startMillis : clock.millis();
      String operation = SpanPricing.operation(span.getAttribute(GenAiAttributes.GEN_AI_OPERATION_NAME),
          span.getAttribute(SpanPricing.LLM_REQUEST_TYPE));
      long ownNanos = 0;
      boolean priced = false;
      boolean unpriced = false;
      if (SpanPricing.isModelCall(operation)) {
        Cost cost = null;
        try {
          cost = price(span, startMillis);
        } catch (Throwable t) {
          UsageLogger.failed("pricing a span", t);
        }
        if (cost != null) {
          priced = cost.isPriced();
          unpriced = !priced;
          ownNanos = cost.totalNanos();
        }
      }
      if (node == null) {
        return;
      }
      long rollup = Decimals.add(node.rollupNanos.get(), ownNanos);
      long calls = node.calls.get() + (priced ? 1 : 0);
      long unpricedCalls = node.unpricedCalls.get() + (unpriced ? 1 : 0);
      if ((calls > 0 || unpricedCalls > 0) && carriesRollup(span, operation, node)) {
        span.setAttribute(CostAttributes.ROLLUP_TOTAL, rollup / 1e9);
        span.setAttribute(CostAttributes.ROLLUP_TOTAL_NANOS, rollup);
        span.setAttribute(CostAttributes.ROLLUP_CALLS, calls);
        if (unpricedCalls > 0) {
          span.setAttribute(CostAttributes.ROLLUP_UNPRICED_CALLS, unpricedCalls);
        }
      }
      Node parent = node.parent;
      if (parent != null) {
        parent.rollupNanos.accumulateAndGet(rollup, Decimals::add);
        parent.calls.addAndGet(calls);
        parent.unpricedCalls.addAndGet(unpricedCalls);
      }
    } catch (Throwable t) {
      UsageLogger.failed("CostSpanProcessor.onEnding", t);
    }
  }

  private @Nullable Cost price(ReadWriteSpan span, long startMillis) {
    SpanPricing.SpanAttributes attributes =
        new SpanPricing.SpanAttributes() {
          @Override
          public long count(AttributeKey<Long> key) {
            return SpanUsage.count(span, key);
          }

          @Override
          public @Nullable String string(AttributeKey<String> key) {
            return span.getAttribute(key);
          }
        };
    Cost cost = SpanPricing.price(catalog, attributes, startMillis);
    if (cost == null) {
      return null;
    }
    String provider = SpanPricing.provider(attributes);
    String requestModel = span.getAttribute(GenAiAttributes.GEN_AI_REQUEST_MODEL);
    String responseModel = span.getAttribute(GenAiAttributes.GEN_AI_RESPONSE_MODEL);
    String model = responseModel != null ? responseModel : requestModel;
    if (cost.isPriced()) {
      record(span, cost, provider, requestModel, responseModel, startMillis);
    } else {
      span.setAttribute(CostAttributes.UNPRICED, true);
      UsageLogger.warn("LockN has no price for " + provider + "/" + model
          + "; its calls are marked lockn.cost.unpriced=true and their cost is not recorded");
      try {
        instruments().unpriced.add(1, metricAttributes(span, provider, requestModel, responseModel, NO_COST_TYPE,
                cachedMetricAttributes(span, provider, requestModel, responseModel)),
            Context.current());
      } catch (Throwable t) {
        UsageLogger.failed("recording lockn.client.unpriced_calls", t);
      }
    }
    return cost;
  }

  private void record(
      ReadWriteSpan span,
      Cost cost,
      @Nullable String provider,
      @Nullable String requestModel,
      @Nullable String responseModel,
      long startMillis) {
    span.setAttribute(CostAttributes.INPUT, cost.inputNanos() / 1e9);
    span.setAttribute(CostAttributes.OUTPUT, cost.outputNanos() / 1e9);
    span.setAttribute(CostAttributes.CACHE_READ, cost.cacheReadNanos() / 1e9);
    span.setAttribute(CostAttributes.CACHE_WRITE, cost.cacheWriteNanos() / 1e9);
    span.setAttribute(CostAttributes.REASONING, cost.reasoningNanos() / 1e9);
    span.setAttribute(CostAttributes.TOTAL, cost.totalNanos() / 1e9);
    span.setAttribute(CostAttributes.TOTAL_NANOS, cost.totalNanos());
    if (cost.listTotalNanos() != cost.totalNanos()) {
      span.setAttribute(CostAttributes.LIST_TOTAL_NANOS, cost.listTotalNanos());
    }
    span.setAttribute(CostAttributes.CURRENCY, USD);
    span.setAttribute(CostAttributes.SOURCE, cost.source().value());
    span.setAttribute(CostAttributes.PRICING_ID, cost.pricingId());

    CostLedger l = ledger;
    if (l != null) {
      String agent = span.getAttribute(LockNAttributes.AGENT_NAME);
      if (agent == null) {
        agent = span.getAttribute(GenAiAttributes.GEN_AI_AGENT_NAME);
      }
      l.record(
          startMillis,
          cost.totalNanos(),
          span.getAttribute(AttributeKey.stringKey(attributionKeys.tenantKey())),
          span.getAttribute(AttributeKey.stringKey(attributionKeys.costCenterKey())),
          agent,
          span.getAttribute(AttributeKey.stringKey(attributionKeys.workflowIdKey())),
          responseModel != null ? responseModel : requestModel);
    }
    try {
      Instruments i = instruments();
      Context context = Context.current().with(span);
      long[] parts = {cost.inputNanos(), cost.outputNanos(), cost.cacheReadNanos(), cost.cacheWriteNanos(),
          cost.reasoningNanos()};
      @Nullable Attributes[] byType = cachedMetricAttributes(span, provider, requestModel, responseModel);
      if (cost.source() == io.lockn.pricing.CostSource.PROVIDER) {
        i.cost.add(cost.totalNanos(), metricAttributes(span, provider, requestModel, responseModel, TOTAL, byType),
            context);
      } else {
        for (int p = 0; p < parts.length; p++) {
          if (parts[p] > 0) {
            i.cost.add(parts[p], metricAttributes(span, provider, requestModel, responseModel, p, byType), context);
          }
        }
      }
    } catch (Throwable t) {
      UsageLogger.failed("recording lockn.client.cost", t);
    }
  }

  /**
   * The cached cost metric attributes of a call's provider, models and attribution values, one slot per cost type
   * (filled on first use), or {@code null} when the call is not cached.
   *
   * <p>Why a cache: a priced call records up to five cost parts, and building an {@link Attributes} sorts and copies
   * its entries. The attributes depend only on the provider, the two models and the span's values of the metric
   * attribution keys, so they are built once per combination and reused. Bounded by {@value #MAX_CACHED_MODELS}
   * combinations; past that, and for a value longer than LockN records (another instrumentation's 10 MB model name
   * is never a key), they are built per call. A cached entry equals a fresh build: the limiters map a value they
   * have seen to the same result every time.
   */
  private @Nullable Attributes @Nullable [] cachedMetricAttributes(
      ReadableSpan span, @Nullable String provider, @Nullable String requestModel, @Nullable String responseModel) {
    if (tooLong(provider) || tooLong(requestModel) || tooLong(responseModel)) {
      return null;
    }
    @Nullable String[] attribution =
        metricAttributionKeys.isEmpty() ? NO_VALUES : new String[metricAttributionKeys.size()];
    for (int i = 0; i < attribution.length; i++) {
      String value = span.getAttribute(metricAttributionKeys.get(i));
      if (tooLong(value)) {
        return null;
      }
      attribution[i] = value;
    }
    MetricKey key = new MetricKey(provider, requestModel, responseModel, attribution);
    @Nullable Attributes[] byType = metricAttributesCache.get(key);
    if (byType == null) {
      if (metricAttributesCache.size() >= MAX_CACHED_MODELS) {
        return null;
      }
      byType = metricAttributesCache.computeIfAbsent(key, k -> new Attributes[COST_TYPES.length + 2]);
    }
    return byType;
  }

  /** One cost type's metric attributes ({@code NO_COST_TYPE}: the unpriced-calls counter's), cached when possible. */
  private Attributes metricAttributes(
      ReadableSpan span,
      @Nullable String provider,
      @Nullable String requestModel,
      @Nullable String responseModel,
      int costType,
      @Nullable Attributes @Nullable [] byType) {
    if (byType == null) {
      return buildMetricAttributes(span, provider, requestModel, responseModel, costType);
    }
    Attributes attributes = byType[costType];
    if (attributes == null) {
      // Racing builds give equal values, so a plain array slot is enough.
      attributes = buildMetricAttributes(span, provider, requestModel, responseModel, costType);
      byType[costType] = attributes;
    }
    return attributes;
  }

  private Attributes buildMetricAttributes(
      ReadableSpan span,
      @Nullable String provider,
      @Nullable String requestModel,
      @Nullable String responseModel,
      int costType) {
    // The values come from any instrumentation's spans: untrusted, so cleaned and cut as well as counted.
    AttributesBuilder b = Attributes.builder();
    putLimited(b, GenAiAttributes.GEN_AI_PROVIDER_NAME, providerLimiter, provider);
    putLimited(b, GenAiAttributes.GEN_AI_REQUEST_MODEL, requestModelLimiter, requestModel);
    putLimited(b, GenAiAttributes.GEN_AI_RESPONSE_MODEL, responseModelLimiter, responseModel);
    if (costType < COST_TYPES.length) {
      b.put(CostAttributes.COST_TYPE, COST_TYPES[costType]);
    } else if (costType == TOTAL) {
      b.put(CostAttributes.COST_TYPE, "total");
    }
    for (AttributeKey<String> key : metricAttributionKeys) {
      putLimited(b, key, attributionLimiters.get(key), span.getAttribute(key));
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

    MetricKey(@Nullable String provider, @Nullable String requestModel, @Nullable String responseModel,
        @Nullable String[] attribution) {
      this.provider = provider;
      this.requestModel = requestModel;
      this.responseModel = responseModel;
      this.attribution = attribution;
      this.hash = Objects.hash(provider, requestModel, responseModel) * 31 + Arrays.hashCode(attribution);
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

  private static boolean carriesRollup(ReadableSpan span, @Nullable String operation, Node node) {
    if (operation != null) {
      switch (operation) {
        case "invoke_agent", "invoke_workflow", "create_agent" -> {
          return true;
        }
        default -> {
          // model calls and tools: their own cost is on them already
        }
      }
    } else if (span.getAttribute(LockNAttributes.TASK_NAME) != null) {
      return true;
    }
    SpanContext parent = span.getParentSpanContext();
    return node.parent == null && (!parent.isValid() || parent.isRemote()) && !SpanPricing.isModelCall(operation);
  }

  /** The number of spans currently tracked for roll-ups; for tests and monitoring. */
  int openSpans() {
    return open.size();
  }

  private Instruments instruments() {
    Instruments i = instruments;
    if (i == null) {
      synchronized (this) {
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

  @Override
  public boolean isOnEndingRequired() {
    return true;
  }

  @Override
  public void onEnd(ReadableSpan span) {}

  @Override
  public boolean isEndRequired() {
    return false;
  }

  @Override
  public CompletableResultCode shutdown() {
    open.clear();
    return CompletableResultCode.ofSuccess();
  }

  /** Builds a {@link CostSpanProcessor}. */
  public static final class Builder {
    private final PriceCatalog catalog;
    private @Nullable MeterProvider meterProvider;
    private final java.util.List<String> metricAttributionKeys = new java.util.ArrayList<>();
    private int cardinalityLimit = 100;
    private @Nullable CostLedger ledger;
    private AttributionKeys attributionKeys = AttributionKeys.defaults();
    private int maxOpenSpans = OpenSpanTable.DEFAULT_MAX_OPEN_SPANS;
    private Duration abandonAfter = OpenSpanTable.DEFAULT_ABANDON_AFTER;
    private Clock clock = Clock.systemUTC();

    private Builder(PriceCatalog catalog) {
      this.catalog = Objects.requireNonNull(catalog, "catalog");
    }

    /**
     * Sets where the cost metrics go. Defaults to {@link GlobalOpenTelemetry}'s, resolved on first use.
     *
     * @param meterProvider the meter provider
     * @return this builder
     */
    public Builder setMeterProvider(MeterProvider meterProvider) {
      this.meterProvider = Objects.requireNonNull(meterProvider, "meterProvider");
      return this;
    }

    /**
     * Adds a span attribute (usually an attribution key such as {@code app.tenant_id}) to the cost metric.
     *
     * @param key the attribute key
     * @return this builder
     */
    public Builder addMetricAttributionKey(String key) {
      metricAttributionKeys.add(Objects.requireNonNull(key, "key"));
      return this;
    }

    /**
     * Sets the distinct values kept per metric attribute before {@code _OTHER}. Defaults to 100.
     *
     * @param limit at least 1
     * @return this builder
     */
    public Builder setMetricCardinalityLimit(int limit) {
      if (limit < 1) {
        throw new IllegalArgumentException("limit < 1");
      }
      this.cardinalityLimit = limit;
      return this;
    }

    /**
     * Feeds an in-process ledger for cost queries.
     *
     * @param ledger the ledger
     * @param keys which span attributes hold tenant, cost center and workflow
     * @return this builder
     */
    public Builder setLedger(CostLedger ledger, AttributionKeys keys) {
      this.ledger = Objects.requireNonNull(ledger, "ledger");
      this.attributionKeys = Objects.requireNonNull(keys, "keys");
      return this;
    }

    /**
     * Sets how many open spans are tracked for roll-ups. Defaults to 100,000.
     *
     * @param maxOpenSpans at least 1
     * @return this builder
     */
    public Builder setMaxOpenSpans(int maxOpenSpans) {
      this.maxOpenSpans = OpenSpanTable.checkMaxOpenSpans(maxOpenSpans);
      return this;
    }

    /**
     * Sets after how long an open span counts as abandoned and may be dropped when the table is full. Defaults to 6
     * hours.
     *
     * @param abandonAfter the age
     * @return this builder
     */
    public Builder setAbandonAfter(Duration abandonAfter) {
      this.abandonAfter = OpenSpanTable.checkAbandonAfter(abandonAfter);
      return this;
    }

    /**
     * Sets the clock that dates spans for price lookup. Defaults to UTC system time.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder setClock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Builds the processor.
     *
     * @return the processor
     */
    public CostSpanProcessor build() {
      return new CostSpanProcessor(this);
    }
  }
}
