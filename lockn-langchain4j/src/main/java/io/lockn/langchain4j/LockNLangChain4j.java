package io.lockn.langchain4j;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.embedding.listener.EmbeddingModelListener;
import dev.langchain4j.observability.api.listener.AiServiceListener;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.tool.BeforeToolExecution;
import dev.langchain4j.service.tool.ToolExecution;
import io.lockn.core.LockN;
import io.opentelemetry.context.Context;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * LockN for LangChain4j: cost, tokens, agents and tools of LangChain4j AI Services and models as OpenTelemetry GenAI
 * spans.
 *
 * <pre>{@code
 * LockNLangChain4j lc = LockNLangChain4j.create(lockn);                          // once
 *
 * ChatModel model = lc.decorate(OpenAiChatModel.builder()...build());            // spans, usage, budget admission
 * Assistant assistant = lc.instrument(AiServices.builder(Assistant.class))      // agent and tool spans
 *     .chatModel(model).tools(new BillingTools()).build();
 * }</pre>
 *
 * <p>What each piece records:
 *
 * <ul>
 *   <li>{@link #decorate(ChatModel)} / {@link #decorate(StreamingChatModel)}: a {@code chat} span per model call
 *       with provider, request and response model, normalised usage (cached, cache-write and reasoning tokens), finish
 *       reason, response id and time to first chunk; the budget is asked before the call, so a BLOCK throws {@link
 *       io.lockn.core.BudgetExceededException} before any request leaves and a THROTTLE downgrade sends the admitted
 *       model. Cost is added by {@code io.lockn.pricing.sdk.CostSpanProcessor}.
 *   <li>{@link #chatModelListener()}: the same span for a model built with {@code .listeners(...)}, for code that
 *       cannot wrap the model. A listener cannot stop or change LangChain4j's call, so budget blocks and downgrades
 *       need the decorator. Registering both is safe: the call is recorded once.
 *   <li>{@link #instrument(AiServices)}: an {@code invoke_agent} span per AI Service invocation (agent name {@code
 *       Interface.method}, or the names of an {@link io.lockn.core.annotation.AgentTask} on the method; the chat
 *       memory id as {@code gen_ai.conversation.id}), with every model round trip of the tool loop as its child, and
 *       an {@code execute_tool} span with real timing per tool execution, under which the tool's own model calls
 *       nest.
 *   <li>{@link #embeddingModelListener()}: an {@code embeddings} span with usage per embedding call.
 * </ul>
 *
 * <p>Nothing here throws into the application except the documented budget block; the application's and the
 * provider's exceptions pass through unchanged. An instance is immutable and thread-safe.
 */
public final class LockNLangChain4j {

  private final LockN lockn;
  private final ChatModelListener chatModelListener;
  private final EmbeddingModelListener embeddingModelListener;
  private final AiServiceTracing aiServices;

  private LockNLangChain4j(LockN lockn) {
    this.lockn = lockn;
    this.chatModelListener = new LockNChatModelListener(lockn);
    this.embeddingModelListener = new LockNEmbeddingModelListener(lockn);
    this.aiServices = new AiServiceTracing(lockn);
  }

  /**
   * Creates the adapter.
   *
   * @param lockn the LockN instance to record with (its budget admission, content capture and attribution apply)
   * @return the adapter
   */
  public static LockNLangChain4j create(LockN lockn) {
    return new LockNLangChain4j(Objects.requireNonNull(lockn, "lockn"));
  }

  /**
   * The LockN instance this adapter records with.
   *
   * @return the LockN
   */
  public LockN lockn() {
    return lockn;
  }

  /**
   * Wraps a chat model so that each call is recorded and admitted by the budget first.
   *
   * @param model the model
   * @return the instrumented model; {@code model} itself if it is already instrumented
   */
  public ChatModel decorate(ChatModel model) {
    Objects.requireNonNull(model, "model");
    return model instanceof InstrumentedChatModel ? model : new InstrumentedChatModel(model, lockn);
  }

  /**
   * Wraps a streaming chat model so that each call, its first chunk and its final usage are recorded, and the call
   * is admitted by the budget first.
   *
   * @param model the model
   * @return the instrumented model; {@code model} itself if it is already instrumented
   */
  public StreamingChatModel decorate(StreamingChatModel model) {
    Objects.requireNonNull(model, "model");
    return model instanceof InstrumentedStreamingChatModel ? model : new InstrumentedStreamingChatModel(model, lockn);
  }

  /**
   * A listener for {@code .listeners(...)} of any chat or streaming model builder. Shared and stateless.
   *
   * @return the listener
   */
  public ChatModelListener chatModelListener() {
    return chatModelListener;
  }

  /**
   * A listener for {@code .listeners(...)} of an embedding model builder, or {@code EmbeddingModel.addListener}.
   *
   * @return the listener
   */
  public EmbeddingModelListener embeddingModelListener() {
    return embeddingModelListener;
  }

  /**
   * Registers LockN's AI Service listeners and tool hooks on a builder. Call it before {@code build()}. It sets
   * {@code beforeToolExecution} and {@code afterToolExecution}; to keep hooks of your own, register them through
   * {@link #beforeToolExecution(Consumer)} and {@link #afterToolExecution(Consumer)} after this call.
   *
   * @param builder the AI Service builder
   * @param <T> the AI Service type
   * @return {@code builder}, for chaining
   */
  public <T> AiServices<T> instrument(AiServices<T> builder) {
    return builder
        .registerListeners(aiServices.listeners())
        .beforeToolExecution(aiServices.beforeTool())
        .afterToolExecution(aiServices.afterTool());
  }

  /** The tool hooks and invocation state, shared with {@link LockNAgentListener}. */
  AiServiceTracing aiServiceTracing() {
    return aiServices;
  }

  /**
   * The AI Service listeners {@link #instrument} registers, for frameworks that collect listener beans.
   *
   * @return the listeners, unmodifiable
   */
  public List<AiServiceListener<?>> aiServiceListeners() {
    return aiServices.listeners();
  }

  /**
   * LockN's before-tool hook followed by {@code hook}.
   *
   * @param hook the application's hook
   * @return the combined hook, for {@code AiServices.beforeToolExecution}
   */
  public Consumer<BeforeToolExecution> beforeToolExecution(Consumer<BeforeToolExecution> hook) {
    return aiServices.beforeTool().andThen(Objects.requireNonNull(hook, "hook"));
  }

  /**
   * {@code hook} followed by LockN's after-tool hook, so that the tool span covers the application's hook.
   *
   * @param hook the application's hook
   * @return the combined hook, for {@code AiServices.afterToolExecution}
   */
  public Consumer<ToolExecution> afterToolExecution(Consumer<ToolExecution> hook) {
    return Objects.requireNonNull(hook, "hook").andThen(aiServices.afterTool());
  }

  /**
   * An executor for {@code AiServices.executeToolsConcurrently(Executor)} that carries the submitting thread's
   * OpenTelemetry context (spans, Baggage attribution, experiment groups) into each tool execution.
   *
   * @param executor the executor that runs the tools
   * @return the context-propagating executor
   */
  public Executor contextPropagating(Executor executor) {
    return Context.taskWrapping(Objects.requireNonNull(executor, "executor"));
  }

  @Override
  public String toString() {
    return "LockNLangChain4j{" + lockn + "}";
  }
}
