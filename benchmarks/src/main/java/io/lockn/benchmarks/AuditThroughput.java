package io.lockn.benchmarks;

import io.lockn.cli.LocknCommand;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code lockn audit} throughput and peak memory on a generated OTLP JSON export. A main class rather than a JMH
 * benchmark: one audit of a large file is a single long operation whose peak resident memory matters as much as its
 * time, and peak RSS is a property of a whole process, so the audit runs in a child JVM of its own with {@code
 * -Xmx512m} (the memory budget "whatever the input size" has to hold within), which JMH's forks do not offer.
 *
 * <p>The parent writes {@code spans} spans (default 1,000,000) to a temporary directory in the OpenTelemetry
 * Collector file exporter's format that {@code OtlpJsonReader} reads: one {@code {"resourceSpans":[...]}} line per
 * trace, each trace an {@code invoke_agent} span and nine {@code chat} calls with token usage, spread over five
 * models, three providers and 50 tenants, as LockN itself writes them. Then it runs {@code lockn audit --input FILE}
 * in the child, which times the audit (from the first byte read to the report, JVM start-up excluded) and reads its
 * own peak RSS ({@code VmHWM} in {@code /proc/self/status}) at the end. The parent prints spans per second, the peak
 * RSS and the child's wall time including JVM start-up. Targets: at least 100,000 spans/s, peak RSS at most 512 MB.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.lockn.benchmarks.AuditThroughput [spans] [childHeap]}
 */
public final class AuditThroughput {

  private static final String[][] MODELS = {
    {"openai", "gpt-4o", "api.openai.com"},
    {"openai", "gpt-4o-mini", "api.openai.com"},
    {"anthropic", "claude-sonnet-4-5", "api.anthropic.com"},
    {"anthropic", "claude-haiku-4-5", "api.anthropic.com"},
    {"gcp.gemini", "gemini-2.5-flash", "generativelanguage.googleapis.com"},
  };
  private static final int CALLS_PER_TRACE = 9;

  private AuditThroughput() {}

  /**
   * Generates the input, runs the audit in a child JVM and prints the results.
   *
   * @param args optional: the span count (a multiple of 10), the child's {@code -Xmx} (default {@code 512m})
   * @throws Exception if the input cannot be written or the child cannot run
   */
  public static void main(String[] args) throws Exception {
    int spans = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    String heap = args.length > 1 ? args[1] : "512m";
    Path dir = Files.createTempDirectory("lockn-audit-bench");
    Path input = dir.resolve("traces.jsonl");
    try {
      long t0 = System.nanoTime();
      int written = generate(input, spans / (CALLS_PER_TRACE + 1));
      System.out.printf(Locale.ROOT, "generated %,d spans (%,d bytes) in %.1f s: %s%n", written, Files.size(input),
          (System.nanoTime() - t0) / 1e9, input);

      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add("-Xmx" + heap);
      command.add("-cp");
      command.add(System.getProperty("java.class.path"));
      command.add(Child.class.getName());
      command.add(Integer.toString(written));
      command.add(input.toString());
      long start = System.nanoTime();
      Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output;
      try (InputStream out = child.getInputStream()) {
        output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
      }
      int exit = child.waitFor();
      double wall = (System.nanoTime() - start) / 1e9;
      // The audit's own summary goes to stdout too; print only our lines and the tail of any failure.
      for (String line : output.split("\n")) {
        if (line.startsWith("AUDIT ") || exit != 0) {
          System.out.println(line);
        }
      }
      System.out.printf(Locale.ROOT, "child exit %d, wall time with JVM start-up %.1f s (-Xmx%s)%n", exit, wall,
          heap);
    } finally {
      Files.deleteIfExists(input);
      Files.deleteIfExists(dir);
    }
  }

  /** Writes {@code traces} lines; returns the span count. */
  static int generate(Path file, int traces) throws IOException {
    long startNanos = 1_795_305_437_000_000_000L;
    int spans = 0;
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      StringBuilder b = new StringBuilder(16_384);
      for (int t = 0; t < traces; t++) {
        b.setLength(0);
        String traceId = String.format(Locale.ROOT, "%016x%016x", 0x4bf92f3577b34da6L, t + 1L);
        String tenant = "tenant-" + (t % 50);
        String agentId = String.format(Locale.ROOT, "%016x", (t + 1L) << 8);
        long traceStart = startNanos + t * 10_000_000L;
        b.append("{\"resourceSpans\":[{\"resource\":{\"attributes\":[")
            .append(str("service.name", "support-api")).append(',')
            .append(str("deployment.environment.name", "prod"))
            .append("]},\"scopeSpans\":[{\"scope\":{\"name\":\"io.lockn.core\",\"version\":\"0.1.0\"},\"spans\":[");
        for (int c = 0; c < CALLS_PER_TRACE; c++) {
          String[] m = MODELS[(t + c) % MODELS.length];
          long s = traceStart + 1_000_000L + c * 900_000L;
          b.append("{\"traceId\":\"").append(traceId).append("\",\"spanId\":\"")
              .append(String.format(Locale.ROOT, "%016x", ((t + 1L) << 8) + c + 1))
              .append("\",\"parentSpanId\":\"").append(agentId)
              .append("\",\"name\":\"chat ").append(m[1]).append("\",\"kind\":3,\"startTimeUnixNano\":\"").append(s)
              .append("\",\"endTimeUnixNano\":\"").append(s + 800_000L).append("\",\"attributes\":[")
              .append(str("gen_ai.operation.name", "chat")).append(',')
              .append(str("gen_ai.provider.name", m[0])).append(',')
              .append(str("gen_ai.request.model", m[1])).append(',')
              .append(str("server.address", m[2])).append(',')
              .append(integer("server.port", 443)).append(',')
              .append(str("lockn.agent.name", "support-bot")).append(',')
              .append(str("lockn.task.name", "triage")).append(',')
              .append(str("app.tenant_id", tenant)).append(',')
              .append(integer("gen_ai.usage.input_tokens", 800 + (t + c) % 400)).append(',')
              .append(integer("gen_ai.usage.output_tokens", 100 + (t * 7 + c) % 300)).append(',')
              .append(str("gen_ai.response.model", m[1])).append(',')
              .append(str("gen_ai.response.id", "resp-" + t + "-" + c))
              .append("],\"status\":{}},");
          spans++;
        }
        b.append("{\"traceId\":\"").append(traceId).append("\",\"spanId\":\"").append(agentId)
            .append("\",\"name\":\"invoke_agent support-bot\",\"kind\":1,\"startTimeUnixNano\":\"").append(traceStart)
            .append("\",\"endTimeUnixNano\":\"").append(traceStart + 9_500_000L).append("\",\"attributes\":[")
            .append(str("gen_ai.operation.name", "invoke_agent")).append(',')
            .append(str("gen_ai.agent.name", "support-bot")).append(',')
            .append(str("lockn.task.name", "triage")).append(',')
            .append(str("app.tenant_id", tenant))
            .append("],\"status\":{}}]}]}]}\n");
        spans++;
        w.append(b);
      }
    }
    return spans;
  }

  private static String str(String key, String value) {
    return "{\"key\":\"" + key + "\",\"value\":{\"stringValue\":\"" + value + "\"}}";
  }

  private static String integer(String key, long value) {
    return "{\"key\":\"" + key + "\",\"value\":{\"intValue\":\"" + value + "\"}}";
  }

  /** The child JVM: runs the audit as {@code lockn audit} does, without exiting, then reports. */
  public static final class Child {
    private Child() {}

    /**
     * Runs {@code lockn audit --input FILE} and prints one {@code AUDIT} line.
     *
     * @param args the span count, the input file
     * @throws IOException if {@code /proc/self/status} cannot be read
     */
    public static void main(String[] args) throws IOException {
      long spans = Long.parseLong(args[0]);
      PrintStream out = System.out;
      long start = System.nanoTime();
      int exit = LocknCommand.run(new String[] {"audit", "--input", args[1]});
      double seconds = (System.nanoTime() - start) / 1e9;
      String hwm = "?";
      String rss = "?";
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          hwm = line.substring(6).trim();
        } else if (line.startsWith("VmRSS:")) {
          rss = line.substring(6).trim();
        }
      }
      out.printf(Locale.ROOT, "AUDIT exit %d: %,d spans in %.2f s = %,.0f spans/s; peak RSS (VmHWM) %s, RSS at end %s%n",
          exit, spans, seconds, spans / seconds, hwm, rss);
    }
  }
}
