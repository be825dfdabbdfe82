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
        throw new PriceCatalogException(where + ": unknown field '" + name + "' (known: " + allowed + ")");
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
      return v.decimalValue();
    }
    if (v.isTextual()) {
      try {
        return new BigDecimal(v.asText().trim());
      } catch (NumberFormatException e) {
        throw new PriceCatalogException(where + ": " + field + " is not a decimal number: '" + v.asText() + "'");
      }
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
      throw new PriceCatalogException(where + ": " + field + " must be a non-negative integer, was " + v);
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
      throw new PriceCatalogException(where + ": " + field + " is not an ISO date (yyyy-mm-dd): '" + text + "'");
    }
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
