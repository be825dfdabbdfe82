package io.lockn.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockn.core.TokenUsage;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The amount-only pricing methods used on hot paths, {@link PriceCatalog#totalNanos} and {@link
 * PriceCatalog#maxCostNanos}: the same exact amounts as {@link PriceCatalog#cost}, by hand and against it.
 */
class TotalNanosTest {

  private static final PriceCatalog CATALOG = PriceCatalog.bundled();
  private static final long NOW = Instant.parse("2026-11-01T12:00:00Z").toEpochMilli();

  @Test
  void totalNanos_equalsTheCostsTotal_byHand() {
    // 800 uncached x $2.50 + 200 cached x $1.25 + 500 output x $10.00, per 1M tokens: 2,000,000 + 250,000 + 5,000,000.
    assertThat(CATALOG.totalNanos("openai", "gpt-4o", TokenUsage.fromOpenAi(1000, 200, 500, 0), NOW, null))
        .isEqualTo(7_250_000L);
    // claude-sonnet-4-5: 1,000 in x $3; 5,000 read x $0.30; 2,000 5m-write x $3.75; 1,000 1h-write x $6; 400 out x $15.
    assertThat(CATALOG.totalNanos("anthropic", "claude-sonnet-4-5-20250929",
        TokenUsage.fromAnthropic(1000, 5000, 2000, 1000, 400), NOW, null)).isEqualTo(24_000_000L);
    // gpt-5 at the priority tier: 1M input x $2.50.
    assertThat(CATALOG.totalNanos("openai", "gpt-5", TokenUsage.fromOpenAi(1_000_000, 0, 0, 0), NOW, "priority"))
        .isEqualTo(2_500_000_000L);
  }

  @Test
  void totalNanos_equalsTheCostsTotal_acrossTiersHistoryDiscountsAndServiceTiers() {
    PriceCatalog discounted = PriceCatalog.builder().addAll(CATALOG)
        .discount("openai", null, new BigDecimal("15"))
        .discount("openai", "gpt-4o-mini", new BigDecimal("40"))
        .build();
    List<TokenUsage> usages = List.of(TokenUsage.EMPTY, TokenUsage.of(1, 1), TokenUsage.fromOpenAi(1000, 200, 500, 120),
        TokenUsage.fromOpenAi(300_001, 7, 12_345, 999), TokenUsage.fromAnthropic(1000, 5000, 2000, 1000, 400),
        TokenUsage.fromGemini(130_001, 1, 77, 5));
    String[][] models = {{"openai", "gpt-4o"}, {"openai", "gpt-4o-mini"}, {"openai", "gpt-5"}, {"openai", "o3"},
        {"anthropic", "claude-sonnet-4-5-20250929"}, {"gcp.gemini", "gemini-1.5-flash"},
        {"gcp.gemini", "gemini-2.5-pro"}, {"openai", "no-such-model"}};
    for (PriceCatalog catalog : List.of(CATALOG, discounted)) {
      for (String[] m : models) {
        for (TokenUsage u : usages) {
          for (String tier : new String[] {null, "priority", "flex", "default"}) {
            for (long at : new long[] {NOW, Instant.parse("2025-01-01T00:00:00Z").toEpochMilli(), 0L}) {
              Cost cost = catalog.cost(m[0], m[1], u, at, tier);
              long total = catalog.totalNanos(m[0], m[1], u, at, tier);
              assertThat(total).as("%s/%s %s %s at %d", m[0], m[1], u, tier, at)
                  .isEqualTo(cost.isPriced() ? cost.totalNanos() : PriceCatalog.UNPRICED_NANOS);
            }
          }
        }
      }
    }
  }

  @Test
  void maxCostNanos_isTheHigherOfOutputAndReasoningPricing() {
    ModelMatch gpt4o = CATALOG.resolve("openai", "gpt-4o");
    assertThat(gpt4o).isNotNull();
    // 1,200 in x $2.50 + 512 out x $10.00 (reasoning, when unpriced apart, is priced as output): 3,000,000 + 5,120,000.
    assertThat(CATALOG.maxCostNanos(gpt4o, 1200, 512, NOW)).isEqualTo(8_120_000L);
    for (String[] m : new String[][] {{"openai", "gpt-4o"}, {"openai", "o3"}, {"gcp.gemini", "gemini-2.5-pro"},
        {"anthropic", "claude-sonnet-4-5-20250929"}, {"gcp.gemini", "gemini-1.5-flash"}}) {
      ModelMatch match = CATALOG.resolve(m[0], m[1]);
      assertThat(match).as(m[1]).isNotNull();
      for (long[] io : new long[][] {{0, 0}, {1, 1}, {1200, 512}, {200_001, 65_536}, {3, 0}, {0, 7}}) {
        long asOutput = CATALOG.cost(match, TokenUsage.of(io[0], io[1]), NOW, null).totalNanos();
        long asReasoning = CATALOG.cost(match,
            TokenUsage.builder().uncachedInputTokens(io[0]).reasoningTokens(io[1]).build(), NOW, null).totalNanos();
        assertThat(CATALOG.maxCostNanos(match, io[0], io[1], NOW)).as("%s %d/%d", m[1], io[0], io[1])
            .isEqualTo(Math.max(asOutput, asReasoning));
      }
    }
    // Negative counts are 0, as in an estimate.
    assertThat(CATALOG.maxCostNanos(gpt4o, -5, -5, NOW)).isZero();
  }

  @Test
  void unpriced_isMinusOneNeverZero() {
    assertThat(CATALOG.totalNanos("openai", "ft:gpt-4o:acme:x", TokenUsage.of(1, 1), NOW, null))
        .isEqualTo(PriceCatalog.UNPRICED_NANOS).isNegative();
    ModelMatch o3 = CATALOG.resolve("openai", "o3");
    assertThat(o3).isNotNull();
    // Before the first price existed.
    assertThat(CATALOG.maxCostNanos(o3, 1, 1, 0L)).isEqualTo(PriceCatalog.UNPRICED_NANOS);
    assertThat(CATALOG.totalNanos(o3, TokenUsage.of(1, 1), 0L, null)).isEqualTo(PriceCatalog.UNPRICED_NANOS);
  }
}
