package io.lockn.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lockn.core.TokenUsage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Import of LiteLLM's {@code model_prices_and_context_window.json}, from an excerpt in LiteLLM's exact schema
 * ({@code src/test/resources/litellm/model_prices_excerpt.json}): which entries are kept, that per-token floats become
 * exact pico-USD without passing through {@code double}, golden costs for tiers, cache writes, reasoning and regional
 * ids, precedence over bundled entries, and rejection of malformed entries naming the file, key and field.
 */
class LiteLlmImportTest {

  private static final String EXCERPT = "/litellm/model_prices_excerpt.json";
  private static final Instant NOW = Instant.parse("2026-11-01T12:00:00Z");
  private static final PriceCatalog LITELLM = withExcerpt(PriceCatalog.builder()).build();

  private static InputStream excerpt() {
    InputStream in = LiteLlmImportTest.class.getResourceAsStream(EXCERPT);
    if (in == null) {
      throw new IllegalStateException(EXCERPT + " missing from the test classpath");
    }
    return in;
  }

  private static PriceCatalog.Builder withExcerpt(PriceCatalog.Builder builder) {
    try (InputStream in = excerpt()) {
      return builder.addLiteLlm(in, "model_prices_excerpt.json");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static InputStream json(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }

  private static BigDecimal usd(String value) {
    return new BigDecimal(value).setScale(9);
  }

  private static ModelPrice entry(PriceCatalog catalog, String id) {
    return catalog.entries().stream().filter(e -> e.id().equals(id)).findFirst()
        .orElseThrow(() -> new AssertionError("no entry " + id));
  }

  private static Cost cost(String provider, String model, TokenUsage usage) {
    return LITELLM.cost(provider, model, usage, NOW, null);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // What is imported.

  @Test
  void import_keepsEveryEntryPricedPerTokenUnderItsProvider_andSkipsTheRest() {
    assertThat(LITELLM.entries()).extracting(ModelPrice::id).containsExactlyInAnyOrder(
        "openai/gpt-4o",
        "openai/gpt-4o-mini",
        "openai/o3",
        "openai/text-embedding-3-small",
        "azure.ai.openai/gpt-4o-2024-08-06",
        "azure.ai.openai/eu/gpt-4o-2024-08-06",
        "anthropic/claude-sonnet-4-5",
        "aws.bedrock/us.anthropic.claude-3-5-haiku-20241022-v1:0",
        "aws.bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0",
        "aws.bedrock/amazon.nova-lite-v1:0",
        "gcp.gemini/gemini-2.5-pro",
        "deepseek/deepseek-chat",
        "mistral_ai/mistral-embed",
        "perplexity/sonar-deep-research");
    // sample_spec (the schema documentation), per-pixel, per-image and per-second entries are not prices per token.
    assertThat(LITELLM.resolve("openai", "sample_spec")).isNull();
    assertThat(LITELLM.resolve("", "sample_spec")).isNull();
    assertThat(LITELLM.resolve("openai", "1024-x-1024/dall-e-2")).isNull();
    assertThat(LITELLM.resolve("gcp.vertex_ai", "vertex_ai/imagegeneration@006")).isNull();
    assertThat(LITELLM.resolve("gcp.vertex_ai", "imagegeneration@006")).isNull();
    assertThat(LITELLM.resolve("openai", "whisper-1")).isNull();
  }

  @Test
  void import_keepsModeContextWindowSourceAndTheOriginalKeyAsAlias() {
    ModelPrice sonnet = entry(LITELLM, "anthropic/claude-sonnet-4-5");
    assertThat(sonnet.mode()).isEqualTo("chat");
    assertThat(sonnet.contextWindow()).isEqualTo(200_000L);
    // LiteLLM's max_output_tokens: what a budget reserves for a call without max_tokens.
    assertThat(sonnet.maxOutputTokens()).isEqualTo(64_000L);
    assertThat(entry(LITELLM, "openai/gpt-4o-mini").maxOutputTokens()).isEqualTo(16_384L);
    assertThat(entry(LITELLM, "openai/text-embedding-3-small").maxOutputTokens()).isNull();
    assertThat(sonnet.source()).isEqualTo("LiteLLM model_prices_and_context_window.json");
    assertThat(sonnet.checked()).isNull();
    assertThat(entry(LITELLM, "openai/text-embedding-3-small").mode()).isEqualTo("embedding");
    assertThat(entry(LITELLM, "openai/o3").mode()).isEqualTo("responses");
    ModelPrice gemini = entry(LITELLM, "gcp.gemini/gemini-2.5-pro");
    assertThat(gemini.source()).isEqualTo("https://ai.google.dev/gemini-api/docs/pricing");
    assertThat(gemini.aliases()).containsExactly("gemini/gemini-2.5-pro");
    assertThat(entry(LITELLM, "azure.ai.openai/eu/gpt-4o-2024-08-06").aliases())
        .containsExactly("azure/eu/gpt-4o-2024-08-06");
    // LiteLLM keeps no history: one period, in force at all times.
    assertThat(sonnet.periods()).singleElement().satisfies(p -> {
      assertThat(p.effectiveFrom()).isNull();
      assertThat(p.effectiveTo()).isNull();
    });
  }

  @Test
  void import_ratesAreExactPicoUsdPerToken() {
    PricePeriod sonnet = entry(LITELLM, "anthropic/claude-sonnet-4-5").periods().get(0);
    // 3e-06, 1.5e-05, 3e-07, 3.75e-06, 6e-06 USD per token; reasoning falls back to output.
    assertThat(sonnet.rates()).isEqualTo(new Rates(3_000_000, 15_000_000, 300_000, 3_750_000, 6_000_000, 15_000_000));
    // *_above_200k_tokens: 6e-06, 2.25e-05, 6e-07, 7.5e-06, and the 1 h write's own 1.2e-05.
    assertThat(sonnet.tiers()).containsExactly(
        new Tier(200_000, new Rates(6_000_000, 22_500_000, 600_000, 7_500_000, 12_000_000, 22_500_000)));

    assertThat(entry(LITELLM, "openai/o3").periods().get(0).rates())
        .isEqualTo(new Rates(2_000_000, 8_000_000, 500_000, 2_000_000, 2_000_000, 8_000_000));
    assertThat(entry(LITELLM, "perplexity/sonar-deep-research").periods().get(0).rates().reasoning())
        .isEqualTo(3_000_000);
    // DeepSeek: cache writes cost nothing (cache_creation_input_token_cost 0.0), reads 2.8e-08.
    assertThat(entry(LITELLM, "deepseek/deepseek-chat").periods().get(0).rates())
        .isEqualTo(new Rates(280_000, 420_000, 28_000, 0, 0, 420_000));
    PricePeriod gemini = entry(LITELLM, "gcp.gemini/gemini-2.5-pro").periods().get(0);
    assertThat(gemini.rates().cacheRead()).isEqualTo(125_000);
    assertThat(gemini.tiers()).singleElement().satisfies(t -> {
      assertThat(t.aboveInputTokens()).isEqualTo(200_000);
      assertThat(t.rates().cacheRead()).isEqualTo(250_000);
    });
    // 6e-08 and 2.4e-07 are 59999.99999999999 and 239999.99999999997 when multiplied as doubles.
    assertThat(entry(LITELLM, "aws.bedrock/amazon.nova-lite-v1:0").periods().get(0).rates())
        .isEqualTo(new Rates(60_000, 240_000, 60_000, 60_000, 60_000, 240_000));
    // An embedding without an output price has output 0.
    assertThat(entry(LITELLM, "mistral_ai/mistral-embed").periods().get(0).rates().output()).isZero();
  }

  @Test
  void floats_neverGoThroughDouble() {
    String file = """
        {
            "exact-a": {
                "cache_read_input_token_cost": 1.25e-07,
                "input_cost_per_token": 1.0000005e-06,
                "litellm_provider": "openai",
                "mode": "chat",
                "output_cost_per_token": 2.00000050000000000001e-06
            },
            "exact-b": {
                "cache_read_input_token_cost": 3e-08,
                "input_cost_per_token": "1.1e-05",
                "litellm_provider": "openai",
                "mode": "chat",
                "output_cost_per_token": 1.65e-05
            }
        }
        """;
    PriceCatalog catalog = PriceCatalog.builder().addLiteLlm(json(file), "floats.json").build();
    Rates a = entry(catalog, "openai/exact-a").periods().get(0).rates();
    // 1.25e-07 USD per token is exactly 125,000 pico-USD.
    assertThat(a.cacheRead()).isEqualTo(125_000);
    // 1.0000005e-06 is 1,000,000.5 pico-USD exactly: half-even gives 1,000,000. As a double it is 1,000,000.50000000007
    // and would round to 1,000,001.
    assertThat(a.input()).isEqualTo(1_000_000);
    // 2.00000050000000000001e-06 is just above 2,000,000.5 pico-USD: 2,000,001. Its shortest double representation is
    // 2.0000005E-6, which would round half-even to 2,000,000.
    assertThat(a.output()).isEqualTo(2_000_001);
    Rates b = entry(catalog, "openai/exact-b").periods().get(0).rates();
    // 3e-08 x 1e12 is 29999.999999999996 as a double; 1.65e-05 x 1e12 is 16500000.000000002.
    assertThat(b.cacheRead()).isEqualTo(30_000);
    assertThat(b.input()).isEqualTo(11_000_000);
    assertThat(b.output()).isEqualTo(16_500_000);
    // A million tokens at 1.0000005e-06 cost exactly $1.000000 (from the exact pico rate), not $1.000001.
    assertThat(catalog.cost("openai", "exact-a", TokenUsage.of(1_000_000, 0), NOW, null).totalUsd())
        .isEqualTo(usd("1"));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Golden costs from the imported prices.

  @Test
  void golden_tierAtTheThresholdIsBase_justAboveIsTheWholeRequestAtTheTier() {
    // 150,000 + 50,000 read = 200,000 input tokens: not above 200k.
    Cost at = cost("anthropic", "claude-sonnet-4-5", TokenUsage.fromAnthropic(150_000, 50_000, 0, 1_000));
    // 150,000 x 3e-06 + 50,000 x 3e-07 + 1,000 x 1.5e-05
    assertThat(at.totalUsd()).isEqualTo(usd("0.48"));
    Cost above = cost("anthropic", "claude-sonnet-4-5", TokenUsage.fromAnthropic(150_001, 50_000, 0, 1_000));
    // 150,001 x 6e-06 + 50,000 x 6e-07 + 1,000 x 2.25e-05
    assertThat(above.inputNanos()).isEqualTo(900_006_000);
    assertThat(above.cacheReadNanos()).isEqualTo(30_000_000);
    assertThat(above.outputNanos()).isEqualTo(22_500_000);
    assertThat(above.totalUsd()).isEqualTo(usd("0.952506"));
    assertThat(above.pricingId()).isEqualTo("anthropic/claude-sonnet-4-5");
  }

  @Test
  void golden_cacheWrites5mAnd1h_belowAndAboveTheTier() {
    Cost below = cost("anthropic", "claude-sonnet-4-5", TokenUsage.fromAnthropic(1_000, 5_000, 2_000, 1_000, 400));
    // 1,000 x 3e-06 + 5,000 x 3e-07 + 2,000 x 3.75e-06 + 1,000 x 6e-06 + 400 x 1.5e-05
    assertThat(below.cacheWriteNanos()).isEqualTo(7_500_000 + 6_000_000);
    assertThat(below.totalUsd()).isEqualTo(usd("0.024"));

    Cost above = cost("anthropic", "claude-sonnet-4-5",
        TokenUsage.fromAnthropic(100_000, 50_000, 40_000, 10_001, 2_000));
    // 200,001 input tokens: 100,000 x 6e-06 + 50,000 x 6e-07 + 40,000 x 7.5e-06 + 10,001 x 1.2e-05 + 2,000 x 2.25e-05
    assertThat(above.cacheWriteNanos()).isEqualTo(300_000_000 + 120_012_000);
    assertThat(above.totalUsd()).isEqualTo(usd("1.095012"));
  }

  @Test
  void golden_reasoning_atItsOwnRateWhenTheFileGivesOne() {
    // o3: 8,000 uncached x 2e-06 + 2,000 cached x 5e-07 + 500 visible x 8e-06 + 2,500 reasoning x 8e-06.
    Cost o3 = cost("openai", "o3", TokenUsage.fromOpenAi(10_000, 2_000, 3_000, 2_500));
    assertThat(o3.reasoningNanos()).isEqualTo(20_000_000);
    assertThat(o3.totalUsd()).isEqualTo(usd("0.041"));
    // sonar-deep-research: 1,000 x 2e-06 + 1,000 visible x 8e-06 + 4,000 reasoning x 3e-06 (not 8e-06).
    Cost sonar = cost("perplexity", "sonar-deep-research", TokenUsage.fromOpenAi(1_000, 0, 5_000, 4_000));
    assertThat(sonar.outputNanos()).isEqualTo(8_000_000);
    assertThat(sonar.reasoningNanos()).isEqualTo(12_000_000);
    assertThat(sonar.totalUsd()).isEqualTo(usd("0.022"));
    // Gemini thoughts above the 200k tier: billed at the tier's output rate 1.5e-05.
    Cost gemini = cost("gcp.gemini", "gemini-2.5-pro", TokenUsage.fromGemini(200_001, 0, 1_000, 2_000));
    assertThat(gemini.totalUsd()).isEqualTo(usd("0.5450025"));
  }

  @Test
  void golden_azureEuDataZoneViaTheLiteLlmModelId() {
    TokenUsage usage = TokenUsage.fromOpenAi(10_000, 4_000, 1_000, 0);
    // 6,000 x 2.75e-06 + 4,000 x 1.375e-06 + 1,000 x 1.1e-05
    Cost eu = cost("azure.ai.openai", "azure/eu/gpt-4o-2024-08-06", usage);
    assertThat(eu.totalUsd()).isEqualTo(usd("0.033"));
    assertThat(eu.pricingId()).isEqualTo("azure.ai.openai/eu/gpt-4o-2024-08-06");
    assertThat(cost("azure", "azure/eu/gpt-4o-2024-08-06", usage).totalUsd()).isEqualTo(usd("0.033"));
    // The global deployment: 6,000 x 2.5e-06 + 4,000 x 1.25e-06 + 1,000 x 1e-05.
    assertThat(cost("azure.ai.openai", "azure/gpt-4o-2024-08-06", usage).totalUsd()).isEqualTo(usd("0.03"));
    assertThat(cost("azure.ai.openai", "gpt-4o-2024-08-06", usage).totalUsd()).isEqualTo(usd("0.03"));
    // Over the bundled catalog (which models the EU data zone as a 1.1 multiplier) the LiteLLM id, whose price
    // already includes the uplift, is not uplifted a second time.
    PriceCatalog both = withExcerpt(PriceCatalog.builder().addAll(PriceCatalog.bundled())).build();
    assertThat(both.cost("azure.ai.openai", "azure/eu/gpt-4o-2024-08-06", usage, NOW, null).totalUsd())
        .isEqualTo(usd("0.033"));
  }

  @Test
  void golden_bedrockProfilesEmbeddingsAndDeepSeek() {
    // Bedrock key with the bedrock/ prefix: 1,000 x 8e-07 + 2,000 read x 8e-08 + 3,000 write x 1e-06 + 500 x 4e-06.
    Cost haiku = cost("aws.bedrock", "bedrock/us.anthropic.claude-3-5-haiku-20241022-v1:0",
        TokenUsage.fromBedrock(1_000, 2_000, 3_000, 500));
    assertThat(haiku.totalUsd()).isEqualTo(usd("0.00596"));
    assertThat(cost("aws.bedrock", "us.anthropic.claude-3-5-haiku-20241022-v1:0",
        TokenUsage.fromBedrock(1_000, 2_000, 3_000, 500)).totalUsd()).isEqualTo(usd("0.00596"));
    // A us. profile whose LiteLLM price already includes the +10%: 1,000 x 3.3e-06 + 1,000 x 1.65e-05.
    assertThat(cost("aws.bedrock", "us.anthropic.claude-sonnet-4-5-20250929-v1:0", TokenUsage.of(1_000, 1_000))
        .totalUsd()).isEqualTo(usd("0.0198"));
    // 1M x 6e-08 + 1M x 2.4e-07
    assertThat(cost("aws.bedrock", "amazon.nova-lite-v1:0", TokenUsage.of(1_000_000, 1_000_000)).totalUsd())
        .isEqualTo(usd("0.30"));
    assertThat(cost("openai", "text-embedding-3-small", TokenUsage.of(1_000_000, 0)).totalUsd())
        .isEqualTo(usd("0.02"));
    assertThat(cost("mistral_ai", "mistral-embed", TokenUsage.of(1_000_000, 0)).totalUsd()).isEqualTo(usd("0.1"));
    assertThat(cost("mistral", "mistral/mistral-embed", TokenUsage.of(1_000_000, 0)).totalUsd()).isEqualTo(usd("0.1"));
    // 600,000 x 2.8e-07 + 400,000 x 2.8e-08 + 100,000 x 4.2e-07
    assertThat(cost("deepseek", "deepseek-chat", TokenUsage.fromOpenAi(1_000_000, 400_000, 100_000, 0)).totalUsd())
        .isEqualTo(usd("0.2212"));
    // gpt-4o-mini cached input at 7.5e-08: 1M cached tokens cost exactly $0.075.
    assertThat(cost("openai", "gpt-4o-mini", TokenUsage.fromOpenAi(1_000_000, 1_000_000, 0, 0)).totalUsd())
        .isEqualTo(usd("0.075"));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Precedence over the bundled catalog.

  @Test
  void importedEntries_overrideBundledOnesWhenAddedAfter() {
    PriceCatalog imported = withExcerpt(PriceCatalog.builder().addAll(PriceCatalog.bundled())).build();
    TokenUsage usage = TokenUsage.of(1_000, 500);
    Instant august2024 = Instant.parse("2024-08-01T00:00:00Z");
    // The bundled gpt-4o cost $5 / $15 in August 2024; LiteLLM's single price ($2.50 / $10) replaces its history.
    assertThat(PriceCatalog.bundled().cost("openai", "gpt-4o", usage, august2024, null).totalUsd())
        .isEqualTo(usd("0.0125"));
    Cost c = imported.cost("openai", "gpt-4o", usage, august2024, null);
    assertThat(c.totalUsd()).isEqualTo(usd("0.0075"));
    assertThat(c.pricingId()).isEqualTo("openai/gpt-4o");
    assertThat(imported.entries()).filteredOn(e -> e.id().equals("anthropic/claude-sonnet-4-5")).singleElement()
        .satisfies(e -> assertThat(e.source()).isEqualTo("LiteLLM model_prices_and_context_window.json"));
    // Entries the file does not have stay bundled.
    assertThat(imported.cost("openai", "gpt-5", TokenUsage.of(1_000_000, 0), NOW, null).totalUsd())
        .isEqualTo(usd("1.25"));
    // Replaced, not duplicated: one entry per id of either file.
    Set<String> ids = new HashSet<>();
    PriceCatalog.bundled().entries().forEach(e -> ids.add(e.id()));
    LITELLM.entries().forEach(e -> ids.add(e.id()));
    assertThat(imported.entries()).hasSize(ids.size());
    assertThat(ids.size()).isLessThan(PriceCatalog.bundled().entries().size() + LITELLM.entries().size());

    // Added before the bundled catalog, the bundled entries win.
    PriceCatalog bundledLast = withExcerpt(PriceCatalog.builder())
        .addAll(PriceCatalog.bundled()).build();
    Cost b = bundledLast.cost("openai", "gpt-4o", usage, august2024, null);
    assertThat(b.totalUsd()).isEqualTo(usd("0.0125"));
    assertThat(b.pricingId()).isEqualTo("openai/gpt-4o@2024-05-13");
  }

  @Test
  void importedAzureEntry_keepsTheEuDataZoneUpliftOfAConfiguredDeployment() {
    // PriceCatalog's own example: bundled prices, the newest LiteLLM file on top, then an Azure deployment in the EU
    // data zone. The deployment costs the EU price (+10%) whichever file the global price came from.
    TokenUsage usage = TokenUsage.of(1_000, 1_000);
    PriceCatalog bundledOnly = PriceCatalog.builder().addAll(PriceCatalog.bundled())
        .alias("azure.ai.openai", "prod-gpt4o-eu", "gpt-4o-2024-08-06", "eu").build();
    assertThat(bundledOnly.cost("azure.ai.openai", "prod-gpt4o-eu", usage, NOW, null).totalUsd())
        .isEqualTo(usd("0.01375"));
    PriceCatalog withLiteLlm = withExcerpt(PriceCatalog.builder().addAll(PriceCatalog.bundled()))
        .alias("azure.ai.openai", "prod-gpt4o-eu", "gpt-4o-2024-08-06", "eu").build();
    assertThat(withLiteLlm.cost("azure.ai.openai", "prod-gpt4o-eu", usage, NOW, null).totalUsd())
        .isEqualTo(usd("0.01375"));
  }

  @Test
  void addLiteLlmPath_readsPlainAndGzipFiles(@TempDir Path dir) throws IOException {
    byte[] content;
    try (InputStream in = excerpt()) {
      content = in.readAllBytes();
    }
    Path plain = dir.resolve("model_prices_and_context_window.json");
    Files.write(plain, content);
    Path gz = dir.resolve("model_prices_and_context_window.json.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write(content);
    }
    for (Path file : List.of(plain, gz)) {
      PriceCatalog c = PriceCatalog.builder().addLiteLlm(file).build();
      assertThat(c.entries()).hasSize(14);
      assertThat(c.cost("anthropic", "claude-sonnet-4-5", TokenUsage.fromAnthropic(1_000, 5_000, 2_000, 1_000, 400),
          NOW, null).totalUsd()).isEqualTo(usd("0.024"));
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Malformed entries: the file, the key and the field are named, and nothing of the file is loaded.

  private static final String GOOD =
      """
          "gpt-good": {
              "input_cost_per_token": 1e-06,
              "litellm_provider": "openai",
              "mode": "chat",
              "output_cost_per_token": 2e-06
          }""";

  private static String fileWith(String key, String fields) {
    return "{\n" + GOOD + ",\n    \"" + key + "\": {\n" + fields + "\n    }\n}\n";
  }

  private static final String CHAT = "\"litellm_provider\": \"openai\", \"mode\": \"chat\", ";

  static Stream<Arguments> malformedEntries() {
    return Stream.of(
        Arguments.of("non-decimal input",
            fileWith("gpt-bad", CHAT + "\"input_cost_per_token\": \"abc\", \"output_cost_per_token\": 1e-05"),
            List.of("\"gpt-bad\"", "input_cost_per_token", "abc")),
        Arguments.of("boolean input",
            fileWith("gpt-bad", CHAT + "\"input_cost_per_token\": true, \"output_cost_per_token\": 1e-05"),
            List.of("\"gpt-bad\"", "input_cost_per_token")),
        Arguments.of("negative input",
            fileWith("gpt-bad", CHAT + "\"input_cost_per_token\": -2.5e-06, \"output_cost_per_token\": 1e-05"),
            List.of("\"gpt-bad\"", "input_cost_per_token", "negative")),
        Arguments.of("negative output",
            fileWith("gpt-bad", CHAT + "\"input_cost_per_token\": 2.5e-06, \"output_cost_per_token\": -1e-05"),
            List.of("\"gpt-bad\"", "output_cost_per_token", "negative")),
        Arguments.of("missing output for a chat entry",
            fileWith("gpt-bad", CHAT + "\"input_cost_per_token\": 2.5e-06"),
            List.of("\"gpt-bad\"", "output_cost_per_token", "missing")),
        Arguments.of("missing output and no mode",
            fileWith("claude-bad", "\"litellm_provider\": \"anthropic\", \"input_cost_per_token\": 3e-06"),
            List.of("\"claude-bad\"", "output_cost_per_token")),
        Arguments.of("negative cache read",
            fileWith("gpt-bad", CHAT + "\"input_cost_per_token\": 2.5e-06, \"output_cost_per_token\": 1e-05,"
                + " \"cache_read_input_token_cost\": -1.25e-06"),
            List.of("\"gpt-bad\"", "cache_read_input_token_cost")),
        Arguments.of("negative 1 h cache write",
            fileWith("claude-bad", "\"litellm_provider\": \"anthropic\", \"input_cost_per_token\": 3e-06,"
                + " \"output_cost_per_token\": 1.5e-05, \"cache_creation_input_token_cost_above_1hr\": -6e-06"),
            List.of("\"claude-bad\"", "cache_creation_input_token_cost_above_1hr")),
        Arguments.of("malformed tier price",
            fileWith("claude-bad", "\"litellm_provider\": \"anthropic\", \"input_cost_per_token\": 3e-06,"
                + " \"output_cost_per_token\": 1.5e-05, \"input_cost_per_token_above_200k_tokens\": \"6e-06x\""),
            List.of("\"claude-bad\"", "input_cost_per_token_above_200k_tokens")),
        Arguments.of("malformed reasoning price",
            fileWith("o-bad", CHAT + "\"input_cost_per_token\": 2e-06, \"output_cost_per_token\": 8e-06,"
                + " \"output_cost_per_reasoning_token\": \"n/a\""),
            List.of("\"o-bad\"", "output_cost_per_reasoning_token")),
        Arguments.of("price out of range",
            fileWith("gpt-bad", CHAT + "\"input_cost_per_token\": 1e10, \"output_cost_per_token\": 1e-05"),
            List.of("\"gpt-bad\"", "input_cost_per_token")),
        Arguments.of("non-integer max_input_tokens",
            fileWith("gpt-bad", CHAT + "\"input_cost_per_token\": 2.5e-06, \"output_cost_per_token\": 1e-05,"
                + " \"max_input_tokens\": \"lots\""),
            List.of("\"gpt-bad\"", "max_input_tokens")),
        Arguments.of("non-string litellm_provider",
            fileWith("gpt-bad", "\"litellm_provider\": 42, \"input_cost_per_token\": 2.5e-06,"
                + " \"output_cost_per_token\": 1e-05"),
            List.of("\"gpt-bad\"", "litellm_provider")),
        Arguments.of("invalid JSON",
            fileWith("gpt-bad", CHAT + "\"input_cost_per_token\": 2.5e-06, \"output_cost_per_token\": 1e-05,"),
            List.of("JSON")),
        Arguments.of("duplicate key",
            fileWith("gpt-good", CHAT + "\"input_cost_per_token\": 2.5e-06, \"output_cost_per_token\": 1e-05"),
            List.of("gpt-good")),
        Arguments.of("not an object",
            "[" + "{" + GOOD + "}" + "]",
            List.of("object")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedEntries")
  void malformedEntry_failsNamingFileKeyAndField_andNothingIsHalfLoaded(
      String name, String content, List<String> fragments) {
    PriceCatalog.Builder builder = PriceCatalog.builder();
    assertThatThrownBy(() -> builder.addLiteLlm(json(content), "bad-litellm.json"))
        .isExactlyInstanceOf(PriceCatalogException.class)
        .hasMessageStartingWith("bad-litellm.json")
        .satisfies(e -> assertThat(e.getMessage()).contains(fragments))
        // The location is given once, not repeated by a nested re-wrap.
        .satisfies(e -> assertThat(e.getMessage().split("bad-litellm.json", -1)).hasSize(2));
    PriceCatalog after = builder.build();
    assertThat(after.entries()).isEmpty();
    assertThat(after.resolve("openai", "gpt-good")).isNull();
  }

  @Test
  void malformedFile_afterTheBundledCatalog_leavesItUntouched(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("model_prices_and_context_window.json");
    // A valid cheaper gpt-4o first, then a broken entry: neither is loaded.
    Files.writeString(file, """
        {
            "gpt-4o": {"input_cost_per_token": 1e-07, "litellm_provider": "openai", "mode": "chat",
                       "output_cost_per_token": 2e-07},
            "gpt-4o-mini": {"input_cost_per_token": "1.5e-07", "litellm_provider": "openai", "mode": "chat",
                            "output_cost_per_token": "six"}
        }
        """);
    PriceCatalog.Builder builder = PriceCatalog.builder().addAll(PriceCatalog.bundled());
    assertThatThrownBy(() -> builder.addLiteLlm(file))
        .isInstanceOf(PriceCatalogException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("\"gpt-4o-mini\"")
        .hasMessageContaining("output_cost_per_token");
    PriceCatalog after = builder.build();
    assertThat(after.entries()).hasSameSizeAs(PriceCatalog.bundled().entries());
    assertThat(after.cost("openai", "gpt-4o", TokenUsage.of(1_000_000, 0), NOW, null).totalUsd())
        .isEqualTo(usd("2.5"));
  }

}
