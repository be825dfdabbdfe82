package io.lockn.cli.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockn.core.LockN;
import io.lockn.core.TokenUsage;
import io.lockn.pricing.PriceCatalog;
import io.lockn.pricing.sdk.CostPipeline;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The audit in-process: spans from a running application, no export file in between. */
class AuditSpanExporterTest {

  @Test
  void inProcessAudit_pricesAttributesAndFindsRetries() {
    Audit audit = Audit.builder(PriceCatalog.bundled()).setGroupBy(List.of("app.feature")).build();
    SdkTracerProvider tracing =
        SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(AuditSpanExporter.create(audit)))
            .build();
    LockN lockn = LockN.create(OpenTelemetrySdk.builder().setTracerProvider(tracing).build());

    lockn.attribution().tenant("acme").feature("chat").run(() ->
        lockn.agent("support-bot").run(() -> {
          var first = lockn.chat("openai", "gpt-4o-mini").start();
          first.recordError("429");
          first.close();
          lockn.chat("openai", "gpt-4o-mini").retryOf(first).run(() ->
              lockn.currentLlmCall().recordUsage(TokenUsage.of(1_000_000, 1_000_000)));   // $0.15 + $0.60
        }));
    tracing.close();

    AuditReport report = audit.finish();
    assertThat(AuditReport.usd(report.totalNanos())).isEqualByComparingTo("0.75");
    assertThat(report.byTenant()).containsEntry("acme", 750_000_000L);
    assertThat(report.byAgent()).containsEntry("support-bot", 750_000_000L);
    assertThat(report.byGroup().get("app.feature")).containsEntry("chat", 750_000_000L);
    assertThat(report.findingCounts()).containsEntry(Finding.RETRY_CHAIN, 1L);
  }

  @Test
  void spanPricedInProcessWithItsTotalOnly_getsItsPartsFromTheCatalog_whenTheTotalsAgree() {
    Audit audit = Audit.builder(PriceCatalog.bundled()).build();
    CostPipeline costs = CostPipeline.builder(PriceCatalog.bundled()).build(); // no span cost breakdown
    SdkTracerProvider tracing = SdkTracerProvider.builder().addSpanProcessor(costs)
        .addSpanProcessor(SimpleSpanProcessor.create(AuditSpanExporter.create(audit))).build();
    LockN lockn = LockN.builder().setOpenTelemetry(OpenTelemetrySdk.builder().setTracerProvider(tracing).build())
        .setCallPricing(costs).build();

    // 1M in x $0.15 + 1M out x $0.60, recorded on the span as a total only.
    lockn.chat("openai", "gpt-4o-mini").run(() ->
        lockn.currentLlmCall().recordUsage(TokenUsage.of(1_000_000, 1_000_000)));
    tracing.close();

    AuditReport report = audit.finish();
    assertThat(report.totalNanos()).isEqualTo(750_000_000L);
    assertThat(report.byTokenClass()).containsEntry("input", 150_000_000L).containsEntry("output", 600_000_000L)
        .doesNotContainKey("unallocated");
  }
}
