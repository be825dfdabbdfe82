package io.lockn.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The ledger's size rules, which front ends (Spring) call one by one to name their property. */
class CostLedgerSizesTest {

  @Test
  void bucket_mustBeAPositiveWholeNumberOfMilliseconds() {
    assertThat(CostLedger.checkBucket(Duration.ofMillis(1))).isEqualTo(Duration.ofMillis(1));
    assertThatThrownBy(() -> CostLedger.checkBucket(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("bucket must be a positive whole number of milliseconds: PT0S");
    assertThatThrownBy(() -> CostLedger.checkBucket(Duration.ofNanos(1_500_000)))
        .hasMessage("bucket must be a positive whole number of milliseconds: PT0.0015S");
    assertThatThrownBy(() -> CostLedger.checkBucket(Duration.ofMillis(-5)))
        .hasMessage("bucket must be a positive whole number of milliseconds: PT-0.005S");
    // Once silently truncated to 1 ms; now refused, and create() refuses it the same way.
    assertThatThrownBy(() -> CostLedger.create(Duration.ofHours(1), Duration.ofNanos(1_500_000)))
        .hasMessage("bucket must be a positive whole number of milliseconds: PT0.0015S");
  }

  @Test
  void retention_mustHoldOneToAMillionBuckets() {
    assertThat(CostLedger.checkRetention(Duration.ofMinutes(1), Duration.ofMinutes(1))).isEqualTo(Duration.ofMinutes(1));
    assertThatThrownBy(() -> CostLedger.create(Duration.ofSeconds(10), Duration.ofMinutes(1)))
        .hasMessage("retention must be 1 to 1,000,000 buckets of PT1M: PT10S");
    assertThatThrownBy(() -> CostLedger.create(Duration.ofDays(365), Duration.ofMillis(1)))
        .hasMessage("retention must be 1 to 1,000,000 buckets of PT0.001S: PT8760H");
    assertThatThrownBy(() -> CostLedger.create(Duration.ofSeconds(-60), Duration.ofMinutes(1)))
        .hasMessage("retention must be 1 to 1,000,000 buckets of PT1M: PT-1M");
  }

  @Test
  void aLedgerOfExactlyAMillionBuckets_works() {
    CostLedger ledger = CostLedger.create(Duration.ofSeconds(1_000), Duration.ofMillis(1));
    ledger.record(1_000, 7, "acme", null, null, null, "m");
    assertThat(ledger.total(Instant.ofEpochMilli(0), Instant.ofEpochMilli(2_000))).isEqualByComparingTo(
        new BigDecimal("0.000000007"));
  }
}
