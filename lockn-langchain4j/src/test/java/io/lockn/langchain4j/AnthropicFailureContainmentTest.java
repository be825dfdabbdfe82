package io.lockn.langchain4j;

import static io.lockn.langchain4j.AnthropicChatModelTest.SONNET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.listener.ChatModelErrorContext;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelRequestContext;
import dev.langchain4j.model.chat.listener.ChatModelResponseContext;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.lockn.core.GenAiAttributes;
import io.lockn.core.LockN;
import io.lockn.pricing.CostAttributes;
import io.lockn.pricing.PriceCatalog;
import io.lockn.pricing.sdk.CostPipeline;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.NullSource;

/**
 * Whatever fails around LockN (the application's other listeners, the exporter, span processors, an unknown
 * provider, a response without usage), the LangChain4j call returns what it returns without LockN, and throws what
 * it throws without LockN.
 */
class AnthropicFailureContainmentTest {

  @AutoClose private final Telemetry telemetry = Telemetry.create();
  @AutoClose private final ProviderStub stub = ProviderStub.start();
  private final LockNLangChain4j lc = LockNLangChain4j.create(telemetry.lockn());

  private AnthropicChatModel.AnthropicChatModelBuilder claude() {
    return AnthropicModels.chat(stub, SONNET);
  }

  private static ProviderStub.Reply answer(String model, String usage) {
    return ProviderStub.json(200, AnthropicJson.message("msg_1", model, "Paris.", usage));
  }

  /** Asks twice with the same reply queued: once through {@code plain}, once through {@code instrumented}. */
  private ChatResponse[] sameCallTwice(ProviderStub.Reply reply, ChatModel plain, ChatModel instrumented) {
    stub.enqueue(reply, reply);
    ChatRequest request = ChatRequest.builder().messages(UserMessage.from("Capital of France?")).build();
    return new ChatResponse[] {plain.chat(request), instrumented.chat(request)};
  }

  private static void assertSameResponse(ChatResponse actual, ChatResponse expected) {
    assertThat(actual.aiMessage()).isEqualTo(expected.aiMessage());
    assertThat(actual.metadata().tokenUsage()).isEqualTo(expected.metadata().tokenUsage());
    assertThat(actual.metadata().id()).isEqualTo(expected.metadata().id());
    assertThat(actual.metadata().modelName()).isEqualTo(expected.metadata().modelName());
    assertThat(actual.metadata().finishReason()).isEqualTo(expected.metadata().finishReason());
  }

  /** An application listener that throws from every callback. */
  private static final class ThrowingListener implements ChatModelListener {
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public void onRequest(ChatModelRequestContext requestContext) {
      calls.incrementAndGet();
      throw new IllegalStateException("application listener: onRequest");
    }

    @Override
    public void onResponse(ChatModelResponseContext responseContext) {
      calls.incrementAndGet();
      throw new IllegalStateException("application listener: onResponse");
    }

    @Override
    public void onError(ChatModelErrorContext errorContext) {
      calls.incrementAndGet();
      throw new IllegalStateException("application listener: onError");
    }
  }

  @Test
  void applicationListenerThrows_besideLockNsListener_responseUnchangedAndCallRecorded() {
    ThrowingListener before = new ThrowingListener();
    ThrowingListener after = new ThrowingListener();
    ChatModel plain = claude().build();
    ChatModel instrumented = claude().listeners(List.of(before, lc.chatModelListener(), after)).build();

    ChatResponse[] responses = sameCallTwice(answer(SONNET, AnthropicJson.usage(100, 0, 0, 10)), plain, instrumented);

    assertSameResponse(responses[1], responses[0]);
    assertThat(before.calls).hasValue(2);
    assertThat(after.calls).hasValue(2);
    // 100 x 3,000 + 10 x 15,000 nano-USD
    assertThat(telemetry.span("chat " + SONNET).getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(450_000L);
  }

  @Test
  void applicationListenerThrows_onADecoratedModel_responseUnchangedAndCallRecorded() {
    ThrowingListener throwing = new ThrowingListener();
    ChatModel plain = claude().build();
    ChatModel instrumented = lc.decorate(claude().listeners(List.of(throwing)).build());

    ChatResponse[] responses = sameCallTwice(answer(SONNET, AnthropicJson.usage(100, 0, 0, 10)), plain, instrumented);

    assertSameResponse(responses[1], responses[0]);
    assertThat(throwing.calls).hasValue(2);
    assertThat(telemetry.span("chat " + SONNET).getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(450_000L);
  }

  @Test
  void applicationListenerThrowsOnError_providerErrorUnchanged() {
    String body = AnthropicJson.error("api_error", "Internal server error");
    stub.enqueue(ProviderStub.json(500, body), ProviderStub.json(500, body));
    ChatModel plain = claude().build();
    ChatModel instrumented =
        lc.decorate(claude().listeners(List.of(new ThrowingListener(), lc.chatModelListener())).build());

    Throwable withoutLockN = catchThrowable(() -> plain.chat("Hello"));
    Throwable withLockN = catchThrowable(() -> instrumented.chat("Hello"));

    assertThat(withLockN).isInstanceOf(InternalServerException.class)
        .hasSameClassAs(withoutLockN).hasMessage(withoutLockN.getMessage());
    assertThat(telemetry.names()).containsExactly("chat " + SONNET);
    assertThat(telemetry.span("chat " + SONNET).getAttributes().get(GenAiAttributes.ERROR_TYPE))
        .isEqualTo(InternalServerException.class.getName());
  }

  /** An exporter that fails every export, and a processor that throws from its callbacks. */
  private static final class Broken implements SpanExporter, SpanProcessor {
    final AtomicInteger exports = new AtomicInteger();
    final AtomicInteger starts = new AtomicInteger();
    final AtomicInteger ends = new AtomicInteger();
    private final boolean throwOnStart;

    Broken(boolean throwOnStart) {
      this.throwOnStart = throwOnStart;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      exports.incrementAndGet();
      throw new IllegalStateException("exporter down");
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {
      starts.incrementAndGet();
      if (throwOnStart) {
        throw new IllegalStateException("processor onStart");
      }
    }

    @Override
    public boolean isStartRequired() {
      return true;
    }

    @Override
    public void onEnd(ReadableSpan span) {
      ends.incrementAndGet();
      throw new IllegalStateException("processor onEnd");
    }

    @Override
    public boolean isEndRequired() {
      return true;
    }

    @Override
    public void close() {}
  }

  /** An SDK with {@code broken} as the exporter and as a processor, after the cost processor. */
  private static OpenTelemetrySdk sdkWith(Broken broken) {
    return OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder()
            .addSpanProcessor(CostPipeline.builder(PriceCatalog.bundled()).build())
            .addSpanProcessor(SimpleSpanProcessor.create(broken))
            .addSpanProcessor(broken)
            .build())
        .build();
  }

  /** A decorated call, a listened call, a failed call and a streamed call, each as it would be without LockN. */
  private void assertCallsUnchanged(LockNLangChain4j brokenLc) throws Exception {
    ChatModel plain = claude().build();

    ChatResponse[] decorated =
        sameCallTwice(answer(SONNET, AnthropicJson.usage(100, 0, 0, 10)), plain, brokenLc.decorate(claude().build()));
    ChatResponse[] listened = sameCallTwice(answer(SONNET, AnthropicJson.usage(100, 0, 0, 10)), plain,
        claude().listeners(List.of(brokenLc.chatModelListener())).build());
    stub.enqueue(ProviderStub.json(500, AnthropicJson.error("api_error", "boom")));
    Throwable failed = catchThrowable(() -> brokenLc.decorate(plain).chat("Hello"));
    stub.enqueue(ProviderStub.sse(
        AnthropicJson.messageStart("msg_s", SONNET, AnthropicJson.usage(100, 0, 0, 1)),
        AnthropicJson.TEXT_BLOCK_START,
        AnthropicJson.textDelta("Paris."),
        AnthropicJson.BLOCK_STOP,
        AnthropicJson.messageDelta("end_turn", 10),
        AnthropicJson.MESSAGE_STOP));
    AnthropicModels.Collector streamed = new AnthropicModels.Collector(telemetry);
    brokenLc.decorate(AnthropicModels.streaming(stub, SONNET).build()).chat("Capital of France?", streamed);

    assertSameResponse(decorated[1], decorated[0]);
    assertSameResponse(listened[1], listened[0]);
    assertThat(failed).isInstanceOf(InternalServerException.class).hasMessageContaining("boom");
    assertThat(streamed.response().aiMessage().text()).isEqualTo("Paris.");
    assertThat(Span.current().getSpanContext()).isEqualTo(SpanContext.getInvalid());
  }

  @Test
  void exporterAndProcessorOnEndThrow_callsUnchanged() throws Exception {
    Broken broken = new Broken(false);
    try (OpenTelemetrySdk sdk = sdkWith(broken)) {
      assertCallsUnchanged(LockNLangChain4j.create(LockN.create(sdk)));

      // the four calls were recorded, and every export and onEnd failed
      assertThat(broken.starts).hasValue(4);
      assertThat(broken.ends).hasValue(4);
      assertThat(broken.exports).hasValue(4);
    }
  }

  @Test
  void processorOnStartThrows_callsUnchanged() throws Exception {
    Broken broken = new Broken(true);
    try (OpenTelemetrySdk sdk = sdkWith(broken)) {
      assertCallsUnchanged(LockNLangChain4j.create(LockN.create(sdk)));

      assertThat(broken.starts.get()).isGreaterThanOrEqualTo(4);
    }
  }

  /** A Claude reached through a gateway whose model class does not say which provider it is. */
  private static final class GatewayModel extends AnthropicChatModel {
    private final ModelProvider provider;

    GatewayModel(AnthropicChatModelBuilder builder, ModelProvider provider) {
      super(builder);
      this.provider = provider;
    }

    @Override
    public ModelProvider provider() {
      return provider;
    }
  }

  @ParameterizedTest
  @NullSource
  @EnumSource(value = ModelProvider.class, names = "OTHER")
  void unknownProvider_unknownModel_tokensRecordedAndUnpricedNotZero(ModelProvider provider) {
    stub.enqueue(answer("acme-claude-7", AnthropicJson.usage(100, 0, 50, 10)),
        answer("acme-claude-7", AnthropicJson.usage(100, 0, 50, 10)));
    ChatModel decorated = lc.decorate(new GatewayModel(claude().modelName("acme-claude-7"), provider));
    ChatModel listened = new GatewayModel(
        claude().modelName("acme-claude-7").listeners(List.of(lc.chatModelListener())), provider);

    assertThat(decorated.chat("Hello")).isEqualTo("Paris.");
    assertThat(listened.chat("Hello")).isEqualTo("Paris.");

    List<SpanData> spans = telemetry.spans();
    assertThat(spans).hasSize(2);
    for (SpanData chat : spans) {
      assertThat(chat.getName()).isEqualTo("chat acme-claude-7");
      assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_PROVIDER_NAME)).isEqualTo("langchain4j.other");
      assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS)).isEqualTo(150L);
      assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS)).isEqualTo(50L);
      assertThat(chat.getAttributes().get(CostAttributes.UNPRICED)).isTrue();
      assertThat(chat.getAttributes().get(CostAttributes.TOTAL_NANOS)).isNull();
      assertThat(chat.getAttributes().get(CostAttributes.TOTAL)).isNull();
    }
    assertThat(telemetry.longSums("lockn.client.cost", CostAttributes.COST_TYPE)).isEmpty();
    assertThat(telemetry.longSums("lockn.client.unpriced_calls", GenAiAttributes.GEN_AI_PROVIDER_NAME))
        .containsExactly(Map.entry("langchain4j.other", 2L));
  }

  /**
   * No provider is guessed from the model id, but pricing's cross-provider stage still finds an id the catalog
   * knows, as it does for any gateway: a Claude id is priced at Anthropic's price.
   */
  @Test
  void unknownProvider_knownModelId_pricedAtTheFirstPartyPrice() {
    stub.enqueue(answer(SONNET, AnthropicJson.usage(100, 0, 0, 10)));

    lc.decorate(new GatewayModel(claude(), ModelProvider.OTHER)).chat("Hello");

    SpanData chat = telemetry.span("chat " + SONNET);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_PROVIDER_NAME)).isEqualTo("langchain4j.other");
    assertThat(chat.getAttributes().get(CostAttributes.PRICING_ID)).isEqualTo("anthropic/claude-sonnet-4-5");
    assertThat(chat.getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(450_000L);
  }

  @Test
  void responseWithoutUsage_responseUnchangedRecordedWithoutTokensNeverAsZeroCost() {
    ChatModel plain = claude().build();
    ChatModel decorated = lc.decorate(claude().build());
    ChatModel listened = claude().listeners(List.of(lc.chatModelListener())).build();

    ChatResponse[] viaDecorator = sameCallTwice(answer(SONNET, null), plain, decorated);
    ChatResponse[] viaListener = sameCallTwice(answer(SONNET, null), plain, listened);

    assertThat(viaDecorator[0].metadata().tokenUsage()).isNull();
    assertSameResponse(viaDecorator[1], viaDecorator[0]);
    assertSameResponse(viaListener[1], viaListener[0]);
    List<SpanData> spans = telemetry.spans();
    assertThat(spans).hasSize(2);
    for (SpanData chat : spans) {
      assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_RESPONSE_ID)).isEqualTo("msg_1");
      assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS)).isNull();
      assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_OUTPUT_TOKENS)).isNull();
      assertThat(chat.getAttributes().get(CostAttributes.TOTAL_NANOS)).isNull();
      assertThat(chat.getAttributes().get(CostAttributes.UNPRICED)).isNull();
    }
    assertThat(telemetry.longSums("lockn.client.cost", CostAttributes.COST_TYPE)).isEmpty();
  }

  @Test
  void noopLockN_responseUnchangedAndNothingRecorded() {
    LockNLangChain4j noop = LockNLangChain4j.create(LockN.noop());
    ChatModel plain = claude().build();

    ChatResponse[] responses = sameCallTwice(answer(SONNET, AnthropicJson.usage(100, 0, 0, 10)), plain,
        noop.decorate(claude().listeners(List.of(noop.chatModelListener())).build()));

    assertSameResponse(responses[1], responses[0]);
    assertThat(telemetry.spans()).isEmpty();
  }
}
