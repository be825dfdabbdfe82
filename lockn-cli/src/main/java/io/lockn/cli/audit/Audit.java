package io.lockn.cli.audit;

import io.lockn.compression.CompressionAttributes;
import io.lockn.compression.roi.RoiAnalysis;
import io.lockn.budget.ToolRepeats;
import io.lockn.compression.roi.RoiSample;
import io.lockn.compression.roi.RoiSpans;
import io.lockn.core.AttributionKeys;
import io.lockn.core.LockNAttributes;
import io.lockn.core.ModelIds;
import io.lockn.core.TokenUsage;
import io.lockn.pricing.Cost;
import io.lockn.pricing.CostAttributes;
import io.lockn.pricing.CostSource;
import io.lockn.pricing.PriceCatalog;
import io.lockn.pricing.ModelCall;
import io.lockn.pricing.SpanPricing;
import io.lockn.pricing.TraceCalls;
import io.opentelemetry.api.common.AttributeKey;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The audit engine: takes spans as they are read, assembles them into traces, and when a trace is complete prices
 * its model calls, recovers their attribution and agent, and looks for waste. {@code lockn audit} feeds it the spans
 * of an export file; in-process, {@link AuditSpanExporter} feeds it an application's spans as they are exported:
 *
 * <pre>{@code
 * Audit audit = Audit.builder(PriceCatalog.bundled()).setGroupBy(List.of("app.feature")).build();
 * tracerProviderBuilder.addSpanProcessor(BatchSpanProcessor.builder(AuditSpanExporter.create(audit)).build());
 * ...
 * AuditReport report = audit.finish();       // after the tracer provider is flushed
 * }</pre>
 *
 * <p><b>Model calls and attribution</b> are read by {@link TraceCalls}, LockN's one reader of model calls: every
 * dialect it knows (the GenAI conventions since 1.26, OpenLLMetry, OpenInference, the Vercel AI SDK, Langfuse,
 * LiteLLM), each call counted once however many spans describe it, its tenant, cost center, workflow and {@code
 * --group-by} values from its spans (the attribution keys, else their sources such as OpenLLMetry's association
 * properties), else the nearest ancestor's in the same trace, else its resource's; its agent is the nearest agent
 * ancestor's, else its own {@code lockn.agent.name}.
 *
 * <p><b>Cost.</b> Each call is priced at its start time with {@link SpanPricing}, the rules LockN uses in-process. A
 * cost already on the span ({@code lockn.cost.total_nanos}, or a provider-reported {@code lockn.cost.reported_nanos})
 * is kept unless repricing is asked for. A failed model call that reports no usage costs nothing if its model is known
 * (a rejected request is not billed), and is unpriced otherwise; one that did not fail and reports no usage (a stream
 * whose usage was not captured) is unpriced: its cost is unknown, not $0.
 *
 * <p><b>Memory.</b> A trace is held until its root span has been read and 8 more batches (lines of an export, or
 * exports of the {@link AuditSpanExporter}) have passed without a span of it (exports write a trace's spans close
 * together, root last); at most {@link Builder#setMaxOpenTraces maxOpenTraces} are held, the oldest analysed first
 * when more arrive. Memory is therefore bounded by the traces still open, whatever the input's size. Not thread-safe.
 */
public final class Audit {

  /** Batches (lines) a trace waits after its last span, once its root is read, before it is analysed. */
  static final int SETTLE_BATCHES = 8;

  private static final String INVOKE_AGENT = "invoke_agent";

  private final PriceCatalog catalog;
  private final boolean reprice;
  private final AttributionKeys keys;
  private final List<String> groupBy;
  private final @Nullable Consumer<PricedSpan> onSpan;
  private final int maxOpenTraces;
  private final int runawayRepeats;
  private final int runawayMaxCalls;
  private final AuditReport report;
  private final @Nullable RoiAnalysis roiAnalysis;
  private final List<RoiSample> roiSamples = new ArrayList<>();
  private final LinkedHashMap<String, Trace> open = new LinkedHashMap<>();
  private final Deque<Settling> settling = new ArrayDeque<>();
  private long batch;
  private boolean finished;

  private static final class Trace {
    final List<AuditSpan> spans = new ArrayList<>();
    boolean rootSeen;
    long lastBatch;
  }

  private record Settling(String traceId, long batch) {}

  /** An agent invocation's span and the model and tool calls made in it (not in a nested agent). */
  private record AgentWork(AuditSpan agent, List<AuditSpan> work) {}

  private Audit(Builder b) {
    this.catalog = b.catalog;
    this.reprice = b.reprice;
    this.keys = b.keys;
    this.groupBy = List.copyOf(b.groupBy);
    this.onSpan = b.onSpan;
    this.maxOpenTraces = b.maxOpenTraces;
    this.runawayRepeats = b.runawayRepeats;
    this.runawayMaxCalls = b.runawayMaxCalls;
    this.report = new AuditReport(b.pricingVersion, groupBy);
    this.roiAnalysis = b.roiAnalysis;
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

  /** Takes one batch of spans (one line of an export, or one export); traces that are complete are analysed. */
  void accept(List<AuditSpan> spans) {
    if (finished) {
      throw new IllegalStateException("the audit is finished");
    }
    batch++;
    for (AuditSpan span : spans) {
      Trace trace = open.computeIfAbsent(span.traceId(), id -> new Trace());
      trace.spans.add(span);
      trace.lastBatch = batch;
      if (span.parentSpanId() == null && !trace.rootSeen) {
        trace.rootSeen = true;
        settling.add(new Settling(span.traceId(), batch));
      }
    }
    while (!settling.isEmpty() && settling.peekFirst().batch() <= batch - SETTLE_BATCHES) {
      Settling s = settling.pollFirst();
      Trace trace = open.get(s.traceId());
      if (trace == null) {
        continue;
      }
      if (trace.lastBatch <= batch - SETTLE_BATCHES) {
        open.remove(s.traceId());
        analyse(s.traceId(), trace);
      } else {
        settling.addLast(new Settling(s.traceId(), trace.lastBatch));
      }
    }
    Iterator<Map.Entry<String, Trace>> eldest = open.entrySet().iterator();
    while (open.size() > maxOpenTraces && eldest.hasNext()) {
      Map.Entry<String, Trace> e = eldest.next();
      eldest.remove();
      analyse(e.getKey(), e.getValue());
    }
  }

  /** How many traces are held, waiting to be complete. */
  int openTraces() {
    return open.size();
  }

  /**
   * Analyses every trace still held and returns the report.
   *
   * @return the report
   */
  public AuditReport finish() {
    if (!finished) {
      finished = true;
      for (Map.Entry<String, Trace> e : open.entrySet()) {
        analyse(e.getKey(), e.getValue());
      }
      open.clear();
      settling.clear();
      report.addUnpricedFindings();
      if (roiAnalysis != null) {
        report.setExperiments(roiSamples, roiAnalysis.analyze(roiSamples), roiAnalysis.savingsOverTime(roiSamples));
      }
    }
    return report;
  }

  private void analyse(String traceId, Trace trace) {
    Map<String, AuditSpan> byId = new HashMap<>();
    for (AuditSpan s : trace.spans) {
      byId.put(s.spanId(), s);
    }
    List<PricedSpan> calls = new ArrayList<>();
    List<AuditSpanView> views = new ArrayList<>(trace.spans.size());
    for (AuditSpan s : trace.spans) {
      views.add(new AuditSpanView(s, byId, reprice));
    }
    for (TraceCalls.Call<AuditSpanView> call : TraceCalls.of(views, keys).calls()) {
      PricedSpan priced = price(call);
      calls.add(priced);
      report.add(priced);
      if (roiAnalysis != null) {
        RoiSample sample = roiSample(priced, trace.spans, byId);
        if (sample != null) {
          roiSamples.add(sample);
        }
      }
      if (onSpan != null) {
        onSpan.accept(priced);
      }
    }
    findings(traceId, calls);
    runaways(traceId, trace.spans, byId, calls);
  }

  /**
   * The ROI sample of a priced model call in an experiment, by the rules shared with the in-process {@code
   * RoiCollector} ({@link RoiSpans}): its {@code compress ...} children and siblings are the candidate steps.
   */
  private @Nullable RoiSample roiSample(PricedSpan c, List<AuditSpan> spans, Map<String, AuditSpan> byId) {
    AuditSpan s = c.span();
    List<AuditSpanView> children = new ArrayList<>();
    List<AuditSpanView> siblings = new ArrayList<>();
    for (AuditSpan o : spans) {
      if (o == s || !RoiSpans.isStep(o.name())) {
        continue;
      }
      if (s.spanId().equals(o.parentSpanId())) {
        children.add(new AuditSpanView(o, byId, false));
      } else if (s.parentSpanId() != null && s.parentSpanId().equals(o.parentSpanId())) {
        siblings.add(new AuditSpanView(o, byId, false));
      }
    }
    return RoiSpans.sample(new AuditSpanView(s, byId, false), children, siblings,
        c.cost().isPriced() ? c.cost().totalNanos() : -1, catalog);
  }

  /** The compression step's own cost in nano-USD, when an instrumentation records it on the step's span. */
  static final String COMPRESSION_COST_NANOS = CompressionAttributes.COST_NANOS.getKey();

  /**
   * Runaway agents: within one agent invocation, the same tool called with the same arguments {@code runawayRepeats}
   * times in a row (tool calls only: the model calls between them are the loop's turns), or more than {@code
   * runawayMaxCalls} model and tool calls in all. Calls made by nested
   * agents count for the nested agent.
   */
  private void runaways(String traceId, List<AuditSpan> spans, Map<String, AuditSpan> byId, List<PricedSpan> calls) {
    Map<String, Long> costBySpan = new HashMap<>();
    for (PricedSpan c : calls) {
      costBySpan.put(c.span().spanId(), cost(c));
    }
    Map<String, AgentWork> byAgent = new LinkedHashMap<>();
    for (AuditSpan s : spans) {
      String op = operation(s);
      if (!"execute_tool".equals(op) && !SpanPricing.isModelCall(op)) {
        continue;
      }
      AuditSpan agent = agentSpan(s, byId);
      if (agent != null) {
        byAgent.computeIfAbsent(agent.spanId(), a -> new AgentWork(agent, new ArrayList<>())).work().add(s);
      }
    }
    for (AgentWork invocation : byAgent.values()) {
      AuditSpan agent = invocation.agent();
      List<AuditSpan> work = invocation.work();
      work.sort(Comparator.comparingLong(AuditSpan::startEpochNanos));
      long cost = 0;
      for (AuditSpan s : work) {
        cost += costBySpan.getOrDefault(s.spanId(), 0L);
      }
      String name = Objects.requireNonNullElse(agent.string("gen_ai.agent.name"), agent.name());
      if (work.size() > runawayMaxCalls) {
        report.add(new Finding(Finding.RUNAWAY_AGENT, traceId, List.of(agent.spanId()), cost, name + " made "
            + work.size() + " model and tool calls in one invocation (more than " + runawayMaxCalls + ")"));
        continue;
      }
      ToolRepeats repeats = new ToolRepeats(); // the same rule as the live RunawayDetector
      for (AuditSpan s : work) {
        if (!"execute_tool".equals(operation(s))) {
          continue; // the model calls between tool calls are the loop's own turns
        }
        int run = repeats.record(s.string("gen_ai.tool.name"), s.string("gen_ai.tool.call.arguments"));
        if (run == runawayRepeats) {
          String args = s.string("gen_ai.tool.call.arguments");
          report.add(new Finding(Finding.RUNAWAY_AGENT, traceId, List.of(agent.spanId(), s.spanId()), cost, name
              + " called " + s.string("gen_ai.tool.name") + " " + run + " times in a row with the same arguments"
              + (args == null ? " (arguments not recorded; same tool name)" : "")));
          break;
        }
      }
    }
  }

  private static @Nullable AuditSpan agentSpan(AuditSpan span, Map<String, AuditSpan> byId) {
    int hops = 0;
    for (AuditSpan s = parent(span, byId); s != null && hops < 1000; s = parent(s, byId), hops++) {
      if (INVOKE_AGENT.equals(s.string("gen_ai.operation.name"))) {
        return s;
      }
    }
    return null;
  }

  /** The span's operation in the conventions' spelling (see {@link SpanPricing#operation}). */
  static @Nullable String operation(AuditSpan s) {
    return SpanPricing.operation(s.string("gen_ai.operation.name"), s.string(SpanPricing.LLM_REQUEST_TYPE.getKey()));
  }

  private PricedSpan price(TraceCalls.Call<AuditSpanView> c) {
    AuditSpanView attributes = c.span();
    AuditSpan s = attributes.span();
    ModelCall call = c.call();
    Cost cost = reprice ? null : recordedCost(s);
    long startMillis = s.startEpochNanos() / 1_000_000L;
    if (cost != null && withoutParts(cost)) {
      // A span recorded with its total only (LockN writes the parts by token class only when asked to): the parts
      // come from the catalog when it gives the very same totals, else the span stays one line.
      Cost again = SpanPricing.price(catalog, call, attributes, startMillis);
      if (again != null && again.isPriced() && again.totalNanos() == cost.totalNanos()
          && again.listTotalNanos() == cost.listTotalNanos()) {
        cost = again;
      }
    }
    if (cost == null) {
      cost = SpanPricing.price(catalog, call, attributes, startMillis);
      if (cost == null) {
        // No usage reported. A failed call (typically a rejected request) is free if its model is known; a call that
        // did not fail lost its usage (a stream the instrumentation did not measure): unknown, not $0.
        String model = call.responseModel() != null ? call.responseModel() : call.requestModel();
        cost = model == null || !s.error() ? Cost.UNPRICED
            : catalog.cost(call.provider(), model, TokenUsage.EMPTY, startMillis, null);
      }
    }
    Map<String, String> groups = new LinkedHashMap<>();
    for (String key : groupBy) {
      String v = c.attribution(key);
      if (v != null) {
        groups.put(key, v);
      }
    }
    TokenUsage usage = call.usage();
    return new PricedSpan(
        s,
        call.operation(),
        call.provider(),
        call.requestModel(),
        call.responseModel(),
        usage != null ? usage : TokenUsage.EMPTY,
        cost,
        c.attribution(keys.tenantKey()),
        c.attribution(keys.costCenterKey()),
        c.attribution(keys.workflowIdKey()),
        c.agent(),
        groups);
  }

  /** A recorded local cost with a total but no parts by token class. */
  private static boolean withoutParts(Cost cost) {
    return cost.source() == CostSource.LOCAL && cost.totalNanos() > 0 && (cost.inputNanos() | cost.outputNanos()
        | cost.cacheReadNanos() | cost.cacheWriteNanos() | cost.reasoningNanos()) == 0;
  }

  /** The cost an instrumentation already put on the span, if any. */
  private static @Nullable Cost recordedCost(AuditSpan s) {
    long total = s.count(CostAttributes.TOTAL_NANOS.getKey());
    if (total < 0) {
      return null;
    }
    CostSource source = "provider".equals(s.string(CostAttributes.SOURCE.getKey())) ? CostSource.PROVIDER
        : CostSource.LOCAL;
    String id = s.string(CostAttributes.PRICING_ID.getKey());
    long list = s.count(CostAttributes.LIST_TOTAL_NANOS.getKey());
    return Cost.recorded(nanos(s, CostAttributes.INPUT), nanos(s, CostAttributes.OUTPUT),
        nanos(s, CostAttributes.CACHE_READ), nanos(s, CostAttributes.CACHE_WRITE), nanos(s, CostAttributes.REASONING),
        total, list >= 0 ? list : total, source, id == null ? "" : id);
  }

  /** A USD part written as a double for display, back to nano-USD; exact for the 9-decimal values LockN writes. */
  private static long nanos(AuditSpan s, AttributeKey<Double> key) {
    Object v = s.attributes().get(key.getKey());
    if (v instanceof Double d && d >= 0 && d < 9e9) {
      return Math.round(d * 1e9);
    }
    return 0;
  }

  private static @Nullable AuditSpan parent(AuditSpan s, Map<String, AuditSpan> byId) {
    return s.parentSpanId() == null ? null : byId.get(s.parentSpanId());
  }

  private void findings(String traceId, List<PricedSpan> calls) {
    Map<String, List<PricedSpan>> siblings = new LinkedHashMap<>();
    for (PricedSpan c : calls) {
      if (c.requestModel() != null && c.responseModel() != null
          && !ModelIds.sameFamily(c.requestModel(), c.responseModel())) {
        report.add(new Finding(Finding.MODEL_SUBSTITUTION, traceId, List.of(c.span().spanId()), cost(c),
            c.provider() + " was asked for " + c.requestModel() + " and answered with " + c.responseModel()));
      }
      if (c.span().flag(LockNAttributes.CACHE_HIT_INFERRED.getKey())) {
        report.add(new Finding(Finding.INFERRED_CACHE_HIT, traceId, List.of(c.span().spanId()), cost(c),
            c.model() + " used far fewer input tokens (" + c.usage().inputTokens()
                + ") than usual for the same prompt, without a reported cache hit"));
      }
      String parent = Objects.requireNonNullElse(c.span().parentSpanId(), "");
      siblings.computeIfAbsent(parent, p -> new ArrayList<>()).add(c);
    }
    for (List<PricedSpan> group : siblings.values()) {
      group.sort(Comparator.comparingLong(c -> c.span().startEpochNanos()));
      int i = 0;
      while (i < group.size()) {
        PricedSpan first = group.get(i);
        if (!first.span().error()) {
          i++;
          continue;
        }
        int j = i;
        long wasted = 0;
        List<String> ids = new ArrayList<>();
        while (j < group.size() && group.get(j).span().error() && sameRequest(group.get(j), first)) {
          wasted += cost(group.get(j));
          ids.add(group.get(j).span().spanId());
          j++;
        }
        if (j < group.size()) {
          PricedSpan next = group.get(j);
          ids.add(next.span().spanId());
          if (sameRequest(next, first)) {
            report.add(new Finding(Finding.RETRY_CHAIN, traceId, ids, wasted, (ids.size() - 1)
                + " failed attempt(s) of " + first.requestModel() + " before attempt " + ids.size()
                + (errorType(first) != null ? " (" + errorType(first) + ")" : "")));
          } else {
            report.add(new Finding(Finding.FALLBACK, traceId, ids, wasted, first.requestModel() + " failed"
                + (errorType(first) != null ? " (" + errorType(first) + ")" : "") + "; fell back to "
                + next.requestModel()));
          }
          i = j + 1;
        } else {
          i = j;
        }
      }
    }
  }

  private static boolean sameRequest(PricedSpan a, PricedSpan b) {
    return Objects.equals(a.requestModel(), b.requestModel()) && a.provider().equals(b.provider());
  }

  private static @Nullable String errorType(PricedSpan c) {
    return c.span().string("error.type");
  }

  private static long cost(PricedSpan c) {
    return c.cost().isPriced() ? c.cost().totalNanos() : 0;
  }

  /** Builds an {@link Audit}. */
  public static final class Builder {
    private final PriceCatalog catalog;
    private boolean reprice;
    private AttributionKeys keys = AttributionKeys.defaults();
    private List<String> groupBy = List.of();
    private @Nullable Consumer<PricedSpan> onSpan;
    private int maxOpenTraces = 100_000;
    private int runawayRepeats = 5;
    private int runawayMaxCalls = 100;
    private String pricingVersion = "lockn-bundled";
    private @Nullable RoiAnalysis roiAnalysis;

    private Builder(PriceCatalog catalog) {
      this.catalog = Objects.requireNonNull(catalog, "catalog");
    }

    /**
     * Whether to price every span anew, ignoring costs already recorded on it. Defaults to {@code false}.
     *
     * @param reprice whether to reprice
     * @return this builder
     */
    public Builder setReprice(boolean reprice) {
      this.reprice = reprice;
      return this;
    }

    /**
     * Which attributes hold tenant, cost center and workflow.
     *
     * @param keys the keys
     * @return this builder
     */
    public Builder setAttributionKeys(AttributionKeys keys) {
      this.keys = Objects.requireNonNull(keys, "keys");
      return this;
    }

    /**
     * Extra attribute keys to total by, e.g. {@code app.feature}.
     *
     * @param keys the keys
     * @return this builder
     */
    public Builder setGroupBy(List<String> keys) {
      this.groupBy = List.copyOf(keys);
      return this;
    }

    /** Receives every model-call span as it is priced, for the report writers that stream. */
    Builder setSpanConsumer(Consumer<PricedSpan> onSpan) {
      this.onSpan = Objects.requireNonNull(onSpan, "onSpan");
      return this;
    }

    /**
     * How many incomplete traces are held at most. Defaults to 100,000.
     *
     * @param max at least 1
     * @return this builder
     */
    public Builder setMaxOpenTraces(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("max < 1");
      }
      this.maxOpenTraces = max;
      return this;
    }

    /**
     * Sets the runaway-agent rules: a finding when one agent invocation calls the same tool with the same arguments
     * {@code repeats} times in a row, or makes more than {@code maxCalls} model and tool calls. Defaults: 5 and 100.
     *
     * @param repeats at least 2
     * @param maxCalls at least 1
     * @return this builder
     */
    public Builder setRunawayRules(int repeats, int maxCalls) {
      if (repeats < 2 || maxCalls < 1) {
        throw new IllegalArgumentException("repeats < 2 or maxCalls < 1");
      }
      this.runawayRepeats = repeats;
      this.runawayMaxCalls = maxCalls;
      return this;
    }

    /**
     * Names the prices used, for the report.
     *
     * @param pricingVersion e.g. {@code lockn-bundled+prices.json}
     * @return this builder
     */
    public Builder setPricingVersion(String pricingVersion) {
      this.pricingVersion = Objects.requireNonNull(pricingVersion, "pricingVersion");
      return this;
    }

    /**
     * Analyses compression experiments: every priced model call carrying (or inheriting) {@code
     * lockn.experiment.name} and {@code lockn.experiment.group} becomes a {@link RoiSample}, kept in memory (a few
     * dozen bytes each) and analysed at {@link Audit#finish()} into {@link AuditReport#roi()}.
     *
     * @param analysis the analysis, e.g. {@code RoiAnalysis.builder().build()}; {@code null} for none (the default)
     * @return this builder
     */
    public Builder setExperiments(@Nullable RoiAnalysis analysis) {
      this.roiAnalysis = analysis;
      return this;
    }

    /**
     * Builds the audit.
     *
     * @return the audit
     */
    public Audit build() {
      return new Audit(this);
    }
  }
}
