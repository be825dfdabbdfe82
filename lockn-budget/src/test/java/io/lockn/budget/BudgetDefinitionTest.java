package io.lockn.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lockn.pricing.PriceCatalog;
import java.math.BigDecimal;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Invalid budget definitions fail at configuration time, naming the field. */
class BudgetDefinitionTest {

  @Test
  void limitUsd_negative_namesLimit() {
    assertThatThrownBy(() -> Budget.builder("b").limitUsd(new BigDecimal("-1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("limit < 0");
    assertThatThrownBy(() -> Budget.builder("b").limitTokens(-1)).hasMessageContaining("limit < 0");
  }

  @Test
  void limitUsd_finerThanNano_orNotDecimal_namesLimit() {
    assertThatThrownBy(() -> Budget.builder("b").limitUsd(new BigDecimal("0.0000000001")))
        .hasMessageContaining("limit");
    assertThatThrownBy(() -> Budget.builder("b").limitUsd("ten")).hasMessageContaining("limit is not a decimal");
  }

  @Test
  void limitUsd_exactNanos() {
    Budget b = Budget.builder("b").limitUsd("100.000000001").period(Period.perCall()).build();
    assertThat(b.limit()).isEqualTo(100_000_000_001L);
    assertThat(b.unit()).isEqualTo(BudgetUnit.USD);
  }

  @Test
  void missingPeriodOrLimit_namesField() {
    assertThatThrownBy(() -> Budget.builder("b").limitUsd("1").build()).hasMessageContaining("period");
    assertThatThrownBy(() -> Budget.builder("b").period(Period.perCall()).build()).hasMessageContaining("limit");
    assertThatThrownBy(() -> Budget.builder("b").limitUsd("1").limitTokens(5)).hasMessageContaining("limit");
  }

  @Test
  void badThreshold_namesThreshold() {
    assertThatThrownBy(() -> Budget.builder("b").alertAt(0)).hasMessageContaining("threshold percent");
    assertThatThrownBy(() -> Budget.builder("b").blockAt(101)).hasMessageContaining("threshold percent");
    assertThatThrownBy(() -> Budget.builder("b").limitUsd("1").period(Period.perCall()).alertAt(50).alertAt(50)
        .build()).hasMessageContaining("threshold repeated");
  }

  @Test
  void badNameScopeOrZone_namesField() {
    assertThatThrownBy(() -> Budget.builder(" ")).hasMessageContaining("name");
    assertThatThrownBy(() -> Scope.attribute("app.tenant_id", "")).hasMessageContaining("scope value");
    assertThatThrownBy(() -> Scope.each(" ")).hasMessageContaining("scope key");
    assertThatThrownBy(() -> Period.month(ZoneOffset.of("+99:00"))).isInstanceOf(java.time.DateTimeException.class);
  }

  @Test
  void noThresholds_blocksAtLimit_andThresholdAmountsAreExact() {
    Budget b = Budget.builder("b").limitUsd("0.000000009").period(Period.perCall()).build();
    assertThat(b.thresholds()).containsExactly(Threshold.of(100, Action.BLOCK));
    assertThat(b.blockAt()).isEqualTo(9);
    assertThat(Threshold.of(50, Action.ALERT).amountOf(9)).isEqualTo(4);
    Budget alertOnly = Budget.builder("a").limitTokens(10).period(Period.perCall()).alertAt(50).build();
    assertThat(alertOnly.blockAt()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void duplicateBudgetName_orNoBudget_failsNamingField() {
    Budget b = Budget.builder("b").limitTokens(1).period(Period.perCall()).build();
    assertThatThrownBy(() -> Budgets.builder(PriceCatalog.builder().build()).addBudget(b).addBudget(b))
        .hasMessageContaining("name");
    assertThatThrownBy(() -> Budgets.builder(PriceCatalog.builder().build()).build())
        .hasMessageContaining("budgets");
    assertThatThrownBy(() -> Budgets.builder(PriceCatalog.builder().build()).addDowngrade("m", "m"))
        .hasMessageContaining("downgrade");
  }
}
