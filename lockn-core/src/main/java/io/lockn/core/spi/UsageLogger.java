package io.lockn.core.spi;

import io.lockn.core.internal.ApiUsageLogger;

/**
 * The one logger through which LockN modules report misuse, sanitised input and their own contained failures: the
 * {@link System.Logger} named {@value #LOGGER_NAME}. Each distinct problem is logged once at WARNING and afterwards
 * at TRACE only, so that a problem on a hot path cannot flood the application's logs. Never throws (except to let a
 * {@link VirtualMachineError} through).
 */
public final class UsageLogger {

  /** The logger name. */
  public static final String LOGGER_NAME = ApiUsageLogger.LOGGER_NAME;

  private UsageLogger() {}

  /**
   * Logs a misuse or a sanitised input.
   *
   * @param message what was wrong and what LockN did instead
   */
  public static void warn(String message) {
    ApiUsageLogger.warn(message);
  }

  /**
   * Logs a contained failure of LockN's own code; the application's call goes on without it.
   *
   * @param where the operation that failed
   * @param error the failure
   */
  public static void failed(String where, Throwable error) {
    ApiUsageLogger.failed(where, error);
  }
}
