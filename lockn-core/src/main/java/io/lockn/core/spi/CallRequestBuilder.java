package io.lockn.core.spi;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.TraceId;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** Builds a {@link CallRequest}; each setter checks its value. Not thread-safe. */
public final class CallRequestBuilder {

  private final String provider;
  private final String requestModel;
  private long estimatedInputTokens;
  private long maxOutputTokens = -1;
  private Map<String, String> attribution = Map.of();
  private @Nullable String agentName;
  private @Nullable String taskName;
  private String traceId = TraceId.getInvalid();
  private Span span = Span.getInvalid();

  CallRequestBuilder(String provider, String requestModel) {
    this.provider = Objects.requireNonNull(provider, "provider");
    this.requestModel = Objects.requireNonNull(requestModel, "requestModel");
  }

  /**
   * Sets the counted or estimated input tokens. Defaults to 0, unknown.
   *
   * @param tokens the tokens, {@code >= 0}
   * @return this builder
   * @throws IllegalArgumentException if {@code tokens < 0}
   */
  public CallRequestBuilder estimatedInputTokens(long tokens) {
    if (tokens < 0) {
      throw new IllegalArgumentException("estimatedInputTokens < 0");
    }
    this.estimatedInputTokens = tokens;
    return this;
  }

  /**
   * Sets {@code max_tokens}. Defaults to -1, unknown.
   *
   * @param tokens the cap, {@code >= 0}, or -1 when unknown
   * @return this builder
   * @throws IllegalArgumentException if {@code tokens < -1}
   */
  public CallRequestBuilder maxOutputTokens(long tokens) {
    if (tokens < -1) {
      throw new IllegalArgumentException("maxOutputTokens < -1");
    }
    this.maxOutputTokens = tokens;
    return this;
  }

  /**
   * Sets the business attribution, by attribute key, as {@link io.lockn.core.AttributionKeys#toMap} reads it from
   * Baggage. Defaults to none.
   *
   * @param attribution the attribution; copied
   * @return this builder
   */
  public CallRequestBuilder attribution(Map<String, String> attribution) {
    this.attribution = Map.copyOf(Objects.requireNonNull(attribution, "attribution"));
    return this;
  }

  /**
   * Sets the nearest enclosing agent.
   *
   * @param agentName the agent, or {@code null}
   * @return this builder
   */
  public CallRequestBuilder agentName(@Nullable String agentName) {
    this.agentName = agentName;
    return this;
  }

  /**
   * Sets the enclosing task.
   *
   * @param taskName the task, or {@code null}
   * @return this builder
   */
  public CallRequestBuilder taskName(@Nullable String taskName) {
    this.taskName = taskName;
    return this;
  }

  /**
   * Sets the call's trace id, which per-trace budgets and the runaway kill switch key on. Defaults to the invalid
   * (all zeros) id.
   *
   * @param traceId the id, for example {@code Span.current().getSpanContext().getTraceId()}
   * @return this builder
   */
  public CallRequestBuilder traceId(String traceId) {
    this.traceId = Objects.requireNonNull(traceId, "traceId");
    return this;
  }

  /**
   * Sets the span on which the admission records what it decided about the call ({@link CallRequest#span()}).
   * Defaults to {@link Span#getInvalid()}: nothing is recorded.
   *
   * @param span the call's span when it is recording, else its nearest recording ancestor, for example {@code
   *     CallRequest.recordingSpan(Context.current())}
   * @return this builder
   */
  public CallRequestBuilder span(Span span) {
    this.span = Objects.requireNonNull(span, "span");
    return this;
  }

  /**
   * Builds the request.
   *
   * @return the request
   */
  public CallRequest build() {
    return new Built(this);
  }

  private static final class Built implements CallRequest {
    private final String provider;
    private final String requestModel;
    private final long estimatedInputTokens;
    private final long maxOutputTokens;
    private final Map<String, String> attribution;
    private final @Nullable String agentName;
    private final @Nullable String taskName;
    private final String traceId;
    private final Span span;

    Built(CallRequestBuilder b) {
      this.provider = b.provider;
      this.requestModel = b.requestModel;
      this.estimatedInputTokens = b.estimatedInputTokens;
      this.maxOutputTokens = b.maxOutputTokens;
      this.attribution = b.attribution;
      this.agentName = b.agentName;
      this.taskName = b.taskName;
      this.traceId = b.traceId;
      this.span = b.span;
    }

    @Override
    public String provider() {
      return provider;
    }

    @Override
    public String requestModel() {
      return requestModel;
    }

    @Override
    public long estimatedInputTokens() {
      return estimatedInputTokens;
    }

    @Override
    public long maxOutputTokens() {
      return maxOutputTokens;
    }

    @Override
    public Map<String, String> attribution() {
      return attribution;
    }

    @Override
    public @Nullable String agentName() {
      return agentName;
    }

    @Override
    public @Nullable String taskName() {
      return taskName;
    }

    @Override
    public String traceId() {
      return traceId;
    }

    @Override
    public Span span() {
      return span;
    }

    @Override
    public String toString() {
      return "CallRequest{" + provider + "/" + requestModel + ", in=" + estimatedInputTokens + ", max="
          + maxOutputTokens + ", attribution=" + attribution + ", agent=" + agentName + ", task=" + taskName
          + ", trace=" + traceId + "}";
    }
  }
}
