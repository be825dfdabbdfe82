package io.lockn.core;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;

/**
 * A unit of agent work not started yet. Without {@link #agent(String)} it is an INTERNAL span named {@code task
 * {name}}; with an agent it is that agent's {@code invoke_agent {agent}} span. Either way {@code lockn.task.name} is
 * set on it and on every LockN span below it, so that spend can be grouped per task. Not thread-safe until started.
 */
public interface TaskSpec extends OperationSpec<LockNScope> {

  /**
   * Runs the task as an invocation of the named agent.
   *
   * @param agentName the agent name
   * @return this spec
   */
  TaskSpec agent(String agentName);

  /**
   * Sets an extra span attribute.
   *
   * @param key the key
   * @param value the value
   * @param <T> the attribute type
   * @return this spec
   */
  <T> TaskSpec attribute(AttributeKey<T> key, T value);

  /**
   * Sets the parent context instead of {@link Context#current()}.
   *
   * @param parent the parent context
   * @return this spec
   */
  TaskSpec parent(Context parent);
}
