package io.lockn.compression;

import io.lockn.core.GenAiMessage;
import io.lockn.core.spi.UsageLogger;
import io.opentelemetry.context.Scope;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * The spec of {@link TracingCompression}.
 *
 * <p>Every measure method follows the same shape: start a {@link Measurement} (which never throws and may be {@code
 * null} when LockN failed), run the step with the measurement's context current, and hand the outcome to the
 * measurement. Only the step's own exception leaves, as the same instance.
 */
final class RecordingSpec implements CompressionSpec {

  private static final int MAX_STRATEGY_LENGTH = 64;

  private final TracingCompression compression;
  private final String strategy;
  private String model = "";
  private @Nullable String provider;
  private @Nullable Double targetRatio;
  private long stepCostNanos = -1;
  private boolean onCurrentSpan;

  RecordingSpec(TracingCompression compression, @Nullable String strategy) {
    this.compression = compression;
    this.strategy = strategy(strategy);
  }

  private static String strategy(@Nullable String strategy) {
    if (strategy == null || strategy.isBlank()) {
      UsageLogger.warn("compression strategy is null or blank; recorded as 'unknown'");
      return "unknown";
    }
    String s = strategy.strip();
    return s.length() > MAX_STRATEGY_LENGTH ? s.substring(0, MAX_STRATEGY_LENGTH) : s;
  }

  @Override
  public CompressionSpec model(String model) {
    if (model == null) {
      UsageLogger.warn("compression model is null; ignored");
    } else {
      this.model = model;
    }
    return this;
  }

  @Override
  public CompressionSpec provider(String provider) {
    if (provider == null) {
      UsageLogger.warn("compression provider is null; ignored");
    } else {
      this.provider = provider;
    }
    return this;
  }

  @Override
  public CompressionSpec targetRatio(double targetRatio) {
    if (!(targetRatio > 0 && targetRatio <= 1)) {
      UsageLogger.warn("compression target ratio must be in (0, 1], was " + targetRatio + "; ignored");
    } else {
      this.targetRatio = targetRatio;
    }
    return this;
  }

  @Override
  public CompressionSpec stepCostNanos(long costNanos) {
    if (costNanos < 0) {
      UsageLogger.warn("compression step cost must be at least 0, was " + costNanos + "; ignored");
    } else {
      this.stepCostNanos = costNanos;
    }
    return this;
  }

  @Override
  public CompressionSpec onCurrentSpan() {
    this.onCurrentSpan = true;
    return this;
  }

  @Override
  public String measure(String input, Function<String, String> step) {
    return run(input, step, Measurement::text);
  }

  @Override
  public List<GenAiMessage> measure(List<GenAiMessage> input, UnaryOperator<List<GenAiMessage>> step) {
    return run(input, step, Measurement::messages);
  }

  @Override
  public <T> T measure(T input, UnaryOperator<T> step, Function<? super T, List<GenAiMessage>> asMessages) {
    return run(input, step, asMessages::apply);
  }

  @Override
  public CompletionStage<String> measureAsync(
      String input, Function<String, ? extends CompletionStage<String>> step) {
    return runAsync(input, step, Measurement::text);
  }

  @Override
  public CompletionStage<List<GenAiMessage>> measureMessagesAsync(
      List<GenAiMessage> input,
      Function<List<GenAiMessage>, ? extends CompletionStage<List<GenAiMessage>>> step) {
    return runAsync(input, step, Measurement::messages);
  }

  private @Nullable <T> Measurement<T> start(T input, Function<T, List<GenAiMessage>> asMessages) {
    try {
      String p = provider != null ? provider : compression.provider;
      return Measurement.start(
          compression, strategy, model, p, targetRatio, stepCostNanos, onCurrentSpan, input, asMessages);
    } catch (Throwable t) {
      UsageLogger.failed("starting a compression measurement", t);
      return null;
    }
  }

  private <T> T run(T input, Function<T, T> step, Function<T, List<GenAiMessage>> asMessages) {
    if (step == null) {
      UsageLogger.warn("compression step is null; the input is passed through unchanged");
      return input;
    }
    Measurement<T> m = start(input, asMessages);
    if (m == null) {
      return step.apply(input);
    }
    T output;
    Scope scope = m.makeCurrent();
    long start = compression.nanoTime.getAsLong();
    try {
      output = step.apply(input);
    } catch (Throwable t) {
      long end = compression.nanoTime.getAsLong();
      scope.close();
      m.failed(t, end - start);
      throw t;
    }
    long end = compression.nanoTime.getAsLong();
    scope.close();
    m.succeeded(output, end - start);
    return output;
  }

  private <T> CompletionStage<T> runAsync(
      T input, Function<T, ? extends CompletionStage<T>> step, Function<T, List<GenAiMessage>> asMessages) {
    if (step == null) {
      UsageLogger.warn("compression step is null; the input is passed through unchanged");
      return CompletableFuture.completedFuture(input);
    }
    Measurement<T> m = start(input, asMessages);
    if (m == null) {
      return step.apply(input);
    }
    CompletionStage<T> stage;
    Scope scope = m.makeCurrent();
    long start = compression.nanoTime.getAsLong();
    try {
      stage = step.apply(input);
    } catch (Throwable t) {
      long end = compression.nanoTime.getAsLong();
      scope.close();
      m.failed(t, end - start);
      throw t;
    }
    scope.close();
    if (stage == null) {
      m.failed(null, compression.nanoTime.getAsLong() - start);
      return stage;
    }
    // A new future completed only after the span ended, so that code that joins it sees the measurement; it carries
    // the step's result or exactly the exception the step's stage completed with.
    CompletableFuture<T> result = new CompletableFuture<>();
    stage.whenComplete(
        (value, error) -> {
          try {
            long end = compression.nanoTime.getAsLong();
            if (error != null) {
              m.failed(error, end - start);
            } else {
              m.succeeded(value, end - start);
            }
          } finally {
            if (error != null) {
              result.completeExceptionally(error);
            } else {
              result.complete(value);
            }
          }
        });
    return result;
  }
}
