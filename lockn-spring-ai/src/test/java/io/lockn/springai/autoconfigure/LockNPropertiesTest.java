package io.lockn.springai.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Invalid {@code lockn.*} values fail start-up, and the failure names the property. */
class LockNPropertiesTest {

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(LockNAutoConfiguration.class));

  private static final String B = "lockn.budgets.items[0].";

  static Stream<Arguments> invalid() {
    return Stream.of(
        bad("lockn.budgets.items[0].limit-usd", "must not be negative",
            B + "name=a", B + "limit-usd=-5", B + "period=day"),
        bad("lockn.budgets.items[0].limit-usd", "finer than a nano-dollar",
            B + "name=a", B + "limit-usd=0.0000000001", B + "period=day"),
        bad("lockn.budgets.items[0].limit-usd", "a limit is required", B + "name=a", B + "period=day"),
        bad("lockn.budgets.items[0].limit-tokens", "not both",
            B + "name=a", B + "limit-usd=1", B + "limit-tokens=5", B + "period=day"),
        bad("lockn.budgets.items[0].limit-tokens", "must not be negative",
            B + "name=a", B + "limit-tokens=-1", B + "period=day"),
        bad("lockn.budgets.items[0].period", "unknown period fortnight",
            B + "name=a", B + "limit-usd=1", B + "period=fortnight"),
        bad("lockn.budgets.items[0].period", "is required", B + "name=a", B + "limit-usd=1"),
        bad("lockn.budgets.items[0].scope", "must be global, each KEY",
            B + "name=a", B + "limit-usd=1", B + "period=day", B + "scope=tenant"),
        bad("lockn.budgets.items[0].scope", "must be global, each KEY",
            B + "name=a", B + "limit-usd=1", B + "period=day", B + "scope=tenant="),
        bad("lockn.budgets.items[0].block-at", "(0, 100]",
            B + "name=a", B + "limit-usd=1", B + "period=day", B + "block-at=150"),
        bad("lockn.budgets.items[0].throttle-at", "(0, 100]",
            B + "name=a", B + "limit-usd=1", B + "period=day", B + "throttle-at=0"),
        bad("lockn.budgets.items[0].alert-at[1]", "(0, 100]",
            B + "name=a", B + "limit-usd=1", B + "period=day", B + "alert-at=50,101"),
        bad("lockn.budgets.items[0].alert-at[1]", "repeats 50",
            B + "name=a", B + "limit-usd=1", B + "period=day", B + "alert-at=50,50"),
        bad("lockn.budgets.items[0].window", "is required for a rolling period",
            B + "name=a", B + "limit-usd=1", B + "period=rolling"),
        bad("lockn.budgets.items[0].window", "multiple of 60 ms",
            B + "name=a", B + "limit-usd=1", B + "period=rolling", B + "window=100ms"),
        bad("lockn.budgets.items[0].window", "applies only to rolling",
            B + "name=a", B + "limit-usd=1", B + "period=day", B + "window=1h"),
        bad("lockn.budgets.items[0].zone", "applies only to day, week and month",
            B + "name=a", B + "limit-usd=1", B + "period=per-call", B + "zone=UTC"),
        bad("lockn.budgets.items[0].idle", "applies only to per-trace",
            B + "name=a", B + "limit-usd=1", B + "period=day", B + "idle=1h"),
        bad("lockn.budgets.items[0].name", "must not be blank", B + "limit-usd=1", B + "period=day"),
        bad("lockn.budgets.items[1].name", "repeats the name",
            B + "name=a", B + "limit-usd=1", B + "period=day",
            "lockn.budgets.items[1].name=a", "lockn.budgets.items[1].limit-usd=1",
            "lockn.budgets.items[1].period=week"),
        // Values the binder cannot convert are named by Spring Boot itself.
        bad("lockn.budgets.items[0].limit-usd", "Failed to bind",
            B + "name=a", B + "limit-usd=lots", B + "period=day"),
        bad("lockn.budgets.items[0].zone", "Failed to bind",
            B + "name=a", B + "limit-usd=1", B + "period=day", B + "zone=Mars/Olympus"),
        bad("lockn.budgets.downgrades[gpt-4o]", "downgrades to itself", "lockn.budgets.downgrades[gpt-4o]=gpt-4o"),
        bad("lockn.budgets.file", "no such readable file", "lockn.budgets.file=/nonexistent/budgets.json"),
        bad("lockn.pricing.discounts[openai]", "percent from 0 to 100", "lockn.pricing.discounts.openai=150"),
        bad("lockn.pricing.discounts[/gpt-4o]", "provider or provider/model", "lockn.pricing.discounts[/gpt-4o]=10"),
        bad("lockn.pricing.files[0]", "no such price file", "lockn.pricing.files=classpath:nope/prices.json"),
        bad("lockn.pricing.aliases[prod].model", "must not be blank",
            "lockn.pricing.aliases[prod].provider=azure.ai.openai"),
        bad("lockn.pricing.metric.attribution-keys[0]", "must not be blank",
            "lockn.pricing.metric.attribution-keys[0]= "),
        bad("lockn.attribution.tenant", "must not be blank", "lockn.attribution.tenant= "),
        bad("lockn.attribution.max-value-length", "at least 1", "lockn.attribution.max-value-length=0"),
        bad("lockn.content-capture.max-length", "at least 16", "lockn.content-capture.max-length=8"),
        bad("lockn.ledger.bucket", "positive whole number", "lockn.ledger.bucket=0s"),
        bad("lockn.ledger.retention", "at least the bucket size", "lockn.ledger.retention=10s",
            "lockn.ledger.bucket=1m"),
        bad("lockn.ledger.retention", "at most 1,000,000", "lockn.ledger.retention=365d",
            "lockn.ledger.bucket=1ms"),
        bad("lockn.experiment.unit-key", "must not be blank", "lockn.experiment.unit-key= "));
  }

  private static Arguments bad(String property, String problem, String... values) {
    return Arguments.of(property, problem, values);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("invalid")
  void invalidValue_failsStartupNamingTheProperty(String property, String problem, String[] values) {
    assertStartupFails(values, property, problem);
  }

  @Test
  void invalidPriceFileContent_failsStartupNamingTheProperty(@TempDir Path dir) throws Exception {
    Path file = write(dir.resolve("prices.json"), "{\"schema_version\": 1, \"models\": [{\"provider\": \"acme\"}]}");
    assertStartupFails(new String[] {"lockn.pricing.files[0]=file:" + file}, "lockn.pricing.files[0]", "prices.json");
  }

  @Test
  void invalidBudgetFileContent_failsStartupNamingTheProperty(@TempDir Path dir) throws Exception {
    Path file = write(dir.resolve("budgets.json"),
        "{\"budgets\": [{\"name\": \"x\", \"unit\": \"usd\", \"limit\": -1, \"period\": {\"kind\": \"per_call\"}}]}");
    assertStartupFails(new String[] {"lockn.budgets.file=" + file}, "lockn.budgets.file", "limit");
  }

  @Test
  void fileBudgetNamedLikeAnItem_failsStartupNamingTheItem(@TempDir Path dir) throws Exception {
    Path file = write(dir.resolve("budgets.json"),
        "{\"budgets\": [{\"name\": \"a\", \"unit\": \"tokens\", \"limit\": 5, \"period\": {\"kind\": \"per_call\"}}]}");
    assertStartupFails(new String[] {"lockn.budgets.file=" + file, B + "name=a", B + "limit-usd=1", B + "period=day"},
        "lockn.budgets.items[0]", "already");
  }

  private void assertStartupFails(String[] values, String... fragments) {
    runner.withPropertyValues(values).run(ctx -> {
      assertThat(ctx).hasFailed();
      assertThat(messages(ctx.getStartupFailure())).contains(fragments);
    });
  }

  private static Path write(Path file, String content) throws Exception {
    return Files.writeString(file, content);
  }

  @Test
  void validValues_start() {
    runner.withPropertyValues(B + "name=a", B + "limit-usd=12.50", B + "period=month", B + "zone=Europe/Paris",
            B + "scope=app.tenant_id=acme", B + "alert-at=50,80", B + "throttle-at=90", B + "block-at=100",
            "lockn.pricing.discounts.anthropic=12.5", "lockn.budgets.downgrades[gpt-4o]=gpt-4o-mini")
        .run(ctx -> assertThat(ctx).hasNotFailed());
  }

  @Test
  void propertyName_isTheDashedForm() {
    assertThat(LockNProperties.propertyName("budgets.items[0].limitUsd"))
        .isEqualTo("lockn.budgets.items[0].limit-usd");
    assertThat(LockNProperties.propertyName("pricing.discounts[openai/gpt-4o]"))
        .isEqualTo("lockn.pricing.discounts[openai/gpt-4o]");
  }

  /** Every message of a failure and its causes. */
  static String messages(Throwable failure) {
    List<String> all = new ArrayList<>();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      all.add(String.valueOf(t.getMessage()));
    }
    return String.join("\n", all);
  }
}
