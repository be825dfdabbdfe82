package io.lockn.cli.audit;

import static io.lockn.cli.audit.AuditTestSupport.auditJson;
import static io.lockn.cli.audit.AuditTestSupport.lockn;
import static io.lockn.cli.audit.AuditTestSupport.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.lockn.compression.roi.RoiAnalysis;
import io.lockn.compression.roi.RoiResult;
import io.lockn.compression.roi.RoiSample;
import io.lockn.pricing.PriceCatalog;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lockn audit --experiments} over {@code otlp/lockn-experiments.jsonl}: experiment {@code ctx-distill}, agents
 * {@code support-bot} and {@code research-bot} (from their {@code invoke_agent} parents, which carry the experiment
 * attributes), 20 control and 20 compressed gpt-4o calls each. Control calls send 1000..1400 input tokens (mean
 * 1200); compressed calls send 40% of the same originals, which a sibling {@code compress} span records; outputs are
 * the same in both groups. So the token savings rate is exactly 0.6 and the saving per call exactly (1200 - 480) x
 * $2.50/M = $0.0018.
 */
class ExperimentsAuditTest {

  private static final long T0 = 1_749_981_600_000_000_000L;

  @Test
  void jsonExperimentsSectionHasExactSavingsAndVerdicts(@TempDir Path dir) {
    JsonNode result = auditJson(dir, "--input", resource("lockn-experiments.jsonl").toString(), "--experiments");
    JsonNode experiments = result.get("experiments");
    assertThat(experiments).hasSize(3);
    JsonNode all = experiments.get(0);
    assertThat(all.get("experiment").asText()).isEqualTo("ctx-distill");
    assertThat(all.get("agent").asText()).isEqualTo(RoiResult.ALL_AGENTS);
    assertThat(all.get("group").asText()).isEqualTo("compressed");
    assertThat(all.get("controlGroup").asText()).isEqualTo("control");
    assertThat(all.get("controlCalls").asInt()).isEqualTo(40);
    assertThat(all.get("treatmentCalls").asInt()).isEqualTo(40);
    // Original tokens come from the sibling compress spans; sent tokens from the model calls.
    assertThat(all.get("inputTokensOriginal").asLong()).isEqualTo(48_000);
    assertThat(all.get("inputTokensSent").asLong()).isEqualTo(19_200);
    assertThat(all.get("tokenSavingsRate").get("value").asDouble()).isCloseTo(0.6, within(1e-12));
    assertThat(all.get("tokenSavingsRate").get("method").asText()).isEqualTo("PERCENTILE_BOOTSTRAP");

    // Money: exact decimal strings, adding up to the audit's total.
    assertThat(all.get("costSavingsPerCallUsd").asText()).isEqualTo("0.001800000000");
    assertThat(all.get("costSavingsUsd").asText()).isEqualTo("0.072000000");
    assertThat(all.get("costSavingsPercent").asText()).isEqualTo("34.9515");
    assertThat(all.get("compressionCostUsd").asText()).isEqualTo("0.000000000");
    assertThat(new BigDecimal(all.get("controlCostUsd").asText()).add(new BigDecimal(all.get("treatmentCostUsd")
        .asText()))).isEqualByComparingTo(new BigDecimal(result.get("totals").get("costUsd").asText()));

    // Intervals are numbers around the point estimate; verdicts only when they exclude no change.
    JsonNode perCall = all.get("costSavingsPerCall");
    assertThat(perCall.get("value").asDouble()).isCloseTo(0.0018, within(1e-15));
    assertThat(perCall.get("lower").isNumber()).isTrue();
    assertThat(perCall.get("lower").asDouble()).isPositive().isLessThan(0.0018);
    assertThat(perCall.get("upper").asDouble()).isGreaterThan(0.0018);
    assertThat(perCall.get("method").asText()).isEqualTo("WELCH_T");
    assertThat(all.get("costVerdict").asText()).isEqualTo("SAVES");
    assertThat(all.get("latencyVerdict").asText()).isEqualTo("SAVES");
    assertThat(all.get("latencyP50Ratio").get("upper").asDouble()).isLessThan(1);
    assertThat(all.get("nonInferiority").asText()).isEqualTo("PASS");
    assertThat(all.get("qualityRetention").get("lower").asDouble()).isGreaterThan(0.95);
    // Context window from the catalog: gpt-4o, 128,000 tokens.
    assertThat(all.get("treatmentContextUtilisation").asDouble()).isCloseTo(480.0 / 128_000, within(1e-12));
    assertThat(all.get("treatmentOriginalContextUtilisation").asDouble()).isCloseTo(1200.0 / 128_000, within(1e-12));
    assertThat(all.get("requestsEnabled").asLong()).isZero();

    // The cost waterfall over time: 80 calls 10 s apart, so 15-second buckets; the buckets add up exactly to the
    // savings above.
    JsonNode overTime = all.get("savingsOverTime");
    assertThat(overTime.get("interval").asText()).isEqualTo("PT15S");
    assertThat(overTime.get("controlCalls").asInt()).isEqualTo(40);
    assertThat(overTime.get("counterfactualCostPerCallUsd").asText()).isEqualTo("0.005150000000");
    assertThat(overTime.get("totalSavingsUsd").asText()).isEqualTo("0.072000000");
    assertThat(overTime.get("undatedCalls").asInt()).isZero();
    JsonNode buckets = overTime.get("buckets");
    assertThat(buckets).hasSize(54);
    assertThat(buckets.get(0).get("start").asText()).isEqualTo("2025-06-15T10:00:00Z");
    BigDecimal savings = BigDecimal.ZERO;
    BigDecimal actual = BigDecimal.ZERO;
    BigDecimal original = BigDecimal.ZERO;
    int calls = 0;
    for (JsonNode b : buckets) {
      calls += b.get("calls").asInt();
      savings = savings.add(new BigDecimal(b.get("savingsUsd").asText()));
      actual = actual.add(new BigDecimal(b.get("compressedCostUsd").asText()));
      original = original.add(new BigDecimal(b.get("originalCostUsd").asText()));
      assertThat(new BigDecimal(b.get("cumulativeSavingsUsd").asText())).isEqualByComparingTo(savings);
      assertThat(new BigDecimal(b.get("originalCostUsd").asText())).isEqualByComparingTo(
          new BigDecimal(b.get("compressedCostUsd").asText()).add(new BigDecimal(b.get("savingsUsd").asText())));
    }
    assertThat(calls).isEqualTo(40);
    assertThat(savings).isEqualByComparingTo("0.072");
    assertThat(actual).isEqualByComparingTo(new BigDecimal(all.get("treatmentCostUsd").asText()));
    assertThat(original).isEqualByComparingTo("0.206"); // 40 calls at the control's mean, $0.00515
    assertThat(experiments.get(1).has("savingsOverTime")).isFalse();

    List<String> agents = new ArrayList<>();
    experiments.forEach(e -> agents.add(e.get("agent").asText()));
    assertThat(agents).containsExactly("*", "research-bot", "support-bot");
    JsonNode support = experiments.get(2);
    assertThat(support.get("treatmentCalls").asInt()).isEqualTo(20);
    assertThat(support.get("costSavingsUsd").asText()).isEqualTo("0.036000000");
    assertThat(support.get("costVerdict").asText()).isEqualTo("SAVES");
  }

  @Test
  void printsTheRoiSummaryAndLeavesExperimentsOutUnlessAsked(@TempDir Path dir) {
    AuditTestSupport.Run run =
        lockn("audit", "--input", resource("lockn-experiments.jsonl").toString(), "--experiments");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).contains("Experiments (95% confidence intervals):")
        .contains("ctx-distill / agent (all) / compressed vs control (40 vs 40 calls)")
        .contains("token savings   60.00% [60.00%, 60.00%]")
        .contains("cost savings    $0.072000000 (34.9515%) per call $0.001800000000")
        .contains("-> SAVES")
        .contains("over time       54 bucket(s) of PT15S from 2025-06-15T10:00:00Z: cumulative savings $0.072000000")
        .contains("non-inferiority (margin 0.05): PASS");

    JsonNode plain = auditJson(dir, "--input", resource("lockn-experiments.jsonl").toString());
    assertThat(plain.has("experiments")).isFalse();
    AuditTestSupport.Run without = lockn("audit", "--input", resource("lockn-experiments.jsonl").toString());
    assertThat(without.out()).doesNotContain("Experiments");

    AuditTestSupport.Run badMargin = lockn("audit", "--input", resource("lockn-experiments.jsonl").toString(),
        "--experiments", "--non-inferiority-margin", "1.5");
    assertThat(badMargin.exit()).isEqualTo(2);
  }

  @Test
  void samplesTakeTheCompressStepsCostAndQualityAndHostileNamesAreEscaped() throws Exception {
    String hostileExperiment = "<script>alert('x')</script>";
    String hostileGroup = "\"><img src=x onerror=alert(1)>";
    Audit audit = Audit.builder(PriceCatalog.bundled()).setExperiments(RoiAnalysis.builder().build()).build();
    for (int i = 0; i < 6; i++) {
      boolean control = i % 2 == 0;
      String trace = String.format("%032x", 0xf00 + i);
      String root = String.format("%016x", 0xa00 + i);
      String call = String.format("%016x", 0xb00 + i);
      long start = T0 + i * 1_000_000_000L;
      Map<String, Object> rootAttrs = new HashMap<>(Map.of("lockn.experiment.name", hostileExperiment,
          "lockn.experiment.group", control ? "control" : hostileGroup));
      Map<String, Object> callAttrs = new HashMap<>(Map.of("gen_ai.operation.name", "chat",
          "gen_ai.provider.name", "openai", "gen_ai.request.model", "gpt-4o",
          "gen_ai.usage.input_tokens", control ? 1000L + i : 300L + i, "gen_ai.usage.output_tokens", 100L,
          "lockn.agent.name", "<b>agent</b>"));
      List<AuditSpan> spans = new ArrayList<>();
      if (!control) {
        // The compress step is the model call's child here, with its own cost recorded.
        spans.add(new AuditSpan(trace, String.format("%016x", 0xc00 + i), call, "compress semantic_dedup",
            start + 1, start + 2, false, Map.of("lockn.compression.input_tokens_original", 1000L + i,
                "lockn.compression.quality_score", 0.8, Audit.COMPRESSION_COST_NANOS, 7L), Map.of()));
      }
      spans.add(new AuditSpan(trace, call, root, "chat gpt-4o", start, start + 500_000_000L, false, callAttrs,
          Map.of()));
      spans.add(new AuditSpan(trace, root, null, "root", start, start + 600_000_000L, false, rootAttrs, Map.of()));
      audit.accept(spans);
    }
    AuditReport report = audit.finish();
    List<RoiSample> samples = report.roiSamples();
    assertThat(samples).hasSize(6);
    RoiSample compressed = samples.stream().filter(s -> s.group().equals(hostileGroup)).findFirst().orElseThrow();
    assertThat(compressed.inputTokensOriginal()).isEqualTo(1001);
    assertThat(compressed.inputTokensSent()).isEqualTo(301);
    assertThat(compressed.compressionCostNanos()).isEqualTo(7);
    assertThat(compressed.qualityScore()).isEqualTo(0.8);
    assertThat(compressed.latencyNanos()).isEqualTo(500_000_000L);
    assertThat(compressed.contextWindow()).isEqualTo(128_000);
    assertThat(compressed.agent()).isEqualTo("<b>agent</b>");
    assertThat(compressed.epochNanos()).isEqualTo(T0 + 1_000_000_000L);
    RoiResult all = report.roi().get(hostileExperiment, RoiResult.ALL_AGENTS, hostileGroup).orElseThrow();
    assertThat(all.compressionCostNanos()).isEqualTo(21);

    String html = HtmlReportWriter.render(report, Instant.parse("2025-06-16T00:00:00Z"));
    HtmlReportTest.assertSelfContained(html, HtmlReportTest.parse(html));
    assertThat(html).doesNotContain(hostileExperiment).doesNotContain(hostileGroup).doesNotContain("<b>agent")
        .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;")
        .contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;")
        .contains("id=\"chart-roi-cost-1\"").contains("id=\"chart-roi-quality-1\"")
        .contains("id=\"chart-roi-waterfall-1-1\"").contains("id=\"roi-waterfall-table-1-1\"");
    assertThat(report.savingsOverTime()).singleElement().satisfies(series -> {
      assertThat(series.group()).isEqualTo(hostileGroup);
      assertThat(series.interval()).hasSeconds(1);
      assertThat(BigDecimal.valueOf(series.totalSavingsNanos(), 9)).isEqualTo(all.costSavingsUsd());
    });
  }
  /**
   * A treatment that writes a long prompt prefix to Anthropic's cache at 1.25x and never reads it back costs more
   * than control: the waterfall's savings bars hang below zero and the cumulative savings fall.
   */
  @Test
  void cacheWritePremiums_showAsNegativeSavingsInTheWaterfall() throws Exception {
    Audit audit = Audit.builder(PriceCatalog.bundled()).setExperiments(RoiAnalysis.builder().build()).build();
    for (int i = 0; i < 8; i++) {
      boolean control = i % 2 == 0;
      String trace = String.format("%032x", 0xe00 + i);
      String call = String.format("%016x", 0xd00 + i);
      long start = T0 + i * 3_600_000_000_000L;
      Map<String, Object> attrs = new HashMap<>(Map.of("gen_ai.operation.name", "chat",
          "gen_ai.provider.name", "anthropic", "gen_ai.request.model", "claude-sonnet-4-5",
          "gen_ai.usage.input_tokens", 2000L, "gen_ai.usage.output_tokens", 100L,
          "lockn.experiment.name", "prompt-cache", "lockn.experiment.group", control ? "control" : "cached"));
      if (!control) {
        attrs.put("gen_ai.usage.cache_creation.input_tokens", 1800L);
      }
      audit.accept(List.of(new AuditSpan(trace, call, null, "chat claude-sonnet-4-5", start,
          start + 900_000_000L, false, attrs, Map.of())));
    }
    AuditReport report = audit.finish();
    RoiResult r = report.roi().get("prompt-cache", RoiResult.ALL_AGENTS, "cached").orElseThrow();
    // 1,800 tokens written at $3.75 instead of read as input at $3.00 per million: $0.00135 more per call.
    assertThat(r.costSavingsPerCallUsd()).isEqualTo(new BigDecimal("-0.001350000000"));
    assertThat(r.costSavingsUsd()).isEqualTo(new BigDecimal("-0.005400000"));
    assertThat(report.savingsOverTime()).singleElement().satisfies(series -> {
      assertThat(series.interval()).hasMinutes(10); // 7 hours in at most 60 buckets
      assertThat(series.totalSavingsNanos()).isEqualTo(-5_400_000);
      assertThat(series.buckets()).filteredOn(b -> b.calls() > 0)
          .allSatisfy(b -> assertThat(b.savingsNanos()).isEqualTo(-1_350_000));
    });

    String html = HtmlReportWriter.render(report, Instant.parse("2025-06-16T00:00:00Z"));
    HtmlReportTest.assertSelfContained(html, HtmlReportTest.parse(html));
    Matcher waterfall = Pattern.compile("<svg id=\"chart-roi-waterfall-1-1\".*?</svg>", Pattern.DOTALL)
        .matcher(html);
    assertThat(waterfall.find()).isTrue();
    assertThat(waterfall.group()).contains("<rect class=\"bar negative\"")
        .doesNotContain("<rect class=\"bar roi-saved\"").contains("cumulative savings: $-0.005400000");
    String keep = System.getenv("LOCKN_ROI_REPORT");
    if (keep != null && !keep.isBlank()) {
      Files.writeString(Path.of(keep), html);
    }
  }
}
