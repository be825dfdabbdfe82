package io.lockn.examples;

import io.lockn.compression.Compression;
import io.lockn.compression.CompressionAttributes;
import io.lockn.compression.CompressionListener;
import io.lockn.compression.CompressionRecord;
import io.lockn.compression.QualityEvaluator;
import io.lockn.compression.QualityInput;
import io.lockn.compression.experiment.Assignment;
import io.lockn.compression.experiment.Experiment;
import io.lockn.compression.experiment.Experiments;
import io.lockn.compression.roi.Estimate;
import io.lockn.compression.roi.RoiResult;
import io.lockn.compression.roi.SavingsSeries;
import io.lockn.compression.roi.sdk.RoiCollector;
import io.lockn.compression.tokens.JtokkitTokenCounter;
import io.lockn.core.GenAiMessage;
import io.lockn.core.GenAiProvider;
import io.lockn.core.LlmCall;
import io.lockn.core.LockN;
import io.lockn.core.TokenUsage;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.common.Clock;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The demo's A/B experiment {@value #NAME}: a few hundred simulated chat sessions of a support assistant over the two
 * days before the demo ran, each assigned by GrowthBook hashing of its session id to {@code control} (the full history
 * is sent) or {@code compressed} (the history passes through {@link ContextTrimmer}, measured with {@link Compression}
 * and counted with jtokkit).
 *
 * <p>Everything is seeded and offline: the conversations are generated from a fixed seed, the simulated provider
 * reports the jtokkit count of what was sent as its input tokens, and the experiment's tracer provider runs on a
 * {@linkplain #clock() simulated clock}, so that spans take the latency a hosted model would (computed from the tokens,
 * without sleeping) and the sessions spread over two days. A simulated judge (a {@link QualityEvaluator}) scores the compressed prompts through {@link Compression}, which records {@code
 * lockn.compression.quality_score}; the control prompts are scored by the same judge. Costs come from the demo's
 * {@code CostSpanProcessor}; the ROI comes from the in-process {@link RoiCollector}, which reads what LockN recorded.
 */
final class ContextTrimmingExperiment implements CompressionListener {

  static final String NAME = "context-trimming";
  static final String TENANT = "umbrella";
  static final String MODEL = "gpt-4o";
  static final String RESPONSE_MODEL = "gpt-4o-2024-08-06";
  static final String STRATEGY = "context_trimming";
  static final int SESSIONS = 300;
  static final int KEEP_TURNS = 4;
  /** The simulated time the sessions are spread over, ending when the demo starts. */
  static final Duration PERIOD = Duration.ofHours(48);
  /** The compression step's own simulated duration. */
  static final long STEP_NANOS = 1_000_000L;
  private static final long SEED = 20_251_122L;

  private final AtomicLong compressSpans = new AtomicLong();
  private final Experiment experiment = Experiment.of(NAME);
  private final ContextTrimmer trimmer = new ContextTrimmer(KEEP_TURNS);
  private final JtokkitTokenCounter counter = new JtokkitTokenCounter();
  private final SimulatedClock clock =
      new SimulatedClock(Instant.now().truncatedTo(ChronoUnit.HOURS).minus(PERIOD));
  private final QualityEvaluator judge = this::judge;
  private final RoiCollector collector = RoiCollector.builder().setPriceCatalog(SupportDemo.catalog()).build();

  /** The clock of the experiment's tracer provider: simulated time, advanced by the sessions. */
  Clock clock() {
    return clock;
  }

  /** The span processor (and compression listener) that collects the experiment's calls for the ROI. */
  RoiCollector collector() {
    return collector;
  }

  @Override
  public void onMeasured(CompressionRecord record) {
    if (!record.failed() && record.spanContext().isValid()) {
      compressSpans.incrementAndGet();
    }
  }

  // ---- The simulation.

  /**
   * Runs every session.
   *
   * @param lockn a LockN whose attribution keys allow {@link Experiments#BAGGAGE_KEYS}, on a tracer provider with
   *     {@link #clock()}, a cost processor and {@link #collector()}
   * @param openTelemetry the OpenTelemetry of {@code lockn}, for the compression spans
   */
  void run(LockN lockn, OpenTelemetry openTelemetry) {
    Compression compression =
        Compression.builder(openTelemetry)
            .setTokenCounter(counter)
            .setTokenizer(JtokkitTokenCounter.tokenizerFor(GenAiProvider.OPENAI, MODEL))
            .setProvider(GenAiProvider.OPENAI)
            .setQualityEvaluator(judge)
            .addListener(collector)
            .addListener(this)
            .build();
    long spacing = PERIOD.toNanos() / SESSIONS;
    for (int i = 0; i < SESSIONS; i++) {
      clock.set(i * spacing);
      runSession(lockn, compression, i);
    }
  }

  private void runSession(LockN lockn, Compression compression, int index) {
    String session = String.format(Locale.ROOT, "sess-%04d", index);
    // Per-session randomness, independent of the group: both arms see the same population.
    Random random = new Random(SEED * 1_000_003L + index);
    List<GenAiMessage> history = SimulatedConversations.history(random);
    long outputTokens = 90 + random.nextInt(170);
    Assignment assignment = experiment.assign(session);
    lockn.attribution()
        .tenant(TENANT)
        .costCenter("cc-assistant")
        .workflowId(session)
        .feature("assistant-chat")
        .plan("enterprise")
        .user(String.format(Locale.ROOT, "u-%03d", index % 97))
        .run(() -> assignment.run(() ->
            lockn.workflow("assistant-chat").conversationId(session).run(() -> {
              assignment.applyTo(Span.current());
              lockn.agent("chat-assistant").task("answer").run(() ->
                  lockn.chat(GenAiProvider.OPENAI, MODEL).server("api.openai.com", 443).maxTokens(1024).run(() -> {
                    LlmCall call = lockn.currentLlmCall();
                    boolean compressed = assignment.is(Experiment.COMPRESSED);
                    List<GenAiMessage> sent;
                    if (compressed) {
                      sent = compression.step(STRATEGY).model(MODEL).measure(history, messages -> {
                        clock.advance(STEP_NANOS);
                        return trimmer.compress(messages);
                      });
                    } else {
                      sent = history;
                      // The same judge scores the uncompressed prompt; a call's own score is what the ROI reads.
                      Span.current().setAttribute(CompressionAttributes.QUALITY_SCORE, score(history, history));
                    }
                    // The simulated provider bills what was sent, counted by jtokkit (o200k_base for gpt-4o).
                    long inputTokens = counter.count(sent, GenAiProvider.OPENAI, MODEL).count();
                    call.recordUsage(TokenUsage.fromOpenAi(inputTokens, 0, outputTokens, 0))
                        .responseModel(RESPONSE_MODEL)
                        .responseId("chatcmpl-exp-" + index)
                        .finishReason("stop");
                    clock.advance(latencyNanos(inputTokens, outputTokens, compressed) - (compressed ? STEP_NANOS : 0));
                  }));
            })));
  }

  /**
   * A latency model of a hosted chat model: a fixed overhead, prefill proportional to the input tokens, decoding
   * proportional to the output tokens, plus a millisecond for the compression step.
   */
  static long latencyNanos(long inputTokens, long outputTokens, boolean compressed) {
    return 180_000_000L + inputTokens * 250_000L + outputTokens * 8_000_000L + (compressed ? STEP_NANOS : 0);
  }

  /**
   * The simulated judge, standing in for an LLM judge: a conversation's base score between 0.80 and 0.95 (from its
   * text, so both arms see the same spread), down by up to 3% as more of the context is dropped.
   */
  private CompletionStage<Double> judge(QualityInput input) {
    return CompletableFuture.completedFuture(score(input.original(), input.compressed()));
  }

  private double score(List<GenAiMessage> original, List<GenAiMessage> compressed) {
    String text = new QualityInput(STRATEGY, MODEL, original, original).originalText();
    double base = 0.80 + 0.15 * ((text.hashCode() & 0x7fffffff) / (double) Integer.MAX_VALUE);
    long before = counter.count(original, GenAiProvider.OPENAI, MODEL).count();
    long after = counter.count(compressed, GenAiProvider.OPENAI, MODEL).count();
    double dropped = before <= 0 ? 0 : 1 - (double) after / before;
    return base * (1 - 0.03 * dropped);
  }

  // ---- The analysis.

  long compressSpans() {
    return compressSpans.get();
  }

  /** The ROI of the compressed group over all agents, from the collector. */
  RoiResult analyze() {
    return collector.report().get(NAME, RoiResult.ALL_AGENTS, Experiment.COMPRESSED).orElseThrow();
  }

  /** Prints the ROI with its confidence intervals, and the savings over time. */
  void print(PrintStream out, RoiResult r) {
    out.printf(Locale.ROOT, "A/B experiment \"%s\" (GrowthBook hashing of %d simulated sessions over %d hours, %s,"
        + " %s):%n", r.experiment(), r.controlCalls() + r.treatmentCalls(), PERIOD.toHours(), MODEL,
        "input tokens counted with jtokkit");
    out.printf(Locale.ROOT,
        "  compressed group: duplicated context blocks removed, signatures stripped, last %d turns kept%n",
        KEEP_TURNS);
    out.printf(Locale.ROOT, "  %-28s %s %d calls, %s %d calls (collected in-process by RoiCollector)%n", "calls",
        r.controlGroup(), r.controlCalls(), r.group(), r.treatmentCalls());
    out.printf(Locale.ROOT, "  %-28s %d original -> %d sent%n", "input tokens (compressed)", r.inputTokensOriginal(),
        r.inputTokensSent());
    out.printf(Locale.ROOT, "  %-28s %s%n", "token savings rate", percent(r.tokenSavingsRate()));
    out.printf(Locale.ROOT, "  %-28s %s%n", "input tokens saved per call", plain(r.inputTokensPerCallSavings(), 1));
    out.printf(Locale.ROOT, "  %-28s %s USD on %d calls (%s%%)%n", "cost savings", r.costSavingsUsd().toPlainString(),
        r.treatmentCalls(), r.costSavingsPercent() == null ? "n/a" : r.costSavingsPercent().toPlainString());
    out.printf(Locale.ROOT, "  %-28s %s USD   %s%n", "cost savings per call", plain(r.costSavingsPerCall(), 6),
        r.costVerdict());
    out.printf(Locale.ROOT, "  %-28s %s%n", "cost savings %", plain(r.costSavingsPercentEstimate(), 2));
    out.printf(Locale.ROOT, "  %-28s %s   %s%n", "latency p50 ratio", plain(r.latencyP50Ratio(), 3),
        r.latencyVerdict());
    out.printf(Locale.ROOT, "  %-28s %s%n", "latency p95 ratio", plain(r.latencyP95Ratio(), 3));
    out.printf(Locale.ROOT, "  %-28s %s   non-inferiority (margin %.0f%%): %s%n", "quality retention",
        r.qualityRetention() == null ? "n/a" : plain(r.qualityRetention(), 4), 100 * r.nonInferiorityMargin(),
        r.nonInferiority());
    for (SavingsSeries s : collector.savingsOverTime()) {
      if (s.experiment().equals(r.experiment()) && s.group().equals(r.group())) {
        out.printf(Locale.ROOT, "  %-28s %s%n", "cumulative savings (USD)", cumulative(s));
      }
    }
    out.printf(Locale.ROOT, "  (95%% confidence intervals in brackets: Welch t for differences of means, percentile"
        + " bootstrap for ratios)%n");
  }

  /** The cumulative savings after each quarter of the buckets, e.g. {@code 12 h 0.01 | 24 h 0.02 | ...}. */
  private static String cumulative(SavingsSeries s) {
    List<SavingsSeries.Bucket> buckets = s.buckets();
    StringBuilder b = new StringBuilder();
    for (int q = 1; q <= 4 && !buckets.isEmpty(); q++) {
      int last = Math.max(0, buckets.size() * q / 4 - 1);
      b.append(q == 1 ? "" : " | ").append(duration(s.interval().multipliedBy(last + 1L))).append(' ')
          .append(BigDecimal.valueOf(buckets.get(last).cumulativeSavingsNanos(), 9).toPlainString());
    }
    return b.append(" (").append(buckets.size()).append(" buckets of ").append(duration(s.interval())).append(')')
        .toString();
  }

  private static String duration(Duration d) {
    return d.toMinutes() % 60 == 0 ? d.toHours() + " h" : d.toMinutes() + " min";
  }

  private static String plain(Estimate e, int decimals) {
    String f = "%." + decimals + "f";
    return String.format(Locale.ROOT, f + " [" + f + ", " + f + "]", e.value(), e.lower(), e.upper());
  }

  private static String percent(Estimate e) {
    return String.format(Locale.ROOT, "%.2f%% [%.2f%%, %.2f%%]", 100 * e.value(), 100 * e.lower(), 100 * e.upper());
  }

  /**
   * Simulated time for the SDK: {@code now()} is a fixed origin plus the simulated nanoseconds, which only {@link
   * #set} and {@link #advance} move. Thread-safe.
   */
  static final class SimulatedClock implements Clock {
    private final long originNanos;
    private final AtomicLong nanos = new AtomicLong();

    SimulatedClock(Instant origin) {
      this.originNanos = origin.getEpochSecond() * 1_000_000_000L + origin.getNano();
    }

    void set(long sinceOrigin) {
      nanos.set(sinceOrigin);
    }

    void advance(long delta) {
      nanos.addAndGet(delta);
    }

    @Override
    public long now() {
      return originNanos + nanos.get();
    }

    @Override
    public long nanoTime() {
      return nanos.get();
    }
  }
}
