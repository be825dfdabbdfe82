package io.lockn.springai.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockn.budget.Budget;
import io.lockn.budget.Budgets;
import io.lockn.budget.Period;
import io.lockn.budget.Scope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Budgets from {@code lockn.budgets.items} go through lockn-budget's {@code BudgetSpec}, as a budget file does: the
 * same mistake fails start-up with the same message, only the place differs.
 */
class BudgetsFromPropertiesTest {

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(LockNAutoConfiguration.class));

  private static final String B = "lockn.budgets.items[0].";

  @TempDir Path dir;

  /**
   * One mistake, written as a budget file's budget {@code a} and as the item {@code lockn.budgets.items[0]}: the field
   * the file names, the item's property, and the problem both must report.
   */
  static Stream<Arguments> sameMistake() {
    return Stream.of(
        mistake("bad scope",
            "'scope': 'tenant', 'unit': 'usd', 'limit': 1, 'period': {'kind': 'day', 'zone': 'UTC'}", "scope",
            "scope", "invalid scope \"tenant\": must be global, each KEY or KEY=VALUE, where KEY is an attribution "
                + "key, agent or model",
            B + "scope=tenant", B + "limit-usd=1", B + "period=day"),
        mistake("blank scope value",
            "'scope': 'agent=', 'unit': 'usd', 'limit': 1, 'period': {'kind': 'day', 'zone': 'UTC'}", "scope",
            "scope", "invalid scope \"agent=\" (scope agent is blank): must be global, each KEY or KEY=VALUE, where "
                + "KEY is an attribution key, agent or model",
            B + "scope=agent=", B + "limit-usd=1", B + "period=day"),
        mistake("unknown period",
            "'unit': 'usd', 'limit': 1, 'period': {'kind': 'fortnight'}", "period.kind",
            "period", "unknown period \"fortnight\" (per-call, per-trace, rolling, day, week or month)",
            B + "limit-usd=1", B + "period=fortnight"),
        mistake("no period kind",
            "'unit': 'usd', 'limit': 1, 'period': {}", "period.kind",
            "period", "is required: per-call, per-trace, rolling, day, week or month",
            B + "limit-usd=1"),
        mistake("zone on a per-call period",
            "'unit': 'usd', 'limit': 1, 'period': {'kind': 'per-call', 'zone': 'UTC'}", "period.zone",
            "zone", "does not apply to a per-call period",
            B + "limit-usd=1", B + "period=per-call", B + "zone=UTC"),
        mistake("window too short",
            "'unit': 'usd', 'limit': 1, 'period': {'kind': 'rolling', 'window': 'PT0.1S'}", "period.window",
            "window", "period window must be a positive multiple of 60 ms: PT0.1S",
            B + "limit-usd=1", B + "period=rolling", B + "window=100ms"),
        mistake("no window",
            "'unit': 'usd', 'limit': 1, 'period': {'kind': 'rolling'}", "period.window",
            "window", "is required for a rolling period",
            B + "limit-usd=1", B + "period=rolling"),
        mistake("zero idle, old spelling in the file",
            "'unit': 'usd', 'limit': 1, 'period': {'kind': 'trace', 'idle': 'PT0S'}", "period.idle",
            "idle", "period idle must be a positive whole number of ms: PT0S",
            B + "limit-usd=1", B + "period=per-trace", B + "idle=0s"),
        mistake("negative USD limit",
            "'unit': 'usd', 'limit': -1.5, 'period': {'kind': 'per-call'}", "limit",
            "limit-usd", "limit < 0: -1.5",
            B + "limit-usd=-1.5", B + "period=per-call"),
        mistake("sub-nano USD limit",
            "'unit': 'usd', 'limit': 0.0000000001, 'period': {'kind': 'per-call'}", "limit",
            "limit-usd", "limit is finer than a nano-USD or too large: 0.0000000001",
            B + "limit-usd=0.0000000001", B + "period=per-call"),
        mistake("negative token limit",
            "'unit': 'tokens', 'limit': -1, 'period': {'kind': 'per-call'}", "limit",
            "limit-tokens", "limit < 0: -1",
            B + "limit-tokens=-1", B + "period=per-call"),
        mistake("block threshold above 100%",
            "'unit': 'usd', 'limit': 1, 'period': {'kind': 'per-call'}, "
                + "'thresholds': [{'percent': 50, 'action': 'alert'}, {'percent': 150, 'action': 'block'}]",
            "thresholds[1].percent",
            "block-at", "threshold percent not in (0, 100]: 150",
            B + "limit-usd=1", B + "period=per-call", B + "alert-at=50", B + "block-at=150"),
        mistake("repeated alert",
            "'unit': 'usd', 'limit': 1, 'period': {'kind': 'per-call'}, 'thresholds': [{'percent': 50, 'action': "
                + "'alert'}, {'percent': 50, 'action': 'alert'}, {'percent': 100, 'action': 'block'}]",
            "thresholds",
            "alert-at", "threshold repeated: ALERT at 50%",
            B + "limit-usd=1", B + "period=per-call", B + "alert-at=50,50"),
        mistake("reservation cap above 100%",
            "'unit': 'usd', 'limit': 1, 'period': {'kind': 'per-call'}, 'maxReservationPercent': 150",
            "maxReservationPercent",
            "max-reservation-percent", "not in (0, 100]: 150",
            B + "limit-usd=1", B + "period=per-call", B + "max-reservation-percent=150"));
  }

  private static Arguments mistake(
      String what, String fileFields, String fileField, String property, String problem, String... properties) {
    return Arguments.of(what, fileFields, fileField, property, problem, properties);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sameMistake")
  void sameMistake_sameMessage_inTheFileAndInTheProperties(
      String what, String fileFields, String fileField, String property, String problem, String[] properties)
      throws Exception {
    Path file = Files.writeString(dir.resolve("budgets.json"),
        ("{'budgets': [{'name': 'a', " + fileFields + "}]}").replace('\'', '"'));
    InvalidConfigurationPropertyValueException fromFile = startupFailure("lockn.budgets.file=" + file);
    assertThat(fromFile.getName()).isEqualTo("lockn.budgets.file");
    assertThat(fromFile.getReason()).isEqualTo(file + ": budgets[0] (a): " + fileField + ": " + problem);

    List<String> values = new ArrayList<>(List.of(properties));
    values.add(B + "name=a");
    InvalidConfigurationPropertyValueException fromProperties = startupFailure(values.toArray(String[]::new));
    assertThat(fromProperties.getName()).isEqualTo(B + property);
    assertThat(fromProperties.getReason()).isEqualTo(problem);
  }

  private InvalidConfigurationPropertyValueException startupFailure(String... values) {
    List<InvalidConfigurationPropertyValueException> found = new ArrayList<>();
    runner.withPropertyValues(values).run(ctx -> {
      assertThat(ctx).hasFailed();
      for (Throwable t = ctx.getStartupFailure(); t != null; t = t.getCause()) {
        if (t instanceof InvalidConfigurationPropertyValueException e) {
          found.add(e);
        }
      }
    });
    assertThat(found).as("an InvalidConfigurationPropertyValueException among the causes").hasSize(1);
    return found.get(0);
  }

  @Test
  void everyPeriodKind_andTheOldSpellings() {
    runner.withPropertyValues(
            "lockn.budgets.items[0].name=c", "lockn.budgets.items[0].limit-usd=1",
            "lockn.budgets.items[0].period=per-call",
            "lockn.budgets.items[1].name=t", "lockn.budgets.items[1].limit-usd=1",
            "lockn.budgets.items[1].period=per-trace", "lockn.budgets.items[1].idle=5m",
            "lockn.budgets.items[2].name=r", "lockn.budgets.items[2].limit-usd=1",
            "lockn.budgets.items[2].period=rolling", "lockn.budgets.items[2].window=1h",
            "lockn.budgets.items[3].name=d", "lockn.budgets.items[3].limit-usd=1",
            "lockn.budgets.items[3].period=Day", "lockn.budgets.items[3].zone=Europe/Paris",
            "lockn.budgets.items[4].name=w", "lockn.budgets.items[4].limit-usd=1",
            "lockn.budgets.items[4].period=week",
            "lockn.budgets.items[5].name=m", "lockn.budgets.items[5].limit-usd=1",
            "lockn.budgets.items[5].period=month",
            // The budget files' old spellings are read here too (with a deprecation warning).
            "lockn.budgets.items[6].name=old-call", "lockn.budgets.items[6].limit-usd=1",
            "lockn.budgets.items[6].period=per_call",
            "lockn.budgets.items[7].name=old-trace", "lockn.budgets.items[7].limit-usd=1",
            "lockn.budgets.items[7].period=trace", "lockn.budgets.items[7].idle=2m")
        .run(ctx -> {
          assertThat(ctx).hasNotFailed();
          assertThat(ctx.getBean(Budgets.class).budgets()).extracting(Budget::period).containsExactly(
              Period.perCall(), Period.perTrace(Duration.ofMinutes(5)), Period.rolling(Duration.ofHours(1)),
              Period.day(ZoneId.of("Europe/Paris")),
              // A calendar period without a zone is in UTC: the properties' default.
              Period.week(ZoneOffset.UTC), Period.month(ZoneOffset.UTC),
              Period.perCall(), Period.perTrace(Duration.ofMinutes(2)));
        });
  }

  @Test
  void reservationSettings_reachTheBudgets() {
    runner.withPropertyValues(B + "name=t", B + "scope=each app.tenant_id", B + "limit-tokens=100000",
            B + "period=day", B + "max-reservation-percent=2.5",
            "lockn.budgets.output-reserve.tokens=2000", "lockn.budgets.output-reserve.models[gpt-4o]=1000")
        .run(ctx -> {
          assertThat(ctx).hasNotFailed();
          Budgets budgets = ctx.getBean(Budgets.class);
          assertThat(budgets.budgets().get(0).maxReservationPercent()).isEqualByComparingTo("2.5");
          // gpt-4o: 10 input + its reserve of 1,000; another model 10 + 2,000; both below the cap, 2.5% of 100,000.
          budgets.admit(io.lockn.core.spi.CallRequest.builder("openai", "gpt-4o").estimatedInputTokens(10)
              .attribution(java.util.Map.of("app.tenant_id", "acme")).build());
          budgets.admit(io.lockn.core.spi.CallRequest.builder("openai", "other").estimatedInputTokens(10)
              .attribution(java.util.Map.of("app.tenant_id", "acme")).build());
          assertThat(budgets.status("t", "app.tenant_id=acme").reserved()).isEqualTo(1_010 + 2_010);
        });
  }

  @Test
  void outputReserve_invalid_failsNamingTheProperty() {
    InvalidConfigurationPropertyValueException tokens = startupFailure(B + "name=t", B + "limit-usd=1",
        B + "period=day", "lockn.budgets.output-reserve.tokens=0");
    assertThat(tokens.getName()).isEqualTo("lockn.budgets.output-reserve.tokens");
    assertThat(tokens.getReason()).isEqualTo("must be at least 1 token: 0");
    InvalidConfigurationPropertyValueException model = startupFailure(B + "name=t", B + "limit-usd=1",
        B + "period=day", "lockn.budgets.output-reserve.models[gpt-4o]=-3");
    assertThat(model.getName()).isEqualTo("lockn.budgets.output-reserve.models[gpt-4o]");
    assertThat(model.getReason()).isEqualTo("must be at least 1 token: -3");
  }

  @Test
  void scopes_areScopeParse() {
    String[] scopes = {"global", "each app.tenant_id", " app.plan = gold ", "agent=triage", "each agent",
        "model=gpt-4o", "each model"};
    List<String> values = new ArrayList<>();
    for (int i = 0; i < scopes.length; i++) {
      String item = "lockn.budgets.items[" + i + "].";
      values.addAll(List.of(item + "name=b" + i, item + "scope=" + scopes[i], item + "limit-tokens=10",
          item + "period=per-call"));
    }
    runner.withPropertyValues(values.toArray(String[]::new)).run(ctx -> {
      assertThat(ctx).hasNotFailed();
      assertThat(ctx.getBean(Budgets.class).budgets()).extracting(Budget::scope).containsExactly(Scope.global(),
          Scope.each("app.tenant_id"), Scope.attribute("app.plan", "gold"), Scope.agent("triage"),
          Scope.eachAgent(), Scope.model("gpt-4o"), Scope.eachModel());
    });
  }
}
