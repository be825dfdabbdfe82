package io.lockn.core;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import java.util.List;

/**
 * A model call (inference or embeddings, CLIENT, named {@code {operation} {request model}}) not started yet.
 *
 * <p>Everything a sampler may look at (operation, provider, request model, server address and port, and the
 * attribution from Baggage) is set on the span builder before the span starts. Not thread-safe until started.
 *
 * <p>When LockN is built with a {@link io.lockn.core.spi.CallAdmission} (budgets), starting the call asks it for
 * admission: the call may be throttled to a cheaper model, which the code must then use ({@link
 * LlmCall#admittedModel()}), or blocked, in which case {@code start()}, {@code startDetached()}, {@code run}, {@code
 * supply}, {@code call} and {@code callAsync} throw a {@link BudgetExceededException} before the application's code
 * runs.
 */
public interface LlmCallSpec extends OperationSpec<LlmCall> {

  /**
   * Sets {@code server.address} and {@code server.port}.
   *
   * @param address the host name or address
   * @param port the port
   * @return this spec
   */
  LlmCallSpec server(String address, int port);

  /**
   * Sets {@code gen_ai.request.max_tokens}.
   *
   * @param maxTokens the maximum number of output tokens
   * @return this spec
   */
  LlmCallSpec maxTokens(long maxTokens);

  /**
   * Sets the number of input tokens the call will send, as counted or estimated before the call. It is not recorded
   * on the span (the response's usage is); the call's admission policy (budgets) uses it with {@link
   * #maxTokens(long)} to estimate and reserve the call's maximum cost. Unknown (0) by default; negative values are
   * recorded as 0. When it is not set, the call has {@link #inputMessages input messages} and an admission policy is
   * configured, LockN asks the configured {@link io.lockn.core.spi.TokenCounter} instead; a value set here always
   * wins over the count.
   *
   * @param inputTokens the estimated input tokens
   * @return this spec
   */
  LlmCallSpec estimatedInputTokens(long inputTokens);

  /**
   * Marks the call as observed only, for instrumentation that watches a call it cannot stop (a framework listener).
   * A BLOCK decision of the admission policy is then not thrown: the span gets the {@code lockn.budget.exceeded}
   * event and {@code lockn.budget.enforced=false}, and the call is recorded as usual, usage and cost included. The
   * blocked call holds no reservation, so its spend is not charged to the budget's ledger.
   *
   * @return this spec
   */
  LlmCallSpec unenforced();

  /**
   * Records the call without asking the admission policy, for instrumentation whose framework hook already admitted
   * it (a Spring AI advisor, say) and settles the admission itself: asking again would reserve and charge the call
   * twice.
   *
   * @return this spec
   */
  LlmCallSpec admittedElsewhere();

  /**
   * Sets {@code gen_ai.request.temperature}.
   *
   * @param temperature the temperature
   * @return this spec
   */
  LlmCallSpec temperature(double temperature);

  /**
   * Sets {@code gen_ai.request.top_p}.
   *
   * @param topP the top-p value
   * @return this spec
   */
  LlmCallSpec topP(double topP);

  /**
   * Marks the call as streamed: {@code gen_ai.request.stream=true}.
   *
   * @param stream whether the response is streamed
   * @return this spec
   */
  LlmCallSpec stream(boolean stream);

  /**
   * Sets {@code gen_ai.conversation.id}.
   *
   * @param conversationId the conversation or session id
   * @return this spec
   */
  LlmCallSpec conversationId(String conversationId);

  /**
   * Marks this call as a retry of {@code previous}: {@code lockn.retry.attempt} is one more than the previous
   * attempt's and {@code lockn.retry.first_span_id} names the first attempt's span. Each attempt keeps its own span.
   *
   * @param previous the attempt this call retries
   * @return this spec
   */
  LlmCallSpec retryOf(LlmCall previous);

  /**
   * Marks this call as a fallback from {@code failed}, usually to another model: {@code lockn.fallback.depth} is one
   * more than the failed call's depth and {@code lockn.fallback.from_model} is its request model.
   *
   * @param failed the call that failed
   * @return this spec
   */
  LlmCallSpec fallbackFrom(LlmCall failed);

  /**
   * Identifies the prompt (for example a hash of the system prompt and tools) so that LockN can infer unreported
   * cache hits: when the input tokens for the same key drop well below their running expectation the span gets
   * {@code lockn.cache.hit_inferred=true}.
   *
   * @param promptKey a stable key for the prompt
   * @return this spec
   */
  LlmCallSpec promptKey(String promptKey);

  /**
   * Sets {@code gen_ai.input.messages}; recorded only when content capture is enabled. When an admission policy and
   * a {@link io.lockn.core.spi.TokenCounter} are configured and no {@link #estimatedInputTokens(long)} was given, the
   * messages are also counted for the admission estimate.
   *
   * @param messages the chat history sent to the model
   * @return this spec
   */
  LlmCallSpec inputMessages(List<GenAiMessage> messages);

  /**
   * Sets an extra span attribute.
   *
   * @param key the key
   * @param value the value
   * @param <T> the attribute type
   * @return this spec
   */
  <T> LlmCallSpec attribute(AttributeKey<T> key, T value);

  /**
   * Sets the parent context instead of {@link Context#current()}.
   *
   * @param parent the parent context
   * @return this spec
   */
  LlmCallSpec parent(Context parent);
}
