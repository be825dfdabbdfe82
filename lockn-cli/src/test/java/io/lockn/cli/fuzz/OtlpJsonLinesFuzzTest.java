package io.lockn.cli.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.lockn.cli.audit.OtlpJsonReaderAccess;
import io.lockn.cli.audit.OtlpJsonReaderAccess.Problem;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Fuzzes the OTLP JSON-lines reader of {@code lockn audit}: the fuzz input becomes the middle lines of a file whose
 * first and last lines are valid spans. Seeds: lines of the audit tests' exports (including their malformed file),
 * in {@code OtlpJsonLinesFuzzTestInputs/jsonLines/}.
 */
class OtlpJsonLinesFuzzTest {

  /** The longest problem message allowed: it names what is wrong, it does not carry the line. */
  static final int MAX_MESSAGE = 500;

  private static final String FIRST = sentinel("5e5e5e5e5e5e5e01");
  private static final String LAST = sentinel("5e5e5e5e5e5e5e02");

  private static String sentinel(String spanId) {
    return "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e\","
        + "\"spanId\":\"" + spanId + "\",\"name\":\"sentinel\",\"startTimeUnixNano\":\"1\","
        + "\"endTimeUnixNano\":\"2\"}]}]}]}";
  }

  /**
   * Whatever the middle lines hold, reading never throws, both valid lines around them are read, and each problem is
   * reported once, on a middle line, in one short line of text.
   */
  @FuzzTest(maxDuration = "15s")
  void jsonLines(byte[] data) throws IOException {
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    file.writeBytes((FIRST + "\n").getBytes(StandardCharsets.UTF_8));
    file.writeBytes(data);
    file.writeBytes(("\n" + LAST + "\n").getBytes(StandardCharsets.UTF_8));
    byte[] bytes = file.toByteArray();
    long lines = 0;
    long nonBlank = 0;
    try (BufferedReader r = new BufferedReader(
        new InputStreamReader(new java.io.ByteArrayInputStream(bytes), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        lines++;
        nonBlank += line.isBlank() ? 0 : 1;
      }
    }

    Path path = Files.createTempFile("lockn-fuzz", ".jsonl");
    OtlpJsonReaderAccess.Result read;
    try {
      Files.write(path, bytes);
      read = OtlpJsonReaderAccess.read(path);
    } finally {
      try {
        Files.deleteIfExists(path);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    List<String> spanIds = read.spanIds();
    List<Problem> problems = read.problems();
    if (spanIds.isEmpty() || !spanIds.get(0).equals("5e5e5e5e5e5e5e01")) {
      throw new AssertionError("the first line was not read first: " + spanIds.stream().limit(3).toList());
    }
    if (!spanIds.get(spanIds.size() - 1).equals("5e5e5e5e5e5e5e02")) {
      throw new AssertionError("the last line was not read (lost after a malformed line?); problems: " + problems);
    }
    long previous = 1;
    for (Problem p : problems) {
      if (p.line() <= previous || p.line() >= lines) {
        throw new AssertionError("problem on line " + p.line() + " (after line " + previous + ", of " + lines
            + "): " + clip(p.message()));
      }
      previous = p.line();
      if (p.message().length() > MAX_MESSAGE || p.message().indexOf('\n') >= 0 || p.message().indexOf('\r') >= 0) {
        throw new AssertionError("problem message of " + p.message().length() + " chars: " + clip(p.message()));
      }
    }
    if (read.valuesRead() + problems.size() > nonBlank) {
      throw new AssertionError(read.valuesRead() + " values and " + problems.size() + " problems from " + nonBlank
          + " non-blank lines");
    }
  }

  static String clip(String s) {
    return s.length() <= 300 ? s : s.substring(0, 300) + "...";
  }
}
