package io.lockn.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Baggage rules of {@link AttributionKeys} that LockN's spans, its admission requests and the framework adapters
 * share: only allowlisted keys, control characters removed, values cut, empty values dropped.
 */
class AttributionKeysBaggageTest {

  private static final AttributeKey<String> TENANT = AttributeKey.stringKey("app.tenant_id");
  private static final AttributeKey<String> PLAN = AttributeKey.stringKey("app.plan");

  /** Tenant with a newline (removed), plan, an empty feature (dropped) and a key that is not allowlisted. */
  private static final Baggage BAGGAGE = Baggage.builder()
      .put("app.plan", "pro")
      .put("app.tenant_id", "ac\nme")
      .put("app.feature", "")
      .put("db.password", "hunter2")
      .build();

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private SdkTracerProvider tracerProvider;

  @AfterEach
  void closeProvider() {
    if (tracerProvider != null) {
      tracerProvider.close();
    }
  }

  private Tracer tracer(Sampler sampler) {
    tracerProvider = SdkTracerProvider.builder()
        .setSampler(sampler).addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
    return tracerProvider.get("test");
  }

  @Test
  void toMap_isTheAllowlistedSanitisedEntries_inAllowlistOrder() {
    assertThat(AttributionKeys.defaults().toMap(BAGGAGE))
        .containsExactly(Map.entry("app.tenant_id", "acme"), Map.entry("app.plan", "pro"));
    assertThat(AttributionKeys.defaults().toMap(Baggage.empty())).isEmpty();
    assertThat(AttributionKeys.defaults().toMap(Baggage.builder().put("db.password", "x").build())).isEmpty();
  }

  @Test
  void value_readsOneAllowlistedKey_only() {
    AttributionKeys keys = AttributionKeys.defaults();

    assertThat(keys.value(BAGGAGE, "app.tenant_id")).isEqualTo("acme");
    assertThat(keys.value(BAGGAGE, "app.feature")).as("empty").isNull();
    assertThat(keys.value(BAGGAGE, "app.user_id")).as("absent").isNull();
    assertThat(keys.value(BAGGAGE, "db.password")).as("not allowlisted").isNull();
    assertThat(keys.allows("app.tenant_id")).isTrue();
    assertThat(keys.allows("db.password")).isFalse();
  }

  @Test
  void values_areCutAtTheKeysMaximumLength_withoutSplittingASurrogatePair() {
    AttributionKeys keys = AttributionKeys.builder().setMaxValueLength(4).build();
    // "ab" + U+1F600 (two chars) + "c": the pair fits in 4 characters exactly; at 3 it is dropped whole.
    Baggage baggage = Baggage.builder().put("app.tenant_id", "ab\uD83D\uDE00c").build();

    assertThat(keys.value(baggage, "app.tenant_id")).isEqualTo("ab\uD83D\uDE00");
    assertThat(AttributionKeys.builder().setMaxValueLength(3).build().value(baggage, "app.tenant_id"))
        .isEqualTo("ab");
  }

  @Test
  void copyToASpanBuilder_setsTheEntriesBeforeTheSpanStarts_whereSamplersSeeThem() {
    AtomicReference<Attributes> sampled = new AtomicReference<>();
    Tracer tracer = tracer(new Sampler() {
      @Override
      public SamplingResult shouldSample(Context parent, String traceId, String name, SpanKind kind,
          Attributes attributes, List<LinkData> links) {
        sampled.set(attributes);
        return SamplingResult.recordAndSample();
      }

      @Override
      public String getDescription() {
        return "capturing";
      }
    });
    SpanBuilder builder = tracer.spanBuilder("chat gpt-4o");

    AttributionKeys.defaults().copy(BAGGAGE, builder);
    builder.startSpan().end();

    assertThat(sampled.get().get(TENANT)).isEqualTo("acme");
    assertThat(sampled.get().get(PLAN)).isEqualTo("pro");
    assertThat(sampled.get().get(AttributeKey.stringKey("db.password"))).isNull();
  }

  @Test
  void copyToAStartedSpan_setsTheSameEntries() {
    Span span = tracer(Sampler.alwaysOn()).spanBuilder("chat gpt-4o").startSpan();

    AttributionKeys.defaults().copy(BAGGAGE, span);
    span.end();

    SpanData data = exporter.getFinishedSpanItems().get(0);
    assertThat(data.getAttributes().asMap())
        .containsOnly(Map.entry(TENANT, "acme"), Map.entry(PLAN, "pro"));
  }
}
