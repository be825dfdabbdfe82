package io.lockn.core.spi;

import io.lockn.core.internal.Strings;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Bounds the values of one metric attribute: keeps the first {@code limit} distinct values and maps every later value
 * to {@link #OVERFLOW}, so that metric cardinality stays bounded whatever the application (or a remote service, through
 * Baggage) sends. It is how LockN modules cap model names, attribution keys and similar metric attributes; use one
 * instance per attribute, so that one noisy attribute cannot push another's values into {@link #OVERFLOW}.
 *
 * <p>Thread-safe, lock-free and allocation-free for a value already seen. Concurrent first sightings may admit a few
 * values beyond the limit (at most one per racing thread), never more.
 */
public final class CardinalityLimiter {

  /** The value recorded once the limit is reached: {@value}. */
  public static final String OVERFLOW = "_OTHER";

  /**
   * The longest name LockN records, in characters, for model, agent, tool and similar names on spans and metrics:
   * {@value}. Modules bounding an untrusted name pass it to {@link #limitUntrusted(String, int)}.
   */
  public static final int MAX_NAME_LENGTH = 256;

  private final int limit;
  private final Set<String> seen = ConcurrentHashMap.newKeySet();

  private CardinalityLimiter(int limit) {
    this.limit = limit;
  }

  /**
   * A limiter that keeps {@code limit} distinct values.
   *
   * @param limit the number of distinct values kept, at least 1
   * @return a new limiter
   * @throws IllegalArgumentException if {@code limit < 1}
   */
  public static CardinalityLimiter of(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit < 1");
    }
    return new CardinalityLimiter(limit);
  }

  /**
   * Bounds a trusted value, for example a model name the application passed.
   *
   * @param value the value
   * @return {@code value} while it is one of the first {@code limit} distinct values, else {@link #OVERFLOW}
   */
  public String limit(String value) {
    if (seen.contains(value)) {
      return value;
    }
    if (seen.size() < limit) {
      seen.add(value);
      return value;
    }
    return OVERFLOW;
  }

  /**
   * Bounds an untrusted value, for example a Baggage entry: removes ISO control characters, cuts it to {@code
   * maxLength} characters (without splitting a surrogate pair), then applies {@link #limit(String)}.
   *
   * @param value the value, possibly {@code null}
   * @param maxLength the longest value kept, at least 1
   * @return the bounded value, or {@code null} when {@code value} is {@code null} or nothing of it is left
   */
  public @Nullable String limitUntrusted(@Nullable String value, int maxLength) {
    String clean = Strings.sanitize(value, maxLength);
    return clean == null || clean.isEmpty() ? null : limit(clean);
  }
}
