package io.lockn.langchain4j;

import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.anthropic.AnthropicStreamingChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** The real Anthropic models pointed at a {@link ProviderStub}, and a streaming handler that collects. */
final class AnthropicModels {

  private AnthropicModels() {}

  /**
   * A chat model builder for {@code model} at the stub, without retries.
   *
   * @param stub the provider
   * @param model the model name
   * @return the builder, to add to
   */
  static AnthropicChatModel.AnthropicChatModelBuilder chat(ProviderStub stub, String model) {
    return AnthropicChatModel.builder()
        .baseUrl(stub.baseUrl() + "/v1/")
        .apiKey("sk-ant-test")
        .modelName(model)
        .maxRetries(0);
  }

  /**
   * A streaming chat model builder for {@code model} at the stub.
   *
   * @param stub the provider
   * @param model the model name
   * @return the builder, to add to
   */
  static AnthropicStreamingChatModel.AnthropicStreamingChatModelBuilder streaming(ProviderStub stub, String model) {
    return AnthropicStreamingChatModel.builder()
        .baseUrl(stub.baseUrl() + "/v1/")
        .apiKey("sk-ant-test")
        .modelName(model);
  }

  /**
   * The application's streaming handler: collects the chunks, notes how many spans had ended when the stream
   * finished, and completes with the response or the error.
   */
  static final class Collector implements StreamingChatResponseHandler {
    final List<String> chunks = new CopyOnWriteArrayList<>();
    volatile int spansEndedAtCompletion = -1;
    private final CompletableFuture<ChatResponse> done = new CompletableFuture<>();
    private final Telemetry telemetry;

    Collector(Telemetry telemetry) {
      this.telemetry = telemetry;
    }

    @Override
    public void onPartialResponse(String partialResponse) {
      chunks.add(partialResponse);
    }

    @Override
    public void onCompleteResponse(ChatResponse response) {
      spansEndedAtCompletion = telemetry.spans().size();
      done.complete(response);
    }

    @Override
    public void onError(Throwable error) {
      spansEndedAtCompletion = telemetry.spans().size();
      done.completeExceptionally(error);
    }

    /** The response, waiting up to 10 seconds. */
    ChatResponse response() throws Exception {
      return done.get(10, TimeUnit.SECONDS);
    }

    /** The error, waiting up to 10 seconds; fails if the stream completed. */
    Throwable error() throws Exception {
      try {
        done.get(10, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        return e.getCause();
      }
      throw new AssertionError("the stream completed without an error");
    }
  }
}
