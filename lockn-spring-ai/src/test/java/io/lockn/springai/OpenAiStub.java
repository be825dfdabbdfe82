package io.lockn.springai;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.test.context.DynamicPropertyRegistry;

/** An OpenAI-shaped HTTP stub on loopback: answers queued JSON bodies in order and records request bodies. */
final class OpenAiStub implements AutoCloseable {

  private final HttpServer server;
  private final ConcurrentLinkedQueue<String[]> replies = new ConcurrentLinkedQueue<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final List<String> paths = new CopyOnWriteArrayList<>();

  OpenAiStub() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", exchange -> {
      paths.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
      requests.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      String[] reply = replies.poll();
      int status = reply == null ? 599 : Integer.parseInt(reply[0]);
      String contentType = reply == null ? "application/json" : reply[1];
      byte[] body = (reply == null ? "{\"error\":{\"message\":\"no reply queued\"}}" : reply[2])
          .getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", contentType);
      if (reply != null && reply.length == 5) {
        // A stream whose tail comes later: the client may have cancelled (and hung up) by then.
        exchange.sendResponseHeaders(status, 0);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
          out.flush();
          Thread.sleep(Long.parseLong(reply[4]));
          out.write(reply[3].getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
          // The client went away before the tail: what a cancelled stream does.
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return;
      }
      exchange.sendResponseHeaders(status, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  /**
   * The properties of a Boot test whose Spring AI OpenAI client talks to this stub: gpt-4o, no retries, every span
   * sampled, and LockN's auto-configuration off (the test wires LockN by hand). Call it from a
   * {@code @DynamicPropertySource} method.
   *
   * @param registry the test's property registry
   */
  void registerBootProperties(DynamicPropertyRegistry registry) {
    registry.add("spring.ai.openai.base-url", this::baseUrl);
    registry.add("spring.ai.openai.api-key", () -> "test");
    registry.add("spring.ai.openai.chat.model", () -> "gpt-4o");
    registry.add("spring.ai.openai.max-retries", () -> "0");
    registry.add("management.tracing.sampling.probability", () -> "1.0");
    registry.add("lockn.enabled", () -> "false");
  }

  OpenAiStub json(String body) {
    replies.add(new String[] {"200", "application/json", body});
    return this;
  }

  /** Queues an error answer, e.g. {@code 500} with an OpenAI error body. */
  OpenAiStub status(int status, String body) {
    replies.add(new String[] {Integer.toString(status), "application/json", body});
    return this;
  }

  OpenAiStub sse(String... events) {
    StringBuilder b = new StringBuilder();
    for (String e : events) {
      b.append("data: ").append(e).append("\n\n");
    }
    b.append("data: [DONE]\n\n");
    replies.add(new String[] {"200", "text/event-stream", b.toString()});
    return this;
  }

  /**
   * Queues a stream whose last event (and {@code [DONE]}) is sent {@code pauseMillis} after the others, so that a
   * client cancelling after the first events surely cancels before the last one arrives.
   */
  OpenAiStub sseWithPauseBeforeLast(long pauseMillis, String... events) {
    StringBuilder head = new StringBuilder();
    for (int i = 0; i < events.length - 1; i++) {
      head.append("data: ").append(events[i]).append("\n\n");
    }
    String tail = "data: " + events[events.length - 1] + "\n\ndata: [DONE]\n\n";
    replies.add(new String[] {"200", "text/event-stream", head.toString(), tail, Long.toString(pauseMillis)});
    return this;
  }

  List<String> requests() {
    return List.copyOf(requests);
  }

  /** The method and path of each request, in order, e.g. {@code POST /v1/embeddings}. */
  List<String> paths() {
    return List.copyOf(paths);
  }

  void reset() {
    replies.clear();
    requests.clear();
    paths.clear();
  }

  static String completion(String model, String text, long prompt, long cached, long completion, long reasoning) {
    return """
        {"id":"chatcmpl-%s","object":"chat.completion","created":1,"model":"%s",
         "choices":[{"index":0,"message":{"role":"assistant","content":"%s"},"finish_reason":"stop"}],
         "usage":%s}
        """.formatted(model, model, text, usage(prompt, cached, completion, reasoning));
  }

  /** A completion whose only choice asks for one function call ({@code finish_reason: tool_calls}). */
  static String toolCall(String id, String model, String callId, String function, String argumentsJson,
      long prompt, long completion) {
    return """
        {"id":"%s","object":"chat.completion","created":1,"model":"%s",
         "choices":[{"index":0,"message":{"role":"assistant","content":null,
           "tool_calls":[{"id":"%s","type":"function","function":{"name":"%s","arguments":"%s"}}]},
           "finish_reason":"tool_calls"}],
         "usage":%s}
        """.formatted(id, model, callId, function, argumentsJson.replace("\"", "\\\""),
        usage(prompt, 0, completion, 0));
  }

  /** A streamed chunk with a content delta; {@code finishReason} is {@code null} until the last content chunk. */
  static String chunk(String id, String model, String content, String finishReason) {
    return """
        {"id":"%s","object":"chat.completion.chunk","created":1,"model":"%s",
         "choices":[{"index":0,"delta":{"role":"assistant","content":"%s"},"finish_reason":%s}]}
        """.formatted(id, model, content, finishReason == null ? "null" : "\"" + finishReason + "\"")
        .replace("\n", "");
  }

  /** The last chunk of a stream asked with {@code stream_options.include_usage}: no choices, only usage. */
  static String usageChunk(String id, String model, long prompt, long cached, long completion, long reasoning) {
    return """
        {"id":"%s","object":"chat.completion.chunk","created":1,"model":"%s","choices":[],"usage":%s}
        """.formatted(id, model, usage(prompt, cached, completion, reasoning)).replace("\n", "");
  }

  /** An embeddings answer with one two-dimensional vector per input. */
  static String embeddings(String model, int inputs, long promptTokens) {
    StringBuilder data = new StringBuilder();
    for (int i = 0; i < inputs; i++) {
      data.append(i == 0 ? "" : ",")
          .append("{\"object\":\"embedding\",\"index\":").append(i).append(",\"embedding\":[0.25,-0.5]}");
    }
    return """
        {"object":"list","data":[%s],"model":"%s","usage":{"prompt_tokens":%d,"total_tokens":%d}}
        """.formatted(data, model, promptTokens, promptTokens);
  }

  private static String usage(long prompt, long cached, long completion, long reasoning) {
    return ("{\"prompt_tokens\":%d,\"completion_tokens\":%d,\"total_tokens\":%d,"
        + "\"prompt_tokens_details\":{\"cached_tokens\":%d},"
        + "\"completion_tokens_details\":{\"reasoning_tokens\":%d}}")
        .formatted(prompt, completion, prompt + completion, cached, reasoning);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
