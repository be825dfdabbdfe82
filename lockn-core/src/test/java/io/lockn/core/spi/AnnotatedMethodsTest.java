package io.lockn.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockn.core.ContentCapture;
import io.lockn.core.GenAiAttributes;
import io.lockn.core.LockN;
import io.lockn.core.LockNAttributes;
import io.lockn.core.LockNScope;
import io.lockn.core.SemconvProfile;
import io.lockn.core.annotation.AgentTask;
import io.lockn.core.annotation.AgentTool;
import io.lockn.core.annotation.SpanAttribute;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.lang.reflect.Method;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link AnnotatedMethods} as a framework interceptor uses it, with the target classes such an interceptor sees (the
 * class, not the interface), on a real SDK.
 */
class AnnotatedMethodsTest {

  /** Annotated on the interface only: a class-based proxy invokes the class's method. */
  public interface Orders {
    @AgentTask(agent = "order-bot", task = "lookup")
    String lookup(@SpanAttribute("app.order_id") String orderId);

    @AgentTool(name = "refund", type = "extension")
    CompletionStage<String> refund(String orderId);

    String plain();
  }

  /** The target class, as {@code AopUtils.getTargetClass} answers it. */
  public static class OrderService implements Orders {
    @Override
    public String lookup(String orderId) {
      return "order " + orderId;
    }

    @Override
    public CompletionStage<String> refund(String orderId) {
      return new CompletableFuture<>();
    }

    @Override
    public String plain() {
      return "plain";
    }
  }

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final SdkTracerProvider tracerProvider =
      SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
  private final LockN lockn =
      LockN.builder()
          .setOpenTelemetry(OpenTelemetrySdk.builder().setTracerProvider(tracerProvider).build())
          .setSemconvProfile(SemconvProfile.V1_41)
          .setContentCapture(ContentCapture.disabled())
          .build();
  private final AnnotatedMethods methods = AnnotatedMethods.of(lockn);

  @AfterEach
  void closeProvider() {
    tracerProvider.close();
  }

  private static Method method(String name, Class<?>... parameterTypes) throws NoSuchMethodException {
    return OrderService.class.getMethod(name, parameterTypes);
  }

  @Test
  void annotatedOnTheInterface_startsADetachedSpanForTheClassMethod() throws Exception {
    Span before = Span.current();

    LockNScope scope = methods.startDetached(OrderService.class, method("lookup", String.class), new Object[] {"A-1"});

    assertThat(scope).isNotNull();
    assertThat(Span.current()).as("not made current").isSameAs(before);
    assertThat(exporter.getFinishedSpanItems()).isEmpty();
    scope.close();
    SpanData span = exporter.getFinishedSpanItems().get(0);
    assertThat(span.getName()).isEqualTo("invoke_agent order-bot");
    assertThat(span.getAttributes().get(GenAiAttributes.GEN_AI_AGENT_NAME)).isEqualTo("order-bot");
    assertThat(span.getAttributes().get(LockNAttributes.TASK_NAME)).isEqualTo("lookup");
    assertThat(span.getAttributes().get(AttributeKey.stringKey("app.order_id"))).isEqualTo("A-1");
  }

  @Test
  void theInterceptorsPattern_nestsWorkInsideTheMethodUnderItsSpan() throws Exception {
    LockNScope scope = methods.startDetached(OrderService.class, method("lookup", String.class), new Object[] {"A-1"});
    assertThat(scope).isNotNull();

    try (Scope ignored = scope.context().makeCurrent()) {
      lockn.chat("openai", "gpt-4o").run(() -> {});
    } finally {
      scope.close();
    }

    SpanData chat = exporter.getFinishedSpanItems().get(0);
    SpanData agent = exporter.getFinishedSpanItems().get(1);
    assertThat(chat.getParentSpanId()).isEqualTo(agent.getSpanId());
    assertThat(chat.getAttributes().get(LockNAttributes.AGENT_NAME)).isEqualTo("order-bot");
    assertThat(Span.current().getSpanContext().isValid()).as("context restored").isFalse();
  }

  @Test
  void notAnnotated_orNoopLockN_startsNothing() throws Exception {
    assertThat(methods.startDetached(OrderService.class, method("plain"), null)).isNull();
    assertThat(AnnotatedMethods.of(LockN.noop())
        .startDetached(OrderService.class, method("lookup", String.class), new Object[] {"A-1"})).isNull();
    assertThat(exporter.getFinishedSpanItems()).isEmpty();
  }

  @Test
  void endWhenComplete_endsTheSpanWhenTheStageFails_recordingTheApplicationsException() throws Exception {
    LockNScope scope = methods.startDetached(OrderService.class, method("refund", String.class), new Object[] {"A"});
    assertThat(scope).isNotNull();
    CompletableFuture<String> pending = new CompletableFuture<>();
    // A dependent stage fails with a CompletionException around the application's exception.
    CompletionStage<String> result = pending.thenApply(s -> s);

    AnnotatedMethods.endWhenComplete(scope, result);
    assertThat(exporter.getFinishedSpanItems()).as("open until the stage completes").isEmpty();
    pending.completeExceptionally(new IllegalStateException("refund refused"));

    SpanData span = exporter.getFinishedSpanItems().get(0);
    assertThat(span.getName()).isEqualTo("execute_tool refund");
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.getAttributes().get(GenAiAttributes.ERROR_TYPE)).isEqualTo(IllegalStateException.class.getName());
  }
}
