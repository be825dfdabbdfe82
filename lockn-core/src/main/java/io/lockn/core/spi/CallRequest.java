package io.lockn.core.spi;

import io.lockn.core.internal.RecordingSpans;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A model call about to be made, as {@link CallAdmission#admit} sees it. LockN builds one for each call it admits; an
 * adapter that admits calls itself (a framework's advisor) builds one with {@link #builder}.
 *
 * <p>An interface, so that it can grow without breaking the code that builds or reads it; immutable.
 */
public interface CallRequest {

  /**
   * A builder. Everything else defaults to unknown or none: no input tokens, no output cap, no attribution, agent or
   * task, the invalid (all zeros) trace id, and no span to record the admission's decisions on.
   *
   * @param provider {@code gen_ai.provider.name}, possibly empty
   * @param requestModel {@code gen_ai.request.model}, possibly empty
   * @return the builder
   */
  static CallRequestBuilder builder(String provider, String requestModel) {
    return new CallRequestBuilder(provider, requestModel);
  }

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
   * The counted or estimated input tokens.
   *
   * @return the tokens, {@code >= 0}; 0 when unknown
   */
  long estimatedInputTokens();

  /**
   * {@code max_tokens}: the most output tokens the call may produce.
   *
   * @return the cap, or -1 when unknown
   */
  long maxOutputTokens();

  /**
   * The allowlisted business attribution from Baggage, sanitised ({@link io.lockn.core.AttributionKeys#toMap}).
   *
   * @return the values by attribute key (for example {@code app.tenant_id}); empty when there is none; immutable
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
   * The call's trace id.
   *
   * @return 32 lowercase hex characters; all zeros when tracing is off
   */
  String traceId();

  /**
   * The span on which the admission records what it decided about this call, as span events (a budget's alerts,
   * throttles, approvals and forecasts, whether found now or when the call is settled): the call's own span when it
   * is recording, else its nearest recording ancestor ({@link #recordingSpan}). LockN passes it for its own calls; an
   * adapter that admits calls itself passes the span its model call will run under.
   *
   * @return the span; {@link Span#getInvalid()} (the default) when none is recording, and nothing is recorded
   */
  default Span span() {
    return Span.getInvalid();
  }

  /**
   * The span an adapter gives {@link CallRequestBuilder#span} for a call made in {@code context}: the context's span
   * when it is recording; otherwise the closest recording LockN operation (agent, task, workflow) above it; otherwise
   * {@link Span#getInvalid()}. The same rule puts an unsampled call's cost in its nearest recording ancestor's
   * roll-up.
   *
   * @param context the context the model call is made in, usually {@link Context#current()}
   * @return the span, possibly invalid
   */
  static Span recordingSpan(Context context) {
    return RecordingSpans.nearest(context);
  }
}
