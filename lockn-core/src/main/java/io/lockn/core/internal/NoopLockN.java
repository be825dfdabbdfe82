package io.lockn.core.internal;

import io.lockn.core.AgentSpec;
import io.lockn.core.Attribution;
import io.lockn.core.EvaluationResult;
import io.lockn.core.GenAiOperation;
import io.lockn.core.LlmCall;
import io.lockn.core.LlmCallSpec;
import io.lockn.core.LockN;
import io.lockn.core.TaskSpec;
import io.lockn.core.ToolSpec;
import io.lockn.core.WorkflowSpec;
import io.opentelemetry.api.trace.SpanContext;
import org.jspecify.annotations.Nullable;

/**
 * The {@link LockN} that records nothing: every spec is a shared enum singleton, so nothing is
 * allocated.
 *
 * <p>This class is internal and is hence not for public use. Its APIs are unstable and can change at any time.
 */
public enum NoopLockN implements LockN {
  /** The instance. */
  INSTANCE;

  @Override
  public WorkflowSpec workflow(String name) {
    return NoopOperationSpec.INSTANCE;
  }

  @Override
  public AgentSpec agent(String name) {
    return NoopOperationSpec.INSTANCE;
  }

  @Override
  public AgentSpec createAgent(String provider, String name) {
    return NoopOperationSpec.INSTANCE;
  }

  @Override
  public TaskSpec task(String name) {
    return NoopOperationSpec.INSTANCE;
  }

  @Override
  public ToolSpec tool(String name) {
    return NoopToolSpec.INSTANCE;
  }

  @Override
  public LlmCallSpec chat(String provider, String requestModel) {
    return NoopLlmCallSpec.INSTANCE;
  }

  @Override
  public LlmCallSpec llm(GenAiOperation operation, String provider, String requestModel) {
    return NoopLlmCallSpec.INSTANCE;
  }

  @Override
  public LlmCallSpec embeddings(String provider, String requestModel) {
    return NoopLlmCallSpec.INSTANCE;
  }

  @Override
  public LlmCall currentLlmCall() {
    return NoopScope.INSTANCE;
  }

  @Override
  public Attribution attribution() {
    return NoopAttribution.INSTANCE;
  }

  @Override
  public <T> T instrument(Class<T> type, T implementation) {
    return implementation;
  }

  @Override
  public void recordEvaluation(SpanContext call, @Nullable String responseId, EvaluationResult result) {}

  @Override
  public boolean isEnabled() {
    return false;
  }
}
