package io.lockn.springai;

import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;

/**
 * The span processors of an SDK tracer provider, each once, for the tests that check that every wiring ends with
 * exactly one cost pipeline. Read from the SDK's internals (SdkTracerProvider.sharedState,
 * TracerSharedState.activeSpanProcessor, MultiSpanProcessor.spanProcessorsAll; 1.65.0 and 1.67.0 read) because the SDK
 * does not list them, and their {@code toString()} does not tell two instances apart (CostPipeline's names its
 * catalog and stages, not its identity).
 */
public final class SdkSpanProcessors {

  private SdkSpanProcessors() {}

  /**
   * The processors.
   *
   * @param tracing the tracer provider
   * @return its processors, in order
   */
  public static List<SpanProcessor> of(SdkTracerProvider tracing) {
    SpanProcessor active = (SpanProcessor) field(field(tracing, "sharedState"), "activeSpanProcessor");
    if (active.getClass().getName().equals("io.opentelemetry.sdk.trace.MultiSpanProcessor")) {
      @SuppressWarnings("unchecked")
      List<SpanProcessor> all = (List<SpanProcessor>) field(active, "spanProcessorsAll");
      return List.copyOf(all);
    }
    return List.of(active);
  }

  /**
   * The distinct processors of a type, by identity.
   *
   * @param tracing the tracer provider
   * @param type the type
   * @return the processors of that type
   */
  public static List<Object> instances(SdkTracerProvider tracing, Class<?> type) {
    List<Object> found = new ArrayList<>();
    for (SpanProcessor p : of(tracing)) {
      if (type.isInstance(p) && found.stream().noneMatch(f -> f == p)) {
        found.add(p);
      }
    }
    return found;
  }

  private static Object field(Object owner, String name) {
    try {
      Field f = owner.getClass().getDeclaredField(name);
      f.setAccessible(true);
      return f.get(owner);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("the SDK's internals changed: " + owner.getClass().getName() + "." + name, e);
    }
  }
}
