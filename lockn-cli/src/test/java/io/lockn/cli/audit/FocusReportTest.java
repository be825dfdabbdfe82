package io.lockn.cli.audit;

import static io.lockn.cli.audit.AuditTestSupport.exportDir;
import static io.lockn.cli.audit.AuditTestSupport.lockn;
import static io.lockn.cli.audit.AuditTestSupport.resource;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lockn.core.TokenUsage;
import io.lockn.pricing.Cost;
import io.lockn.pricing.CostSource;
import io.lockn.pricing.PriceCatalog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The FOCUS 1.2 export: its columns, their values, and that it adds up exactly to the JSON report. */
class FocusReportTest {

  /** The columns FOCUS 1.2 makes mandatory. */
  static final List<String> MANDATORY = List.of("BilledCost", "BillingAccountId", "BillingAccountName",
      "BillingCurrency", "BillingPeriodEnd", "BillingPeriodStart", "ChargeCategory", "ChargeClass",
      "ChargeDescription", "ChargePeriodEnd", "ChargePeriodStart", "ContractedCost", "EffectiveCost",
      "InvoiceIssuerName", "ListCost", "PricingQuantity", "PricingUnit", "ProviderName", "PublisherName",
      "ServiceCategory", "ServiceName");

  /** The conditional and recommended columns LockN fills. */
  static final List<String> CONDITIONAL = List.of("ConsumedQuantity", "ConsumedUnit", "ContractedUnitPrice",
      "ListUnitPrice", "PricingCategory", "RegionId", "RegionName", "ResourceId", "ResourceName",
      "ServiceSubcategory", "SkuId", "SkuMeter", "SkuPriceDetails", "SkuPriceId", "SubAccountId", "SubAccountName",
      "SubAccountType", "Tags", "ChargeFrequency");

  private static final String DECIMAL = "-?\\d+(\\.\\d+)?";
  private static final String MONEY = "\\d+\\.\\d{9}";
  private static final String DATE_TIME = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z";

  @TempDir Path tmp;

  private List<CSVRecord> rows;
  private List<String> header;
  private JsonNode json;

  /** Audits every fixture at once with --json and --focus. */
  @BeforeEach
  void auditEveryFixture() throws IOException {
    Path dir = exportDir(tmp.resolve("export"), "lockn-demo-traces.jsonl", "otel-javaagent-openai.jsonl",
        "spring-ai.jsonl", "openllmetry.jsonl", "otlp-http-pretty.json", "lockn-findings.jsonl");
    Path focus = tmp.resolve("focus.csv");
    Path jsonFile = tmp.resolve("audit.json");
    AuditTestSupport.Run run = lockn("audit", "--input", dir.toString(), "--json", jsonFile.toString(), "--focus",
        focus.toString(), "--group-by", "app.feature");
    assertThat(run.exit()).as(run.err()).isZero();
    json = AuditTestSupport.read(jsonFile);
    try (CSVParser parser = CSVParser.parse(focus, StandardCharsets.UTF_8,
        CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get())) {
      header = parser.getHeaderNames();
      rows = parser.getRecords();
    }
  }

  @Test
  void everyMandatoryColumnIsPresentWithValidValues() {
    assertThat(header).containsAll(MANDATORY).containsAll(CONDITIONAL).doesNotHaveDuplicates();
    assertThat(header).filteredOn(c -> !MANDATORY.contains(c) && !CONDITIONAL.contains(c))
        .allMatch(c -> c.startsWith("x_"), "custom columns are prefixed x_");
    assertThat(rows).isNotEmpty();
    for (CSVRecord row : rows) {
      String where = "row " + row.getRecordNumber() + " " + row.toMap();
      for (String money : List.of("BilledCost", "EffectiveCost", "ContractedCost", "ListCost")) {
        assertThat(row.get(money)).as(where).matches(MONEY);
      }
      assertThat(row.get("EffectiveCost")).as(where).isEqualTo(row.get("BilledCost"));
      assertThat(row.get("ContractedCost")).as(where).isEqualTo(row.get("BilledCost"));
      assertThat(row.get("BillingCurrency")).isEqualTo("USD");
      assertThat(row.get("ChargeCategory")).isEqualTo("Usage");
      assertThat(row.get("ChargeClass")).isEmpty();
      assertThat(row.get("ChargeFrequency")).isEqualTo("Usage-Based");
      assertThat(row.get("ServiceCategory")).isEqualTo("AI and Machine Learning");
      assertThat(row.get("ServiceSubcategory")).isEqualTo("Generative AI");
      assertThat(row.get("PricingCategory")).isEqualTo("Standard");
      assertThat(row.get("ConsumedUnit")).isEqualTo("Tokens");
      assertThat(row.get("PricingUnit")).isEqualTo("1000000 Tokens");
      for (String name : List.of("BillingAccountId", "BillingAccountName", "ChargeDescription",
          "InvoiceIssuerName", "ProviderName", "PublisherName", "ServiceName", "SkuId", "SkuMeter", "SkuPriceId",
          "ResourceId", "ResourceName")) {
        assertThat(row.get(name)).as(where + " " + name).isNotBlank();
      }

      // Quantities: tokens, and the same per million, exactly.
      assertThat(row.get("ConsumedQuantity")).matches("\\d+");
      assertThat(row.get("PricingQuantity")).as(where).matches(DECIMAL).doesNotContain("E");
      assertThat(new BigDecimal(row.get("PricingQuantity")).movePointRight(6))
          .isEqualByComparingTo(row.get("ConsumedQuantity"));
      // Unit price x quantity = cost, to the nano-USD.
      if (!row.get("ConsumedQuantity").equals("0")) {
        assertThat(times(row.get("ListUnitPrice"), row.get("PricingQuantity"))).as(where).isEqualTo(row.get("ListCost"));
        assertThat(times(row.get("ContractedUnitPrice"), row.get("PricingQuantity"))).as(where)
            .isEqualTo(row.get("ContractedCost"));
      }

      // Date-times: whole seconds in UTC; the charge lies within its calendar-month billing period.
      for (String time : List.of("BillingPeriodStart", "BillingPeriodEnd", "ChargePeriodStart", "ChargePeriodEnd")) {
        assertThat(row.get(time)).as(where).matches(DATE_TIME);
      }
      Instant chargeStart = Instant.parse(row.get("ChargePeriodStart"));
      Instant chargeEnd = Instant.parse(row.get("ChargePeriodEnd"));
      Instant billingStart = Instant.parse(row.get("BillingPeriodStart"));
      Instant billingEnd = Instant.parse(row.get("BillingPeriodEnd"));
      assertThat(chargeEnd).isAfter(chargeStart);
      assertThat(billingStart).isBeforeOrEqualTo(chargeStart);
      assertThat(chargeStart).isBefore(billingEnd);
      assertThat(row.get("BillingPeriodStart")).endsWith("-01T00:00:00Z");
      assertThat(row.get("BillingPeriodEnd")).endsWith("-01T00:00:00Z");

      // JSON columns.
      JsonNode details = parse(row.get("SkuPriceDetails"));
      assertThat(details.isObject()).isTrue();
      assertThat(details.get("TokenType").asText()).isEqualTo(row.get("x_TokenClass"));
      assertThat(row.get("SkuPriceId")).contains("/" + row.get("x_TokenClass"));
      assertThat(parse(row.get("Tags")).isObject()).isTrue();
      assertThat(row.get("x_TokenClass")).isIn("input", "cache_read", "cache_write", "output", "reasoning", "total");
    }
  }

  @Test
  void billedCostSumsExactlyToTheJsonTotal() {
    BigDecimal billed = sum(rows, "BilledCost");
    assertThat(billed.toPlainString()).isEqualTo(json.get("totals").get("costUsd").asText());
    assertThat(billed.toPlainString()).isEqualTo("0.077392970"); // the six fixtures' totals, added
    // No discount anywhere: the list cost is the billed cost.
    assertThat(sum(rows, "ListCost").toPlainString()).isEqualTo(billed.toPlainString());

    // By tenant (the sub-account) and by model, exactly as the JSON totals.
    Map<String, BigDecimal> byTenant = new TreeMap<>();
    Map<String, BigDecimal> bySpan = new LinkedHashMap<>();
    for (CSVRecord row : rows) {
      String tenant = row.get("SubAccountId").isEmpty() ? AuditReport.NONE : row.get("SubAccountId");
      byTenant.merge(tenant, new BigDecimal(row.get("BilledCost")), BigDecimal::add);
      bySpan.merge(row.get("ResourceId"), new BigDecimal(row.get("BilledCost")), BigDecimal::add);
    }
    Map<String, BigDecimal> expected = new TreeMap<>();
    json.get("totals").get("byTenant").properties()
        .forEach(e -> expected.put(e.getKey(), new BigDecimal(e.getValue().asText())));
    assertThat(byTenant).isEqualTo(expected);
    // Every priced span with a cost has rows adding up to it; unpriced spans have none.
    for (JsonNode s : json.get("spans")) {
      String id = s.get("spanId").asText();
      if (!s.get("priced").asBoolean()) {
        assertThat(bySpan).doesNotContainKey(id);
      } else if (new BigDecimal(s.get("costUsd").asText()).signum() > 0) {
        assertThat(bySpan.get(id).toPlainString()).as(id).isEqualTo(s.get("costUsd").asText());
      }
    }
  }

  @Test
  void oneRowPerTokenClass() {
    // Claude writing the prompt cache: uncached input, cache writes, output.
    List<CSVRecord> write = rowsOf("e100000000000003");
    assertThat(column(write, "x_TokenClass")).containsExactly("input", "cache_write", "output");
    assertThat(column(write, "ConsumedQuantity")).containsExactly("1000", "4000", "200");
    assertThat(column(write, "PricingQuantity")).containsExactly("0.001", "0.004", "0.0002");
    assertThat(column(write, "BilledCost")).containsExactly("0.003000000", "0.015000000", "0.003000000");
    assertThat(column(write, "ListUnitPrice")).containsExactly("3", "3.75", "15");
    assertThat(column(write, "SkuMeter")).containsExactly("Input Tokens", "Cache Write Tokens", "Output Tokens");
    assertThat(column(write, "SkuId")).containsOnly("anthropic/claude-sonnet-4-5");
    assertThat(column(write, "SkuPriceId")).containsExactly("anthropic/claude-sonnet-4-5/input",
        "anthropic/claude-sonnet-4-5/cache_write", "anthropic/claude-sonnet-4-5/output");
    assertThat(column(write, "ProviderName")).containsOnly("Anthropic");
    assertThat(column(write, "PublisherName")).containsOnly("Anthropic");
    assertThat(column(write, "ServiceName")).containsOnly("Claude API");
    assertThat(column(write, "ChargeDescription")).containsExactly(
        "claude-sonnet-4-5-20250929 input tokens (chat)", "claude-sonnet-4-5-20250929 cache write tokens (chat)",
        "claude-sonnet-4-5-20250929 output tokens (chat)");

    // Cache reads.
    assertThat(column(rowsOf("e100000000000005"), "x_TokenClass")).containsExactly("input", "cache_read", "output");
    assertThat(column(rowsOf("e100000000000005"), "BilledCost"))
        .containsExactly("0.003000000", "0.001200000", "0.001500000");

    // Reasoning, on the flex tier: the tier is part of the SKU price.
    List<CSVRecord> flex = rowsOf("e200000000000002");
    assertThat(column(flex, "x_TokenClass")).containsExactly("input", "output", "reasoning");
    assertThat(column(flex, "ConsumedQuantity")).containsExactly("4000", "400", "600");
    assertThat(column(flex, "BilledCost")).containsExactly("0.000500000", "0.000400000", "0.000600000");
    assertThat(column(flex, "ListUnitPrice")).containsExactly("0.125", "1", "1");
    assertThat(column(flex, "SkuPriceId")).containsExactly("openai/gpt-5-mini/input/flex",
        "openai/gpt-5-mini/output/flex", "openai/gpt-5-mini/reasoning/flex");
    assertThat(parse(flex.get(2).get("SkuPriceDetails")).get("ServiceTier").asText()).isEqualTo("flex");

    // A dated price: the effective date is in the SKU price and its details.
    CSVRecord o3 = rowsWhere("x_RequestModel", "o3").get(0);
    assertThat(o3.get("SkuId")).isEqualTo("openai/o3");
    assertThat(o3.get("SkuPriceId")).isEqualTo("openai/o3@2025-06-10/input");
    assertThat(parse(o3.get("SkuPriceDetails")).get("EffectiveFrom").asText()).isEqualTo("2025-06-10");

    // A provider-reported cost is one "total" row with all the tokens.
    List<CSVRecord> reported = rowsOf("f000000000000032");
    assertThat(reported).singleElement().satisfies(r -> {
      assertThat(r.get("x_TokenClass")).isEqualTo("total");
      assertThat(r.get("x_CostSource")).isEqualTo("provider");
      assertThat(r.get("ConsumedQuantity")).isEqualTo("1100");
      assertThat(r.get("BilledCost")).isEqualTo("0.001234567");
      assertThat(r.get("ProviderName")).isEqualTo("OpenRouter");
      assertThat(r.get("PublisherName")).isEqualTo("OpenAI");
      assertThat(r.get("SkuId")).isEqualTo("openrouter/openai/gpt-4o-2024-08-06");
      assertThat(r.get("SkuPriceId")).isEqualTo("openrouter/openai/gpt-4o-2024-08-06/reported/total");
    });
    // A recorded cost keeps its parts; one recorded as a total only is one "total" row.
    assertThat(column(rowsOf("f000000000000033"), "BilledCost")).containsExactly("0.000000666", "0.000000333");
    assertThat(column(rowsOf("f000000000000034"), "x_TokenClass")).containsExactly("total");
    assertThat(column(rowsOf("f000000000000034"), "BilledCost")).containsExactly("0.000005000");

    // Unpriced calls and free failed attempts (no tokens, no cost) have no row.
    assertThat(rowsOf("f000000000000031")).isEmpty();
    assertThat(rowsOf("6e0c63257de34c92")).isEmpty();

    // A self-hosted price that does not divide evenly: the unit price is rounded, the cost stays exact.
    CSVRecord vllm = rowsWhere("SkuId", "vllm/llama-3.1-8b-instruct").get(0);
    assertThat(vllm.get("BilledCost")).isEqualTo("0.000068630");
    assertThat(vllm.get("ListUnitPrice")).isEqualTo("0.180605263157894737");
    assertThat(vllm.get("ProviderName")).isEqualTo("vllm");
    assertThat(vllm.get("PublisherName")).isEqualTo("Meta");
  }

  @Test
  void tagsHoldTheAttribution() {
    CSVRecord writer = rowsOf("f000000000000013").get(0);
    assertThat(parse(writer.get("Tags"))).isEqualTo(parse(
        "{\"tenant\":\"acme\",\"cost_center\":\"cc-analytics\",\"workflow\":\"wf-7\",\"agent\":\"writer\","
            + "\"app.feature\":\"reports\"}"));
    assertThat(writer.get("SubAccountId")).isEqualTo("acme");
    assertThat(writer.get("SubAccountName")).isEqualTo("acme");
    assertThat(writer.get("SubAccountType")).isEqualTo("Tenant");
    assertThat(writer.get("ResourceName")).isEqualTo("chat claude-sonnet-4-5");
    assertThat(writer.get("x_TraceId")).isEqualTo("8a2b3c4d5e6f708192a3b4c5d6e7f809");

    // Attribution from the resource, region from the resource's cloud.region, provider and account from OpenAI.
    CSVRecord javaAgent = rowsOf("53995c3f42cd8ad8").get(0);
    assertThat(parse(javaAgent.get("Tags")))
        .isEqualTo(parse("{\"tenant\":\"initech\",\"cost_center\":\"cc-platform\"}"));
    assertThat(javaAgent.get("RegionId")).isEqualTo("us-east-1");
    assertThat(javaAgent.get("BillingAccountId")).isEqualTo("openai");
    assertThat(javaAgent.get("BillingAccountName")).isEqualTo("OpenAI");
    assertThat(javaAgent.get("InvoiceIssuerName")).isEqualTo("OpenAI");
    assertThat(javaAgent.get("ServiceName")).isEqualTo("OpenAI API");
    // The span ran from 10:00:00.070 to 10:00:01.400 UTC: the charge period covers it in whole seconds.
    assertThat(javaAgent.get("ChargePeriodStart")).isEqualTo("2025-06-15T10:00:00Z");
    assertThat(javaAgent.get("ChargePeriodEnd")).isEqualTo("2025-06-15T10:00:02Z");
    assertThat(javaAgent.get("BillingPeriodStart")).isEqualTo("2025-06-01T00:00:00Z");
    assertThat(javaAgent.get("BillingPeriodEnd")).isEqualTo("2025-07-01T00:00:00Z");

    // The deepest agent, the demo's group-by value, and no tag for what a span does not have.
    assertThat(parse(rowsWhere("x_RequestModel", "o3").get(0).get("Tags")).get("agent").asText())
        .isEqualTo("refund-agent");
    assertThat(parse(rowsWhere("x_RequestModel", "o3").get(0).get("Tags")).get("app.feature").asText())
        .isEqualTo("support-chat");
    CSVRecord cyberdyne = rowsOf("e100000000000003").get(0);
    assertThat(parse(cyberdyne.get("Tags")))
        .isEqualTo(parse("{\"tenant\":\"cyberdyne\",\"agent\":\"researcher\"}"));
    assertThat(cyberdyne.get("RegionId")).isEmpty();
  }

  // ---------------------------------------------------------------- discounts and edge cases, in-process

  @Test
  void discountedListCostIsApportionedAndSumsToTheListTotal() throws IOException {
    PriceCatalog discounted =
        PriceCatalog.builder().addAll(PriceCatalog.bundled()).discount("openai", null, new BigDecimal("15")).build();
    Path focus = tmp.resolve("discounted.csv");
    AuditReport report;
    long listNanos;
    try (FocusReportWriter writer = new FocusReportWriter(focus)) {
      Audit audit = Audit.builder(discounted).setSpanConsumer(s -> write(writer, s)).build();
      read(audit, "otel-javaagent-openai.jsonl", "openllmetry.jsonl", "otlp-http-pretty.json");
      report = audit.finish();
      writer.finish(report);
      assertThat(writer.billedNanos()).isEqualTo(report.totalNanos());
      listNanos = writer.listNanos();
    }
    Audit atList = Audit.builder(PriceCatalog.bundled()).build();
    read(atList, "otel-javaagent-openai.jsonl", "openllmetry.jsonl", "otlp-http-pretty.json");
    long listTotal = atList.finish().totalNanos();

    List<CSVRecord> discountedRows = parseCsv(focus);
    assertThat(sum(discountedRows, "BilledCost")).isEqualByComparingTo(AuditReport.usd(report.totalNanos()));
    assertThat(sum(discountedRows, "ListCost")).isEqualByComparingTo(AuditReport.usd(listTotal));
    assertThat(listNanos).isEqualTo(listTotal);
    assertThat(report.totalNanos()).isLessThan(listTotal);

    // gpt-4o-mini, 1200 in / 300 out at 15% off: 0.000153 each, list 0.000180 each.
    List<CSVRecord> chat = discountedRows.stream().filter(r -> r.get("ResourceId").equals("53995c3f42cd8ad8")).toList();
    assertThat(column(chat, "BilledCost")).containsExactly("0.000153000", "0.000153000");
    assertThat(column(chat, "ListCost")).containsExactly("0.000180000", "0.000180000");
    assertThat(column(chat, "ContractedUnitPrice")).containsExactly("0.1275", "0.51");
    assertThat(column(chat, "ListUnitPrice")).containsExactly("0.15", "0.6");
    // Anthropic is not discounted: its list cost is its cost.
    for (CSVRecord r : discountedRows) {
      if (r.get("ProviderName").equals("Anthropic")) {
        assertThat(r.get("ListCost")).isEqualTo(r.get("BilledCost"));
      } else {
        assertThat(new BigDecimal(r.get("ListCost"))).isGreaterThanOrEqualTo(new BigDecimal(r.get("BilledCost")));
      }
    }
  }

  @Test
  void listDifferenceThatDoesNotDivideEvenlyGoesToTheLargestRow() throws IOException {
    // gpt-4o-mini at 30% off: 1 input token costs 0.000000105 (list 150 nano-USD), 1 cache read 52.5 nano-USD,
    // rounded half-even to 52 (list 75). The list difference, 68 nano-USD, is shared 105:52, truncated: 45 and 22;
    // the nano-USD left over goes to the input row, the larger one.
    PriceCatalog catalog = PriceCatalog.builder().addAll(PriceCatalog.bundled())
        .discount("openai", "gpt-4o-mini", new BigDecimal("30")).build();
    TokenUsage usage = TokenUsage.builder().uncachedInputTokens(1).cacheReadTokens(1).build();
    Cost cost = catalog.cost("openai", "gpt-4o-mini", usage, Instant.parse("2025-06-15T10:00:00Z"), null);
    assertThat(cost.totalNanos()).isEqualTo(157);
    assertThat(cost.listTotalNanos()).isEqualTo(225);
    List<CSVRecord> out = writeOne(pricedSpan(cost, usage, "2025-06-15T10:00:00Z", "2025-06-15T10:00:00Z"));
    assertThat(column(out, "x_TokenClass")).containsExactly("input", "cache_read");
    assertThat(column(out, "BilledCost")).containsExactly("0.000000105", "0.000000052");
    assertThat(column(out, "ListCost")).containsExactly("0.000000151", "0.000000074");
    assertThat(column(out, "ListUnitPrice")).containsExactly("0.151", "0.074");
    assertThat(sum(out, "ListCost")).isEqualByComparingTo(AuditReport.usd(cost.listTotalNanos()));
    // A zero-length span on a whole second still gets a one-second charge period.
    assertThat(out.get(0).get("ChargePeriodStart")).isEqualTo("2025-06-15T10:00:00Z");
    assertThat(out.get(0).get("ChargePeriodEnd")).isEqualTo("2025-06-15T10:00:01Z");
  }

  @Test
  void chargeAcrossMonthEndBelongsToTheMonthItStartedIn() throws IOException {
    TokenUsage usage = TokenUsage.builder().uncachedInputTokens(1000).build();
    Cost cost = PriceCatalog.bundled().cost("openai", "gpt-4o-mini", usage, Instant.parse("2025-12-31T23:59:59Z"),
        null);
    List<CSVRecord> out =
        writeOne(pricedSpan(cost, usage, "2025-12-31T23:59:59.500Z", "2026-01-01T00:00:00.200Z"));
    assertThat(out).singleElement().satisfies(r -> {
      assertThat(r.get("ChargePeriodStart")).isEqualTo("2025-12-31T23:59:59Z");
      assertThat(r.get("ChargePeriodEnd")).isEqualTo("2026-01-01T00:00:01Z");
      assertThat(r.get("BillingPeriodStart")).isEqualTo("2025-12-01T00:00:00Z");
      assertThat(r.get("BillingPeriodEnd")).isEqualTo("2026-01-01T00:00:00Z");
      assertThat(r.get("BilledCost")).isEqualTo("0.000150000");
      assertThat(r.get("SubAccountId")).isEmpty();
      assertThat(r.get("SubAccountType")).isEmpty();
      assertThat(r.get("Tags")).isEqualTo("{}");
    });
  }

  @Test
  void recordedCostWhosePartsDoNotAddUpIsOneTotalRow() throws IOException {
    TokenUsage usage = TokenUsage.builder().uncachedInputTokens(100).nonReasoningOutputTokens(10).build();
    Cost cost = Cost.recorded(10, 20, 0, 0, 0, 31, 31, CostSource.LOCAL, "openai/gpt-4o-mini");
    List<CSVRecord> out = writeOne(pricedSpan(cost, usage, "2025-06-15T10:00:00Z", "2025-06-15T10:00:01Z"));
    assertThat(out).singleElement().satisfies(r -> {
      assertThat(r.get("x_TokenClass")).isEqualTo("total");
      assertThat(r.get("BilledCost")).isEqualTo("0.000000031");
      assertThat(r.get("ConsumedQuantity")).isEqualTo("110");
      assertThat(r.get("ListUnitPrice")).isEqualTo("0.000281818181818182");
    });
  }

  // ---------------------------------------------------------------- helpers

  private List<CSVRecord> rowsOf(String spanId) {
    return rowsWhere("ResourceId", spanId);
  }

  private List<CSVRecord> rowsWhere(String column, String value) {
    return rows.stream().filter(r -> r.get(column).equals(value)).toList();
  }

  private static List<String> column(List<CSVRecord> rows, String column) {
    List<String> out = new ArrayList<>();
    rows.forEach(r -> out.add(r.get(column)));
    return out;
  }

  private static BigDecimal sum(List<CSVRecord> rows, String column) {
    BigDecimal sum = BigDecimal.ZERO;
    for (CSVRecord r : rows) {
      sum = sum.add(new BigDecimal(r.get(column)));
    }
    return sum;
  }

  /** Unit price x quantity, rounded half-even to the nano-USD as the money columns are. */
  private static String times(String unitPrice, String quantity) {
    return new BigDecimal(unitPrice).multiply(new BigDecimal(quantity)).setScale(9, RoundingMode.HALF_EVEN)
        .toPlainString();
  }

  private static JsonNode parse(String json) {
    try {
      return AuditTestSupport.JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(FocusReportWriter writer, PricedSpan span) {
    try {
      writer.span(span);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void read(Audit audit, String... resources) throws IOException {
    OtlpJsonReader reader = new OtlpJsonReader((file, line, message) -> {
      throw new AssertionError(file + ":" + line + ": " + message);
    });
    for (String name : resources) {
      reader.read(resource(name), audit::accept);
    }
  }

  private static List<CSVRecord> parseCsv(Path file) throws IOException {
    try (CSVParser parser = CSVParser.parse(file, StandardCharsets.UTF_8,
        CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get())) {
      return parser.getRecords();
    }
  }

  private List<CSVRecord> writeOne(PricedSpan span) throws IOException {
    Path file = tmp.resolve("one-" + System.nanoTime() + ".csv");
    try (FocusReportWriter writer = new FocusReportWriter(file)) {
      writer.span(span);
      writer.finish(Audit.builder(PriceCatalog.bundled()).build().finish());
    }
    return parseCsv(file);
  }

  private static PricedSpan pricedSpan(Cost cost, TokenUsage usage, String start, String end) {
    AuditSpan span = new AuditSpan("0123456789abcdef0123456789abcdef", "0123456789abcdef", null,
        "chat gpt-4o-mini", nanos(start), nanos(end), false, Map.of(), Map.of());
    return new PricedSpan(span, "chat", "openai", "gpt-4o-mini", null, usage, cost, null, null, null, null,
        Map.of());
  }

  private static long nanos(String instant) {
    Instant i = Instant.parse(instant);
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }
}
