package io.lockn.javaagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Zero-code pricing end to end: the real OpenTelemetry Java agent (from Maven Central) with the shaded extension jar
 * on {@code -Dotel.javaagent.extensions}, attached to {@link OpenAiChatApp}, whose real OpenAI client calls a stub of
 * the chat-completions API on 127.0.0.1. The agent's own openai-java instrumentation makes the chat span; the
 * extension must price it before the agent exports it.
 *
 * <p>Spans are read back from the agent's {@code logging-otlp} exporter, which logs each batch as one line of OTLP
 * JSON; nothing leaves the machine. The child JVM is bounded in time and killed on timeout.
 */
class JavaagentExtensionIT {

  private static final long TIMEOUT_SECONDS = 120;
  private static final ObjectMapper JSON = new ObjectMapper();

  // usage: 1200 prompt tokens of which 1000 cached, 300 completion tokens. gpt-4o-mini in the bundled catalog:
  // input $0.15, cache read $0.075, output $0.60 per 1M tokens = 150, 75 and 600 nano-USD per token.
  private static final long PROMPT_TOKENS = 1200;
  private static final long CACHED_TOKENS = 1000;
  private static final long COMPLETION_TOKENS = 300;
  private static final long EXPECTED_NANOS =
      (PROMPT_TOKENS - CACHED_TOKENS) * 150 + CACHED_TOKENS * 75 + COMPLETION_TOKENS * 600; // 285,000

  private static final String COMPLETION =
      """
      {
        "id": "chatcmpl-lockn-it-1",
        "object": "chat.completion",
        "created": 1763683200,
        "model": "gpt-4o-mini-2024-07-18",
        "choices": [
          {
            "index": 0,
            "message": {"role": "assistant", "content": "It prices every model call.", "refusal": null,
                        "annotations": []},
            "logprobs": null,
            "finish_reason": "stop"
          }
        ],
        "usage": {
          "prompt_tokens": %d,
          "completion_tokens": %d,
          "total_tokens": %d,
          "prompt_tokens_details": {"cached_tokens": %d, "audio_tokens": 0},
          "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0,
                                        "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0}
        },
        "service_tier": "default",
        "system_fingerprint": "fp_lockn_it"
      }
      """
          .formatted(PROMPT_TOKENS, COMPLETION_TOKENS, PROMPT_TOKENS + COMPLETION_TOKENS, CACHED_TOKENS);

  private HttpServer server;
  private final List<String> requests = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startStub() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/v1/chat/completions", this::chatCompletions);
    server.start();
  }

  @AfterEach
  void stopStub() {
    server.stop(0);
  }

  private void chatCompletions(HttpExchange exchange) throws IOException {
    try (exchange; InputStream in = exchange.getRequestBody()) {
      requests.add(exchange.getRequestMethod() + " " + new String(in.readAllBytes(), StandardCharsets.UTF_8));
      byte[] body = COMPLETION.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Test
  void agentChatSpan_isPricedByTheExtension_withTheBundledCatalog() throws Exception {
    Run run = runApp("-Dlockn.pricing.span.cost-breakdown=true");

    assertThat(requests).singleElement().asString().startsWith("POST ").contains("\"gpt-4o-mini\"");
    JsonNode chat = chatSpan(run);
    Map<String, JsonNode> a = attributes(chat);
    // What the agent's instrumentation read from the response, so a wrong cost cannot be blamed on the stub.
    assertThat(a.get("gen_ai.response.model").path("stringValue").asText()).isEqualTo("gpt-4o-mini-2024-07-18");
    assertThat(a.get("gen_ai.usage.input_tokens").path("intValue").asLong()).isEqualTo(PROMPT_TOKENS);
    assertThat(a.get("gen_ai.usage.output_tokens").path("intValue").asLong()).isEqualTo(COMPLETION_TOKENS);
    assertThat(a.get("gen_ai.usage.cache_read.input_tokens").path("intValue").asLong()).isEqualTo(CACHED_TOKENS);

    // What the extension added.
    assertThat(a).containsKey("lockn.cost.total_nanos");
    assertThat(a.get("lockn.cost.total_nanos").path("intValue").asLong()).isEqualTo(EXPECTED_NANOS);
    assertThat(a.get("lockn.cost.source").path("stringValue").asText()).isEqualTo("local");
    assertThat(a.get("lockn.cost.currency").path("stringValue").asText()).isEqualTo("USD");
    assertThat(a.get("lockn.pricing.id").path("stringValue").asText()).startsWith("openai/gpt-4o-mini");
    assertThat(a.get("lockn.cost.total").path("doubleValue").asDouble()).isEqualTo(EXPECTED_NANOS / 1e9);
    assertThat(a.get("lockn.cost.cache_read").path("doubleValue").asDouble()).isEqualTo(CACHED_TOKENS * 75 / 1e9);
    assertThat(run.stderr()).doesNotContain("LockN pricing:").doesNotContain("LockN failed");
    // Nothing in Baggage, nothing copied.
    assertThat(a).doesNotContainKey("app.tenant_id");
  }

  @Test
  void baggageTenant_reachesTheAgentsSpanAndTheCostMetric() throws Exception {
    Run run = runApp(TenantChatApp.class, List.of("acme"), "-Dotel.metrics.exporter=logging-otlp",
        "-Dlockn.pricing.metric.attribution-keys=app.tenant_id");

    // The app put app.tenant_id in Baggage only; the agent's openai-java span carries it because the extension's
    // cost pipeline copied it when the span started.
    Map<String, JsonNode> a = attributes(chatSpan(run));
    assertThat(a.get("app.tenant_id").path("stringValue").asText()).isEqualTo("acme");
    assertThat(a.get("lockn.cost.total_nanos").path("intValue").asLong()).isEqualTo(EXPECTED_NANOS);
    // And the cost metric, which the agent exports when it shuts down, counts it for the tenant: the parts (input
    // 30,000, cache read 75,000, output 180,000 nano-USD) add up to the span's total.
    List<JsonNode> points = costPoints(run);
    assertThat(points).as("lockn.client.cost points; stderr:%n%s", run.stderr()).isNotEmpty();
    assertThat(points).allSatisfy(p -> assertThat(attributes(p).get("app.tenant_id").path("stringValue").asText())
        .isEqualTo("acme"));
    assertThat(points.stream().mapToLong(p -> p.path("asInt").asLong()).sum()).isEqualTo(EXPECTED_NANOS);
  }

  @Test
  void badPriceFile_isReportedWithItsName_andTheAppAndPricingCarryOn() throws Exception {
    Path bad = Files.writeString(dir().resolve("bad-prices.json"), "{\"schema_version\": 1, \"models\": 3}");

    Run run = runApp("-Dlockn.pricing.catalog=" + bad);

    assertThat(run.stderr())
        .contains("LockN pricing: lockn.pricing.catalog[0]: cannot load " + bad + ": models must be an array")
        .contains("bundled catalog only");
    Map<String, JsonNode> a = attributes(chatSpan(run));
    assertThat(a.get("lockn.cost.total_nanos").path("intValue").asLong()).isEqualTo(EXPECTED_NANOS);
  }

  private record Run(String stdout, String stderr, List<JsonNode> spans, List<JsonNode> metrics) {}

  private static Path dir() throws IOException {
    return Files.createDirectories(Path.of(property("lockn.it.dir")));
  }

  private static String property(String name) {
    String value = System.getProperty(name);
    if (value == null) {
      throw new IllegalStateException(name + " is not set; run this test with `mvn verify` (failsafe sets it)");
    }
    return value;
  }

  private Run runApp(String... extraJvmArgs) throws Exception {
    return runApp(OpenAiChatApp.class, List.of(), extraJvmArgs);
  }

  /**
   * Runs an app under the agent. {@link TenantChatApp} also gets the OpenTelemetry API on its classpath (nothing of
   * the SDK or LockN), as an application that sets Baggage has.
   */
  private Run runApp(Class<?> app, List<String> appArgs, String... extraJvmArgs) throws Exception {
    Path agent = Path.of(property("lockn.it.agent"));
    Path extension = Path.of(property("lockn.it.extension"));
    assertThat(agent).isRegularFile();
    assertThat(extension).isRegularFile();
    String classpath = property("lockn.it.testClasses") + java.io.File.pathSeparator
        + Files.readString(Path.of(property("lockn.it.appClasspath"))).trim();
    if (app != OpenAiChatApp.class) {
      classpath += java.io.File.pathSeparator + Files.readString(Path.of(property("lockn.it.apiClasspath"))).trim();
    }

    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-javaagent:" + agent);
    command.add("-Dotel.javaagent.extensions=" + extension);
    command.add("-Dotel.service.name=lockn-javaagent-extension-it");
    command.add("-Dotel.traces.exporter=logging-otlp");
    command.add("-Dotel.metrics.exporter=none");
    command.add("-Dotel.logs.exporter=none");
    command.add("-Dotel.bsp.schedule.delay=100");
    command.add("-Dotel.traces.sampler=always_on");
    // Nothing but the stub on 127.0.0.1 is contacted: no cloud metadata lookups either.
    command.add("-Dotel.resource.providers.aws.enabled=false");
    command.add("-Dotel.resource.providers.gcp.enabled=false");
    command.add("-Dotel.resource.providers.azure.enabled=false");
    command.addAll(List.of(extraJvmArgs));
    command.add("-cp");
    command.add(classpath);
    command.add(app.getName());
    command.add("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
    command.addAll(appArgs);

    String name = "app-" + System.nanoTime();
    Path out = dir().resolve(name + ".out");
    Path err = dir().resolve(name + ".err");
    ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    // The child must not inherit anything that could point it elsewhere.
    pb.environment().keySet().removeIf(k -> k.startsWith("OTEL_") || k.startsWith("OPENAI_")
        || k.startsWith("LOCKN_") || k.equals("JAVA_TOOL_OPTIONS") || k.equals("JDK_JAVA_OPTIONS"));
    long started = System.nanoTime();
    Process process = pb.start();
    boolean exited;
    try {
      exited = process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } finally {
      if (process.isAlive()) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    }
    String stdout = Files.readString(out);
    String stderr = Files.readString(err);
    if (!exited) {
      fail("the app under the agent did not exit within " + TIMEOUT_SECONDS + " s and was killed\nstdout:\n" + stdout
          + "\nstderr:\n" + stderr);
    }
    System.out.printf("app under the agent ran in %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    assertThat(process.exitValue()).as("exit code; stderr:%n%s", stderr).isZero();
    assertThat(stdout).as("stdout; stderr:%n%s", stderr).contains(OpenAiChatApp.DONE + " gpt-4o-mini-2024-07-18");
    List<JsonNode> spans = new ArrayList<>();
    List<JsonNode> metrics = new ArrayList<>();
    for (String line : (stdout + "\n" + stderr).split("\n")) {
      collectSpans(line, spans);
      collectMetrics(line, metrics);
    }
    return new Run(stdout, stderr, spans, metrics);
  }

  private static JsonNode chatSpan(Run run) {
    List<JsonNode> chats = run.spans().stream()
        .filter(s -> "chat".equals(attributes(s).getOrDefault("gen_ai.operation.name", JSON.nullNode())
            .path("stringValue").asText(null)))
        .toList();
    assertThat(chats).as("chat spans exported; stderr:%n%s", run.stderr()).hasSize(1);
    return chats.get(0);
  }

  /** Spans from one line of OTLP JSON: a whole export request or one ResourceSpans, as the exporters print them. */
  private static void collectSpans(String line, List<JsonNode> spans) {
    int start = line.indexOf('{');
    if (start < 0 || !line.contains("\"spans\"")) {
      return;
    }
    JsonNode root;
    try {
      root = JSON.readTree(line.substring(start));
    } catch (IOException notJson) {
      return;
    }
    List<JsonNode> resourceSpans = new ArrayList<>();
    if (root.has("resourceSpans")) {
      root.get("resourceSpans").forEach(resourceSpans::add);
    } else if (root.has("scopeSpans")) {
      resourceSpans.add(root);
    }
    for (JsonNode rs : resourceSpans) {
      for (JsonNode ss : rs.path("scopeSpans")) {
        ss.path("spans").forEach(spans::add);
      }
    }
  }

  /** Metrics from one line of OTLP JSON: a whole export request or one ResourceMetrics. */
  private static void collectMetrics(String line, List<JsonNode> metrics) {
    int start = line.indexOf('{');
    if (start < 0 || !line.contains("\"scopeMetrics\"")) {
      return;
    }
    JsonNode root;
    try {
      root = JSON.readTree(line.substring(start));
    } catch (IOException notJson) {
      return;
    }
    List<JsonNode> resourceMetrics = new ArrayList<>();
    if (root.has("resourceMetrics")) {
      root.get("resourceMetrics").forEach(resourceMetrics::add);
    } else {
      resourceMetrics.add(root);
    }
    for (JsonNode rm : resourceMetrics) {
      for (JsonNode sm : rm.path("scopeMetrics")) {
        sm.path("metrics").forEach(metrics::add);
      }
    }
  }

  /** The data points of every {@code lockn.client.cost} export (a counter: each export holds the running total). */
  private static List<JsonNode> costPoints(Run run) {
    List<JsonNode> exports = run.metrics().stream()
        .filter(m -> "lockn.client.cost".equals(m.path("name").asText()))
        .toList();
    // Cumulative temporality: the last export holds the totals.
    List<JsonNode> points = new ArrayList<>();
    if (!exports.isEmpty()) {
      exports.get(exports.size() - 1).path("sum").path("dataPoints").forEach(points::add);
    }
    return points;
  }

  private static Map<String, JsonNode> attributes(JsonNode span) {
    Map<String, JsonNode> result = new LinkedHashMap<>();
    for (JsonNode kv : span.path("attributes")) {
      result.put(kv.path("key").asText(), kv.path("value"));
    }
    return result;
  }
}
