package io.lockn.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import org.junit.jupiter.api.Test;

class SmokeTest {
  @Test
  void nestedSpans() {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
        .build();
    LockN lockn = LockN.builder().setOpenTelemetry(otel).build();
    String r = lockn.attribution().tenant("acme").supply(() ->
        lockn.workflow("support").supply(() -> lockn.agent("bot").task("triage").supply(() -> {
          lockn.tool("lookup").run(() -> {});
          return lockn.chat("openai", "gpt-4o").supply(() -> {
            lockn.currentLlmCall().recordUsage(TokenUsage.fromOpenAi(100, 20, 50, 10)).responseModel("gpt-4o-2024-08-06");
            return "ok";
          });
        })));
    assertThat(r).isEqualTo("ok");
    List<SpanData> spans = exporter.getFinishedSpanItems();
    spans.forEach(s -> System.out.println(s.getName() + " " + s.getKind() + " " + s.getAttributes()));
    assertThat(spans).hasSize(4);
  }
}
