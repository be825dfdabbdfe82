package io.lockn.core;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;

import io.lockn.core.spi.Admission;
import io.lockn.core.spi.CallAdmission;
import io.lockn.core.spi.CallRequest;
import io.lockn.core.spi.TokenCounter;
import io.lockn.core.spi.UsageLogger;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** How the configured {@link TokenCounter} gives the call admission its estimate of input tokens. */
class TokenCounterTest {

  private static final Logger USAGE_LOGGER = Logger.getLogger(UsageLogger.LOGGER_NAME);
  private static final List<GenAiMessage> MESSAGES =
      List.of(GenAiMessage.system("You answer support tickets."), GenAiMessage.user("Where is my order?"));

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final List<CallRequest> requests = new CopyOnWriteArrayList<>();
  private final CallAdmission admission = request -> {
    requests.add(request);
    return Admission.allowed();
  };
  private final List<LogRecord> logs = new CopyOnWriteArrayList<>();
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          logs.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
  private OpenTelemetrySdk otel;
  private Level previousLevel;

  @BeforeEach
  void setUp() throws Exception {
    otel =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
            .build();
    Method reset = UsageLogger.class.getDeclaredMethod("reset");
    reset.setAccessible(true);
    reset.invoke(null);
    previousLevel = USAGE_LOGGER.getLevel();
    USAGE_LOGGER.setLevel(Level.ALL);
    USAGE_LOGGER.addHandler(capture);
  }

  @AfterEach
  void tearDown() {
    USAGE_LOGGER.removeHandler(capture);
    USAGE_LOGGER.setLevel(previousLevel);
    otel.close();
  }

  private LockN lockn(CallAdmission policy, TokenCounter counter) {
    return LockN.builder().setOpenTelemetry(otel).setCallAdmission(policy).setTokenCounter(counter).build();
  }

  private SpanData span() {
    return exporter.getFinishedSpanItems().get(0);
  }

  @Test
  void count_becomesTheAdmissionEstimateAndIsRecorded() {
    List<String> asked = new CopyOnWriteArrayList<>();
    LockN lockn = lockn(admission, (provider, model, messages) -> {
      asked.add(provider + "/" + model + "/" + messages.size());
      return 42;
    });

    lockn.chat(GenAiProvider.OPENAI, "gpt-4o").maxTokens(100).inputMessages(MESSAGES).run(() -> {});

    assertThat(asked).containsExactly("openai/gpt-4o/2");
    assertThat(requests).singleElement().satisfies(r -> {
      assertThat(r.estimatedInputTokens()).isEqualTo(42);
      assertThat(r.maxOutputTokens()).isEqualTo(100);
    });
    assertThat(span()).hasAttribute(LockNAttributes.USAGE_ESTIMATED_INPUT_TOKENS, 42L);
  }

  // MESSAGES by TokenCounter.approximate(): 27 + 18 = 45 UTF-8 bytes, ceil(45 / 4) = 12, plus 4 x 2 messages = 20.
  private static final long APPROXIMATE = 20;

  @Test
  void count_unknown_fallsBackToTheApproximateEstimate_neverZero() {
    LockN lockn = lockn(admission, (provider, model, messages) -> -1);

    lockn.chat(GenAiProvider.OPENAI, "gpt-4o").inputMessages(MESSAGES).run(() -> {});

    assertThat(requests).singleElement().extracting(CallRequest::estimatedInputTokens).isEqualTo(APPROXIMATE);
    assertThat(span()).hasAttribute(LockNAttributes.USAGE_ESTIMATED_INPUT_TOKENS, APPROXIMATE);
  }

  @Test
  void count_noCounterConfigured_usesTheApproximateEstimate() {
    LockN lockn = LockN.builder().setOpenTelemetry(otel).setCallAdmission(admission).build();

    lockn.chat(GenAiProvider.OPENAI, "gpt-4o").inputMessages(MESSAGES).run(() -> {});

    assertThat(requests).singleElement().extracting(CallRequest::estimatedInputTokens).isEqualTo(APPROXIMATE);
  }

  @Test
  void approximate_countsUtf8BytesOverFourPlusFourPerMessage() {
    TokenCounter approximate = TokenCounter.approximate();
    assertThat(approximate.countInputTokens("openai", "gpt-4o", MESSAGES)).isEqualTo(APPROXIMATE);
    // One byte: ceil(1 / 4) = 1, plus 4.
    assertThat(approximate.countInputTokens("", "", List.of(GenAiMessage.user("a")))).isEqualTo(5);
    // An empty message still costs its framing: never 0 for a prompt with a message.
    assertThat(approximate.countInputTokens("", "", List.of(GenAiMessage.user("")))).isEqualTo(4);
    assertThat(approximate.countInputTokens("", "", List.of())).isZero();
    // "é" is 2 bytes, "日本" 6, the emoji U+1F600 (a surrogate pair) 4: 12 bytes, ceil(12 / 4) = 3, plus 4.
    assertThat(approximate.countInputTokens("", "", List.of(GenAiMessage.user("é日本\uD83D\uDE00")))).isEqualTo(7);
    // A tool call counts its name and arguments, a tool response its text: "lookup" 6 + "{\"id\":7}" 8 = 14 bytes
    // and "shipped" 7 bytes: ceil(21 / 4) = 6, plus 4 x 2 = 14.
    GenAiMessage call = new GenAiMessage("assistant",
        List.of(new MessagePart.ToolCall("call_1", "lookup", "{\"id\":7}")), null);
    assertThat(approximate.countInputTokens("", "", List.of(call, GenAiMessage.toolResponse("call_1", "shipped"))))
        .isEqualTo(14);
    assertThat(approximate).isSameAs(TokenCounter.approximate());
  }

  @Test
  void count_failingCounter_isLoggedTreatedAsUnknownAndTheCallRuns() {
    LockN lockn = lockn(admission, (provider, model, messages) -> {
      throw new IllegalStateException("tokenizer broken");
    });
    AtomicInteger ran = new AtomicInteger();

    String result = lockn.chat(GenAiProvider.OPENAI, "gpt-4o").inputMessages(MESSAGES).supply(() -> {
      ran.incrementAndGet();
      return "ok";
    });

    assertThat(result).isEqualTo("ok");
    assertThat(ran).hasValue(1);
    // Treated as unknown: the approximate estimate.
    assertThat(requests).singleElement().extracting(CallRequest::estimatedInputTokens).isEqualTo(APPROXIMATE);
    assertThat(span()).hasAttribute(LockNAttributes.USAGE_ESTIMATED_INPUT_TOKENS, APPROXIMATE);
    assertThat(logs).anySatisfy(r -> {
      assertThat(r.getLevel()).isEqualTo(Level.WARNING);
      assertThat(r.getMessage()).contains("token counter");
    });
  }

  @Test
  void count_explicitEstimateWins_counterNotAsked() {
    AtomicInteger asked = new AtomicInteger();
    LockN lockn = lockn(admission, (provider, model, messages) -> {
      asked.incrementAndGet();
      return 42;
    });

    lockn.chat(GenAiProvider.OPENAI, "gpt-4o").estimatedInputTokens(7).inputMessages(MESSAGES).run(() -> {});
    lockn.chat(GenAiProvider.OPENAI, "gpt-4o").inputMessages(MESSAGES).estimatedInputTokens(0).run(() -> {});

    assertThat(asked).hasValue(0);
    assertThat(requests).extracting(CallRequest::estimatedInputTokens).containsExactly(7L, 0L);
    assertThat(exporter.getFinishedSpanItems())
        .allSatisfy(s -> assertThat(s.getAttributes().get(LockNAttributes.USAGE_ESTIMATED_INPUT_TOKENS)).isNull());
  }

  @Test
  void count_withoutAdmission_neverCounts() {
    AtomicInteger asked = new AtomicInteger();
    LockN lockn = lockn(CallAdmission.allowAll(), (provider, model, messages) -> {
      asked.incrementAndGet();
      return 42;
    });

    lockn.chat(GenAiProvider.OPENAI, "gpt-4o").inputMessages(MESSAGES).run(() -> {});

    assertThat(asked).hasValue(0);
    assertThat(span().getAttributes().get(LockNAttributes.USAGE_ESTIMATED_INPUT_TOKENS)).isNull();
  }

  @Test
  void count_withoutInputMessages_neverCounts() {
    AtomicInteger asked = new AtomicInteger();
    LockN lockn = lockn(admission, (provider, model, messages) -> {
      asked.incrementAndGet();
      return 42;
    });

    lockn.chat(GenAiProvider.OPENAI, "gpt-4o").run(() -> {});
    lockn.chat(GenAiProvider.OPENAI, "gpt-4o").inputMessages(List.of()).run(() -> {});

    assertThat(asked).hasValue(0);
    assertThat(requests).extracting(CallRequest::estimatedInputTokens).containsExactly(0L, 0L);
  }

  @Test
  void count_blockedCall_stillRecordsTheCount() {
    BudgetExceededException ex = new BudgetExceededException(
        "monthly", "global", BudgetExceededException.Unit.TOKENS, 10, 10, 42);
    LockN lockn = lockn(request -> {
      throw ex;
    }, (provider, model, messages) -> 42);

    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> lockn.chat(GenAiProvider.OPENAI, "gpt-4o").inputMessages(MESSAGES).run(() -> {}))
        .isSameAs(ex);

    assertThat(span()).hasAttribute(LockNAttributes.USAGE_ESTIMATED_INPUT_TOKENS, 42L);
  }

  @Test
  void none_neverCounts() {
    assertThat(TokenCounter.none().countInputTokens("openai", "gpt-4o", MESSAGES)).isEqualTo(-1);
    assertThat(TokenCounter.none()).isSameAs(TokenCounter.none());
  }

  @Test
  void noopLockN_acceptsInputMessagesWithoutCounting() {
    assertThat(LockN.noop().chat(GenAiProvider.OPENAI, "gpt-4o").inputMessages(MESSAGES).supply(() -> "ok"))
        .isEqualTo("ok");
  }
}
