package io.lockn.examples;

import io.lockn.core.GenAiProvider;
import io.lockn.core.TokenUsage;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Canned provider responses, so the demo runs offline and gives the same tokens every run. Each response carries
 * usage in its provider's own reporting convention, the way a real client library returns it; the demo converts it
 * with the matching {@link TokenUsage} factory.
 */
final class SimulatedModels {

  /** One simulated completion. */
  record Completion(String responseId, String model, String text, String finishReason, TokenUsage usage) {}

  /** Failures to inject, consumed in order: a status code, or 0 for success. */
  private final Deque<Integer> injectedFailures = new ArrayDeque<>();

  private int sequence;

  void failNext(int status) {
    injectedFailures.add(status);
  }

  /** OpenAI Chat Completions: cached tokens inside prompt_tokens, reasoning inside completion_tokens. */
  Completion openAi(String requestModel, String responseModel, String text, String finishReason,
      long promptTokens, long cachedTokens, long completionTokens, long reasoningTokens) {
    respondOrFail(requestModel);
    return new Completion(
        "chatcmpl-" + (++sequence), responseModel, text, finishReason,
        TokenUsage.fromOpenAi(promptTokens, cachedTokens, completionTokens, reasoningTokens));
  }

  /** Anthropic Messages: cache reads and writes on top of input_tokens. */
  Completion anthropic(String model, String text, long inputTokens, long cacheRead, long cacheWrite,
      long outputTokens) {
    respondOrFail(model);
    return new Completion(
        "msg_" + (++sequence), model, text, "end_turn",
        TokenUsage.fromAnthropic(inputTokens, cacheRead, cacheWrite, outputTokens));
  }

  /** OpenAI embeddings: input tokens only. */
  TokenUsage embeddings(String model, long inputTokens) {
    respondOrFail(model);
    return TokenUsage.of(inputTokens, 0);
  }

  private void respondOrFail(String model) {
    Integer status = injectedFailures.poll();
    if (status != null && status != 0) {
      throw new ProviderException(status, status == 429 ? "rate limited on " + model : "overloaded: " + model);
    }
    simulateLatency();
  }

  /** A few milliseconds of simulated network time, so that durations and histograms look like real traffic. */
  private static void simulateLatency() {
    try {
      Thread.sleep(5);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static String providerOf(String model) {
    return model.startsWith("claude") ? GenAiProvider.ANTHROPIC : GenAiProvider.OPENAI;
  }
}
