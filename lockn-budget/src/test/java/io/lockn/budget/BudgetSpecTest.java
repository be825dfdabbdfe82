package io.lockn.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.lockn.core.hardening.UsageLog;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** {@link BudgetSpec}: raw values to a {@link Budget}, every problem named by its field in one vocabulary. */
class BudgetSpecTest {

  private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

  /** A valid specification, which each test breaks in one place. */
  private static BudgetSpec valid() {
    return BudgetSpec.named("b").limitUsd(BigDecimal.ONE).period("per-call");
  }

  @Test
  void everyValue_reachesTheBudget() {
    ThrottlePolicy delay = ThrottlePolicy.delay(Duration.ofSeconds(2));
    Budget b = BudgetSpec.named("tenant-monthly")
        .scope("each app.tenant_id")
        .limitUsd(new BigDecimal("100.10"))
        .period("month").zone(PARIS)
        .threshold(BigDecimal.valueOf(80), Action.ALERT)
        .threshold(new BigDecimal("90.5"), Action.THROTTLE)
        .threshold(BigDecimal.valueOf(100), Action.BLOCK)
        .approvalAbove(new BigDecimal("2.50"))
        .throttle(delay)
        .maxReservationPercent(new BigDecimal("2.5"))
        .toBudget();

    assertThat(b.name()).isEqualTo("tenant-monthly");
    assertThat(b.scope()).isEqualTo(Scope.each("app.tenant_id"));
    assertThat(b.unit()).isEqualTo(BudgetUnit.USD);
    assertThat(b.limit()).isEqualTo(100_100_000_000L); // $100.10 = 100.10 x 10^9 nano-USD
    assertThat(b.period()).isEqualTo(Period.month(PARIS));
    assertThat(b.thresholds()).containsExactly(Threshold.of(80, Action.ALERT),
        new Threshold(new BigDecimal("90.5"), Action.THROTTLE), Threshold.of(100, Action.BLOCK));
    assertThat(b.approvalAbove()).isEqualTo(2_500_000_000L); // $2.50
    assertThat(b.throttle()).isSameAs(delay);
    assertThat(b.maxReservationPercent()).isEqualByComparingTo("2.5");
    assertThat(b.reservationCap()).isEqualTo(2_502_500_000L); // 2.5% of $100.10
  }

  @Test
  void defaults() {
    Budget b = valid().toBudget();
    assertThat(b.scope()).isSameAs(Scope.global());
    assertThat(b.thresholds()).containsExactly(Threshold.of(100, Action.BLOCK));
    assertThat(b.approvalAbove()).isEqualTo(Long.MAX_VALUE);
    assertThat(b.throttle()).isSameAs(ThrottlePolicy.downgrade());
    assertThat(b.maxReservationPercent()).isEqualByComparingTo("10");
    assertThat(b.reservationCap()).isEqualTo(100_000_000L); // 10% of $1
  }

  @Test
  void maxReservationPercent_inZeroToHundred() {
    assertInvalid(s -> s.maxReservationPercent(BigDecimal.ZERO), "max-reservation-percent", "not in (0, 100]: 0");
    assertInvalid(s -> s.maxReservationPercent(new BigDecimal("100.01")), "max-reservation-percent",
        "not in (0, 100]: 100.01");
  }

  @Test
  void tokenLimit_andTokenApproval_areWholeTokens() {
    Budget b = BudgetSpec.named("t").limitTokens(new BigDecimal("50000")).approvalAbove(new BigDecimal("1000.0"))
        .period("rolling").window(Duration.ofHours(1)).toBudget();
    assertThat(b.unit()).isEqualTo(BudgetUnit.TOKENS);
    assertThat(b.limit()).isEqualTo(50_000);
    assertThat(b.approvalAbove()).isEqualTo(1000);
    assertThat(b.period()).isEqualTo(Period.rolling(Duration.ofHours(1)));
  }

  @Test
  void defaultZone_appliesToCalendarPeriodsWithoutAZone_only() {
    assertThat(valid().period("day").defaultZone(ZoneOffset.UTC).toBudget().period())
        .isEqualTo(Period.day(ZoneOffset.UTC));
    assertThat(valid().period("week").zone(PARIS).defaultZone(ZoneOffset.UTC).toBudget().period())
        .isEqualTo(Period.week(PARIS));
    assertThat(valid().period("rolling").window(Duration.ofMinutes(1)).defaultZone(ZoneOffset.UTC).toBudget()
        .period()).isEqualTo(Period.rolling(Duration.ofMinutes(1)));
    assertThat(valid().period("per-trace").defaultZone(ZoneOffset.UTC).toBudget().period())
        .isSameAs(Period.perTrace());
    assertInvalid(s -> s.period("day"), "period.zone", "is required for a day period");
  }

  @Test
  void nameAndScope() {
    assertThat(assertInvalid(s -> BudgetSpec.named(null).limitUsd(BigDecimal.ONE).period("per-call"),
        "name", "is required").getMessage()).isEqualTo("name: is required");
    assertInvalid(s -> BudgetSpec.named(" ").limitUsd(BigDecimal.ONE).period("per-call"), "name", "name is blank");
    assertInvalid(s -> s.scope("tenant"), "scope",
        "invalid scope \"tenant\": must be global, each KEY or KEY=VALUE, where KEY is an attribution key, agent or "
            + "model");
    assertInvalid(s -> s.scope("app.tenant_id="), "scope", "invalid scope \"app.tenant_id=\" (scope value is blank): "
        + "must be global, each KEY or KEY=VALUE, where KEY is an attribution key, agent or model");
  }

  @Test
  void limit() {
    assertInvalid(s -> BudgetSpec.named("b").period("per-call"), "limit-usd",
        "a limit is required: limit-usd or limit-tokens");
    assertInvalid(s -> s.limitTokens(BigDecimal.TEN), "limit-tokens", "set limit-usd or limit-tokens, not both");
    assertInvalid(s -> s.limitUsd(new BigDecimal("-1.5")), "limit-usd", "limit < 0: -1.5");
    assertInvalid(s -> s.limitUsd(new BigDecimal("0.0000000001")), "limit-usd",
        "limit is finer than a nano-USD or too large: 0.0000000001");
    assertInvalid(s -> s.limitUsd(new BigDecimal("10000000000")), "limit-usd",
        "limit is finer than a nano-USD or too large: 10000000000"); // 10^19 nano-USD > Long.MAX_VALUE ~ 9.2 x 10^18
    assertInvalid(s -> s.limitUsd(null).limitTokens(new BigDecimal("1.5")), "limit-tokens",
        "must be a whole number of tokens: 1.5");
    assertInvalid(s -> s.limitUsd(null).limitTokens(new BigDecimal("-1")), "limit-tokens", "limit < 0: -1");
    assertInvalid(s -> s.limitUsd(null).limitTokens(new BigDecimal("9223372036854775808")), "limit-tokens",
        "is too large: 9223372036854775808"); // Long.MAX_VALUE + 1
  }

  @Test
  void period_isPeriodParse() {
    assertInvalid(s -> s.period(null), "period", "is required: per-call, per-trace, rolling, day, week or month");
    assertInvalid(s -> s.period("fortnight"), "period",
        "unknown period \"fortnight\" (per-call, per-trace, rolling, day, week or month)");
    assertInvalid(s -> s.zone(PARIS), "period.zone", "does not apply to a per-call period");
    assertInvalid(s -> s.period("rolling"), "period.window", "is required for a rolling period");
    assertInvalid(s -> s.period("rolling").window(Duration.ofMillis(100)), "period.window",
        "period window must be a positive multiple of 60 ms: PT0.1S");
    assertInvalid(s -> s.period("per-trace").idle(Duration.ZERO), "period.idle",
        "period idle must be a positive whole number of ms: PT0S");
    assertInvalid(s -> s.idle(Duration.ofHours(1)), "period.idle", "does not apply to a per-call period");
  }

  @Test
  void thresholds() {
    assertInvalid(s -> s.threshold(BigDecimal.valueOf(50), Action.ALERT).threshold(BigDecimal.valueOf(150),
        Action.BLOCK), "thresholds[1]", "threshold percent not in (0, 100]: 150");
    assertInvalid(s -> s.threshold(BigDecimal.ZERO, Action.THROTTLE), "thresholds[0]",
        "threshold percent not in (0, 100]: 0");
    assertInvalid(s -> s.threshold(null, Action.BLOCK), "thresholds[0]", "a percent is required");
    assertInvalid(s -> s.threshold(BigDecimal.valueOf(50), Action.ALERT).threshold(new BigDecimal("50.0"),
        Action.ALERT), "thresholds", "threshold repeated: ALERT at 50.0%");
  }

  @Test
  void approvalAbove_inTheLimitsUnit() {
    assertInvalid(s -> s.approvalAbove(new BigDecimal("-1")), "approval-above", "approvalAbove < 0: -1");
    assertInvalid(s -> s.approvalAbove(new BigDecimal("0.0000000001")), "approval-above",
        "approvalAbove is finer than a nano-USD or too large: 0.0000000001");
    assertInvalid(s -> s.limitUsd(null).limitTokens(BigDecimal.TEN).approvalAbove(new BigDecimal("2.5")),
        "approval-above", "must be a whole number of tokens: 2.5");
    assertInvalid(s -> s.limitUsd(null).limitTokens(BigDecimal.TEN).approvalAbove(new BigDecimal("-2")),
        "approval-above", "approvalAbove < 0: -2");
  }

  @Test
  void oldPeriodSpelling_warnsNamingTheOrigin() {
    try (UsageLog log = UsageLog.capture()) {
      assertThat(valid().period("trace").origin("lockn.budgets.items[0]").toBudget().period())
          .isSameAs(Period.perTrace());
      assertThat(log.warnings()).extracting(r -> r.getMessage()).containsExactly(
          "lockn.budgets.items[0]: budget period \"trace\" is deprecated; use \"per-trace\"");
    }
  }

  @Test
  void aSpecification_buildsEqualBudgetsEachTime() {
    BudgetSpec spec = valid().scope("agent=triage").threshold(BigDecimal.valueOf(80), Action.ALERT);
    Budget first = spec.toBudget();
    Budget second = spec.toBudget();
    assertThat(second).isNotSameAs(first);
    assertThat(second.toString()).isEqualTo(first.toString());
  }

  private static BudgetConfigException assertInvalid(
      UnaryOperator<BudgetSpec> breaking, String field, String problem) {
    BudgetSpec spec = breaking.apply(valid());
    Throwable thrown = catchThrowable(spec::toBudget);
    assertThat(thrown).isInstanceOf(BudgetConfigException.class);
    BudgetConfigException e = (BudgetConfigException) thrown;
    assertThat(e.field()).isEqualTo(field);
    assertThat(e.problem()).isEqualTo(problem);
    assertThat(e.getMessage()).isEqualTo(field + ": " + problem);
    assertThat(e.file()).isNull();
    return e;
  }
}
