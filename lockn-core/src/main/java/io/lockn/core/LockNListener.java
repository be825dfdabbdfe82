package io.lockn.core;

/**
 * Receives LockN's notable events. Every method has an empty default, so new events can be added without breaking
 * implementations.
 *
 * <p>Listeners are called synchronously on the thread that ends the call; they must be fast and must not block.
 * An exception a listener throws is logged and otherwise ignored.
 */
public interface LockNListener {

  /**
   * A model call was answered by a model of another family than the one requested.
   *
   * @param substitution the substitution
   */
  default void onModelSubstitution(ModelSubstitution substitution) {}

  /**
   * A model call ended.
   *
   * @param call what was recorded
   */
  default void onLlmCallEnded(LlmCallRecord call) {}
}
