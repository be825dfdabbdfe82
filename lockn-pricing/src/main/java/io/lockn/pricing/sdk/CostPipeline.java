package io.lockn.pricing.sdk;

import io.lockn.core.AttributionKeys;
import io.lockn.core.CallCost;
import io.lockn.core.GenAiAttributes;
import io.lockn.core.LockNAttributes;
import io.lockn.core.SemconvProfile;
import io.lockn.core.sdk.AttributionSpanProcessor;
import io.lockn.core.sdk.OpenSpanTable;
import io.lockn.core.spi.CallPricing;
import io.lockn.core.spi.EndedCall;
import io.lockn.core.spi.UsageLogger;
import io.lockn.pricing.Cost;
import io.lockn.pricing.CostAttributes;
import io.lockn.pricing.CostLedger;
import io.lockn.pricing.ModelCall;
import io.lockn.pricing.PriceCatalog;
import io.lockn.pricing.SpanPricing;
import io.lockn.pricing.internal.Decimals;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
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
 * <p><b>Other instrumentations' spans</b> (span processor): every model-call span LockN did not price, in any dialect
 * {@link SpanPricing#read} knows (the Java agent's, Spring AI's, OpenLLMetry's, OpenInference's, the Vercel AI SDK's,
 * Langfuse's, LiteLLM's), is priced as it ends by the same rules, from its attributes, at its own start timestamp, and
 * recorded the same way. A span LockN already priced (it carries {@code lockn.cost.total_nanos} or {@code
 * lockn.cost.unpriced}) is never priced again. A call span without usage that did not fail (a stream whose usage the
 * instrumentation lost) is recorded as unpriced, never as $0. Only recorded spans reach a span processor: wrap the
 * sampler in {@link io.lockn.core.sdk.CostAwareSampler} so that unsampled GenAI spans are recorded (not exported) and
 * counted. The allowlisted Baggage attribution ({@link AttributionKeys}) is copied onto those spans when they start,
 * as LockN does for its own; the ledger and the cost metric read a span's attribution keys, else their sources
 * (OpenLLMetry's association properties, OpenInference's metadata, ...: {@link AttributionKeys#sources(String)}),
 * else the nearest open ancestor's.
 *
 * <p><b>One call, one cost.</b> Instrumentations nest: OpenLLMetry's or OpenInference's span around the Anthropic
 * SDK's own, a Langfuse generation around an SDK span, LockN's own call around the Java agent's. Model-call spans of
 * one trace, one enclosing the other, that {@linkplain ModelCall#mayBeSameCallAs may be the same call} are priced
 * once: the first of them to end is priced, and each one ending later, enclosing or enclosed, is a duplicate, not
 * priced, and marked {@code lockn.cost.duplicate_of} with the span id of the one that counts; a span enclosing several
 * calls priced below it adds them up and is not priced either. A processor has to decide when a span ends (its
 * attributes can be written only then, and a metric cannot be taken back), so this is first-ended-wins, where {@code
 * lockn audit}, which sees whole traces, keeps the most complete span ({@link io.lockn.pricing.TraceCalls}): the two
 * differ only when a wrapper that ends first describes the call with less cost-relevant detail than the span inside
 * it. Exception: a span inside one of LockN's own calls of the same model is always the duplicate, because LockN
 * prices its own call from the usage the provider returned. Roll-ups count each call once.
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
  private final AttributionKeys attributionKeys;
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
        b.spanCostBreakdown, b.semconvProfile != null ? b.semconvProfile : SemconvProfile.fromEnvironment());
    this.attribution = b.copyBaggageAttribution ? AttributionSpanProcessor.create(b.attributionKeys) : null;
    this.attributionKeys = b.attributionKeys;
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
      recorder.record(recording != null ? span : null, cost, call.provider(), call.requestModel(), call.responseModel(),
          attributionValues, startMillis, entry, false);
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
   * own cost once known, each stage's state, and what the dedupe of model calls needs (see the class comment).
   */
  private static final class Node {
    private static final AtomicLongFieldUpdater<Node> ROLLUP =
        AtomicLongFieldUpdater.newUpdater(Node.class, "rollupNanos");
    private static final AtomicLongFieldUpdater<Node> CALLS = AtomicLongFieldUpdater.newUpdater(Node.class, "calls");
    private static final AtomicLongFieldUpdater<Node> UNPRICED =
        AtomicLongFieldUpdater.newUpdater(Node.class, "unpricedCalls");

    /** A model-call span's state in the dedupe, guarded by its call group's lock ({@link #group()}). */
    static final byte OPEN = 0;
    static final byte COUNTED = 1;
    static final byte DUPLICATE = 2;

    final @Nullable Node parent;
    final long startMillis;
    /** The span's operation as its builder set it, read once; {@code null} when it had none then. */
    final @Nullable String operation;
    final @Nullable Object[] states;
    /** The span, for reading an ancestor's attribution and model: the table holds it anyway while it is open. */
    final ReadableSpan span;
    /** One of LockN's own spans. */
    final boolean lockn;
    /** A model-call span by its operation at start. */
    final boolean call;
    volatile long rollupNanos;
    volatile long calls;
    volatile long unpricedCalls;
    /** Set by {@link #price} when LockN priced this span's call. */
    volatile @Nullable CallCost own;
    /**
     * What the dedupe of model calls keeps, made only for model-call spans nested in or around others: most spans,
     * LockN's own calls included, never need it. Guarded by {@link #group()}.
     */
    @Nullable Dedupe dedupe;

    Node(@Nullable Node parent, long startMillis, @Nullable String operation, @Nullable Object[] states,
        ReadableSpan span, boolean lockn, boolean call) {
      this.parent = parent;
      this.startMillis = startMillis;
      this.operation = operation;
      this.states = states;
      this.span = span;
      this.lockn = lockn;
      this.call = call;
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

    /** The nearest model-call ancestor, through any spans in between (parents are fixed at start). */
    @Nullable Node callAncestor() {
      int hops = 0;
      for (Node p = parent; p != null && hops < MAX_HOPS; p = p.parent, hops++) {
        if (p.call) {
          return p;
        }
      }
      return null;
    }

    /** The outermost model-call span around this one: its lock serialises the decisions of one nest of calls. */
    Node group() {
      Node g = this;
      for (Node up = callAncestor(); up != null; up = up.callAncestor()) {
        g = up;
      }
      return g;
    }

    /** This span's dedupe state, made on first use. */
    Dedupe dedupe() {
      Dedupe d = dedupe;
      if (d == null) {
        d = new Dedupe();
        dedupe = d;
      }
      return d;
    }

    byte callState() {
      Dedupe d = dedupe;
      return d == null ? OPEN : d.state;
    }

    /** The call this span describes, read once (a LockN span's on demand: its model is set when it starts). */
    @Nullable ModelCall read() {
      Dedupe d = dedupe();
      ModelCall r = d.read;
      if (r == null) {
        r = SpanPricing.read(new SpanUsage(span));
        d.read = r;
      }
      return r;
    }

    /** Decides this span's state and tells the nearest model-call ancestor what counts below it. */
    void settle(byte state) {
      Dedupe d = dedupe();
      d.state = state;
      Node up = callAncestor();
      if (up == null) {
        return;
      }
      Dedupe u = up.dedupe();
      if (u.below == null) {
        u.below = new ArrayList<>(2);
      }
      if (state == COUNTED) {
        u.below.add(this);
      }
      if (d.below != null) {
        u.below.addAll(d.below);
      }
    }
  }

  /** A model-call span's part in the dedupe. */
  private static final class Dedupe {
    byte state = Node.OPEN;
    @Nullable ModelCall read;
    /** Calls counted below this span that ended before it. */
    @Nullable List<Node> below;
  }

  /** How far up the ancestry the rules look: a guard against cycles. */
  private static final int MAX_HOPS = 1000;

  @Override
  @SuppressWarnings("unchecked")
  public void onStart(Context parentContext, ReadWriteSpan span) {
    try {
      boolean lockn = isLockNSpan(span);
      AttributionSpanProcessor a = attribution;
      if (a != null && !lockn) {
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
      // LockN's own spans name their operation in gen_ai.operation.name only: one read, not one per dialect.
      String operation = lockn ? SpanOperations.ofLockN(span) : SpanOperations.of(span);
      open.put(span, new Node(parent, startMillis, operation, states, span, lockn,
          SpanPricing.isModelCall(operation)));
    } catch (Throwable t) {
      UsageLogger.failed("CostPipeline.onStart", t);
    }
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
      String operation = node != null && node.operation != null ? node.operation
          : node != null && node.lockn ? SpanOperations.ofLockN(span) : SpanOperations.of(span);
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
   * given, as its attributes say), else nothing when another span of the same call counts (see the class comment),
   * else priced here, once, from its attributes.
   */
  private CallCost ownCost(ReadWriteSpan span, @Nullable Node node) {
    CallCost priced = node == null ? null : node.own;
    if (priced != null) {
      counted(node);
      return priced;
    }
    Long recorded = span.getAttribute(CostAttributes.TOTAL_NANOS);
    if (recorded != null) {
      counted(node);
      return Cost.recorded(0, 0, 0, 0, 0, Math.max(0, recorded), Math.max(0, recorded),
          io.lockn.pricing.CostSource.LOCAL, "");
    }
    if (Boolean.TRUE.equals(span.getAttribute(CostAttributes.UNPRICED))) {
      counted(node);
      return Cost.UNPRICED;
    }
    try {
      SpanUsage live = new SpanUsage(span);
      ModelCall call = SpanPricing.read(live);
      if (call == null) {
        return CallCost.notPriced();
      }
      if (node != null && !node.lockn) {
        ReadableSpan same = sameCall(node, call);
        if (same != null) {
          span.setAttribute(CostAttributes.DUPLICATE_OF, same.getSpanContext().getSpanId());
          return CallCost.notPriced();
        }
      } else {
        counted(node); // LockN's own calls always count (this pipeline prices them here when not given them to price)
      }
      return priceSpan(span, live, call, node);
    } catch (Throwable t) {
      UsageLogger.failed("pricing a span", t);
      return CallCost.notPriced();
    }
  }

  /** A call LockN priced (or another pipeline did) counts: its model-call ancestor is told, when it has one. */
  private static void counted(@Nullable Node node) {
    if (node == null || node.callAncestor() == null) {
      return; // LockN's own calls usually have no model-call ancestor: nothing to lock, nothing made
    }
    synchronized (node.group()) {
      node.settle(Node.COUNTED);
    }
  }

  /**
   * Decides whether another span of the same call counts already: a model-call ancestor counted before this span
   * ended (or LockN's own call around it), or a call counted below it; else this span counts. Under the call group's
   * lock, so that an enclosing and an enclosed span ending at once on two threads cannot both count.
   *
   * @return the span that counts instead, or {@code null} when this one counts
   */
  private static @Nullable ReadableSpan sameCall(Node node, ModelCall call) {
    Node up = node.callAncestor();
    // Even alone, under its own lock: a span below it may have reported from another thread.
    synchronized (node.group()) {
      node.dedupe().read = call;
      int hops = 0;
      for (Node a = up; a != null && hops < MAX_HOPS; a = a.callAncestor(), hops++) {
        if (a.lockn || a.callState() == Node.COUNTED) {
          ModelCall other = a.read();
          if (other != null && call.mayBeSameCallAs(other)) {
            node.settle(Node.DUPLICATE);
            return a.span;
          }
        }
      }
      Dedupe mine = node.dedupe;
      List<Node> below = mine == null ? null : mine.below;
      if (below != null) {
        for (Node b : below) {
          ModelCall other = b.read();
          if (other != null && call.mayBeSameCallAs(other)) {
            // One call below: this span is a second description of it. Several: this span adds them up.
            node.settle(Node.DUPLICATE);
            return b.span;
          }
        }
      }
      node.settle(Node.COUNTED);
      return null;
    }
  }

  private CallCost priceSpan(ReadWriteSpan span, SpanUsage live, ModelCall call, @Nullable Node node) {
    long startMillis = Math.floorDiv(SpanStartTimes.epochNanos(span), 1_000_000L);
    Cost cost = SpanPricing.price(catalog, call, live, startMillis);
    boolean usageUnknown = false;
    if (cost == null) {
      // No usage: a failed call is not billed; one that did not fail lost its usage (a stream), which is unknown, not
      // $0.
      if (span.getAttribute(GenAiAttributes.ERROR_TYPE) != null
          || span.toSpanData().getStatus().getStatusCode() == StatusCode.ERROR) {
        return CallCost.notPriced();
      }
      cost = Cost.UNPRICED;
      usageUnknown = true;
    }
    List<AttributeKey<String>> keys = recorder.metricAttributionKeys();
    @Nullable String[] attributionValues = keys.isEmpty() ? CostRecorder.NO_VALUES : new String[keys.size()];
    for (int i = 0; i < attributionValues.length; i++) {
      attributionValues[i] = attribution(live, node, keys.get(i).getKey());
    }
    CostRecorder.LedgerEntry entry = null;
    if (ledger != null) {
      String sent = span.getAttribute(LockNAttributes.BUDGET_ADMITTED_MODEL);
      String model = call.responseModel() != null ? call.responseModel() : sent != null ? sent : call.requestModel();
      entry = new CostRecorder.LedgerEntry(attribution(live, node, tenantKey.getKey()),
          attribution(live, node, costCenterKey.getKey()), agent(span, node),
          attribution(live, node, workflowKey.getKey()), model);
    }
    recorder.record(span, cost, call.provider(), call.requestModel(), call.responseModel(), attributionValues,
        startMillis, entry, usageUnknown);
    return cost;
  }

  /** An attribution key's value for a span: its own (the key, else its sources), else the nearest open ancestor's. */
  private @Nullable String attribution(SpanUsage span, @Nullable Node node, String key) {
    String v = SpanPricing.attribution(span, attributionKeys, key);
    int hops = 0;
    for (Node p = node == null ? null : node.parent; v == null && p != null && hops < MAX_HOPS; p = p.parent, hops++) {
      v = SpanPricing.attribution(new SpanUsage(p.span), attributionKeys, key);
    }
    return v;
  }

  /** A span's agent: its {@code lockn.agent.name} or {@code gen_ai.agent.name}, else the nearest agent ancestor's. */
  private static @Nullable String agent(ReadableSpan span, @Nullable Node node) {
    String agent = span.getAttribute(LockNAttributes.AGENT_NAME);
    if (agent == null) {
      agent = span.getAttribute(GenAiAttributes.GEN_AI_AGENT_NAME);
    }
    int hops = 0;
    for (Node p = node == null ? null : node.parent; agent == null && p != null && hops < MAX_HOPS; p = p.parent,
        hops++) {
      agent = SpanPricing.agentName(new SpanUsage(p.span), p.span.getName());
    }
    return agent;
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
    private @Nullable SemconvProfile semconvProfile;
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
     * Sets the semantic-convention profile of what is written on spans: under {@link
     * SemconvProfile#LATEST_EXPERIMENTAL} a priced span also carries the proposed {@code gen_ai.usage.cost.amount},
     * {@code gen_ai.usage.cost.currency} and {@code gen_ai.usage.cost.source} (semantic-conventions-genai PR #443);
     * {@link SemconvProfile#V1_41} writes LockN's {@code lockn.cost.*} only. Defaults to {@link
     * SemconvProfile#fromEnvironment()}, as {@code LockN.builder()} does; give both the same profile.
     *
     * @param profile the profile
     * @return this builder
     */
    public Builder setSemconvProfile(SemconvProfile profile) {
      this.semconvProfile = Objects.requireNonNull(profile, "profile");
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
