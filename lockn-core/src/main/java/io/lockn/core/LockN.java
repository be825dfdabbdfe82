package io.lockn.core;

import io.lockn.core.internal.NoopLockN;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.SpanContext;
import org.jspecify.annotations.Nullable;

/**
 * LockN's entry point: records agent workflows, agents, tasks, tools and model calls as OpenTelemetry GenAI spans
 * and metrics, with exact token usage and business attribution.
 *
 * <pre>{@code
 * LockN lockn = LockN.builder().setOpenTelemetry(openTelemetry).build();   // once, at startup
 *
 * String answer = lockn.agent("support-bot").task("triage").supply(() -> {
 *   return lockn.chat(GenAiProvider.OPENAI, "gpt-4o").maxTokens(512).supply(() -> {
 *     Response r = client.chat(prompt);
 *     lockn.currentLlmCall()
 *         .recordUsage(TokenUsage.fromOpenAi(r.promptTokens(), r.cachedTokens(), r.completionTokens(), 0))
 *         .responseModel(r.model())
 *         .finishReason(r.finishReason());
 *     return r.text();
 *   });
 * });
 * }</pre>
 *
 * <p>An instance is immutable, thread-safe and meant to be shared. Its methods never throw at call time: if LockN
 * fails internally it logs once through the {@code io.lockn.usage} logger and degrades to a no-op for that call,
 * while the application's own results and exceptions pass through unchanged. {@link #noop()} does nothing and
 * allocates nothing.
 */
public interface LockN {

  /**
   * A LockN that records nothing and allocates nothing. Its {@link #attribution()} is inert too: it sets no Baggage.
   *
   * @return the shared no-op instance
   */
  static LockN noop() {
    return NoopLockN.INSTANCE;
  }

  /**
   * A builder for a recording LockN.
   *
   * @return a new builder
   */
  static LockNBuilder builder() {
    return new LockNBuilder();
  }

  /**
   * A recording LockN with default settings on the given OpenTelemetry.
   *
   * @param openTelemetry the OpenTelemetry instance to record with
   * @return the LockN
   */
  static LockN create(OpenTelemetry openTelemetry) {
    return builder().setOpenTelemetry(openTelemetry).build();
  }

  /**
   * A workflow of agents: {@code invoke_workflow {name}}.
   *
   * @param name {@code gen_ai.workflow.name}
   * @return the spec to start
   */
  WorkflowSpec workflow(String name);

  /**
   * An in-process agent invocation: {@code invoke_agent {name}}, INTERNAL.
   *
   * @param name {@code gen_ai.agent.name}
   * @return the spec to start
   */
  AgentSpec agent(String name);

  /**
   * The creation of an agent on a remote agent service: {@code create_agent {name}}, CLIENT.
   *
   * @param provider {@code gen_ai.provider.name}
   * @param name {@code gen_ai.agent.name}
   * @return the spec to start
   */
  AgentSpec createAgent(String provider, String name);

  /**
   * A unit of agent work; see {@link TaskSpec}.
   *
   * @param name {@code lockn.task.name}
   * @return the spec to start
   */
  TaskSpec task(String name);

  /**
   * A tool execution: {@code execute_tool {name}}, INTERNAL.
   *
   * @param name {@code gen_ai.tool.name}
   * @return the spec to start
   */
  ToolSpec tool(String name);

  /**
   * A chat completion: {@code chat {model}}, CLIENT.
   *
   * @param provider {@code gen_ai.provider.name}, see {@link GenAiProvider}
   * @param requestModel {@code gen_ai.request.model}
   * @return the spec to start
   */
  LlmCallSpec chat(String provider, String requestModel);

  /**
   * A model call of any operation: chat, text completion, content generation or embeddings.
   *
   * @param operation the operation
   * @param provider {@code gen_ai.provider.name}
   * @param requestModel {@code gen_ai.request.model}
   * @return the spec to start
   */
  LlmCallSpec llm(GenAiOperation operation, String provider, String requestModel);

  /**
   * An embeddings call: {@code embeddings {model}}, CLIENT.
   *
   * @param provider {@code gen_ai.provider.name}
   * @param requestModel {@code gen_ai.request.model}
   * @return the spec to start
   */
  LlmCallSpec embeddings(String provider, String requestModel);

  /**
   * The model call that is current on this thread, to record its response on.
   *
   * @return the current call, or a no-op call when there is none
   */
  LlmCall currentLlmCall();

  /**
   * Business attribution for a block of code; see {@link Attribution}.
   *
   * @return a new attribution to fill and make current
   */
  Attribution attribution();

  /**
   * Wraps an implementation of {@code type} in a proxy that records its {@link
   * io.lockn.core.annotation.AgentTask @AgentTask} and {@link io.lockn.core.annotation.AgentTool @AgentTool}
   * methods. Annotations are read from the interface method and from the implementation's method. Methods without
   * them are passed through untouched; {@code equals} and {@code hashCode} are the proxy's identity, and {@code
   * toString} names the proxied type and the implementation. Exceptions are
   * recorded and rethrown unchanged; a {@link java.util.concurrent.CompletionStage} result ends its span when it
   * completes.
   *
   * @param type the interface to proxy
   * @param implementation the object to delegate to
   * @param <T> the interface type
   * @return the proxy, or {@code implementation} itself for a no-op LockN
   * @throws IllegalArgumentException if {@code type} is not an interface
   */
  <T> T instrument(Class<T> type, T implementation);

  /**
   * Emits a {@code gen_ai.evaluation.result} event for a model call that may have ended long ago, for example
   * feedback given by a user after the answer.
   *
   * @param call the span of the call
   * @param responseId {@code gen_ai.response.id} of the call, or {@code null}
   * @param result the evaluation
   */
  void recordEvaluation(SpanContext call, @Nullable String responseId, EvaluationResult result);

  /**
   * Whether this instance records anything.
   *
   * @return {@code false} for {@link #noop()}
   */
  boolean isEnabled();
}
