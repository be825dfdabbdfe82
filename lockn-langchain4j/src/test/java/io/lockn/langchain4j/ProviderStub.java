package io.lockn.langchain4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A model provider on {@code 127.0.0.1} for tests: it answers each HTTP request with the next queued {@link Reply}
 * and records every request, so that a real LangChain4j client can be pointed at it.
 *
 * <pre>{@code
 * try (ProviderStub stub = ProviderStub.start()) {
 *   stub.enqueue(ProviderStub.json(200, "{...}"));
 *   ChatModel model = OpenAiChatModel.builder().baseUrl(stub.baseUrl() + "/v1")...build();
 *   ...
 *   assertThat(stub.request(0).path()).isEqualTo("/v1/chat/completions");
 * }
 * }</pre>
 *
 * <p>A request that finds no reply queued is answered {@code 599} with a JSON error naming the request, so a test
 * that makes more calls than it expected fails visibly. Requests are served concurrently.
 */
final class ProviderStub implements AutoCloseable {

  /** One recorded request. Header names are lower case. */
  record Request(String method, String path, Map<String, List<String>> headers, String body) {

    /**
     * The first value of a header.
     *
     * @param name the header name, any case
     * @return the value, or {@code null}
     */
    String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null || values.isEmpty() ? null : values.get(0);
    }

    /**
     * The body parsed as JSON (clients pretty-print differently, so compare fields, not text).
     *
     * @return the JSON tree
     */
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + body, e);
      }
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /** How to answer one request. */
  @FunctionalInterface
  interface Reply {
    void write(HttpExchange exchange) throws IOException;
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final ConcurrentLinkedQueue<Reply> replies = new ConcurrentLinkedQueue<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();

  private ProviderStub(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Starts a stub on an ephemeral port of {@code 127.0.0.1}.
   *
   * @return the running stub; close it after the test
   */
  static ProviderStub start() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      ExecutorService executor =
          Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "provider-stub");
            t.setDaemon(true);
            return t;
          });
      ProviderStub stub = new ProviderStub(server, executor);
      server.createContext("/", stub::handle);
      server.setExecutor(executor);
      server.start();
      return stub;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The stub's root URL, without a trailing slash: {@code http://127.0.0.1:PORT}.
   *
   * @return the URL
   */
  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /**
   * Queues replies, answered in order, one per request.
   *
   * @param next the replies
   * @return this stub
   */
  ProviderStub enqueue(Reply... next) {
    replies.addAll(List.of(next));
    return this;
  }

  /**
   * The requests received so far, in arrival order.
   *
   * @return a snapshot
   */
  List<Request> requests() {
    return List.copyOf(requests);
  }

  /**
   * One received request.
   *
   * @param index its position in arrival order
   * @return the request
   */
  Request request(int index) {
    return requests.get(index);
  }

  /**
   * How many requests were received.
   *
   * @return the count
   */
  int requestCount() {
    return requests.size();
  }

  /**
   * A JSON reply.
   *
   * @param status the HTTP status (200, 429, 500, ...)
   * @param body the JSON body
   * @return the reply
   */
  static Reply json(int status, String body) {
    return exchange -> {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    };
  }

  /**
   * A server-sent-event stream, each event written and flushed on its own. Each element is an event's lines without
   * the blank separator line, e.g. {@code "data: {...}"} (OpenAI) or {@code "event: message_start\ndata: {...}"}
   * (Anthropic).
   *
   * @param events the events, in order
   * @return the reply
   */
  static Reply sse(String... events) {
    return sse(Duration.ZERO, false, events);
  }

  /**
   * A server-sent-event stream like {@link #sse(String...)}, pausing {@code pause} before each event, that ends
   * normally or, with {@code drop}, by cutting the connection after the last event without ending the response
   * (the client sees a premature end of stream).
   *
   * @param pause the pause before each event
   * @param drop whether to cut the connection instead of ending the stream
   * @param events the events, in order
   * @return the reply
   */
  static Reply sse(Duration pause, boolean drop, String... events) {
    return exchange -> {
      exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
      exchange.sendResponseHeaders(200, 0);
      OutputStream out = exchange.getResponseBody();
      for (String event : events) {
        sleep(pause);
        out.write((event + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
      if (drop) {
        throw new Dropped();
      }
      out.close();
    };
  }

  /**
   * A reply that waits before another reply.
   *
   * @param pause how long to wait
   * @param then the reply to send afterwards
   * @return the reply
   */
  static Reply delayed(Duration pause, Reply then) {
    return exchange -> {
      sleep(pause);
      then.write(exchange);
    };
  }

  /** Thrown from a handler to make the JDK server drop the connection mid-response. */
  private static final class Dropped extends RuntimeException {
    Dropped() {
      super("connection dropped by ProviderStub", null, false, false);
    }
  }

  private static void sleep(Duration pause) {
    if (pause.isZero()) {
      return;
    }
    try {
      Thread.sleep(pause.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    Map<String, List<String>> headers = new TreeMap<>();
    exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
    String path = exchange.getRequestURI().getRawPath();
    if (exchange.getRequestURI().getRawQuery() != null) {
      path += "?" + exchange.getRequestURI().getRawQuery();
    }
    requests.add(new Request(exchange.getRequestMethod(), path, Map.copyOf(headers), body));
    Reply reply = replies.poll();
    if (reply == null) {
      reply = json(599, "{\"error\":{\"message\":\"ProviderStub: no reply queued for "
          + exchange.getRequestMethod() + " " + path + "\",\"type\":\"stub_error\"}}");
    }
    // Not closed in a finally: closing would end a dropped stream properly, while a Dropped escaping the handler
    // makes the JDK server close the connection mid-response.
    reply.write(exchange);
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
