package io.lockn.cli.audit;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.jspecify.annotations.Nullable;

/**
 * Reads OTLP JSON trace exports: the OpenTelemetry Collector file exporter's format (one {@code
 * {"resourceSpans":[...]}} object per line) and OTLP/HTTP JSON bodies (one such document, possibly pretty-printed);
 * {@code .gz} files are decompressed; a directory means every regular file in it, in name order.
 *
 * <p>Reading streams: one line (or, for a single document, one {@code resourceSpans} element) is in memory at a
 * time. A malformed line is reported through the problem sink with its file and line number and skipped; everything
 * else is still read. Span and trace ids are hex, as OTLP/HTTP JSON writes them; 64-bit integers may be numbers or
 * strings.
 */
final class OtlpJsonReader {

  /** Receives one problem: the file, the line (1-based) and what is wrong. */
  @FunctionalInterface
  interface Problems {
    /**
     * Reports a problem.
     *
     * @param file the file
     * @param line the 1-based line, or 0 if not known
     * @param message what is wrong
     */
    void report(Path file, long line, String message);
  }

  /** Receives batches of spans and progress. */
  interface Sink {
    /**
     * Spans read from one line or document element.
     *
     * @param spans the spans
     */
    void accept(List<AuditSpan> spans);

    /**
     * Bytes read so far, for progress reporting.
     *
     * @param bytes total bytes of input consumed
     */
    default void progress(long bytes) {}
  }

  // Problem messages quote input, bounded: an id up to MAX_QUOTED characters, a parser message up to
  // MAX_QUOTED_MESSAGE (Jackson's own quotes up to 256 characters of the bad token).
  private static final int MAX_QUOTED = 64;
  // A pretty-printed document's first line is short ("{" or "{\"resourceSpans\": ["); a JSON line is kilobytes.
  private static final int LONG_FIRST_LINE = 200;
  private static final int MAX_QUOTED_MESSAGE = 300;

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private final Problems problems;
  private long bytesRead;
  private long valuesRead;

  /**
   * Creates a reader.
   *
   * @param problems where malformed input is reported
   */
  OtlpJsonReader(Problems problems) {
    this.problems = problems;
  }

  /**
   * The files an input names: the file itself, or a directory's regular files in name order.
   *
   * @param input a file or directory
   * @return the files
   * @throws IOException if the directory cannot be listed
   */
  static List<Path> files(Path input) throws IOException {
    if (Files.isDirectory(input)) {
      try (Stream<Path> s = Files.list(input)) {
        return s.filter(Files::isRegularFile).sorted().toList();
      }
    }
    return List.of(input);
  }

  /**
   * How many JSON values (lines or document elements) were read successfully so far.
   *
   * @return the count
   */
  long valuesRead() {
    return valuesRead;
  }

  /**
   * Reads one file.
   *
   * @param file the file
   * @param sink where spans go
   * @throws IOException if the file cannot be opened
   */
  void read(Path file, Sink sink) throws IOException {
    long bytesBefore = bytesRead;
    boolean asLines;
    try (BufferedReader reader = open(file, sink)) {
      int firstLine = prettyDocumentFirstLine(reader);
      asLines = firstLine < 0 || !readDocument(file, reader, sink, firstLine >= LONG_FIRST_LINE);
    }
    if (asLines) {
      // Not a document after all (typically JSON lines whose first line is cut short): read it again line by line,
      // so that one bad line costs that line only. Nothing of the failed attempt was delivered or reported.
      bytesRead = bytesBefore;
      try (BufferedReader reader = open(file, sink)) {
        readLines(file, reader, sink);
      }
    }
  }

  private BufferedReader open(Path file, Sink sink) throws IOException {
    InputStream raw = Files.newInputStream(file);
    try {
      CountingInputStream counting = new CountingInputStream(raw, n -> sink.progress(bytesRead += n));
      InputStream in = file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(counting) : counting;
      return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }

  private void readLines(Path file, BufferedReader reader, Sink sink) throws IOException {
    long lineNumber = 0;
    String line;
    while ((line = reader.readLine()) != null) {
      lineNumber++;
      if (line.isBlank()) {
        continue;
      }
      JsonNode root;
      try {
        root = JSON.readTree(line);
      } catch (IOException | NumberFormatException e) {
        // Jackson reports a number it cannot represent ("1e1000000128000") as a NumberFormatException.
        problems.report(file, lineNumber, "not valid JSON: " + firstLine(e));
        continue;
      }
      List<AuditSpan> spans = new ArrayList<>();
      String problem = spans(root, spans);
      if (problem != null) {
        problems.report(file, lineNumber, problem);
        continue;
      }
      valuesRead++;
      sink.accept(spans);
    }
  }

  /**
   * A single document, possibly pretty-printed over many lines: stream its resourceSpans one at a time.
   *
   * <p>Returns {@code false}, having delivered and reported nothing, when the input may be JSON lines whose first line
   * is cut short ({@code mayBeLines}: its first line is long, which a pretty-printed document's is not) and it is not
   * valid JSON before any element was read; the caller then reads it as lines. Problems are held back
   * until an element has been delivered, for the same reason. A document cut short (end of input) stays one problem.
   */
  private boolean readDocument(Path file, Reader reader, Sink sink, boolean mayBeLines) {
    long valuesBefore = valuesRead;
    List<Runnable> heldBack = new ArrayList<>();
    Problems held = (f, line, message) -> {
      if (valuesRead == valuesBefore) {
        heldBack.add(() -> problems.report(f, line, message));
      } else {
        heldBack.forEach(Runnable::run);
        heldBack.clear();
        problems.report(f, line, message);
      }
    };
    try (JsonParser p = JSON.getFactory().createParser(reader)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        held.report(file, p.currentLocation().getLineNr(), "expected a JSON object with resourceSpans");
        heldBack.forEach(Runnable::run);
        return true;
      }
      boolean found = false;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        if (!field.equals("resourceSpans")) {
          p.skipChildren();
          continue;
        }
        found = true;
        if (p.currentToken() != JsonToken.START_ARRAY) {
          held.report(file, p.currentLocation().getLineNr(), "resourceSpans is not an array");
          heldBack.forEach(Runnable::run);
          return true;
        }
        while (p.nextToken() == JsonToken.START_OBJECT) {
          long line = p.currentLocation().getLineNr();
          JsonNode resourceSpans = p.readValueAsTree();
          List<AuditSpan> spans = new ArrayList<>();
          String problem = resourceSpans(resourceSpans, spans);
          if (problem != null) {
            held.report(file, line, problem);
            continue;
          }
          valuesRead++;
          heldBack.forEach(Runnable::run);
          heldBack.clear();
          sink.accept(spans);
        }
      }
      if (!found) {
        held.report(file, 1, "no resourceSpans in the document");
      }
      heldBack.forEach(Runnable::run);
      return true;
    } catch (IOException | NumberFormatException e) {
      long line = e instanceof JsonProcessingException j && j.getLocation() != null ? j.getLocation().getLineNr() : 0;
      if (mayBeLines && valuesRead == valuesBefore && !(e instanceof JsonEOFException)) {
        return false;
      }
      heldBack.forEach(Runnable::run);
      problems.report(file, Math.max(line, 0), "not valid JSON: " + firstLine(e));
      return true;
    }
  }

  /** Converts one {@code {"resourceSpans":[...]}} value; returns a problem description or {@code null}. */
  static @Nullable String spans(JsonNode root, List<AuditSpan> out) {
    if (root == null || !root.isObject()) {
      return "expected a JSON object";
    }
    JsonNode resourceSpans = root.get("resourceSpans");
    if (resourceSpans == null) {
      return root.has("resourceMetrics") || root.has("resourceLogs")
          ? null // metrics or logs lines in the same export are not traces; skipped quietly
          : "no resourceSpans";
    }
    if (!resourceSpans.isArray()) {
      return "resourceSpans is not an array";
    }
    for (JsonNode rs : resourceSpans) {
      String problem = resourceSpans(rs, out);
      if (problem != null) {
        return problem;
      }
    }
    return null;
  }

  private static final String SCOPE_NAME = io.lockn.pricing.SpanPricing.OTEL_SCOPE_NAME.getKey();

  private static @Nullable String resourceSpans(JsonNode rs, List<AuditSpan> out) {
    Map<String, Object> resource = attributes(rs.path("resource").path("attributes"));
    for (JsonNode ss : rs.path("scopeSpans")) {
      // The scope's name is read like an attribute, otel.scope.name, as the conventions name it outside OTLP: some
      // instrumentations' counting conventions depend on it (SpanPricing).
      String scope = ss.path("scope").path("name").asText("");
      for (JsonNode span : ss.path("spans")) {
        String traceId = span.path("traceId").asText("");
        String spanId = span.path("spanId").asText("");
        if (traceId.isEmpty() || spanId.isEmpty()) {
          return "a span has no traceId or spanId";
        }
        long start = nanos(span.get("startTimeUnixNano"));
        long end = nanos(span.get("endTimeUnixNano"));
        if (start < 0) {
          return "span " + quote(spanId) + ": startTimeUnixNano is not an integer";
        }
        Map<String, Object> attributes = attributes(span.path("attributes"));
        if (!scope.isEmpty()) {
          attributes.putIfAbsent(SCOPE_NAME, scope);
        }
        JsonNode code = span.path("status").path("code");
        boolean error = code.asInt(0) == 2 || "STATUS_CODE_ERROR".equals(code.asText())
            || attributes.containsKey("error.type");
        String parent = span.path("parentSpanId").asText("");
        out.add(new AuditSpan(traceId, spanId, parent.isEmpty() ? null : parent, span.path("name").asText(""),
            start, Math.max(start, end), error, attributes, resource));
      }
    }
    return null;
  }

  private static long nanos(@Nullable JsonNode node) {
    if (node == null || node.isNull()) {
      return 0;
    }
    if (node.isIntegralNumber()) {
      return node.asLong();
    }
    if (node.isTextual()) {
      try {
        return Long.parseLong(node.asText());
      } catch (NumberFormatException e) {
        return -1;
      }
    }
    return -1;
  }

  static Map<String, Object> attributes(JsonNode list) {
    Map<String, Object> map = new LinkedHashMap<>();
    if (list == null || !list.isArray()) {
      return map;
    }
    for (JsonNode kv : list) {
      String key = kv.path("key").asText(null);
      Object value = value(kv.path("value"));
      if (key != null && value != null) {
        map.put(key, value);
      }
    }
    return map;
  }

  private static @Nullable Object value(JsonNode v) {
    if (v.has("stringValue")) {
      return v.get("stringValue").asText();
    }
    if (v.has("intValue")) {
      JsonNode n = v.get("intValue");
      if (n.isIntegralNumber()) {
        return n.asLong();
      }
      try {
        return Long.parseLong(n.asText());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    if (v.has("doubleValue")) {
      return v.get("doubleValue").asDouble();
    }
    if (v.has("boolValue")) {
      return v.get("boolValue").asBoolean();
    }
    if (v.has("arrayValue")) {
      List<Object> values = new ArrayList<>();
      for (JsonNode e : v.get("arrayValue").path("values")) {
        Object item = value(e);
        if (item != null) {
          values.add(item);
        }
      }
      return values;
    }
    return null;
  }

  /**
   * Peeks at the start of the input: a document whose first non-blank line does not complete a JSON value is a
   * pretty-printed document; anything else (including a first line longer than the peek) is JSON lines.
   *
   * @return the length of the first non-blank line of a pretty-printed document, or -1 for JSON lines
   */
  private static int prettyDocumentFirstLine(BufferedReader reader) throws IOException {
    char[] peek = new char[8192];
    reader.mark(peek.length + 1);
    int n = reader.read(peek, 0, peek.length);
    reader.reset();
    if (n <= 0) {
      return -1;
    }
    String head = new String(peek, 0, n);
    int start = 0;
    while (start < head.length() && Character.isWhitespace(head.charAt(start))) {
      start++;
    }
    int newline = head.indexOf('\n', start);
    if (newline < 0) {
      return -1;
    }
    return isCompleteValue(head.substring(start, newline)) ? -1 : newline - start;
  }

  /** Whether the text holds a complete JSON object (braces balance), ignoring braces inside strings. */
  static boolean isCompleteValue(String line) {
    int depth = 0;
    boolean inString = false;
    boolean escaped = false;
    boolean started = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (inString) {
        if (escaped) {
          escaped = false;
        } else if (c == '\\') {
          escaped = true;
        } else if (c == '"') {
          inString = false;
        }
        continue;
      }
      switch (c) {
        case '"' -> inString = true;
        case '{', '[' -> {
          depth++;
          started = true;
        }
        case '}', ']' -> depth--;
        default -> {}
      }
    }
    return !started || depth <= 0;
  }

  /** Jackson's message, first line only (the rest is the source location), bounded like every quoted input. */
  private static String firstLine(Exception e) {
    String message = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
    if (message == null) {
      return e.getClass().getSimpleName();
    }
    int nl = message.indexOf('\n');
    return quote(nl < 0 ? message : message.substring(0, nl), MAX_QUOTED_MESSAGE);
  }

  private static String quote(String text) {
    return quote(text, MAX_QUOTED);
  }

  /**
   * Input text as a problem message may quote it: bounded (then its length), control characters replaced by {@code
   * ?}, so that a hostile export can neither flood the report nor forge lines in it.
   */
  private static String quote(String text, int max) {
    int end = Math.min(text.length(), max);
    if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    StringBuilder out = new StringBuilder(end + 20);
    for (int i = 0; i < end; i++) {
      char c = text.charAt(i);
      out.append(Character.isISOControl(c) ? '?' : c);
    }
    if (end < text.length()) {
      out.append("... (").append(text.length()).append(" chars)");
    }
    return out.toString();
  }

  /** Counts the compressed (on-disk) bytes read, for progress against the file size. */
  private static final class CountingInputStream extends java.io.FilterInputStream {
    private final java.util.function.LongConsumer onRead;

    CountingInputStream(InputStream in, java.util.function.LongConsumer onRead) {
      super(in);
      this.onRead = onRead;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        onRead.accept(1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        onRead.accept(n);
      }
      return n;
    }
  }

}
