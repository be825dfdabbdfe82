package io.lockn.springai.internal;

import io.lockn.core.GenAiMessage;
import io.lockn.core.MessagePart;
import java.util.ArrayList;
import java.util.List;
import org.springframework.ai.chat.messages.Message;

/**
 * Converts Spring AI messages into LockN's {@link GenAiMessage}s (for token estimates and compression counts).
 *
 * <p>This class is internal and is hence not for public use. Its APIs are unstable and can change at any time.
 */
public final class SpringAiMessages {

  private SpringAiMessages() {}

  /**
   * Converts messages by their type and text; media is left out.
   *
   * @param messages Spring AI's messages
   * @return LockN's messages, in order
   */
  public static List<GenAiMessage> from(List<Message> messages) {
    List<GenAiMessage> out = new ArrayList<>(messages.size());
    for (Message m : messages) {
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
}
