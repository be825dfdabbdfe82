package io.lockn.compression.tokens;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lockn.core.BudgetExceededException;
import io.lockn.core.GenAiMessage;
import io.lockn.core.GenAiProvider;
import io.lockn.core.LockN;
import io.lockn.core.LockNAttributes;
import io.lockn.core.spi.Admission;
import io.lockn.core.spi.CallAdmission;
import io.lockn.core.spi.CallRequest;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The jtokkit counter plugged into LockN: its count becomes the call admission's estimate. */
class JtokkitTokenCounterLockNTest {

  private static final List<GenAiMessage> MESSAGES =
      List.of(GenAiMessage.system("You answer support tickets."), GenAiMessage.user("Where is my order?"));

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final OpenTelemetrySdk otel =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
          .build();
  private final List<CallRequest> requests = new CopyOnWriteArrayList<>();

  @AfterEach
  void tearDown() {
    otel.close();
  }

  /** A token budget: admits a call while its estimated input plus maximum output fit in what is left. */
  private CallAdmission tokenBudget(long limit) {
    return request -> {
      requests.add(request);
      long requested = request.estimatedInputTokens() + Math.max(0, request.maxOutputTokens());
      if (requested > limit) {
        throw new BudgetExceededException(
            "tokens", "global", BudgetExceededException.Unit.TOKENS, limit, 0, requested);
      }
      return Admission.allowed();
    };
  }

  private LockN lockn(CallAdmission admission) {
    return LockN.builder()
        .setOpenTelemetry(otel)
        .setCallAdmission(admission)
        .setTokenCounter(new JtokkitTokenCounter())
        .build();
  }

  @Test
  void openAiCall_admissionReceivesTheExactCount() {
    LockN lockn = lockn(tokenBudget(1_000));

    String reply =
        lockn.chat(GenAiProvider.OPENAI, "gpt-4.1-2025-04-14").maxTokens(100).inputMessages(MESSAGES).supply(() -> "ok");

    assertThat(reply).isEqualTo("ok");
    assertThat(requests).singleElement().satisfies(r -> {
      assertThat(r.estimatedInputTokens()).isEqualTo(21);
      assertThat(r.maxOutputTokens()).isEqualTo(100);
    });
    assertThat(exporter.getFinishedSpanItems().get(0))
        .hasAttribute(LockNAttributes.USAGE_ESTIMATED_INPUT_TOKENS, 21L);
  }

  @Test
  void claudeCall_estimateBlocksWhenTheBudgetIsTooSmall() {
    // 21 cl100k tokens x 1.20 = 26 estimated; 26 + 5 output > 30.
    LockN lockn = lockn(tokenBudget(30));

    assertThatThrownBy(
            () ->
                lockn
                    .chat(GenAiProvider.ANTHROPIC, "claude-sonnet-4-20250514")
                    .maxTokens(5)
                    .inputMessages(MESSAGES)
                    .run(() -> {}))
        .isInstanceOf(BudgetExceededException.class);

    assertThat(requests).singleElement().satisfies(r -> assertThat(r.estimatedInputTokens()).isEqualTo(26));
    assertThat(exporter.getFinishedSpanItems().get(0))
        .hasAttribute(LockNAttributes.USAGE_ESTIMATED_INPUT_TOKENS, 26L);
  }
}
