package io.lockn.core.internal;

import io.lockn.core.AgentSpec;
import io.lockn.core.LockNScope;
import io.lockn.core.TaskSpec;
import io.lockn.core.WorkflowSpec;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;

/** The agent, workflow and task spec of a no-op LockN. */
enum NoopOperationSpec implements AgentSpec, WorkflowSpec, TaskSpec, NoopTerminals<LockNScope> {
  INSTANCE;

  @Override
  public LockNScope start() {
    return NoopScope.INSTANCE;
  }

  @Override
  public LockNScope startDetached() {
    return NoopScope.INSTANCE;
  }

  @Override
  public NoopOperationSpec id(String id) {
    return this;
  }
  @Override
  public NoopOperationSpec description(String description) {
    return this;
  }
  @Override
  public NoopOperationSpec version(String version) {
    return this;
  }
  @Override
  public NoopOperationSpec provider(String provider) {
    return this;
  }
  @Override
  public NoopOperationSpec requestModel(String model) {
    return this;
  }
  @Override
  public NoopOperationSpec conversationId(String conversationId) {
    return this;
  }
  @Override
  public NoopOperationSpec task(String taskName) {
    return this;
  }
  @Override
  public NoopOperationSpec agent(String agentName) {
    return this;
  }
  @Override
  public <T> NoopOperationSpec attribute(AttributeKey<T> key, T value) {
    return this;
  }
  @Override
  public NoopOperationSpec parent(Context parent) {
    return this;
  }
}
