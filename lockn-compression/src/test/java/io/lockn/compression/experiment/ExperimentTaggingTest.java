package io.lockn.compression.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockn.core.AttributionKeys;
import io.lockn.core.ContentCapture;
import io.lockn.core.GenAiProvider;
import io.lockn.core.LockN;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ExperimentTaggingTest {

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final SdkTracerProvider tracerProvider =
      SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
  private final OpenTelemetrySdk otel = OpenTelemetrySdk.builder().setTracerProvider(tracerProvider).build();

  @AfterEach
  void close() {
    tracerProvider.close();
  }

  private static Assignment inExperiment() {
    Experiment e = Experiment.of("distill-v1");
    for (int i = 0; ; i++) {
      Assignment a = e.assign("tenant-" + i);
      if (a.is("compressed")) {
        return a;
      }
    }
  }

  private SpanData only(String name) {
    return exporter.getFinishedSpanItems().stream()
        .filter(s -> s.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no span " + name + " in " + exporter.getFinishedSpanItems()));
  }

  @Test
  void applyToSetsExperimentAndFeatureFlagAttributes() {
    Assignment a = inExperiment();
    Span span = otel.getTracer("test").spanBuilder("work").startSpan();
    assertThat(a.applyTo(span)).isSameAs(span);
    span.end();

    assertThat(only("work").getAttributes().asMap())
        .isEqualTo(
            Attributes.builder()
                .put("lockn.experiment.name", "distill-v1")
                .put("lockn.experiment.group", "compressed")
                .put("feature_flag.key", "distill-v1")
                .put("feature_flag.result.variant", "compressed")
                .put("feature_flag.result.reason", "split")
                .put("feature_flag.provider.name", "lockn")
                .build()
                .asMap());
  }

  @Test
  void unitOutsideTheExperimentIsNotCountedInAGroup() {
    Assignment a = Experiment.builder("distill-v1").setCoverage(0).build().assign("tenant-1");
    Span span = otel.getTracer("test").spanBuilder("work").startSpan();
    a.applyTo(span);
    span.end();

    Attributes attributes = only("work").getAttributes();
    assertThat(attributes.get(Experiments.EXPERIMENT_NAME)).isNull();
    assertThat(attributes.get(Experiments.EXPERIMENT_GROUP)).isNull();
    assertThat(attributes.get(Experiments.FEATURE_FLAG_RESULT_VARIANT)).isEqualTo("control");
    assertThat(attributes.get(Experiments.FEATURE_FLAG_RESULT_REASON)).isEqualTo("default");
    a.run(() -> assertThat(Baggage.current().isEmpty()).isTrue());
  }

  @Test
  void makeCurrentPutsTheAssignmentInBaggageOnTopOfExistingEntries() {
    Assignment a = inExperiment();
    try (Scope outer = Baggage.builder().put("app.tenant_id", "acme").build().makeCurrent()) {
      try (Scope inner = a.makeCurrent()) {
        Baggage baggage = Baggage.current();
        assertThat(baggage.getEntryValue("lockn.experiment.name")).isEqualTo("distill-v1");
        assertThat(baggage.getEntryValue("lockn.experiment.group")).isEqualTo("compressed");
        assertThat(baggage.getEntryValue("app.tenant_id")).isEqualTo("acme");

        Map<String, String> headers = new HashMap<>();
        W3CBaggagePropagator.getInstance().inject(Context.current(), headers, Map::put);
        assertThat(headers.get("baggage"))
            .contains("lockn.experiment.name=distill-v1")
            .contains("lockn.experiment.group=compressed");
      }
      assertThat(Baggage.current().getEntryValue("lockn.experiment.group")).isNull();
    }
    assertThat(a.supply(() -> Baggage.current().getEntryValue("lockn.experiment.group"))).isEqualTo("compressed");
  }

  @Test
  void lockNSpansCarryTheAssignmentWhenTheKeysAreAllowlisted() {
    AttributionKeys keys = Experiments.allowlist(AttributionKeys.builder()).build();
    assertThat(keys.allKeys()).containsAll(Experiments.BAGGAGE_KEYS);
    LockN lockn =
        LockN.builder()
            .setOpenTelemetry(otel)
            .setContentCapture(ContentCapture.disabled())
            .setAttributionKeys(keys)
            .build();

    Assignment a = inExperiment();
    a.run(() -> lockn.agent("support-bot").run(() -> lockn.chat(GenAiProvider.OPENAI, "gpt-4o").run(() -> {})));

    for (String name : new String[] {"invoke_agent support-bot", "chat gpt-4o"}) {
      Attributes attributes = only(name).getAttributes();
      assertThat(attributes.get(Experiments.EXPERIMENT_NAME)).as(name).isEqualTo("distill-v1");
      assertThat(attributes.get(Experiments.EXPERIMENT_GROUP)).as(name).isEqualTo("compressed");
    }
  }

  @Test
  void lockNSpansIgnoreTheAssignmentWhenTheKeysAreNotAllowlisted() {
    LockN lockn =
        LockN.builder()
            .setOpenTelemetry(otel)
            .setContentCapture(ContentCapture.disabled())
            .setAttributionKeys(AttributionKeys.defaults())
            .build();

    inExperiment().run(() -> lockn.chat(GenAiProvider.OPENAI, "gpt-4o").run(() -> {}));

    assertThat(only("chat gpt-4o").getAttributes().get(Experiments.EXPERIMENT_GROUP)).isNull();
  }
}
