package io.lockn.core.internal;

import io.lockn.core.AgentSpec;
import io.lockn.core.Attribution;
import io.lockn.core.AttributionKeys;
import io.lockn.core.ContentCapture;
import io.lockn.core.EvaluationResult;
import io.lockn.core.GenAiAttributes;
import io.lockn.core.GenAiOperation;
import io.lockn.core.LlmCall;
import io.lockn.core.LlmCallSpec;
import io.lockn.core.LockN;
import io.lockn.core.LockNListener;
import io.lockn.core.SemconvProfile;
import io.lockn.core.TaskSpec;
import io.lockn.core.ToolSpec;
import io.lockn.core.WorkflowSpec;
import io.lockn.core.spi.CallAdmission;
import io.lockn.core.spi.CallPricing;
import io.lockn.core.spi.ScopeBinder;
import io.lockn.core.spi.TokenCounter;
import io.lockn.core.spi.UsageLogger;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.logs.LogRecordBuilder;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.LoggerProvider;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.Context;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The recording {@link LockN}: turns specs into spans on the configured tracer and records metrics on the
 * configured meter. Immutable after construction; shared by all threads. {@code LockNBuilder} creates it through
 * {@link LockNConfig#newLockN()}, so that its package-private state stays readable by the handles and specs of this
 * package only.
 *
 * <p>Each extension point the application configures (admission, token counter, pricing, listeners) is wrapped once
 * here in its {@code Guarded*} decorator, so that the call path calls it without catch blocks of its own.
 */
final class TracingLockN implements LockN {

  /** The instrumentation scope name of LockN's tracer, meter and logger. */
  static final String INSTRUMENTATION_NAME = "io.lockn.core";

  final Tracer tracer;
  final Logger eventLogger;
  final GenAiMetrics metrics;
  final SemconvProfile profile;
  final ContentCapture contentCapture;
  final List<LockNListener> listeners;
  /** The attribution allowlist, which also copies Baggage onto spans and admission requests. */
  final AttributionKeys attribution;
  final PromptCacheInference cacheInference;
  final CallAdmission callAdmission;
  final TokenCounter tokenCounter;
  final CallPricing callPricing;
  /** Binds workflow, agent, task and tool scopes to a framework's notion of current; {@code null} for none. */
  final @Nullable ScopeBinder scopeBinder;

  /** Creates the recording LockN from the configuration {@code LockNBuilder} validated. */
  TracingLockN(LockNConfig config) {
    OpenTelemetry otel = config.openTelemetry();
    String version = Version.get();
    // A broken SDK component (a metric reader that throws while instruments are created, say) costs that signal,
    // never the application's start-up: each signal falls back to its no-op on failure.
    Tracer t;
    try {
      t = otel.tracerBuilder(INSTRUMENTATION_NAME).setInstrumentationVersion(version).build();
    } catch (RuntimeException e) {
      UsageLogger.failed("creating LockN's tracer; spans are not recorded", e);
      t = TracerProvider.noop().get(INSTRUMENTATION_NAME);
    }
    this.tracer = t;
    Logger l;
    try {
      l = otel.getLogsBridge().loggerBuilder(INSTRUMENTATION_NAME).setInstrumentationVersion(version).build();
    } catch (RuntimeException e) {
      UsageLogger.failed("creating LockN's event logger; evaluation events are not recorded", e);
      l = LoggerProvider.noop().get(INSTRUMENTATION_NAME);
    }
    this.eventLogger = l;
    GenAiMetrics m;
    try {
      m = new GenAiMetrics(
          otel.meterBuilder(INSTRUMENTATION_NAME).setInstrumentationVersion(version).build(), config);
    } catch (RuntimeException e) {
      UsageLogger.failed("creating LockN's instruments; metrics are not recorded", e);
      m = new GenAiMetrics(MeterProvider.noop().get(INSTRUMENTATION_NAME), config);
    }
    this.metrics = m;
    this.profile = config.semconvProfile();
    this.contentCapture = config.contentCapture();
    this.listeners = GuardedLockNListener.wrapAll(config.listeners());
    this.attribution = config.attributionKeys();
    this.cacheInference = new PromptCacheInference(config.cacheInferenceRatio());
    this.callAdmission = GuardedCallAdmission.wrap(config.callAdmission());
    this.tokenCounter = GuardedTokenCounter.wrap(config.tokenCounter());
    this.callPricing = GuardedCallPricing.wrap(config.callPricing());
    this.scopeBinder = config.scopeBinder();
  }

  /** The last model call's span name, by operation and model: a racy hint that saves building it per call. */
  private record SpanName(GenAiOperation operation, String model, String name) {}

  private volatile @Nullable SpanName lastSpanName;

  /** A model call's span name, {@code "{operation} {model}"} (the operation alone without a model). */
  String modelCallSpanName(GenAiOperation operation, String model) {
    if (model.isEmpty()) {
      return operation.value();
    }
    SpanName last = lastSpanName;
    if (last != null && last.operation == operation && last.model.equals(model)) {
      return last.name;
    }
    String name = operation.value() + " " + model;
    lastSpanName = new SpanName(operation, model, name);
    return name;
  }

  @Override
  public WorkflowSpec workflow(String name) {
    return new RecordingSpec.Operation(this, RecordingSpec.Kind.WORKFLOW, name(name, "workflow"), null);
  }

  @Override
  public AgentSpec agent(String name) {
    return new RecordingSpec.Operation(this, RecordingSpec.Kind.AGENT, name(name, "agent"), null);
  }

  @Override
  public AgentSpec createAgent(String provider, String name) {
    return new RecordingSpec.Operation(
        this, RecordingSpec.Kind.CREATE_AGENT, name(name, "agent"), name(provider, "provider"));
  }

  @Override
  public TaskSpec task(String name) {
    return new RecordingSpec.Operation(this, RecordingSpec.Kind.TASK, name(name, "task"), null);
  }

  @Override
  public ToolSpec tool(String name) {
    return new RecordingSpec.Tool(this, name(name, "tool"));
  }

  @Override
  public LlmCallSpec chat(String provider, String requestModel) {
    return llm(GenAiOperation.CHAT, provider, requestModel);
  }

  @Override
  public LlmCallSpec llm(GenAiOperation operation, String provider, String requestModel) {
    GenAiOperation op = operation != null ? operation : GenAiOperation.CHAT;
    if (!op.isInference() && op != GenAiOperation.EMBEDDINGS) {
      UsageLogger.warn("llm(" + op + ", ...) is not a model call; recorded as chat");
      op = GenAiOperation.CHAT;
    }
    return new RecordingSpec.ModelCall(
        this, op, name(provider, "provider"), Objects.requireNonNullElse(
            Strings.sanitize(requestModel, Limits.MAX_MODEL_LENGTH), ""));
  }

  @Override
  public LlmCallSpec embeddings(String provider, String requestModel) {
    return llm(GenAiOperation.EMBEDDINGS, provider, requestModel);
  }

  @Override
  public LlmCall currentLlmCall() {
    OperationHandle handle = OperationHandle.fromContext(Context.current());
    return handle instanceof LlmCall call ? call : NoopScope.INSTANCE;
  }

  @Override
  public Attribution attribution() {
    return new BaggageAttributionScope(attribution);
  }

  @Override
  public <T> T instrument(Class<T> type, T implementation) {
    return AnnotatedProxy.create(this, type, implementation);
  }

  @Override
  public void recordEvaluation(SpanContext call, @Nullable String responseId, EvaluationResult result) {
    try {
      if (call == null || result == null) {
        UsageLogger.warn("recordEvaluation needs a span context and a result; ignored");
        return;
      }
      LogRecordBuilder b =
          eventLogger
              .logRecordBuilder()
              .setEventName(GenAiAttributes.EVALUATION_RESULT_EVENT)
              .setContext(Context.root().with(Span.wrap(call)))
              .setAttribute(GenAiAttributes.GEN_AI_EVALUATION_NAME, result.name());
      if (result.score() != null) {
        b.setAttribute(GenAiAttributes.GEN_AI_EVALUATION_SCORE_VALUE, result.score());
      }
      if (result.label() != null) {
        b.setAttribute(GenAiAttributes.GEN_AI_EVALUATION_SCORE_LABEL, result.label());
      }
      if (result.explanation() != null) {
        b.setAttribute(
            GenAiAttributes.GEN_AI_EVALUATION_EXPLANATION,
            Strings.truncate(result.explanation(), ContentCapture.DEFAULT_MAX_LENGTH,
                ContentCapture.TRUNCATION_MARKER));
      }
      if (responseId != null) {
        b.setAttribute(GenAiAttributes.GEN_AI_RESPONSE_ID, responseId);
      }
      b.emit();
    } catch (Throwable t) {
      UsageLogger.failed("recordEvaluation", t);
    }
  }

  @Override
  public boolean isEnabled() {
    return true;
  }

  private static String name(@Nullable String value, String what) {
    String clean = Strings.sanitize(value, Limits.MAX_NAME_LENGTH);
    if (clean == null || clean.isBlank()) {
      UsageLogger.warn("a " + what + " name is null or blank; recorded as 'unknown'");
      return "unknown";
    }
    return clean;
  }
}
