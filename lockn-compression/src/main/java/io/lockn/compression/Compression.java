package io.lockn.compression;

import io.lockn.core.GenAiMessage;
import io.opentelemetry.api.OpenTelemetry;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Measures a token-compression step: wraps it, counts the input tokens before and after it with a {@link
 * io.lockn.core.spi.TokenCounter}, and records the result as {@link CompressionAttributes lockn.compression.*}
 * attributes and metrics (original and compressed tokens, step duration, cache hits; names and units in {@link
 * CompressionAttributes}), plus the step's own cost when it reports one ({@link CompressionContext#recordStepCost}).
 *
 * <pre>{@code
 * Compression compression = Compression.builder(openTelemetry).setTokenCounter(counter).build();   // once
 *
 * String out = compression.measure(CompressionStrategy.SEMANTIC_DEDUP, "gpt-4o", input, text -> dedup(text));
 * List<GenAiMessage> trimmed = compression.step(CompressionStrategy.SUMMARY_INJECTION)
 *     .model("gpt-4o").targetRatio(0.5).measure(history, messages -> summarise(messages));
 * }</pre>
 *
 * <p>By default each step gets its own INTERNAL span {@code compress {strategy}}, a child of the current span (usually
 * the LockN chat span the compressed prompt is for), so that the step's duration stays apart from the model call's.
 * With {@link CompressionSpec#onCurrentSpan()} the attributes go on {@link io.opentelemetry.api.trace.Span#current()}
 * instead. The step runs with the compression span and its {@link CompressionContext} current.
 *
 * <p>Metrics go through the OpenTelemetry the instance was built with; the instruments are created once per instance,
 * and each step only builds its attributes (strategy, model, provider, error type, and the experiment name and group
 * from Baggage, each capped in cardinality) and records.
 *
 * <p>An instance is immutable, thread-safe and meant to be shared. Nothing here throws into the application except
 * the step's own exception, which is recorded and rethrown as the same instance; a failing token counter, evaluator or
 * listener is logged through {@link io.lockn.core.spi.UsageLogger} and contained. {@link #noop()} only runs the step.
 */
public interface Compression {

  /**
   * A builder for a recording instance.
   *
   * @param openTelemetry the OpenTelemetry to record spans and quality events with
   * @return a new builder
   */
  static CompressionBuilder builder(OpenTelemetry openTelemetry) {
    return new CompressionBuilder(openTelemetry);
  }

  /**
   * An instance that runs every step and records nothing; shared and allocation-free.
   *
   * @return the no-op instance
   */
  static Compression noop() {
    return NoopCompression.INSTANCE;
  }

  /**
   * Describes a step of a well-known strategy, to set a target ratio, a provider or the recording mode.
   *
   * @param strategy the strategy
   * @return a new spec; not thread-safe, meant for one call
   */
  CompressionSpec step(CompressionStrategy strategy);

  /**
   * Describes a step of a custom strategy.
   *
   * @param strategy the strategy name, for example {@code boilerplate_strip}
   * @return a new spec; not thread-safe, meant for one call
   */
  CompressionSpec step(String strategy);

  /**
   * Measures a text step.
   *
   * @param strategy the strategy
   * @param model the model the compressed text is for ({@code gen_ai.request.model}), used to count tokens
   * @param input the text to compress
   * @param step the compression
   * @return what {@code step} returned
   */
  default String measure(
      CompressionStrategy strategy, String model, String input, Function<String, String> step) {
    return step(strategy).model(model).measure(input, step);
  }

  /**
   * Measures a text step of a custom strategy.
   *
   * @param strategy the strategy name
   * @param model the model the compressed text is for
   * @param input the text to compress
   * @param step the compression
   * @return what {@code step} returned
   */
  default String measure(String strategy, String model, String input, Function<String, String> step) {
    return step(strategy).model(model).measure(input, step);
  }

  /**
   * Measures a chat-messages step.
   *
   * @param strategy the strategy
   * @param model the model the compressed messages are for
   * @param input the messages to compress
   * @param step the compression
   * @return what {@code step} returned
   */
  default List<GenAiMessage> measure(
      CompressionStrategy strategy,
      String model,
      List<GenAiMessage> input,
      UnaryOperator<List<GenAiMessage>> step) {
    return step(strategy).model(model).measure(input, step);
  }

  /**
   * Measures an asynchronous text step; the span ends when the step's stage completes.
   *
   * @param strategy the strategy
   * @param model the model the compressed text is for
   * @param input the text to compress
   * @param step the compression
   * @return a stage that completes, after the measurement was recorded, with the step's result or the same exception
   */
  default CompletionStage<String> measureAsync(
      CompressionStrategy strategy,
      String model,
      String input,
      Function<String, ? extends CompletionStage<String>> step) {
    return step(strategy).model(model).measureAsync(input, step);
  }

  /**
   * Measures an asynchronous chat-messages step; the span ends when the step's stage completes.
   *
   * @param strategy the strategy
   * @param model the model the compressed messages are for
   * @param input the messages to compress
   * @param step the compression
   * @return a stage that completes, after the measurement was recorded, with the step's result or the same exception
   */
  default CompletionStage<List<GenAiMessage>> measureMessagesAsync(
      CompressionStrategy strategy,
      String model,
      List<GenAiMessage> input,
      Function<List<GenAiMessage>, ? extends CompletionStage<List<GenAiMessage>>> step) {
    return step(strategy).model(model).measureMessagesAsync(input, step);
  }

  /**
   * Whether this instance records anything.
   *
   * @return {@code false} for {@link #noop()}
   */
  boolean isEnabled();
}
