package io.lockn.langchain4j;

import java.util.Arrays;
import java.util.stream.Collectors;

/** OpenAI Chat Completions and Embeddings bodies, as the API sends them, for {@link ProviderStub}. */
final class OpenAiJson {

  private OpenAiJson() {}

  /**
   * The {@code usage} block of a chat completion.
   *
   * @param prompt {@code prompt_tokens}, cached tokens included
   * @param cached {@code prompt_tokens_details.cached_tokens}
   * @param completion {@code completion_tokens}, reasoning tokens included
   * @param reasoning {@code completion_tokens_details.reasoning_tokens}
   * @return the JSON object
   */
  static String usage(int prompt, int cached, int completion, int reasoning) {
    return "{\"prompt_tokens\":" + prompt + ",\"completion_tokens\":" + completion + ",\"total_tokens\":"
        + (prompt + completion) + ",\"prompt_tokens_details\":{\"cached_tokens\":" + cached
        + ",\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":" + reasoning
        + ",\"audio_tokens\":0,\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}}";
  }

  /**
   * A chat completion with a text answer.
   *
   * @param id the response id
   * @param model the response model
   * @param text the answer
   * @param usage the usage block, or {@code null} for none
   * @return the JSON body
   */
  static String completion(String id, String model, String text, String usage) {
    return completion(id, model, "{\"role\":\"assistant\",\"content\":\"" + text + "\"}", "stop", usage);
  }

  /**
   * A chat completion that asks for tool calls.
   *
   * @param id the response id
   * @param model the response model
   * @param usage the usage block
   * @param toolCalls the calls, each from {@link #toolCall}
   * @return the JSON body
   */
  static String toolCalls(String id, String model, String usage, String... toolCalls) {
    return completion(
        id,
        model,
        "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[" + String.join(",", toolCalls) + "]}",
        "tool_calls",
        usage);
  }

  /**
   * One entry of {@code tool_calls}.
   *
   * @param id the call id
   * @param name the function name
   * @param arguments the arguments, as a JSON object
   * @return the JSON object
   */
  static String toolCall(String id, String name, String arguments) {
    return "{\"id\":\"" + id + "\",\"type\":\"function\",\"function\":{\"name\":\"" + name + "\",\"arguments\":"
        + quote(arguments) + "}}";
  }

  private static String completion(String id, String model, String message, String finishReason, String usage) {
    return "{\"id\":\"" + id + "\",\"object\":\"chat.completion\",\"created\":1750000000,\"model\":\"" + model
        + "\",\"choices\":[{\"index\":0,\"message\":" + message + ",\"logprobs\":null,\"finish_reason\":\""
        + finishReason + "\"}]" + (usage == null ? "" : ",\"usage\":" + usage)
        + ",\"system_fingerprint\":\"fp_test\"}";
  }

  /**
   * A streamed chunk with a piece of text, as an SSE event for {@link ProviderStub#sse}.
   *
   * @param id the response id
   * @param model the response model
   * @param text the piece
   * @return the event
   */
  static String chunk(String id, String model, String text) {
    return "data: {\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"created\":1750000000,\"model\":\""
        + model + "\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + text
        + "\"},\"finish_reason\":null}],\"usage\":null}";
  }

  /**
   * The streamed chunk that ends the choice.
   *
   * @param id the response id
   * @param model the response model
   * @return the event
   */
  static String finalChunk(String id, String model) {
    return "data: {\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"created\":1750000000,\"model\":\""
        + model + "\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":null}";
  }

  /**
   * The last chunk of a stream with {@code stream_options.include_usage}: no choices, only usage.
   *
   * @param id the response id
   * @param model the response model
   * @param usage the usage block
   * @return the event
   */
  static String usageChunk(String id, String model, String usage) {
    return "data: {\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"created\":1750000000,\"model\":\""
        + model + "\",\"choices\":[],\"usage\":" + usage + "}";
  }

  /** The event that ends an OpenAI stream. */
  static final String DONE = "data: [DONE]";

  /**
   * An embeddings response.
   *
   * @param model the response model
   * @param promptTokens {@code usage.prompt_tokens}
   * @param vectors one vector per input
   * @return the JSON body
   */
  static String embeddings(String model, int promptTokens, float[]... vectors) {
    StringBuilder data = new StringBuilder();
    for (int i = 0; i < vectors.length; i++) {
      if (i > 0) {
        data.append(',');
      }
      float[] v = vectors[i];
      String values =
          Arrays.stream(box(v)).map(f -> Float.toString(f)).collect(Collectors.joining(",", "[", "]"));
      data.append("{\"object\":\"embedding\",\"index\":").append(i).append(",\"embedding\":").append(values)
          .append('}');
    }
    return "{\"object\":\"list\",\"data\":[" + data + "],\"model\":\"" + model + "\",\"usage\":{\"prompt_tokens\":"
        + promptTokens + ",\"total_tokens\":" + promptTokens + "}}";
  }

  /**
   * An API error body.
   *
   * @param type the error type, e.g. {@code rate_limit_exceeded}
   * @param message the message
   * @return the JSON body
   */
  static String error(String type, String message) {
    return "{\"error\":{\"message\":\"" + message + "\",\"type\":\"" + type + "\",\"param\":null,\"code\":\"" + type
        + "\"}}";
  }

  private static Float[] box(float[] v) {
    Float[] boxed = new Float[v.length];
    for (int i = 0; i < v.length; i++) {
      boxed[i] = v[i];
    }
    return boxed;
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
