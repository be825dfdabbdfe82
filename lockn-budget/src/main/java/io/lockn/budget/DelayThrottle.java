package io.lockn.budget;

import java.time.Duration;
import java.util.Objects;

/** The policy behind {@link ThrottlePolicy#delay(Duration)}. */
final class DelayThrottle implements ThrottlePolicy {

  private final Duration duration;

  DelayThrottle(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("throttle.duration must be positive: " + duration);
    }
    try {
      duration.toNanos();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("throttle.duration is too long: " + duration);
    }
    this.duration = duration;
  }

  Duration duration() {
    return duration;
  }

  @Override
  public Throttle throttle(Context context) {
    try {
      context.sleeper().sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return Throttle.admitWith(context.requestModel());
  }

  @Override
  public String toString() {
    return "delay " + duration;
  }
}
