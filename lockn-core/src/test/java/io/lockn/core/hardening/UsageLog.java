package io.lockn.core.hardening;

import io.lockn.core.spi.UsageLogger;
import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Captures what LockN writes to its one logger, {@code io.lockn.usage} ({@link System.Logger}, which the JDK maps to
 * java.util.logging when no other backend is installed), and forgets which problems were already warned about, so
 * that each test sees its own first WARNING. lockn-core's test-jar shares it with the pricing and budget hardening
 * suites.
 */
public final class UsageLog implements AutoCloseable {

  // Held strongly: java.util.logging keeps loggers weakly, and would drop our handler and level with the logger.
  private static final Logger JUL = Logger.getLogger(UsageLogger.LOGGER_NAME);

  private final List<LogRecord> records = new CopyOnWriteArrayList<>();
  private final Handler handler =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          records.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
  private final Level previousLevel;
  private final boolean previousUseParentHandlers;

  private UsageLog() {
    previousLevel = JUL.getLevel();
    previousUseParentHandlers = JUL.getUseParentHandlers();
    JUL.setLevel(Level.ALL);
    JUL.setUseParentHandlers(false);
    JUL.addHandler(handler);
  }

  /**
   * Starts capturing, after making {@link UsageLogger} forget what earlier tests made it warn about.
   *
   * @return the capture; close it in {@code @AfterEach}
   */
  public static UsageLog capture() {
    resetWarnedProblems();
    return new UsageLog();
  }

  /** Makes every problem a first occurrence again (package-private {@code UsageLogger.reset()}). */
  public static void resetWarnedProblems() {
    try {
      Method reset = UsageLogger.class.getDeclaredMethod("reset");
      reset.setAccessible(true);
      reset.invoke(null);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * Every record captured so far, at any level.
   *
   * @return the records
   */
  public List<LogRecord> all() {
    return List.copyOf(records);
  }

  /**
   * The WARNING records captured so far: what an operator sees with default logging.
   *
   * @return the records
   */
  public List<LogRecord> warnings() {
    return records.stream().filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue()).toList();
  }

  /**
   * The WARNING records whose message contains {@code text}.
   *
   * @param text the text
   * @return the records
   */
  public List<LogRecord> warningsContaining(String text) {
    return warnings().stream().filter(r -> r.getMessage() != null && r.getMessage().contains(text)).toList();
  }

  /** Forgets the records captured so far (not which problems were warned about). */
  public void clear() {
    records.clear();
  }

  @Override
  public void close() {
    JUL.removeHandler(handler);
    JUL.setLevel(previousLevel);
    JUL.setUseParentHandlers(previousUseParentHandlers);
  }
}
