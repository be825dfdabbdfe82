package io.lockn.langchain4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.model.anthropic.AnthropicTokenUsage;
import dev.langchain4j.model.openai.OpenAiTokenUsage;
import dev.langchain4j.model.openai.OpenAiTokenUsage.InputTokensDetails;
import dev.langchain4j.model.openai.OpenAiTokenUsage.OutputTokensDetails;
import io.lockn.core.TokenUsage;
import org.junit.jupiter.api.Test;

/**
 * {@link Usages} over LangChain4j's real usage classes: each provider's convention lands in LockN's disjoint parts
 * exactly once.
 */
class UsagesTest {

  private static TokenUsage disjoint(long uncached, long cacheRead, long cacheWrite5m, long nonReasoning, long reasoning) {
    return TokenUsage.builder()
        .uncachedInputTokens(uncached)
        .cacheReadTokens(cacheRead)
        .cacheWrite5mTokens(cacheWrite5m)
        .nonReasoningOutputTokens(nonReasoning)
        .reasoningTokens(reasoning)
        .build();
  }

  private static OpenAiTokenUsage openAi(Integer prompt, Integer cached, Integer completion, Integer reasoning) {
    return OpenAiTokenUsage.builder()
        .inputTokenCount(prompt)
        .inputTokensDetails(InputTokensDetails.builder().cachedTokens(cached).build())
        .outputTokenCount(completion)
        .outputTokensDetails(OutputTokensDetails.builder().reasoningTokens(reasoning).build())
        .build();
  }

  private static AnthropicTokenUsage anthropic(Integer input, Integer cacheRead, Integer cacheCreation, Integer output) {
    return AnthropicTokenUsage.builder()
        .inputTokenCount(input)
        .cacheReadInputTokens(cacheRead)
        .cacheCreationInputTokens(cacheCreation)
        .outputTokenCount(output)
        .build();
  }

  @Test
  void from_null_isNull() {
    assertThat(Usages.from(null)).isNull();
  }

  @Test
  void from_plainUsage_inputAndOutputOnly() {
    TokenUsage usage = Usages.from(new dev.langchain4j.model.output.TokenUsage(120, 45));

    assertThat(usage).isEqualTo(disjoint(120, 0, 0, 45, 0));
    assertThat(usage.totalTokens()).isEqualTo(165);
  }

  @Test
  void from_plainUsageWithoutCounts_isNullNotZero() {
    assertThat(Usages.from(new dev.langchain4j.model.output.TokenUsage())).isNull();
    assertThat(Usages.from(new dev.langchain4j.model.output.TokenUsage(null, null, 99))).isNull();
  }

  @Test
  void from_plainUsageWithOneCountMissing_missingCountIsZero() {
    assertThat(Usages.from(new dev.langchain4j.model.output.TokenUsage(null, 7))).isEqualTo(disjoint(0, 0, 0, 7, 0));
    assertThat(Usages.from(new dev.langchain4j.model.output.TokenUsage(30))).isEqualTo(disjoint(30, 0, 0, 0, 0));
  }

  @Test
  void from_negativeCounts_recordedAsZero() {
    assertThat(Usages.from(new dev.langchain4j.model.output.TokenUsage(-5, 10))).isEqualTo(disjoint(0, 0, 0, 10, 0));
    assertThat(Usages.from(new dev.langchain4j.model.output.TokenUsage(8, -1))).isEqualTo(disjoint(8, 0, 0, 0, 0));
  }

  @Test
  void from_openAiWithDetails_cachedOutOfPromptAndReasoningOutOfCompletion() {
    // prompt 1000 of which 400 cached; completion 300 of which 120 reasoning
    TokenUsage usage = Usages.from(openAi(1000, 400, 300, 120));

    assertThat(usage).isEqualTo(disjoint(600, 400, 0, 180, 120));
    assertThat(usage.inputTokens()).isEqualTo(1000);
    assertThat(usage.outputTokens()).isEqualTo(300);
  }

  @Test
  void from_openAiWithoutDetails_inputAndOutputOnly() {
    OpenAiTokenUsage bare = OpenAiTokenUsage.builder().inputTokenCount(50).outputTokenCount(20).build();

    assertThat(Usages.from(bare)).isEqualTo(disjoint(50, 0, 0, 20, 0));
  }

  @Test
  void from_openAiDetailsWithNullCounts_detailsAreZero() {
    assertThat(Usages.from(openAi(50, null, 20, null))).isEqualTo(disjoint(50, 0, 0, 20, 0));
  }

  @Test
  void from_openAiNegativeDetails_recordedAsZero() {
    assertThat(Usages.from(openAi(50, -3, 20, -4))).isEqualTo(disjoint(50, 0, 0, 20, 0));
  }

  @Test
  void from_openAiDetailLargerThanItsTotal_clampedToTheTotal() {
    // 70 cached of a 50-token prompt, 30 reasoning of a 20-token completion: a part never exceeds its total
    assertThat(Usages.from(openAi(50, 70, 20, 30))).isEqualTo(disjoint(0, 50, 0, 0, 20));
  }

  @Test
  void from_openAiSum_keepsTheDetailsOfBothCalls() {
    // LangChain4j sums the usage of an AI Service's round trips with add(); the result is still OpenAI-shaped
    dev.langchain4j.model.output.TokenUsage sum = openAi(100, 40, 30, 10).add(openAi(200, 60, 50, 20));

    assertThat(Usages.from(sum)).isEqualTo(disjoint(200, 100, 0, 50, 30));
  }

  @Test
  void from_anthropic_cacheReadsAndWritesOnTopOfInput() {
    TokenUsage usage = Usages.from(anthropic(50, 8000, 2000, 500));

    assertThat(usage).isEqualTo(disjoint(50, 8000, 2000, 500, 0));
    assertThat(usage.inputTokens()).isEqualTo(10_050);
    assertThat(usage.cacheWriteTokens()).isEqualTo(2000);
    assertThat(usage.cacheWrite1hTokens()).isZero();
  }

  @Test
  void from_anthropicWithoutCacheCounts_inputAndOutputOnly() {
    assertThat(Usages.from(anthropic(75, null, null, 12))).isEqualTo(disjoint(75, 0, 0, 12, 0));
  }

  @Test
  void from_anthropicNegativeCounts_recordedAsZero() {
    assertThat(Usages.from(anthropic(-1, -2, 30, -4))).isEqualTo(disjoint(0, 0, 30, 0, 0));
  }

  @Test
  void from_anthropicWithOnlyCacheCountsAndNoInputOrOutput_isNull() {
    // Without input and output counts LangChain4j reported no usage; LockN never invents a zero-token call
    assertThat(Usages.from(anthropic(null, 100, 100, null))).isNull();
  }

  @Test
  void from_subclassOfAnthropicUsage_readWithTheAnthropicConvention() {
    AnthropicTokenUsage.Builder b =
        AnthropicTokenUsage.builder().inputTokenCount(10).cacheReadInputTokens(90).cacheCreationInputTokens(5).outputTokenCount(3);
    AnthropicTokenUsage subclass = new AnthropicTokenUsage(b) {};

    assertThat(Usages.from(subclass)).isEqualTo(disjoint(10, 90, 5, 3, 0));
  }

  @Test
  void from_unknownSubclass_inputAndOutputOnly() {
    dev.langchain4j.model.output.TokenUsage custom = new dev.langchain4j.model.output.TokenUsage(11, 22) {};

    assertThat(Usages.from(custom)).isEqualTo(disjoint(11, 0, 0, 22, 0));
  }
}
