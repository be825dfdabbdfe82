package io.lockn.compression.roi.sdk;

import io.lockn.compression.CompressionAttributes;
import io.lockn.compression.CompressionListener;
import io.lockn.compression.CompressionRecord;
import io.lockn.compression.experiment.Experiments;
import io.lockn.compression.roi.RoiAnalysis;
import io.lockn.compression.roi.RoiReport;
import io.lockn.compression.roi.RoiSample;
import io.lockn.compression.roi.RoiSpans;
import io.lockn.compression.roi.SavingsSeries;
import io.lockn.core.CallCost;
import io.lockn.core.GenAiAttributes;
import io.lockn.core.spi.UsageLogger;
import io.lockn.pricing.PriceCatalog;
import io.lockn.pricing.SpanPricing;
import io.lockn.pricing.sdk.SpanOperations;
import io.lockn.pricing.sdk.SpanStage;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Collects the {@link RoiSample}s of compression experiments in-process, from the spans a running application records,
 * for the ROI query API: {@link #report()}, {@link #savingsOverTime()} and {@link #samples()}.
 *
 * <pre>{@code
 * RoiCollector roi = RoiCollector.builder().setPriceCatalog(catalog).build();
 * CostPipeline costs = CostPipeline.builder(catalog).addStage(roi).build();   // a stage: runs after pricing
 * SdkTracerProvider.builder()
 *     .addSpanProcessor(costs)
 *     .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
 *     .build();
 * Compression compression = Compression.builder(otel).setQualityEvaluator(judge).addListener(roi).build();
 * ...
 * RoiResult r = roi.report().get("context-trimming", RoiResult.ALL_AGENTS, "compressed").orElseThrow();
 * }</pre>
 *
 * <p><b>What becomes a sample.</b> Every model-call span (chat, text completion, content generation, embeddings) in an
 * experiment, by exactly the rules of {@code lockn audit --experiments} ({@link RoiSpans}): experiment and group from
 * the span, else its nearest recorded ancestor, else the Baggage current when the span started, else the resource;
 * original tokens, quality score and step cost from a {@code compress ...} child or earlier sibling. The cost is the
 * one the cost pipeline priced the call at (the stage runs after pricing, by construction); an unpriced call is left
 * out.
 *
 * <p><b>Late quality scores.</b> Added as a {@link CompressionListener}, it receives quality scores that arrive after
 * the compression span ended: a score that arrives before the model call ends is used as the step's score; one that
 * arrives later fills in the sample, if it has no score yet. Up to {@code maxPendingScores} spans awaiting or holding
 * a late score are remembered, the least recently used forgotten first.
 *
 * <p><b>Bounded memory.</b> Each experiment keeps at most {@code maxSamplesPerExperiment} samples: all of them until
 * then, afterwards a uniform random sample of all its calls so far (a reservoir, Vitter's Algorithm R, seeded so a run
 * is reproducible). The report's money totals then describe the retained calls, not every call; {@link
 * #callsSeen(String)} counts them all. At most {@code maxExperiments} experiments are tracked (further ones are logged
 * once and ignored). Open spans have a small state each, in the pipeline's one table of open spans (its bounds). A
 * compression step is remembered by its parent until the parent ends (the last {@value #MAX_STEPS_PER_PARENT}).
 *
 * <p>Thread-safe. {@link #onStart} and {@link #onEnd} never block on analysis (the pipeline logs a failure through
 * {@link UsageLogger} and skips the span); the query methods copy the samples under a short lock and analyse outside
 * it. Needs {@code io.opentelemetry:opentelemetry-sdk-trace}.
 */
public final class RoiCollector implements SpanStage<RoiCollector.Node>, CompressionListener {

  /** The compression steps a parent span remembers for its model calls; older ones are forgotten. */
  static final int MAX_STEPS_PER_PARENT = 8;

  /** Parents that are not recorded here (remote, or started before this processor), remembered for their steps. */
  static final int MAX_FOREIGN_PARENTS = 1024;

  private final PriceCatalog catalog;
  private final RoiAnalysis analysis;
  private final int maxSamples;
  private final int maxExperiments;
  private final int maxPendingScores;

  // Guarded by lock: the samples, the late scores, the foreign parents and the generator.
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<String, Reservoir> experiments = new LinkedHashMap<>();
  private final LinkedHashMap<String, Pending> pending = new LinkedHashMap<>(16, 0.75f, true);
  private final LinkedHashMap<String, Node> foreign = new LinkedHashMap<>(16, 0.75f, true);
  private final SplittableRandom random;
  private boolean warnedExperiments;

  private RoiCollector(Builder b) {
    this.catalog = b.catalog;
    this.analysis = b.analysis;
    this.maxSamples = b.maxSamples;
    this.maxExperiments = b.maxExperiments;
    this.maxPendingScores = b.maxPendingScores;
    this.random = new SplittableRandom(b.seed);
  }

  /**
   * A builder with the defaults: the bundled prices, {@code RoiAnalysis.builder().build()}, 10,000 samples per
   * experiment, 100 experiments, 100,000 open spans abandoned after 6 hours, 10,000 pending scores.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  // ---------------------------------------------------------------- the query API

  /**
   * The samples held, over all experiments.
   *
   * @return a copy, per experiment in the order experiments were first seen
   */
  public List<RoiSample> samples() {
    lock.lock();
    try {
      List<RoiSample> out = new ArrayList<>();
      for (Reservoir r : experiments.values()) {
        for (Slot s : r.slots) {
          out.add(s.sample);
        }
      }
      return out;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The ROI of every experiment, from the samples held, with the configured {@link RoiAnalysis}. CPU-bound (the
   * bootstrap); call it from a query, never from the call path.
   *
   * @return the report
   */
  public RoiReport report() {
    return analysis.analyze(samples());
  }

  /**
   * The savings of each treatment group over time, from the samples held (see {@link
   * RoiAnalysis#savingsOverTime(List)}).
   *
   * @return one series per experiment and treatment group
   */
  public List<SavingsSeries> savingsOverTime() {
    return analysis.savingsOverTime(samples());
  }

  /**
   * How many calls of an experiment were collected, including those the reservoir no longer holds.
   *
   * @param experiment the experiment name
   * @return the count, 0 for an unknown experiment
   */
  public long callsSeen(String experiment) {
    lock.lock();
    try {
      Reservoir r = experiments.get(experiment);
      return r == null ? 0 : r.seen;
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------- SpanStage

  @Override
  public Kind kind() {
    return Kind.ROI;
  }

  @Override
  public Node onStart(Context parentContext, ReadWriteSpan span, @Nullable Node parentNode) {
    SpanContext parent = Span.fromContext(parentContext).getSpanContext();
    if (parentNode == null && parent.isValid()) {
      parentNode = foreignParent(parent);
    }
    Baggage baggage = Baggage.fromContext(parentContext);
    return new Node(span, parentNode, key(span.getSpanContext()),
        baggage.getEntryValue(Experiments.EXPERIMENT_NAME_KEY),
        baggage.getEntryValue(Experiments.EXPERIMENT_GROUP_KEY));
  }

  @Override
  public boolean isEndRequired() {
    return true;
  }

  @Override
  public void onEnd(ReadableSpan span, Node node, CallCost cost) {
    if (RoiSpans.isStep(span.getName())) {
      node.ended(span.toSpanData());
      if (node.parent != null) {
        node.parent.addStep(node);
      }
      return;
    }
    String operation = SpanOperations.of(span);
    if (!SpanPricing.isModelCall(operation) || cost.status() == CallCost.Status.UNPRICED) {
      return;
    }
    node.ended(span.toSpanData());
    View call = new View(node);
    List<View> children = node.steps(this);
    List<View> siblings = node.parent == null ? List.of() : node.parent.steps(this);
    RoiSample sample = RoiSpans.sample(call, children, siblings, cost.isPriced() ? cost.totalNanos() : -1, catalog);
    if (sample != null) {
      RoiSpans.SpanView step = RoiSpans.step(call, children, siblings);
      add(sample, node.key, step instanceof View v ? v.node.key : null);
    }
  }

  @Override
  public void shutdown() {
    lock.lock();
    try {
      foreign.clear();
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------- CompressionListener

  /**
   * Takes a quality score that may have arrived after the compression span, or even the model call, ended.
   *
   * @param record the measurement the score belongs to
   * @param score the score
   */
  @Override
  public void onQualityScore(CompressionRecord record, double score) {
    try {
      SpanContext context = record.spanContext();
      if (!context.isValid() || !Double.isFinite(score)) {
        return;
      }
      lock.lock();
      try {
        Pending p = pending(key(context));
        p.score = score;
        for (Slot slot : p.waiting) {
          fill(slot, score);
        }
        p.waiting.clear();
      } finally {
        lock.unlock();
      }
    } catch (Throwable t) {
      UsageLogger.failed("RoiCollector.onQualityScore", t);
    }
  }

  // ---------------------------------------------------------------- state

  private void add(RoiSample sample, String callKey, @Nullable String stepKey) {
    lock.lock();
    try {
      Reservoir r = experiments.get(sample.experiment());
      if (r == null) {
        if (experiments.size() >= maxExperiments) {
          if (!warnedExperiments) {
            warnedExperiments = true;
            UsageLogger.warn("RoiCollector tracks at most " + maxExperiments + " experiments; calls of experiment "
                + sample.experiment() + " and any further new experiment are ignored");
          }
          return;
        }
        r = new Reservoir();
        experiments.put(sample.experiment(), r);
      }
      Slot slot = new Slot(sample);
      r.seen++;
      if (r.slots.size() < maxSamples) {
        r.slots.add(slot);
      } else {
        long j = random.nextLong(r.seen);
        if (j >= maxSamples) {
          return;
        }
        r.slots.set((int) j, slot);
      }
      if (sample.qualityScore() == null) {
        // A score for the call itself, else for its step, may still come.
        await(slot, callKey);
        if (stepKey != null) {
          await(slot, stepKey);
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** Lock held. */
  private void await(Slot slot, String key) {
    Pending p = pending(key);
    if (p.score != null) {
      fill(slot, p.score); // the score came between the call's end and now
    } else {
      p.waiting.add(slot);
    }
  }

  /** Lock held. A score fills a sample that has none; it never replaces one. */
  private static void fill(Slot slot, double score) {
    if (slot.sample.qualityScore() == null) {
      slot.sample = slot.sample.withQualityScore(score);
    }
  }

  /** Lock held. */
  private Pending pending(String key) {
    Pending p = pending.get(key);
    if (p == null) {
      p = new Pending();
      pending.put(key, p);
      trim(pending, maxPendingScores);
    }
    return p;
  }

  private @Nullable Double lateScore(String key) {
    lock.lock();
    try {
      Pending p = pending.get(key);
      return p == null ? null : p.score;
    } finally {
      lock.unlock();
    }
  }

  private Node foreignParent(SpanContext context) {
    String key = key(context);
    lock.lock();
    try {
      Node n = foreign.get(key);
      if (n == null) {
        n = new Node(null, null, key, null, null);
        foreign.put(key, n);
        trim(foreign, MAX_FOREIGN_PARENTS);
      }
      return n;
    } finally {
      lock.unlock();
    }
  }

  private static void trim(LinkedHashMap<String, ?> map, int max) {
    Iterator<String> eldest = map.keySet().iterator();
    while (map.size() > max && eldest.hasNext()) {
      eldest.next();
      eldest.remove();
    }
  }

  private static String key(SpanContext context) {
    return context.getTraceId() + context.getSpanId();
  }

  /** One collected call; its sample is replaced when a late score fills it in. Guarded by the lock. */
  private static final class Slot {
    RoiSample sample;

    Slot(RoiSample sample) {
      this.sample = sample;
    }
  }

  /** The samples of one experiment. Guarded by the lock. */
  private static final class Reservoir {
    final List<Slot> slots = new ArrayList<>();
    long seen;
  }

  /** A span's late score, or the samples waiting for one. Guarded by the lock. */
  private static final class Pending {
    @Nullable Double score;
    final List<Slot> waiting = new ArrayList<>(1);
  }

  /**
   * What is kept of a span: the live span (readable after it ended), its recorded parent, what Baggage carried when it
   * started, and the compression steps among its children. Ancestors stay reachable from their open descendants only.
   */
  static final class Node {
    final @Nullable ReadableSpan span;
    final @Nullable Node parent;
    final String key;
    final @Nullable String baggageExperiment;
    final @Nullable String baggageGroup;
    final ArrayDeque<Node> stepNodes = new ArrayDeque<>(2);
    volatile long startNanos;
    volatile long endNanos;
    volatile @Nullable Resource resource;

    Node(
        @Nullable ReadableSpan span,
        @Nullable Node parent,
        String key,
        @Nullable String baggageExperiment,
        @Nullable String baggageGroup) {
      this.span = span;
      this.parent = parent;
      this.key = key;
      this.baggageExperiment = baggageExperiment;
      this.baggageGroup = baggageGroup;
    }

    void ended(SpanData data) {
      startNanos = data.getStartEpochNanos();
      endNanos = data.getEndEpochNanos();
      resource = data.getResource();
    }

    void addStep(Node step) {
      synchronized (stepNodes) {
        if (stepNodes.size() == MAX_STEPS_PER_PARENT) {
          stepNodes.pollFirst();
        }
        stepNodes.addLast(step);
      }
    }

    List<View> steps(RoiCollector collector) {
      synchronized (stepNodes) {
        List<View> views = new ArrayList<>(stepNodes.size());
        for (Node n : stepNodes) {
          views.add(collector.new View(n));
        }
        return views;
      }
    }
  }

  /** A recorded span as {@link RoiSpans} reads it. */
  private final class View implements RoiSpans.SpanView {
    final Node node;

    View(Node node) {
      this.node = node;
    }

    @Override
    public long count(AttributeKey<Long> key) {
      ReadableSpan s = node.span;
      if (s == null) {
        return -1;
      }
      Long v = s.getAttribute(key);
      // Micrometer bridges write counts as text.
      return v != null ? v : SpanPricing.parseCount(s.getAttribute(AttributeKey.stringKey(key.getKey())));
    }

    @Override
    public @Nullable String string(AttributeKey<String> key) {
      ReadableSpan s = node.span;
      return s == null ? null : s.getAttribute(key);
    }

    @Override
    public @Nullable Double number(AttributeKey<Double> key) {
      ReadableSpan s = node.span;
      Double v = s == null ? null : s.getAttribute(key);
      if (v == null && key.equals(CompressionAttributes.QUALITY_SCORE)) {
        v = lateScore(node.key);
      }
      return v;
    }

    @Override
    public String name() {
      ReadableSpan s = node.span;
      return s == null ? "" : s.getName();
    }

    @Override
    public long startEpochNanos() {
      ReadableSpan s = node.span;
      return node.startNanos != 0 || s == null ? node.startNanos : s.toSpanData().getStartEpochNanos();
    }

    @Override
    public long endEpochNanos() {
      return node.endNanos;
    }

    @Override
    public RoiSpans.@Nullable SpanView parent() {
      return node.parent == null ? null : new View(node.parent);
    }

    @Override
    public @Nullable String outerString(AttributeKey<String> key) {
      String v = null;
      if (key.getKey().equals(Experiments.EXPERIMENT_NAME_KEY)) {
        v = node.baggageExperiment;
      } else if (key.getKey().equals(Experiments.EXPERIMENT_GROUP_KEY)) {
        v = node.baggageGroup;
      }
      Resource r = node.resource;
      return v != null || r == null ? v : r.getAttribute(key);
    }
  }

  /** Builds a {@link RoiCollector}; fails fast on invalid values. Not thread-safe. */
  public static final class Builder {
    private PriceCatalog catalog = PriceCatalog.bundled();
    private RoiAnalysis analysis = RoiAnalysis.builder().build();
    private int maxSamples = 10_000;
    private int maxExperiments = 100;
    private int maxPendingScores = 10_000;
    private long seed = RoiAnalysis.DEFAULT_SEED;

    private Builder() {}

    /**
     * Sets the prices, for the models' context windows. Use the catalog of the cost pipeline.
     *
     * @param catalog the prices; the bundled ones by default
     * @return this builder
     */
    public Builder setPriceCatalog(PriceCatalog catalog) {
      this.catalog = Objects.requireNonNull(catalog, "catalog");
      return this;
    }

    /**
     * Sets the analysis {@link #report()} and {@link #savingsOverTime()} run.
     *
     * @param analysis the analysis; {@code RoiAnalysis.builder().build()} by default
     * @return this builder
     */
    public Builder setAnalysis(RoiAnalysis analysis) {
      this.analysis = Objects.requireNonNull(analysis, "analysis");
      return this;
    }

    /**
     * Sets how many samples each experiment keeps; beyond, a uniform random sample of its calls is kept.
     *
     * @param max at least 2; default 10,000
     * @return this builder
     * @throws IllegalArgumentException if below 2
     */
    public Builder setMaxSamplesPerExperiment(int max) {
      if (max < 2) {
        throw new IllegalArgumentException("max samples per experiment < 2");
      }
      this.maxSamples = max;
      return this;
    }

    /**
     * Sets how many experiments are tracked; calls of further experiments are ignored.
     *
     * @param max at least 1; default 100
     * @return this builder
     * @throws IllegalArgumentException if below 1
     */
    public Builder setMaxExperiments(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("max experiments < 1");
      }
      this.maxExperiments = max;
      return this;
    }

    /**
     * Sets how many spans awaiting or holding a late quality score are remembered.
     *
     * @param max at least 1; default 10,000
     * @return this builder
     * @throws IllegalArgumentException if below 1
     */
    public Builder setMaxPendingScores(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("max pending scores < 1");
      }
      this.maxPendingScores = max;
      return this;
    }

    /**
     * Sets the seed of the reservoir's generator.
     *
     * @param seed the seed; {@link RoiAnalysis#DEFAULT_SEED} by default
     * @return this builder
     */
    public Builder setSeed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Builds the collector.
     *
     * @return the collector; add it to the cost pipeline ({@code CostPipeline.Builder#addStage}) and, for late
     *     quality scores, to {@code Compression}
     */
    public RoiCollector build() {
      return new RoiCollector(this);
    }
  }
}
