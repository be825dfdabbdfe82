package io.lockn.cli.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lockn.core.ModelIds;
import io.lockn.core.TokenUsage;
import io.lockn.pricing.Cost;
import io.lockn.pricing.PriceCatalog;
import io.lockn.pricing.CostSource;
import io.lockn.pricing.SpanPricing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.jspecify.annotations.Nullable;

/**
 * Writes a <a href="https://focus.finops.org/">FOCUS</a> 1.2 cost and usage export (CSV, RFC 4180, with a header):
 * one row per priced model-call span and token class, streamed as the spans are priced.
 *
 * <h2>Rows</h2>
 *
 * A span priced from its token classes gets one row per class it used, in the order {@code input} (uncached input),
 * {@code cache_read}, {@code cache_write} (5-minute and 1-hour), {@code output} (non-reasoning output) and {@code
 * reasoning}; a class with neither tokens nor cost has no row, so a rejected call priced at $0 has none at all. A
 * span whose cost is known only as a whole (a provider-reported cost, or a recorded {@code lockn.cost.*} cost whose
 * parts do not add up to its total) gets one row of class {@code total} carrying all its tokens. Unpriced spans have
 * no row: they are left out of every total, as in the JSON report. The token class is repeated in the custom column
 * {@code x_TokenClass}.
 *
 * <h2>Costs</h2>
 *
 * Every money column is an exact decimal string in USD with 9 decimal places (nano-USD, the unit LockN prices in);
 * quantities and unit prices are plain decimals, never in exponent notation.
 *
 * <ul>
 *   <li>{@code BilledCost} = {@code EffectiveCost} = {@code ContractedCost} = the class's part of the span's cost
 *       (after any negotiated discount, the amount LockN totals). The parts add up to the span's total, so the sum of
 *       {@code BilledCost} over all rows equals the JSON report's {@code totals.costUsd} exactly.
 *   <li>{@code ListCost}: the span's cost at list prices ({@link Cost#listTotalNanos()}). Without a discount it is
 *       the class's part. With one, the difference between the list total and the total is apportioned to the rows
 *       in proportion to their cost (in proportion to their tokens when the whole cost is 0), each share truncated
 *       to the nano-USD, and what truncation leaves over is added to the row with the largest cost (the first such
 *       in class order). {@code ListCost} therefore sums to the span's list total exactly, and to the sum of {@code
 *       BilledCost} when nothing is discounted.
 *   <li>{@code PricingUnit} is {@code 1000000 Tokens} and {@code PricingQuantity} the tokens divided by 1,000,000,
 *       exact; {@code ConsumedQuantity} is the token count, {@code ConsumedUnit} {@code Tokens}.
 *   <li>{@code ListUnitPrice} and {@code ContractedUnitPrice} are the row's {@code ListCost} and {@code
 *       ContractedCost} per million tokens, so that unit price times {@code PricingQuantity} gives the cost, as FOCUS
 *       requires. The division is exact whenever it terminates, as it does when pricing the call did not round the
 *       part to the nano-USD; otherwise the unit price is rounded half-even to 18 decimal places, which changes the
 *       product by far less than a nano-USD. They are empty for a row without tokens.
 * </ul>
 *
 * <h2>Dimensions</h2>
 *
 * <ul>
 *   <li>{@code ChargePeriodStart} and {@code ChargePeriodEnd}: the span's start and end, in UTC. FOCUS date-times
 *       have whole seconds ({@code YYYY-MM-DDTHH:mm:ssZ}), so the start is rounded down and the (exclusive) end up
 *       to the second, and the end is at least one second after the start; the exact times are in the JSON report.
 *       {@code BillingPeriodStart} and {@code BillingPeriodEnd}: the calendar month (UTC) the charge starts in,
 *       from its first day to the first day of the next month.
 *   <li>{@code ProviderName} and {@code InvoiceIssuerName}: who sold the call ({@code AWS} for Bedrock, {@code
 *       Microsoft} for Azure, {@code OpenAI} for OpenAI...), from {@code gen_ai.provider.name} or the deprecated
 *       {@code gen_ai.system}; {@code PublisherName}: who made the model ({@code Anthropic} for Claude on Bedrock),
 *       from the model id, else the provider; {@code ServiceName}: the provider's offering ({@code Amazon Bedrock},
 *       {@code OpenAI API}...). An unknown provider is named by its id.
 *   <li>{@code BillingAccountId}: the export cannot see the provider account a call was billed to, so the billing
 *       account is the provider (its id, e.g. {@code aws.bedrock}; its name, e.g. {@code AWS}): one account per
 *       provider, which is how a provider invoice is reconciled.
 *   <li>{@code SubAccountId} and {@code SubAccountName}: the tenant (own, inherited or from the resource), with
 *       {@code SubAccountType} {@code Tenant}; empty when the span has none.
 *   <li>{@code ServiceCategory} {@code AI and Machine Learning}, {@code ServiceSubcategory} {@code Generative AI},
 *       {@code ChargeCategory} {@code Usage}, {@code ChargeClass} empty (no correction), {@code ChargeFrequency}
 *       {@code Usage-Based}, {@code PricingCategory} {@code Standard} (rate-card prices, possibly discounted).
 *   <li>{@code SkuId}: the catalog entry that priced the call (the pricing id without its effective date and region,
 *       e.g. {@code openai/gpt-4o}), or {@code provider/model} for a provider-reported cost or a cost recorded without
 *       a pricing id. {@code SkuMeter}: the
 *       token class ({@code Input Tokens}...). {@code SkuPriceId}: the full pricing id, the token class and the
 *       service tier when one applied ({@code openai/gpt-4o@2024-10-02/input/priority}). {@code SkuPriceDetails}: a
 *       JSON object with PascalCase keys as FOCUS recommends: {@code TokenType}, {@code PricingId}, {@code
 *       EffectiveFrom}, {@code Region} and {@code ServiceTier} when they apply, and {@code CostSource}; it depends
 *       only on the {@code SkuPriceId}. Context-length tiers are not told apart: the cost does not say which applied.
 *   <li>{@code ResourceId}: the span id; {@code ResourceName}: the span name; {@code x_TraceId}: the trace id.
 *   <li>{@code RegionId} and {@code RegionName}: the region of the pricing id ({@code [eu]}), else the span's or its
 *       resource's {@code cloud.region}; empty when unknown.
 *   <li>{@code Tags}: a JSON object with the attribution: {@code tenant}, {@code cost_center}, {@code workflow},
 *       {@code agent} and each {@code --group-by} key with its value, leaving out those the span has no value for.
 * </ul>
 *
 * <p>Custom columns, prefixed {@code x_} as FOCUS asks: {@code x_TraceId}, {@code x_TokenClass}, {@code
 * x_CostSource} ({@code local} or {@code provider}), {@code x_Operation} ({@code gen_ai.operation.name}), {@code
 * x_RequestModel} and {@code x_ResponseModel}.
 *
 * <p>Not thread-safe; the audit calls it from one thread.
 */
final class FocusReportWriter implements ReportWriter {

  /** The header, in order: the FOCUS columns in alphabetical order, then LockN's custom columns. */
  static final List<String> HEADER =
      List.of(
          "BilledCost",
          "BillingAccountId",
          "BillingAccountName",
          "BillingCurrency",
          "BillingPeriodEnd",
          "BillingPeriodStart",
          "ChargeCategory",
          "ChargeClass",
          "ChargeDescription",
          "ChargeFrequency",
          "ChargePeriodEnd",
          "ChargePeriodStart",
          "ConsumedQuantity",
          "ConsumedUnit",
          "ContractedCost",
          "ContractedUnitPrice",
          "EffectiveCost",
          "InvoiceIssuerName",
          "ListCost",
          "ListUnitPrice",
          "PricingCategory",
          "PricingQuantity",
          "PricingUnit",
          "ProviderName",
          "PublisherName",
          "RegionId",
          "RegionName",
          "ResourceId",
          "ResourceName",
          "ServiceCategory",
          "ServiceName",
          "ServiceSubcategory",
          "SkuId",
          "SkuMeter",
          "SkuPriceDetails",
          "SkuPriceId",
          "SubAccountId",
          "SubAccountName",
          "SubAccountType",
          "Tags",
          "x_TraceId",
          "x_TokenClass",
          "x_CostSource",
          "x_Operation",
          "x_RequestModel",
          "x_ResponseModel");

  /** The FOCUS version the export follows. */
  static final String FOCUS_VERSION = "1.2";

  /** The pricing unit of every row. */
  static final String PRICING_UNIT = "1000000 Tokens";

  /** The token class of a row for a cost known only as a whole. */
  static final String TOTAL = "total";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter DATE_TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
  private static final int UNIT_PRICE_SCALE = 18;

  /** Provider id to {provider name, service name}; the provider also issues the invoice. */
  private static final Map<String, String[]> PROVIDERS =
      Map.ofEntries(
          Map.entry("openai", new String[] {"OpenAI", "OpenAI API"}),
          Map.entry("anthropic", new String[] {"Anthropic", "Claude API"}),
          Map.entry("aws.bedrock", new String[] {"AWS", "Amazon Bedrock"}),
          Map.entry("azure.ai.openai", new String[] {"Microsoft", "Azure OpenAI"}),
          Map.entry("azure.ai.inference", new String[] {"Microsoft", "Azure AI Inference"}),
          Map.entry("gcp.vertex_ai", new String[] {"Google Cloud", "Vertex AI"}),
          Map.entry("gcp.gemini", new String[] {"Google", "Gemini API"}),
          Map.entry("gcp.gen_ai", new String[] {"Google", "Google Gen AI"}),
          Map.entry("cohere", new String[] {"Cohere", "Cohere API"}),
          Map.entry("deepseek", new String[] {"DeepSeek", "DeepSeek API"}),
          Map.entry("groq", new String[] {"Groq", "GroqCloud"}),
          Map.entry("ibm.watsonx.ai", new String[] {"IBM", "watsonx.ai"}),
          Map.entry("mistral_ai", new String[] {"Mistral AI", "Mistral AI API"}),
          Map.entry("perplexity", new String[] {"Perplexity", "Perplexity API"}),
          Map.entry("x_ai", new String[] {"xAI", "xAI API"}),
          Map.entry("openrouter", new String[] {"OpenRouter", "OpenRouter"}));

  /** Token classes in row order: class, SkuMeter. */
  private static final String[][] CLASSES = {
    {"input", "Input Tokens"},
    {"cache_read", "Cache Read Tokens"},
    {"cache_write", "Cache Write Tokens"},
    {"output", "Output Tokens"},
    {"reasoning", "Reasoning Tokens"},
  };

  private final Writer out;
  private final CSVPrinter csv;
  private long billedNanos;
  private long listNanos;

  /** One row before formatting: a token class, its tokens and its effective and list cost. */
  private static final class Row {
    final String tokenClass;
    final String meter;
    final long tokens;
    final long billedNanos;
    long listNanos;

    Row(String tokenClass, String meter, long tokens, long billedNanos) {
      this.tokenClass = tokenClass;
      this.meter = meter;
      this.tokens = tokens;
      this.billedNanos = billedNanos;
      this.listNanos = billedNanos;
    }
  }

  /**
   * Opens the file and writes the header.
   *
   * @param file where to write
   * @throws IOException if it cannot be created
   */
  FocusReportWriter(Path file) throws IOException {
    this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    this.csv = new CSVPrinter(out, CSVFormat.RFC4180.builder().setHeader(HEADER.toArray(String[]::new)).get());
  }

  @Override
  public void span(PricedSpan s) throws IOException {
    Cost cost = s.cost();
    if (!cost.isPriced()) {
      return;
    }
    List<Row> classRows = rows(cost, s.usage());
    if (classRows.isEmpty()) {
      return;
    }
    AuditSpan span = s.span();
    long startSecond = Math.floorDiv(span.startEpochNanos(), 1_000_000_000L);
    long endSecond = -Math.floorDiv(-span.endEpochNanos(), 1_000_000_000L);
    if (endSecond <= startSecond) {
      endSecond = startSecond + 1;
    }
    YearMonth month = YearMonth.from(Instant.ofEpochSecond(startSecond).atZone(ZoneOffset.UTC));
    String billingStart = DATE_TIME.format(month.atDay(1).atStartOfDay(ZoneOffset.UTC));
    String billingEnd = DATE_TIME.format(month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC));
    String chargeStart = DATE_TIME.format(Instant.ofEpochSecond(startSecond));
    String chargeEnd = DATE_TIME.format(Instant.ofEpochSecond(endSecond));

    String providerId = providerId(s.provider());
    String[] known = PROVIDERS.get(providerId);
    String providerName = known != null ? known[0] : providerId.isEmpty() ? "Unknown" : providerId;
    String serviceName = known != null ? known[1] : providerName;
    String model = s.model();
    String publisher = publisher(model, providerName);
    String pricingId = cost.pricingId();
    boolean reported = cost.source() == CostSource.PROVIDER;
    String skuId = reported || pricingId.isEmpty() ? (providerId.isEmpty() ? "unknown" : providerId) + "/" + model
        : entryId(pricingId);
    String priceIdBase = reported || pricingId.isEmpty() ? skuId + (reported ? "/reported" : "") : pricingId;
    String tier = serviceTier(span);
    String region = region(pricingId, span);
    String tenant = s.tenant();
    String tags = json(tags(s));

    for (Row row : classRows) {
      String skuPriceId = priceIdBase + "/" + row.tokenClass + (tier != null ? "/" + tier : "");
      BigDecimal quantity = BigDecimal.valueOf(row.tokens).divide(MILLION);
      csv.printRecord(
          usd(row.billedNanos), // BilledCost
          providerId.isEmpty() ? "unknown" : providerId, // BillingAccountId
          providerName, // BillingAccountName
          "USD", // BillingCurrency
          billingEnd, // BillingPeriodEnd
          billingStart, // BillingPeriodStart
          "Usage", // ChargeCategory
          null, // ChargeClass
          description(model, row, s.operation()), // ChargeDescription
          "Usage-Based", // ChargeFrequency
          chargeEnd, // ChargePeriodEnd
          chargeStart, // ChargePeriodStart
          row.tokens, // ConsumedQuantity
          "Tokens", // ConsumedUnit
          usd(row.billedNanos), // ContractedCost
          unitPrice(row.billedNanos, row.tokens), // ContractedUnitPrice
          usd(row.billedNanos), // EffectiveCost
          providerName, // InvoiceIssuerName
          usd(row.listNanos), // ListCost
          unitPrice(row.listNanos, row.tokens), // ListUnitPrice
          "Standard", // PricingCategory
          plain(quantity), // PricingQuantity
          PRICING_UNIT, // PricingUnit
          providerName, // ProviderName
          publisher, // PublisherName
          region, // RegionId
          region, // RegionName
          span.spanId(), // ResourceId
          span.name(), // ResourceName
          "AI and Machine Learning", // ServiceCategory
          serviceName, // ServiceName
          "Generative AI", // ServiceSubcategory
          skuId, // SkuId
          row.meter, // SkuMeter
          json(priceDetails(row.tokenClass, reported ? "" : pricingId, region, tier, cost.source())), // SkuPriceDetails
          skuPriceId, // SkuPriceId
          tenant, // SubAccountId
          tenant, // SubAccountName
          tenant == null ? null : "Tenant", // SubAccountType
          tags, // Tags
          span.traceId(), // x_TraceId
          row.tokenClass, // x_TokenClass
          cost.source().value(), // x_CostSource
          s.operation(), // x_Operation
          s.requestModel(), // x_RequestModel
          s.responseModel()); // x_ResponseModel
      billedNanos = Math.addExact(billedNanos, row.billedNanos);
      listNanos = Math.addExact(listNanos, row.listNanos);
    }
  }

  @Override
  public void finish(AuditReport report) throws IOException {
    csv.flush();
  }

  @Override
  public void close() throws IOException {
    csv.close();
    out.close();
  }

  /**
   * The sum of {@code BilledCost} over the rows written so far.
   *
   * @return nano-USD
   */
  long billedNanos() {
    return billedNanos;
  }

  /**
   * The sum of {@code ListCost} over the rows written so far.
   *
   * @return nano-USD
   */
  long listNanos() {
    return listNanos;
  }

  /** The rows of one priced span, with their list costs apportioned. */
  private static List<Row> rows(Cost cost, TokenUsage usage) {
    long[] tokens = {
      usage.uncachedInputTokens(), usage.cacheReadTokens(), usage.cacheWriteTokens(),
      usage.nonReasoningOutputTokens(), usage.reasoningTokens()
    };
    long[] nanos = {
      cost.inputNanos(), cost.cacheReadNanos(), cost.cacheWriteNanos(), cost.outputNanos(), cost.reasoningNanos()
    };
    long parts = 0;
    for (long n : nanos) {
      parts = Math.addExact(parts, n);
    }
    long total = cost.totalNanos();
    List<Row> rows = new ArrayList<>(CLASSES.length);
    if (cost.source() == CostSource.PROVIDER || parts != total) {
      long all = usage.totalTokens();
      if (all != 0 || total != 0 || cost.listTotalNanos() != 0) {
        rows.add(new Row(TOTAL, "Tokens", all, total));
      }
    } else {
      for (int i = 0; i < CLASSES.length; i++) {
        if (tokens[i] != 0 || nanos[i] != 0) {
          rows.add(new Row(CLASSES[i][0], CLASSES[i][1], tokens[i], nanos[i]));
        }
      }
      if (rows.isEmpty() && cost.listTotalNanos() != total) {
        rows.add(new Row(TOTAL, "Tokens", usage.totalTokens(), total));
      }
    }
    apportionList(rows, cost.listTotalNanos() - total);
    return rows;
  }

  /**
   * Spreads the difference between the list total and the total over the rows, in proportion to their cost (their
   * tokens when the cost is 0, equally when both are 0), each share truncated; the remainder goes to the row with
   * the largest weight.
   */
  private static void apportionList(List<Row> rows, long difference) {
    if (difference == 0 || rows.isEmpty()) {
      return;
    }
    long[] weights = new long[rows.size()];
    long sum = 0;
    for (int i = 0; i < weights.length; i++) {
      weights[i] = rows.get(i).billedNanos;
      sum += weights[i];
    }
    if (sum == 0) {
      for (int i = 0; i < weights.length; i++) {
        weights[i] = rows.get(i).tokens;
        sum += weights[i];
      }
    }
    if (sum == 0) {
      java.util.Arrays.fill(weights, 1);
      sum = weights.length;
    }
    BigInteger diff = BigInteger.valueOf(difference);
    BigInteger total = BigInteger.valueOf(sum);
    long given = 0;
    int largest = 0;
    for (int i = 0; i < weights.length; i++) {
      long share = diff.multiply(BigInteger.valueOf(weights[i])).divide(total).longValueExact();
      rows.get(i).listNanos = Math.addExact(rows.get(i).listNanos, share);
      given += share;
      if (weights[i] > weights[largest]) {
        largest = i;
      }
    }
    rows.get(largest).listNanos = Math.addExact(rows.get(largest).listNanos, difference - given);
  }

  private static String usd(long nanos) {
    return AuditReport.usd(nanos).toPlainString();
  }

  private static String plain(BigDecimal value) {
    return value.signum() == 0 ? "0" : value.stripTrailingZeros().toPlainString();
  }

  /** Cost per million tokens: exact when the division terminates, else rounded half-even to 18 places. */
  private static @Nullable String unitPrice(long nanos, long tokens) {
    if (tokens == 0) {
      return null;
    }
    // nano-USD / tokens * 1e6 tokens / 1e9 = nanos / (tokens * 1000) USD per million tokens
    BigDecimal numerator = BigDecimal.valueOf(nanos);
    BigDecimal denominator = BigDecimal.valueOf(tokens).multiply(BigDecimal.valueOf(1000));
    BigDecimal price;
    try {
      price = numerator.divide(denominator);
    } catch (ArithmeticException nonTerminating) {
      price = numerator.divide(denominator, UNIT_PRICE_SCALE, RoundingMode.HALF_EVEN);
    }
    return plain(price);
  }

  private static String description(String model, Row row, String operation) {
    if (row.tokenClass.equals(TOTAL)) {
      return model + " " + operation + ", cost known only as a whole";
    }
    return model + " " + row.meter.toLowerCase(Locale.ROOT) + " (" + operation + ")";
  }

  /** The canonical provider id, as LockN's catalog spells it. */
  static String providerId(@Nullable String provider) {
    return PriceCatalog.canonicalProvider(provider);
  }

  /** The maker of a model, from its id; the provider when the id is not recognised. */
  static String publisher(String model, String providerName) {
    String family = ModelIds.family(model);
    String m = model.toLowerCase(Locale.ROOT);
    if (family.contains("claude")) {
      return "Anthropic";
    }
    if (family.startsWith("gpt") || family.startsWith("chatgpt") || family.matches("^o\\d.*")
        || family.startsWith("text-embedding-3") || family.startsWith("text-embedding-ada")
        || family.startsWith("dall-e") || family.startsWith("whisper") || family.startsWith("tts")
        || family.startsWith("omni-moderation") || m.startsWith("ft:gpt") || family.startsWith("davinci")
        || family.startsWith("babbage") || family.startsWith("codex")) {
      return "OpenAI";
    }
    if (family.startsWith("gemini") || family.startsWith("gemma") || family.startsWith("text-embedding-00")
        || family.startsWith("imagen")) {
      return "Google";
    }
    if (family.contains("llama")) {
      return "Meta";
    }
    if (family.contains("mistral") || family.contains("mixtral") || family.contains("codestral")
        || family.contains("pixtral") || family.contains("magistral")) {
      return "Mistral AI";
    }
    if (family.startsWith("command") || family.startsWith("embed-") || family.startsWith("rerank")) {
      return "Cohere";
    }
    if (family.contains("deepseek")) {
      return "DeepSeek";
    }
    if (family.startsWith("grok")) {
      return "xAI";
    }
    if (family.startsWith("nova") || family.startsWith("titan") || m.contains("amazon.")) {
      return "Amazon";
    }
    if (family.contains("qwen")) {
      return "Alibaba Cloud";
    }
    if (family.startsWith("phi-")) {
      return "Microsoft";
    }
    return providerName;
  }

  /** The catalog entry of a pricing id: without its {@code @effective-date} and {@code [region]}. */
  private static String entryId(String pricingId) {
    int end = pricingId.length();
    int at = pricingId.indexOf('@');
    if (at >= 0) {
      end = Math.min(end, at);
    }
    int bracket = pricingId.indexOf('[');
    if (bracket >= 0) {
      end = Math.min(end, bracket);
    }
    return pricingId.substring(0, end);
  }

  private static @Nullable String effectiveFrom(String pricingId) {
    int at = pricingId.indexOf('@');
    if (at < 0) {
      return null;
    }
    int bracket = pricingId.indexOf('[', at);
    return pricingId.substring(at + 1, bracket < 0 ? pricingId.length() : bracket);
  }

  private static @Nullable String region(String pricingId, AuditSpan span) {
    int open = pricingId.indexOf('[');
    int close = pricingId.indexOf(']', open + 1);
    if (open >= 0 && close > open + 1) {
      return pricingId.substring(open + 1, close);
    }
    Object v = span.attributes().get("cloud.region");
    if (v == null) {
      v = span.resource().get("cloud.region");
    }
    return v == null ? null : String.valueOf(v);
  }

  private static @Nullable String serviceTier(AuditSpan span) {
    String tier = SpanPricing.serviceTier(new AuditSpanView(span, Map.of(), false));
    if (tier == null) {
      return null;
    }
    tier = tier.strip().toLowerCase(Locale.ROOT);
    return tier.isEmpty() || tier.equals("default") || tier.equals("auto") || tier.equals("standard")
        || tier.equals("on_demand") ? null : tier;
  }

  private static Map<String, String> priceDetails(String tokenClass, String pricingId, @Nullable String region,
      @Nullable String tier, CostSource source) {
    Map<String, String> details = new LinkedHashMap<>();
    details.put("TokenType", tokenClass);
    if (!pricingId.isEmpty()) {
      details.put("PricingId", pricingId);
      String from = effectiveFrom(pricingId);
      if (from != null) {
        details.put("EffectiveFrom", from);
      }
      if (region != null && pricingId.contains("[")) {
        details.put("Region", region);
      }
    }
    if (tier != null) {
      details.put("ServiceTier", tier);
    }
    details.put("CostSource", source.value());
    return details;
  }

  private static Map<String, String> tags(PricedSpan s) {
    Map<String, String> tags = new LinkedHashMap<>();
    putIfPresent(tags, "tenant", s.tenant());
    putIfPresent(tags, "cost_center", s.costCenter());
    putIfPresent(tags, "workflow", s.workflow());
    putIfPresent(tags, "agent", s.agent());
    s.groups().forEach((k, v) -> putIfPresent(tags, k, v));
    return tags;
  }

  private static void putIfPresent(Map<String, String> map, String key, @Nullable String value) {
    if (value != null && !value.isEmpty()) {
      map.put(key, value);
    }
  }

  private static String json(Map<String, String> map) {
    try {
      return JSON.writeValueAsString(map);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
