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
        bad("lockn.budgets.items[0].limit-usd", "limit < 0: -5",
            B + "name=a", B + "limit-usd=-5", B + "period=day"),
        bad("lockn.budgets.items[0].limit-usd", "finer than a nano-USD",
            B + "name=a", B + "limit-usd=0.0000000001", B + "period=day"),
        bad("lockn.budgets.items[0].limit-usd", "a limit is required", B + "name=a", B + "period=day"),
        bad("lockn.budgets.items[0].limit-tokens", "not both",
            B + "name=a", B + "limit-usd=1", B + "limit-tokens=5", B + "period=day"),
        bad("lockn.budgets.items[0].limit-tokens", "limit < 0: -1",
            B + "name=a", B + "limit-tokens=-1", B + "period=day"),
        bad("lockn.budgets.items[0].period", "unknown period \"fortnight\" (per-call, per-trace, rolling, day,",
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
        bad("lockn.budgets.items[0].alert-at", "threshold repeated: ALERT at 50%",
            B + "name=a", B + "limit-usd=1", B + "period=day", B + "alert-at=50,50"),
        bad("lockn.budgets.items[0].window", "is required for a rolling period",
            B + "name=a", B + "limit-usd=1", B + "period=rolling"),
        bad("lockn.budgets.items[0].window", "multiple of 60 ms",
            B + "name=a", B + "limit-usd=1", B + "period=rolling", B + "window=100ms"),
        bad("lockn.budgets.items[0].window", "does not apply to a day period",
            B + "name=a", B + "limit-usd=1", B + "period=day", B + "window=1h"),
        bad("lockn.budgets.items[0].zone", "does not apply to a per-call period",
            B + "name=a", B + "limit-usd=1", B + "period=per-call", B + "zone=UTC"),
        bad("lockn.budgets.items[0].idle", "does not apply to a day period",
            B + "name=a", B + "limit-usd=1", B + "period=day", B + "idle=1h"),
        bad("lockn.budgets.items[0].name", "is required", B + "limit-usd=1", B + "period=day"),
        bad("lockn.budgets.items[0].name", "name is blank", B + "name= ", B + "limit-usd=1", B + "period=day"),
        bad("lockn.budgets.items[1].name", "a budget named a was already added",
            B + "name=a", B + "limit-usd=1", B + "period=day",
            "lockn.budgets.items[1].name=a", "lockn.budgets.items[1].limit-usd=1",
            "lockn.budgets.items[1].period=week"),
        // Values the binder cannot convert are named by Spring Boot itself.
        bad("lockn.budgets.items[0].limit-usd", "Failed to bind",
            B + "name=a", B + "limit-usd=lots", B + "period=day"),
        bad("lockn.budgets.items[0].zone", "Failed to bind",
            B + "name=a", B + "limit-usd=1", B + "period=day", B + "zone=Mars/Olympus"),
        // Downgrades take effect only with a budget, and are checked where the budgets are built.
        bad("lockn.budgets.downgrades[gpt-4o]", "downgrades to itself", "lockn.budgets.downgrades[gpt-4o]=gpt-4o",
            B + "name=a", B + "limit-usd=1", B + "period=day"),
        bad("lockn.budgets.downgrades[gpt-4o]", "a model is blank", "lockn.budgets.downgrades[gpt-4o]=",
            B + "name=a", B + "limit-usd=1", B + "period=day"),
        bad("lockn.budgets.file", "cannot read budget configuration /nonexistent/budgets.json",
            "lockn.budgets.file=/nonexistent/budgets.json"),
        // lockn.pricing.* and lockn.attribution.*: lockn-pricing's PricingConfig rules and messages.
        bad("lockn.pricing.enabled", "must be true or false, was \"yes\"", "lockn.pricing.enabled=yes"),
        bad("lockn.pricing.fail-on-error", "must be true or false, was \"1\"", "lockn.pricing.fail-on-error=1"),
        bad("lockn.pricing.discounts[openai]", "percent from 0 to 100", "lockn.pricing.discounts.openai=150"),
        bad("lockn.pricing.discounts[openai]", "percent from 0 to 100, was \"lots\"",
            "lockn.pricing.discounts.openai=lots"),
        bad("lockn.pricing.discounts[/gpt-4o]", "provider or provider/model", "lockn.pricing.discounts[/gpt-4o]=10"),
        bad("lockn.pricing.discounts[opneai]", "no catalog entry has provider opneai",
            "lockn.pricing.discounts.opneai=10"),
        bad("lockn.pricing.catalog[0]", "cannot load classpath:nope/prices.json: no such classpath resource",
            "lockn.pricing.catalog=classpath:nope/prices.json"),
        bad("lockn.pricing.files[0]", "cannot load classpath:nope/prices.json: no such classpath resource",
            "lockn.pricing.files=classpath:nope/prices.json"),
        bad("lockn.pricing.files", "is the deprecated name of lockn.pricing.catalog, which is set too",
            "lockn.pricing.files=classpath:prices/a.json", "lockn.pricing.catalog=classpath:prices/b.json"),
        bad("lockn.pricing.litellm", "cannot load /nonexistent/litellm.json: no such file",
            "lockn.pricing.litellm=/nonexistent/litellm.json"),
        bad("lockn.pricing.aliases[prod].model", "must not be blank",
            "lockn.pricing.aliases[prod].provider=azure.ai.openai"),
        bad("lockn.pricing.aliases[prod].model", "no catalog entry for model gpt-4oo (provider azure.ai.openai)",
            "lockn.pricing.aliases[prod].provider=azure.ai.openai", "lockn.pricing.aliases[prod].model=gpt-4oo"),
        bad("lockn.pricing.metric.attribution-keys[0]", "must not be blank",
            "lockn.pricing.metric.attribution-keys[0]= "),
        bad("lockn.pricing.metric.cardinality-limit", "must be a whole number from 1 to 2147483647, was \"0\"",
            "lockn.pricing.metric.cardinality-limit=0"),
        bad("lockn.attribution.tenant", "must not be blank", "lockn.attribution.tenant= "),
        bad("lockn.attribution.extra-keys[1]", "must not be blank", "lockn.attribution.extra-keys[0]=app.env",
            "lockn.attribution.extra-keys[1]= "),
        bad("lockn.attribution.max-value-length", "must be a whole number from 1 to 2147483647, was \"0\"",
            "lockn.attribution.max-value-length=0"),
        bad("lockn.content-capture.max-length", "at least 16", "lockn.content-capture.max-length=8"),
        // CostLedger's own rules, named by the property where the ledger bean is built.
        bad("lockn.ledger.bucket", "bucket must be a positive whole number of milliseconds: PT0S",
            "lockn.ledger.bucket=0s"),
        bad("lockn.ledger.bucket", "bucket must be a positive whole number of milliseconds: PT0.0015S",
            "lockn.ledger.bucket=1500us"),
        bad("lockn.ledger.retention", "retention must be 1 to 1,000,000 buckets of PT1M: PT10S",
            "lockn.ledger.retention=10s",
            "lockn.ledger.bucket=1m"),
        bad("lockn.ledger.retention", "retention must be 1 to 1,000,000 buckets of PT0.001S: PT8760H",
            "lockn.ledger.retention=365d",
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
    assertStartupFails(new String[] {"lockn.pricing.catalog[0]=file:" + file}, "lockn.pricing.catalog[0]",
        "cannot load file:" + file + ": models[0]");
    assertStartupFails(new String[] {"lockn.pricing.files[0]=file:" + file}, "lockn.pricing.files[0]", "prices.json");
  }

  @Test
  void failOnErrorFalse_logsTheProblem_andPricesWithTheDefaults() {
    runner.withPropertyValues("lockn.pricing.fail-on-error=false", "lockn.pricing.catalog=classpath:nope.json",
            "lockn.pricing.discounts.openai=150")
        .run(ctx -> {
          assertThat(ctx).hasNotFailed();
          assertThat(ctx.getBean(io.lockn.pricing.PriceCatalog.class))
              .isSameAs(io.lockn.pricing.PriceCatalog.bundled());
        });
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
            "lockn.pricing.discounts.anthropic=12.5", "lockn.budgets.downgrades[gpt-4o]=gpt-4o-mini",
            "lockn.pricing.enabled=FALSE", "lockn.pricing.metric.cardinality-limit=5")
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
