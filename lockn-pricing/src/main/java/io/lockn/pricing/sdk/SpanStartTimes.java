package io.lockn.pricing.sdk;

import io.opentelemetry.sdk.trace.ReadableSpan;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import org.jspecify.annotations.Nullable;

/**
 * The start timestamp of a recording SDK span: the time a call's prices are looked up at, whatever clock the
 * application gave its tracer provider and whatever explicit start timestamp an instrumentation set.
 *
 * <p>Why not just {@link ReadableSpan#toSpanData()}: for a span that has not ended it copies every attribute, a few
 * hundred nanoseconds on each model call, more than the rest of pricing. {@code ReadableSpan} has no start-time
 * getter, so the start is read from the SDK span's own {@code startEpochNanos} field through a method handle, and
 * from {@code toSpanData()} when that field is not there (another SDK implementation, a renamed field): the same
 * value either way, checked against each other by this module's tests on every SDK version it is built with.
 */
final class SpanStartTimes {

  private static final @Nullable Class<?> SDK_SPAN;
  private static final @Nullable MethodHandle START_EPOCH_NANOS;

  static {
    Class<?> type = null;
    MethodHandle getter = null;
    try {
      type = Class.forName("io.opentelemetry.sdk.trace.SdkSpan", false, ReadableSpan.class.getClassLoader());
      getter = MethodHandles.privateLookupIn(type, MethodHandles.lookup())
          .findGetter(type, "startEpochNanos", long.class)
          .asType(MethodType.methodType(long.class, Object.class));
    } catch (Throwable t) {
      // Not this SDK's layout, or access refused: toSpanData() it is.
      type = null;
      getter = null;
    }
    SDK_SPAN = type;
    START_EPOCH_NANOS = getter;
  }

  private SpanStartTimes() {}

  /** Whether the fast path is available; for tests. */
  static boolean fast() {
    return START_EPOCH_NANOS != null;
  }

  /**
   * The span's start timestamp.
   *
   * @param span a recording span
   * @return nanoseconds since the epoch
   */
  static long epochNanos(ReadableSpan span) {
    MethodHandle getter = START_EPOCH_NANOS;
    Class<?> type = SDK_SPAN;
    if (getter != null && type != null && type.isInstance(span)) {
      try {
        return (long) getter.invokeExact((Object) span);
      } catch (Throwable t) {
        // cannot happen for an instance of the type; fall through
      }
    }
    return span.toSpanData().getStartEpochNanos();
  }
}
