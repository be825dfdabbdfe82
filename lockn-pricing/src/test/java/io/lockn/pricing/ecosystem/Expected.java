package io.lockn.pricing.ecosystem;

import static io.lockn.pricing.ecosystem.Recordings.Loss.CACHE;
import static io.lockn.pricing.ecosystem.Recordings.Loss.INVISIBLE;
import static io.lockn.pricing.ecosystem.Recordings.Loss.REASONING;
import static io.lockn.pricing.ecosystem.Recordings.Loss.USAGE;

import io.lockn.core.TokenUsage;
import io.lockn.pricing.PriceCatalog;
import io.lockn.pricing.ecosystem.Recordings.Loss;
import io.lockn.pricing.ecosystem.Recordings.TrueCall;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * What LockN must find in each recording, by hand from the recordings' notes (what each instrumentation's spans carry
 * and drop, {@code .notes/ecosystem-spans.md}): per call, what its spans lose; which calls are partial (the span that
 * counts lacks the cache split or the reasoning split); how many model-call spans are duplicates of another. The costs
 * are computed from the ground-truth usage and the catalog ({@link #expectedNanos}), not from the reader.
 *
 * @param recording the recording's name
 * @param losses what the spans lose, by call seq (absent: nothing)
 * @param partial the calls flagged partial, by seq
 * @param duplicates the model-call spans that are not counted
 * @param estimates usage the spans carry instead of the truth (an instrumentation's own estimate), by seq
 */
record Expected(String recording, Map<Integer, Set<Loss>> losses, Set<Integer> partial, int duplicates,
    Map<Integer, TokenUsage> estimates) {

  /** Every recording: the Anthropic set (5 calls) or an OpenAI set (7 calls). */
  static final List<Expected> ALL = List.of(
      // The SDK's own span, one per call: reasoning counted only when there was thinking (call 3).
      anthropic("anthropic-sdk-otel-on", 0).partial(1, 2, 4, 5).lose(REASONING, 1, 2, 4, 5),
      // No span at all.
      anthropic("anthropic-sdk-otel-off", 0).lose(INVISIBLE, 1, 2, 3, 4, 5),
      openai("openai-sdk-no-otel", 0).lose(INVISIBLE, 1, 2, 3, 4, 5, 6, 7),
      // Generation over the SDK span: the SDK span is kept (it has the reasoning count when there is one).
      anthropic("langfuse-anthropic", 5).partial(1, 2, 4, 5).lose(REASONING, 1, 2, 4, 5),
      // usage_details complete for chat calls; the embeddings generation has none.
      openai("langfuse-openai", 0).lose(USAGE, 7),
      anthropic("openinference-anthropic", 5).partial(1, 2, 4, 5).lose(REASONING, 1, 2, 4, 5),
      // The stream and the embeddings carry no token counts.
      openai("openinference-openai", 0).lose(USAGE, 2, 7),
      // No cache or reasoning counts on any chat span.
      openai("otel-instrumentation-openai", 0).partial(1, 2, 3, 4, 5, 6).lose(CACHE, 1, 2, 3, 4, 5, 6)
          .lose(REASONING, 1, 2, 3, 4, 5, 6),
      // Traceloop's span over the SDK's: the SDK's is kept.
      anthropic("traceloop-anthropic", 5).partial(1, 2, 4, 5).lose(REASONING, 1, 2, 4, 5),
      // No cache or reasoning counts; the stream carries OpenLLMetry's own estimate; embeddings are not traced.
      openai("traceloop-openai", 0).partial(1, 2, 3, 4, 5, 6).lose(CACHE, 1, 2, 3, 4, 5, 6)
          .lose(REASONING, 1, 2, 3, 4, 5, 6).lose(INVISIBLE, 7).estimate(2, TokenUsage.of(37, 13)),
      // doGenerate/doStream with ai.usage details; reasoning details only for the thinking call.
      anthropic("vercel-ai6-anthropic", 0).partial(1, 2, 4, 5).lose(REASONING, 1, 2, 4, 5),
      openai("vercel-ai6-openai", 0),
      anthropic("vercel-ai7-legacy-anthropic", 0).partial(1, 2, 4, 5).lose(REASONING, 1, 2, 4, 5),
      openai("vercel-ai7-legacy-openai", 0),
      // The @ai-sdk/otel chat spans: cache counts, no reasoning; the usage-less embeddings wrapper is a duplicate.
      anthropic("vercel-ai7-anthropic", 0).partial(1, 2, 3, 4, 5).lose(REASONING, 1, 2, 3, 4, 5),
      openai("vercel-ai7-openai", 1).partial(1, 2, 3, 4, 5, 6).lose(REASONING, 1, 2, 3, 4, 5, 6),
      anthropic("vercel-ai7-usage-anthropic", 0).partial(1, 2, 4, 5).lose(REASONING, 1, 2, 4, 5),
      openai("vercel-ai7-usage-openai", 1));

  /** A recording of the Anthropic set (for the reader of this table). */
  private static Expected anthropic(String recording, int duplicates) {
    return new Expected(recording, new LinkedHashMap<>(), new TreeSet<>(), duplicates, new LinkedHashMap<>());
  }

  /** A recording of an OpenAI set. */
  private static Expected openai(String recording, int duplicates) {
    return new Expected(recording, new LinkedHashMap<>(), new TreeSet<>(), duplicates, new LinkedHashMap<>());
  }

  private Expected partial(Integer... seqs) {
    partial.addAll(List.of(seqs));
    return this;
  }

  private Expected lose(Loss loss, Integer... seqs) {
    for (int seq : seqs) {
      losses.computeIfAbsent(seq, s -> EnumSet.noneOf(Loss.class)).add(loss);
    }
    return this;
  }

  private Expected estimate(int seq, TokenUsage usage) {
    estimates.put(seq, usage);
    return this;
  }

  static Expected of(String recording) {
    return ALL.stream().filter(e -> e.recording.equals(recording)).findFirst().orElseThrow();
  }

  static Stream<String> names() {
    return ALL.stream().map(Expected::recording);
  }

  Set<Loss> lossesOf(int seq) {
    Set<Loss> l = losses.get(seq);
    return l == null ? EnumSet.noneOf(Loss.class) : l;
  }

  /** The usage LockN can know of a call: the truth minus what the spans lose, or the estimate they carry. */
  @Nullable TokenUsage usage(TrueCall call) {
    TokenUsage estimate = estimates.get(call.seq());
    return estimate != null ? estimate : Recordings.allowed(call.usage(), lossesOf(call.seq()));
  }

  /** The calls the spans show, in order. */
  List<TrueCall> visible() {
    return Recordings.truth(recording).stream().filter(c -> !lossesOf(c.seq()).contains(INVISIBLE)).toList();
  }

  /**
   * A call's expected cost in nano-USD, from the catalog and the usage the spans allow; -1 when it is unpriced (no
   * usage).
   */
  long expectedNanos(PriceCatalog catalog, TrueCall call) {
    TokenUsage usage = usage(call);
    if (usage == null) {
      return -1;
    }
    io.lockn.pricing.Cost cost =
        catalog.cost(call.provider(), call.responseModel(), usage, Recordings.RECORDED_AT_MILLIS, null);
    if (!cost.isPriced()) {
      throw new AssertionError("the test catalog has no price for " + call.responseModel());
    }
    return cost.totalNanos();
  }
}
