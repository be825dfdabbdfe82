package io.lockn.compression.experiment;

import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The variation a unit was assigned to by {@link Experiment#assign(String)}, and the means to tag it.
 *
 * <p>A unit outside the experiment (coverage, namespace, or no id) gets the control variation with {@code
 * inExperiment == false}, as in GrowthBook. It must not be counted in either group, so it is tagged only with the
 * OpenTelemetry feature-flag attributes (reason {@code default}), never with {@code lockn.experiment.*}, and puts
 * nothing in Baggage.
 *
 * @param experiment the experiment's name
 * @param variationIndex the index of the variation, 0 for the control
 * @param variationKey the variation's key, for example {@code compressed}
 * @param inExperiment whether the unit takes part; {@code false} for units outside the coverage or namespace
 * @param bucket the unit's hash value in {@code [0, 1)} (GrowthBook's {@code bucket}), or NaN when it was not hashed
 */
public record Assignment(
    String experiment, int variationIndex, String variationKey, boolean inExperiment, double bucket) {

  /**
   * Whether the unit takes part and got the variation {@code key}.
   *
   * @param key a variation key
   * @return whether this is an in-experiment assignment to {@code key}
   */
  public boolean is(String key) {
    return inExperiment && variationKey.equals(key);
  }

  /**
   * The span attributes that {@link #applyTo(Span)} sets.
   *
   * @return the attributes
   */
  public Attributes attributes() {
    AttributesBuilder b = Attributes.builder();
    if (inExperiment) {
      b.put(Experiments.EXPERIMENT_NAME, experiment).put(Experiments.EXPERIMENT_GROUP, variationKey);
    }
    return b.put(Experiments.FEATURE_FLAG_KEY, experiment)
        .put(Experiments.FEATURE_FLAG_RESULT_VARIANT, variationKey)
        .put(
            Experiments.FEATURE_FLAG_RESULT_REASON,
            inExperiment ? Experiments.REASON_SPLIT : Experiments.REASON_DEFAULT)
        .put(Experiments.FEATURE_FLAG_PROVIDER_NAME, Experiments.PROVIDER_NAME)
        .build();
  }

  /**
   * Tags a span: {@code lockn.experiment.name}, {@code lockn.experiment.group} (in-experiment units only), {@code
   * feature_flag.key}, {@code feature_flag.result.variant}, {@code feature_flag.result.reason} and {@code
   * feature_flag.provider.name}.
   *
   * @param span the span, for example {@code Span.current()}
   * @return {@code span}
   */
  public Span applyTo(Span span) {
    span.setAllAttributes(attributes());
    return span;
  }

  /**
   * Puts {@code lockn.experiment.name} and {@code lockn.experiment.group} into W3C Baggage on top of the current
   * Baggage, until the returned scope is closed, so that they cross service boundaries with the {@code baggage}
   * propagator and reach LockN's spans (allowlist {@link Experiments#BAGGAGE_KEYS}). One experiment at a time: an
   * inner assignment replaces an outer one. Does nothing for a unit outside the experiment.
   *
   * @return the scope to close
   */
  public Scope makeCurrent() {
    if (!inExperiment) {
      return Scope.noop();
    }
    Context current = Context.current();
    Baggage baggage =
        Baggage.fromContext(current).toBuilder()
            .put(Experiments.EXPERIMENT_NAME_KEY, experiment)
            .put(Experiments.EXPERIMENT_GROUP_KEY, variationKey)
            .build();
    return current.with(baggage).makeCurrent();
  }

  /**
   * Runs {@code body} with the assignment in Baggage.
   *
   * @param body the code
   */
  public void run(Runnable body) {
    try (Scope ignored = makeCurrent()) {
      body.run();
    }
  }

  /**
   * Runs {@code body} with the assignment in Baggage and returns its result.
   *
   * @param body the code
   * @param <T> the result type
   * @return what {@code body} returned
   */
  public <T extends @Nullable Object> T supply(Supplier<T> body) {
    try (Scope ignored = makeCurrent()) {
      return body.get();
    }
  }

  /**
   * Runs {@code body} with the assignment in Baggage and returns its result.
   *
   * @param body the code
   * @param <T> the result type
   * @return what {@code body} returned
   * @throws Exception whatever {@code body} threw, unchanged
   */
  public <T extends @Nullable Object> T call(Callable<T> body) throws Exception {
    try (Scope ignored = makeCurrent()) {
      return body.call();
    }
  }
}
