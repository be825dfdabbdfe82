package io.lockn.springai.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockn.budget.Budget;
import io.lockn.budget.BudgetStatus;
import io.lockn.budget.BudgetUnit;
import io.lockn.budget.Budgets;
import io.lockn.budget.Period;
import io.lockn.core.LockN;
import io.lockn.core.TokenUsage;
import io.lockn.pricing.CostAttributes;
import io.lockn.pricing.CostLedger;
import io.lockn.pricing.PriceCatalog;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration;
import org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code lockn} actuator endpoint: when it exists, and what it reports, on Spring Boot's own OpenTelemetry SDK with
 * LockN's span processors in it.
 */
class LockNEndpointTest {

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(
          ObservationAutoConfiguration.class,
          MicrometerTracingAutoConfiguration.class,
          OpenTelemetrySdkAutoConfiguration.class,
          OpenTelemetryTracingAutoConfiguration.class,
          LockNAutoConfiguration.class,
          LockNEndpointAutoConfiguration.class))
      .withPropertyValues("management.tracing.sampling.probability=1.0");

  private static final String EXPOSED = "management.endpoints.web.exposure.include=lockn";

  @Test
  void exposed_definesTheEndpoint() {
    runner.withPropertyValues(EXPOSED).run(ctx -> assertThat(ctx).hasSingleBean(LockNEndpoint.class));
  }

  @Test
  void notExposed_noEndpoint() {
    runner.run(ctx -> {
      assertThat(ctx).hasNotFailed();
      assertThat(ctx).doesNotHaveBean(LockNEndpoint.class).hasSingleBean(CostLedger.class);
    });
  }

  @Test
  void accessNone_noEndpoint() {
    runner.withPropertyValues(EXPOSED, "management.endpoint.lockn.access=NONE")
        .run(ctx -> assertThat(ctx).doesNotHaveBean(LockNEndpoint.class));
  }

  @Test
  void withoutActuator_noEndpoint() {
    runner.withPropertyValues(EXPOSED).withClassLoader(new FilteredClassLoader(Endpoint.class))
        .run(ctx -> assertThat(ctx).doesNotHaveBean(LockNEndpoint.class).hasSingleBean(LockN.class));
  }

  @Test
  void lockNDisabled_noEndpoint() {
    runner.withPropertyValues(EXPOSED, "lockn.enabled=false")
        .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean(LockNEndpoint.class));
  }

  @Test
  void userEndpoint_wins() {
    LockNEndpoint mine = new LockNEndpoint(CostLedger.create(), List::of, ZoneOffset.UTC, Duration.ofDays(1));
    runner.withPropertyValues(EXPOSED).withBean(LockNEndpoint.class, () -> mine)
        .run(ctx -> assertThat(ctx.getBean(LockNEndpoint.class)).isSameAs(mine));
  }

  @Test
  void report_spendByTenantAgentAndModel_andBudgetStatus() {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    runner.withPropertyValues(EXPOSED, "lockn.budgets.items[0].name=daily", "lockn.budgets.items[0].limit-usd=10",
            "lockn.budgets.items[0].period=day", "lockn.budgets.items[0].alert-at=50")
        .withBean("exportForTest", SpanProcessor.class, () -> SimpleSpanProcessor.create(spans))
        .run(ctx -> {
          assertThat(ctx).hasNotFailed();
          LockN lockn = ctx.getBean(LockN.class);
          TokenUsage usage = TokenUsage.of(1000, 500);
          try (Scope ignored = Baggage.current().toBuilder().put("app.tenant_id", "acme").build().makeCurrent()) {
            lockn.agent("support-bot").run(() -> lockn.chat("openai", "gpt-4o").maxTokens(500).run(() ->
                lockn.currentLlmCall().recordUsage(usage).responseModel("gpt-4o")));
          }
          BigDecimal expected = PriceCatalog.bundled().cost("openai", "gpt-4o", usage, Instant.now(), null).totalUsd();
          String usd = expected.stripTrailingZeros().toPlainString();

          // Boot's tracer provider ran LockN's processors: the span is priced and the ledger fed.
          SpanData chat = spans.getFinishedSpanItems().stream()
              .filter(s -> s.getAttributes().get(CostAttributes.TOTAL_NANOS) != null
                  && s.getName().startsWith("chat"))
              .findFirst().orElseThrow();
          assertThat(chat.getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(expected.movePointRight(9)
              .longValueExact());

          LockNEndpoint.Report report = ctx.getBean(LockNEndpoint.class).report();
          assertThat(report.currency()).isEqualTo("USD");
          assertThat(report.total()).isEqualTo(usd);
          assertThat(report.byTenant()).containsEntry("acme", usd);
          assertThat(report.byAgent()).containsEntry("support-bot", usd);
          assertThat(report.byModel()).containsEntry("gpt-4o", usd);
          assertThat(report.budgets()).singleElement().satisfies(b -> {
            assertThat(b.name()).isEqualTo("daily");
            assertThat(b.scope()).isEqualTo("global");
            assertThat(b.unit()).isEqualTo("usd");
            assertThat(b.limit()).isEqualTo("10");
            assertThat(b.spent()).isEqualTo(usd);
            assertThat(b.reserved()).isEqualTo("0");
            assertThat(new BigDecimal(b.remaining())).isEqualByComparingTo(BigDecimal.TEN.subtract(expected));
            assertThat(b.action()).isEqualTo("none");
          });
          String json = JsonMapper.builder().build().writeValueAsString(report);
          assertThat(json).contains("\"total\":\"" + usd + "\"").contains("\"byTenant\":{\"acme\":\"" + usd + "\"}");
        });
  }

  @Test
  void report_periodIsTodayInTheZone_clampedToRetention() {
    CostLedger ledger = CostLedger.create(Duration.ofHours(25), Duration.ofMinutes(1));
    Instant now = Instant.parse("2026-05-04T10:30:00Z");
    ledger.record(Instant.parse("2026-05-04T09:00:00Z").toEpochMilli(), 1_500_000_000L, "acme", null, null, null,
        "gpt-4o");
    ledger.record(Instant.parse("2026-05-03T21:00:00Z").toEpochMilli(), 7_000_000_000L, "acme", null, null, null,
        "gpt-4o");
    Clock clock = Clock.fixed(now, ZoneOffset.UTC);

    LockNEndpoint.Report utc =
        new LockNEndpoint(ledger, List::of, ZoneOffset.UTC, Duration.ofHours(25), clock).report();
    assertThat(utc.periodStart()).isEqualTo("2026-05-04T00:00:00Z");
    assertThat(utc.total()).isEqualTo("1.5");
    assertThat(utc.byTenant()).containsExactly(java.util.Map.entry("acme", "1.5"));
    assertThat(utc.byAgent()).containsExactly(java.util.Map.entry(CostLedger.NONE, "1.5"));

    // In Tokyo (UTC+9) the day started at 2026-05-03T15:00Z, so yesterday evening's 7 USD counts.
    LockNEndpoint.Report tokyo =
        new LockNEndpoint(ledger, List::of, ZoneId.of("Asia/Tokyo"), Duration.ofHours(25), clock).report();
    assertThat(tokyo.periodStart()).isEqualTo("2026-05-03T15:00:00Z");
    assertThat(tokyo.total()).isEqualTo("8.5");

    // A retention shorter than the day so far bounds the period.
    LockNEndpoint.Report shortRetention =
        new LockNEndpoint(ledger, List::of, ZoneOffset.UTC, Duration.ofHours(1), clock).report();
    assertThat(shortRetention.periodStart()).isEqualTo("2026-05-04T09:30:00Z");
    assertThat(shortRetention.total()).isEqualTo("0");
  }

  @Test
  void budgetReport_percentAndStrongestAction() {
    Budget budget = Budget.builder("b").limitTokens(1000).period(Period.perTrace()).alertAt(50).throttleAt(80)
        .blockAt(100).build();
    Instant start = Instant.parse("2026-05-04T00:00:00Z");
    BudgetStatus alerting = new BudgetStatus("b", "global", BudgetUnit.TOKENS, 1000, 400, 150, 450, start, start);
    assertThat(BudgetReports.report(alerting, budget)).satisfies(r -> {
      assertThat(r.percent()).isEqualTo("55.00");
      assertThat(r.action()).isEqualTo("alert");
      assertThat(r.limit()).isEqualTo("1000");
      assertThat(r.remaining()).isEqualTo("450");
    });
    BudgetStatus blocked = new BudgetStatus("b", "global", BudgetUnit.TOKENS, 1000, 1000, 0, 0, start, start);
    assertThat(BudgetReports.report(blocked, budget).action()).isEqualTo("block");
    assertThat(BudgetReports.report(blocked, budget).percent()).isEqualTo("100.00");
    BudgetStatus throttled = new BudgetStatus("b", "global", BudgetUnit.TOKENS, 1000, 800, 0, 200, start, start);
    assertThat(BudgetReports.report(throttled, budget).action()).isEqualTo("throttle");
    BudgetStatus usd = new BudgetStatus("u", "app.tenant_id=acme", BudgetUnit.USD, 0, 0, 0, 0, start, start);
    assertThat(BudgetReports.report(usd, null)).satisfies(r -> {
      assertThat(r.limit()).isEqualTo("0");
      assertThat(r.percent()).isEqualTo("100.00");
      assertThat(r.action()).isEqualTo("none");
    });
  }

  @Test
  void budgetReports_listEveryTrackedAccount() {
    Budgets budgets = Budgets.builder(PriceCatalog.bundled())
        .addBudget(Budget.builder("monthly").limitUsd("100").period(Period.month(ZoneOffset.UTC)).build())
        .addBudget(Budget.builder("per-call").limitUsd("1").period(Period.perCall()).build())
        .build();
    assertThat(BudgetReports.reports(budgets)).extracting(LockNEndpoint.BudgetReport::name)
        .containsExactly("monthly");
  }
}
