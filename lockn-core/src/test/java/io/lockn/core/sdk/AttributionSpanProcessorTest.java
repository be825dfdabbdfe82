package io.lockn.core.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lockn.core.AttributionKeys;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AttributionSpanProcessorTest {

  private static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
  private static final AttributeKey<String> TENANT = AttributeKey.stringKey("app.tenant_id");
  private static final AttributeKey<String> COST_CENTER = AttributeKey.stringKey("app.cost_center");
  private static final AttributeKey<String> WORKFLOW_ID = AttributeKey.stringKey("app.workflow_id");
  private static final AttributeKey<String> FEATURE = AttributeKey.stringKey("app.feature");
  private static final AttributeKey<String> PLAN = AttributeKey.stringKey("app.plan");
  private static final AttributeKey<String> USER_ID = AttributeKey.stringKey("app.user_id");

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private SdkTracerProvider tracerProvider;

  @AfterEach
  void closeProvider() {
    if (tracerProvider != null) {
      tracerProvider.close();
    }
  }

  /** A plain tracer, as another instrumentation would use, on a provider with the processor installed first. */
  private Tracer foreignTracer(AttributionKeys keys) {
    tracerProvider =
        SdkTracerProvider.builder()
            .addSpanProcessorFirst(AttributionSpanProcessor.create(keys))
            .addSpanProcessor(SimpleSpanProcessor.create(exporter))
            .build();
    return tracerProvider.get("io.opentelemetry.openai-java");
  }

  private static Baggage attributionBaggage() {
    return Baggage.builder()
        .put("app.tenant_id", "acme")
        .put("app.cost_center", "cc-42")
        .put("app.workflow_id", "wf-7")
        .put("app.feature", "support-chat")
        .put("app.plan", "enterprise")
        .put("app.user_id", "u-1001")
        .put("internal.debug_token", "s3cr3t")
        .build();
  }

  private SpanData only() {
    assertThat(exporter.getFinishedSpanItems()).hasSize(1);
    return exporter.getFinishedSpanItems().get(0);
  }

  @Test
  void onStart_copiesAllowlistedBaggageOntoAForeignGenAiSpan() {
    Tracer tracer = foreignTracer(AttributionKeys.defaults());

    try (Scope ignored = attributionBaggage().makeCurrent()) {
      tracer.spanBuilder("chat gpt-4o").setAttribute(OPERATION, "chat").startSpan().end();
    }

    Attributes attributes = only().getAttributes();
    assertThat(attributes.get(TENANT)).isEqualTo("acme");
    assertThat(attributes.get(COST_CENTER)).isEqualTo("cc-42");
    assertThat(attributes.get(WORKFLOW_ID)).isEqualTo("wf-7");
    assertThat(attributes.get(FEATURE)).isEqualTo("support-chat");
    assertThat(attributes.get(PLAN)).isEqualTo("enterprise");
    assertThat(attributes.get(USER_ID)).isEqualTo("u-1001");
    assertThat(attributes.get(AttributeKey.stringKey("internal.debug_token"))).isNull();
    assertThat(attributes.get(OPERATION)).isEqualTo("chat");
    assertThat(attributes.size()).isEqualTo(7);
  }

  @Test
  void onStart_doesNotTouchAPlainNonGenAiSpan() {
    Tracer tracer = foreignTracer(AttributionKeys.defaults());

    try (Scope ignored = attributionBaggage().makeCurrent()) {
      tracer.spanBuilder("GET /orders").setAttribute("http.request.method", "GET").startSpan().end();
    }

    Attributes attributes = only().getAttributes();
    assertThat(attributes.get(TENANT)).isNull();
    assertThat(attributes.get(COST_CENTER)).isNull();
    assertThat(attributes.size()).isEqualTo(1);
  }

  @Test
  void onStart_operationNameSetOnlyAfterStartDoesNotMakeAGenAiSpan() {
    Tracer tracer = foreignTracer(AttributionKeys.defaults());

    try (Scope ignored = attributionBaggage().makeCurrent()) {
      var span = tracer.spanBuilder("late").startSpan();
      span.setAttribute(OPERATION, "chat");
      span.end();
    }

    assertThat(only().getAttributes().get(TENANT)).isNull();
  }

  @Test
  void onStart_readsBaggageFromTheExplicitParentContextNotTheThreadContext() {
    Tracer tracer = foreignTracer(AttributionKeys.defaults());
    Context parent = Context.root().with(Baggage.builder().put("app.tenant_id", "from-parent").build());

    try (Scope ignored = Baggage.builder().put("app.tenant_id", "from-thread").build().makeCurrent()) {
      tracer.spanBuilder("chat gpt-4o").setParent(parent).setAttribute(OPERATION, "chat").startSpan().end();
    }

    assertThat(only().getAttributes().get(TENANT)).isEqualTo("from-parent");
  }

  @Test
  void onStart_appliesCustomKeysAndSanitisesValues() {
    AttributionKeys keys =
        AttributionKeys.builder().setTenantKey("customer.id").addKey("app.env").setMaxValueLength(4).build();
    Tracer tracer = foreignTracer(keys);
    Baggage baggage =
        Baggage.builder()
            .put("customer.id", "ac\u0000me-corp")
            .put("app.env", "production")
            .put("app.tenant_id", "ignored")
            .build();

    try (Scope ignored = baggage.makeCurrent()) {
      tracer.spanBuilder("execute_tool lookup").setAttribute(OPERATION, "execute_tool").startSpan().end();
    }

    Attributes attributes = only().getAttributes();
    assertThat(attributes.get(AttributeKey.stringKey("customer.id"))).isEqualTo("acme");
    assertThat(attributes.get(AttributeKey.stringKey("app.env"))).isEqualTo("prod");
    assertThat(attributes.get(TENANT)).isNull();
  }

  @Test
  void onStart_withoutBaggageAddsNothing() {
    Tracer tracer = foreignTracer(AttributionKeys.defaults());

    tracer.spanBuilder("chat gpt-4o").setAttribute(OPERATION, "chat").startSpan().end();

    assertThat(only().getAttributes().size()).isEqualTo(1);
  }

  @Test
  void create_rejectsNullKeysAndDeclaresStartOnly() {
    assertThatThrownBy(() -> AttributionSpanProcessor.create(null)).isInstanceOf(NullPointerException.class);

    AttributionSpanProcessor processor = AttributionSpanProcessor.create(AttributionKeys.defaults());
    assertThat(processor.isStartRequired()).isTrue();
    assertThat(processor.isEndRequired()).isFalse();
  }
}
