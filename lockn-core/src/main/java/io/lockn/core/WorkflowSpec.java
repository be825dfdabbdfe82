package io.lockn.core;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;

/** A workflow of agents ({@code invoke_workflow {name}}, INTERNAL) not started yet. Not thread-safe until started. */
public interface WorkflowSpec extends OperationSpec<LockNScope> {

  /**
   * Sets {@code gen_ai.conversation.id}.
   *
   * @param conversationId the conversation or session id
   * @return this spec
   */
  WorkflowSpec conversationId(String conversationId);

  /**
   * Sets an extra span attribute.
   *
   * @param key the key
   * @param value the value
   * @param <T> the attribute type
   * @return this spec
   */
  <T> WorkflowSpec attribute(AttributeKey<T> key, T value);

  /**
   * Sets the parent context instead of {@link Context#current()}.
   *
   * @param parent the parent context
   * @return this spec
   */
  WorkflowSpec parent(Context parent);
}
