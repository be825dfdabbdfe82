package io.lockn.core.internal;

import io.lockn.core.CacheType;
import io.lockn.core.EvaluationResult;
import io.lockn.core.GenAiMessage;
import io.lockn.core.LlmCall;
import io.lockn.core.TokenUsage;
import io.lockn.core.ToolScope;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The scope of a no-op LockN, and the fallback when starting a span failed. Stateless. */
enum NoopScope implements LlmCall, ToolScope {
  INSTANCE;

  @Override
  public Span span() {
    return Span.getInvalid();
  }

  @Override
  public Context context() {
    return Context.current();
  }

  @Override
  public <T> void setAttribute(AttributeKey<T> key, T value) {}

  @Override
  public void recordException(Throwable error) {}

  @Override
  public void recordError(String errorType) {}

  @Override
  public void close() {}

  @Override
  public void result(String result) {}

  @Override
  public LlmCall recordUsage(TokenUsage usage) {
    return this;
  }

  @Override
  public LlmCall providerReportedCost(java.math.BigDecimal usd) {
    return this;
  }

  @Override
  public LlmCall serviceTier(String serviceTier) {
    return this;
  }

  @Override
  public LlmCall responseModel(String responseModel) {
    return this;
  }

  @Override
  public LlmCall responseId(String responseId) {
    return this;
  }

  @Override
  public LlmCall finishReasons(List<String> finishReasons) {
    return this;
  }

  @Override
  public LlmCall finishReason(String finishReason) {
    return this;
  }

  @Override
  public LlmCall cacheHit(CacheType type) {
    return this;
  }

  @Override
  public LlmCall firstChunkReceived() {
    return this;
  }

  @Override
  public LlmCall embeddingDimensions(int dimensions) {
    return this;
  }

  @Override
  public LlmCall outputMessages(List<GenAiMessage> messages) {
    return this;
  }

  @Override
  public LlmCall recordEvaluation(EvaluationResult result) {
    return this;
  }

  @Override
  public String requestModel() {
    return "";
  }

  @Override
  public String admittedModel() {
    return "";
  }

  @Override
  public @Nullable String responseModel() {
    return null;
  }

  @Override
  public TokenUsage usage() {
    return TokenUsage.EMPTY;
  }

  @Override
  public int attempt() {
    return 1;
  }

  @Override
  public int fallbackDepth() {
    return 0;
  }
}
