package io.lockn.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.lockn.core.hardening.UsageLog;
import io.lockn.core.spi.CallRequest;
import io.lockn.pricing.PriceCatalog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Budgets from a JSON file: every field, and errors that name the file, the budget and the field. */
class BudgetConfigTest {

  private static final PriceCatalog CATALOG = PriceCatalog.builder().build();
  private static final ApprovalPolicy APPROVE = r -> CompletableFuture.completedFuture(ApprovalPolicy.Decision.approve());

  @TempDir Path dir;

  private Path write(String json) throws IOException {
    Path p = dir.resolve("budgets.json");
    Files.writeString(p, json.replace('\'', '"'));
    return p;
  }

  private static final String GOOD = """
      {
        'budgets': [
          { 'name': 'tenant-monthly', 'scope': 'each app.tenant_id', 'unit': 'usd', 'limit': 100.10,
            'period': { 'kind': 'month', 'zone': 'Europe/Paris' },
            'thresholds': [ { 'percent': 80, 'action': 'alert' }, { 'percent': 90.5, 'action': 'THROTTLE' },
                            { 'percent': 100, 'action': 'block' } ],
            'approvalAbove': '2.50' },
          { 'name': 'agent-tokens', 'scope': 'agent=triage', 'unit': 'tokens', 'limit': 50000,
            'period': { 'kind': 'rolling', 'window': 'PT1H' } },
          { 'name': 'per-call', 'unit': 'usd', 'limit': '0.000000001', 'period': { 'kind': 'per_call' } },
          { 'name': 'daily-model', 'scope': 'each model', 'unit': 'usd', 'limit': 5,
            'period': { 'kind': 'day', 'zone': 'UTC' } }
        ],
        'downgrades': { 'gpt-4o': 'gpt-4o-mini' },
        'approval': { 'aboveUsd': 10, 'timeout': 'PT2M', 'onTimeout': 'approve' }
      }
      """;

  @Test
  void addConfig_readsEveryField() throws IOException {
    Budgets budgets = Budgets.builder(CATALOG).setApprovalPolicy(APPROVE).addConfig(write(GOOD)).build();

    assertThat(budgets.budgets()).extracting(Budget::name)
        .containsExactly("tenant-monthly", "agent-tokens", "per-call", "daily-model");
    Budget tenant = budgets.budgets().get(0);
    assertThat(tenant.scope()).isEqualTo(Scope.each("app.tenant_id"));
    assertThat(tenant.unit()).isEqualTo(BudgetUnit.USD);
    assertThat(tenant.limit()).isEqualTo(100_100_000_000L);
    assertThat(tenant.period()).isEqualTo(Period.month(ZoneId.of("Europe/Paris")));
    assertThat(tenant.thresholds()).containsExactly(Threshold.of(80, Action.ALERT),
        new Threshold(new BigDecimal("90.5"), Action.THROTTLE), Threshold.of(100, Action.BLOCK));
    assertThat(tenant.approvalAbove()).isEqualTo(2_500_000_000L);
    Budget agent = budgets.budgets().get(1);
    assertThat(agent.scope()).isEqualTo(Scope.agent("triage"));
    assertThat(agent.limit()).isEqualTo(50_000);
    assertThat(agent.period()).isEqualTo(Period.rolling(Duration.ofHours(1)));
    assertThat(budgets.budgets().get(2).limit()).isEqualTo(1);
    assertThat(budgets.budgets().get(3).scope()).isEqualTo(Scope.eachModel());

    // The downgrade applies: a throttling budget on gpt-4o admits gpt-4o-mini.
    Budgets throttling = Budgets.builder(CATALOG).addConfig(write("""
        { 'budgets': [ { 'name': 't', 'unit': 'tokens', 'limit': 10, 'period': { 'kind': 'per_call' },
                         'thresholds': [ { 'percent': 1, 'action': 'throttle' } ] } ],
          'downgrades': { 'gpt-4o': 'gpt-4o-mini' } }
        """)).build();
    assertThat(throttling.admit(CallRequest.builder("openai", "gpt-4o")
        .estimatedInputTokens(5)
        .maxOutputTokens(0)
        .build())
        .model()).isEqualTo("gpt-4o-mini");
  }

  @Test
  void approvalThresholdsInFile_requireAPolicy() throws IOException {
    Path p = write(GOOD);
    assertThatThrownBy(() -> Budgets.builder(CATALOG).addConfig(p).build())
        .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("approvalPolicy");
  }

  private void assertInvalid(String json, String location, String field, String problem) throws IOException {
    Path p = write(json);
    // Throttles every call, so a downgrade from the bad file would show.
    Budget existing = Budget.builder("existing").limitTokens(1000).period(Period.perCall()).throttleAt(1).blockAt(100)
        .build();
    Budgets.Builder builder = Budgets.builder(CATALOG).addBudget(existing);
    assertThatThrownBy(() -> builder.addConfig(p))
        .isInstanceOfSatisfying(BudgetConfigException.class, e -> {
          assertThat(e.file()).isEqualTo(p.toString());
          assertThat(e.location()).isEqualTo(location);
          assertThat(e.field()).isEqualTo(field);
          assertThat(e.getMessage()).startsWith(p + ": " + location + ": " + field + ": ").contains(problem);
        });
    // Nothing of the bad file was applied: no budget, no downgrade.
    Budgets built = builder.build();
    assertThat(built.budgets()).extracting(Budget::name).containsExactly("existing");
    assertThat(built.admit(CallRequest.builder("p", "gpt-4o")
        .estimatedInputTokens(5)
        .maxOutputTokens(0)
        .build()).model())
        .isEqualTo("gpt-4o");
  }

  private static String withSecond(String budget) {
    return "{ 'budgets': [ { 'name': 'ok', 'unit': 'usd', 'limit': 1, 'period': { 'kind': 'per_call' } }, "
        + budget + " ], 'downgrades': { 'gpt-4o': 'gpt-4o-mini' } }";
  }

  @Test
  void negativeLimit() throws IOException {
    assertInvalid(withSecond("{ 'name': 'neg', 'unit': 'usd', 'limit': -1.5, 'period': { 'kind': 'per_call' } }"),
        "budgets[1] (neg)", "limit", "limit < 0: -1.5");
  }

  @Test
  void unknownPeriod() throws IOException {
    assertInvalid(withSecond("{ 'name': 'p', 'unit': 'usd', 'limit': 1, 'period': { 'kind': 'fortnight' } }"),
        "budgets[1] (p)", "period.kind",
        "unknown period \"fortnight\" (per-call, per-trace, rolling, day, week or month)");
  }

  @Test
  void badTimeZone() throws IOException {
    assertInvalid(withSecond(
        "{ 'name': 'z', 'unit': 'usd', 'limit': 1, 'period': { 'kind': 'day', 'zone': 'Mars/Olympus' } }"),
        "budgets[1] (z)", "period.zone", "unknown time zone: Mars/Olympus");
  }

  @Test
  void missingZone() throws IOException {
    assertInvalid(withSecond("{ 'name': 'z', 'unit': 'usd', 'limit': 1, 'period': { 'kind': 'month' } }"),
        "budgets[1] (z)", "period.zone", "is required");
  }

  @Test
  void unknownField() throws IOException {
    assertInvalid(withSecond(
        "{ 'name': 'u', 'unit': 'usd', 'limit': 1, 'period': { 'kind': 'per_call' }, 'limt': 2 }"),
        "budgets[1] (u)", "limt", "unknown field");
    assertInvalid(withSecond(
        "{ 'name': 'u', 'unit': 'usd', 'limit': 1, 'period': { 'kind': 'per_call', 'tz': 'UTC' } }"),
        "budgets[1] (u)", "period.tz", "unknown field");
    assertInvalid("{ 'budget': [] }", "document", "budget", "unknown field");
  }

  @Test
  void badThreshold() throws IOException {
    assertInvalid(withSecond("{ 'name': 't', 'unit': 'usd', 'limit': 1, 'period': { 'kind': 'per_call' }, "
        + "'thresholds': [ { 'percent': 50, 'action': 'alert' }, { 'percent': 150, 'action': 'block' } ] }"),
        "budgets[1] (t)", "thresholds[1].percent", "not in (0, 100]");
    assertInvalid(withSecond("{ 'name': 't', 'unit': 'usd', 'limit': 1, 'period': { 'kind': 'per_call' }, "
        + "'thresholds': [ { 'percent': 50, 'action': 'shout' } ] }"),
        "budgets[1] (t)", "thresholds[0].action", "must be alert, throttle or block");
  }

  @Test
  void otherErrors() throws IOException {
    assertInvalid(withSecond("{ 'name': 'x', 'unit': 'euro', 'limit': 1, 'period': { 'kind': 'per_call' } }"),
        "budgets[1] (x)", "unit", "must be usd or tokens");
    assertInvalid(withSecond("{ 'name': 'x', 'unit': 'tokens', 'limit': 1.5, 'period': { 'kind': 'per_call' } }"),
        "budgets[1] (x)", "limit", "whole number");
    assertInvalid(withSecond("{ 'name': 'x', 'unit': 'usd', 'limit': 0.0000000001, 'period': { 'kind': 'per_call' } }"),
        "budgets[1] (x)", "limit", "finer than a nano-USD");
    assertInvalid(withSecond("{ 'name': 'x', 'unit': 'usd', 'limit': 1, 'period': { 'kind': 'rolling', 'window': 'PT7S1' } }"),
        "budgets[1] (x)", "period.window", "ISO-8601");
    assertInvalid(withSecond("{ 'unit': 'usd', 'limit': 1, 'period': { 'kind': 'per_call' } }"),
        "budgets[1]", "name", "is required");
    assertInvalid(withSecond("{ 'name': 'ok', 'unit': 'usd', 'limit': 1, 'period': { 'kind': 'per_call' } }"),
        "budgets[1] (ok)", "name", "repeats");
    assertInvalid(withSecond("{ 'name': 'existing', 'unit': 'usd', 'limit': 1, 'period': { 'kind': 'per_call' } }"),
        "budgets[1] (existing)", "name", "already added");
    assertInvalid(withSecond("{ 'name': 's', 'scope': 'nonsense', 'unit': 'usd', 'limit': 1, "
        + "'period': { 'kind': 'per_call' } }"), "budgets[1] (s)", "scope", "must be global");
    assertInvalid("{ 'downgrades': { 'a': 'a' } }", "downgrades", "a", "downgrades to itself");
    assertInvalid("{ 'approval': { 'aboveUsd': -1 } }", "approval", "aboveUsd", "negative");
    assertInvalid("{ 'approval': { 'onTimeout': 'maybe' } }", "approval", "onTimeout", "approve or deny");
  }

  @Test
  void malformedJson_namesLine() throws IOException {
    Path p = write("{ 'budgets': [ \n { 'name': } ] }");
    assertThatThrownBy(() -> Budgets.builder(CATALOG).addConfig(p))
        .isInstanceOfSatisfying(BudgetConfigException.class, e -> {
          assertThat(e.location()).startsWith("line 2");
          assertThat(e.field()).isNull();
        });
    Path dup = write("{ 'budgets': [], 'budgets': [] }");
    assertThatThrownBy(() -> Budgets.builder(CATALOG).addConfig(dup)).isInstanceOf(BudgetConfigException.class);
  }

  @Test
  void missingFile_unchecked() {
    assertThatThrownBy(() -> Budgets.builder(CATALOG).addConfig(dir.resolve("none.json")))
        .isInstanceOf(UncheckedIOException.class).hasMessageContaining("none.json");
  }

  @Test
  void throttleAndTracePeriod_areRead() throws IOException {
    Budgets budgets = Budgets.builder(CATALOG).addConfig(write("""
        { 'budgets': [
          { 'name': 'd', 'unit': 'tokens', 'limit': 10, 'period': { 'kind': 'trace' },
            'throttle': { 'type': 'delay', 'duration': 'PT2S' } },
          { 'name': 'c', 'unit': 'tokens', 'limit': 10, 'period': { 'kind': 'trace', 'idle': 'PT5M' },
            'throttle': { 'type': 'concurrency', 'permits': 4, 'maxWait': 'PT1S' } },
          { 'name': 'g', 'unit': 'tokens', 'limit': 10, 'period': { 'kind': 'per_call' },
            'throttle': { 'type': 'downgrade' } } ] }
        """)).build();

    List<Budget> list = budgets.budgets();
    assertThat(list.get(0).period()).isEqualTo(Period.perTrace());
    assertThat(((DelayThrottle) list.get(0).throttle()).duration()).isEqualTo(Duration.ofSeconds(2));
    assertThat(list.get(1).period()).isEqualTo(Period.perTrace(Duration.ofMinutes(5)));
    ConcurrencyThrottle c = (ConcurrencyThrottle) list.get(1).throttle();
    assertThat(c.permits()).isEqualTo(4);
    assertThat(c.maxWait()).isEqualTo(Duration.ofSeconds(1));
    assertThat(list.get(2).throttle()).isSameAs(ThrottlePolicy.downgrade());
  }

  @Test
  void badThrottleOrTracePeriod_namesTheField() throws IOException {
    String base = "{ 'name': 'b', 'unit': 'usd', 'limit': 1, 'period': { 'kind': 'per_call' }, ";
    assertInvalid(withSecond(base + "'throttle': { 'type': 'pause' } }"),
        "budgets[1] (b)", "throttle.type", "unknown throttle: pause");
    assertInvalid(withSecond(base + "'throttle': { 'type': 'delay' } }"),
        "budgets[1] (b)", "throttle.duration", "is required");
    assertInvalid(withSecond(base + "'throttle': { 'type': 'delay', 'duration': 'PT0S' } }"),
        "budgets[1] (b)", "throttle.duration", "must be positive");
    assertInvalid(withSecond(base + "'throttle': { 'type': 'concurrency', 'permits': 0, 'maxWait': 'PT1S' } }"),
        "budgets[1] (b)", "throttle.permits", "must be a whole number >= 1");
    assertInvalid(withSecond(base + "'throttle': { 'type': 'concurrency', 'permits': 2 } }"),
        "budgets[1] (b)", "throttle.maxWait", "is required");
    assertInvalid(withSecond(base + "'throttle': { 'type': 'downgrade', 'permits': 2 } }"),
        "budgets[1] (b)", "throttle.permits", "does not apply");
    assertInvalid(withSecond(base + "'throttle': { 'type': 'delay', 'duration': 'PT1S', 'jitter': 1 } }"),
        "budgets[1] (b)", "throttle.jitter", "unknown field");
    assertInvalid(withSecond(
        "{ 'name': 'b', 'unit': 'usd', 'limit': 1, 'period': { 'kind': 'trace', 'idle': 'PT0S' } }"),
        "budgets[1] (b)", "period.idle", "must be a positive");
    assertInvalid(withSecond(
        "{ 'name': 'b', 'unit': 'usd', 'limit': 1, 'period': { 'kind': 'trace', 'zone': 'UTC' } }"),
        "budgets[1] (b)", "period.zone", "does not apply");
  }

  @Test
  void canonicalPeriodSpellings_areRead_withoutWarning() throws IOException {
    try (UsageLog log = UsageLog.capture()) {
      Budgets budgets = Budgets.builder(CATALOG).addConfig(write("""
          { 'budgets': [
            { 'name': 'c', 'unit': 'usd', 'limit': 1, 'period': { 'kind': 'per-call' } },
            { 'name': 't', 'unit': 'usd', 'limit': 1, 'period': { 'kind': 'per-trace', 'idle': 'PT5M' } },
            { 'name': 'w', 'unit': 'usd', 'limit': 1, 'period': { 'kind': 'WEEK', 'zone': 'Europe/Paris' } } ] }
          """)).build();
      assertThat(budgets.budgets()).extracting(Budget::period).containsExactly(Period.perCall(),
          Period.perTrace(Duration.ofMinutes(5)), Period.week(ZoneId.of("Europe/Paris")));
      assertThat(log.warnings()).isEmpty();
    }
  }

  @Test
  void oldPeriodSpellings_warnOnce_namingTheFileAndTheBudget() throws IOException {
    Path p = write("""
        { 'budgets': [
          { 'name': 'calls', 'unit': 'usd', 'limit': 1, 'period': { 'kind': 'per_call' } },
          { 'name': 'tickets', 'unit': 'usd', 'limit': 1, 'period': { 'kind': 'trace' } } ] }
        """);
    try (UsageLog log = UsageLog.capture()) {
      Budgets budgets = Budgets.builder(CATALOG).addConfig(p).build();
      Budgets.builder(CATALOG).addConfig(p).build(); // read again: no second warning
      assertThat(budgets.budgets()).extracting(Budget::period).containsExactly(Period.perCall(), Period.perTrace());
      assertThat(log.warnings()).extracting(r -> r.getMessage()).containsExactly(
          p + ": budgets[0] (calls): budget period \"per_call\" is deprecated; use \"per-call\"",
          p + ": budgets[1] (tickets): budget period \"trace\" is deprecated; use \"per-trace\"");
    }
  }

  @Test
  void budgetRules_areBudgetSpecs_withTheFilesFieldNames() throws IOException {
    String base = "{ 'name': 'b', 'unit': 'usd', 'limit': 1, ";
    assertInvalid(withSecond(base + "'period': { 'zone': 'UTC' } }"),
        "budgets[1] (b)", "period.kind", "is required: per-call, per-trace, rolling, day, week or month");
    assertInvalid(withSecond(base + "'period': { 'kind': 'day', 'zone': 'UTC', 'window': 'PT1H' } }"),
        "budgets[1] (b)", "period.window", "does not apply to a day period");
    assertInvalid(withSecond(base + "'period': { 'kind': 'rolling' } }"),
        "budgets[1] (b)", "period.window", "is required for a rolling period");
    assertInvalid(withSecond(base + "'period': { 'kind': 'per-call' }, 'thresholds': [ "
        + "{ 'percent': 50, 'action': 'alert' }, { 'percent': 50, 'action': 'alert' } ] }"),
        "budgets[1] (b)", "thresholds", "threshold repeated: ALERT at 50%");
    assertInvalid(withSecond(base + "'period': { 'kind': 'per-call' }, 'approvalAbove': -1 }"),
        "budgets[1] (b)", "approvalAbove", "approvalAbove < 0: -1");
    assertInvalid(withSecond(
        "{ 'name': 'b', 'unit': 'tokens', 'limit': 10, 'period': { 'kind': 'per-call' }, 'approvalAbove': 2.5 }"),
        "budgets[1] (b)", "approvalAbove", "must be a whole number of tokens: 2.5");
    assertInvalid(withSecond("{ 'name': ' ', 'unit': 'usd', 'limit': 1, 'period': { 'kind': 'per-call' } }"),
        "budgets[1]", "name", "name is blank");
  }

  @Test
  void reservationSettings_areRead() throws IOException {
    Budgets budgets = Budgets.builder(CATALOG).addConfig(write("""
        { 'budgets': [ { 'name': 'b', 'unit': 'tokens', 'limit': 100000, 'period': { 'kind': 'month', 'zone': 'UTC' },
                         'maxReservationPercent': 2.5 } ],
          'outputReserve': { 'tokens': 2000, 'models': { 'gpt-4o': 1000 } } }
        """)).build();

    assertThat(budgets.budgets().get(0).maxReservationPercent()).isEqualByComparingTo("2.5");
    // gpt-4o: 10 input + its own reserve of 1,000 = 1,010 tokens; any other model: 10 + 2,000 = 2,010, capped at
    // 2.5% of 100,000 = 2,500, so uncapped.
    budgets.admit(CallRequest.builder("openai", "gpt-4o").estimatedInputTokens(10).build());
    assertThat(budgets.status("b", "global").reserved()).isEqualTo(1_010);
    budgets.admit(CallRequest.builder("openai", "other").estimatedInputTokens(10).build());
    assertThat(budgets.status("b", "global").reserved()).isEqualTo(1_010 + 2_010);
  }

  @Test
  void reservationSettings_invalid_nameTheField() throws IOException {
    String base = "{ 'name': 'b', 'unit': 'usd', 'limit': 1, 'period': { 'kind': 'per-call' }, ";
    assertInvalid(withSecond(base + "'maxReservationPercent': 0 }"),
        "budgets[1] (b)", "maxReservationPercent", "not in (0, 100]: 0");
    assertInvalid(withSecond(base + "'maxReservationPercent': 'lots' }"),
        "budgets[1] (b)", "maxReservationPercent", "is not a decimal: lots");
    assertInvalid("{ 'outputReserve': { 'tokens': 0 } }", "outputReserve", "tokens", "must be at least 1 token: 0");
    assertInvalid("{ 'outputReserve': { 'models': { 'gpt-4o': 2.5 } } }",
        "outputReserve", "models.gpt-4o", "must be a whole number of tokens: 2.5");
    assertInvalid("{ 'outputReserve': { 'models': { 'gpt-4o': -1 } } }",
        "outputReserve", "models.gpt-4o", "must be at least 1 token: -1");
    assertInvalid("{ 'outputReserve': { 'size': 1 } }", "outputReserve", "size", "unknown field");
  }

  @Test
  void fileProblems_areTheProblemsOfBudgetSpec() throws IOException {
    // The file names the place and the field its own way; the problem is BudgetSpec's, word for word.
    assertSameProblem("'scope': 'tenant', 'unit': 'usd', 'limit': 1, 'period': { 'kind': 'per-call' }",
        s -> s.scope("tenant").limitUsd(BigDecimal.ONE).period("per-call"));
    assertSameProblem("'unit': 'usd', 'limit': -2, 'period': { 'kind': 'per-call' }",
        s -> s.limitUsd(new BigDecimal("-2")).period("per-call"));
    assertSameProblem("'unit': 'tokens', 'limit': 1.5, 'period': { 'kind': 'per-call' }",
        s -> s.limitTokens(new BigDecimal("1.5")).period("per-call"));
    assertSameProblem("'unit': 'usd', 'limit': 1, 'period': { 'kind': 'fortnight' }",
        s -> s.limitUsd(BigDecimal.ONE).period("fortnight"));
    assertSameProblem("'unit': 'usd', 'limit': 1, 'period': { 'kind': 'per-call', 'zone': 'UTC' }",
        s -> s.limitUsd(BigDecimal.ONE).period("per-call").zone(ZoneId.of("UTC")));
    assertSameProblem("'unit': 'usd', 'limit': 1, 'period': { 'kind': 'rolling', 'window': 'PT0.1S' }",
        s -> s.limitUsd(BigDecimal.ONE).period("rolling").window(Duration.ofMillis(100)));
    assertSameProblem("'unit': 'usd', 'limit': 1, 'period': { 'kind': 'per-call' }, "
        + "'thresholds': [ { 'percent': 101, 'action': 'block' } ]",
        s -> s.limitUsd(BigDecimal.ONE).period("per-call").threshold(BigDecimal.valueOf(101), Action.BLOCK));
    assertSameProblem("'unit': 'usd', 'limit': 1, 'period': { 'kind': 'per-call' }, 'maxReservationPercent': 100.5",
        s -> s.limitUsd(BigDecimal.ONE).period("per-call").maxReservationPercent(new BigDecimal("100.5")));
  }

  private void assertSameProblem(String fileFields, UnaryOperator<BudgetSpec> spec) throws IOException {
    Path p = write("{ 'budgets': [ { 'name': 'x', " + fileFields + " } ] }");
    BudgetConfigException fromFile = catchThrowableOfType(
        BudgetConfigException.class, () -> Budgets.builder(CATALOG).addConfig(p));
    BudgetConfigException fromSpec = catchThrowableOfType(
        BudgetConfigException.class, () -> spec.apply(BudgetSpec.named("x")).toBudget());
    assertThat(fromFile).as(fileFields).isNotNull();
    assertThat(fromSpec).as(fileFields).isNotNull();
    assertThat(fromFile.problem()).isEqualTo(fromSpec.problem());
    assertThat(fromFile.getMessage())
        .isEqualTo(p + ": budgets[0] (x): " + fromFile.field() + ": " + fromSpec.problem());
  }
}
