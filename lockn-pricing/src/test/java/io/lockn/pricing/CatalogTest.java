package io.lockn.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lockn.core.TokenUsage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
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
 * The bundled catalog (it loads, it covers every model issue #3 lists, its entries are sourced, dated and
 * consistent), the validation of catalog files (a bad file is rejected naming file, entry and field, and loads
 * nothing), and overrides from code, files, gzip files and classpath resources.
 */
class CatalogTest {

  private static final PriceCatalog BUNDLED = PriceCatalog.bundled();
  private static final Instant NOW = Instant.parse("2026-11-01T12:00:00Z");
  // 100,000 input and 100,000 output tokens: below every context tier in the catalog (the lowest is 128k), so the
  // cost of each part is exactly a tenth of the published USD-per-1M price.
  private static final TokenUsage TENTH_OF_A_MILLION = TokenUsage.of(100_000, 100_000);

  private static BigDecimal usd(String value) {
    return new BigDecimal(value).setScale(9);
  }

  private static BigDecimal usd(long nanos) {
    return BigDecimal.valueOf(nanos, 9);
  }

  private static InputStream json(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The bundled catalog loads.

  @Test
  void bundled_loadsOnceFromTheJarAndEqualsAFreshLoadOfTheResource() {
    assertThat(PriceCatalog.bundled()).isSameAs(BUNDLED);
    PriceCatalog fresh = PriceCatalog.builder().addClasspath(PriceCatalog.BUNDLED_RESOURCE).build();
    assertThat(fresh.entries()).extracting(ModelPrice::id)
        .containsExactlyElementsOf(BUNDLED.entries().stream().map(ModelPrice::id).toList());
    assertThat(BUNDLED.entries()).hasSizeGreaterThanOrEqualTo(90);
    // Ids are unique: a later duplicate would silently replace an earlier entry.
    Set<String> ids = new HashSet<>();
    for (ModelPrice e : BUNDLED.entries()) {
      assertThat(ids.add(e.id())).as("duplicate entry %s", e.id()).isTrue();
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Coverage: every model issue #3 lists has a price in force on 2026-11-01, under the provider that serves it.

  static Stream<Arguments> listedModels() {
    return Stream.of(
        // provider, model id as reported, entry provider, USD per 1M input, USD per 1M output
        // OpenAI
        Arguments.of("openai", "gpt-4o", "openai", "2.50", "10.00"),
        Arguments.of("openai", "gpt-4o-2024-05-13", "openai", "5.00", "15.00"),
        Arguments.of("openai", "gpt-4o-2024-08-06", "openai", "2.50", "10.00"),
        Arguments.of("openai", "gpt-4o-mini", "openai", "0.15", "0.60"),
        Arguments.of("openai", "gpt-4o-mini-2024-07-18", "openai", "0.15", "0.60"),
        Arguments.of("openai", "gpt-4.1", "openai", "2.00", "8.00"),
        Arguments.of("openai", "gpt-4.1-mini", "openai", "0.40", "1.60"),
        Arguments.of("openai", "gpt-4.1-nano", "openai", "0.10", "0.40"),
        Arguments.of("openai", "o1", "openai", "15.00", "60.00"),
        Arguments.of("openai", "o3", "openai", "2.00", "8.00"),
        Arguments.of("openai", "o3-2025-04-16", "openai", "2.00", "8.00"),
        Arguments.of("openai", "o4-mini", "openai", "1.10", "4.40"),
        Arguments.of("openai", "gpt-5", "openai", "1.25", "10.00"),
        Arguments.of("openai", "gpt-5-mini", "openai", "0.25", "2.00"),
        Arguments.of("openai", "gpt-5-nano", "openai", "0.05", "0.40"),
        Arguments.of("openai", "gpt-5.4", "openai", "2.50", "15.00"),
        Arguments.of("openai", "text-embedding-3-small", "openai", "0.02", "0"),
        Arguments.of("openai", "text-embedding-3-large", "openai", "0.13", "0"),
        // Anthropic
        Arguments.of("anthropic", "claude-3-5-haiku", "anthropic", "0.80", "4.00"),
        Arguments.of("anthropic", "claude-3-5-haiku-20241022", "anthropic", "0.80", "4.00"),
        Arguments.of("anthropic", "claude-3-5-sonnet-20240620", "anthropic", "3.00", "15.00"),
        Arguments.of("anthropic", "claude-3-5-sonnet-20241022", "anthropic", "3.00", "15.00"),
        Arguments.of("anthropic", "claude-3-7-sonnet-20250219", "anthropic", "3.00", "15.00"),
        Arguments.of("anthropic", "claude-sonnet-4-20250514", "anthropic", "3.00", "15.00"),
        Arguments.of("anthropic", "claude-sonnet-4-5", "anthropic", "3.00", "15.00"),
        Arguments.of("anthropic", "claude-sonnet-4-5-20250929", "anthropic", "3.00", "15.00"),
        Arguments.of("anthropic", "claude-opus-4-20250514", "anthropic", "15.00", "75.00"),
        Arguments.of("anthropic", "claude-opus-4-1-20250805", "anthropic", "15.00", "75.00"),
        Arguments.of("anthropic", "claude-opus-4-5-20251101", "anthropic", "5.00", "25.00"),
        Arguments.of("anthropic", "claude-opus-4-6", "anthropic", "5.00", "25.00"),
        Arguments.of("anthropic", "claude-opus-4-7", "anthropic", "5.00", "25.00"),
        Arguments.of("anthropic", "claude-haiku-4-5-20251001", "anthropic", "1.00", "5.00"),
        // Google (Gemini API)
        Arguments.of("gcp.gemini", "gemini-1.5-flash", "gcp.gemini", "0.075", "0.30"),
        Arguments.of("gcp.gemini", "gemini-1.5-pro", "gcp.gemini", "1.25", "5.00"),
        Arguments.of("gcp.gemini", "gemini-2.0-flash", "gcp.gemini", "0.10", "0.40"),
        Arguments.of("gcp.gemini", "gemini-2.5-pro", "gcp.gemini", "1.25", "10.00"),
        Arguments.of("gcp.gemini", "gemini-2.5-flash", "gcp.gemini", "0.30", "2.50"),
        Arguments.of("gcp.gemini", "gemini-2.5-flash-lite", "gcp.gemini", "0.10", "0.40"),
        Arguments.of("gcp.gemini", "gemini-3-pro-preview", "gcp.gemini", "2.00", "12.00"),
        // Mistral (Large 3 since 2025-12-02), DeepSeek (V3.2 since 2025-09-29), xAI, Cohere
        Arguments.of("mistral_ai", "mistral-large-latest", "mistral_ai", "0.50", "1.50"),
        Arguments.of("mistral_ai", "mistral-small-latest", "mistral_ai", "0.10", "0.30"),
        Arguments.of("deepseek", "deepseek-chat", "deepseek", "0.28", "0.42"),
        Arguments.of("deepseek", "deepseek-reasoner", "deepseek", "0.28", "0.42"),
        Arguments.of("x_ai", "grok-4", "x_ai", "3.00", "15.00"),
        Arguments.of("x_ai", "grok-4-0709", "x_ai", "3.00", "15.00"),
        Arguments.of("cohere", "command-r", "cohere", "0.15", "0.60"),
        Arguments.of("cohere", "command-r-plus", "cohere", "2.50", "10.00"),
        // AWS Bedrock, in-region model ids
        Arguments.of("aws.bedrock", "anthropic.claude-3-5-haiku-20241022-v1:0", "aws.bedrock", "0.80", "4.00"),
        Arguments.of("aws.bedrock", "anthropic.claude-3-5-sonnet-20240620-v1:0", "aws.bedrock", "3.00", "15.00"),
        Arguments.of("aws.bedrock", "anthropic.claude-3-5-sonnet-20241022-v2:0", "aws.bedrock", "3.00", "15.00"),
        Arguments.of("aws.bedrock", "anthropic.claude-3-7-sonnet-20250219-v1:0", "aws.bedrock", "3.00", "15.00"),
        Arguments.of("aws.bedrock", "anthropic.claude-sonnet-4-20250514-v1:0", "aws.bedrock", "3.00", "15.00"),
        Arguments.of("aws.bedrock", "anthropic.claude-sonnet-4-5-20250929-v1:0", "aws.bedrock", "3.00", "15.00"),
        Arguments.of("aws.bedrock", "anthropic.claude-opus-4-20250514-v1:0", "aws.bedrock", "15.00", "75.00"),
        Arguments.of("aws.bedrock", "anthropic.claude-opus-4-1-20250805-v1:0", "aws.bedrock", "15.00", "75.00"),
        Arguments.of("aws.bedrock", "anthropic.claude-opus-4-5-20251101-v1:0", "aws.bedrock", "5.00", "25.00"),
        Arguments.of("aws.bedrock", "anthropic.claude-haiku-4-5-20251001-v1:0", "aws.bedrock", "1.00", "5.00"),
        // AWS Bedrock inference profiles: +10% for the Claude 4.5 generation's geographic profiles, none for global
        // profiles and older models.
        Arguments.of("aws.bedrock", "us.anthropic.claude-sonnet-4-5-20250929-v1:0", "aws.bedrock", "3.30", "16.50"),
        Arguments.of("aws.bedrock", "eu.anthropic.claude-haiku-4-5-20251001-v1:0", "aws.bedrock", "1.10", "5.50"),
        Arguments.of("aws.bedrock", "us.anthropic.claude-opus-4-5-20251101-v1:0", "aws.bedrock", "5.50", "27.50"),
        Arguments.of("aws.bedrock", "global.anthropic.claude-opus-4-5-20251101-v1:0", "aws.bedrock", "5.00", "25.00"),
        Arguments.of("aws.bedrock", "us.anthropic.claude-3-5-haiku-20241022-v1:0", "aws.bedrock", "0.80", "4.00"),
        Arguments.of("aws.bedrock", "us.anthropic.claude-opus-4-1-20250805-v1:0", "aws.bedrock", "15.00", "75.00"),
        // Azure OpenAI, with the dated response model ids Azure reports
        Arguments.of("azure.ai.openai", "gpt-4o-2024-11-20", "azure.ai.openai", "2.50", "10.00"),
        Arguments.of("azure.ai.openai", "gpt-4o-2024-08-06", "azure.ai.openai", "2.50", "10.00"),
        Arguments.of("azure.ai.openai", "gpt-4o-2024-05-13", "azure.ai.openai", "5.00", "15.00"),
        Arguments.of("azure.ai.openai", "gpt-4o-mini-2024-07-18", "azure.ai.openai", "0.15", "0.60"),
        Arguments.of("azure.ai.openai", "gpt-4.1-2025-04-14", "azure.ai.openai", "2.00", "8.00"),
        Arguments.of("azure.ai.openai", "gpt-4.1-mini-2025-04-14", "azure.ai.openai", "0.40", "1.60"),
        Arguments.of("azure.ai.openai", "gpt-4.1-nano-2025-04-14", "azure.ai.openai", "0.10", "0.40"),
        Arguments.of("azure.ai.openai", "o1-2024-12-17", "azure.ai.openai", "15.00", "60.00"),
        Arguments.of("azure.ai.openai", "o3-2025-04-16", "azure.ai.openai", "2.00", "8.00"),
        Arguments.of("azure.ai.openai", "o4-mini-2025-04-16", "azure.ai.openai", "1.10", "4.40"),
        Arguments.of("azure.ai.openai", "gpt-5-2025-08-07", "azure.ai.openai", "1.25", "10.00"),
        Arguments.of("azure.ai.openai", "gpt-5-mini-2025-08-07", "azure.ai.openai", "0.25", "2.00"),
        Arguments.of("azure.ai.openai", "gpt-5-nano-2025-08-07", "azure.ai.openai", "0.05", "0.40"),
        Arguments.of("azure.ai.openai", "text-embedding-3-small", "azure.ai.openai", "0.02", "0"),
        Arguments.of("azure.ai.openai", "text-embedding-3-large", "azure.ai.openai", "0.13", "0"),
        // Vertex AI: Gemini with version suffixes, Claude with the model ids Vertex publishes
        Arguments.of("gcp.vertex_ai", "gemini-1.5-flash-002", "gcp.vertex_ai", "0.075", "0.30"),
        Arguments.of("gcp.vertex_ai", "gemini-1.5-pro-002", "gcp.vertex_ai", "1.25", "5.00"),
        Arguments.of("gcp.vertex_ai", "gemini-2.0-flash-001", "gcp.vertex_ai", "0.10", "0.40"),
        Arguments.of("gcp.vertex_ai", "gemini-2.5-pro", "gcp.vertex_ai", "1.25", "10.00"),
        Arguments.of("gcp.vertex_ai", "gemini-2.5-flash", "gcp.vertex_ai", "0.30", "2.50"),
        Arguments.of("gcp.vertex_ai", "gemini-2.5-flash-lite", "gcp.vertex_ai", "0.10", "0.40"),
        Arguments.of("gcp.vertex_ai", "gemini-3-pro-preview", "gcp.vertex_ai", "2.00", "12.00"),
        Arguments.of("gcp.vertex_ai", "claude-3-5-haiku@20241022", "gcp.vertex_ai", "0.80", "4.00"),
        Arguments.of("gcp.vertex_ai", "claude-3-5-sonnet@20240620", "gcp.vertex_ai", "3.00", "15.00"),
        Arguments.of("gcp.vertex_ai", "claude-3-5-sonnet-v2@20241022", "gcp.vertex_ai", "3.00", "15.00"),
        Arguments.of("gcp.vertex_ai", "claude-3-7-sonnet@20250219", "gcp.vertex_ai", "3.00", "15.00"),
        Arguments.of("gcp.vertex_ai", "claude-sonnet-4@20250514", "gcp.vertex_ai", "3.00", "15.00"),
        Arguments.of("gcp.vertex_ai", "claude-sonnet-4-5@20250929", "gcp.vertex_ai", "3.00", "15.00"),
        Arguments.of("gcp.vertex_ai", "claude-opus-4@20250514", "gcp.vertex_ai", "15.00", "75.00"),
        Arguments.of("gcp.vertex_ai", "claude-opus-4-1@20250805", "gcp.vertex_ai", "15.00", "75.00"),
        Arguments.of("gcp.vertex_ai", "claude-opus-4-5@20251101", "gcp.vertex_ai", "5.00", "25.00"),
        Arguments.of("gcp.vertex_ai", "claude-haiku-4-5@20251001", "gcp.vertex_ai", "1.00", "5.00"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("listedModels")
  void coverage_everyListedModelIsPricedOn20261101(
      String provider, String model, String entryProvider, String inputPerMillion, String outputPerMillion) {
    ModelMatch match = BUNDLED.resolve(provider, model);
    assertThat(match).as("%s/%s resolves", provider, model).isNotNull();
    assertThat(match.entry().provider()).as("served by the provider it was called at").isEqualTo(entryProvider);

    Cost c = BUNDLED.cost(provider, model, TENTH_OF_A_MILLION, NOW, null);
    assertThat(c.isPriced()).as("%s/%s priced on %s", provider, model, NOW).isTrue();
    BigDecimal tenth = new BigDecimal("0.1");
    assertThat(usd(c.inputNanos())).isEqualByComparingTo(new BigDecimal(inputPerMillion).multiply(tenth));
    assertThat(usd(c.outputNanos())).isEqualByComparingTo(new BigDecimal(outputPerMillion).multiply(tenth));
    assertThat(c.totalNanos()).isEqualTo(c.inputNanos() + c.outputNanos());
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Entry hygiene.

  @Test
  void everyEntry_hasAnHttpsSourceAndACheckedDate() {
    List<String> missing = new ArrayList<>();
    for (ModelPrice e : BUNDLED.entries()) {
      if (e.source() == null || !e.source().startsWith("https://")) {
        missing.add(e.id() + " source=" + e.source());
      }
      if (e.checked() == null
          || e.checked().isBefore(LocalDate.of(2024, 1, 1))
          || e.checked().isAfter(LocalDate.now(ZoneOffset.UTC).plusDays(1))) {
        missing.add(e.id() + " checked=" + e.checked());
      }
    }
    assertThat(missing).isEmpty();
  }

  @Test
  void everyEntry_hasNonOverlappingPeriodsAndPricesInForceToday() {
    List<String> problems = new ArrayList<>();
    for (ModelPrice e : BUNDLED.entries()) {
      List<PricePeriod> periods = e.periods();
      assertThat(periods).as(e.id()).isNotEmpty();
      for (int i = 0; i < periods.size(); i++) {
        for (int j = i + 1; j < periods.size(); j++) {
          if (overlap(periods.get(i), periods.get(j))) {
            problems.add(e.id() + " periods " + i + " and " + j + " overlap");
          }
        }
      }
      // Periods are sorted and the last one is open-ended: no model in the catalog stops being priced.
      PricePeriod last = periods.get(periods.size() - 1);
      if (last.effectiveTo() != null) {
        problems.add(e.id() + " has no price after " + last.effectiveTo());
      }
      for (int i = 1; i < periods.size(); i++) {
        Instant prevTo = periods.get(i - 1).effectiveTo();
        Instant from = periods.get(i).effectiveFrom();
        if (prevTo == null || !prevTo.equals(from)) {
          problems.add(e.id() + " has a gap or disorder between periods " + (i - 1) + " and " + i);
        }
      }
      if (e.periodAt(NOW.toEpochMilli()) == null) {
        problems.add(e.id() + " has no price on " + NOW);
      }
    }
    assertThat(problems).isEmpty();
  }

  /**
   * Golden: the most output tokens one response can have, which budgets reserve for a call without {@code max_tokens}
   * (docs/budgets.md). Values as the providers publish them (through LiteLLM's file of 2026-07-24 where it lists the
   * model, else the provider's model page); Mistral and xAI publish only a context window, which output may fill.
   * Every chat entry has one, entries declared {@code same_as} another inherit it, embeddings have none.
   */
  @Test
  void bundled_maxOutputTokens_arePublishedValues() {
    java.util.Map<String, Long> expected = new java.util.TreeMap<>();
    for (String id : List.of("openai/gpt-4o", "openai/gpt-4o-2024-08-06", "openai/gpt-4o-mini")) {
      expected.put(id, 16_384L);
    }
    expected.put("openai/gpt-4o-2024-05-13", 4_096L);
    for (String id : List.of("openai/gpt-4.1", "openai/gpt-4.1-mini", "openai/gpt-4.1-nano")) {
      expected.put(id, 32_768L);
    }
    for (String id : List.of("openai/o1", "openai/o3", "openai/o4-mini")) {
      expected.put(id, 100_000L);
    }
    for (String id : List.of("openai/gpt-5", "openai/gpt-5-mini", "openai/gpt-5-nano", "openai/gpt-5.4")) {
      expected.put(id, 128_000L);
    }
    expected.put("openai/gpt-4", 4_096L);
    expected.put("openai/gpt-3.5-turbo", 4_096L);
    expected.put("anthropic/claude-3-haiku", 4_096L);
    expected.put("anthropic/claude-3-5-haiku", 8_192L);
    expected.put("anthropic/claude-3-5-sonnet", 8_192L);
    for (String id : List.of("anthropic/claude-3-7-sonnet", "anthropic/claude-sonnet-4", "anthropic/claude-sonnet-4-5",
        "anthropic/claude-sonnet-4-6", "anthropic/claude-opus-4-5", "anthropic/claude-haiku-4-5")) {
      expected.put(id, 64_000L);
    }
    expected.put("anthropic/claude-opus-4", 32_000L);
    expected.put("anthropic/claude-opus-4-1", 32_000L);
    expected.put("anthropic/claude-opus-4-6", 128_000L);
    expected.put("anthropic/claude-opus-4-7", 128_000L);
    for (String id : List.of("gcp.gemini/gemini-1.5-flash", "gcp.gemini/gemini-1.5-pro",
        "gcp.gemini/gemini-2.0-flash")) {
      expected.put(id, 8_192L);
    }
    for (String id : List.of("gcp.gemini/gemini-2.5-pro", "gcp.gemini/gemini-2.5-flash",
        "gcp.gemini/gemini-2.5-flash-lite", "gcp.gemini/gemini-3-pro-preview")) {
      expected.put(id, 65_535L);
    }
    expected.put("deepseek/deepseek-chat", 8_192L);
    expected.put("deepseek/deepseek-reasoner", 65_536L);
    for (String id : List.of("cohere/command-r", "cohere/command-r-03-2024", "cohere/command-r-plus",
        "cohere/command-r-plus-04-2024")) {
      expected.put(id, 4_096L);
    }
    expected.put("mistral_ai/mistral-large", 256_000L);
    expected.put("mistral_ai/mistral-large-2411", 131_072L);
    expected.put("mistral_ai/mistral-large-2512", 256_000L);
    expected.put("mistral_ai/mistral-small", 131_072L);
    expected.put("x_ai/grok-4", 256_000L);

    java.util.Map<String, Long> firstParty = new java.util.TreeMap<>();
    List<String> problems = new ArrayList<>();
    for (ModelPrice e : BUNDLED.entries()) {
      if (e.mode().equals("embedding")) {
        if (e.maxOutputTokens() != null) {
          problems.add(e.id() + " is an embedding model with max_output_tokens " + e.maxOutputTokens());
        }
      } else if (e.maxOutputTokens() == null) {
        problems.add(e.id() + " has no max_output_tokens");
      } else if (expected.containsKey(e.id())) {
        firstParty.put(e.id(), e.maxOutputTokens());
      }
    }
    assertThat(problems).isEmpty();
    assertThat(firstParty).isEqualTo(expected);
    // Inherited through same_as: Azure's gpt-4o, Bedrock's Claude Sonnet 4.5, Vertex's Gemini 2.5 Pro.
    assertThat(entry(BUNDLED, "azure.ai.openai/gpt-4o").maxOutputTokens()).isEqualTo(16_384L);
    assertThat(entry(BUNDLED, "aws.bedrock/anthropic.claude-sonnet-4-5-20250929-v1:0").maxOutputTokens())
        .isEqualTo(64_000L);
    assertThat(entry(BUNDLED, "gcp.vertex_ai/gemini-2.5-pro").maxOutputTokens()).isEqualTo(65_535L);
  }

  private static ModelPrice entry(PriceCatalog catalog, String id) {
    return catalog.entries().stream().filter(e -> e.id().equals(id)).findFirst().orElseThrow();
  }

  private static boolean overlap(PricePeriod a, PricePeriod b) {
    long aFrom = a.effectiveFrom() == null ? Long.MIN_VALUE : a.effectiveFrom().toEpochMilli();
    long aTo = a.effectiveTo() == null ? Long.MAX_VALUE : a.effectiveTo().toEpochMilli();
    long bFrom = b.effectiveFrom() == null ? Long.MIN_VALUE : b.effectiveFrom().toEpochMilli();
    long bTo = b.effectiveTo() == null ? Long.MAX_VALUE : b.effectiveTo().toEpochMilli();
    return aFrom < bTo && bFrom < aTo;
  }

  @Test
  void retiredModels_arePricedFor2024Traffic() {
    TokenUsage million = TokenUsage.of(1_000_000, 1_000_000);
    // claude-3-5-sonnet, both snapshots, at $3 / $15 while they were current.
    assertThat(BUNDLED.cost("anthropic", "claude-3-5-sonnet-20240620", million,
        Instant.parse("2024-07-01T00:00:00Z"), null).totalUsd()).isEqualTo(usd("18"));
    assertThat(BUNDLED.cost("anthropic", "claude-3-5-sonnet-20241022", million,
        Instant.parse("2024-11-15T00:00:00Z"), null).totalUsd()).isEqualTo(usd("18"));
    assertThat(BUNDLED.cost("aws.bedrock", "anthropic.claude-3-5-sonnet-20240620-v1:0", million,
        Instant.parse("2024-07-01T00:00:00Z"), null).totalUsd()).isEqualTo(usd("18"));

    TokenUsage prompt = TokenUsage.fromGemini(100_000, 0, 10_000, 0);
    // gemini-1.5-pro: $3.50 / $10.50 at launch, $1.25 / $5.00 from 2024-10-01.
    assertThat(BUNDLED.cost("gcp.gemini", "gemini-1.5-pro-001", prompt, Instant.parse("2024-06-01T00:00:00Z"), null)
        .totalUsd()).isEqualTo(usd("0.455"));
    assertThat(BUNDLED.cost("gcp.gemini", "gemini-1.5-pro-002", prompt, Instant.parse("2024-11-01T00:00:00Z"), null)
        .totalUsd()).isEqualTo(usd("0.175"));
    assertThat(BUNDLED.cost("gcp.vertex_ai", "gemini-1.5-pro-002", prompt,
        Instant.parse("2024-11-01T00:00:00Z"), null).totalUsd()).isEqualTo(usd("0.175"));
    // gemini-1.5-flash: $0.35 / $1.05 at launch, $0.075 / $0.30 from 2024-08-12.
    assertThat(BUNDLED.cost("gcp.gemini", "gemini-1.5-flash-001", prompt, Instant.parse("2024-06-01T00:00:00Z"),
        null).totalUsd()).isEqualTo(usd("0.0455"));
    assertThat(BUNDLED.cost("gcp.gemini", "gemini-1.5-flash-002", prompt, Instant.parse("2024-09-01T00:00:00Z"),
        null).totalUsd()).isEqualTo(usd("0.0105"));
    // gemini-1.5-flash above 128k at launch: the whole request at $0.70 / $2.10 (128,001 x 0.70 + 1,000 x 2.10).
    assertThat(BUNDLED.cost("gcp.gemini", "gemini-1.5-flash", TokenUsage.fromGemini(128_001, 0, 1_000, 0),
        Instant.parse("2024-06-01T00:00:00Z"), null).totalUsd()).isEqualTo(usd("0.0917007"));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Malformed catalogs: rejected with file, entry and field named; nothing of them loaded.

  private static final String GOOD_ENTRY =
      """
      {"provider": "acme", "model": "good-model", "source": "https://acme.example/pricing", "checked": "2026-01-01",
       "prices": [{"input": "1.00", "output": "2.00"}]}""";

  private static String withBadEntry(String badEntry) {
    return """
        {"schema_version": 1, "currency": "USD",
         "providers": {"acme": {"service_tiers": {"batch": "0.5"}}},
         "models": [
           %s,
           %s
         ]}
        """.formatted(GOOD_ENTRY, badEntry);
  }

  private static final String BAD = "{\"provider\": \"acme\", \"model\": \"bad-model\", ";
  private static final String ENTRY = "bad.json: models[1] (acme/bad-model)";

  static Stream<Arguments> malformedCatalogs() {
    return Stream.of(
        Arguments.of("unknown entry field",
            withBadEntry(BAD + "\"pricing\": [{\"input\": \"1\", \"output\": \"2\"}]}"),
            List.of(ENTRY, "unknown field 'pricing'")),
        Arguments.of("unknown price field",
            withBadEntry(BAD + "\"prices\": [{\"input\": \"1\", \"output\": \"2\", \"cached_input\": \"0.5\"}]}"),
            List.of(ENTRY, "prices[0]", "unknown field 'cached_input'")),
        Arguments.of("non-decimal price",
            withBadEntry(BAD + "\"prices\": [{\"input\": \"2.50 USD\", \"output\": \"10\"}]}"),
            List.of(ENTRY, "prices[0]: input", "2.50 USD")),
        Arguments.of("boolean price",
            withBadEntry(BAD + "\"prices\": [{\"input\": \"2.50\", \"output\": true}]}"),
            List.of(ENTRY, "prices[0]: output")),
        Arguments.of("missing input",
            withBadEntry(BAD + "\"prices\": [{\"output\": \"10\"}]}"),
            List.of(ENTRY, "prices[0]: input is missing")),
        Arguments.of("missing output in a tier",
            withBadEntry(BAD + "\"prices\": [{\"input\": \"1\", \"output\": \"2\","
                + " \"tiers\": [{\"above_input_tokens\": 200000, \"input\": \"2\"}]}]}"),
            List.of(ENTRY, "prices[0].tiers[0]: output is missing")),
        Arguments.of("negative price",
            withBadEntry(BAD + "\"prices\": [{\"input\": \"2.50\", \"output\": \"10\", \"cache_read\": \"-1.25\"}]}"),
            List.of(ENTRY, "prices[0]: cache_read", "negative")),
        Arguments.of("price finer than 1e-6 USD per 1M tokens",
            withBadEntry(BAD + "\"prices\": [{\"input\": \"2.5000001\", \"output\": \"10\"}]}"),
            List.of(ENTRY, "prices[0]: input", "2.5000001")),
        Arguments.of("tier price finer than 1e-6 USD per 1M tokens",
            withBadEntry(BAD + "\"prices\": [{\"input\": \"1\", \"output\": \"2\","
                + " \"tiers\": [{\"above_input_tokens\": 200000, \"input\": \"2\", \"output\": \"0.0000004\"}]}]}"),
            List.of(ENTRY, "prices[0].tiers[0]: output", "0.0000004")),
        Arguments.of("overlapping periods",
            withBadEntry(BAD + "\"prices\": [{\"effective_from\": \"2025-01-01\", \"input\": \"1\", \"output\": \"2\"},"
                + " {\"effective_to\": \"2025-06-01\", \"input\": \"2\", \"output\": \"4\"}]}"),
            List.of(ENTRY, "prices", "overlap")),
        Arguments.of("effective_from equal to effective_to",
            withBadEntry(BAD + "\"prices\": [{\"effective_from\": \"2025-01-01\", \"effective_to\": \"2025-01-01\","
                + " \"input\": \"1\", \"output\": \"2\"}]}"),
            List.of(ENTRY, "prices[0]", "effective_from", "effective_to")),
        Arguments.of("effective_from after effective_to",
            withBadEntry(BAD + "\"prices\": [{\"effective_from\": \"2025-06-01\", \"effective_to\": \"2025-01-01\","
                + " \"input\": \"1\", \"output\": \"2\"}]}"),
            List.of(ENTRY, "prices[0]", "effective_from", "effective_to")),
        Arguments.of("effective_from not an ISO date",
            withBadEntry(BAD + "\"prices\": [{\"effective_from\": \"01/02/2025\","
                + " \"input\": \"1\", \"output\": \"2\"}]}"),
            List.of(ENTRY, "prices[0]: effective_from", "01/02/2025")),
        Arguments.of("same_as an unknown entry",
            withBadEntry(BAD + "\"same_as\": \"acme/no-such-model\"}"),
            List.of(ENTRY, "same_as", "acme/no-such-model")),
        Arguments.of("both prices and same_as",
            withBadEntry(BAD + "\"same_as\": \"acme/good-model\","
                + " \"prices\": [{\"input\": \"1\", \"output\": \"2\"}]}"),
            List.of(ENTRY, "prices", "same_as")),
        Arguments.of("negative regional multiplier",
            withBadEntry(BAD + "\"regions\": {\"eu\": \"-1.1\"}, \"prices\": [{\"input\": \"1\", \"output\": \"2\"}]}"),
            List.of(ENTRY, "regions", "eu")),
        Arguments.of("context_window zero",
            withBadEntry(BAD + "\"context_window\": 0, \"prices\": [{\"input\": \"1\", \"output\": \"2\"}]}"),
            List.of(ENTRY, "context_window")),
        Arguments.of("max_output_tokens zero",
            withBadEntry(BAD + "\"max_output_tokens\": 0, \"prices\": [{\"input\": \"1\", \"output\": \"2\"}]}"),
            List.of(ENTRY, "max_output_tokens")),
        Arguments.of("checked not a date",
            withBadEntry(BAD + "\"source\": \"https://acme.example\", \"checked\": \"2026-13-01\","
                + " \"prices\": [{\"input\": \"1\", \"output\": \"2\"}]}"),
            List.of(ENTRY, "checked", "2026-13-01")),
        Arguments.of("missing provider",
            withBadEntry("{\"model\": \"bad-model\", \"prices\": [{\"input\": \"1\", \"output\": \"2\"}]}"),
            List.of("bad.json: models[1]", "provider")),
        Arguments.of("invalid JSON",
            withBadEntry(BAD + "\"prices\": [{\"input\": \"1\", \"output\": \"2\"}]"),
            List.of("bad.json", "JSON", "line")),
        Arguments.of("duplicate field",
            withBadEntry(BAD + "\"prices\": [{\"input\": \"1\", \"input\": \"3\", \"output\": \"2\"}]}"),
            List.of("bad.json", "input")),
        Arguments.of("trailing content",
            withBadEntry(BAD + "\"prices\": [{\"input\": \"1\", \"output\": \"2\"}]}") + " {}",
            List.of("bad.json")),
        Arguments.of("wrong schema_version",
            withBadEntry(BAD + "\"prices\": [{\"input\": \"1\", \"output\": \"2\"}]}")
                .replace("\"schema_version\": 1", "\"schema_version\": 2"),
            List.of("bad.json", "schema_version")),
        Arguments.of("missing schema_version",
            withBadEntry(BAD + "\"prices\": [{\"input\": \"1\", \"output\": \"2\"}]}")
                .replace("\"schema_version\": 1,", ""),
            List.of("bad.json", "schema_version")),
        Arguments.of("currency not USD",
            withBadEntry(BAD + "\"prices\": [{\"input\": \"1\", \"output\": \"2\"}]}")
                .replace("\"currency\": \"USD\"", "\"currency\": \"EUR\""),
            List.of("bad.json", "currency", "EUR")),
        Arguments.of("unknown top-level field",
            withBadEntry(BAD + "\"prices\": [{\"input\": \"1\", \"output\": \"2\"}]}")
                .replace("\"currency\": \"USD\"", "\"currency\": \"USD\", \"modles\": []"),
            List.of("bad.json", "unknown field 'modles'")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedCatalogs")
  void malformedCatalog_isRejectedNamingFileEntryAndField_andLoadsNothing(
      String name, String content, List<String> fragments) {
    PriceCatalog.Builder builder = PriceCatalog.builder();
    assertThatThrownBy(() -> builder.addJson(json(content), "bad.json"))
        .isExactlyInstanceOf(PriceCatalogException.class)
        .satisfies(e -> assertThat(e.getMessage()).contains(fragments));

    PriceCatalog after = builder.build();
    assertThat(after.entries()).isEmpty();
    assertThat(after.resolve("acme", "good-model")).isNull();
    assertThat(after.resolve("acme", "bad-model")).isNull();
    // The provider defaults of the bad file are not applied either: a good file loaded afterwards has no batch rate.
    PriceCatalog later = PriceCatalog.builder().addAll(after)
        .addJson(json("{\"schema_version\": 1, \"models\": [" + GOOD_ENTRY + "]}"), "good.json").build();
    assertThat(later.cost("acme", "good-model", TokenUsage.of(1_000_000, 0), NOW, "batch").totalUsd())
        .isEqualTo(usd("1"));
  }

  @Test
  void malformedCatalog_afterTheBundledOne_leavesTheBundledPricesAndProviderDefaultsUntouched() {
    PriceCatalog.Builder builder = PriceCatalog.builder().addAll(BUNDLED);
    String bad = """
        {"schema_version": 1,
         "providers": {"openai": {"service_tiers": {"batch": "0.1"}}},
         "models": [
           {"provider": "openai", "model": "gpt-5", "prices": [{"input": "0.01", "output": "0.02"}]},
           {"provider": "openai", "model": "gpt-4o", "prices": [{"input": "-1", "output": "2"}]}
         ]}
        """;
    assertThatThrownBy(() -> builder.addJson(json(bad), "bad.json"))
        .isInstanceOf(PriceCatalogException.class)
        .hasMessageContaining("bad.json: models[1] (openai/gpt-4o)")
        .hasMessageContaining("input");
    PriceCatalog after = builder.build();
    assertThat(after.entries()).hasSameSizeAs(BUNDLED.entries());
    TokenUsage million = TokenUsage.fromOpenAi(1_000_000, 0, 0, 0);
    assertThat(after.cost("openai", "gpt-5", million, NOW, null).totalUsd()).isEqualTo(usd("1.25"));
    assertThat(after.cost("openai", "gpt-5", million, NOW, "batch").totalUsd()).isEqualTo(usd("0.625"));
    assertThat(after.cost("openai", "gpt-4o", million, NOW, null).totalUsd()).isEqualTo(usd("2.5"));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Overrides.

  @Test
  void override_anEntryAddedLaterReplacesTheBundledPriceAndItsHistory() {
    String negotiated = """
        {"schema_version": 1, "models": [
          {"provider": "openai", "model": "gpt-4o", "source": "https://example.com/contract", "checked": "2026-10-01",
           "prices": [{"input": "2.00", "output": "8.00", "cache_read": "1.00"}]}
        ]}
        """;
    PriceCatalog catalog = PriceCatalog.builder().addAll(BUNDLED).addJson(json(negotiated), "negotiated.json").build();
    TokenUsage usage = TokenUsage.fromOpenAi(1000, 200, 500, 0);
    // 800 x $2 + 200 x $1 + 500 x $8 per 1M, instead of the bundled $2.50 / $1.25 / $10 (= $0.00725).
    Cost c = catalog.cost("openai", "gpt-4o", usage, NOW, null);
    assertThat(c.inputNanos()).isEqualTo(1_600_000);
    assertThat(c.cacheReadNanos()).isEqualTo(200_000);
    assertThat(c.outputNanos()).isEqualTo(4_000_000);
    assertThat(c.totalUsd()).isEqualTo(usd("0.0058"));
    assertThat(c.pricingId()).isEqualTo("openai/gpt-4o");
    // The override has no history: it applies in 2024 too, where the bundled entry charged $5 / $15.
    assertThat(catalog.cost("openai", "gpt-4o", usage, Instant.parse("2024-08-01T00:00:00Z"), null).totalUsd())
        .isEqualTo(usd("0.0058"));
    // One entry per id, at the bundled entry's place; others untouched.
    assertThat(catalog.entries()).filteredOn(e -> e.id().equals("openai/gpt-4o")).singleElement()
        .satisfies(e -> assertThat(e.source()).isEqualTo("https://example.com/contract"));
    assertThat(catalog.entries()).hasSameSizeAs(BUNDLED.entries());
    assertThat(catalog.cost("openai", "gpt-4o-2024-11-20", usage, NOW, null).totalUsd()).isEqualTo(usd("0.00725"));
    // And the bundled catalog itself is unchanged.
    assertThat(BUNDLED.cost("openai", "gpt-4o", usage, NOW, null).totalUsd()).isEqualTo(usd("0.00725"));
  }

  @Test
  void override_anEntryAddedFromCodeReplacesTheBundledOne() {
    ModelPrice mine = ModelPrice.builder("anthropic", "claude-haiku-4-5")
        .addPrices(Rates.perMillionTokens("0.5", "2.5", "0.05", "0.625", "1", null)).build();
    PriceCatalog catalog = PriceCatalog.builder().addAll(BUNDLED).add(mine).build();
    Cost c = catalog.cost("anthropic", "claude-haiku-4-5-20251001", TokenUsage.fromAnthropic(1000, 1000, 1000, 1000,
        1000), NOW, null);
    // 1,000 each of input $0.50, read $0.05, 5m write $0.625, 1h write $1, output $2.50 per 1M.
    assertThat(c.totalUsd()).isEqualTo(usd("0.004675"));
  }

  @Test
  void addClasspath_loadsATestResource() {
    PriceCatalog catalog = PriceCatalog.builder().addAll(BUNDLED).addClasspath("/prices/negotiated.json").build();
    // Negotiated Haiku 4.5 price replaces the bundled $1 / $5 one, aliases included.
    Cost haiku = catalog.cost("anthropic", "claude-haiku-4-5-20251001",
        TokenUsage.fromAnthropic(10_000, 20_000, 3_000, 2_000, 1_000), NOW, null);
    // 10,000 x $0.80 + 20,000 x $0.08 + 3,000 x $1.00 + 2,000 x $1.60 + 1,000 x $4.00 per 1M
    assertThat(haiku.totalUsd()).isEqualTo(usd("0.0198"));
    assertThat(haiku.pricingId()).isEqualTo("anthropic/claude-haiku-4-5");
    // A self-hosted model with a price history and the provider's batch multiplier.
    TokenUsage million = TokenUsage.of(1_000_000, 1_000_000);
    assertThat(catalog.cost("acme", "acme-llama-70b", million, Instant.parse("2026-06-30T23:59:59Z"), null)
        .totalUsd()).isEqualTo(usd("1.35"));
    Cost now = catalog.cost("acme", "acme-llama-70b", million, NOW, null);
    assertThat(now.totalUsd()).isEqualTo(usd("0.777777"));
    assertThat(now.pricingId()).isEqualTo("acme/acme-llama-70b@2026-07-01");
    // Batch at the provider's 0.4: 1M x $0.123456 x 0.4 + 1M x $0.654321 x 0.4, exact to the nano-USD.
    assertThat(catalog.cost("acme", "acme-llama-70b", million, NOW, "batch").totalUsd()).isEqualTo(usd("0.3111108"));
    assertThat(catalog.entries()).filteredOn(e -> e.id().equals("acme/acme-llama-70b")).singleElement()
        .satisfies(e -> assertThat(e.contextWindow()).isEqualTo(131_072L));
  }

  @Test
  void addClasspath_missingResourceThrowsNamingIt() {
    assertThatThrownBy(() -> PriceCatalog.builder().addClasspath("/prices/no-such-catalog.json"))
        .isInstanceOf(PriceCatalogException.class)
        .hasMessageContaining("/prices/no-such-catalog.json");
  }

  @Test
  void addJsonPath_readsAGzipFile(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("overrides.json.gz");
    String content = """
        {"schema_version": 1, "models": [
          {"provider": "my-vllm", "model": "llama-3.1-8b-instruct", "source": "https://acme.example/tco",
           "checked": "2026-10-01", "prices": [{"input": "0.031", "output": "0.062"}]}
        ]}
        """;
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(content.getBytes(StandardCharsets.UTF_8));
    }
    PriceCatalog catalog = PriceCatalog.builder().addAll(BUNDLED).addJson(file).build();
    Cost c = catalog.cost("my-vllm", "llama-3.1-8b-instruct", TokenUsage.of(2_000_000, 500_000), NOW, null);
    // 2M x $0.031 + 0.5M x $0.062
    assertThat(c.totalUsd()).isEqualTo(usd("0.093"));
    assertThat(c.pricingId()).isEqualTo("my-vllm/llama-3.1-8b-instruct");
  }

  @Test
  void addJsonPath_plainFileWorksAndErrorsNameThePath(@TempDir Path dir) throws IOException {
    Path plain = dir.resolve("plain.json");
    Files.writeString(plain, "{\"schema_version\": 1, \"models\": [" + GOOD_ENTRY + "]}");
    assertThat(PriceCatalog.builder().addJson(plain).build()
        .cost("acme", "good-model", TokenUsage.of(1_000_000, 1_000_000), NOW, null).totalUsd()).isEqualTo(usd("3"));

    Path notGzip = dir.resolve("broken.json.gz");
    Files.writeString(notGzip, "{\"schema_version\": 1, \"models\": []}");
    assertThatThrownBy(() -> PriceCatalog.builder().addJson(notGzip))
        .isInstanceOf(PriceCatalogException.class)
        .hasMessageContaining(notGzip.toString());

    Path missing = dir.resolve("missing.json");
    assertThatThrownBy(() -> PriceCatalog.builder().addJson(missing))
        .isInstanceOf(PriceCatalogException.class)
        .hasMessageContaining(missing.toString());

    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, withBadEntry(BAD + "\"prices\": [{\"input\": \"abc\", \"output\": \"2\"}]}"));
    assertThatThrownBy(() -> PriceCatalog.builder().addJson(bad))
        .isInstanceOf(PriceCatalogException.class)
        .hasMessageContaining(bad + ": models[1] (acme/bad-model)")
        .hasMessageContaining("input");
  }
}
