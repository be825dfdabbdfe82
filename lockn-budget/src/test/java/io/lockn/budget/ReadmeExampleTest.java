package io.lockn.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lockn.core.BudgetExceededException;
import io.lockn.core.LlmCall;
import io.lockn.core.LockN;
import io.lockn.core.TokenUsage;
import io.lockn.pricing.PriceCatalog;
import io.opentelemetry.api.OpenTelemetry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The budget examples of docs/budgets.md, run. The builder between the markers is the page's first code block
 * verbatim (lockn-examples' {@code DocsTest} checks that the page still shows it), and the budget file and its error
 * message are the page's, so that the documentation cannot drift from the API.
 */
class ReadmeExampleTest {

  @Test
  void readmeExample_throttlesThenBlocks() {
    // BEGIN docs snippet: docs/budgets.md
    Budgets budgets = Budgets.builder(PriceCatalog.bundled())
        .addBudget(Budget.builder("tenant-monthly")
            .scope(Scope.each("app.tenant_id")).limitUsd("100").period(Period.month(ZoneId.of("Europe/Paris")))
            .alertAt(80).throttleAt(95).blockAt(100)
            .build())
        .addDowngrade("gpt-4o", "gpt-4o-mini")
        .build();
    // END docs snippet: docs/budgets.md
    LockN lockn = LockN.builder().setOpenTelemetry(OpenTelemetry.noop()).setCallAdmission(budgets).build();

    lockn.attribution().tenant("acme").run(() -> {
      try (LlmCall call = lockn.chat("openai", "gpt-4o").estimatedInputTokens(1200).maxTokens(512).start()) {
        assertThat(call.admittedModel()).isEqualTo("gpt-4o");
        call.recordUsage(TokenUsage.of(1200, 512));
      }
      // 50M input tokens of gpt-4o ($125) would cross 95% of $100: throttled to gpt-4o-mini ($7.50) instead.
      try (LlmCall call = lockn.chat("openai", "gpt-4o").estimatedInputTokens(50_000_000).maxTokens(512).start()) {
        assertThat(call.admittedModel()).isEqualTo("gpt-4o-mini");
      }
      // A model without a cheaper fallback whose estimate exceeds the limit is blocked before the call.
      assertThatThrownBy(() -> lockn.chat("openai", "o1").estimatedInputTokens(10_000_000).maxTokens(512).start())
          .isInstanceOf(BudgetExceededException.class);
    });
  }

  @Test
  void readmeBudgetFile_loads_andItsErrorExampleIsTheMessage(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("budgets.json"), """
        {"budgets": [{"name": "tenant-monthly", "scope": "each app.tenant_id", "unit": "usd", "limit": 100,
                      "period": {"kind": "month", "zone": "Europe/Paris"},
                      "thresholds": [{"percent": 80, "action": "alert"}, {"percent": 100, "action": "block"}]}],
         "downgrades": {"gpt-4o": "gpt-4o-mini"}}
        """);
    Budget b = Budgets.builder(PriceCatalog.bundled()).addConfig(file).build().budgets().get(0);
    assertThat(b.scope()).isEqualTo(Scope.each("app.tenant_id"));
    assertThat(b.period()).isEqualTo(Period.month(ZoneId.of("Europe/Paris")));
    assertThat(b.thresholds()).containsExactly(Threshold.of(80, Action.ALERT), Threshold.of(100, Action.BLOCK));

    Files.writeString(file, Files.readString(file).replace("\"month\", \"zone\": \"Europe/Paris\"", "\"fortnight\""));
    assertThatThrownBy(() -> Budgets.builder(PriceCatalog.bundled()).addConfig(file)).hasMessage(file
        + ": budgets[0] (tenant-monthly): period.kind: unknown period \"fortnight\" (per-call, per-trace, rolling, "
        + "day, week or month)");
  }
}
