package io.lockn.langchain4j.compression;

import dev.langchain4j.data.message.ChatMessage;
import io.lockn.core.GenAiMessage;
import java.util.List;

/** Test access to the message conversion of {@link TokenCountEstimatorCounter}. */
public final class TokenCountEstimatorCounterAccess {
  private TokenCountEstimatorCounterAccess() {}

  public static List<ChatMessage> toLangChain4j(List<GenAiMessage> messages) {
    return TokenCountEstimatorCounter.toLangChain4j(messages);
  }
}
