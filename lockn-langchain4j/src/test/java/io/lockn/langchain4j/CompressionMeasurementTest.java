package io.lockn.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.TokenCountEstimator;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiTokenCountEstimator;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.MemoryId;
import io.lockn.compression.Compression;
import io.lockn.compression.CompressionAttributes;
import io.lockn.core.GenAiMessage;
import io.lockn.core.MessagePart;
import io.lockn.langchain4j.compression.LangChain4jCompression;
import io.lockn.langchain4j.compression.TokenCountEstimatorCounter;
import io.lockn.langchain4j.compression.TokenCountEstimatorCounterAccess;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Measuring LangChain4j's compression points: a request transformer and a chat memory's trimming. */
class CompressionMeasurementTest {

  interface Assistant {
    String chat(String message);
  }

  interface MemoryAssistant {
    String chat(@MemoryId String user, @dev.langchain4j.service.UserMessage String message);
  }

  private static final String BOILERPLATE =
      "Legal notice: this conversation may be recorded for quality purposes. Please read our terms of service, "
          + "privacy policy and acceptable use policy before continuing. ";

  private static String answer(String text, int prompt) {
    return """
        {"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o-2024-08-06",
         "choices":[{"index":0,"message":{"role":"assistant","content":"%s"},"finish_reason":"stop"}],
         "usage":{"prompt_tokens":%d,"completion_tokens":5,"total_tokens":%d}}
        """.formatted(text, prompt, prompt + 5);
  }

  private static ChatModel openAi(ProviderStub stub) {
    return OpenAiChatModel.builder().baseUrl(stub.baseUrl() + "/v1").apiKey("test").modelName("gpt-4o")
        .maxRetries(0).build();
  }

  /** Strips a known boilerplate paragraph from every user message. */
  private static final UnaryOperator<ChatRequest> STRIP = request -> {
    List<ChatMessage> out = new ArrayList<>();
    for (ChatMessage m : request.messages()) {
      out.add(m instanceof UserMessage u ? UserMessage.from(u.singleText().replace(BOILERPLATE, "")) : m);
    }
    return request.toBuilder().messages(out).build();
  };

  @Test
  void transformerIsMeasuredUnderTheInvocationBesideItsModelCall() {
    try (Telemetry telemetry = Telemetry.create(); ProviderStub stub = ProviderStub.start()) {
      stub.enqueue(ProviderStub.json(200, answer("Hi", 12)));
      LockNLangChain4j lc = LockNLangChain4j.create(telemetry.lockn());
      Compression compression = Compression.builder(telemetry.openTelemetry())
          .setTokenCounter(TokenCountEstimatorCounter.of(new OpenAiTokenCountEstimator("gpt-4o"))).build();
      LangChain4jCompression measured = LangChain4jCompression.create(compression, "openai", "gpt-4o");
      Assistant assistant = lc.instrument(AiServices.builder(Assistant.class))
          .chatModel(lc.decorate(openAi(stub)))
          .chatRequestTransformer(measured.transformer("boilerplate_strip", STRIP))
          .build();

      assertThat(assistant.chat(BOILERPLATE + "What is my balance?")).isEqualTo("Hi");

      assertThat(stub.request(0).body()).contains("What is my balance?").doesNotContain("Legal notice");
      SpanData agent = telemetry.span("invoke_agent Assistant.chat");
      SpanData chat = telemetry.span("chat gpt-4o");
      SpanData compress = telemetry.span("compress boilerplate_strip");
      assertThat(compress.getParentSpanId()).isEqualTo(agent.getSpanId()).isEqualTo(chat.getParentSpanId());
      long original = compress.getAttributes().get(CompressionAttributes.INPUT_TOKENS_ORIGINAL);
      long compressed = compress.getAttributes().get(CompressionAttributes.INPUT_TOKENS_COMPRESSED);
      OpenAiTokenCountEstimator estimator = new OpenAiTokenCountEstimator("gpt-4o");
      assertThat(original).isEqualTo(estimator.estimateTokenCountInMessages(
          List.of(UserMessage.from(BOILERPLATE + "What is my balance?"))));
      assertThat(compressed).isEqualTo(estimator.estimateTokenCountInMessages(
          List.of(UserMessage.from("What is my balance?"))));
      assertThat(compressed).isLessThan(original);
    }
  }

  @Test
  void aFailingTransformerFailsTheCallWithItsOwnException() {
    try (Telemetry telemetry = Telemetry.create(); ProviderStub stub = ProviderStub.start()) {
      LockNLangChain4j lc = LockNLangChain4j.create(telemetry.lockn());
      IllegalStateException boom = new IllegalStateException("transformer bug");
      LangChain4jCompression measured =
          LangChain4jCompression.create(Compression.builder(telemetry.openTelemetry()).build(), "openai", "gpt-4o");
      Assistant assistant = lc.instrument(AiServices.builder(Assistant.class))
          .chatModel(lc.decorate(openAi(stub)))
          .chatRequestTransformer(measured.transformer("broken", r -> {
            throw boom;
          }))
          .build();

      assertThatThrownBy(() -> assistant.chat("hello")).isSameAs(boom);
      assertThat(stub.requestCount()).isZero();
      assertThat(telemetry.span("compress broken").getStatus().getStatusCode())
          .isEqualTo(io.opentelemetry.api.trace.StatusCode.ERROR);
      assertThat(telemetry.span("invoke_agent Assistant.chat").getStatus().getStatusCode())
          .isEqualTo(io.opentelemetry.api.trace.StatusCode.ERROR);
    }
  }

  @Test
  void memoryTrimmingIsMeasuredAgainstTheWholeHistory() {
    try (Telemetry telemetry = Telemetry.create(); ProviderStub stub = ProviderStub.start()) {
      stub.enqueue(ProviderStub.json(200, answer("one", 10)), ProviderStub.json(200, answer("two", 10)),
          ProviderStub.json(200, answer("three", 10)));
      LockNLangChain4j lc = LockNLangChain4j.create(telemetry.lockn());
      OpenAiTokenCountEstimator estimator = new OpenAiTokenCountEstimator("gpt-4o");
      Compression compression = Compression.builder(telemetry.openTelemetry())
          .setTokenCounter(TokenCountEstimatorCounter.of(estimator)).build();
      LangChain4jCompression measured = LangChain4jCompression.create(compression, "openai", "gpt-4o");
      MemoryAssistant assistant = lc.instrument(AiServices.builder(MemoryAssistant.class))
          .chatModel(lc.decorate(openAi(stub)))
          .chatMemoryProvider(id -> measured.memory(MessageWindowChatMemory.builder().id(id).maxMessages(2).build()))
          .build();

      assistant.chat("u1", "first question");
      assistant.chat("u1", "second question");
      assistant.chat("u1", "third question");

      List<SpanData> windows = telemetry.spans().stream()
          .filter(s -> s.getName().equals("compress " + LangChain4jCompression.MEMORY_WINDOW)).toList();
      assertThat(windows).isNotEmpty();
      SpanData last = windows.get(windows.size() - 1);
      // The third turn reads the memory before adding its question: 4 messages of history, of which it keeps 2.
      long original = last.getAttributes().get(CompressionAttributes.INPUT_TOKENS_ORIGINAL);
      long compressed = last.getAttributes().get(CompressionAttributes.INPUT_TOKENS_COMPRESSED);
      assertThat(original).isEqualTo(estimator.estimateTokenCountInMessages(List.of(
          UserMessage.from("first question"), dev.langchain4j.data.message.AiMessage.from("one"),
          UserMessage.from("second question"), dev.langchain4j.data.message.AiMessage.from("two"))));
      assertThat(compressed).isEqualTo(estimator.estimateTokenCountInMessages(List.of(
          UserMessage.from("second question"), dev.langchain4j.data.message.AiMessage.from("two"))));
      assertThat(stub.request(2).body()).contains("second question", "third question").doesNotContain("first");
      SpanData agent = telemetry.spans().stream().filter(s -> s.getName().equals("invoke_agent MemoryAssistant.chat"))
          .reduce((a, b) -> b).orElseThrow();
      assertThat(last.getParentSpanId()).isEqualTo(agent.getSpanId());
    }
  }

  @Test
  void experimentGroupReachesTheAgentAndTheModelCall() {
    try (Telemetry telemetry = Telemetry.create(); ProviderStub stub = ProviderStub.start()) {
      stub.enqueue(ProviderStub.json(200, answer("Hi", 12)));
      io.lockn.core.LockN lockn = telemetry.lockn(b -> b.setAttributionKeys(
          io.lockn.compression.experiment.Experiments.allowlist(io.lockn.core.AttributionKeys.builder()).build()));
      LockNLangChain4j lc = LockNLangChain4j.create(lockn);
      LangChain4jCompression measured =
          LangChain4jCompression.create(Compression.builder(telemetry.openTelemetry()).build(), "openai", "gpt-4o");
      Assistant assistant = lc.instrument(AiServices.builder(Assistant.class))
          .chatModel(lc.decorate(openAi(stub)))
          .chatRequestTransformer(measured.transformer("boilerplate_strip", STRIP))
          .build();
      io.lockn.compression.experiment.Experiment experiment =
          io.lockn.compression.experiment.Experiment.of("context-trimming");
      io.lockn.compression.experiment.Assignment group = experiment.assign("tenant-42");

      group.run(() -> assistant.chat("hello"));

      // The compress span inherits the group from the agent, its parent (the ROI rules read it from there).
      assertThat(telemetry.span("compress boilerplate_strip").getParentSpanId())
          .isEqualTo(telemetry.span("invoke_agent Assistant.chat").getSpanId());
      for (String name : List.of("invoke_agent Assistant.chat", "chat gpt-4o")) {
        assertThat(telemetry.span(name).getAttributes()
            .get(io.lockn.compression.experiment.Experiments.EXPERIMENT_GROUP)).as(name).isEqualTo(group.variationKey());
      }
    }
  }

  @Test
  void estimatorCounterCountsWhatTheEstimatorCounts() {
    OpenAiTokenCountEstimator estimator = new OpenAiTokenCountEstimator("gpt-4o");
    TokenCountEstimatorCounter counter = TokenCountEstimatorCounter.of(estimator);
    List<GenAiMessage> messages = List.of(GenAiMessage.system("You are terse."), GenAiMessage.user("Hello there"),
        new GenAiMessage("assistant", List.of(new MessagePart.ToolCall("c1", "lookup", "{\"id\":7}")), null),
        GenAiMessage.toolResponse("c1", "{\"balance\":12}"));

    long expected = estimator.estimateTokenCountInMessages(TokenCountEstimatorCounterAccess.toLangChain4j(messages));
    assertThat(counter.countInputTokens("openai", "gpt-4o", messages)).isEqualTo(expected).isGreaterThan(10);
    assertThat(counter.countInputTokens("openai", "gpt-4o", List.of(GenAiMessage.system("You are terse."))))
        .isEqualTo(estimator.estimateTokenCountInMessages(List.of(SystemMessage.from("You are terse."))));
  }

  @Test
  void aFailingEstimatorAnswersUnknown() {
    TokenCountEstimator broken = new TokenCountEstimator() {
      @Override
      public int estimateTokenCountInText(String text) {
        throw new IllegalStateException("no tokenizer");
      }

      @Override
      public int estimateTokenCountInMessage(ChatMessage message) {
        throw new IllegalStateException("no tokenizer");
      }

      @Override
      public int estimateTokenCountInMessages(Iterable<ChatMessage> messages) {
        throw new IllegalStateException("no tokenizer");
      }
    };
    assertThat(TokenCountEstimatorCounter.of(broken).countInputTokens("openai", "gpt-4o",
        List.of(GenAiMessage.user("hi")))).isEqualTo(-1);
  }
}
