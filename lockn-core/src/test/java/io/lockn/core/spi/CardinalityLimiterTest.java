package io.lockn.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CardinalityLimiterTest {

  @Test
  void limit_keepsTheFirstValues_thenOverflows() {
    CardinalityLimiter limiter = CardinalityLimiter.of(2);

    assertThat(limiter.limit("a")).isEqualTo("a");
    assertThat(limiter.limit("b")).isEqualTo("b");
    assertThat(limiter.limit("c")).isEqualTo(CardinalityLimiter.OVERFLOW).isEqualTo("_OTHER");
    assertThat(limiter.limit("a")).isEqualTo("a");
  }

  @Test
  void limit_returnsTheSameInstanceForAKnownValue() {
    CardinalityLimiter limiter = CardinalityLimiter.of(1);
    String value = "gpt-4o";

    assertThat(limiter.limit(value)).isSameAs(value);
    assertThat(limiter.limit(value)).isSameAs(value);
  }

  @Test
  void limitUntrusted_sanitisesCutsAndLimits() {
    CardinalityLimiter limiter = CardinalityLimiter.of(1);

    assertThat(limiter.limitUntrusted(null, 8)).isNull();
    assertThat(limiter.limitUntrusted("\n\t", 8)).isNull();
    assertThat(limiter.limitUntrusted("ab\ncdefghij", 4)).isEqualTo("abcd");
    assertThat(limiter.limitUntrusted("abcdzzz", 4)).isEqualTo("abcd");
    assertThat(limiter.limitUntrusted("other", 8)).isEqualTo(CardinalityLimiter.OVERFLOW);
  }

  @Test
  void of_rejectsLimitBelowOne() {
    assertThatThrownBy(() -> CardinalityLimiter.of(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("limit < 1");
  }
}
