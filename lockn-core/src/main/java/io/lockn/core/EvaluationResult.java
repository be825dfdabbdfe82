package io.lockn.core;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A score for a model call, emitted as the semantic conventions' {@code gen_ai.evaluation.result} event.
 *
 * @param name {@code gen_ai.evaluation.name}, for example {@code relevance} or {@code user_feedback}
 * @param score {@code gen_ai.evaluation.score.value}, or {@code null}
 * @param label {@code gen_ai.evaluation.score.label}, for example {@code thumbs_up}, or {@code null}
 * @param explanation {@code gen_ai.evaluation.explanation}, or {@code null}
 */
public record EvaluationResult(
    String name, @Nullable Double score, @Nullable String label, @Nullable String explanation) {

  /**
   * Creates a result.
   *
   * @param name the evaluation name
   * @param score the score, or {@code null}
   * @param label the label, or {@code null}
   * @param explanation the explanation, or {@code null}
   */
  public EvaluationResult {
    Objects.requireNonNull(name, "name");
  }

  /**
   * A numeric score.
   *
   * @param name the evaluation name
   * @param score the score
   * @return the result
   */
  public static EvaluationResult score(String name, double score) {
    return new EvaluationResult(name, score, null, null);
  }

  /**
   * A labelled verdict, such as user feedback.
   *
   * @param name the evaluation name
   * @param label the label
   * @return the result
   */
  public static EvaluationResult label(String name, String label) {
    return new EvaluationResult(name, null, label, null);
  }
}
