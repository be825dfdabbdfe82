package io.lockn.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The block's fields, its message, and the period end added beside the original constructor. */
class BudgetExceededExceptionTest {

  @Test
  void originalConstructor_keepsItsMeaning_andKnowsNoPeriodEnd() {
    BudgetExceededException e = new BudgetExceededException(
        "tenant-daily", "app.tenant_id=acme", BudgetExceededException.Unit.NANO_USD, 5_000_000_000L,
        4_990_000_000L, 20_000_000L);

    assertThat(e.budgetName()).isEqualTo("tenant-daily");
    assertThat(e.scope()).isEqualTo("app.tenant_id=acme");
    assertThat(e.unit()).isEqualTo(BudgetExceededException.Unit.NANO_USD);
    assertThat(e.limit()).isEqualTo(5_000_000_000L);
    assertThat(e.spent()).isEqualTo(4_990_000_000L);
    assertThat(e.requested()).isEqualTo(20_000_000L);
    assertThat(e.periodEnd()).isNull();
    // 5,000,000,000 nano-USD = $5; 4,990,000,000 = $4.99; 20,000,000 = $0.02.
    assertThat(e).hasMessage("Budget 'tenant-daily' exceeded for app.tenant_id=acme: limit $5, spent and reserved"
        + " $4.99, this call needs up to $0.02; the call was blocked before the provider was called");
  }

  @Test
  void periodEnd_isKept_andTheMessageIsUnchanged() {
    Instant end = Instant.parse("2026-06-01T00:00:00Z");
    BudgetExceededException e = new BudgetExceededException(
        "monthly-tokens", "global", BudgetExceededException.Unit.TOKENS, 1_000, 990, 50, end);

    assertThat(e.periodEnd()).isEqualTo(end);
    assertThat(e).hasMessage("Budget 'monthly-tokens' exceeded for global: limit 1000 tokens, spent and reserved 990"
        + " tokens, this call needs up to 50 tokens; the call was blocked before the provider was called");
    assertThat(new BudgetExceededException("b", "global", BudgetExceededException.Unit.TOKENS, 1, 1, 1, null)
        .periodEnd()).isNull();
  }

  @Test
  void periodEnd_survivesSerialization() throws Exception {
    Instant end = Instant.parse("2026-05-02T00:00:00Z");
    BudgetExceededException e = new BudgetExceededException(
        "daily", "global", BudgetExceededException.Unit.NANO_USD, 1, 1, 1, end);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(e);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      BudgetExceededException read = (BudgetExceededException) in.readObject();
      assertThat(read.periodEnd()).isEqualTo(end);
      assertThat(read.budgetName()).isEqualTo("daily");
    }
  }
}
