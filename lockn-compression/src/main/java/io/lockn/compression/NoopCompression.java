package io.lockn.compression;

import io.lockn.core.GenAiMessage;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/** {@link Compression#noop()}: runs the step and nothing else. It is its own spec, so nothing is allocated. */
enum NoopCompression implements Compression, CompressionSpec {
  INSTANCE;

  @Override
  public CompressionSpec step(CompressionStrategy strategy) {
    return this;
  }

  @Override
  public CompressionSpec step(String strategy) {
    return this;
  }

  @Override
  public boolean isEnabled() {
    return false;
  }

  @Override
  public CompressionSpec model(String model) {
    return this;
  }

  @Override
  public CompressionSpec provider(String provider) {
    return this;
  }

  @Override
  public CompressionSpec targetRatio(double targetRatio) {
    return this;
  }

  @Override
  public CompressionSpec stepCostNanos(long costNanos) {
    return this;
  }

  @Override
  public CompressionSpec onCurrentSpan() {
    return this;
  }

  @Override
  public String measure(String input, Function<String, String> step) {
    return step.apply(input);
  }

  @Override
  public List<GenAiMessage> measure(List<GenAiMessage> input, UnaryOperator<List<GenAiMessage>> step) {
    return step.apply(input);
  }

  @Override
  public <T> T measure(T input, UnaryOperator<T> step, Function<? super T, List<GenAiMessage>> asMessages) {
    return step.apply(input);
  }

  @Override
  public CompletionStage<String> measureAsync(
      String input, Function<String, ? extends CompletionStage<String>> step) {
    return step.apply(input);
  }

  @Override
  public CompletionStage<List<GenAiMessage>> measureMessagesAsync(
      List<GenAiMessage> input,
      Function<List<GenAiMessage>, ? extends CompletionStage<List<GenAiMessage>>> step) {
    return step.apply(input);
  }

  @Override
  public String toString() {
    return "Compression.noop()";
  }
}
