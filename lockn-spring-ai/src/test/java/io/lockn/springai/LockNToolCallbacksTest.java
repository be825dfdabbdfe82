package io.lockn.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lockn.core.ContentCapture;
import io.lockn.core.GenAiAttributes;
import io.lockn.core.GenAiProvider;
import io.lockn.core.LockN;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.support.ToolCallbacks;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.execution.ToolExecutionException;

/** Tool executions recorded by decorated Spring AI tool callbacks, for clients without an observation registry. */
class LockNToolCallbacksTest {

  static class Tools {
    final LockN lockn;

    Tools(LockN lockn) {
      this.lockn = lockn;
    }

    @Tool(description = "Looks an invoice up")
    String invoice(String id) throws InterruptedException {
      Thread.sleep(20);
      // A model call made by the tool itself: it must nest under the tool span.
      lockn.chat(GenAiProvider.OPENAI, "gpt-4o-mini").run(() -> { });
      return "invoice " + id + " in span " + Span.current().getSpanContext().getSpanId();
    }

    @Tool(description = "Always fails")
    String broken(String id) {
      throw new IllegalStateException("ledger offline for " + id);
    }
  }

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
      .build();
  private final LockN lockn =
      LockN.builder().setOpenTelemetry(otel).setContentCapture(ContentCapture.enabled()).build();

  @AfterEach
  void close() {
    otel.close();
  }

  private ToolCallback tool(String name) {
    for (ToolCallback c : LockNToolCallbacks.decorate(lockn, ToolCallbacks.from(new Tools(lockn)))) {
      if (c.getToolDefinition().name().equals(name)) {
        return c;
      }
    }
    throw new AssertionError(name);
  }

  @Test
  void execution_isATimedToolSpanCurrentWhileItRuns() {
    String result = tool("invoice").call("{\"id\":\"A-1\"}");

    SpanData toolSpan = spans.getFinishedSpanItems().stream()
        .filter(s -> s.getName().equals("execute_tool invoice")).findFirst().orElseThrow();
    SpanData chat = spans.getFinishedSpanItems().stream()
        .filter(s -> s.getName().equals("chat gpt-4o-mini")).findFirst().orElseThrow();
    assertThat(result).contains("A-1").endsWith(toolSpan.getSpanId() + "\"");
    assertThat(chat.getParentSpanId()).isEqualTo(toolSpan.getSpanId());
    assertThat(toolSpan.getEndEpochNanos() - toolSpan.getStartEpochNanos()).isGreaterThanOrEqualTo(20_000_000L);
    assertThat(toolSpan.getAttributes().get(GenAiAttributes.GEN_AI_TOOL_CALL_ARGUMENTS)).isEqualTo("{\"id\":\"A-1\"}");
    assertThat(toolSpan.getAttributes().get(GenAiAttributes.GEN_AI_TOOL_CALL_RESULT)).isEqualTo(result);
  }

  @Test
  void failure_isRecordedAndPassesThroughUnchanged() {
    assertThatThrownBy(() -> tool("broken").call("{\"id\":\"B-2\"}"))
        .isInstanceOf(ToolExecutionException.class)
        .hasRootCauseMessage("ledger offline for B-2");

    SpanData toolSpan = spans.getFinishedSpanItems().get(0);
    assertThat(toolSpan.getName()).isEqualTo("execute_tool broken");
    assertThat(toolSpan.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
  }

  @Test
  void decoratingTwice_recordsOnce() {
    ToolCallback once = tool("invoice");
    ToolCallback twice = LockNToolCallbacks.decorate(lockn, once);

    assertThat(twice).isSameAs(once);
    assertThat(LockNToolCallbacks.decorate(lockn, List.of(once))).containsExactly(once);
  }
}
