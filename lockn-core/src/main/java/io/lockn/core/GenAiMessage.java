package io.lockn.core;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One chat message in the shape of the GenAI semantic conventions' {@code gen_ai.input.messages} and {@code
 * gen_ai.output.messages} JSON schemas.
 *
 * @param role {@code system}, {@code user}, {@code assistant} or {@code tool}
 * @param parts the message parts, in order
 * @param finishReason why generation stopped, on output messages only; otherwise {@code null}
 */
public record GenAiMessage(String role, List<MessagePart> parts, @Nullable String finishReason) {

  /**
   * Creates a message.
   *
   * @param role the role
   * @param parts the parts
   * @param finishReason the finish reason of an output message, or {@code null}
   */
  public GenAiMessage {
    Objects.requireNonNull(role, "role");
    parts = List.copyOf(parts);
  }

  /**
   * A system message with one text part.
   *
   * @param text the text
   * @return the message
   */
  public static GenAiMessage system(String text) {
    return new GenAiMessage("system", List.of(new MessagePart.Text(text)), null);
  }

  /**
   * A user message with one text part.
   *
   * @param text the text
   * @return the message
   */
  public static GenAiMessage user(String text) {
    return new GenAiMessage("user", List.of(new MessagePart.Text(text)), null);
  }

  /**
   * An assistant message with one text part, as sent back to a model in the history.
   *
   * @param text the text
   * @return the message
   */
  public static GenAiMessage assistant(String text) {
    return new GenAiMessage("assistant", List.of(new MessagePart.Text(text)), null);
  }

  /**
   * An assistant message returned by the model, with its finish reason.
   *
   * @param text the text
   * @param finishReason the finish reason
   * @return the message
   */
  public static GenAiMessage output(String text, String finishReason) {
    return new GenAiMessage("assistant", List.of(new MessagePart.Text(text)), finishReason);
  }

  /**
   * A tool message carrying a tool's response.
   *
   * @param toolCallId the id of the tool call it answers
   * @param response the tool's response
   * @return the message
   */
  public static GenAiMessage toolResponse(String toolCallId, String response) {
    return new GenAiMessage("tool", List.of(new MessagePart.ToolCallResponse(toolCallId, response)), null);
  }
}
