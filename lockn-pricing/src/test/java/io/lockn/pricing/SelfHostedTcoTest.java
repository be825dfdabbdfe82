package io.lockn.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lockn.core.TokenUsage;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SelfHostedTcoTest {

  private static final Instant NOW = Instant.parse("2026-11-01T00:00:00Z");

  private static SelfHostedTco rented() {
    return SelfHostedTco.builder()
        .gpuRental(new BigDecimal("2.49"), 1)
        .power(new BigDecimal("700"), new BigDecimal("0.15"), new BigDecimal("1.3"))
        .staffPerMonth(new BigDecimal("1500"))
        .throughput(new BigDecimal("12000"), new BigDecimal("1800"))
        .utilization(new BigDecimal("0.6"))
        .build();
  }

  @Test
  void rental_hourlyCostAndPerMillionPrices() {
    SelfHostedTco tco = rented();
    // 2.49 GPU + 0.7 kW x 1.3 PUE x $0.15 + $1,500 / 730 h
    assertThat(tco.hourlyCost()).isEqualByComparingTo("4.681294520547945205479452054794521");
    // 4.6812945... x 1e6 / (12,000 x 3600 x 0.6) and / (1,800 x 3600 x 0.6), HALF_EVEN to 1e-6
    assertThat(tco.usdPerMillionInputTokens()).isEqualTo(new BigDecimal("0.180605"));
    assertThat(tco.usdPerMillionOutputTokens()).isEqualTo(new BigDecimal("1.204037"));
  }

  @Test
  void purchase_amortisedLinearly() {
    SelfHostedTco tco = SelfHostedTco.builder()
        .gpuPurchase(new BigDecimal("30000"), 3, 2)
        .throughput(new BigDecimal("5000"), new BigDecimal("500"))
        .build();
    // 2 x $30,000 over 3 x 8,760 h
    assertThat(tco.hourlyCost()).isEqualByComparingTo("2.283105022831050228310502283105023");
    assertThat(tco.usdPerMillionInputTokens()).isEqualTo(new BigDecimal("0.126839"));
  }

  @Test
  void registeredModel_isPricedAndComparedWithApiModels() {
    PriceCatalog catalog = PriceCatalog.builder().addAll(PriceCatalog.bundled())
        .add(rented().toModelPrice("vllm", "llama-3.1-8b-instruct")).build();
    TokenUsage million = TokenUsage.of(1_000_000, 1_000_000);
    Cost cost = catalog.cost("vllm", "llama-3.1-8b-instruct", million, NOW, null);
    assertThat(cost.totalUsd()).isEqualByComparingTo("1.384642");
    assertThat(cost.pricingId()).isEqualTo("vllm/llama-3.1-8b-instruct");

    List<PriceComparison.Row> rows = PriceComparison.compare(catalog, million, NOW,
        List.of("openai/gpt-4o-mini", "vllm/llama-3.1-8b-instruct", "anthropic/claude-haiku-4-5", "x/unknown"));
    assertThat(rows).extracting(PriceComparison.Row::model).containsExactly(
        "openai/gpt-4o-mini", "vllm/llama-3.1-8b-instruct", "anthropic/claude-haiku-4-5", "x/unknown");
    assertThat(rows.get(0).cost().totalUsd()).isEqualByComparingTo("0.75");
    assertThat(rows.get(3).cost().isPriced()).isFalse();
  }

  @Test
  void builder_failsFast() {
    assertThatThrownBy(() -> SelfHostedTco.builder().throughput(BigDecimal.ONE, BigDecimal.ONE).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("gpuRental");
    assertThatThrownBy(() -> SelfHostedTco.builder().gpuRental(BigDecimal.ONE, 1).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("throughput");
    assertThatThrownBy(() -> SelfHostedTco.builder().utilization(new BigDecimal("1.5")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SelfHostedTco.builder().throughput(BigDecimal.ZERO, BigDecimal.ONE))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SelfHostedTco.builder().gpuRental(BigDecimal.ONE, 1).gpuPurchase(BigDecimal.ONE, 1, 1))
        .isInstanceOf(IllegalStateException.class);
  }
}
