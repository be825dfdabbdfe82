package io.lockn.springai.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.models.completions.CompletionUsage;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import io.lockn.core.TokenUsage;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.metadata.EmptyUsage;
import org.springframework.ai.chat.model.MessageAggregator;

/** Spring AI's {@code Usage}, with openai-java's real native usage objects, normalised into disjoint parts. */
class SpringAiUsagesTest {

  /** openai-java's usage; each detail only when non-null, as the API leaves out what it does not report. */
  private static CompletionUsage openAi(long prompt, @Nullable Long cached, @Nullable Long cacheWrite,
      long completion, @Nullable Long reasoning) {
    CompletionUsage.Builder b = CompletionUsage.builder()
        .promptTokens(prompt).completionTokens(completion).totalTokens(prompt + completion);
    if (cached != null || cacheWrite != null) {
      CompletionUsage.PromptTokensDetails.Builder d = CompletionUsage.PromptTokensDetails.builder();
      if (cached != null) {
        d.cachedTokens(cached);
      }
      if (cacheWrite != null) {
        d.cacheWriteTokens(cacheWrite);
      }
      b.promptTokensDetails(d.build());
    }
    if (reasoning != null) {
      b.completionTokensDetails(CompletionUsage.CompletionTokensDetails.builder().reasoningTokens(reasoning).build());
    }
    return b.build();
  }

  /** What OpenAiChatModel 2.0.1 builds: the counts, the native usage, and the cached count copied as cache read. */
  private static DefaultUsage asSpringAiOpenAi(CompletionUsage u) {
    Long cached = u.promptTokensDetails().flatMap(CompletionUsage.PromptTokensDetails::cachedTokens).orElse(null);
    return new DefaultUsage(Math.toIntExact(u.promptTokens()), Math.toIntExact(u.completionTokens()),
        Math.toIntExact(u.totalTokens()), u, cached, null);
  }

  private static void assertParts(@Nullable TokenUsage u, long uncached, long cacheRead, long cacheWrite5m,
      long nonReasoningOutput, long reasoning) {
    assertThat(u).isNotNull();
    assertThat(u.uncachedInputTokens()).as("uncached input").isEqualTo(uncached);
    assertThat(u.cacheReadTokens()).as("cache read").isEqualTo(cacheRead);
    assertThat(u.cacheWrite5mTokens()).as("cache write 5m").isEqualTo(cacheWrite5m);
    assertThat(u.cacheWrite1hTokens()).as("cache write 1h").isZero();
    assertThat(u.nonReasoningOutputTokens()).as("non-reasoning output").isEqualTo(nonReasoningOutput);
    assertThat(u.reasoningTokens()).as("reasoning").isEqualTo(reasoning);
  }

  @Test
  void nullOrEmptyUsage_isNoUsage() {
    assertThat(SpringAiUsages.from(null)).isNull();
    assertThat(SpringAiUsages.from(new EmptyUsage())).isNull();
    assertThat(SpringAiUsages.from(new DefaultUsage(0, 0))).isNull();
    assertThat(SpringAiUsages.from(new DefaultUsage(null, null, null, null, null, null))).isNull();
    // A native usage of zero counts is still no usage.
    assertThat(SpringAiUsages.from(asSpringAiOpenAi(openAi(0, 0L, null, 0, 0L)))).isNull();
  }

  @Test
  void openAiNativeUsage_cachedAndReasoningTokensAreSplitOut() {
    TokenUsage u = SpringAiUsages.from(asSpringAiOpenAi(openAi(1200, 1000L, null, 300, 120L)));

    assertParts(u, 200, 1000, 0, 180, 120);
    assertThat(u.inputTokens()).isEqualTo(1200);
    assertThat(u.outputTokens()).isEqualTo(300);
    assertThat(u.totalTokens()).isEqualTo(1500);
  }

  @Test
  void openAiNativeUsage_cachedTokensAreReadFromItWhenSpringAiDidNotCopyThem() {
    CompletionUsage nativeUsage = openAi(1200, 1000L, null, 300, 0L);

    TokenUsage u = SpringAiUsages.from(new DefaultUsage(1200, 300, 1500, nativeUsage));

    assertParts(u, 200, 1000, 0, 300, 0);
  }

  @Test
  void openAiNativeUsage_withoutDetails_isPlainInputAndOutput() {
    TokenUsage u = SpringAiUsages.from(asSpringAiOpenAi(openAi(50, null, null, 7, null)));

    assertParts(u, 50, 0, 0, 7, 0);
  }

  @Test
  void openAiNativeUsage_aGatewaysCacheWriteIsACacheWrite() {
    // 1000 prompt tokens: 600 read from the cache, 300 written to it, 100 neither.
    TokenUsage u = SpringAiUsages.from(asSpringAiOpenAi(openAi(1000, 600L, 300L, 40, null)));

    assertParts(u, 100, 600, 300, 40, 0);
    assertThat(u.inputTokens()).isEqualTo(1000);
  }

  @Test
  void springAisOwnCacheCounts_areUsedWithoutANativeUsage() {
    // As Anthropic's or Bedrock's Spring AI models report them: the prompt count includes reads and writes.
    TokenUsage u = SpringAiUsages.from(new DefaultUsage(1000, 50, 1050, null, 600L, 300L));

    assertParts(u, 100, 600, 300, 50, 0);
  }

  @Test
  void springAisCacheWrite_winsOverTheNativeOne() {
    TokenUsage u = SpringAiUsages.from(new DefaultUsage(1000, 50, 1050, openAi(1000, 600L, 999L, 50, null), 600L,
        200L));

    assertParts(u, 200, 600, 200, 50, 0);
  }

  @Test
  void aggregatedStreamUsage_hasOnlyCounts() {
    // MessageAggregator's usage (streaming): its native usage is a Map, which carries no detail.
    MessageAggregator.DefaultUsage aggregated = new MessageAggregator.DefaultUsage(1200, 300, 1500);
    assertThat(aggregated.getNativeUsage()).isInstanceOf(Map.class);

    assertParts(SpringAiUsages.from(aggregated), 1200, 0, 0, 300, 0);
  }

  @Test
  void embeddingNativeUsage_isInputOnly() {
    CreateEmbeddingResponse.Usage nativeUsage =
        CreateEmbeddingResponse.Usage.builder().promptTokens(12).totalTokens(12).build();

    assertParts(SpringAiUsages.from(new DefaultUsage(12, 0, 12, nativeUsage)), 12, 0, 0, 0, 0);
  }

  @Test
  void clamping_cacheCountsAboveThePromptAreCutToIt() {
    // Reads alone above the prompt: all of the prompt is a read.
    assertParts(SpringAiUsages.from(new DefaultUsage(100, 10, 110, null, 150L, null)), 0, 100, 0, 10, 0);
    // Reads and writes together above the prompt: reads first, writes get the rest.
    assertParts(SpringAiUsages.from(new DefaultUsage(100, 10, 110, null, 80L, 50L)), 0, 80, 20, 10, 0);
    // Counts that would overflow a long when added are still cut to the prompt.
    assertParts(SpringAiUsages.from(new DefaultUsage(100, 10, 110, null, Long.MAX_VALUE, Long.MAX_VALUE)),
        0, 100, 0, 10, 0);
  }

  @Test
  void clamping_reasoningAboveTheCompletionIsCutToIt() {
    TokenUsage u = SpringAiUsages.from(asSpringAiOpenAi(openAi(10, null, null, 300, 500L)));

    assertParts(u, 10, 0, 0, 0, 300);
    assertThat(u.outputTokens()).isEqualTo(300);
  }

  @Test
  void clamping_negativeCountsAreZero() {
    assertParts(SpringAiUsages.from(new DefaultUsage(-5, 10, 5, null, -3L, -1L)), 0, 0, 0, 10, 0);
    assertThat(SpringAiUsages.from(new DefaultUsage(-5, -10, -15))).isNull();
  }
}
