package io.lockn.compression;

import io.lockn.core.GenAiMessage;
import io.lockn.core.MessagePart;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What a {@link QualityEvaluator} scores. Text steps are given as a single user message.
 *
 * @param strategy the strategy name
 * @param model the model the input is meant for, possibly empty
 * @param original the input of the step
 * @param compressed the output of the step
 */
public record QualityInput(
    String strategy, String model, List<GenAiMessage> original, List<GenAiMessage> compressed) {

  /**
   * Creates an input.
   *
   * @param strategy the strategy
   * @param model the model
   * @param original the input
   * @param compressed the output
   */
  public QualityInput {
    Objects.requireNonNull(strategy, "strategy");
    Objects.requireNonNull(model, "model");
    original = List.copyOf(original);
    compressed = List.copyOf(compressed);
  }

  /**
   * The text parts of the original input, joined with newlines.
   *
   * @return the original text
   */
  public String originalText() {
    return text(original);
  }

  /**
   * The text parts of the compressed output, joined with newlines.
   *
   * @return the compressed text
   */
  public String compressedText() {
    return text(compressed);
  }

  private static String text(List<GenAiMessage> messages) {
    return messages.stream()
        .flatMap(m -> m.parts().stream())
        .filter(p -> p instanceof MessagePart.Text)
        .map(p -> ((MessagePart.Text) p).content())
        .collect(Collectors.joining("\n"));
  }
}
