package io.lockn.examples;

import io.lockn.compression.Compression;
import io.lockn.compression.CompressionListener;
import io.lockn.compression.CompressionRecord;
import io.lockn.compression.experiment.Assignment;
import io.lockn.compression.experiment.Experiment;
import io.lockn.compression.experiment.Experiments;
import io.lockn.compression.roi.Estimate;
import io.lockn.compression.roi.RoiAnalysis;
import io.lockn.compression.roi.RoiReport;
import io.lockn.compression.roi.RoiResult;
import io.lockn.compression.roi.RoiSample;
import io.lockn.compression.tokens.JtokkitTokenCounter;
import io.lockn.core.GenAiAttributes;
import io.lockn.core.GenAiMessage;
import io.lockn.core.GenAiProvider;
import io.lockn.core.LlmCall;
import io.lockn.core.LlmCallRecord;
import io.lockn.core.LockN;
import io.lockn.core.LockNListener;
import io.lockn.core.TokenUsage;
import io.lockn.pricing.CostAttributes;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The demo's A/B experiment {@value #NAME}: a few hundred simulated chat sessions of a support assistant, each
 * assigned by GrowthBook hashing of its session id to {@code control} (the full history is sent) or {@code compressed}
 * (the history passes through {@link ContextTrimmer}, measured with {@link Compression} and counted with jtokkit).
 *
 * <p>Everything is seeded and offline: the conversations are generated from a fixed seed, the simulated provider
 * reports the jtokkit count of what was sent as its input tokens, latency is computed from the tokens (no sleeping)
 * and the quality score is deterministic, slightly lower when turns were dropped. Costs come from the demo's {@code
 * CostSpanProcessor} and price catalog. The observations are collected from what LockN recorded (a {@link
 * LockNListener}, a {@link CompressionListener} and a span processor reading the priced span) and analysed with
 * {@link RoiAnalysis}.
 */
final class ContextTrimmingExperiment implements SpanProcessor, LockNListener, CompressionListener {

  static final String NAME = "context-trimming";
  static final String TENANT = "umbrella";
  static final String MODEL = "gpt-4o";
  static final String RESPONSE_MODEL = "gpt-4o-2024-08-06";
  static final String STRATEGY = "context_trimming";
  static final int SESSIONS = 300;
  static final int KEEP_TURNS = 4;
  private static final long SEED = 20_251_122L;

  /** What was observed for one call, keyed by its trace. */
  private static final class Observed {
    String group = "";
    String agent = "";
    long originalTokens = -1;
    long sentTokens;
    long outputTokens;
    long cacheRead;
    long cacheWrite;
    long costNanos = -1;
    long latencyNanos;
    @Nullable Double quality;
  }

  private final Map<String, Observed> byTrace = new ConcurrentHashMap<>();
  private final AtomicLong compressSpans = new AtomicLong();
  private final Experiment experiment = Experiment.of(NAME);
  private final ContextTrimmer trimmer = new ContextTrimmer(KEEP_TURNS);
  private final JtokkitTokenCounter counter = new JtokkitTokenCounter();

  private Observed observed(String traceId) {
    return byTrace.computeIfAbsent(traceId, t -> new Observed());
  }

  // ---- What LockN recorded.

  @Override
  public void onLlmCallEnded(LlmCallRecord call) {
    String group = call.attribution().get(Experiments.EXPERIMENT_GROUP_KEY);
    if (group == null || call.errorType() != null) {
      return;
    }
    Observed o = observed(call.spanContext().getTraceId());
    synchronized (o) {
      o.group = group;
      o.agent = call.agentName() == null ? "" : call.agentName();
      o.sentTokens = call.usage().inputTokens();
      o.outputTokens = call.usage().outputTokens();
      o.cacheRead = call.usage().cacheReadTokens();
      o.cacheWrite = call.usage().cacheWriteTokens();
    }
  }

  @Override
  public void onMeasured(CompressionRecord record) {
    if (record.failed() || !record.spanContext().isValid()) {
      return;
    }
    compressSpans.incrementAndGet();
    Observed o = observed(record.spanContext().getTraceId());
    synchronized (o) {
      o.originalTokens = record.originalTokens();
    }
  }

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {}

  @Override
  public boolean isStartRequired() {
    return false;
  }

  /** Runs after the cost processor's {@code onEnding}: the model call's span carries its exact cost. */
  @Override
  public void onEnd(ReadableSpan span) {
    Long cost = span.getAttribute(CostAttributes.TOTAL_NANOS);
    if (cost == null || span.getAttribute(GenAiAttributes.GEN_AI_OPERATION_NAME) == null
        || span.getAttribute(Experiments.EXPERIMENT_GROUP) == null) {
      return;
    }
    Observed o = observed(span.getSpanContext().getTraceId());
    synchronized (o) {
      o.costNanos = cost;
    }
  }

  @Override
  public boolean isEndRequired() {
    return true;
  }

  // ---- The simulation.

  /**
   * Runs every session.
   *
   * @param lockn a LockN whose attribution keys allow {@link Experiments#BAGGAGE_KEYS} and whose listeners include
   *     this experiment
   * @param openTelemetry the OpenTelemetry of {@code lockn}, for the compression spans
   */
  void run(LockN lockn, OpenTelemetry openTelemetry) {
    Compression compression =
        Compression.builder(openTelemetry)
            .setTokenCounter(counter)
            .setTokenizer(JtokkitTokenCounter.tokenizerFor(GenAiProvider.OPENAI, MODEL))
            .setProvider(GenAiProvider.OPENAI)
            .addListener(this)
            .build();
    for (int i = 0; i < SESSIONS; i++) {
      runSession(lockn, compression, i);
    }
  }

  private void runSession(LockN lockn, Compression compression, int index) {
    String session = String.format(Locale.ROOT, "sess-%04d", index);
    // Per-session randomness, independent of the group: both arms see the same population.
    Random random = new Random(SEED * 1_000_003L + index);
    List<GenAiMessage> history = SimulatedConversations.history(random);
    long outputTokens = 90 + random.nextInt(170);
    double baseQuality = 0.80 + 0.15 * random.nextDouble();
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
                    List<GenAiMessage> sent =
                        compressed
                            ? compression.step(STRATEGY).model(MODEL).measure(history, trimmer::compress)
                            : history;
                    // The simulated provider bills what was sent, counted by jtokkit (o200k_base for gpt-4o).
                    long inputTokens = counter.count(sent, GenAiProvider.OPENAI, MODEL).count();
                    call.recordUsage(TokenUsage.fromOpenAi(inputTokens, 0, outputTokens, 0))
                        .responseModel(RESPONSE_MODEL)
                        .responseId("chatcmpl-exp-" + index)
                        .finishReason("stop");
                    Observed o = observed(Span.current().getSpanContext().getTraceId());
                    synchronized (o) {
                      // The original count is the one the compression listener received for this trace.
                      long original = compressed && o.originalTokens >= 0 ? o.originalTokens : inputTokens;
                      o.latencyNanos = latencyNanos(inputTokens, outputTokens, compressed);
                      o.quality = quality(baseQuality, original, inputTokens);
                    }
                  }));
            })));
  }

  /**
   * A latency model of a hosted chat model: a fixed overhead, prefill proportional to the input tokens, decoding
   * proportional to the output tokens, plus a millisecond for the compression step.
   */
  static long latencyNanos(long inputTokens, long outputTokens, boolean compressed) {
    return 180_000_000L + inputTokens * 250_000L + outputTokens * 8_000_000L + (compressed ? 1_000_000L : 0);
  }

  /** A deterministic quality score: the session's base score, down by up to 3% as more of the context is dropped. */
  static double quality(double base, long originalTokens, long sentTokens) {
    double dropped = originalTokens <= 0 ? 0 : 1 - (double) sentTokens / originalTokens;
    return base * (1 - 0.03 * dropped);
  }

  // ---- The analysis.

  long compressSpans() {
    return compressSpans.get();
  }

  List<RoiSample> samples() {
    List<RoiSample> samples = new ArrayList<>();
    for (Observed o : byTrace.values()) {
      synchronized (o) {
        if (o.group.isEmpty() || o.costNanos < 0) {
          continue;
        }
        long original = o.group.equals(Experiment.CONTROL) || o.originalTokens < 0 ? o.sentTokens : o.originalTokens;
        samples.add(new RoiSample(NAME, o.group, o.agent, original, o.sentTokens, o.outputTokens, o.cacheRead,
            o.cacheWrite, o.costNanos, 0, o.latencyNanos, o.quality, 128_000));
      }
    }
    return samples;
  }

  RoiResult analyze() {
    RoiReport report = RoiAnalysis.of(samples());
    return report.get(NAME, RoiResult.ALL_AGENTS, Experiment.COMPRESSED).orElseThrow();
  }

  static void print(PrintStream out, RoiResult r) {
    out.printf(Locale.ROOT, "A/B experiment \"%s\" (GrowthBook hashing of %d simulated sessions, %s, %s):%n",
        r.experiment(), r.controlCalls() + r.treatmentCalls(), MODEL, "input tokens counted with jtokkit");
    out.printf(Locale.ROOT,
        "  compressed group: duplicated context blocks removed, signatures stripped, last %d turns kept%n",
        KEEP_TURNS);
    out.printf(Locale.ROOT, "  %-28s %s %d calls, %s %d calls%n", "calls", r.controlGroup(), r.controlCalls(),
        r.group(), r.treatmentCalls());
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
    out.printf(Locale.ROOT, "  (95%% confidence intervals in brackets: Welch t for differences of means, percentile"
        + " bootstrap for ratios)%n");
  }

  private static String plain(Estimate e, int decimals) {
    String f = "%." + decimals + "f";
    return String.format(Locale.ROOT, f + " [" + f + ", " + f + "]", e.value(), e.lower(), e.upper());
  }

  private static String percent(Estimate e) {
    return String.format(Locale.ROOT, "%.2f%% [%.2f%%, %.2f%%]", 100 * e.value(), 100 * e.lower(), 100 * e.upper());
  }
}
