package io.lockn.core;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A running model call. Record what the response says on it before closing it; everything recorded goes on the span
 * when it ends, together with the metrics. Methods may be called from any thread (streaming callbacks) and never
 * throw.
 */
public interface LlmCall extends LockNScope {

  /**
   * Records the call's token usage, replacing any usage recorded before. Streaming code that receives usage in parts
   * should add them with {@link TokenUsage#plus(TokenUsage)} first.
   *
   * @param usage the usage
   * @return this call
   */
  LlmCall recordUsage(TokenUsage usage);

  /**
   * Records a cost the provider reported with the response, such as OpenRouter's {@code usage.cost}; pricing uses it
   * instead of the catalog. Recorded as {@code lockn.cost.reported_nanos}, rounded HALF_EVEN to the nano-USD.
   *
   * @param usd the reported cost in USD; negative values are ignored
   * @return this call
   */
  LlmCall providerReportedCost(java.math.BigDecimal usd);

  /**
   * Records the service tier that served the call ({@code flex}, {@code priority}, {@code batch}, {@code default}...),
   * as the provider's response reports it; pricing applies the tier's price. Recorded as {@code
   * openai.response.service_tier} for OpenAI and Azure OpenAI, as {@code lockn.service_tier} for other providers.
   *
   * @param serviceTier the tier
   * @return this call
   */
  LlmCall serviceTier(String serviceTier);

  /**
   * Records {@code gen_ai.response.model}. A model of another family than the request model (after removing date and
   * version suffixes) marks the span {@code lockn.model.substituted=true}.
   *
   * @param responseModel the model that answered
   * @return this call
   */
  LlmCall responseModel(String responseModel);

  /**
   * Records {@code gen_ai.response.id}.
   *
   * @param responseId the provider's completion id
   * @return this call
   */
  LlmCall responseId(String responseId);

  /**
   * Records {@code gen_ai.response.finish_reasons}, one per choice.
   *
   * @param finishReasons the finish reasons, for example {@code stop} or {@code length}
   * @return this call
   */
  LlmCall finishReasons(List<String> finishReasons);

  /**
   * Records a single finish reason.
   *
   * @param finishReason the finish reason
   * @return this call
   */
  LlmCall finishReason(String finishReason);

  /**
   * Records that a cache served the call: {@code lockn.cache.hit=true} and {@code lockn.cache.type}. A provider cache
   * hit is also recorded automatically when the usage has cache-read tokens.
   *
   * @param type where the cached answer came from
   * @return this call
   */
  LlmCall cacheHit(CacheType type);

  /**
   * Records that the first chunk of a streamed response arrived now: {@code gen_ai.response.time_to_first_chunk}.
   * Only the first call counts.
   *
   * @return this call
   */
  LlmCall firstChunkReceived();

  /**
   * Records {@code gen_ai.embeddings.dimension.count}.
   *
   * @param dimensions the embedding dimensions
   * @return this call
   */
  LlmCall embeddingDimensions(int dimensions);

  /**
   * Records {@code gen_ai.output.messages}; recorded only when content capture is enabled.
   *
   * @param messages the messages the model returned
   * @return this call
   */
  LlmCall outputMessages(List<GenAiMessage> messages);

  /**
   * Emits a {@code gen_ai.evaluation.result} event for this call, for example a user's thumbs-up or an LLM judge's
   * score. May be called after the call ended.
   *
   * @param result the evaluation
   * @return this call
   */
  LlmCall recordEvaluation(EvaluationResult result);

  /**
   * The requested model.
   *
   * @return the request model, empty for a no-op call
   */
  String requestModel();

  /**
   * The model to call: the request model, unless the call's admission policy (budgets) throttled it to a cheaper
   * one. Adapters and applications that honour throttling send this model to the provider.
   *
   * <pre>{@code
   * lockn.chat(GenAiProvider.OPENAI, "gpt-4o").maxTokens(512).supply(() ->
   *     client.chat(lockn.currentLlmCall().admittedModel(), prompt));
   * }</pre>
   *
   * @return the admitted model, empty for a no-op call
   */
  String admittedModel();

  /**
   * The response model recorded so far.
   *
   * @return the response model, or {@code null}
   */
  @Nullable String responseModel();

  /**
   * The usage recorded so far.
   *
   * @return the usage, {@link TokenUsage#EMPTY} if none
   */
  TokenUsage usage();

  /**
   * The attempt number: 1 for a first attempt, 2 for its first retry.
   *
   * @return the attempt number
   */
  int attempt();

  /**
   * The fallback depth: 0 for a call that is no fallback.
   *
   * @return the fallback depth
   */
  int fallbackDepth();
}
