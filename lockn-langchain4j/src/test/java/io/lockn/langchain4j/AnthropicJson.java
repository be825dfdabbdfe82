package io.lockn.langchain4j;

/**
 * Anthropic Messages API bodies and stream events, as the API sends them, for {@link ProviderStub}.
 *
 * <p>Anthropic's usage is additive: {@code input_tokens} excludes the cache reads ({@code cache_read_input_tokens})
 * and cache writes ({@code cache_creation_input_tokens}), which come on top of it.
 */
final class AnthropicJson {

  private AnthropicJson() {}

  /**
   * A {@code usage} block.
   *
   * @param input {@code input_tokens}, excluding cache reads and writes
   * @param cacheCreation {@code cache_creation_input_tokens}
   * @param cacheRead {@code cache_read_input_tokens}
   * @param output {@code output_tokens}
   * @return the JSON object
   */
  static String usage(int input, int cacheCreation, int cacheRead, int output) {
    return "{\"input_tokens\":" + input + ",\"cache_creation_input_tokens\":" + cacheCreation
        + ",\"cache_read_input_tokens\":" + cacheRead + ",\"output_tokens\":" + output + "}";
  }

  /**
   * A message with a text answer.
   *
   * @param id the message id
   * @param model the response model
   * @param text the answer (no characters that need escaping)
   * @param usage the usage block, or {@code null} for none
   * @return the JSON body
   */
  static String message(String id, String model, String text, String usage) {
    return message(id, model, "{\"type\":\"text\",\"text\":\"" + text + "\"}", "end_turn", usage);
  }

  /**
   * A message that asks for one tool call.
   *
   * @param id the message id
   * @param model the response model
   * @param toolUseId the tool call's id
   * @param tool the tool name
   * @param input the tool input, as a JSON object
   * @param usage the usage block
   * @return the JSON body
   */
  static String toolUse(String id, String model, String toolUseId, String tool, String input, String usage) {
    return message(
        id,
        model,
        "{\"type\":\"tool_use\",\"id\":\"" + toolUseId + "\",\"name\":\"" + tool + "\",\"input\":" + input + "}",
        "tool_use",
        usage);
  }

  private static String message(String id, String model, String content, String stopReason, String usage) {
    return "{\"id\":\"" + id + "\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"" + model
        + "\",\"content\":[" + content + "],\"stop_reason\":\"" + stopReason + "\",\"stop_sequence\":null"
        + (usage == null ? "" : ",\"usage\":" + usage) + "}";
  }

  /**
   * An API error body.
   *
   * @param type the error type, e.g. {@code rate_limit_error}, {@code overloaded_error}
   * @param message the message
   * @return the JSON body
   */
  static String error(String type, String message) {
    return "{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"" + message + "\"}}";
  }

  /**
   * The {@code message_start} event, which carries the input side of the usage.
   *
   * @param id the message id
   * @param model the response model
   * @param usage the usage block
   * @return the event, for {@link ProviderStub#sse}
   */
  static String messageStart(String id, String model, String usage) {
    return event("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"" + id
        + "\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"" + model
        + "\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":" + usage + "}}");
  }

  /** The {@code content_block_start} event of a text block at index 0. */
  static final String TEXT_BLOCK_START =
      event("content_block_start",
          "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}");

  /** A keep-alive event. */
  static final String PING = event("ping", "{\"type\":\"ping\"}");

  /**
   * A {@code content_block_delta} event with a piece of text for the block at index 0.
   *
   * @param text the piece (no characters that need escaping)
   * @return the event
   */
  static String textDelta(String text) {
    return event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":"
        + "\"text_delta\",\"text\":\"" + text + "\"}}");
  }

  /** The {@code content_block_stop} event of the block at index 0. */
  static final String BLOCK_STOP = event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}");

  /**
   * The {@code message_delta} event, with the stop reason and the final output count.
   *
   * @param stopReason e.g. {@code end_turn}
   * @param outputTokens the output tokens of the whole message
   * @return the event
   */
  static String messageDelta(String stopReason, int outputTokens) {
    return event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"" + stopReason
        + "\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":" + outputTokens + "}}");
  }

  /** The {@code message_stop} event that ends the stream. */
  static final String MESSAGE_STOP = event("message_stop", "{\"type\":\"message_stop\"}");

  /**
   * An {@code error} event in the middle of a stream.
   *
   * @param type the error type, e.g. {@code overloaded_error}
   * @param message the message
   * @return the event
   */
  static String errorEvent(String type, String message) {
    return event("error", error(type, message));
  }

  private static String event(String name, String data) {
    return "event: " + name + "\ndata: " + data;
  }
}
