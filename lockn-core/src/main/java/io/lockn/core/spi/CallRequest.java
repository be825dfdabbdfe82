package io.lockn.core.spi;

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
   * task, and the invalid (all zeros) trace id.
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
}
