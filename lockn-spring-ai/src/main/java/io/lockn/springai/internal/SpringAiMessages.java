package io.lockn.springai.internal;

import io.lockn.core.GenAiMessage;
import io.lockn.core.MessagePart;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.ToolResponseMessage;

/**
 * Converts Spring AI messages into LockN's {@link GenAiMessage}s (for token estimates and compression counts).
 *
 * <p>This class is internal and is hence not for public use. Its APIs are unstable and can change at any time.
 */
public final class SpringAiMessages {

  private SpringAiMessages() {}

  /**
   * Converts messages by their type and text, an assistant's tool calls and a tool message's responses included (a
   * tool loop's later round trips send them, and a budget's estimate must count them); media is left out.
   *
   * @param messages Spring AI's messages
   * @return LockN's messages, in order
   */
  public static List<GenAiMessage> from(List<Message> messages) {
    List<GenAiMessage> out = new ArrayList<>(messages.size());
    for (Message m : messages) {
      if (m instanceof AssistantMessage a && a.hasToolCalls()) {
        List<MessagePart> parts = new ArrayList<>(a.getToolCalls().size() + 1);
        if (a.getText() != null && !a.getText().isEmpty()) {
          parts.add(new MessagePart.Text(a.getText()));
        }
        for (AssistantMessage.ToolCall call : a.getToolCalls()) {
          parts.add(new MessagePart.ToolCall(nonNull(call.id()), nonNull(call.name()), nonNull(call.arguments())));
        }
        out.add(new GenAiMessage("assistant", parts, null));
        continue;
      }
      if (m instanceof ToolResponseMessage t && !t.getResponses().isEmpty()) {
        List<MessagePart> parts = new ArrayList<>(t.getResponses().size());
        for (ToolResponseMessage.ToolResponse r : t.getResponses()) {
          parts.add(new MessagePart.ToolCallResponse(nonNull(r.id()), nonNull(r.responseData())));
        }
        out.add(new GenAiMessage("tool", parts, null));
        continue;
      }
      String text = m.getText() == null ? "" : m.getText();
      String role;
      switch (m.getMessageType()) {
        case SYSTEM:
          role = "system";
          break;
        case ASSISTANT:
          role = "assistant";
          break;
        case TOOL:
          role = "tool";
          break;
        default:
          role = "user";
      }
      out.add(new GenAiMessage(role, List.of(new MessagePart.Text(text)), null));
    }
    return out;
  }

  private static String nonNull(@Nullable String s) {
    return s == null ? "" : s;
  }
}
