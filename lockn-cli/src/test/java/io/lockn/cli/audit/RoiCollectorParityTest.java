package io.lockn.cli.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockn.compression.Compression;
import io.lockn.compression.CompressionAttributes;
import io.lockn.compression.experiment.Assignment;
import io.lockn.compression.experiment.Experiments;
import io.lockn.compression.roi.RoiAnalysis;
import io.lockn.compression.roi.RoiResult;
import io.lockn.compression.roi.RoiSample;
import io.lockn.compression.roi.sdk.RoiCollector;
import io.lockn.core.AttributionKeys;
import io.lockn.core.GenAiMessage;
import io.lockn.core.GenAiProvider;
import io.lockn.core.LockN;
import io.lockn.core.MessagePart;
import io.lockn.core.TokenUsage;
import io.lockn.core.spi.TokenCounter;
import io.lockn.pricing.PriceCatalog;
import io.lockn.pricing.sdk.CostPipeline;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.math.BigDecimal;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The in-process {@link RoiCollector} and {@code lockn audit --experiments} ({@link Audit}) turn the same spans into the
 * same samples: one application run, collected in-process and exported, the export audited offline.
 */
class RoiCollectorParityTest {

  private static final Assignment CONTROL = new Assignment("ctx", 0, "control", true, 0.2);
  private static final Assignment COMPRESSED = new Assignment("ctx", 1, "compressed", true, 0.8);

  /** One token per word. */
  private static final TokenCounter WORDS = (provider, model, messages) -> messages.stream()
      .flatMap(m -> m.parts().stream())
      .filter(p -> p instanceof MessagePart.Text)
      .mapToLong(p -> ((MessagePart.Text) p).content().split(" ").length)
      .sum();

  @Test
  void collectorAndAudit_giveEqualSamplesForTheSameSpans() {
    PriceCatalog catalog = PriceCatalog.bundled();
    RoiCollector roi = RoiCollector.builder().setPriceCatalog(catalog).build();
    InMemorySpanExporter exported = InMemorySpanExporter.create();
    List<SpanData> spans;
    CostPipeline costs = CostPipeline.builder(catalog).addStage(roi).build();
    try (OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder()
            .addSpanProcessor(costs)
            .addSpanProcessor(SimpleSpanProcessor.create(exported))
            .build())
        .build()) {
      LockN lockn = LockN.builder().setOpenTelemetry(sdk).setCallPricing(costs)
          .setAttributionKeys(Experiments.allowlist(AttributionKeys.builder()).build()).build();
      Compression compression = Compression.builder(sdk).setTokenCounter(WORDS)
          .setQualityEvaluator(in -> CompletableFuture.completedFuture(in.compressedText().length() % 7 / 10.0 + 0.3))
          .addListener(roi).build();
      for (int i = 0; i < 12; i++) {
        run(lockn, compression, i);
      }
      spans = exported.getFinishedSpanItems(); // before the exporter's shutdown clears them
    }

    Audit audit = Audit.builder(catalog).setExperiments(RoiAnalysis.builder().setBootstrapIterations(200).build())
        .build();
    audit.accept(spans.stream().map(AuditSpanExporter::convert).toList());
    AuditReport report = audit.finish();

    List<RoiSample> offline = sorted(report.roiSamples());
    List<RoiSample> inProcess = sorted(roi.samples());
    assertThat(inProcess).hasSize(12);
    assertThat(inProcess).isEqualTo(offline);
    // Every rule was exercised: steps as siblings and children, step costs, scores, agents and none, cache writes.
    assertThat(inProcess).anySatisfy(s -> assertThat(s.compressionCostNanos()).isEqualTo(7));
    assertThat(inProcess).anySatisfy(s -> assertThat(s.qualityScore()).isNotNull());
    assertThat(inProcess).anySatisfy(s -> assertThat(s.agent()).isEmpty());
    assertThat(inProcess).anySatisfy(s -> assertThat(s.cacheWriteTokens()).isPositive());
    assertThat(inProcess).allSatisfy(s -> assertThat(s.epochNanos()).isPositive());
    assertThat(roi.savingsOverTime()).isEqualTo(report.savingsOverTime());
    RoiResult online = roi.report().get("ctx", RoiResult.ALL_AGENTS, "compressed").orElseThrow();
    RoiResult audited = report.roi().get("ctx", RoiResult.ALL_AGENTS, "compressed").orElseThrow();
    assertThat(online.costSavingsUsd()).isEqualTo(audited.costSavingsUsd());
    assertThat(online.costSavingsUsd()).isNotEqualTo(BigDecimal.ZERO);
  }

  /** Session {@code i}: a mix of agents, groups, step placements, step costs and models. */
  private static void run(LockN lockn, Compression compression, int i) {
    Assignment group = i % 3 == 0 ? CONTROL : COMPRESSED;
    boolean child = i % 2 == 0;
    boolean anthropic = i % 4 == 1;
    Runnable work = () -> {
      long[] sent = {600 + 10L * i};
      Runnable compress = () -> {
        if (group.is("compressed")) {
          String out = compression.step("trim").model("gpt-4o").measure("w ".repeat(600 + 10 * i).strip(), t -> {
            if (i % 5 == 0) {
              Span.current().setAttribute(CompressionAttributes.COST_NANOS, 7L);
            }
            return "w ".repeat(200 + i).strip();
          });
          sent[0] = WORDS.countInputTokens("", "", List.of(GenAiMessage.user(out)));
        }
      };
      if (!child) {
        compress.run();
      }
      (anthropic ? lockn.chat(GenAiProvider.ANTHROPIC, "claude-sonnet-4-5") : lockn.chat(GenAiProvider.OPENAI,
          "gpt-4o")).run(() -> {
            if (child) {
              compress.run();
            }
            lockn.currentLlmCall().recordUsage(anthropic
                ? TokenUsage.fromAnthropic(sent[0], 0, 500, 80)
                : TokenUsage.fromOpenAi(sent[0], 0, 80, 0));
          });
    };
    if (i % 6 == 5) {
      // No agent; the group on the call's parent span only, no Baggage.
      lockn.task("loose").run(() -> {
        group.applyTo(Span.current());
        work.run();
      });
    } else {
      group.run(() -> lockn.agent(i % 2 == 0 ? "support-bot" : "research-bot").task("answer").run(work));
    }
  }

  private static List<RoiSample> sorted(List<RoiSample> samples) {
    return samples.stream().sorted(Comparator.comparingLong(RoiSample::epochNanos)).toList();
  }
}
