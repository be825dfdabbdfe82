package io.lockn.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Prometheus (Debian's {@code prometheus}) for tests: started on a free loopback port with its own
 * configuration and a throw-away TSDB, scraping one target every second, and read through its HTTP API. Shared by the
 * modules whose metrics reach Prometheus (lockn-compression's OpenTelemetry exporter round trip, lockn-spring-ai's
 * Micrometer scrape) through lockn-core's test-jar.
 *
 * <p>Skipped when {@code LOCKN_SKIP_PROMETHEUS_TESTS=true}, or when {@code prometheus} is not installed outside CI; in
 * CI ({@code CI=true}) a missing {@code prometheus} fails the test ({@code .ci/run} installs it).
 */
public final class PrometheusServer implements AutoCloseable {

  /** How long Prometheus gets to start and scrape the target. */
  public static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final Process process;
  private final Path dir;
  private final Path log;
  private final int port;
  private final String job;

  private PrometheusServer(Process process, Path dir, Path log, int port, String job) {
    this.process = process;
    this.dir = dir;
    this.log = log;
    this.port = port;
    this.job = job;
  }

  /**
   * Starts Prometheus scraping {@code http://127.0.0.1:targetPort + metricsPath} every second as job {@code job}, or
   * skips the calling test (see the class comment).
   *
   * @param job the job name, the {@code job} label of every series
   * @param targetPort the loopback port of the target
   * @param metricsPath the target's metrics path, e.g. {@code /metrics} or {@code /actuator/prometheus}
   * @return the running server; close it
   * @throws IOException if the configuration cannot be written or the process cannot start
   */
  public static PrometheusServer start(String job, int targetPort, String metricsPath) throws IOException {
    Assumptions.assumeFalse("true".equalsIgnoreCase(System.getenv("LOCKN_SKIP_PROMETHEUS_TESTS")),
        "LOCKN_SKIP_PROMETHEUS_TESTS=true");
    String binary = onPath("prometheus");
    if (binary == null) {
      String message = "prometheus is not installed: run `apt-get install -y prometheus` (bash .ci/run does), or set"
          + " LOCKN_SKIP_PROMETHEUS_TESTS=true to skip the Prometheus tests";
      Assumptions.assumeTrue("true".equalsIgnoreCase(System.getenv("CI")), message);
      fail(message);
    }
    Path dir = Files.createTempDirectory("lockn-prometheus");
    Path log = dir.resolve("prometheus.log");
    int port = freePort();
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(config, String.join("\n",
        "global:",
        "  scrape_interval: 1s",
        "  scrape_timeout: 1s",
        "scrape_configs:",
        "  - job_name: " + job,
        "    metrics_path: " + metricsPath,
        "    static_configs:",
        "      - targets: ['127.0.0.1:" + targetPort + "']",
        ""));
    Process process = new ProcessBuilder(List.of(binary,
        "--config.file=" + config,
        "--storage.tsdb.path=" + dir.resolve("data"),
        "--web.listen-address=127.0.0.1:" + port,
        "--log.level=warn"))
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    return new PrometheusServer(process, dir, log, port, job);
  }

  /** A free TCP port on the loopback address (free when asked; a test binds it right after). */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /**
   * Waits until Prometheus is up, has scraped the target ({@code up == 1}) and {@code readyQuery} returns a series.
   *
   * @param readyQuery a PromQL query that returns a series once what the test needs has been scraped
   */
  public void awaitScraped(String readyQuery) throws Exception {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        fail("prometheus exited with " + process.exitValue() + logTail());
      }
      try {
        JsonNode up = api("/api/v1/query?query=" + encode("up{job=\"" + job + "\"}"));
        JsonNode ready = api("/api/v1/query?query=" + encode(readyQuery));
        last = "up: " + up + ", series: " + ready;
        if ("1".equals(up.path("data").path("result").path(0).path("value").path(1).asText())
            && !ready.path("data").path("result").isEmpty()) {
          return;
        }
      } catch (IOException e) {
        last = e.toString(); // not listening yet
      }
      Thread.sleep(250);
    }
    String targets;
    try {
      targets = api("/api/v1/targets").toString();
    } catch (IOException e) {
      targets = e.toString();
    }
    fail("Prometheus did not scrape the target within " + READY_TIMEOUT.toSeconds() + " s; last: " + last
        + "\ntargets: " + targets + logTail());
  }

  /** A GET of Prometheus's HTTP API, e.g. {@code /api/v1/query?query=...}, as JSON. */
  public JsonNode api(String pathAndQuery) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(response.body());
  }

  /** Runs an instant query, which must succeed; its result (possibly empty). */
  public JsonNode query(String query) throws Exception {
    JsonNode r = api("/api/v1/query?query=" + encode(query));
    assertThat(r.path("status").asText()).as("%s: %s%s", query, r, logTail()).isEqualTo("success");
    return r.path("data");
  }

  /** The instant vector's series for a query that must succeed and return at least one series. */
  public List<JsonNode> vector(String query) throws Exception {
    JsonNode data = query(query);
    assertThat(data.path("resultType").asText()).as(query).isEqualTo("vector");
    List<JsonNode> result = new ArrayList<>();
    data.path("result").forEach(result::add);
    assertThat(result).as("series for %s", query).isNotEmpty();
    return result;
  }

  /** The single value of a one-series query, as Prometheus prints it. */
  public String scalar(String query) throws Exception {
    List<JsonNode> series = vector(query);
    assertThat(series).as(query).hasSize(1);
    return series.get(0).path("value").path(1).asText();
  }

  /** The single value of a one-series query, which must be an exact integer. */
  public long exact(String query) throws Exception {
    return new BigDecimal(scalar(query)).longValueExact();
  }

  /** Each series' exact integer value, keyed by its label values joined with '/' in the query's by-order. */
  public Map<String, Long> byLabels(String query) throws Exception {
    Matcher by = Pattern.compile("by \\(([^)]*)\\)").matcher(query);
    assertThat(by.find()).isTrue();
    String[] names = by.group(1).split(",\\s*");
    Map<String, Long> result = new TreeMap<>();
    for (JsonNode s : vector(query)) {
      List<String> key = new ArrayList<>();
      for (String name : names) {
        key.add(s.path("metric").path(name).asText());
      }
      result.put(String.join("/", key), new BigDecimal(s.path("value").path(1).asText()).longValueExact());
    }
    return result;
  }

  /** A series' labels. */
  public static Map<String, String> labels(JsonNode series) {
    Map<String, String> labels = new HashMap<>();
    series.path("metric").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    return labels;
  }

  /** URL-encodes a query parameter. */
  public static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** The last lines of Prometheus's log, for failure messages. */
  public String logTail() {
    try {
      if (!Files.exists(log)) {
        return "";
      }
      List<String> lines = Files.readAllLines(log);
      return "\nprometheus log (last lines):\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 20),
          lines.size()));
    } catch (IOException e) {
      return "\n(prometheus log unreadable: " + e + ")";
    }
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    }
  }

  private static String onPath(String command) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(d, command);
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    return null;
  }
}
