package io.lockn.core.spi;

import io.lockn.core.internal.Strings;
import java.lang.System.Logger.Level;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The one logger through which LockN and its modules report misuse, sanitised input and their own contained
 * failures: the {@link System.Logger} named {@value #LOGGER_NAME}, so that LockN needs no logging dependency. Each
 * distinct problem is logged once at WARNING and afterwards at TRACE only, so that a problem on a hot path cannot
 * flood the application's logs. Never throws (except to let a {@link VirtualMachineError} through).
 */
public final class UsageLogger {

  /** The logger name. */
  public static final String LOGGER_NAME = "io.lockn.usage";

  private static final System.Logger LOGGER = System.getLogger(LOGGER_NAME);

  // Bounded: beyond this many distinct problems everything goes to TRACE.
  private static final int MAX_WARNED = 256;
  /**
   * The longest message logged, in characters. Messages quote untrusted values (model names from other
   * instrumentations' spans, amounts the application passed); without a cap one hostile value made a multi-megabyte
   * log line, and up to {@link #MAX_WARNED} of them were also kept in {@link #WARNED}.
   */
  static final int MAX_MESSAGE_LENGTH = 1024;

  private static final String TRUNCATED = "...[truncated]";
  private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

  private UsageLogger() {}

  /**
   * Logs a misuse or a sanitised input.
   *
   * @param message what was wrong and what LockN did instead
   */
  public static void warn(String message) {
    try {
      message = bound(message);
      if (firstTime(message)) {
        LOGGER.log(Level.WARNING, message);
      } else if (LOGGER.isLoggable(Level.TRACE)) {
        LOGGER.log(Level.TRACE, message);
      }
    } catch (RuntimeException ignored) {
      // A broken logging backend must not break the host either.
    }
  }

  /**
   * Logs a contained failure of LockN's own code (or of an extension LockN calls); the application's call goes on
   * without it.
   *
   * @param where the operation that failed
   * @param error the failure
   * @throws VirtualMachineError {@code error} itself, when it is one: the JVM cannot go on safely
   */
  public static void failed(String where, Throwable error) {
    if (error instanceof VirtualMachineError) {
      throw (VirtualMachineError) error;
    }
    try {
      where = bound(where);
      String message = "LockN failed in " + where + "; the call continues without it";
      if (firstTime(where + '|' + error.getClass().getName())) {
        LOGGER.log(Level.WARNING, message, error);
      } else if (LOGGER.isLoggable(Level.TRACE)) {
        LOGGER.log(Level.TRACE, message, error);
      }
    } catch (RuntimeException ignored) {
      // A broken logging backend must not break the host either.
    }
  }

  /**
   * One bounded line: ISO control characters (CR, LF, NUL...) removed so that a quoted value cannot forge extra log
   * lines, and cut at {@link #MAX_MESSAGE_LENGTH} with a marker. Returns the same instance when nothing changes.
   */
  static String bound(@Nullable String message) {
    // One character past the cap tells whether the clean text was cut; sanitize stops scanning there.
    String clean = Strings.sanitize(message, MAX_MESSAGE_LENGTH + 1);
    return clean == null ? "null" : Strings.truncate(clean, MAX_MESSAGE_LENGTH, TRUNCATED);
  }

  private static boolean firstTime(String key) {
    return WARNED.size() < MAX_WARNED && WARNED.add(key);
  }

  /** Forgets which problems were logged; for tests, which call it reflectively. */
  static void reset() {
    WARNED.clear();
  }
}
