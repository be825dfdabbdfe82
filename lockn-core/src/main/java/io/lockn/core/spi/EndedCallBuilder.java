package io.lockn.core.spi;

import io.lockn.core.GenAiOperation;
import io.lockn.core.TokenUsage;
import io.opentelemetry.api.trace.Span;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** Builds an {@link EndedCall} for a call LockN did not start. Not thread-safe. */
public final class EndedCallBuilder {

  private final GenAiOperation operation;
  private final String provider;
  private final String requestModel;
  private @Nullable String admittedModel;
  private @Nullable String responseModel;
  private @Nullable TokenUsage usage;
  private @Nullable String serviceTier;
  private long reportedCostNanos = -1;
  private long startEpochNanos = -1;
  private @Nullable String errorType;
  private @Nullable String agentName;
  private @Nullable String taskName;
  private Map<String, String> attribution = Map.of();
  private Span span = Span.getInvalid();
  private Span recordingAncestor = Span.getInvalid();

  EndedCallBuilder(GenAiOperation operation, String provider, String requestModel) {
    this.operation = Objects.requireNonNull(operation, "operation");
    this.provider = Objects.requireNonNull(provider, "provider");
    this.requestModel = Objects.requireNonNull(requestModel, "requestModel");
  }

  /**
   * Sets the model the call was sent with, when a budget throttled it. Defaults to the request model.
   *
   * @param admittedModel the model
   * @return this builder
   */
  public EndedCallBuilder admittedModel(String admittedModel) {
    this.admittedModel = Objects.requireNonNull(admittedModel, "admittedModel");
    return this;
  }

  /**
   * Sets the response model.
   *
   * @param responseModel the model that answered, or {@code null}
   * @return this builder
   */
  public EndedCallBuilder responseModel(@Nullable String responseModel) {
    this.responseModel = responseModel == null || responseModel.isEmpty() ? null : responseModel;
    return this;
  }

  /**
   * Sets the usage.
   *
   * @param usage the usage, or {@code null} when none was reported
   * @return this builder
   */
  public EndedCallBuilder usage(@Nullable TokenUsage usage) {
    this.usage = usage;
    return this;
  }

  /**
   * Sets the service tier that served the call.
   *
   * @param serviceTier the tier, or {@code null}
   * @return this builder
   */
  public EndedCallBuilder serviceTier(@Nullable String serviceTier) {
    this.serviceTier = serviceTier;
    return this;
  }

  /**
   * Sets the cost the provider reported.
   *
   * @param nanos the cost in nano-USD, {@code >= 0}
   * @return this builder
   * @throws IllegalArgumentException if it is negative
   */
  public EndedCallBuilder reportedCostNanos(long nanos) {
    if (nanos < 0) {
      throw new IllegalArgumentException("reportedCostNanos < 0");
    }
    this.reportedCostNanos = nanos;
    return this;
  }

  /**
   * Sets when the call started. Defaults to now, by the JVM's wall clock, when built.
   *
   * @param epochNanos nanoseconds since the epoch
   * @return this builder
   */
  public EndedCallBuilder startEpochNanos(long epochNanos) {
    this.startEpochNanos = epochNanos;
    return this;
  }

  /**
   * Sets the error type of a failed call.
   *
   * @param errorType the type, or {@code null} for a success
   * @return this builder
   */
  public EndedCallBuilder errorType(@Nullable String errorType) {
    this.errorType = errorType;
    return this;
  }

  /**
   * Sets the enclosing agent.
   *
   * @param agentName the agent, or {@code null}
   * @return this builder
   */
  public EndedCallBuilder agentName(@Nullable String agentName) {
    this.agentName = agentName;
    return this;
  }

  /**
   * Sets the enclosing task.
   *
   * @param taskName the task, or {@code null}
   * @return this builder
   */
  public EndedCallBuilder taskName(@Nullable String taskName) {
    this.taskName = taskName;
    return this;
  }

  /**
   * Sets the business attribution, by attribute key (as {@code CallRequest#attribution()} has it).
   *
   * @param attribution the attribution; copied
   * @return this builder
   */
  public EndedCallBuilder attribution(Map<String, String> attribution) {
    this.attribution = Map.copyOf(Objects.requireNonNull(attribution, "attribution"));
    return this;
  }

  /**
   * Sets the call's span, still open, which pricing writes the cost on. Its parent is where a non-recording call's
   * cost is rolled up; see {@link #recordingAncestor(Span)}.
   *
   * @param span the span
   * @return this builder
   */
  public EndedCallBuilder span(Span span) {
    this.span = Objects.requireNonNull(span, "span");
    return this;
  }

  /**
   * Sets the nearest recording span above the call, for a call whose own span is not recording.
   *
   * @param ancestor the span
   * @return this builder
   */
  public EndedCallBuilder recordingAncestor(Span ancestor) {
    this.recordingAncestor = Objects.requireNonNull(ancestor, "ancestor");
    return this;
  }

  /**
   * Builds the call.
   *
   * @return the call
   */
  public EndedCall build() {
    return new Built(this);
  }

  private static final class Built implements EndedCall {
    private final GenAiOperation operation;
    private final String provider;
    private final String requestModel;
    private final String admittedModel;
    private final @Nullable String responseModel;
    private final @Nullable TokenUsage usage;
    private final @Nullable String serviceTier;
    private final long reportedCostNanos;
    private final long startEpochNanos;
    private final @Nullable String errorType;
    private final @Nullable String agentName;
    private final @Nullable String taskName;
    private final Map<String, String> attribution;
    private final Span span;
    private final Span recordingAncestor;

    Built(EndedCallBuilder b) {
      this.operation = b.operation;
      this.provider = b.provider;
      this.requestModel = b.requestModel;
      this.admittedModel = b.admittedModel != null ? b.admittedModel : b.requestModel;
      this.responseModel = b.responseModel;
      this.usage = b.usage;
      this.serviceTier = b.serviceTier;
      this.reportedCostNanos = b.reportedCostNanos;
      this.startEpochNanos = b.startEpochNanos >= 0 ? b.startEpochNanos : System.currentTimeMillis() * 1_000_000L;
      this.errorType = b.errorType;
      this.agentName = b.agentName;
      this.taskName = b.taskName;
      this.attribution = b.attribution;
      this.span = b.span;
      this.recordingAncestor = b.recordingAncestor;
    }

    @Override
    public GenAiOperation operation() {
      return operation;
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
    public String admittedModel() {
      return admittedModel;
    }

    @Override
    public @Nullable String responseModel() {
      return responseModel;
    }

    @Override
    public TokenUsage usage() {
      return usage != null ? usage : TokenUsage.EMPTY;
    }

    @Override
    public boolean hasUsage() {
      return usage != null;
    }

    @Override
    public @Nullable String serviceTier() {
      return serviceTier;
    }

    @Override
    public long reportedCostNanos() {
      return reportedCostNanos;
    }

    @Override
    public long startEpochNanos() {
      return startEpochNanos;
    }

    @Override
    public @Nullable String errorType() {
      return errorType;
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
    public @Nullable String attribution(String attributeKey) {
      return attribution.get(attributeKey);
    }

    @Override
    public Span span() {
      return span;
    }

    @Override
    public Span recordingAncestor() {
      return recordingAncestor;
    }

    @Override
    public String toString() {
      return "EndedCall{" + operation.value() + " " + provider + "/" + requestModel
          + (responseModel != null ? " -> " + responseModel : "") + ", usage=" + usage + "}";
    }
  }
}
