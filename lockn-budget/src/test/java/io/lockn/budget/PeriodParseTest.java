package io.lockn.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lockn.core.hardening.UsageLog;
import java.time.Duration;
import java.time.ZoneId;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link Period#parse}: one vocabulary of period kinds, and every rule of their parameters, with one message each. */
class PeriodParseTest {

  private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
  private static final Duration HOUR = Duration.ofHours(1);
  private static final String KINDS = "per-call, per-trace, rolling, day, week or month";

  private UsageLog log;

  @BeforeEach
  void capture() {
    log = UsageLog.capture();
  }

  @AfterEach
  void release() {
    log.close();
  }

  @Test
  void everyKind() {
    assertThat(Period.parse("per-call", null, null, null)).isSameAs(Period.perCall());
    assertThat(Period.parse("per-trace", null, null, null)).isSameAs(Period.perTrace());
    assertThat(Period.parse("per-trace", null, null, Duration.ofMinutes(5)))
        .isEqualTo(Period.perTrace(Duration.ofMinutes(5)));
    assertThat(Period.parse("rolling", null, HOUR, null)).isEqualTo(Period.rolling(HOUR));
    assertThat(Period.parse("day", PARIS, null, null)).isEqualTo(Period.day(PARIS));
    assertThat(Period.parse("week", PARIS, null, null)).isEqualTo(Period.week(PARIS));
    assertThat(Period.parse("month", PARIS, null, null)).isEqualTo(Period.month(PARIS));
    // Case and surrounding whitespace do not matter.
    assertThat(Period.parse(" Month\t", PARIS, null, null)).isEqualTo(Period.month(PARIS));
    assertThat(log.warnings()).isEmpty();
  }

  @Test
  void kindIds_areWhatParseReads() {
    for (Period.Kind kind : Period.Kind.values()) {
      ZoneId zone = kind.isCalendar() ? PARIS : null;
      Duration window = kind == Period.Kind.ROLLING ? HOUR : null;
      assertThat(Period.parse(kind.id(), zone, window, null).kind()).isEqualTo(kind);
    }
    assertThat(Period.Kind.TRACE.id()).isEqualTo("per-trace");
    assertThat(Period.Kind.PER_CALL.id()).isEqualTo("per-call");
  }

  @Test
  void missingOrUnknownKind() {
    assertInvalid(null, null, null, null, "period", "is required: " + KINDS);
    assertInvalid(" ", null, null, null, "period", "is required: " + KINDS);
    assertInvalid("fortnight", null, null, null, "period", "unknown period \"fortnight\" (" + KINDS + ")");
    assertInvalid(" per call ", null, null, null, "period", "unknown period \"per call\" (" + KINDS + ")");
  }

  @Test
  void requiredParameters() {
    assertInvalid("day", null, null, null, "period.zone", "is required for a day period");
    assertInvalid("week", null, null, null, "period.zone", "is required for a week period");
    assertInvalid("month", null, null, null, "period.zone", "is required for a month period");
    assertInvalid("rolling", null, null, null, "period.window", "is required for a rolling period");
  }

  @Test
  void invalidParameters_haveTheFactoriesMessages() {
    assertInvalid("rolling", null, Duration.ofMillis(61), null, "period.window",
        "period window must be a positive multiple of 60 ms: PT0.061S");
    assertInvalid("rolling", null, Duration.ofSeconds(-60), null, "period.window",
        "period window must be a positive multiple of 60 ms: PT-1M");
    assertInvalid("per-trace", null, null, Duration.ZERO, "period.idle",
        "period idle must be a positive whole number of ms: PT0S");
    assertInvalid("per-trace", null, null, Duration.ofNanos(1_500_000), "period.idle",
        "period idle must be a positive whole number of ms: PT0.0015S");
  }

  @Test
  void parametersOfAnotherKind_doNotApply() {
    assertInvalid("per-call", PARIS, null, null, "period.zone", "does not apply to a per-call period");
    assertInvalid("per-call", null, HOUR, null, "period.window", "does not apply to a per-call period");
    assertInvalid("per-call", null, null, HOUR, "period.idle", "does not apply to a per-call period");
    assertInvalid("per-trace", PARIS, null, null, "period.zone", "does not apply to a per-trace period");
    assertInvalid("per-trace", null, HOUR, null, "period.window", "does not apply to a per-trace period");
    assertInvalid("rolling", PARIS, HOUR, null, "period.zone", "does not apply to a rolling period");
    assertInvalid("rolling", null, HOUR, HOUR, "period.idle", "does not apply to a rolling period");
    assertInvalid("day", PARIS, HOUR, null, "period.window", "does not apply to a day period");
    assertInvalid("week", PARIS, null, HOUR, "period.idle", "does not apply to a week period");
    assertInvalid("month", PARIS, HOUR, null, "period.window", "does not apply to a month period");
    // Checked before the missing zone: a window on a month usually means rolling was meant.
    assertInvalid("month", null, HOUR, null, "period.window", "does not apply to a month period");
  }

  @Test
  void oldSpellings_areRead_andWarnOncePerSpelling() {
    assertThat(Period.parse("per_call", null, null, null)).isSameAs(Period.perCall());
    assertThat(Period.parse("PER_CALL", null, null, null)).isSameAs(Period.perCall());
    assertThat(Period.parse("trace", null, null, Duration.ofMinutes(5)))
        .isEqualTo(Period.perTrace(Duration.ofMinutes(5)));
    assertThat(Period.parse("trace", null, null, null)).isSameAs(Period.perTrace());
    // Their rules are the canonical kind's, and so are the messages.
    assertInvalid("trace", PARIS, null, null, "period.zone", "does not apply to a per-trace period");

    assertThat(log.warnings()).extracting(r -> r.getMessage()).containsExactly(
        "budget period \"per_call\" is deprecated; use \"per-call\"",
        "budget period \"trace\" is deprecated; use \"per-trace\"");
  }

  @Test
  void oldSpelling_warningNamesTheOrigin() {
    Period.kind("per_call", "budgets.json: budgets[0] (daily)");
    Period.kind("per_call", "budgets.json: budgets[0] (daily)");
    Period.kind("per_call", "lockn.budgets.items[3]");
    assertThat(log.warnings()).extracting(r -> r.getMessage()).containsExactly(
        "budgets.json: budgets[0] (daily): budget period \"per_call\" is deprecated; use \"per-call\"",
        "lockn.budgets.items[3]: budget period \"per_call\" is deprecated; use \"per-call\"");
  }

  private static void assertInvalid(
      @Nullable String kind, @Nullable ZoneId zone, @Nullable Duration window, @Nullable Duration idle,
      String field, String problem) {
    assertThatThrownBy(() -> Period.parse(kind, zone, window, idle))
        .isInstanceOfSatisfying(BudgetConfigException.class, e -> {
          assertThat(e.field()).isEqualTo(field);
          assertThat(e.problem()).isEqualTo(problem);
          assertThat(e.getMessage()).isEqualTo(field + ": " + problem);
          assertThat(e.file()).isNull();
          assertThat(e.location()).isNull();
        });
  }
}
