package io.lockn.pricing.sdk;

import io.lockn.core.AttributionKeys;
import io.lockn.core.CallCost;
import io.lockn.core.GenAiAttributes;
import io.lockn.core.LockNAttributes;
import io.lockn.core.sdk.AttributionSpanProcessor;
import io.lockn.core.sdk.OpenSpanTable;
import io.lockn.core.spi.CallPricing;
import io.lockn.core.spi.EndedCall;
import io.lockn.core.spi.UsageLogger;
import io.lockn.pricing.Cost;
import io.lockn.pricing.CostAttributes;
import io.lockn.pricing.CostLedger;
import io.lockn.pricing.PriceCatalog;
import io.lockn.pricing.SpanPricing;
import io.lockn.pricing.internal.Decimals;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * LockN's one pricing path: it prices every model call once, records that one cost everywhere LockN keeps costs, and
 * rolls it up the trace. One object in two roles, registered in one line each:
 *
 * <pre>{@code
 * CostPipeline costs = CostPipeline.builder(PriceCatalog.bundled()).setLedger(ledger).build();
 * SdkTracerProvider tracing = SdkTracerProvider.builder()
 *     .addSpanProcessor(costs)                                   // other instrumentations' spans, roll-ups, stages
 *     .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
 *     .build();
 * LockN lockn = LockN.builder().setOpenTelemetry(otel)
 *     .setCallPricing(costs)                                     // LockN's own calls, sampled or not
 *     .setCallAdmission(budgets)
 *     .build();
 * }</pre>
 *
 * <p><b>LockN's own calls</b> ({@link CallPricing}): when a call ends, LockN hands it to {@link #price}, sampled or
 * not. It is priced by {@link PriceCatalog#priceCall}'s rules (provider-reported cost, else the response model, else
 * the model sent; service tier; long-context tiers and regional profiles from the model id) at the prices in force
 * when the call started (its span's start timestamp when the span is recording), from the usage LockN holds, never
 * read back from span attributes. That one cost is written on the span ({@code lockn.cost.*}, when recording),
 * counted on {@code lockn.client.cost} (exact nano-USD by provider, models, token class and the configured attribution
 * keys, each capped in cardinality) or {@code lockn.client.unpriced_calls}, recorded in the {@link CostLedger}, added
 * to the roll-up of the call's span or, when that is not recording, of its nearest recording ancestor, and returned
 * to LockN, which settles the call's budget and tells listeners with it.
 *
 * <p><b>Other instrumentations' spans</b> (span processor): every GenAI inference and embeddings span LockN did not
 * price (the Java agent's, Spring AI's, OpenLLMetry's) is priced as it ends by the same rules, from its attributes,
 * at its own start timestamp, and recorded the same way. A span LockN already priced (it carries {@code
 * lockn.cost.total_nanos} or {@code lockn.cost.unpriced}) is never priced again. Only recorded spans reach a span
 * processor: wrap the sampler in {@link io.lockn.core.sdk.CostAwareSampler} so that unsampled GenAI spans are
 * recorded (not exported) and counted. The allowlisted Baggage attribution ({@link AttributionKeys}) is copied onto
 * those spans when they start, as LockN does for its own, so that the cost metric and the ledger see their tenant.
 *
 * <p><b>Roll-ups.</b> Each open span has a small node in one bounded table; a span adds its own cost and its
 * descendants' to its parent's node as it ends, and agent, task, workflow and local root spans carry {@code
 * lockn.cost.rollup.*}. Spans left open longer than {@code abandonAfter} are dropped when the table is full. A child
 * that ends after its parent is priced but not rolled up.
 *
 * <p><b>Stages.</b> Governance and ROI collection ({@link SpanStage}) run in the same processor, on the same table,
 * after the cost is set, in the order {@link SpanStage.Kind} fixes: no registration order can make them read a cost
 * that is not there yet.
 *
 * <p>It uses the SDK's {@code ExtendedSpanProcessor#onEnding} hook, the only point where attributes can still be set
 * on an ending span; the hook sits in an internal SDK package, so this class is tested against each SDK version LockN
 * supports. Never throws; never blocks; called on the thread that starts or ends a span or a call.
 */
public final class CostPipeline implements ExtendedSpanProcessor, CallPricing {

  private static final @Nullable Object[] NO_STATES = new Object[0];

  private final PriceCatalog catalog;
  private final CostRecorder recorder;
  private final @Nullable CostLedger ledger;
  private final @Nullable AttributionSpanProcessor attribution;
  private final AttributeKey<String> tenantKey;
  private final AttributeKey<String> costCenterKey;
  private final AttributeKey<String> workflowKey;
  /** Now, by the configured clock: read only when the open-span table is full. */
  private final LongSupplier millis;
  private final OpenSpanTable<Node> open;
  @SuppressWarnings("rawtypes")
  private final SpanStage[] stages;
  private final boolean endRequired;

  private CostPipeline(Builder b) {
    this.catalog = b.catalog;
    this.ledger = b.ledger;
    this.recorder = new CostRecorder(b.meterProvider, b.metricAttributionKeys, b.cardinalityLimit, b.ledger,
        b.spanCostBreakdown);
    this.attribution = b.copyBaggageAttribution ? AttributionSpanProcessor.create(b.attributionKeys) : null;
    this.tenantKey = AttributeKey.stringKey(b.attributionKeys.tenantKey());
    this.costCenterKey = AttributeKey.stringKey(b.attributionKeys.costCenterKey());
    this.workflowKey = AttributeKey.stringKey(b.attributionKeys.workflowIdKey());
    this.millis = b.clock::millis;
    this.open = OpenSpanTable.create(b.maxOpenSpans, b.abandonAfter.toMillis(), n -> n.startMillis);
    List<SpanStage<?>> sorted = new ArrayList<>(b.stages);
    sorted.sort(Comparator.comparing(SpanStage::kind));
    this.stages = sorted.toArray(new SpanStage[0]);
    boolean end = false;
    for (SpanStage<?> stage : sorted) {
      end |= stage.isEndRequired();
    }
    this.endRequired = end;
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

  /**
   * The prices this pipeline charges.
   *
   * @return the catalog
   */
  public PriceCatalog catalog() {
    return catalog;
  }

  /**
   * The ledger this pipeline records costs in.
   *
   * @return the ledger, or {@code null} when none was configured
   */
  public @Nullable CostLedger ledger() {
    return ledger;
  }

  // ---------------------------------------------------------------- LockN's own calls

  @Override
  public CallCost price(EndedCall call) {
    try {
      Span span = call.span();
      ReadableSpan recording = span.isRecording() && span instanceof ReadableSpan r ? r : null;
      long startMillis = Math.floorDiv(
          recording != null ? SpanStartTimes.epochNanos(recording) : call.startEpochNanos(), 1_000_000L);
      Cost cost = catalog.priceCall(call.provider(), call.responseModel(), call.admittedModel(),
          call.hasUsage() ? call.usage() : null, call.serviceTier(), call.reportedCostNanos(), startMillis);
      Node node = recording != null ? open.get(recording) : null;
      if (cost == null) {
        if (node != null) {
          node.own = CallCost.notPriced(); // nothing to price: the span is not priced again from its attributes
        }
        return CallCost.notPriced();
      }
      List<AttributeKey<String>> keys = recorder.metricAttributionKeys();
      @Nullable String[] attributionValues = keys.isEmpty() ? CostRecorder.NO_VALUES : new String[keys.size()];
      for (int i = 0; i < attributionValues.length; i++) {
        attributionValues[i] = call.attribution(keys.get(i).getKey());
      }
      CostRecorder.LedgerEntry entry = ledger == null ? null : new CostRecorder.LedgerEntry(
          call.attribution(tenantKey.getKey()), call.attribution(costCenterKey.getKey()), call.agentName(),
          call.attribution(workflowKey.getKey()),
          call.responseModel() != null ? call.responseModel() : call.admittedModel());
      recorder.record(recording != null ? span : null, cost, call.provider(), call.requestModel(), call.responseModel(), attributionValues,
          startMillis, entry);
      if (node != null) {
        node.own = cost;
      } else if (recording == null && call.recordingAncestor() instanceof ReadableSpan ancestor) {
        // The call's own span is not recording, so no span of this pipeline will roll it up: its nearest recording
        // ancestor takes it as if a child had ended.
        Node above = open.get(ancestor);
        if (above != null) {
          above.add(cost.isPriced() ? cost.totalNanos() : 0, cost.isPriced() ? 1 : 0, cost.isPriced() ? 0 : 1);
        }
      }
      return cost;
    } catch (Throwable t) {
      UsageLogger.failed("CostPipeline.price", t);
      return CallCost.notPriced();
    }
  }

  // ---------------------------------------------------------------- spans

  /**
   * What each open span keeps: its parent's node, when it started (for abandonment), what its descendants cost, its
   * own cost once known, and each stage's state.
   */
  private static final class Node {
    private static final AtomicLongFieldUpdater<Node> ROLLUP =
        AtomicLongFieldUpdater.newUpdater(Node.class, "rollupNanos");
    private static final AtomicLongFieldUpdater<Node> CALLS = AtomicLongFieldUpdater.newUpdater(Node.class, "calls");
    private static final AtomicLongFieldUpdater<Node> UNPRICED =
        AtomicLongFieldUpdater.newUpdater(Node.class, "unpricedCalls");

    final @Nullable Node parent;
    final long startMillis;
    /** The span's operation as its builder set it, read once; {@code null} when it had none then. */
    final @Nullable String operation;
    final @Nullable Object[] states;
    volatile long rollupNanos;
    volatile long calls;
    volatile long unpricedCalls;
    /** Set by {@link #price} when LockN priced this span's call. */
    volatile @Nullable CallCost own;

    Node(@Nullable Node parent, long startMillis, @Nullable String operation, @Nullable Object[] states) {
      this.parent = parent;
      this.startMillis = startMillis;
      this.operation = operation;
      this.states = states;
    }

    void add(long nanos, long pricedCalls, long unpriced) {
      if (nanos != 0) {
        ROLLUP.accumulateAndGet(this, nanos, Decimals::add);
      }
      if (pricedCalls != 0) {
        CALLS.addAndGet(this, pricedCalls);
      }
      if (unpriced != 0) {
        UNPRICED.addAndGet(this, unpriced);
      }
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public void onStart(Context parentContext, ReadWriteSpan span) {
    try {
      AttributionSpanProcessor a = attribution;
      if (a != null && !isLockNSpan(span)) {
        // Before anything reads the span's attribution (this pipeline's ledger and metric, the stages); LockN's own
        // spans carry it already.
        a.onStart(parentContext, span);
      }
      if (!open.hasRoom(millis)) {
        return;
      }
      Node parent = open.parentOf(parentContext);
      @Nullable Object[] states = NO_STATES;
      if (stages.length > 0) {
        states = new Object[stages.length];
        for (int i = 0; i < stages.length; i++) {
          try {
            states[i] = stages[i].onStart(parentContext, span, parent == null ? null : parent.states[i]);
          } catch (Throwable t) {
            UsageLogger.failed("stage " + stages[i].kind() + " onStart", t);
          }
        }
      }
      // The span's own start, not a clock read per span: the SDK has just taken it.
      long startMillis = Math.floorDiv(SpanStartTimes.epochNanos(span), 1_000_000L);
      open.put(span, new Node(parent, startMillis, operation(span), states));
    } catch (Throwable t) {
      UsageLogger.failed("CostPipeline.onStart", t);
    }
  }

  private static @Nullable String operation(ReadableSpan span) {
    return SpanOperations.of(span);
  }

  private static boolean isLockNSpan(ReadableSpan span) {
    return "io.lockn.core".equals(span.getInstrumentationScopeInfo().getName());
  }

  @Override
  public boolean isStartRequired() {
    return true;
  }

  @Override
  @SuppressWarnings("unchecked")
  public void onEnding(ReadWriteSpan span) {
    try {
      Node node = endRequired ? open.get(span) : open.remove(span);
      // Read at start when the builder set it, as the conventions ask; else now (an instrumentation that sets it late).
      String operation = node != null && node.operation != null ? node.operation : operation(span);
      CallCost own = SpanPricing.isModelCall(operation) ? ownCost(span, node) : CallCost.notPriced();
      if (node == null) {
        return;
      }
      node.own = own;
      long ownNanos = own.isPriced() ? own.totalNanos() : 0;
      long rollup = Decimals.add(node.rollupNanos, ownNanos);
      long calls = node.calls + (own.isPriced() ? 1 : 0);
      long unpricedCalls = node.unpricedCalls + (own.status() == CallCost.Status.UNPRICED ? 1 : 0);
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
        parent.add(rollup, calls, unpricedCalls);
      }
      for (int i = 0; i < stages.length; i++) {
        Object state = node.states[i];
        if (state != null) {
          try {
            stages[i].onEnding(span, state, own);
          } catch (Throwable t) {
            UsageLogger.failed("stage " + stages[i].kind() + " onEnding", t);
          }
        }
      }
    } catch (Throwable t) {
      UsageLogger.failed("CostPipeline.onEnding", t);
    }
  }

  /**
   * A model-call span's own cost: what LockN priced it at (through {@link #price}, or a pricing this pipeline was not
   * given, as its attributes say), else priced here, once, from its attributes.
   */
  private CallCost ownCost(ReadWriteSpan span, @Nullable Node node) {
    CallCost priced = node == null ? null : node.own;
    if (priced != null) {
      return priced;
    }
    Long recorded = span.getAttribute(CostAttributes.TOTAL_NANOS);
    if (recorded != null) {
      return Cost.recorded(0, 0, 0, 0, 0, Math.max(0, recorded), Math.max(0, recorded),
          io.lockn.pricing.CostSource.LOCAL, "");
    }
    if (Boolean.TRUE.equals(span.getAttribute(CostAttributes.UNPRICED))) {
      return Cost.UNPRICED;
    }
    try {
      return priceSpan(span);
    } catch (Throwable t) {
      UsageLogger.failed("pricing a span", t);
      return CallCost.notPriced();
    }
  }

  private CallCost priceSpan(ReadWriteSpan span) {
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
    long startMillis = Math.floorDiv(SpanStartTimes.epochNanos(span), 1_000_000L);
    Cost cost = SpanPricing.price(catalog, attributes, startMillis);
    if (cost == null) {
      return CallCost.notPriced();
    }
    String requestModel = span.getAttribute(GenAiAttributes.GEN_AI_REQUEST_MODEL);
    String responseModel = span.getAttribute(GenAiAttributes.GEN_AI_RESPONSE_MODEL);
    List<AttributeKey<String>> keys = recorder.metricAttributionKeys();
    @Nullable String[] attributionValues = keys.isEmpty() ? CostRecorder.NO_VALUES : new String[keys.size()];
    for (int i = 0; i < attributionValues.length; i++) {
      attributionValues[i] = span.getAttribute(keys.get(i));
    }
    CostRecorder.LedgerEntry entry = null;
    if (ledger != null) {
      String agent = span.getAttribute(LockNAttributes.AGENT_NAME);
      if (agent == null) {
        agent = span.getAttribute(GenAiAttributes.GEN_AI_AGENT_NAME);
      }
      String sent = span.getAttribute(LockNAttributes.BUDGET_ADMITTED_MODEL);
      entry = new CostRecorder.LedgerEntry(span.getAttribute(tenantKey), span.getAttribute(costCenterKey), agent,
          span.getAttribute(workflowKey),
          responseModel != null ? responseModel : sent != null ? sent : requestModel);
    }
    recorder.record(span, cost, SpanPricing.provider(attributes), requestModel, responseModel, attributionValues,
        startMillis, entry);
    return cost;
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

  @Override
  public boolean isOnEndingRequired() {
    return true;
  }

  @Override
  @SuppressWarnings("unchecked")
  public void onEnd(ReadableSpan span) {
    if (!endRequired) {
      return;
    }
    try {
      Node node = open.remove(span);
      if (node == null) {
        return;
      }
      CallCost own = node.own;
      for (int i = 0; i < stages.length; i++) {
        Object state = node.states[i];
        if (state != null && stages[i].isEndRequired()) {
          try {
            stages[i].onEnd(span, state, own != null ? own : CallCost.notPriced());
          } catch (Throwable t) {
            UsageLogger.failed("stage " + stages[i].kind() + " onEnd", t);
          }
        }
      }
    } catch (Throwable t) {
      UsageLogger.failed("CostPipeline.onEnd", t);
    }
  }

  @Override
  public boolean isEndRequired() {
    return endRequired;
  }

  @Override
  public CompletableResultCode shutdown() {
    open.clear();
    for (SpanStage<?> stage : stages) {
      try {
        stage.shutdown();
      } catch (Throwable t) {
        UsageLogger.failed("stage " + stage.kind() + " shutdown", t);
      }
    }
    return CompletableResultCode.ofSuccess();
  }

  /**
   * The number of open spans tracked now, for monitoring: at most the configured {@code maxOpenSpans}.
   *
   * @return the count
   */
  public int openSpans() {
    return open.size();
  }

  @Override
  public String toString() {
    // The identity first, as Object's toString has it, so that an SDK's description tells instances apart.
    return getClass().getName() + '@' + Integer.toHexString(System.identityHashCode(this)) + '{'
        + catalog.entries().size() + " priced models, " + open + ", stages="
        + java.util.Arrays.stream(stages).map(s -> ((SpanStage<?>) s).kind()).toList() + "}";
  }

  /** Builds a {@link CostPipeline}. Not thread-safe. */
  public static final class Builder {
    private final PriceCatalog catalog;
    private @Nullable MeterProvider meterProvider;
    private final List<String> metricAttributionKeys = new ArrayList<>();
    private int cardinalityLimit = 100;
    private @Nullable CostLedger ledger;
    private AttributionKeys attributionKeys = AttributionKeys.defaults();
    private boolean copyBaggageAttribution = true;
    private boolean spanCostBreakdown;
    private int maxOpenSpans = OpenSpanTable.DEFAULT_MAX_OPEN_SPANS;
    private Duration abandonAfter = OpenSpanTable.DEFAULT_ABANDON_AFTER;
    private Clock clock = Clock.systemUTC();
    private final List<SpanStage<?>> stages = new ArrayList<>();
    private final EnumSet<SpanStage.Kind> kinds = EnumSet.noneOf(SpanStage.Kind.class);

    private Builder(PriceCatalog catalog) {
      this.catalog = Objects.requireNonNull(catalog, "catalog");
    }

    /**
     * Sets where the cost metrics go. Defaults to {@link GlobalOpenTelemetry}'s, resolved when the first call is
     * priced.
     *
     * @param meterProvider the meter provider
     * @return this builder
     */
    public Builder setMeterProvider(MeterProvider meterProvider) {
      this.meterProvider = Objects.requireNonNull(meterProvider, "meterProvider");
      return this;
    }

    /**
     * Adds an attribution key (usually {@code app.tenant_id}) to the cost metric. Off by default: metric attributes
     * multiply time series, so each key is capped at {@link #setMetricCardinalityLimit} distinct values.
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
     * @throws IllegalArgumentException if it is below 1
     */
    public Builder setMetricCardinalityLimit(int limit) {
      if (limit < 1) {
        throw new IllegalArgumentException("limit < 1");
      }
      this.cardinalityLimit = limit;
      return this;
    }

    /**
     * Feeds an in-process ledger for cost queries ({@code /actuator/lockn}, reports).
     *
     * @param ledger the ledger
     * @return this builder
     */
    public Builder setLedger(CostLedger ledger) {
      this.ledger = Objects.requireNonNull(ledger, "ledger");
      return this;
    }

    /**
     * Sets the attribution keys: which Baggage entries are copied onto other instrumentations' GenAI spans, and which
     * keys hold the tenant, cost center and workflow the ledger totals by. Defaults to {@link
     * AttributionKeys#defaults()}; give the same keys as to {@code LockN.builder()}.
     *
     * @param keys the keys
     * @return this builder
     */
    public Builder setAttributionKeys(AttributionKeys keys) {
      this.attributionKeys = Objects.requireNonNull(keys, "keys");
      return this;
    }

    /**
     * Sets whether the allowlisted Baggage attribution is copied onto GenAI spans other instrumentations start.
     * Defaults to {@code true}; LockN's own spans carry it regardless.
     *
     * @param copy {@code false} to leave other instrumentations' spans as they are
     * @return this builder
     */
    public Builder setCopyBaggageAttribution(boolean copy) {
      this.copyBaggageAttribution = copy;
      return this;
    }

    /**
     * Sets whether a call's span also carries its cost by token class ({@code lockn.cost.input}, {@code .output},
     * {@code .cache_read}, {@code .cache_write}, {@code .reasoning}, in USD; a part that costs nothing is left out),
     * {@code lockn.cost.currency} ({@code USD}) and {@code lockn.cost.source} ({@code local} or {@code provider}). Off
     * by default: a span carries {@code lockn.cost.total}, {@code lockn.cost.total_nanos} and {@code lockn.pricing.id}
     * (with {@code lockn.cost.source=provider} for a provider-reported cost and {@code lockn.cost.list_total_nanos}
     * when a discount applied), and the cost metric {@code lockn.client.cost} carries the parts by token class ({@code
     * lockn.cost.type}): seven more attributes on every model call's span cost more than pricing the call.
     *
     * @param breakdown {@code true} to write the parts, the currency and the source on spans
     * @return this builder
     */
    public Builder setSpanCostBreakdown(boolean breakdown) {
      this.spanCostBreakdown = breakdown;
      return this;
    }

    /**
     * Adds a stage: governance or ROI collection. The pipeline runs stages in the order of their {@link
     * SpanStage.Kind}, after pricing and roll-ups, whatever order they are added in.
     *
     * @param stage the stage
     * @return this builder
     * @throws IllegalArgumentException if a stage of the same kind was added already
     */
    public Builder addStage(SpanStage<?> stage) {
      Objects.requireNonNull(stage, "stage");
      SpanStage.Kind kind = Objects.requireNonNull(stage.kind(), "stage.kind()");
      if (!kinds.add(kind)) {
        throw new IllegalArgumentException("a " + kind + " stage was already added");
      }
      stages.add(stage);
      return this;
    }

    /**
     * Sets how many open spans are tracked for roll-ups and stages. Defaults to 100,000.
     *
     * @param maxOpenSpans at least 1
     * @return this builder
     * @throws IllegalArgumentException if it is below 1
     */
    public Builder setMaxOpenSpans(int maxOpenSpans) {
      this.maxOpenSpans = OpenSpanTable.checkMaxOpenSpans(maxOpenSpans);
      return this;
    }

    /**
     * Sets after how long an open span counts as abandoned and may be dropped when the table is full: a span whose own
     * start timestamp is more than this before now (by {@link #setClock}). Defaults to 6 hours.
     *
     * @param abandonAfter the age, positive
     * @return this builder
     * @throws IllegalArgumentException if it is not positive
     */
    public Builder setAbandonAfter(Duration abandonAfter) {
      this.abandonAfter = OpenSpanTable.checkAbandonAfter(abandonAfter);
      return this;
    }

    /**
     * Sets the clock that ages open spans for {@link #setAbandonAfter}, read only when the table is full. Defaults to
     * UTC system time. Prices are looked up at each span's own start timestamp, never by this clock.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder setClock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Builds the pipeline.
     *
     * @return the pipeline
     */
    public CostPipeline build() {
      return new CostPipeline(this);
    }
  }
}
