package io.lockn.pricing;

import com.fasterxml.jackson.databind.JsonNode;
import io.lockn.core.AttributionKeys;
import io.opentelemetry.api.common.AttributeKey;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * {@link AttributionKeys}' sources compiled into attribute keys, so that reading a key on a span allocates nothing but
 * what a JSON-valued source needs: behind {@link SpanPricing#attribution}.
 */
final class AttributionSources {

  /**
   * One place a key's value is read from: an attribute as a string (the key itself also as an integer: {@code number}
   * is {@code null} for sources, every ecosystem writes its attribution as strings), or a JSON field in one.
   */
  private record Source(AttributeKey<String> text, @Nullable AttributeKey<Long> number, @Nullable String jsonPath) {}

  private static final int MAX_CACHED_KEYS = 256;

  /** The keys last compiled: applications use one set, so one entry suffices. */
  private static volatile @Nullable AttributionSources last;

  private final AttributionKeys keys;
  private final Map<String, Source[]> byKey;
  /** Keys asked for that have no sources: just the key itself. */
  private final ConcurrentHashMap<String, Source[]> plain = new ConcurrentHashMap<>();

  private AttributionSources(AttributionKeys keys) {
    this.keys = keys;
    Map<String, Source[]> map = new HashMap<>();
    keys.sources().forEach((key, sources) -> map.put(key, compile(key, sources)));
    this.byKey = map;
  }

  static AttributionSources of(AttributionKeys keys) {
    AttributionSources l = last;
    if (l != null && l.keys == keys) {
      return l;
    }
    AttributionSources compiled = new AttributionSources(keys);
    last = compiled;
    return compiled;
  }

  private static Source[] compile(String key, List<String> sources) {
    Source[] out = new Source[sources.size() + 1];
    out[0] = plain(key);
    for (int i = 0; i < sources.size(); i++) {
      String s = sources.get(i);
      int hash = s.indexOf('#');
      out[i + 1] = hash < 0 ? new Source(AttributeKey.stringKey(s), null, null)
          : new Source(AttributeKey.stringKey(s.substring(0, hash)), null, s.substring(hash + 1));
    }
    return out;
  }

  private static Source plain(String name) {
    return new Source(AttributeKey.stringKey(name), AttributeKey.longKey(name), null);
  }

  /** The value of {@code key} on one span: the key itself, else its sources in order. */
  @Nullable String value(SpanPricing.SpanAttributes span, String key) {
    Source[] sources = byKey.get(key);
    if (sources == null) {
      sources = plain.get(key);
      if (sources == null) {
        sources = new Source[] {plain(key)};
        if (plain.size() < MAX_CACHED_KEYS) {
          plain.put(key, sources);
        }
      }
    }
    for (Source s : sources) {
      String v = read(span, s);
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  private static @Nullable String read(SpanPricing.SpanAttributes span, Source s) {
    String text = span.string(s.text());
    if (s.jsonPath() != null) {
      JsonNode object = parsed(text);
      return object == null ? null : JsonAttribute.text(object, s.jsonPath());
    }
    if (text != null) {
      return text.isEmpty() ? null : text;
    }
    AttributeKey<Long> number = s.number();
    long n = number == null ? -1 : span.count(number);
    return n >= 0 ? Long.toString(n) : null;
  }

  /** The last JSON value parsed, with its text: one span's {@code metadata} is read for several keys in a row. */
  private record Parsed(String text, @Nullable JsonNode object) {}

  private static volatile @Nullable Parsed lastParsed;

  private static @Nullable JsonNode parsed(@Nullable String text) {
    if (text == null) {
      return null;
    }
    Parsed p = lastParsed;
    if (p != null && p.text().equals(text)) {
      return p.object();
    }
    JsonNode object = JsonAttribute.object(text);
    lastParsed = new Parsed(text, object);
    return object;
  }
}
