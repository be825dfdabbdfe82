package io.lockn.core.spi;

import io.lockn.core.GenAiOperation;
import io.lockn.core.TokenUsage;
import io.opentelemetry.api.trace.Span;
import org.jspecify.annotations.Nullable;

/**
 * A model call that has ended, as {@link CallPricing#price} and {@link Admission#complete} see it: everything its cost
 * depends on, read once when the call ended. LockN builds one for each of its own calls; an adapter that records calls
 * LockN did not start (a framework's own span) builds one with {@link #builder}.
 *
 * <p>An interface, so that it can grow without breaking implementations; immutable.
 */
public interface EndedCall {

  /**
   * A builder, for adapters that price or settle calls LockN did not start.
   *
   * @param operation the operation, an inference or embeddings operation
   * @param provider {@code gen_ai.provider.name}
   * @param requestModel {@code gen_ai.request.model}, possibly empty
   * @return the builder
   */
  static EndedCallBuilder builder(GenAiOperation operation, String provider, String requestModel) {
    return new EndedCallBuilder(operation, provider, requestModel);
  }

  /**
   * The operation.
   *
   * @return an inference or embeddings operation
   */
  GenAiOperation operation();

  /**
   * {@code gen_ai.provider.name}.
   *
   * @return the provider, possibly empty
   */
  String provider();

  /**
   * {@code gen_ai.request.model}.
   *
   * @return the request model, possibly empty
   */
  String requestModel();

  /**
   * The model the call was sent with: the request model, or the cheaper one a budget throttled it to.
   *
   * @return the admitted model, possibly empty
   */
  String admittedModel();

  /**
   * {@code gen_ai.response.model}: the model that answered, which a gateway may have changed.
   *
   * @return the response model, or {@code null} if none was recorded
   */
  @Nullable String responseModel();

  /**
   * The usage the provider reported.
   *
   * @return the usage, {@link TokenUsage#EMPTY} if none was recorded
   */
  TokenUsage usage();

  /**
   * Whether the call recorded usage at all: a call that recorded none is not priced (unless its provider reported a
   * cost), where a call that recorded zero tokens costs $0.
   *
   * @return {@code true} when usage was recorded
   */
  boolean hasUsage();

  /**
   * The service tier that served the call ({@code flex}, {@code priority}, {@code batch}...).
   *
   * @return the tier, or {@code null} for the default tier or when none was recorded
   */
  @Nullable String serviceTier();

  /**
   * A cost the provider reported with the response (OpenRouter's {@code usage.cost}, say), which wins over any
   * catalog price.
   *
   * @return the cost in nano-USD, or -1 when none was reported
   */
  long reportedCostNanos();

  /**
   * When the call started, in nanoseconds since the epoch: the time its prices are looked up at. For a recorded span
   * this is the span's start timestamp when the implementation can read it; otherwise the JVM's wall clock.
   *
   * @return the start time
   */
  long startEpochNanos();

  /**
   * {@code error.type}.
   *
   * @return the error type, or {@code null} if the call succeeded
   */
  @Nullable String errorType();

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
   * The call's business attribution for one key: its allowlisted Baggage entry, or the value set explicitly on the
   * call, sanitised.
   *
   * @param attributeKey an attribution attribute key, for example {@code app.tenant_id}
   * @return the value, or {@code null}
   */
  @Nullable String attribution(String attributeKey);

  /**
   * The call's span, still open: cost attributes written on it before it ends reach its exporters. It may be
   * non-recording (an unsampled call); the call is priced all the same.
   *
   * @return the span; {@link Span#getInvalid()} when there is none
   */
  Span span();

  /**
   * The nearest enclosing span that is recording, where the cost of a call whose own span is not recording is rolled
   * up: the call's parent, or, when that is not recording, the closest recording LockN operation above it.
   *
   * @return the span; {@link Span#getInvalid()} when none is recording
   */
  Span recordingAncestor();
}
