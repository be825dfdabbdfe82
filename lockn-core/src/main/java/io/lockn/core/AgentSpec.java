package io.lockn.core;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;

/**
 * An agent invocation ({@code invoke_agent {name}}, INTERNAL) or creation ({@code create_agent {name}}, CLIENT) not
 * started yet. Not thread-safe until started or decorated.
 */
public interface AgentSpec extends OperationSpec<LockNScope> {

  /**
   * Sets {@code gen_ai.agent.id}.
   *
   * @param id the agent's unique id
   * @return this spec
   */
  AgentSpec id(String id);

  /**
   * Sets {@code gen_ai.agent.description}.
   *
   * @param description the description
   * @return this spec
   */
  AgentSpec description(String description);

  /**
   * Sets {@code gen_ai.agent.version}.
   *
   * @param version the version
   * @return this spec
   */
  AgentSpec version(String version);

  /**
   * Sets {@code gen_ai.provider.name}, when the agent is bound to one provider.
   *
   * @param provider the provider, see {@link GenAiProvider}
   * @return this spec
   */
  AgentSpec provider(String provider);

  /**
   * Sets {@code gen_ai.request.model}, when the agent is bound to one model.
   *
   * @param model the model
   * @return this spec
   */
  AgentSpec requestModel(String model);

  /**
   * Sets {@code gen_ai.conversation.id}.
   *
   * @param conversationId the conversation or session id
   * @return this spec
   */
  AgentSpec conversationId(String conversationId);

  /**
   * Names the task this agent invocation performs: {@code lockn.task.name} on the agent span and every LockN span
   * below it.
   *
   * @param taskName the task name
   * @return this spec
   */
  AgentSpec task(String taskName);

  /**
   * Sets an extra span attribute.
   *
   * @param key the key
   * @param value the value
   * @param <T> the attribute type
   * @return this spec
   */
  <T> AgentSpec attribute(AttributeKey<T> key, T value);

  /**
   * Sets the parent context instead of {@link Context#current()}.
   *
   * @param parent the parent context
   * @return this spec
   */
  AgentSpec parent(Context parent);
}
