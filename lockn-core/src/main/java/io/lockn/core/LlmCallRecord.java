package io.lockn.core;

import io.opentelemetry.api.trace.SpanContext;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What LockN recorded for one finished model call, as handed to {@link LockNListener#onLlmCallEnded}: the same
 * values its span, its metrics and its budget settlement were given, including the one {@link #cost()} the call was
 * priced at. An interface, so that it can grow without breaking implementations of listeners; immutable.
 */
public interface LlmCallRecord {

  /**
   * The operation.
   *
   * @return the operation
   */
  GenAiOperation operation();

  /**
   * {@code gen_ai.provider.name}.
   *
   * @return the provider
   */
  String provider();

  /**
   * {@code gen_ai.request.model}.
   *
   * @return the request model, possibly empty
   */
  String requestModel();

  /**
   * The model the call was admitted with: the request model, or the cheaper one a budget throttled it to ({@code
   * lockn.budget.admitted_model}).
   *
   * @return the admitted model
   */
  String admittedModel();

  /**
   * {@code gen_ai.response.model}.
   *
   * @return the response model, or {@code null} if none was recorded
   */
  @Nullable String responseModel();

  /**
   * The token usage.
   *
   * @return the usage, {@link TokenUsage#EMPTY} if none was recorded
   */
  TokenUsage usage();

  /**
   * The service tier that served the call ({@link LlmCall#serviceTier(String)}).
   *
   * @return the tier, or {@code null} if none was recorded
   */
  @Nullable String serviceTier();

  /**
   * The call's cost, priced once when it ended.
   *
   * @return the cost; {@link CallCost#notPriced()} when no pricing is configured or no usage was recorded
   */
  CallCost cost();

  /**
   * How long the call took.
   *
   * @return the duration
   */
  Duration duration();

  /**
   * {@code error.type}.
   *
   * @return the error type, or {@code null} if the call succeeded
   */
  @Nullable String errorType();

  /**
   * The business attribution copied from Baggage (and set explicitly on the call), by attribute key.
   *
   * @return the attribution, possibly empty
   */
  Map<String, String> attribution();

  /**
   * The nearest enclosing agent.
   *
   * @return the agent, or {@code null}
   */
  @Nullable String agentName();

  /**
   * The enclosing task.
   *
   * @return the task, or {@code null}
   */
  @Nullable String taskName();

  /**
   * The attempt number.
   *
   * @return 1 for a first attempt
   */
  int attempt();

  /**
   * The fallback depth.
   *
   * @return 0 for no fallback
   */
  int fallbackDepth();

  /**
   * The cache that served the call.
   *
   * @return the cache type, or {@code null}
   */
  @Nullable CacheType cacheType();

  /**
   * The call's span; invalid when tracing is off.
   *
   * @return the span context
   */
  SpanContext spanContext();
}
