package io.lockn.pricing.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.lockn.pricing.PriceCatalogException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads fields of a JSON object strictly, naming the file, the entry and the field in every error, so that a typo in
 * a price file is reported rather than silently priced as zero.
 *
 * <p>This class is internal and is hence not for public use. Its APIs are unstable and can change at any time.
 */
public final class JsonFields {

  /** The most characters of an input value that an error message quotes: enough to recognise it, never the file. */
  static final int MAX_QUOTED = 60;

  // Decimals are bounded before any arithmetic: "1e999999999" is eleven characters of JSON, but scaling it to
  // pico-USD (or printing it) takes gigabytes and minutes. No price or multiplier comes near these bounds: a price
  // must fit in a long once in pico-USD per token (below 1e13 USD per 1M tokens), and one finer than 1e-12 USD per
  // token is rejected anyway.
  private static final int MAX_DECIMAL_TEXT = 100;
  private static final int MAX_INTEGER_DIGITS = 20;
  private static final int MAX_FRACTION_DIGITS = 100;

  private final JsonNode node;
  private final String where;

  /**
   * Wraps an object node.
   *
   * @param node the node
   * @param where the location, e.g. {@code "catalog.json: models[3] (openai/gpt-4o)"}
   */
  public JsonFields(JsonNode node, String where) {
    if (node == null || !node.isObject()) {
      throw new PriceCatalogException(where + ": expected a JSON object");
    }
    this.node = node;
    this.where = where;
  }

  /**
   * The location of this object.
   *
   * @return the location
   */
  public String where() {
    return where;
  }

  /**
   * Rejects fields outside {@code allowed}.
   *
   * @param allowed the known field names
   */
  public void onlyFields(Set<String> allowed) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!allowed.contains(name)) {
        throw new PriceCatalogException(where + ": unknown field '" + quote(name) + "' (known: " + allowed + ")");
      }
    }
  }

  /**
   * A required string.
   *
   * @param field the field
   * @return the value
   */
  public String string(String field) {
    String value = optionalString(field);
    if (value == null || value.isBlank()) {
      throw new PriceCatalogException(where + ": " + field + " is missing");
    }
    return value;
  }

  /**
   * An optional string.
   *
   * @param field the field
   * @return the value, or {@code null}
   */
  public @Nullable String optionalString(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new PriceCatalogException(where + ": " + field + " must be a string, was " + v.getNodeType());
    }
    return v.asText();
  }

  /**
   * An optional decimal, from a JSON string or number, never through {@code double}.
   *
   * @param field the field
   * @return the value, or {@code null}
   */
  public @Nullable BigDecimal optionalDecimal(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (v.isNumber()) {
      return inRange(v.decimalValue(), field, v.asText());
    }
    if (v.isTextual()) {
      String text = v.asText().trim();
      BigDecimal value = null;
      if (text.length() <= MAX_DECIMAL_TEXT) {
        try {
          value = new BigDecimal(text);
        } catch (NumberFormatException e) {
          value = null;
        }
      }
      if (value == null) {
        throw new PriceCatalogException(where + ": " + field + " is not a decimal number: '" + quote(v.asText()) + "'");
      }
      return inRange(value, field, text);
    }
    throw new PriceCatalogException(where + ": " + field + " must be a decimal, was " + v.getNodeType());
  }

  /**
   * An optional price in USD per million tokens, as exact pico-USD per token.
   *
   * @param field the field
   * @return pico-USD per token, or {@code null}
   */
  public @Nullable String optionalPrice(String field) {
    BigDecimal value = optionalDecimal(field);
    if (value == null) {
      return null;
    }
    try {
      Decimals.picosPerToken(value, field);
    } catch (IllegalArgumentException e) {
      throw new PriceCatalogException(where + ": " + e.getMessage());
    }
    return value.toPlainString();
  }

  /**
   * An optional non-negative integer.
   *
   * @param field the field
   * @return the value, or {@code null}
   */
  public @Nullable Long optionalLong(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.canConvertToExactIntegral() || !v.canConvertToLong() || v.asLong() < 0) {
      throw new PriceCatalogException(
          where + ": " + field + " must be a non-negative integer, was " + quote(v.toString()));
    }
    return v.asLong();
  }

  /**
   * An optional ISO date ({@code 2024-10-02}) as the instant it starts, UTC.
   *
   * @param field the field
   * @return the instant, or {@code null}
   */
  public @Nullable Instant optionalDate(String field) {
    LocalDate date = optionalLocalDate(field);
    return date == null ? null : date.atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  /**
   * An optional ISO date.
   *
   * @param field the field
   * @return the date, or {@code null}
   */
  public @Nullable LocalDate optionalLocalDate(String field) {
    String text = optionalString(field);
    if (text == null) {
      return null;
    }
    try {
      return LocalDate.parse(text.trim());
    } catch (DateTimeParseException e) {
      throw new PriceCatalogException(
          where + ": " + field + " is not an ISO date (yyyy-mm-dd): '" + quote(text) + "'");
    }
  }

  /**
   * Input text as an error message may quote it: at most {@value #MAX_QUOTED} characters (then the length), control
   * characters replaced by {@code ?}, so that a hostile file can neither flood nor forge the log line the error
   * becomes.
   *
   * @param text the input text, or {@code null}
   * @return the quotable text
   */
  public static String quote(@Nullable String text) {
    return quote(text, MAX_QUOTED);
  }

  /**
   * Text as an error message may quote it, as {@link #quote(String)} with another bound.
   *
   * @param text the text, or {@code null}
   * @param max the most characters quoted (at least 2)
   * @return the quotable text
   */
  public static String quote(@Nullable String text, int max) {
    if (text == null) {
      return "null";
    }
    int end = text.length();
    String suffix = "";
    if (end > max) {
      end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
      suffix = "... (" + text.length() + " chars)";
    }
    StringBuilder out = new StringBuilder(end + suffix.length());
    for (int i = 0; i < end; i++) {
      char c = text.charAt(i);
      out.append(Character.isISOControl(c) ? '?' : c);
    }
    return out.append(suffix).toString();
  }

  private BigDecimal inRange(BigDecimal value, String field, String text) {
    if (value.signum() == 0) {
      // "0E-999999999" is zero too, but printing it would not end.
      return value.scale() >= 0 && value.scale() <= MAX_FRACTION_DIGITS ? value : BigDecimal.ZERO;
    }
    BigDecimal stripped = value.stripTrailingZeros();
    if (stripped.precision() - stripped.scale() > MAX_INTEGER_DIGITS || stripped.scale() > MAX_FRACTION_DIGITS) {
      throw new PriceCatalogException(where + ": " + field + " is out of range: '" + quote(text) + "'");
    }
    return value;
  }

  /**
   * The field names of this object.
   *
   * @return the names
   */
  public Iterator<String> fieldNames() {
    return node.fieldNames();
  }

  /**
   * A child node, or {@code null}.
   *
   * @param field the field
   * @return the node
   */
  public @Nullable JsonNode get(String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v;
  }
}
