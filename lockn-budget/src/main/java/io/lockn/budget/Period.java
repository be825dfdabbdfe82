package io.lockn.budget;

import io.lockn.core.spi.UsageLogger;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How long a budget's spending accumulates before it starts again.
 *
 * <ul>
 *   <li>{@link #perCall()}: every call is checked on its own; nothing accumulates.
 *   <li>{@link #rolling(Duration)}: the spending of the last {@code window}, kept in {@value #ROLLING_BUCKETS}
 *       buckets of {@code window / }{@value #ROLLING_BUCKETS} each, so the rolling sum is exact and memory is
 *       bounded; spending leaves the window one whole bucket at a time.
 *   <li>{@link #day}, {@link #week} (ISO: starts Monday) and {@link #month}: calendar periods in a time zone. They
 *       start at the first instant of their first day in that zone (midnight, or the first valid time after a
 *       daylight-saving gap), so they reset exactly then, and a period may be 23 or 25 hours long.
 *   <li>{@link #perTrace()}: the spending of one trace (a task, a ticket): the account is keyed by the call's trace
 *       id, so "this ticket may cost at most $X". The account is forgotten once the trace has had no call admitted
 *       for the {@linkplain #perTrace(Duration) idle time}, which bounds memory (and Redis keys) to the traces active
 *       recently. A call without a valid trace id (tracing off) is checked on its own, as {@link #perCall()}.
 * </ul>
 *
 * <p>Configuration names the kind ({@link Kind#id()}: {@code per-call}, {@code per-trace}, {@code rolling}, {@code
 * day}, {@code week} or {@code month}) with its parameters, which {@link #parse} checks.
 *
 * <p>Immutable.
 */
public final class Period {

  /** How many buckets a rolling window keeps. */
  public static final int ROLLING_BUCKETS = 60;

  /** The kind of period. */
  public enum Kind {
    /** Each call on its own. */
    PER_CALL("per-call"),
    /** A rolling duration. */
    ROLLING("rolling"),
    /** A calendar day. */
    DAY("day"),
    /** An ISO calendar week, from Monday. */
    WEEK("week"),
    /** A calendar month. */
    MONTH("month"),
    /** One trace, forgotten after an idle time. */
    TRACE("per-trace");

    private final String id;

    Kind(String id) {
      this.id = id;
    }

    /**
     * The kind's name in configuration, which {@link Period#parse} reads.
     *
     * @return {@code per-call}, {@code rolling}, {@code day}, {@code week}, {@code month} or {@code per-trace}
     */
    public String id() {
      return id;
    }

    /** Whether the period is a calendar one, in a time zone. */
    boolean isCalendar() {
      return this == DAY || this == WEEK || this == MONTH;
    }
  }

  /** The kinds, as error messages list them. */
  private static final String KINDS = "per-call, per-trace, rolling, day, week or month";

  /**
   * Spellings that budget files used before the kinds had one vocabulary; still read, with a deprecation warning.
   */
  private static final Map<String, Kind> DEPRECATED = Map.of("per_call", Kind.PER_CALL, "trace", Kind.TRACE);

  /** How long a per-trace account lives after its trace's last admitted call, by default: 1 hour. */
  public static final Duration DEFAULT_TRACE_IDLE = Duration.ofHours(1);

  private static final Period PER_CALL = new Period(Kind.PER_CALL, null, null);
  private static final Period PER_TRACE = new Period(Kind.TRACE, DEFAULT_TRACE_IDLE, null);

  private final Kind kind;
  private final @Nullable Duration window;
  private final @Nullable ZoneId zone;

  private Period(
      Kind kind,
      @Nullable Duration window,
      @Nullable ZoneId zone) {
    this.kind = kind;
    this.window = window;
    this.zone = zone;
  }

  /**
   * Each call checked on its own against the limit.
   *
   * @return the period
   */
  public static Period perCall() {
    return PER_CALL;
  }

  /**
   * Each trace on its own, forgotten {@link #DEFAULT_TRACE_IDLE} after its last admitted call.
   *
   * @return the period
   */
  public static Period perTrace() {
    return PER_TRACE;
  }

  /**
   * Each trace on its own: the account is keyed by the call's trace id and forgotten once no call of the trace was
   * admitted for {@code idle}. A call still in flight after that may find its account gone; its cost is then not
   * counted. Choose an idle time longer than the longest pause between two calls of a task.
   *
   * @param idle the idle time, a positive whole number of milliseconds
   * @return the period
   * @throws IllegalArgumentException if the idle time is not positive or not whole milliseconds
   */
  public static Period perTrace(Duration idle) {
    Objects.requireNonNull(idle, "idle");
    long millis;
    try {
      millis = idle.toMillis();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("period idle is too long: " + idle);
    }
    if (millis <= 0 || !Duration.ofMillis(millis).equals(idle)) {
      throw new IllegalArgumentException("period idle must be a positive whole number of ms: " + idle);
    }
    return new Period(Kind.TRACE, idle, null);
  }

  /**
   * The last {@code window}, rolling.
   *
   * @param window the window, at least {@value #ROLLING_BUCKETS} milliseconds and a whole number of milliseconds
   *     per bucket
   * @return the period
   * @throws IllegalArgumentException if the window is too short or does not divide into whole-millisecond buckets
   */
  public static Period rolling(Duration window) {
    Objects.requireNonNull(window, "window");
    long millis;
    try {
      millis = window.toMillis();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("period window is too long: " + window);
    }
    if (window.isNegative() || millis < ROLLING_BUCKETS || millis % ROLLING_BUCKETS != 0
        || !Duration.ofMillis(millis).equals(window)) {
      throw new IllegalArgumentException(
          "period window must be a positive multiple of " + ROLLING_BUCKETS + " ms: " + window);
    }
    return new Period(Kind.ROLLING, window, null);
  }

  /**
   * The calendar day in {@code zone}, from midnight.
   *
   * @param zone the time zone
   * @return the period
   */
  public static Period day(ZoneId zone) {
    return new Period(Kind.DAY, null, Objects.requireNonNull(zone, "zone"));
  }

  /**
   * The ISO calendar week in {@code zone}, from Monday midnight.
   *
   * @param zone the time zone
   * @return the period
   */
  public static Period week(ZoneId zone) {
    return new Period(Kind.WEEK, null, Objects.requireNonNull(zone, "zone"));
  }

  /**
   * The calendar month in {@code zone}, from midnight on the 1st.
   *
   * @param zone the time zone
   * @return the period
   */
  public static Period month(ZoneId zone) {
    return new Period(Kind.MONTH, null, Objects.requireNonNull(zone, "zone"));
  }

  /**
   * A period as configuration gives it: the kind's {@linkplain Kind#id() name} and the parameters it takes. Every
   * front end (budget files, Spring properties, {@link BudgetSpec}) reads periods here, so the same mistake gets the
   * same message.
   *
   * <ul>
   *   <li>{@code per-call}: no parameter;
   *   <li>{@code per-trace}: {@code idle}, optional ({@link #DEFAULT_TRACE_IDLE}), see {@link #perTrace(Duration)};
   *   <li>{@code rolling}: {@code window}, required, see {@link #rolling(Duration)};
   *   <li>{@code day}, {@code week}, {@code month}: {@code zone}, required.
   * </ul>
   *
   * The kind is read without regard to case or surrounding whitespace. The old spellings {@code per_call} and
   * {@code trace} are still read, and log a deprecation warning once through {@link UsageLogger}.
   *
   * @param kind the kind
   * @param zone the time zone of a calendar period, else {@code null}
   * @param window the window of a rolling period, else {@code null}
   * @param idle the idle time of a per-trace period, or {@code null}
   * @return the period
   * @throws BudgetConfigException if the kind is missing or unknown ({@linkplain BudgetConfigException#field() field}
   *     {@code period}), a required parameter is missing, a parameter is set that does not apply to the kind, or a
   *     parameter is invalid (field {@code period.zone}, {@code period.window} or {@code period.idle})
   */
  public static Period parse(
      String kind, @Nullable ZoneId zone, @Nullable Duration window, @Nullable Duration idle) {
    return of(kind(kind, null), zone, window, idle);
  }

  /**
   * The kind a configuration names.
   *
   * @param spelling the name, as configured
   * @param origin where it is configured, to say in a deprecation warning, or {@code null}
   * @throws BudgetConfigException if the name is missing or unknown (field {@code period})
   */
  static Kind kind(@Nullable String spelling, @Nullable String origin) {
    String trimmed = spelling == null ? "" : spelling.trim();
    String s = trimmed.toLowerCase(Locale.ROOT);
    if (s.isEmpty()) {
      throw new BudgetConfigException("period", "is required: " + KINDS);
    }
    for (Kind k : Kind.values()) {
      if (k.id.equals(s)) {
        return k;
      }
    }
    Kind old = DEPRECATED.get(s);
    if (old == null) {
      throw new BudgetConfigException("period", "unknown period \"" + trimmed + "\" (" + KINDS + ")");
    }
    UsageLogger.warn((origin == null ? "" : origin + ": ") + "budget period \"" + s + "\" is deprecated; use \""
        + old.id + "\"");
    return old;
  }

  /**
   * A period of a kind with the parameters configured; the rules of {@link #parse}.
   *
   * @throws BudgetConfigException naming the parameter
   */
  static Period of(Kind kind, @Nullable ZoneId zone, @Nullable Duration window, @Nullable Duration idle) {
    Objects.requireNonNull(kind, "kind");
    // Checked first: a parameter of another kind usually means the kind is not the one intended.
    notFor(kind, "period.zone", zone, kind.isCalendar());
    notFor(kind, "period.window", window, kind == Kind.ROLLING);
    notFor(kind, "period.idle", idle, kind == Kind.TRACE);
    switch (kind) {
      case PER_CALL:
        return perCall();
      case TRACE:
        try {
          return idle == null ? perTrace() : perTrace(idle);
        } catch (IllegalArgumentException e) {
          throw new BudgetConfigException("period.idle", String.valueOf(e.getMessage()));
        }
      case ROLLING:
        if (window == null) {
          throw new BudgetConfigException("period.window", "is required for a rolling period");
        }
        try {
          return rolling(window);
        } catch (IllegalArgumentException e) {
          throw new BudgetConfigException("period.window", String.valueOf(e.getMessage()));
        }
      default:
        if (zone == null) {
          throw new BudgetConfigException("period.zone", "is required for a " + kind.id + " period");
        }
        return new Period(kind, null, zone);
    }
  }

  private static void notFor(Kind kind, String field, @Nullable Object value, boolean applies) {
    if (value != null && !applies) {
      throw new BudgetConfigException(field, "does not apply to a " + kind.id + " period");
    }
  }

  /**
   * The kind of period.
   *
   * @return the kind
   */
  public Kind kind() {
    return kind;
  }

  /**
   * The rolling window.
   *
   * @return the window, or {@code null} unless {@link Kind#ROLLING}; the idle time for {@link Kind#TRACE}
   */
  public @Nullable Duration window() {
    return window;
  }

  /**
   * The time zone of a calendar period.
   *
   * @return the zone, or {@code null} for per-call and rolling periods
   */
  public @Nullable ZoneId zone() {
    return zone;
  }

  /**
   * The period containing {@code now}: {@code [start, end)}. A per-call period is the instant itself; a rolling
   * period ends at the end of the current bucket and starts a window earlier. A per-trace period is {@code [now, now +
   * idle)}: its account expires an idle time after the latest call.
   *
   * @param now the instant
   * @return the start and end
   */
  public Window windowAt(Instant now) {
    switch (kind) {
      case PER_CALL:
        return new Window(now, now);
      case TRACE:
        return new Window(now, now.plus(window));
      case ROLLING: {
        long width = bucketMillis();
        long bucket = Math.floorDiv(now.toEpochMilli(), width);
        Instant end = Instant.ofEpochMilli((bucket + 1) * width);
        return new Window(end.minus(window), end);
      }
      default: {
        ZoneId z = Objects.requireNonNull(zone);
        LocalDate date = now.atZone(z).toLocalDate();
        LocalDate first;
        LocalDate next;
        if (kind == Kind.DAY) {
          first = date;
          next = date.plusDays(1);
        } else if (kind == Kind.WEEK) {
          first = date.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
          next = first.plusWeeks(1);
        } else {
          first = date.withDayOfMonth(1);
          next = first.plusMonths(1);
        }
        return new Window(first.atStartOfDay(z).toInstant(), next.atStartOfDay(z).toInstant());
      }
    }
  }

  /** The width of one rolling bucket in milliseconds; 0 for other periods. */
  long bucketMillis() {
    return window == null || kind != Kind.ROLLING ? 0 : window.toMillis() / ROLLING_BUCKETS;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Period p && p.kind == kind && Objects.equals(p.window, window) && Objects.equals(p.zone, zone);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, window, zone);
  }

  @Override
  public String toString() {
    return switch (kind) {
      case PER_CALL -> "per call";
      case ROLLING -> "rolling " + window;
      case TRACE -> "per trace (idle " + window + ")";
      default -> kind.name().toLowerCase(java.util.Locale.ROOT) + " in " + zone;
    };
  }

  /**
   * A period's bounds: {@code [start, end)}.
   *
   * @param start the first instant
   * @param end the first instant after the period
   */
  public record Window(Instant start, Instant end) {}
}
