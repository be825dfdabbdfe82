package io.lockn.core.internal;

import io.lockn.core.GenAiMessage;
import io.lockn.core.LlmCall;
import io.lockn.core.LlmCallSpec;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import java.util.List;

/** The model-call spec of a no-op LockN. */
enum NoopLlmCallSpec implements LlmCallSpec, NoopTerminals<LlmCall> {
  INSTANCE;

  @Override
  public LlmCall start() {
    return NoopScope.INSTANCE;
  }

  @Override
  public LlmCall startDetached() {
    return NoopScope.INSTANCE;
  }

  @Override
  public NoopLlmCallSpec server(String address, int port) {
    return this;
  }
  @Override
  public NoopLlmCallSpec maxTokens(long maxTokens) {
    return this;
  }
  @Override
  public NoopLlmCallSpec estimatedInputTokens(long inputTokens) {
    return this;
  }

  @Override
  public NoopLlmCallSpec unenforced() {
    return this;
  }

  @Override
  public NoopLlmCallSpec admittedElsewhere() {
    return this;
  }
  @Override
  public NoopLlmCallSpec temperature(double temperature) {
    return this;
  }
  @Override
  public NoopLlmCallSpec topP(double topP) {
    return this;
  }
  @Override
  public NoopLlmCallSpec stream(boolean stream) {
    return this;
  }
  @Override
  public NoopLlmCallSpec conversationId(String conversationId) {
    return this;
  }
  @Override
  public NoopLlmCallSpec retryOf(LlmCall previous) {
    return this;
  }
  @Override
  public NoopLlmCallSpec fallbackFrom(LlmCall failed) {
    return this;
  }
  @Override
  public NoopLlmCallSpec promptKey(String promptKey) {
    return this;
  }
  @Override
  public NoopLlmCallSpec inputMessages(List<GenAiMessage> messages) {
    return this;
  }
  @Override
  public <T> NoopLlmCallSpec attribute(AttributeKey<T> key, T value) {
    return this;
  }
  @Override
  public NoopLlmCallSpec parent(Context parent) {
    return this;
  }
}
