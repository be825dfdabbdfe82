package io.lockn.core.internal;

import io.lockn.core.ToolScope;
import io.lockn.core.ToolSpec;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;

/** The tool spec of a no-op LockN. */
enum NoopToolSpec implements ToolSpec, NoopTerminals<ToolScope> {
  INSTANCE;

  @Override
  public ToolScope start() {
    return NoopScope.INSTANCE;
  }

  @Override
  public ToolScope startDetached() {
    return NoopScope.INSTANCE;
  }

  @Override
  public NoopToolSpec callId(String callId) {
    return this;
  }
  @Override
  public NoopToolSpec type(String type) {
    return this;
  }
  @Override
  public NoopToolSpec description(String description) {
    return this;
  }
  @Override
  public NoopToolSpec arguments(String argumentsJson) {
    return this;
  }
  @Override
  public <T> NoopToolSpec attribute(AttributeKey<T> key, T value) {
    return this;
  }
  @Override
  public NoopToolSpec parent(Context parent) {
    return this;
  }
}
