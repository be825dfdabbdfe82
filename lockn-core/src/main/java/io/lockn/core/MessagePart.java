package io.lockn.core;

import java.util.Objects;

/** A part of a {@link GenAiMessage}, serialised with the {@code type} the semantic conventions give it. */
public sealed interface MessagePart {

  /**
   * Text content: {@code {"type":"text","content":...}}.
   *
   * @param content the text
   */
  record Text(String content) implements MessagePart {
    /**
     * Creates a text part.
     *
     * @param content the text
     */
    public Text {
      Objects.requireNonNull(content, "content");
    }
  }

  /**
   * A tool call requested by the model: {@code {"type":"tool_call","id":...,"name":...,"arguments":...}}.
   *
   * @param id the tool call id
   * @param name the tool name
   * @param arguments the arguments, as the model sent them (usually JSON)
   */
  record ToolCall(String id, String name, String arguments) implements MessagePart {
    /**
     * Creates a tool-call part.
     *
     * @param id the tool call id
     * @param name the tool name
     * @param arguments the arguments
     */
    public ToolCall {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(arguments, "arguments");
    }
  }

  /**
   * A tool's response: {@code {"type":"tool_call_response","id":...,"response":...}}.
   *
   * @param id the tool call id it answers
   * @param response the response
   */
  record ToolCallResponse(String id, String response) implements MessagePart {
    /**
     * Creates a tool-response part.
     *
     * @param id the tool call id
     * @param response the response
     */
    public ToolCallResponse {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(response, "response");
    }
  }
}
