package io.lockn.budget;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ToolRepeatsTest {

  @Test
  void countsIdenticalConsecutiveCallsAndRestartsOnAnyDifference() {
    ToolRepeats repeats = new ToolRepeats();
    assertThat(repeats.run()).isZero();
    assertThat(repeats.record("search", "{\"q\":\"a\"}")).isEqualTo(1);
    assertThat(repeats.record("search", "{\"q\":\"a\"}")).isEqualTo(2);
    assertThat(repeats.record("search", "{\"q\":\"b\"}")).isEqualTo(1);
    assertThat(repeats.record("fetch", "{\"q\":\"b\"}")).isEqualTo(1);
    assertThat(repeats.record("fetch", null)).isEqualTo(1);
    assertThat(repeats.record("fetch", null)).isEqualTo(2);
    assertThat(repeats.run()).isEqualTo(2);
  }
}
