package io.lockn.examples;

import io.lockn.core.GenAiMessage;
import io.lockn.core.MessagePart;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The demo's own context compressor for a chat history, in three passes:
 *
 * <ol>
 *   <li>duplicated context blocks (paragraphs, for example a knowledge-base article or a log excerpt pasted again) are
 *       kept only where they first appear;
 *   <li>boilerplate e-mail signatures and disclaimers (everything from a {@code --} signature separator, or from a
 *       "Best regards" / "Kind regards" sign-off) are stripped;
 *   <li>only the system messages and the last {@code keepTurns} user turns (each with the assistant messages after it)
 *       are kept.
 * </ol>
 *
 * <p>Deterministic and stateless; only text parts are rewritten, other parts pass through.
 */
final class ContextTrimmer {

  private static final Pattern SIGNATURE =
      Pattern.compile("(?ms)(^--\\s*$|^(Best|Kind|Warm) regards,).*\\z");

  private final int keepTurns;

  ContextTrimmer(int keepTurns) {
    if (keepTurns < 1) {
      throw new IllegalArgumentException("keepTurns < 1");
    }
    this.keepTurns = keepTurns;
  }

  List<GenAiMessage> compress(List<GenAiMessage> history) {
    return deduplicate(keepLastTurns(history)).stream().map(ContextTrimmer::stripSignature).toList();
  }

  /** Keeps the system messages and the last {@code keepTurns} user turns. */
  List<GenAiMessage> keepLastTurns(List<GenAiMessage> history) {
    int users = 0;
    int cut = 0;
    for (int i = history.size() - 1; i >= 0; i--) {
      if (history.get(i).role().equals("user") && ++users == keepTurns) {
        cut = i;
        break;
      }
    }
    List<GenAiMessage> kept = new ArrayList<>();
    for (int i = 0; i < history.size(); i++) {
      GenAiMessage m = history.get(i);
      if (i >= cut || m.role().equals("system")) {
        kept.add(m);
      }
    }
    return kept;
  }

  /** Drops every paragraph that already appeared earlier in the history (whitespace and case ignored). */
  static List<GenAiMessage> deduplicate(List<GenAiMessage> history) {
    Set<String> seen = new HashSet<>();
    List<GenAiMessage> out = new ArrayList<>(history.size());
    for (GenAiMessage m : history) {
      out.add(rewrite(m, text -> {
        StringBuilder kept = new StringBuilder(text.length());
        for (String paragraph : text.split("\\n\\s*\\n")) {
          String key = paragraph.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
          // Short paragraphs ("Thanks!") are kept: only context blocks are worth de-duplicating.
          if (key.length() < 80 || seen.add(key)) {
            if (!kept.isEmpty()) {
              kept.append("\n\n");
            }
            kept.append(paragraph.strip());
          }
        }
        return kept.isEmpty() ? "(repeated context removed)" : kept.toString();
      }));
    }
    return out;
  }

  static GenAiMessage stripSignature(GenAiMessage m) {
    return rewrite(m, text -> {
      String stripped = SIGNATURE.matcher(text).replaceFirst("").strip();
      return stripped.isEmpty() ? text : stripped;
    });
  }

  private static GenAiMessage rewrite(GenAiMessage m, java.util.function.UnaryOperator<String> f) {
    List<MessagePart> parts = new ArrayList<>(m.parts().size());
    for (MessagePart p : m.parts()) {
      parts.add(p instanceof MessagePart.Text t ? new MessagePart.Text(f.apply(t.content())) : p);
    }
    return new GenAiMessage(m.role(), parts, m.finishReason());
  }
}
