package io.lockn.core.internal;

import io.lockn.core.ContentCapture;
import io.lockn.core.GenAiMessage;
import io.lockn.core.MessagePart;
import io.lockn.core.spi.UsageLogger;
import java.util.List;

/**
 * Writes messages in the JSON shape of {@code gen_ai.input.messages} / {@code gen_ai.output.messages}, applying the
 * redaction hook and the length cap to every text inside the structure, so the result is always valid JSON.
 *
 * <p>Hand-written rather than a JSON library because lockn-core keeps its runtime dependencies to the OpenTelemetry
 * API, and only writing (never parsing) of a fixed shape is needed.
 */
final class MessagesJson {

  private MessagesJson() {}

  /** An immutable copy without {@code null} entries, which the application may pass by mistake. */
  static List<GenAiMessage> withoutNulls(List<GenAiMessage> messages) {
    return messages.stream().filter(m -> m != null).toList();
  }

  static String write(List<GenAiMessage> messages, ContentCapture capture) {
    StringBuilder sb = new StringBuilder(256);
    sb.append('[');
    boolean first = true;
    for (int i = 0; i < messages.size(); i++) {
      GenAiMessage m = messages.get(i);
      if (m == null) {
        continue;
      }
      if (!first) {
        sb.append(',');
      }
      first = false;
      sb.append("{\"role\":");
      string(sb, m.role());
      sb.append(",\"parts\":[");
      List<MessagePart> parts = m.parts();
      for (int j = 0; j < parts.size(); j++) {
        if (j > 0) {
          sb.append(',');
        }
        part(sb, parts.get(j), capture);
      }
      sb.append(']');
      if (m.finishReason() != null) {
        sb.append(",\"finish_reason\":");
        string(sb, m.finishReason());
      }
      sb.append('}');
    }
    return sb.append(']').toString();
  }

  private static void part(StringBuilder sb, MessagePart part, ContentCapture capture) {
    if (part instanceof MessagePart.Text text) {
      sb.append("{\"type\":\"text\",\"content\":");
      string(sb, content(text.content(), capture));
    } else if (part instanceof MessagePart.ToolCall call) {
      sb.append("{\"type\":\"tool_call\",\"id\":");
      string(sb, call.id());
      sb.append(",\"name\":");
      string(sb, call.name());
      sb.append(",\"arguments\":");
      string(sb, content(call.arguments(), capture));
    } else if (part instanceof MessagePart.ToolCallResponse response) {
      sb.append("{\"type\":\"tool_call_response\",\"id\":");
      string(sb, response.id());
      sb.append(",\"response\":");
      string(sb, content(response.response(), capture));
    }
    sb.append('}');
  }

  /** Redacts, then caps. A failing redactor must not leak the unredacted text. */
  static String content(String text, ContentCapture capture) {
    String redacted;
    try {
      redacted = capture.redactor().apply(text);
    } catch (Throwable e) {
      UsageLogger.failed("the content redactor", e);
      return "[redaction failed]";
    }
    if (redacted == null) {
      return "";
    }
    return Strings.truncate(redacted, capture.maxLength(), ContentCapture.TRUNCATION_MARKER);
  }

  static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
