package io.lockn.pricing.ecosystem;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lockn.core.TokenUsage;
import io.lockn.pricing.ModelPrice;
import io.lockn.pricing.PriceCatalog;
import io.lockn.pricing.Rates;
import io.lockn.pricing.TraceCalls;
import io.opentelemetry.api.common.AttributeKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The recordings of real GenAI instrumentations ({@code lockn-cli/src/test/resources/otlp/ecosystem}, made by {@code
 * lockn-cli/src/test/ecosystem/record.mjs}) and their ground truth, read for the reader's tests: the spans as OTLP
 * JSON gives them, and, per recording, what its spans allow LockN to know of each call (the notes of each expectations
 * file say what each instrumentation drops). Expected costs are computed here from the ground-truth usage and the
 * catalog, never from the reader.
 */
final class Recordings {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The recordings live with the CLI that reads them; this module's tests read them in place. */
  static final Path DIR = Path.of("..", "lockn-cli", "src", "test", "resources", "otlp", "ecosystem");

  /** When the recordings were made: the prices in force then. */
  static final long RECORDED_AT_MILLIS = 1_796_688_000_000L; // 2026-12-08T00:00:00Z

  private Recordings() {}

  /**
   * The bundled catalog with o3-mini, which it lacks until issue 18 adds it, at OpenAI's published price: $1.10 per 1M
   * input tokens, $4.40 output, $0.55 cache reads. Added last, so it wins over whatever the bundled catalog has.
   */
  static PriceCatalog catalog() {
    return PriceCatalog.builder()
        .addAll(PriceCatalog.bundled())
        .add(ModelPrice.builder("openai", "o3-mini")
            .addPrices(Rates.perMillionTokens("1.10", "4.40", "0.55", null, null, null))
            .build())
        .build();
  }

  /** One span of a recording, as OTLP JSON has it. */
  record RecordedSpan(
      String traceId,
      String spanId,
      @Nullable String parentSpanId,
      String name,
      int kind,
      long startEpochNanos,
      long endEpochNanos,
      boolean error,
      String scope,
      String scopeVersion,
      Map<String, Object> attributes,
      Map<String, Object> resource) implements TraceCalls.Span {

    @Override
    public long count(AttributeKey<Long> key) {
      Object v = attributes.get(key.getKey());
      if (v instanceof Long l) {
        return l;
      }
      if (v instanceof String s) {
        try {
          return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
          return -1;
        }
      }
      return -1;
    }

    @Override
    public @Nullable String string(AttributeKey<String> key) {
      if (key.getKey().equals("otel.scope.name")) {
        return scope;
      }
      return attributes.get(key.getKey()) instanceof String s ? s : null;
    }

    @Override
    public @Nullable String outerString(AttributeKey<String> key) {
      return resource.get(key.getKey()) instanceof String s ? s : null;
    }
  }

  /** Every span of a recording, in file order. */
  static List<RecordedSpan> spans(String recording) {
    List<RecordedSpan> out = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(DIR.resolve(recording + ".jsonl"))) {
        if (line.isBlank()) {
          continue;
        }
        for (JsonNode rs : JSON.readTree(line).path("resourceSpans")) {
          Map<String, Object> resource = attributes(rs.path("resource").path("attributes"));
          for (JsonNode ss : rs.path("scopeSpans")) {
            String scope = ss.path("scope").path("name").asText("");
            String version = ss.path("scope").path("version").asText("");
            for (JsonNode s : ss.path("spans")) {
              String parent = s.path("parentSpanId").asText("");
              out.add(new RecordedSpan(s.path("traceId").asText(), s.path("spanId").asText(),
                  parent.isEmpty() ? null : parent, s.path("name").asText(), s.path("kind").asInt(1),
                  Long.parseLong(s.path("startTimeUnixNano").asText()),
                  Long.parseLong(s.path("endTimeUnixNano").asText()), s.path("status").path("code").asInt(0) == 2,
                  scope, version, attributes(s.path("attributes")), resource));
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read recording " + recording + " under " + DIR.toAbsolutePath(), e);
    }
    return out;
  }

  /** The spans of each trace, traces in order of first appearance. */
  static Map<String, List<RecordedSpan>> traces(List<RecordedSpan> spans) {
    Map<String, List<RecordedSpan>> traces = new LinkedHashMap<>();
    for (RecordedSpan s : spans) {
      traces.computeIfAbsent(s.traceId(), t -> new ArrayList<>()).add(s);
    }
    return traces;
  }

  private static Map<String, Object> attributes(JsonNode list) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (JsonNode kv : list) {
      Object v = value(kv.path("value"));
      if (v != null) {
        map.put(kv.path("key").asText(), v);
      }
    }
    return map;
  }

  private static @Nullable Object value(JsonNode v) {
    if (v.has("stringValue")) {
      return v.get("stringValue").asText();
    }
    if (v.has("intValue")) {
      return Long.parseLong(v.get("intValue").asText());
    }
    if (v.has("doubleValue")) {
      return v.get("doubleValue").asDouble();
    }
    if (v.has("boolValue")) {
      return v.get("boolValue").asBoolean();
    }
    if (v.has("arrayValue")) {
      List<String> strings = new ArrayList<>();
      for (JsonNode e : v.path("arrayValue").path("values")) {
        if (!e.has("stringValue")) {
          return null;
        }
        strings.add(e.get("stringValue").asText());
      }
      return strings;
    }
    return null;
  }

  // ---------------------------------------------------------------- ground truth and what the spans allow

  /** What a recording's spans lose of one call. */
  enum Loss {
    /** No span carries the call at all. */
    INVISIBLE,
    /** The span that counts reports no cache split: the input is priced as uncached. */
    CACHE,
    /** The span that counts reports no reasoning split: the output is priced as non-reasoning. */
    REASONING,
    /** The span carries no usage: the call is unpriced. */
    USAGE
  }

  /** One call of the ground truth. */
  record TrueCall(int seq, String provider, String operation, String requestModel, String responseModel,
      TokenUsage usage) {}

  /** The ground truth of a recording: its calls, with the usage the server returned. */
  static List<TrueCall> truth(String recording) {
    try {
      JsonNode expected = JSON.readTree(DIR.resolve(recording + ".expected.json").toFile());
      List<TrueCall> calls = new ArrayList<>();
      for (JsonNode c : expected.path("calls")) {
        JsonNode u = c.path("usage");
        JsonNode raw = c.path("providerUsage");
        long write1h = raw.path("cache_creation").path("ephemeral_1h_input_tokens").asLong(0);
        TokenUsage usage = TokenUsage.builder()
            .uncachedInputTokens(u.path("inputExcludingCache").asLong())
            .cacheReadTokens(u.path("cacheRead").asLong())
            .cacheWrite5mTokens(u.path("cacheWrite").asLong() - write1h)
            .cacheWrite1hTokens(write1h)
            .nonReasoningOutputTokens(u.path("outputExcludingReasoning").asLong())
            .reasoningTokens(u.path("reasoning").asLong())
            .build();
        calls.add(new TrueCall(c.path("seq").asInt(), c.path("provider").asText(), c.path("operation").asText(),
            c.path("requestModel").asText(), c.path("responseModel").asText(), usage));
      }
      return calls;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The usage the spans allow LockN to know of a call, given what they lose. */
  static @Nullable TokenUsage allowed(TokenUsage truth, Set<Loss> losses) {
    if (losses.contains(Loss.USAGE) || losses.contains(Loss.INVISIBLE)) {
      return null;
    }
    TokenUsage.Builder b = TokenUsage.builder()
        .uncachedInputTokens(truth.uncachedInputTokens())
        .cacheReadTokens(truth.cacheReadTokens())
        .cacheWrite5mTokens(truth.cacheWrite5mTokens())
        .cacheWrite1hTokens(truth.cacheWrite1hTokens())
        .nonReasoningOutputTokens(truth.nonReasoningOutputTokens())
        .reasoningTokens(truth.reasoningTokens());
    if (losses.contains(Loss.CACHE)) {
      b.uncachedInputTokens(truth.inputTokens()).cacheReadTokens(0).cacheWrite5mTokens(0).cacheWrite1hTokens(0);
    }
    if (losses.contains(Loss.REASONING)) {
      b.nonReasoningOutputTokens(truth.outputTokens()).reasoningTokens(0);
    }
    return b.build();
  }

  /** The fields of an expectations file's {@code attribution.keys}, for messages. */
  static String attributionKeys(String recording) {
    try {
      JsonNode expected = JSON.readTree(DIR.resolve(recording + ".expected.json").toFile());
      JsonNode keys = expected.path("attribution").path("keys");
      StringBuilder b = new StringBuilder();
      for (Iterator<String> it = keys.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        b.append(k).append('=').append(keys.get(k).asText()).append(' ');
      }
      return b.toString().trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
