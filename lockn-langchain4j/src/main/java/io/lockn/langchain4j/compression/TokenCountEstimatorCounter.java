package io.lockn.langchain4j.compression;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.TokenCountEstimator;
import io.lockn.core.GenAiMessage;
import io.lockn.core.MessagePart;
import io.lockn.core.spi.TokenCounter;
import io.lockn.core.spi.UsageLogger;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A LockN {@link TokenCounter} backed by a LangChain4j {@link TokenCountEstimator} (OpenAI, Anthropic, Azure, Gemini,
 * ... each module ships one), for budget admission estimates and {@code Compression.measure}.
 *
 * <p>It answers for every provider and model with the one estimator it wraps, so give it the estimator of the model
 * it is used for. Counts are estimates: provider-reported usage always wins for billing. A failing estimator is
 * logged and answers "unknown" ({@code -1}).
 */
public final class TokenCountEstimatorCounter implements TokenCounter {

  private final TokenCountEstimator estimator;

  private TokenCountEstimatorCounter(TokenCountEstimator estimator) {
    this.estimator = estimator;
  }

  /**
   * Wraps an estimator.
   *
   * @param estimator the estimator, e.g. {@code new OpenAiTokenCountEstimator("gpt-4o")}
   * @return the counter
   */
  public static TokenCountEstimatorCounter of(TokenCountEstimator estimator) {
    return new TokenCountEstimatorCounter(Objects.requireNonNull(estimator, "estimator"));
  }

  @Override
  public long countInputTokens(String provider, String model, List<GenAiMessage> messages) {
    try {
      return estimator.estimateTokenCountInMessages(toLangChain4j(messages));
    } catch (RuntimeException e) {
      UsageLogger.failed("TokenCountEstimator " + estimator.getClass().getName(), e);
      return -1;
    }
  }

  /** LockN's messages as LangChain4j's, text and tool calls only (what the estimators count). */
  static List<ChatMessage> toLangChain4j(List<GenAiMessage> messages) {
    List<ChatMessage> out = new ArrayList<>(messages.size());
    for (GenAiMessage m : messages) {
      StringBuilder text = new StringBuilder();
      List<dev.langchain4j.agent.tool.ToolExecutionRequest> calls = new ArrayList<>(0);
      for (MessagePart p : m.parts()) {
        if (p instanceof MessagePart.Text t) {
          text.append(t.content());
        } else if (p instanceof MessagePart.ToolCall c) {
          calls.add(dev.langchain4j.agent.tool.ToolExecutionRequest.builder()
              .id(c.id()).name(c.name()).arguments(c.arguments()).build());
        } else if (p instanceof MessagePart.ToolCallResponse r) {
          out.add(ToolExecutionResultMessage.from(r.id(), "tool", r.response()));
        }
      }
      switch (m.role()) {
        case "system":
          out.add(SystemMessage.from(text.toString()));
          break;
        case "assistant":
          out.add(calls.isEmpty() ? AiMessage.from(text.toString())
              : AiMessage.from(text.length() == 0 ? null : text.toString(), calls));
          break;
        case "tool":
          break;
        default:
          if (text.length() > 0) {
            out.add(UserMessage.from(text.toString()));
          }
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return "TokenCountEstimatorCounter{" + estimator.getClass().getSimpleName() + "}";
  }
}
