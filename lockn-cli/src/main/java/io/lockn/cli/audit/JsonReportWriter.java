package io.lockn.cli.audit;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.lockn.compression.roi.Estimate;
import io.lockn.compression.roi.RoiResult;
import io.lockn.compression.roi.SavingsSeries;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Writes the audit as JSON, schema {@value #SCHEMA}, streaming the spans as they are priced:
 *
 * <pre>{@code
 * {"schema":"lockn.audit/v1", "pricingVersion":"...",
 *  "spans":[{"traceId","spanId","startTime","operation","provider","requestModel","responseModel",
 *            "inputTokens","outputTokens","cacheReadTokens","cacheWriteTokens","reasoningTokens",
 *            "costUsd","priced","pricingId","tenant","costCenter","workflow","agent","groups":{...}}, ...],
 *  "totals":{"costUsd","pricedSpans","unpricedSpans","inputTokens","outputTokens",
 *            "byTenant":{...},"byAgent":{...},"byModel":{...},"byCostCenter":{...},"byWorkflow":{...},
 *            "byGroup":{"key":{...}},"byTokenClass":{...},"byHour":{"2026-11-01T12:00:00Z":"..."},
 *            "unpricedModels":{"provider/model":calls},"findingCounts":{...},"findingCostUsd":{...}},
 *  "findings":[{"type","traceId","spanIds":[...],"costUsd","detail"}, ...],
 *  "experiments":[{"experiment","agent","group","controlGroup","controlCalls","treatmentCalls",
 *            "inputTokensOriginal","inputTokensSent","tokenSavingsRate":{estimate},...,
 *            "savingsOverTime":{"interval":"PT1H","controlCalls","controlCostUsd","counterfactualCostPerCallUsd",
 *                               "totalSavingsUsd","undatedCalls","buckets":[{"start","calls","controlCalls",
 *                               "originalCostUsd","compressedCostUsd","compressionCostUsd","savingsUsd",
 *                               "cumulativeSavingsUsd","savingsPercent"}, ...]}}, ...]}
 * }</pre>
 *
 * <p>{@code experiments} is written only with {@code --experiments}: one object per experiment, agent ({@code "*"}
 * for all agents) and treatment group, from {@link io.lockn.compression.roi.RoiAnalysis}. An estimate is {@code
 * {"value","lower","upper","confidence","method"}} with numbers ({@code null} for a bound that could not be
 * computed); exact money ({@code controlCostUsd}, {@code treatmentCostUsd}, {@code compressionCostUsd}, {@code
 * costSavingsPerCallUsd}, {@code costSavingsUsd}, {@code costSavingsPercent}) is a decimal string. The objects over
 * all agents carry {@code savingsOverTime}, the cost waterfall of {@link
 * io.lockn.compression.roi.RoiAnalysis#savingsOverTime(java.util.List)}: its {@code interval} is an ISO-8601
 * duration, its buckets' {@code start} an instant, their amounts exact decimal strings adding up to {@code
 * totalSavingsUsd}, which equals {@code costSavingsUsd} when every call has a start time.
 *
 * <p>Every money value is a decimal string with 9 decimal places, exact. An unpriced span has {@code "priced": false}
 * and {@code "costUsd": null}, and is left out of every money total (it is counted in {@code unpricedSpans}).
 */
final class JsonReportWriter implements ReportWriter {

  /** The schema id written in every file. */
  static final String SCHEMA = "lockn.audit/v1";

  private final OutputStream out;
  private final JsonGenerator json;
  private boolean headerWritten;

  /**
   * Opens the file.
   *
   * @param file where to write
   * @throws IOException if it cannot be created
   */
  JsonReportWriter(Path file) throws IOException {
    this.out = Files.newOutputStream(file);
    this.json = new JsonFactory().createGenerator(out, JsonEncoding.UTF8);
  }

  private void header(String pricingVersion) throws IOException {
    if (!headerWritten) {
      headerWritten = true;
      json.writeStartObject();
      json.writeStringField("schema", SCHEMA);
      json.writeStringField("pricingVersion", pricingVersion);
      json.writeArrayFieldStart("spans");
    }
  }

  /**
   * Sets the pricing version written in the header; call before the first span.
   *
   * @param pricingVersion the version
   * @throws IOException if writing fails
   */
  void start(String pricingVersion) throws IOException {
    header(pricingVersion);
  }

  @Override
  public void span(PricedSpan s) throws IOException {
    header("unknown");
    json.writeStartObject();
    json.writeStringField("traceId", s.span().traceId());
    json.writeStringField("spanId", s.span().spanId());
    json.writeStringField("startTime", instant(s.span().startEpochNanos()));
    json.writeStringField("operation", s.operation());
    json.writeStringField("provider", s.provider());
    nullable("requestModel", s.requestModel());
    nullable("responseModel", s.responseModel());
    json.writeNumberField("inputTokens", s.usage().inputTokens());
    json.writeNumberField("outputTokens", s.usage().outputTokens());
    json.writeNumberField("cacheReadTokens", s.usage().cacheReadTokens());
    json.writeNumberField("cacheWriteTokens", s.usage().cacheWriteTokens());
    json.writeNumberField("reasoningTokens", s.usage().reasoningTokens());
    if (s.cost().isPriced()) {
      json.writeStringField("costUsd", s.cost().totalUsd().toPlainString());
    } else {
      json.writeNullField("costUsd");
    }
    json.writeBooleanField("priced", s.cost().isPriced());
    nullable("pricingId", s.cost().isPriced() ? s.cost().pricingId() : null);
    nullable("tenant", s.tenant());
    nullable("costCenter", s.costCenter());
    nullable("workflow", s.workflow());
    nullable("agent", s.agent());
    if (!s.groups().isEmpty()) {
      json.writeObjectFieldStart("groups");
      for (Map.Entry<String, String> e : s.groups().entrySet()) {
        json.writeStringField(e.getKey(), e.getValue());
      }
      json.writeEndObject();
    }
    json.writeEndObject();
  }

  @Override
  public void finish(AuditReport r) throws IOException {
    header(r.pricingVersion());
    json.writeEndArray();
    json.writeObjectFieldStart("totals");
    json.writeStringField("costUsd", AuditReport.usd(r.totalNanos()).toPlainString());
    json.writeNumberField("pricedSpans", r.pricedSpans());
    json.writeNumberField("unpricedSpans", r.unpricedSpans());
    json.writeNumberField("inputTokens", r.inputTokens());
    json.writeNumberField("outputTokens", r.outputTokens());
    money("byTenant", r.byTenant());
    money("byAgent", r.byAgent());
    money("byModel", r.byModel());
    money("byCostCenter", r.byCostCenter());
    money("byWorkflow", r.byWorkflow());
    json.writeObjectFieldStart("byGroup");
    for (Map.Entry<String, Map<String, Long>> e : r.byGroup().entrySet()) {
      money(e.getKey(), e.getValue());
    }
    json.writeEndObject();
    money("byTokenClass", r.byTokenClass());
    json.writeObjectFieldStart("byHour");
    for (Map.Entry<Long, Long> e : r.byHour().entrySet()) {
      json.writeStringField(Instant.ofEpochMilli(e.getKey()).toString(), AuditReport.usd(e.getValue()).toPlainString());
    }
    json.writeEndObject();
    json.writeObjectFieldStart("unpricedModels");
    for (Map.Entry<String, Long> e : r.unpricedModels().entrySet()) {
      json.writeNumberField(e.getKey(), e.getValue());
    }
    json.writeEndObject();
    json.writeObjectFieldStart("findingCounts");
    for (Map.Entry<String, Long> e : r.findingCounts().entrySet()) {
      json.writeNumberField(e.getKey(), e.getValue());
    }
    json.writeEndObject();
    money("findingCostUsd", r.findingCost());
    json.writeEndObject();
    json.writeArrayFieldStart("findings");
    for (Finding f : r.findings()) {
      json.writeStartObject();
      json.writeStringField("type", f.type());
      json.writeStringField("traceId", f.traceId());
      json.writeArrayFieldStart("spanIds");
      for (String id : f.spanIds()) {
        json.writeString(id);
      }
      json.writeEndArray();
      json.writeStringField("costUsd", AuditReport.usd(f.costNanos()).toPlainString());
      json.writeStringField("detail", f.detail());
      json.writeEndObject();
    }
    json.writeEndArray();
    if (r.roi() != null) {
      json.writeArrayFieldStart("experiments");
      for (RoiResult x : r.roi().results()) {
        experiment(x, r);
      }
      json.writeEndArray();
    }
    json.writeEndObject();
    json.flush();
  }

  private void experiment(RoiResult x, AuditReport r) throws IOException {
    json.writeStartObject();
    json.writeStringField("experiment", x.experiment());
    json.writeStringField("agent", x.agent());
    json.writeStringField("group", x.group());
    json.writeStringField("controlGroup", x.controlGroup());
    json.writeNumberField("controlCalls", x.controlCalls());
    json.writeNumberField("treatmentCalls", x.treatmentCalls());
    json.writeNumberField("inputTokensOriginal", x.inputTokensOriginal());
    json.writeNumberField("inputTokensSent", x.inputTokensSent());
    estimate("tokenSavingsRate", x.tokenSavingsRate());
    estimate("inputTokensPerCallSavings", x.inputTokensPerCallSavings());
    json.writeStringField("controlCostUsd", AuditReport.usd(x.controlCostNanos()).toPlainString());
    json.writeStringField("treatmentCostUsd", AuditReport.usd(x.treatmentCostNanos()).toPlainString());
    json.writeStringField("compressionCostUsd", AuditReport.usd(x.compressionCostNanos()).toPlainString());
    json.writeStringField("costSavingsPerCallUsd", x.costSavingsPerCallUsd().toPlainString());
    json.writeStringField("costSavingsUsd", x.costSavingsUsd().toPlainString());
    BigDecimal percent = x.costSavingsPercent();
    nullable("costSavingsPercent", percent == null ? null : percent.toPlainString());
    estimate("costSavingsPerCall", x.costSavingsPerCall());
    estimate("costSavingsPercentEstimate", x.costSavingsPercentEstimate());
    json.writeStringField("costVerdict", x.costVerdict().name());
    estimate("latencyP50Ratio", x.latencyP50Ratio());
    estimate("latencyP95Ratio", x.latencyP95Ratio());
    json.writeStringField("latencyVerdict", x.latencyVerdict().name());
    if (x.qualityRetention() == null) {
      json.writeNullField("qualityRetention");
    } else {
      estimate("qualityRetention", x.qualityRetention());
    }
    number("nonInferiorityMargin", x.nonInferiorityMargin());
    json.writeStringField("nonInferiority", x.nonInferiority().name());
    number("controlCacheHitRate", x.controlCacheHitRate());
    number("treatmentCacheHitRate", x.treatmentCacheHitRate());
    estimate("cacheHitRateDifference", x.cacheHitRateDifference());
    number("controlContextUtilisation", x.controlContextUtilisation());
    number("treatmentContextUtilisation", x.treatmentContextUtilisation());
    number("treatmentOriginalContextUtilisation", x.treatmentOriginalContextUtilisation());
    estimate("contextUtilisationDifference", x.contextUtilisationDifference());
    json.writeNumberField("requestsEnabled", x.requestsEnabled());
    if (RoiResult.ALL_AGENTS.equals(x.agent())) {
      for (SavingsSeries series : r.savingsOverTime()) {
        if (series.experiment().equals(x.experiment()) && series.group().equals(x.group())) {
          savingsOverTime(series);
        }
      }
    }
    json.writeEndObject();
  }

  private void savingsOverTime(SavingsSeries series) throws IOException {
    json.writeObjectFieldStart("savingsOverTime");
    json.writeStringField("interval", series.interval().toString());
    json.writeNumberField("controlCalls", series.controlCalls());
    json.writeStringField("controlCostUsd", AuditReport.usd(series.controlCostNanos()).toPlainString());
    json.writeStringField("counterfactualCostPerCallUsd", series.counterfactualCostPerCallUsd().toPlainString());
    json.writeStringField("totalSavingsUsd", AuditReport.usd(series.totalSavingsNanos()).toPlainString());
    json.writeNumberField("undatedCalls", series.undatedCalls());
    json.writeArrayFieldStart("buckets");
    for (SavingsSeries.Bucket b : series.buckets()) {
      json.writeStartObject();
      json.writeStringField("start", b.start().toString());
      json.writeNumberField("calls", b.calls());
      json.writeNumberField("controlCalls", b.controlCalls());
      json.writeStringField("originalCostUsd", AuditReport.usd(b.originalCostNanos()).toPlainString());
      json.writeStringField("compressedCostUsd", AuditReport.usd(b.compressedCostNanos()).toPlainString());
      json.writeStringField("compressionCostUsd", AuditReport.usd(b.compressionCostNanos()).toPlainString());
      json.writeStringField("savingsUsd", AuditReport.usd(b.savingsNanos()).toPlainString());
      json.writeStringField("cumulativeSavingsUsd", AuditReport.usd(b.cumulativeSavingsNanos()).toPlainString());
      BigDecimal percent = b.savingsPercent();
      nullable("savingsPercent", percent == null ? null : percent.toPlainString());
      json.writeEndObject();
    }
    json.writeEndArray();
    json.writeEndObject();
  }

  private void estimate(String field, Estimate e) throws IOException {
    json.writeObjectFieldStart(field);
    number("value", e.value());
    number("lower", e.lower());
    number("upper", e.upper());
    number("confidence", e.confidence());
    json.writeStringField("method", e.method().name());
    json.writeEndObject();
  }

  /** A double, or {@code null} when it is not finite (JSON has no NaN). */
  private void number(String field, double v) throws IOException {
    if (Double.isFinite(v)) {
      json.writeNumberField(field, v);
    } else {
      json.writeNullField(field);
    }
  }

  private void money(String field, Map<String, Long> amounts) throws IOException {
    json.writeObjectFieldStart(field);
    for (Map.Entry<String, Long> e : amounts.entrySet()) {
      json.writeStringField(e.getKey(), AuditReport.usd(e.getValue()).toPlainString());
    }
    json.writeEndObject();
  }

  private void nullable(String field, @Nullable String value) throws IOException {
    if (value == null) {
      json.writeNullField(field);
    } else {
      json.writeStringField(field, value);
    }
  }

  static String instant(long epochNanos) {
    return Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L), Math.floorMod(epochNanos, 1_000_000_000L))
        .toString();
  }

  @Override
  public void close() throws IOException {
    json.close();
    out.close();
  }
}
