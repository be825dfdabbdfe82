package io.lockn.langchain4j;

import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiEmbeddingModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;

/**
 * What the OpenAI tests share: per test, a fresh SDK ({@link Telemetry}), a {@link ProviderStub} and the adapter on
 * them, and the real LangChain4j OpenAI clients pointed at the stub.
 */
abstract class OpenAiFixture {

  final Telemetry telemetry = Telemetry.create();
  final ProviderStub stub = ProviderStub.start();
  final LockNLangChain4j lc = LockNLangChain4j.create(telemetry.lockn());

  @AfterEach
  void closeFixture() {
    stub.close();
    telemetry.close();
  }

  /** A chat model on the stub that does not retry (tests that retry say so). */
  OpenAiChatModel.OpenAiChatModelBuilder openAiChat(String model) {
    return OpenAiChatModel.builder().baseUrl(stub.baseUrl() + "/v1").apiKey("sk-test").modelName(model).maxRetries(0);
  }

  OpenAiStreamingChatModel.OpenAiStreamingChatModelBuilder openAiStreaming(String model) {
    return OpenAiStreamingChatModel.builder().baseUrl(stub.baseUrl() + "/v1").apiKey("sk-test").modelName(model);
  }

  OpenAiEmbeddingModel.OpenAiEmbeddingModelBuilder openAiEmbedding(String model) {
    return OpenAiEmbeddingModel.builder().baseUrl(stub.baseUrl() + "/v1").apiKey("sk-test").modelName(model)
        .maxRetries(0);
  }

  /** The application's streaming handler: records every callback it gets, in order. */
  static final class RecordingHandler implements StreamingChatResponseHandler {
    final List<String> events = new CopyOnWriteArrayList<>();
    private final CompletableFuture<ChatResponse> done = new CompletableFuture<>();

    @Override
    public void onPartialResponse(String partialResponse) {
      events.add("partial:" + partialResponse);
    }

    @Override
    public void onUnmappedRawEvent(Object event) {
      events.add("unmapped");
    }

    @Override
    public void onCompleteResponse(ChatResponse response) {
      events.add("complete:" + response.aiMessage().text());
      done.complete(response);
    }

    @Override
    public void onError(Throwable error) {
      events.add("error:" + error.getClass().getSimpleName());
      done.completeExceptionally(error);
    }

    /** The complete response; fails if the stream failed or took more than 10 seconds. */
    ChatResponse await() throws Exception {
      return done.get(10, TimeUnit.SECONDS);
    }

    /** The error; fails if the stream completed or took more than 10 seconds. */
    Throwable awaitError() {
      try {
        done.get(10, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        return e.getCause();
      } catch (Exception e) {
        throw new AssertionError("no error reached the handler", e);
      }
      throw new AssertionError("the stream completed instead of failing");
    }

    /** The callbacks, once none has arrived for 200 ms (LangChain4j may call back after the first end). */
    List<String> awaitQuiet() throws InterruptedException {
      int seen = -1;
      while (seen != events.size()) {
        seen = events.size();
        Thread.sleep(200);
      }
      return List.copyOf(events);
    }
  }
}
