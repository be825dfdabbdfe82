package io.lockn.compression;

import io.lockn.core.GenAiMessage;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * One compression step, described but not run yet; from {@link Compression#step(CompressionStrategy)}. Setters never
 * throw: an invalid value is logged through {@link io.lockn.core.spi.UsageLogger} and ignored. Not thread-safe; use
 * one spec per call.
 */
public interface CompressionSpec {

  /**
   * The model the compressed input is for: recorded as {@code gen_ai.request.model} and passed to the token counter.
   *
   * @param model the model
   * @return this spec
   */
  CompressionSpec model(String model);

  /**
   * The provider passed to the token counter; defaults to the builder's.
   *
   * @param provider {@code gen_ai.provider.name}
   * @return this spec
   */
  CompressionSpec provider(String provider);

  /**
   * The ratio {@code compressed / original} the step was asked for, recorded as {@code lockn.compression.target_ratio}
   * beside the achieved ratio.
   *
   * @param targetRatio the target, in (0, 1]
   * @return this spec
   */
  CompressionSpec targetRatio(double targetRatio);

  /**
   * A cost of the step known before it runs, for example the per-call fee of a hosted compression service, in exact
   * nano-USD. It is recorded as {@code lockn.compression.cost_nanos} together with what the step adds through {@link
   * CompressionContext#recordStepCost(long)}, which is the way to report a cost known only once the step ran.
   *
   * @param costNanos the cost in nano-USD (1 USD = 1,000,000,000), at least 0
   * @return this spec
   */
  CompressionSpec stepCostNanos(long costNanos);

  /**
   * Records on {@link io.opentelemetry.api.trace.Span#current()} (the LLM span the step prepares) instead of on an own
   * {@code compress {strategy}} span. Use it only when one step runs per model call: a second step overwrites the
   * attributes of the first. The step's duration is still recorded as {@code lockn.compression.duration_ms}.
   *
   * @return this spec
   */
  CompressionSpec onCurrentSpan();

  /**
   * Runs and measures a text step.
   *
   * @param input the text
   * @param step the compression
   * @return what {@code step} returned
   */
  String measure(String input, Function<String, String> step);

  /**
   * Runs and measures a chat-messages step.
   *
   * @param input the messages
   * @param step the compression
   * @return what {@code step} returned
   */
  List<GenAiMessage> measure(List<GenAiMessage> input, UnaryOperator<List<GenAiMessage>> step);

  /**
   * Runs and measures a step on a framework's own message type, for example LangChain4j's {@code ChatRequest} or
   * Spring AI's {@code List<Message>}: the step sees and returns that type, and {@code asMessages} converts the input
   * and the step's result into the messages whose tokens are counted. This is how LockN's adapters measure; the
   * step's result is returned as it is.
   *
   * @param input the step's input
   * @param step the step, run once
   * @param asMessages converts the input or the step's result (which may be {@code null} if the step returns it)
   *     into the messages counted; a failing conversion leaves that count unknown and never fails the step
   * @param <T> the framework's type
   * @return the step's result, or its exception unchanged
   */
  <T> T measure(T input, UnaryOperator<T> step, Function<? super T, List<GenAiMessage>> asMessages);

  /**
   * Runs and measures an asynchronous text step.
   *
   * @param input the text
   * @param step the compression
   * @return a stage that completes, after the measurement was recorded, with the step's result or the same exception
   */
  CompletionStage<String> measureAsync(String input, Function<String, ? extends CompletionStage<String>> step);

  /**
   * Runs and measures an asynchronous chat-messages step.
   *
   * @param input the messages
   * @param step the compression
   * @return a stage that completes, after the measurement was recorded, with the step's result or the same exception
   */
  CompletionStage<List<GenAiMessage>> measureMessagesAsync(
      List<GenAiMessage> input,
      Function<List<GenAiMessage>, ? extends CompletionStage<List<GenAiMessage>>> step);
}
