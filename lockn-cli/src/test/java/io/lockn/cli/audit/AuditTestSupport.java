package io.lockn.cli.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lockn.cli.LocknCommand;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs {@code lockn} as the command line does and reads what it writes; shared by the audit tests. */
final class AuditTestSupport {

  static final ObjectMapper JSON = new ObjectMapper();

  private AuditTestSupport() {}

  /** The exit code and what the command printed. */
  record Run(int exit, String out, String err) {}

  /**
   * Runs {@code lockn} with the given arguments, capturing stdout and stderr.
   *
   * @param args the arguments
   * @return the exit code and output
   */
  static synchronized Run lockn(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      System.setOut(o);
      System.setErr(e);
      int exit = LocknCommand.run(args);
      o.flush();
      e.flush();
      return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  /**
   * A test resource under {@code /otlp/}, as a file.
   *
   * @param name the file name
   * @return its path
   */
  static Path resource(String name) {
    URL url = AuditTestSupport.class.getResource("/otlp/" + name);
    if (url == null) {
      throw new IllegalArgumentException("no test resource otlp/" + name);
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Audits inputs with {@code --json} and returns the parsed result.
   *
   * @param dir a temporary directory for the output
   * @param args further arguments, e.g. {@code --input} and its value
   * @return the JSON result
   */
  static JsonNode auditJson(Path dir, String... args) {
    Path json = dir.resolve("audit-" + System.nanoTime() + ".json");
    List<String> all = new ArrayList<>(List.of("audit", "--json", json.toString()));
    all.addAll(List.of(args));
    Run run = lockn(all.toArray(String[]::new));
    if (run.exit() != 0) {
      throw new AssertionError("lockn " + all + " exited " + run.exit() + ":\n" + run.out() + run.err());
    }
    return read(json);
  }

  static JsonNode read(Path json) {
    try {
      return JSON.readTree(json.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The span of the JSON result with the given id.
   *
   * @param result the result
   * @param spanId the span id
   * @return the span
   */
  static JsonNode span(JsonNode result, String spanId) {
    for (JsonNode s : result.get("spans")) {
      if (s.get("spanId").asText().equals(spanId)) {
        return s;
      }
    }
    throw new AssertionError("no span " + spanId + " in the result");
  }

  /**
   * The spans of the JSON result whose field has the given value.
   *
   * @param result the result
   * @param field the field
   * @param value the value
   * @return the spans
   */
  static List<JsonNode> spansWhere(JsonNode result, String field, String value) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode s : result.get("spans")) {
      if (value.equals(s.path(field).asText(null))) {
        out.add(s);
      }
    }
    return out;
  }

  /**
   * The findings of the JSON result of one type.
   *
   * @param result the result
   * @param type the type
   * @return the findings
   */
  static List<JsonNode> findings(JsonNode result, String type) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode f : result.get("findings")) {
      if (f.get("type").asText().equals(type)) {
        out.add(f);
      }
    }
    return out;
  }

  /**
   * Copies test resources into a directory, as one export directory.
   *
   * @param dir the directory
   * @param names the resources
   * @return the directory
   */
  static Path exportDir(Path dir, String... names) throws IOException {
    Files.createDirectories(dir);
    for (String name : names) {
      Files.copy(resource(name), dir.resolve(name));
    }
    return dir;
  }
}
