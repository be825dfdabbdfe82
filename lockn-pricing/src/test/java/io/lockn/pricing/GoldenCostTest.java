package io.lockn.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockn.core.TokenUsage;
import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Golden costs: every expected value is an exact decimal worked out by hand from the providers' published prices
 * (per 1M tokens), so any drift in the catalog, the token decomposition or the rounding fails here.
 */
class GoldenCostTest {

  private static final PriceCatalog CATALOG = PriceCatalog.bundled();
  private static final Instant NOW = Instant.parse("2026-11-01T12:00:00Z");

  private static Cost cost(String provider, String model, TokenUsage usage) {
    return CATALOG.cost(provider, model, usage, NOW, null);
  }

  private static BigDecimal usd(String value) {
    return new BigDecimal(value).setScale(9);
  }

  @Test
  void openAi_cachedTokensInsidePromptArePricedOnceAtTheCacheRate() {
    // 800 uncached x $2.50 + 200 cached x $1.25 + 500 output x $10.00, per 1M tokens.
    Cost c = cost("openai", "gpt-4o", TokenUsage.fromOpenAi(1000, 200, 500, 0));
    assertThat(c.inputNanos()).isEqualTo(2_000_000);
    assertThat(c.cacheReadNanos()).isEqualTo(250_000);
    assertThat(c.outputNanos()).isEqualTo(5_000_000);
    assertThat(c.totalUsd()).isEqualTo(usd("0.00725"));
    assertThat(c.source()).isEqualTo(CostSource.LOCAL);
    assertThat(c.pricingId()).isEqualTo("openai/gpt-4o@2024-10-02");
  }

  @Test
  void openAi_reasoningInsideCompletionIsBilledOnceAtTheOutputRate() {
    // o4-mini: 2,000 in x $1.10; 300 visible out x $4.40; 1,200 reasoning x $4.40.
    Cost c = cost("openai", "o4-mini-2025-04-16", TokenUsage.fromOpenAi(2000, 0, 1500, 1200));
    assertThat(c.outputNanos()).isEqualTo(1_320_000);
    assertThat(c.reasoningNanos()).isEqualTo(5_280_000);
    assertThat(c.totalUsd()).isEqualTo(usd("0.0088"));
  }

  @Test
  void anthropic_cacheReadAndBothCacheWriteTtls() {
    // claude-sonnet-4-5: 1,000 in x $3; 5,000 read x $0.30; 2,000 5m-write x $3.75; 1,000 1h-write x $6; 400 out x $15.
    Cost c = cost("anthropic", "claude-sonnet-4-5-20250929", TokenUsage.fromAnthropic(1000, 5000, 2000, 1000, 400));
    assertThat(c.inputNanos()).isEqualTo(3_000_000);
    assertThat(c.cacheReadNanos()).isEqualTo(1_500_000);
    assertThat(c.cacheWriteNanos()).isEqualTo(7_500_000 + 6_000_000);
    assertThat(c.outputNanos()).isEqualTo(6_000_000);
    assertThat(c.totalUsd()).isEqualTo(usd("0.024"));
  }

  @Test
  void tier_atTheThresholdIsBase_justAboveIsTheWholeRequestAtTheTier() {
    Cost at = cost("anthropic", "claude-sonnet-4-5", TokenUsage.fromAnthropic(150_000, 50_000, 0, 1000));
    // 150,000 x $3 + 50,000 read x $0.30 + 1,000 out x $15 = 0.45 + 0.015 + 0.015
    assertThat(at.totalUsd()).isEqualTo(usd("0.48"));
    Cost above = cost("anthropic", "claude-sonnet-4-5", TokenUsage.fromAnthropic(150_001, 50_000, 0, 1000));
    // 150,001 x $6 + 50,000 read x $0.60 + 1,000 out x $22.50 = 0.900006 + 0.03 + 0.0225
    assertThat(above.totalUsd()).isEqualTo(usd("0.952506"));
  }

  @Test
  void tier_gpt54Above272k() {
    Cost c = cost("openai", "gpt-5.4", TokenUsage.fromOpenAi(272_001, 0, 100, 0));
    // 272,001 x $5 + 100 x $22.50
    assertThat(c.totalUsd()).isEqualTo(usd("1.362255"));
  }

  @Test
  void history_o3PriceCutOn20250610() {
    TokenUsage usage = TokenUsage.fromOpenAi(10_000, 0, 2_000, 1_500);
    Cost before = CATALOG.cost("openai", "o3", usage, Instant.parse("2025-06-09T23:59:59Z"), null);
    Cost after = CATALOG.cost("openai", "o3", usage, Instant.parse("2025-06-10T00:00:00Z"), null);
    // Before: 10,000 x $10 + 500 x $40 + 1,500 x $40; after: x $2 / $8.
    assertThat(before.totalUsd()).isEqualTo(usd("0.18"));
    assertThat(before.pricingId()).isEqualTo("openai/o3@2025-04-16");
    assertThat(after.totalUsd()).isEqualTo(usd("0.036"));
    assertThat(after.pricingId()).isEqualTo("openai/o3@2025-06-10");
  }

  @Test
  void history_gpt4oAliasMovedTo20240806Pricing() {
    TokenUsage usage = TokenUsage.fromOpenAi(1000, 0, 500, 0);
    assertThat(CATALOG.cost("openai", "gpt-4o", usage, Instant.parse("2024-08-01T00:00:00Z"), null).totalUsd())
        .isEqualTo(usd("0.0125"));
    assertThat(CATALOG.cost("openai", "gpt-4o-2024-05-13", usage, NOW, null).totalUsd()).isEqualTo(usd("0.0125"));
    assertThat(CATALOG.cost("openai", "gpt-4o-2024-08-06", usage, NOW, null).totalUsd()).isEqualTo(usd("0.0075"));
  }

  @Test
  void history_gemini15ProWithTheOver128kTier() {
    TokenUsage usage = TokenUsage.fromGemini(130_000, 0, 1_000, 0);
    // Before 2024-10-01: >128k at $7 / $21; after: $2.50 / $10.
    assertThat(CATALOG.cost("gcp.gemini", "gemini-1.5-pro-002", usage, Instant.parse("2024-09-01T00:00:00Z"), null)
        .totalUsd()).isEqualTo(usd("0.931"));
    assertThat(CATALOG.cost("gcp.gemini", "gemini-1.5-pro-002", usage, Instant.parse("2024-10-02T00:00:00Z"), null)
        .totalUsd()).isEqualTo(usd("0.335"));
  }

  @Test
  void history_deepSeekChatThreePeriods() {
    TokenUsage usage = TokenUsage.of(1_000_000, 1_000_000);
    assertThat(CATALOG.cost("deepseek", "deepseek-chat", usage, Instant.parse("2025-08-01T00:00:00Z"), null)
        .totalUsd()).isEqualTo(usd("1.37"));
    assertThat(CATALOG.cost("deepseek", "deepseek-chat", usage, Instant.parse("2025-09-10T00:00:00Z"), null)
        .totalUsd()).isEqualTo(usd("2.24"));
    assertThat(CATALOG.cost("deepseek", "deepseek-chat", usage, NOW, null).totalUsd()).isEqualTo(usd("0.70"));
  }

  @Test
  void beforeTheFirstPriceExisted_isUnpriced() {
    assertThat(CATALOG.cost("openai", "gpt-4o", TokenUsage.of(10, 10), Instant.parse("2023-01-01T00:00:00Z"), null))
        .isSameAs(Cost.UNPRICED);
  }

  @Test
  void geminiThoughtsAreBilledAsOutput() {
    // gemini-2.5-flash: 10,000 prompt (2,000 cached) x $0.30 / $0.03; 500 candidates + 1,500 thoughts x $2.50.
    Cost c = cost("gcp.gemini", "gemini-2.5-flash", TokenUsage.fromGemini(10_000, 2_000, 500, 1_500));
    assertThat(c.inputNanos()).isEqualTo(2_400_000);
    assertThat(c.cacheReadNanos()).isEqualTo(60_000);
    assertThat(c.outputNanos()).isEqualTo(1_250_000);
    assertThat(c.reasoningNanos()).isEqualTo(3_750_000);
    assertThat(c.totalUsd()).isEqualTo(usd("0.00746"));
  }

  @Test
  void resolution_prefixesDatesDotsAndBedrockIds() {
    TokenUsage usage = TokenUsage.of(1000, 1000);
    assertThat(cost("openai", "openai/gpt-4o-2024-08-06", usage).pricingId()).isEqualTo("openai/gpt-4o-2024-08-06");
    assertThat(cost("openai", "gpt-4o-2025-03-01", usage).pricingId()).isEqualTo("openai/gpt-4o@2024-10-02");
    assertThat(cost("anthropic", "claude-3.5-sonnet", usage).pricingId()).isEqualTo("anthropic/claude-3-5-sonnet");
    assertThat(cost("anthropic", "claude-sonnet-4.5", usage).pricingId()).isEqualTo("anthropic/claude-sonnet-4-5");
    assertThat(cost("gcp.vertex_ai", "claude-3-5-sonnet@20240620", usage).pricingId())
        .isEqualTo("gcp.vertex_ai/claude-3-5-sonnet");
    assertThat(cost("gcp.gemini", "models/gemini-2.0-flash-001", usage).pricingId())
        .isEqualTo("gcp.gemini/gemini-2.0-flash");
    assertThat(cost("openai", "gemini/gemini-2.5-pro", usage).pricingId()).isEqualTo("gcp.gemini/gemini-2.5-pro");
    assertThat(cost("aws.bedrock", "anthropic.claude-3-5-sonnet-20241022-v2:0", usage).pricingId())
        .isEqualTo("aws.bedrock/anthropic.claude-3-5-sonnet-20241022-v2:0");
    assertThat(cost("aws.bedrock", "bedrock/anthropic.claude-haiku-4-5-20251001-v1:0", usage).totalUsd())
        .isEqualTo(usd("0.006"));
    // A gateway reporting "openai" for a Claude model still prices it at Anthropic's price.
    assertThat(cost("openai", "claude-haiku-4-5", usage).pricingId()).isEqualTo("anthropic/claude-haiku-4-5");
  }

  @Test
  void pricingId_isBuiltOncePerEntryAndPricePeriod() {
    // The hot path allocates only the Cost: the id of an entry, and of each of its dated periods, is built once.
    TokenUsage usage = TokenUsage.of(1000, 1000);
    assertThat(cost("openai", "gpt-4o", usage).pricingId())
        .isEqualTo("openai/gpt-4o@2024-10-02")
        .isSameAs(cost("openai", "gpt-4o-2025-03-01", usage).pricingId());
    assertThat(CATALOG.cost("openai", "gpt-4o", usage, Instant.parse("2024-06-01T00:00:00Z"), null).pricingId())
        .isEqualTo("openai/gpt-4o@2024-05-13");
    assertThat(cost("openai", "gpt-4o-mini", usage).pricingId())
        .isEqualTo("openai/gpt-4o-mini")
        .isSameAs(cost("openai", "gpt-4o-mini", usage).pricingId());
  }

  @Test
  void bedrockCrossRegionProfile_costsTenPercentMoreForClaude45() {
    TokenUsage usage = TokenUsage.of(1000, 1000);
    Cost us = cost("aws.bedrock", "us.anthropic.claude-sonnet-4-5-20250929-v1:0", usage);
    // ($0.003 + $0.015) x 1.1
    assertThat(us.inputNanos()).isEqualTo(3_300_000);
    assertThat(us.outputNanos()).isEqualTo(16_500_000);
    assertThat(us.totalUsd()).isEqualTo(usd("0.0198"));
    assertThat(us.listTotalNanos()).isEqualTo(19_800_000);
    assertThat(us.pricingId()).isEqualTo("aws.bedrock/anthropic.claude-sonnet-4-5-20250929-v1:0[us]");
    assertThat(cost("aws.bedrock", "global.anthropic.claude-sonnet-4-5-20250929-v1:0", usage).totalUsd())
        .isEqualTo(usd("0.018"));
    // Older models' profiles cost the same as in-region.
    assertThat(cost("aws.bedrock", "us.anthropic.claude-3-7-sonnet-20250219-v1:0", usage).totalUsd())
        .isEqualTo(usd("0.018"));
  }

  @Test
  void azureDeploymentAlias_inTheEuDataZone() {
    PriceCatalog catalog = PriceCatalog.builder().addAll(CATALOG)
        .alias("azure.ai.openai", "prod-gpt4o-eu", "gpt-4o", "eu").build();
    Cost c = catalog.cost("azure.ai.openai", "prod-gpt4o-eu", TokenUsage.of(1000, 1000), NOW, null);
    // ($0.0025 + $0.01) x 1.1
    assertThat(c.totalUsd()).isEqualTo(usd("0.01375"));
    assertThat(c.pricingId()).isEqualTo("azure.ai.openai/gpt-4o@2024-10-02[eu]");
    assertThat(catalog.cost("azure", "azure/eu/gpt-4o", TokenUsage.of(1000, 1000), NOW, null).totalUsd())
        .isEqualTo(usd("0.01375"));
  }

  @Test
  void discount_givesEffectiveAndListCost() {
    PriceCatalog catalog = PriceCatalog.builder().addAll(CATALOG)
        .discount("openai", null, new BigDecimal("15"))
        .discount("openai", "gpt-4o-mini", new BigDecimal("40"))
        .build();
    Cost c = catalog.cost("openai", "gpt-4o", TokenUsage.of(1000, 1000), NOW, null);
    assertThat(c.listTotalNanos()).isEqualTo(12_500_000);
    assertThat(c.totalUsd()).isEqualTo(usd("0.010625"));
    Cost mini = catalog.cost("openai", "gpt-4o-mini", TokenUsage.of(1_000_000, 0), NOW, null);
    assertThat(mini.totalUsd()).isEqualTo(usd("0.09"));
    assertThat(mini.listTotalNanos()).isEqualTo(150_000_000);
  }

  @Test
  void serviceTiers_batchFlexPriority() {
    TokenUsage usage = TokenUsage.fromOpenAi(1_000_000, 0, 0, 0);
    assertThat(CATALOG.cost("openai", "gpt-5", usage, NOW, "batch").totalUsd()).isEqualTo(usd("0.625"));
    assertThat(CATALOG.cost("openai", "gpt-5", usage, NOW, "flex").totalUsd()).isEqualTo(usd("0.625"));
    assertThat(CATALOG.cost("openai", "gpt-5", usage, NOW, "priority").totalUsd()).isEqualTo(usd("2.5"));
    assertThat(CATALOG.cost("openai", "gpt-4o", usage, NOW, "priority").totalUsd()).isEqualTo(usd("4.25"));
    assertThat(CATALOG.cost("openai", "gpt-4o", usage, NOW, "default").totalUsd()).isEqualTo(usd("2.5"));
  }

  @Test
  void unknownModel_isUnpricedNeverZero() {
    Cost c = cost("openai", "ft:gpt-4o:acme:support:abc123", TokenUsage.of(1000, 1000));
    assertThat(c).isSameAs(Cost.UNPRICED);
    assertThat(c.isPriced()).isFalse();
    assertThat(cost("my-vllm", "llama-3.1-8b-instruct", TokenUsage.of(1, 1)).isPriced()).isFalse();
    assertThat(cost("openai", "", TokenUsage.of(1, 1)).isPriced()).isFalse();
  }

  @Test
  void rounding_halfEvenPerPartToTheNanoUsd() {
    // gemini-1.5-flash above 128k: cache read $0.0375 per 1M = 37.5 nano-USD per token.
    TokenUsage one = TokenUsage.fromGemini(130_001, 1, 0, 0);
    TokenUsage two = TokenUsage.fromGemini(130_002, 2, 0, 0);
    assertThat(CATALOG.cost("gcp.gemini", "gemini-1.5-flash", one, NOW, null).cacheReadNanos()).isEqualTo(38);
    assertThat(CATALOG.cost("gcp.gemini", "gemini-1.5-flash", two, NOW, null).cacheReadNanos()).isEqualTo(75);
    // gpt-5-nano cache read: $0.005 per 1M = 5 nano-USD per token, exact.
    assertThat(cost("openai", "gpt-5-nano", TokenUsage.fromOpenAi(3, 3, 0, 0)).cacheReadNanos()).isEqualTo(15);
  }

  @Test
  void providerReportedCost_takesItsOwnAmountRoundedToTheNano() {
    Cost c = Cost.providerReported(new BigDecimal("0.0123456789"), "openrouter/reported");
    assertThat(c.totalNanos()).isEqualTo(12_345_679);
    assertThat(c.source()).isEqualTo(CostSource.PROVIDER);
    assertThat(c.isPriced()).isTrue();
  }

  @Test
  void bedrockCohereAndMistral_atBedrockPrices() {
    TokenUsage million = TokenUsage.of(1_000_000, 1_000_000);
    assertThat(cost("aws.bedrock", "cohere.command-r-v1:0", million).totalUsd()).isEqualTo(usd("2.00"));
    assertThat(cost("aws.bedrock", "cohere.command-r-plus-v1:0", million).totalUsd()).isEqualTo(usd("18.00"));
    assertThat(cost("aws.bedrock", "mistral.mistral-large-2407-v1:0", million).totalUsd()).isEqualTo(usd("8.00"));
  }

  @Test
  void embeddings_inputOnly() {
    assertThat(cost("openai", "text-embedding-3-small", TokenUsage.of(1_000_000, 0)).totalUsd()).isEqualTo(usd("0.02"));
    assertThat(cost("azure.ai.openai", "text-embedding-3-large", TokenUsage.of(1_000_000, 0)).totalUsd())
        .isEqualTo(usd("0.13"));
  }
}
