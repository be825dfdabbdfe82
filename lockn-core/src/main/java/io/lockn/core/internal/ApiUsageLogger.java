package io.lockn.core.internal;

import java.lang.System.Logger.Level;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * LockN's single logger for misuse and for its own failures, named {@code io.lockn.usage}. Each distinct problem is
 * logged once at WARNING and afterwards at FINEST only, so that a problem on a hot path cannot flood the host's logs.
 * It uses {@link System.Logger} so that LockN needs no logging dependency.
 *
 * <p>This class is internal and is hence not for public use. Its APIs are unstable and can change at any time.
 */
public final class ApiUsageLogger {

  /** The logger name. */
  public static final String LOGGER_NAME = "io.lockn.usage";

  private static final System.Logger LOGGER = System.getLogger(LOGGER_NAME);

  // Bounded: beyond this many distinct problems everything goes to FINEST.
  private static final int MAX_WARNED = 256;
  private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

  private ApiUsageLogger() {}

  /**
   * Logs a misuse or a sanitised input.
   *
   * @param message what was wrong and what LockN did instead
   */
  public static void warn(String message) {
    try {
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
   * Logs a failure of LockN's own code that was contained.
   *
   * @param where the operation that failed
   * @param error the failure
   */
  public static void failed(String where, Throwable error) {
    if (error instanceof VirtualMachineError) {
      throw (VirtualMachineError) error;
    }
    try {
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

  private static boolean firstTime(String key) {
    return WARNED.size() < MAX_WARNED && WARNED.add(key);
  }

  /** Forgets which problems were logged; for tests. */
  static void reset() {
    WARNED.clear();
  }
}
