package io.lockn.langchain4j.internal;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.output.FinishReason;
import io.lockn.core.GenAiMessage;
import io.lockn.core.MessagePart;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Converts LangChain4j messages into LockN's {@link GenAiMessage}s (for content capture and token estimates).
 *
 * <p>This class is internal and is hence not for public use. Its APIs are unstable and can change at any time.
 */
public final class Messages {

  private Messages() {}

  /**
   * Converts chat messages; non-text content (images, audio, PDF) is left out, since neither capture nor token
   * estimates use it.
   *
   * @param messages LangChain4j's messages
   * @return LockN's messages, in order
   */
  public static List<GenAiMessage> from(List<ChatMessage> messages) {
    List<GenAiMessage> out = new ArrayList<>(messages.size());
    for (ChatMessage m : messages) {
      GenAiMessage g = from(m, null);
      if (g != null) {
        out.add(g);
      }
    }
    return out;
  }

  /**
   * Converts one message.
   *
   * @param m the message
   * @param finishReason the finish reason, for an output message
   * @return the message, or {@code null} for a custom message type
   */
  public static @Nullable GenAiMessage from(ChatMessage m, @Nullable FinishReason finishReason) {
    if (m instanceof SystemMessage s) {
      return GenAiMessage.system(nonNull(s.text()));
    }
    if (m instanceof UserMessage u) {
      List<MessagePart> parts = new ArrayList<>(1);
      for (Content c : u.contents()) {
        if (c instanceof TextContent t) {
          parts.add(new MessagePart.Text(nonNull(t.text())));
        }
      }
      return new GenAiMessage("user", parts, null);
    }
    if (m instanceof AiMessage a) {
      List<MessagePart> parts = new ArrayList<>(1);
      if (a.text() != null) {
        parts.add(new MessagePart.Text(a.text()));
      }
      if (a.toolExecutionRequests() != null) {
        for (ToolExecutionRequest r : a.toolExecutionRequests()) {
          parts.add(new MessagePart.ToolCall(nonNull(r.id()), nonNull(r.name()), nonNull(r.arguments())));
        }
      }
      return new GenAiMessage("assistant", parts, finishReason == null ? null : finishReason(finishReason));
    }
    if (m instanceof ToolExecutionResultMessage t) {
      return GenAiMessage.toolResponse(nonNull(t.id()), nonNull(t.text()));
    }
    return null;
  }

  /**
   * The semantic-convention finish reason ({@code gen_ai.response.finish_reasons}).
   *
   * @param reason LangChain4j's finish reason
   * @return {@code stop}, {@code length}, {@code tool_call}, {@code content_filter} or {@code other}
   */
  public static String finishReason(FinishReason reason) {
    switch (reason.name()) {
      case "STOP":
        return "stop";
      case "LENGTH":
        return "length";
      case "TOOL_EXECUTION":
        return "tool_call";
      case "CONTENT_FILTER":
        return "content_filter";
      default:
        return "other";
    }
  }

  private static String nonNull(@Nullable String s) {
    return s == null ? "" : s;
  }
}
