package io.lockn.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.lockn.core.AttributionKeys;
import io.lockn.core.BudgetExceededException;
import io.lockn.core.LockN;
import io.lockn.pricing.ModelPrice;
import io.lockn.pricing.PriceCatalog;
import io.lockn.pricing.Rates;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A block says when it lifts by itself ({@link BudgetExceededException#periodEnd()}), which a web application turns
 * into {@code Retry-After}: the end of the calendar period in the budget's zone, the end of the current bucket of a
 * rolling window, and nothing for per-call and per-trace budgets, approval denials and runaway kills.
 */
class BlockPeriodEndTest {

  private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
  // $10 / $30 per 1M tokens: a call of 1,000 input and 100 output tokens is estimated at
  // 1,000 x 10,000 + 100 x 30,000 = 13,000,000 nano-USD ($0.013).
  private static final PriceCatalog CATALOG = PriceCatalog.builder()
      .add(ModelPrice.builder("openai", "big").addPrices(Rates.perMillionTokens("10", "30")).build())
      .build();

  // Saturday 15 March 2025, 12:00:00.250 in Paris (UTC+1, before the switch to summer time on 30 March).
  private final MutableClock clock = new MutableClock(
      LocalDateTime.parse("2025-03-15T12:00:00.250").atZone(PARIS).toInstant());

  private BudgetExceededException blocked(Period period) {
    return blocked(Budget.builder("tiny").limitUsd("0.01").period(period).build());
  }

  private BudgetExceededException blocked(Budget budget) {
    Budgets budgets = Budgets.builder(CATALOG).setClock(clock).addBudget(budget).build();
    LockN lockn = LockN.builder().setOpenTelemetry(OpenTelemetry.noop()).setCallAdmission(budgets).build();
    return catchThrowableOfType(BudgetExceededException.class,
        () -> lockn.chat("openai", "big").estimatedInputTokens(1000).maxTokens(100).run(() -> {}));
  }

  @Test
  void calendarPeriods_endAtTheNextPeriodsFirstInstantInTheBudgetsZone() {
    assertThat(blocked(Period.day(PARIS)).periodEnd())
        .isEqualTo(LocalDateTime.parse("2025-03-16T00:00").atZone(PARIS).toInstant())
        .isEqualTo(Instant.parse("2025-03-15T23:00:00Z"));
    // ISO weeks start on Monday: Monday 17 March.
    assertThat(blocked(Period.week(PARIS)).periodEnd()).isEqualTo(Instant.parse("2025-03-16T23:00:00Z"));
    // 1 April is in summer time (UTC+2).
    assertThat(blocked(Period.month(PARIS)).periodEnd()).isEqualTo(Instant.parse("2025-03-31T22:00:00Z"));
  }

  @Test
  void rollingWindow_endsWithTheCurrentBucket() {
    // One hour in 60 buckets of one minute: 12:00:00.250 is in the bucket [12:00, 12:01).
    assertThat(blocked(Period.rolling(Duration.ofHours(1))).periodEnd())
        .isEqualTo(Instant.parse("2025-03-15T11:01:00Z"));
  }

  @Test
  void perCallAndPerTrace_haveNoPeriodEnd() {
    assertThat(blocked(Period.perCall())).isNotNull().extracting(BudgetExceededException::periodEnd).isNull();
    // Without a trace the per-trace budget checks the call on its own; with one it keeps the trace's account.
    assertThat(blocked(Period.perTrace())).isNotNull().extracting(BudgetExceededException::periodEnd).isNull();
    SpanContext trace = SpanContext.create("0123456789abcdef0123456789abcdef", "0123456789abcdef",
        TraceFlags.getSampled(), TraceState.getDefault());
    try (Scope ignored = Context.root().with(Span.wrap(trace)).makeCurrent()) {
      BudgetExceededException e = blocked(Period.perTrace());
      assertThat(e.scope()).isEqualTo("global|trace=0123456789abcdef0123456789abcdef");
      assertThat(e.periodEnd()).isNull();
    }
  }

  @Test
  void perTenantAccount_carriesItsPeriodEnd() {
    Budget budget = Budget.builder("tenant-daily").scope(io.lockn.budget.Scope.each(AttributionKeys.DEFAULT_TENANT_KEY))
        .limitUsd("0.01").period(Period.day(PARIS)).build();
    try (Scope ignored = Baggage.current().toBuilder().put(AttributionKeys.DEFAULT_TENANT_KEY, "acme").build()
        .makeCurrent()) {
      BudgetExceededException e = blocked(budget);
      assertThat(e.scope()).isEqualTo("app.tenant_id=acme");
      assertThat(e.periodEnd()).isEqualTo(Instant.parse("2025-03-15T23:00:00Z"));
    }
  }

  @Test
  void approvalDenial_hasNoPeriodEnd() {
    Budgets budgets = Budgets.builder(CATALOG).setClock(clock)
        .addBudget(Budget.builder("big-calls").limitUsd("100").period(Period.day(PARIS))
            .approvalAboveUsd(new BigDecimal("0.001")).build())
        .setApprovalPolicy(request -> CompletableFuture.completedFuture(ApprovalPolicy.Decision.deny("too big")))
        .build();
    LockN lockn = LockN.builder().setOpenTelemetry(OpenTelemetry.noop()).setCallAdmission(budgets).build();
    ApprovalDeniedException e = catchThrowableOfType(ApprovalDeniedException.class,
        () -> lockn.chat("openai", "big").estimatedInputTokens(1000).maxTokens(100).run(() -> {}));
    assertThat(e.reason()).isEqualTo("too big");
    assertThat(e.periodEnd()).isNull();
  }

  @Test
  void runawayKill_hasNoPeriodEnd() {
    Runaway runaway = new Runaway(Runaway.Reason.TOOL_LOOP, "0123456789abcdef0123456789abcdef", "1111111111111111",
        "2222222222222222", "concierge", 5, Double.NaN, 5, "lookup", 42, 3, 5, true);
    assertThat(new RunawayAgentException(runaway).periodEnd()).isNull();
  }
}
