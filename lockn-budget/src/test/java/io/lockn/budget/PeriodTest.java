package io.lockn.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

/** Period bounds, in time zones, across daylight-saving changes and month ends. */
class PeriodTest {

  private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  // Chile moves its clocks at midnight: on 2024-09-08 the day starts at 01:00.
  private static final ZoneId SANTIAGO = ZoneId.of("America/Santiago");

  private static Instant at(String local, ZoneId zone) {
    return LocalDateTime.parse(local).atZone(zone).toInstant();
  }

  @Test
  void day_springForward_is23HoursFromLocalMidnight() {
    Period.Window w = Period.day(PARIS).windowAt(at("2025-03-30T12:00", PARIS));
    assertThat(w.start()).isEqualTo(at("2025-03-30T00:00", PARIS));
    assertThat(w.end()).isEqualTo(at("2025-03-31T00:00", PARIS));
    assertThat(Duration.between(w.start(), w.end())).isEqualTo(Duration.ofHours(23));
  }

  @Test
  void day_fallBack_is25Hours() {
    Period.Window w = Period.day(NEW_YORK).windowAt(at("2025-11-02T23:59:59", NEW_YORK));
    assertThat(Duration.between(w.start(), w.end())).isEqualTo(Duration.ofHours(25));
  }

  @Test
  void day_midnightInDstGap_startsAtFirstValidTime() {
    Period.Window w = Period.day(SANTIAGO).windowAt(at("2024-09-08T10:00", SANTIAGO));
    assertThat(w.start().atZone(SANTIAGO).toLocalDateTime()).isEqualTo(LocalDateTime.parse("2024-09-08T01:00"));
  }

  @Test
  void day_lastAndFirstInstant() {
    Instant midnight = at("2025-06-02T00:00", PARIS);
    assertThat(Period.day(PARIS).windowAt(midnight.minusNanos(1)).end()).isEqualTo(midnight);
    assertThat(Period.day(PARIS).windowAt(midnight).start()).isEqualTo(midnight);
  }

  @Test
  void week_startsMondayInZone() {
    // Sunday 2025-06-08 23:30 in Paris is already Sunday 21:30 UTC; the week started Monday 2025-06-02 in Paris.
    Period.Window w = Period.week(PARIS).windowAt(at("2025-06-08T23:30", PARIS));
    assertThat(w.start()).isEqualTo(at("2025-06-02T00:00", PARIS));
    assertThat(w.end()).isEqualTo(at("2025-06-09T00:00", PARIS));
  }

  @Test
  void month_boundaries_leapFebruaryAndDstMonth() {
    Period.Window feb = Period.month(PARIS).windowAt(at("2024-02-29T23:59:59", PARIS));
    assertThat(feb.start()).isEqualTo(at("2024-02-01T00:00", PARIS));
    assertThat(feb.end()).isEqualTo(at("2024-03-01T00:00", PARIS));
    Period.Window march = Period.month(PARIS).windowAt(at("2024-03-01T00:00", PARIS));
    assertThat(march.start()).isEqualTo(feb.end());
    assertThat(Duration.between(march.start(), march.end())).isEqualTo(Duration.ofDays(31).minusHours(1));
  }

  @Test
  void month_sameInstantDiffersByZone() {
    Instant instant = ZonedDateTime.parse("2025-01-31T23:30:00Z").toInstant();
    assertThat(Period.month(ZoneId.of("UTC")).windowAt(instant).start())
        .isEqualTo(Instant.parse("2025-01-01T00:00:00Z"));
    assertThat(Period.month(PARIS).windowAt(instant).start()).isEqualTo(at("2025-02-01T00:00", PARIS));
  }

  @Test
  void rolling_endsAtCurrentBucketEnd() {
    Period p = Period.rolling(Duration.ofHours(1));
    Period.Window w = p.windowAt(Instant.parse("2025-01-01T10:00:30Z"));
    assertThat(w.end()).isEqualTo(Instant.parse("2025-01-01T10:01:00Z"));
    assertThat(w.start()).isEqualTo(Instant.parse("2025-01-01T09:01:00Z"));
  }

  @Test
  void rolling_invalidWindow_namesField() {
    assertThatThrownBy(() -> Period.rolling(Duration.ofMillis(10))).hasMessageContaining("period window");
    assertThatThrownBy(() -> Period.rolling(Duration.ofSeconds(-60))).hasMessageContaining("period window");
    assertThatThrownBy(() -> Period.rolling(Duration.ofMillis(61))).hasMessageContaining("period window");
    assertThatThrownBy(() -> Period.day(null)).hasMessageContaining("zone");
  }
}
