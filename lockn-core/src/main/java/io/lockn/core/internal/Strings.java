package io.lockn.core.internal;

import org.jspecify.annotations.Nullable;

/**
 * Sanitising of untrusted strings (Baggage values, model names, annotation arguments) before they become attributes.
 *
 * <p>This class is internal and is hence not for public use. Its APIs are unstable and can change at any time.
 */
public final class Strings {

  private Strings() {}

  /**
   * Removes ISO control characters and cuts to {@code maxLength} characters without splitting a surrogate pair.
   * Returns the same instance when nothing needs changing, so the common case allocates nothing.
   *
   * @param value the untrusted value
   * @param maxLength the cap
   * @return the sanitised value, or {@code null} if {@code value} was {@code null}
   */
  public static @Nullable String sanitize(@Nullable String value, int maxLength) {
    if (value == null) {
      return null;
    }
    int length = value.length();
    boolean clean = length <= maxLength;
    for (int i = 0; clean && i < length; i++) {
      if (Character.isISOControl(value.charAt(i))) {
        clean = false;
      }
    }
    if (clean) {
      return value;
    }
    StringBuilder sb = new StringBuilder(Math.min(length, maxLength));
    for (int i = 0; i < length && sb.length() < maxLength; i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c)) {
        continue;
      }
      if (Character.isHighSurrogate(c) && sb.length() + 2 > maxLength) {
        break;
      }
      sb.append(c);
    }
    return sb.toString();
  }

  /**
   * Cuts {@code value} to {@code maxLength} characters, appending {@code marker} when cut, without splitting a
   * surrogate pair.
   *
   * @param value the text
   * @param maxLength the cap, larger than the marker
   * @param marker the marker to append
   * @return the text, cut if needed
   */
  public static String truncate(String value, int maxLength, String marker) {
    if (value.length() <= maxLength) {
      return value;
    }
    int end = Math.max(0, maxLength - marker.length());
    if (end > 0 && Character.isHighSurrogate(value.charAt(end - 1))) {
      end--;
    }
    return value.substring(0, end) + marker;
  }
}
