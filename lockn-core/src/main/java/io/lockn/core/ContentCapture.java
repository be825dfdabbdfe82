package io.lockn.core;

import java.util.Locale;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Whether prompts, completions and tool arguments are recorded on spans, and how. Off by default, as the semantic
 * conventions require; when on, every text is first passed through the redactor and then cut to {@link
 * #maxLength()} characters with a marker, inside the JSON structure so that the attribute stays valid JSON.
 * Immutable.
 */
public final class ContentCapture {

  /** The default cap on one captured text, in characters. */
  public static final int DEFAULT_MAX_LENGTH = 8192;

  /** The marker appended to a cut text. */
  public static final String TRUNCATION_MARKER = "…[truncated]";

  private static final ContentCapture DISABLED = new ContentCapture(false, DEFAULT_MAX_LENGTH, UnaryOperator.identity());

  private final boolean enabled;
  private final int maxLength;
  private final UnaryOperator<String> redactor;

  private ContentCapture(boolean enabled, int maxLength, UnaryOperator<String> redactor) {
    this.enabled = enabled;
    this.maxLength = maxLength;
    this.redactor = redactor;
  }

  /**
   * Content capture off.
   *
   * @return the disabled setting
   */
  public static ContentCapture disabled() {
    return DISABLED;
  }

  /**
   * Content capture on, with the default cap and no redaction.
   *
   * @return the enabled setting
   */
  public static ContentCapture enabled() {
    return new ContentCapture(true, DEFAULT_MAX_LENGTH, UnaryOperator.identity());
  }

  /**
   * Reads the OpenTelemetry convention: the system property {@code otel.instrumentation.genai.capture-message-content}
   * or the environment variable {@code OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT}, {@code true} to enable.
   *
   * @return {@link #enabled()} or {@link #disabled()}
   */
  public static ContentCapture fromEnvironment() {
    String value = System.getProperty("otel.instrumentation.genai.capture-message-content");
    if (value == null) {
      value = System.getenv("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT");
    }
    return value != null && value.trim().toLowerCase(Locale.ROOT).equals("true") ? enabled() : disabled();
  }

  /**
   * A copy with another cap.
   *
   * @param maxLength the maximum characters of one captured text, at least 16
   * @return the new setting
   * @throws IllegalArgumentException if {@code maxLength < 16}
   */
  public ContentCapture withMaxLength(int maxLength) {
    if (maxLength < 16) {
      throw new IllegalArgumentException("maxLength < 16");
    }
    return new ContentCapture(enabled, maxLength, redactor);
  }

  /**
   * A copy with a redaction hook, applied to every captured text before it is cut. The hook must not throw; if it
   * does, the text is replaced by {@code [redaction failed]}.
   *
   * @param redactor the hook, for example one that masks e-mail addresses
   * @return the new setting
   */
  public ContentCapture withRedactor(UnaryOperator<String> redactor) {
    return new ContentCapture(enabled, maxLength, Objects.requireNonNull(redactor, "redactor"));
  }

  /**
   * Whether content is captured.
   *
   * @return {@code true} if on
   */
  public boolean isEnabled() {
    return enabled;
  }

  /**
   * The cap on one captured text.
   *
   * @return the cap in characters
   */
  public int maxLength() {
    return maxLength;
  }

  /**
   * The redaction hook.
   *
   * @return the hook
   */
  public UnaryOperator<String> redactor() {
    return redactor;
  }
}
