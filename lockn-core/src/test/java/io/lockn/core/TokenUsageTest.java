package io.lockn.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenUsageTest {

  /** Asserts every disjoint part and every inclusive total. */
  private static void assertUsage(
      TokenUsage usage,
      long uncached,
      long cacheRead,
      long cacheWrite5m,
      long cacheWrite1h,
      long nonReasoning,
      long reasoning,
      long input,
      long output) {
    assertThat(usage.uncachedInputTokens()).as("uncached").isEqualTo(uncached);
    assertThat(usage.cacheReadTokens()).as("cacheRead").isEqualTo(cacheRead);
    assertThat(usage.cacheWrite5mTokens()).as("cacheWrite5m").isEqualTo(cacheWrite5m);
    assertThat(usage.cacheWrite1hTokens()).as("cacheWrite1h").isEqualTo(cacheWrite1h);
    long cacheWrite = cacheWrite5m + cacheWrite1h;
    assertThat(usage.cacheWriteTokens()).as("cacheWrite").isEqualTo(cacheWrite < 0 ? Long.MAX_VALUE : cacheWrite);
    assertThat(usage.nonReasoningOutputTokens()).as("nonReasoning").isEqualTo(nonReasoning);
    assertThat(usage.reasoningTokens()).as("reasoning").isEqualTo(reasoning);
    assertThat(usage.inputTokens()).as("input").isEqualTo(input);
    assertThat(usage.outputTokens()).as("output").isEqualTo(output);
  }

  @Test
  void fromOpenAi_cachedInsidePromptAndReasoningInsideCompletion() {
    TokenUsage usage = TokenUsage.fromOpenAi(1000, 200, 300, 100);

    assertUsage(usage, 800, 200, 0, 0, 200, 100, 1000, 300);
    assertThat(usage.totalTokens()).isEqualTo(1300);
  }

  @Test
  void fromAnthropic_cacheReadsAndWritesComeOnTopOfInput() {
    TokenUsage usage = TokenUsage.fromAnthropic(100, 900, 50, 40);

    assertUsage(usage, 100, 900, 50, 0, 40, 0, 1050, 40);
    assertThat(usage.totalTokens()).isEqualTo(1090);
  }

  @Test
  void fromAnthropic_ttlBreakdownKeeps5mAnd1hWritesApart() {
    TokenUsage usage = TokenUsage.fromAnthropic(100, 900, 50, 25, 40);

    assertUsage(usage, 100, 900, 50, 25, 40, 0, 1075, 40);
    assertThat(usage.cacheWriteTokens()).isEqualTo(75);
  }

  @Test
  void fromBedrock_cacheReadsAndWritesComeOnTopOfInput() {
    TokenUsage usage = TokenUsage.fromBedrock(200, 300, 400, 50);

    assertUsage(usage, 200, 300, 400, 0, 50, 0, 900, 50);
  }

  @Test
  void fromGemini_cachedInsidePromptAndThoughtsBesideCandidates() {
    TokenUsage usage = TokenUsage.fromGemini(1000, 600, 300, 120);

    assertUsage(usage, 400, 600, 0, 0, 300, 120, 1000, 420);
    assertThat(usage.totalTokens()).isEqualTo(1420);
  }

  @Test
  void of_inputAndOutputOnly() {
    TokenUsage usage = TokenUsage.of(123, 45);

    assertUsage(usage, 123, 0, 0, 0, 45, 0, 123, 45);
    assertThat(usage.isEmpty()).isFalse();
  }

  @Test
  void sameUsageThroughDifferentConventions_isEqual() {
    TokenUsage openAi = TokenUsage.fromOpenAi(1000, 200, 300, 0);
    TokenUsage anthropic = TokenUsage.fromAnthropic(800, 200, 0, 300);
    TokenUsage gemini = TokenUsage.fromGemini(1000, 200, 300, 0);

    assertThat(openAi).isEqualTo(anthropic).isEqualTo(gemini);
    assertThat(openAi.hashCode()).isEqualTo(anthropic.hashCode()).isEqualTo(gemini.hashCode());
  }

  @Test
  void billableOrUsed_prefersBillableWhenKnown() {
    TokenUsage used = TokenUsage.of(1000, 300);
    TokenUsage billable = TokenUsage.of(900, 300);

    assertThat(TokenUsage.billableOrUsed(used, billable)).isSameAs(billable);
    assertThat(TokenUsage.billableOrUsed(used, null)).isSameAs(used);
  }

  @Test
  void plus_addsPartWise() {
    TokenUsage first = TokenUsage.fromOpenAi(1000, 200, 300, 100);
    TokenUsage second = TokenUsage.fromAnthropic(10, 20, 30, 40, 50);

    TokenUsage sum = first.plus(second);

    assertUsage(sum, 810, 220, 30, 40, 250, 100, 1100, 350);
    assertThat(first.plus(TokenUsage.EMPTY)).isEqualTo(first);
  }

  @Test
  void negativeCounts_areRecordedAsZero() {
    assertThat(TokenUsage.fromOpenAi(-5, -1, -3, -2).isEmpty()).isTrue();
    assertThat(TokenUsage.fromAnthropic(-1, -2, -3, -4, -5)).isEqualTo(TokenUsage.EMPTY);
    assertThat(TokenUsage.fromBedrock(-1, -2, -3, -4)).isEqualTo(TokenUsage.EMPTY);
    assertThat(TokenUsage.fromGemini(-1, -2, -3, -4)).isEqualTo(TokenUsage.EMPTY);
    assertThat(TokenUsage.of(-10, 7)).isEqualTo(TokenUsage.of(0, 7));
    assertUsage(TokenUsage.fromOpenAi(100, -20, 50, -10), 100, 0, 0, 0, 50, 0, 100, 50);
    assertUsage(
        TokenUsage.builder()
            .uncachedInputTokens(-1)
            .cacheReadTokens(-2)
            .cacheWrite5mTokens(-3)
            .cacheWrite1hTokens(-4)
            .nonReasoningOutputTokens(-5)
            .reasoningTokens(-6)
            .build(),
        0, 0, 0, 0, 0, 0, 0, 0);
  }

  @Test
  void partLargerThanItsTotal_isClampedToTheTotal() {
    assertUsage(TokenUsage.fromOpenAi(100, 150, 50, 80), 0, 100, 0, 0, 0, 50, 100, 50);
    assertUsage(TokenUsage.fromGemini(100, 150, 50, 80), 0, 100, 0, 0, 50, 80, 100, 130);
  }

  @Test
  void sums_saturateAtLongMaxValue() {
    TokenUsage huge = TokenUsage.fromAnthropic(Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE,
        Long.MAX_VALUE);

    assertThat(huge.inputTokens()).isEqualTo(Long.MAX_VALUE);
    assertThat(huge.cacheWriteTokens()).isEqualTo(Long.MAX_VALUE);
    assertThat(huge.totalTokens()).isEqualTo(Long.MAX_VALUE);
    assertThat(TokenUsage.fromGemini(0, 0, Long.MAX_VALUE, 1).outputTokens()).isEqualTo(Long.MAX_VALUE);
    assertThat(TokenUsage.of(Long.MAX_VALUE, Long.MAX_VALUE).totalTokens()).isEqualTo(Long.MAX_VALUE);

    TokenUsage doubled = huge.plus(huge);
    assertUsage(doubled, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, 0,
        Long.MAX_VALUE, Long.MAX_VALUE);
  }

  @Test
  void sums_saturateForTheOneHourWriteToo() {
    TokenUsage huge = TokenUsage.builder().cacheWrite1hTokens(Long.MAX_VALUE).cacheWrite5mTokens(1).build();

    assertThat(huge.cacheWriteTokens()).isEqualTo(Long.MAX_VALUE);
    assertThat(huge.inputTokens()).isEqualTo(Long.MAX_VALUE);
    assertThat(huge.plus(huge).cacheWrite1hTokens()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void equalsAndHashCode_compareEveryPart() {
    TokenUsage a = TokenUsage.fromOpenAi(1000, 200, 300, 100);
    TokenUsage b = TokenUsage.fromOpenAi(1000, 200, 300, 100);

    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a).isEqualTo(a);
    assertThat(a).isNotEqualTo(null).isNotEqualTo("TokenUsage");
    // Same inclusive totals, different split: not equal.
    assertThat(a).isNotEqualTo(TokenUsage.of(1000, 300));
    assertThat(TokenUsage.fromAnthropic(0, 0, 10, 0, 0)).isNotEqualTo(TokenUsage.fromAnthropic(0, 0, 0, 10, 0));
    assertThat(TokenUsage.fromAnthropic(0, 10, 0, 0, 0)).isNotEqualTo(TokenUsage.fromAnthropic(0, 0, 10, 0, 0));
    assertThat(TokenUsage.fromOpenAi(0, 0, 10, 10)).isNotEqualTo(TokenUsage.of(0, 10));
  }

  @Test
  void builder_buildsFromDisjointParts() {
    TokenUsage usage =
        TokenUsage.builder()
            .uncachedInputTokens(800)
            .cacheReadTokens(200)
            .cacheWrite5mTokens(30)
            .cacheWrite1hTokens(20)
            .nonReasoningOutputTokens(200)
            .reasoningTokens(100)
            .build();

    assertUsage(usage, 800, 200, 30, 20, 200, 100, 1050, 300);
    assertThat(TokenUsage.builder().build()).isEqualTo(TokenUsage.EMPTY);
    assertThat(
            TokenUsage.builder()
                .uncachedInputTokens(800)
                .cacheReadTokens(200)
                .nonReasoningOutputTokens(200)
                .reasoningTokens(100)
                .build())
        .isEqualTo(TokenUsage.fromOpenAi(1000, 200, 300, 100));
  }

  @Test
  void empty_isEmpty() {
    assertThat(TokenUsage.EMPTY.isEmpty()).isTrue();
    assertThat(TokenUsage.EMPTY.totalTokens()).isZero();
    assertThat(TokenUsage.of(0, 1).isEmpty()).isFalse();
    assertThat(TokenUsage.builder().cacheWrite1hTokens(1).build().isEmpty()).isFalse();
  }

  @Test
  void toString_showsTotalsAndParts() {
    assertThat(TokenUsage.fromOpenAi(1000, 200, 300, 100))
        .hasToString(
            "TokenUsage{input=1000 (uncached=800, cacheRead=200, cacheWrite5m=0, cacheWrite1h=0), "
                + "output=300 (reasoning=100)}");
  }
}
