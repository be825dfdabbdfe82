package io.lockn.langchain4j;

import static io.lockn.langchain4j.Telemetry.nanos;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import io.lockn.core.GenAiAttributes;
import io.lockn.pricing.CostAttributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** OpenAI embeddings through {@link LockNLangChain4j#embeddingModelListener()}. */
class OpenAiEmbeddingModelTest extends OpenAiFixture {

  @Test
  void listener_recordsAnEmbeddingsSpanWithUsageAndExactCost() {
    stub.enqueue(ProviderStub.json(200, OpenAiJson.embeddings("text-embedding-3-small", 4100,
        new float[] {0.1f, 0.2f, 0.3f}, new float[] {0.4f, 0.5f, 0.6f})));
    EmbeddingModel model =
        openAiEmbedding("text-embedding-3-small").listeners(List.of(lc.embeddingModelListener())).build();

    Response<List<Embedding>> response =
        model.embedAll(List.of(TextSegment.from("refund policy"), TextSegment.from("invoice terms")));

    assertThat(response.content()).hasSize(2);
    assertThat(stub.request(0).path()).isEqualTo("/v1/embeddings");
    assertThat(stub.request(0).json().get("input")).hasSize(2);
    SpanData span = telemetry.span("embeddings text-embedding-3-small");
    assertThat(telemetry.spans()).hasSize(1);
    assertThat(span.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(span.getParentSpanContext().isValid()).isFalse();
    assertThat(span.getAttributes().get(GenAiAttributes.GEN_AI_OPERATION_NAME)).isEqualTo("embeddings");
    assertThat(span.getAttributes().get(GenAiAttributes.GEN_AI_PROVIDER_NAME)).isEqualTo("openai");
    assertThat(span.getAttributes().get(GenAiAttributes.GEN_AI_REQUEST_MODEL)).isEqualTo("text-embedding-3-small");
    assertThat(span.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS)).isEqualTo(4100L);
    assertThat(span.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_OUTPUT_TOKENS)).isNull();
    assertThat(span.getAttributes().get(GenAiAttributes.GEN_AI_EMBEDDINGS_DIMENSION_COUNT)).isEqualTo(3L);
    // text-embedding-3-small: 0.02 USD per 1M input tokens.
    assertThat(span.getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(nanos(4100, "0.02")).isEqualTo(82_000L);
    assertThat(span.getAttributes().get(CostAttributes.PRICING_ID)).isEqualTo("openai/text-embedding-3-small");
    assertThat(telemetry.longSums("lockn.client.cost", CostAttributes.COST_TYPE))
        .containsExactlyInAnyOrderEntriesOf(Map.of("input", 82_000L));
  }

  @Test
  void addListener_nestsTheCallUnderTheCurrentSpan() {
    stub.enqueue(ProviderStub.json(200,
        OpenAiJson.embeddings("text-embedding-3-large", 7, new float[] {1f, 0f})));
    EmbeddingModel model = openAiEmbedding("text-embedding-3-large").build().addListener(lc.embeddingModelListener());

    Span ingest = telemetry.openTelemetry().getTracer("app").spanBuilder("ingest").startSpan();
    try (Scope ignored = ingest.makeCurrent()) {
      model.embed("hello");
    } finally {
      ingest.end();
    }

    SpanData span = telemetry.span("embeddings text-embedding-3-large");
    assertThat(span.getParentSpanContext()).isEqualTo(ingest.getSpanContext());
    assertThat(span.getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(nanos(7, "0.13")).isEqualTo(910L);
    assertThat(telemetry.span("ingest").getAttributes().get(CostAttributes.ROLLUP_TOTAL_NANOS)).isEqualTo(910L);
  }

  @Test
  void providerError_passesThroughAndFailsTheSpan() {
    stub.enqueue(ProviderStub.json(500, OpenAiJson.error("server_error", "boom")));
    EmbeddingModel model =
        openAiEmbedding("text-embedding-3-small").listeners(List.of(lc.embeddingModelListener())).build();

    Throwable thrown = catchThrowable(() -> model.embed("hello"));

    assertThat(thrown).isInstanceOf(InternalServerException.class);
    SpanData span = telemetry.span("embeddings text-embedding-3-small");
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.getAttributes().get(GenAiAttributes.ERROR_TYPE)).isEqualTo(InternalServerException.class.getName());
    assertThat(span.getAttributes().get(CostAttributes.TOTAL_NANOS)).isNull();
  }

  @Test
  void unknownEmbeddingModel_isFlaggedUnpriced() {
    stub.enqueue(ProviderStub.json(200, OpenAiJson.embeddings("acme-embed-1", 50, new float[] {1f})));
    EmbeddingModel model = openAiEmbedding("acme-embed-1").listeners(List.of(lc.embeddingModelListener())).build();

    model.embed("hello");

    SpanData span = telemetry.span("embeddings acme-embed-1");
    assertThat(span.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS)).isEqualTo(50L);
    assertThat(span.getAttributes().get(CostAttributes.UNPRICED)).isTrue();
    assertThat(span.getAttributes().get(CostAttributes.TOTAL_NANOS)).isNull();
  }
}
