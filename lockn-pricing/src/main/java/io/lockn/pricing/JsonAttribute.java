package io.lockn.pricing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jspecify.annotations.Nullable;

/**
 * Reads JSON that instrumentations put into string attributes: Langfuse's {@code usage_details}, OpenInference's
 * {@code metadata} and {@code llm.invocation_parameters}. Bounded and lenient: a value that is not a JSON object, or
 * longer than {@value #MAX_LENGTH} characters, reads as nothing; never throws.
 */
final class JsonAttribute {

  /** Longer values are not parsed: attribution and usage objects are small, message content is not read here. */
  static final int MAX_LENGTH = 64 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonAttribute() {}

  /**
   * Parses a JSON object.
   *
   * @param text the attribute value
   * @return the object, or {@code null} when the text is not a JSON object or is too long
   */
  static @Nullable JsonNode object(@Nullable String text) {
    if (text == null || text.length() > MAX_LENGTH) {
      return null;
    }
    int i = 0;
    while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
      i++;
    }
    if (i == text.length() || text.charAt(i) != '{') {
      return null;
    }
    try {
      JsonNode node = JSON.readTree(text);
      return node != null && node.isObject() ? node : null;
    } catch (Exception e) {
      return null;
    }
  }

  /**
   * A field of an object as text, following a dotted path into nested objects.
   *
   * @param object the object
   * @param path the field name, or a dotted path
   * @return the value as text (a number or boolean as written), or {@code null} when absent, null, or an object or
   *     array
   */
  static @Nullable String text(JsonNode object, String path) {
    JsonNode node = object.get(path);
    if (node == null && path.indexOf('.') > 0) {
      node = object;
      for (String part : path.split("\\.", -1)) {
        node = node.get(part);
        if (node == null) {
          return null;
        }
      }
    }
    if (node == null || node.isNull() || node.isContainerNode()) {
      return null;
    }
    String value = node.asText();
    return value.isEmpty() ? null : value;
  }
}
