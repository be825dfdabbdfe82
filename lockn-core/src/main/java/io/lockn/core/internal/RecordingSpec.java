package io.lockn.core.internal;

import static io.lockn.core.GenAiAttributes.GEN_AI_AGENT_DESCRIPTION;
import static io.lockn.core.GenAiAttributes.GEN_AI_AGENT_ID;
import static io.lockn.core.GenAiAttributes.GEN_AI_AGENT_NAME;
import static io.lockn.core.GenAiAttributes.GEN_AI_AGENT_VERSION;
import static io.lockn.core.GenAiAttributes.GEN_AI_CONVERSATION_ID;
import static io.lockn.core.GenAiAttributes.GEN_AI_INPUT_MESSAGES;
import static io.lockn.core.GenAiAttributes.GEN_AI_OPERATION_NAME;
import static io.lockn.core.GenAiAttributes.GEN_AI_PROVIDER_NAME;
import static io.lockn.core.GenAiAttributes.GEN_AI_REQUEST_MAX_TOKENS;
import static io.lockn.core.GenAiAttributes.GEN_AI_REQUEST_MODEL;
import static io.lockn.core.GenAiAttributes.GEN_AI_REQUEST_STREAM;
import static io.lockn.core.GenAiAttributes.GEN_AI_REQUEST_TEMPERATURE;
import static io.lockn.core.GenAiAttributes.GEN_AI_REQUEST_TOP_P;
import static io.lockn.core.GenAiAttributes.GEN_AI_TOOL_CALL_ARGUMENTS;
import static io.lockn.core.GenAiAttributes.GEN_AI_TOOL_CALL_ID;
import static io.lockn.core.GenAiAttributes.GEN_AI_TOOL_DESCRIPTION;
import static io.lockn.core.GenAiAttributes.GEN_AI_TOOL_NAME;
import static io.lockn.core.GenAiAttributes.GEN_AI_TOOL_TYPE;
import static io.lockn.core.GenAiAttributes.GEN_AI_WORKFLOW_NAME;
import static io.lockn.core.GenAiAttributes.SERVER_ADDRESS;
import static io.lockn.core.GenAiAttributes.SERVER_PORT;

import io.lockn.core.AgentSpec;
import io.lockn.core.BudgetExceededException;
import io.lockn.core.GenAiMessage;
import io.lockn.core.GenAiOperation;
import io.lockn.core.LlmCall;
import io.lockn.core.LlmCallSpec;
import io.lockn.core.LockNAttributes;
import io.lockn.core.LockNScope;
import io.lockn.core.TaskSpec;
import io.lockn.core.ToolScope;
import io.lockn.core.ToolSpec;
import io.lockn.core.WorkflowSpec;
import io.lockn.core.spi.Admission;
import io.lockn.core.spi.AdmissionEvent;
import io.lockn.core.spi.CallAdmission;
import io.lockn.core.spi.CallRequest;
import io.lockn.core.spi.ScopeBinder;
import io.lockn.core.spi.TokenCounter;
import io.lockn.core.spi.UsageLogger;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The spec implementation behind every {@code *Spec} interface; {@link Kind} decides the span it starts. One class
 * keeps the span-building rules (sampling-relevant attributes on the builder, attribution from Baggage, inherited
 * agent and task names) in one place; the three small subclasses only narrow the scope type {@code start()} returns.
 *
 * @param <S> the concrete spec type, returned by the setters
 */
abstract class RecordingSpec<S extends RecordingSpec<S>> {

  enum Kind {
    WORKFLOW,
    AGENT,
    CREATE_AGENT,
    TASK,
    TOOL,
    MODEL_CALL
  }

  private final TracingLockN lockn;
  private final Kind kind;
  private final String name;
  private final @Nullable GenAiOperation modelOperation;
  private @Nullable String provider;
  private @Nullable String requestModel;
  private @Nullable Context parent;
  private @Nullable String agentId;
  private @Nullable String description;
  private @Nullable String version;
  private @Nullable String conversationId;
  private @Nullable String taskName;
  private @Nullable String taskAgentName;
  private @Nullable String toolCallId;
  private @Nullable String toolType;
  private @Nullable String arguments;
  private @Nullable String serverAddress;
  private long serverPort;
  private long maxTokens = -1;
  private long estimatedInputTokens;
  private boolean estimateGiven;
  private boolean unenforced;
  private boolean admittedElsewhere;
  private double temperature = Double.NaN;
  private double topP = Double.NaN;
  private boolean stream;
  private @Nullable LlmCallHandle retryOf;
  private @Nullable LlmCallHandle fallbackFrom;
  private long promptKeyHash;
  private @Nullable List<GenAiMessage> inputMessages;
  private @Nullable AttributesBuilder extra;
  private @Nullable Attributes builtExtra;

  RecordingSpec(
      TracingLockN lockn,
      Kind kind,
      String name,
      @Nullable GenAiOperation modelOperation,
      @Nullable String provider,
      @Nullable String requestModel) {
    this.lockn = lockn;
    this.kind = kind;
    this.name = name;
    this.modelOperation = modelOperation;
    this.provider = provider;
    this.requestModel = requestModel;
  }

  // ---- setters shared by several specs ----

  public S id(String id) {
    this.agentId = clean(id);
    return self();
  }

  public S description(String description) {
    this.description = clean(description);
    return self();
  }

  public S version(String version) {
    this.version = clean(version);
    return self();
  }

  public S provider(String provider) {
    this.provider = clean(provider);
    return self();
  }

  public S requestModel(String model) {
    this.requestModel = clean(model);
    return self();
  }

  public S conversationId(String conversationId) {
    this.conversationId = clean(conversationId);
    return self();
  }

  public S task(String taskName) {
    this.taskName = clean(taskName);
    return self();
  }

  public S agent(String agentName) {
    this.taskAgentName = clean(agentName);
    return self();
  }

  public S callId(String callId) {
    this.toolCallId = clean(callId);
    return self();
  }

  public S type(String type) {
    this.toolType = clean(type);
    return self();
  }

  public S arguments(String argumentsJson) {
    this.arguments = argumentsJson;
    return self();
  }

  public S server(String address, int port) {
    this.serverAddress = clean(address);
    this.serverPort = port > 0 && port <= 65535 ? port : 0;
    return self();
  }

  public S maxTokens(long maxTokens) {
    this.maxTokens = maxTokens;
    return self();
  }

  public S admittedElsewhere() {
    this.admittedElsewhere = true;
    return self();
  }

  public S unenforced() {
    this.unenforced = true;
    return self();
  }

  public S estimatedInputTokens(long inputTokens) {
    if (inputTokens < 0) {
      UsageLogger.warn("estimatedInputTokens needs a non-negative count; recorded as unknown (0)");
    }
    this.estimatedInputTokens = Math.max(0, inputTokens);
    this.estimateGiven = true;
    return self();
  }

  public S temperature(double temperature) {
    this.temperature = temperature;
    return self();
  }

  public S topP(double topP) {
    this.topP = topP;
    return self();
  }

  public S stream(boolean stream) {
    this.stream = stream;
    return self();
  }

  public S retryOf(LlmCall previous) {
    this.retryOf = previous instanceof LlmCallHandle h ? h : null;
    return self();
  }

  public S fallbackFrom(LlmCall failed) {
    this.fallbackFrom = failed instanceof LlmCallHandle h ? h : null;
    return self();
  }

  public S promptKey(String promptKey) {
    this.promptKeyHash = promptKey == null ? 0 : PromptCacheInference.hash(promptKey);
    return self();
  }

  public S inputMessages(List<GenAiMessage> messages) {
    this.inputMessages = messages;
    return self();
  }

  public <T> S attribute(AttributeKey<T> key, T value) {
    if (key != null && value != null) {
      if (extra == null) {
        extra = Attributes.builder();
      }
      extra.put(key, value);
      builtExtra = null;
    }
    return self();
  }

  public S parent(Context parent) {
    this.parent = parent;
    return self();
  }

  @SuppressWarnings("unchecked")
  private S self() {
    return (S) this;
  }

  // ---- starting ----

  /**
   * Opens the span; on any internal failure returns the no-op scope, so starting never throws, except the {@link
   * BudgetExceededException} of a model call its admission policy blocked, which is the application's to handle.
   */
  final LockNScope begin(boolean attach) {
    try {
      OperationHandle handle = open();
      ScopeBinder binder = lockn.scopeBinder;
      if (binder != null && kind != Kind.MODEL_CALL) {
        // Workflows, agents, tasks and tools hold other work; model calls are leaves, and stay as cheap as before.
        handle.bind(binder);
      }
      if (attach) {
        handle.attach();
      }
      return handle;
    } catch (BudgetExceededException blocked) {
      throw blocked;
    } catch (Throwable t) {
      UsageLogger.failed("starting a " + kind + " span", t);
      return NoopScope.INSTANCE;
    }
  }

  private OperationHandle open() {
    Context parentContext = parent != null ? parent : Context.current();
    OperationHandle parentHandle = OperationHandle.fromContext(parentContext);
    String inheritedAgent = parentHandle != null ? parentHandle.agentName : null;
    String inheritedTask = parentHandle != null ? parentHandle.taskName : null;
    String task = taskName != null ? taskName : inheritedTask;
    long start = System.nanoTime();

    SpanBuilder b;
    OperationHandle handle;
    switch (kind) {
      case WORKFLOW -> {
        b = builder("invoke_workflow " + name, SpanKind.INTERNAL, parentContext);
        b.setAttribute(GEN_AI_OPERATION_NAME, GenAiOperation.INVOKE_WORKFLOW.value());
        b.setAttribute(GEN_AI_WORKFLOW_NAME, name);
        setIfPresent(b, GEN_AI_CONVERSATION_ID, conversationId);
        common(b, task, null);
        handle = new OperationHandle(lockn, b.startSpan(), parentContext, GenAiOperation.INVOKE_WORKFLOW, name,
            inheritedAgent, task, start);
      }
      case AGENT, CREATE_AGENT -> {
        GenAiOperation op = kind == Kind.AGENT ? GenAiOperation.INVOKE_AGENT : GenAiOperation.CREATE_AGENT;
        b = builder(op.value() + " " + name, kind == Kind.AGENT ? SpanKind.INTERNAL : SpanKind.CLIENT,
            parentContext);
        agentAttributes(b, op, name);
        common(b, task, null);
        handle = new OperationHandle(lockn, b.startSpan(), parentContext, op, name, name, task, start);
        handle.requestModel = requestModel;
      }
      case TASK -> {
        if (taskAgentName != null) {
          b = builder("invoke_agent " + taskAgentName, SpanKind.INTERNAL, parentContext);
          agentAttributes(b, GenAiOperation.INVOKE_AGENT, taskAgentName);
          common(b, name, null);
          handle = new OperationHandle(lockn, b.startSpan(), parentContext, GenAiOperation.INVOKE_AGENT,
              taskAgentName, taskAgentName, name, start);
        } else {
          b = builder("task " + name, SpanKind.INTERNAL, parentContext);
          common(b, name, inheritedAgent);
          handle = new OperationHandle(lockn, b.startSpan(), parentContext, null, name, inheritedAgent, name,
              start);
        }
      }
      case TOOL -> {
        b = builder("execute_tool " + name, SpanKind.INTERNAL, parentContext);
        b.setAttribute(GEN_AI_OPERATION_NAME, GenAiOperation.EXECUTE_TOOL.value());
        b.setAttribute(GEN_AI_TOOL_NAME, name);
        setIfPresent(b, GEN_AI_TOOL_CALL_ID, toolCallId);
        setIfPresent(b, GEN_AI_TOOL_TYPE, toolType);
        setIfPresent(b, GEN_AI_TOOL_DESCRIPTION, description);
        if (arguments != null && lockn.contentCapture.isEnabled()) {
          b.setAttribute(GEN_AI_TOOL_CALL_ARGUMENTS, MessagesJson.content(arguments, lockn.contentCapture));
        }
        common(b, task, inheritedAgent);
        handle = new ToolHandle(lockn, b.startSpan(), parentContext, name, toolType, inheritedAgent, task, start);
      }
      default -> handle = openModelCall(parentContext, inheritedAgent, task, start);
    }
    return handle;
  }

  private LlmCallHandle openModelCall(
      Context parentContext, @Nullable String inheritedAgent, @Nullable String task, long start) {
    GenAiOperation op = modelOperation != null ? modelOperation : GenAiOperation.CHAT;
    String model = requestModel != null ? requestModel : "";
    String providerName = provider != null ? provider : "";
    SpanBuilder b = builder(lockn.modelCallSpanName(op, model), SpanKind.CLIENT, parentContext);
    b.setAttribute(GEN_AI_OPERATION_NAME, op.value());
    b.setAttribute(GEN_AI_PROVIDER_NAME, providerName);
    if (!model.isEmpty()) {
      b.setAttribute(GEN_AI_REQUEST_MODEL, model);
    }
    if (serverAddress != null) {
      b.setAttribute(SERVER_ADDRESS, serverAddress);
      if (serverPort > 0) {
        b.setAttribute(SERVER_PORT, serverPort);
      }
    }
    if (maxTokens >= 0) {
      b.setAttribute(GEN_AI_REQUEST_MAX_TOKENS, maxTokens);
    }
    if (!Double.isNaN(temperature)) {
      b.setAttribute(GEN_AI_REQUEST_TEMPERATURE, temperature);
    }
    if (!Double.isNaN(topP)) {
      b.setAttribute(GEN_AI_REQUEST_TOP_P, topP);
    }
    if (stream) {
      b.setAttribute(GEN_AI_REQUEST_STREAM, true);
    }
    setIfPresent(b, GEN_AI_CONVERSATION_ID, conversationId);
    int attempt = 1;
    String firstSpanId = null;
    if (retryOf != null) {
      attempt = retryOf.attempt + 1;
      firstSpanId = retryOf.firstSpanId;
      // Attempts count from 1 for the first call, so the first retry is attempt 2; first attempts carry neither
      // attribute, which keeps the common case's spans small.
      b.setAttribute(LockNAttributes.RETRY_ATTEMPT, attempt);
      b.setAttribute(LockNAttributes.RETRY_FIRST_SPAN_ID, firstSpanId);
    }
    int depth = 0;
    if (fallbackFrom != null) {
      depth = fallbackFrom.fallbackDepth + 1;
      b.setAttribute(LockNAttributes.FALLBACK_DEPTH, depth);
      b.setAttribute(LockNAttributes.FALLBACK_FROM_MODEL, fallbackFrom.requestModel);
    }
    if (inputMessages != null && lockn.contentCapture.isEnabled()) {
      b.setAttribute(GEN_AI_INPUT_MESSAGES, MessagesJson.write(inputMessages, lockn.contentCapture));
    }
    common(b, task, inheritedAgent);
    Span span = b.startSpan();
    CallAdmission policy = admittedElsewhere ? CallAdmission.allowAll() : lockn.callAdmission;
    if (policy == CallAdmission.allowAll()) {
      return new LlmCallHandle(lockn, span, parentContext, op, providerName, model, serverAddress, serverPort,
          inheritedAgent, task, attempt, firstSpanId, depth, promptKeyHash, start, Admission.allowed(), model,
          explicitAttributes());
    }
    long inputTokens = estimatedInputTokens;
    if (!estimateGiven && inputMessages != null && !inputMessages.isEmpty()) {
      // Only on the admission path: counting tokenizes the whole prompt, and nothing else uses the count.
      long counted = lockn.tokenCounter.countInputTokens(providerName, model, inputMessages);
      if (counted < 0) {
        // No counter, or one that cannot count this model: a documented estimate, never 0 for a non-empty prompt.
        counted = TokenCounter.approximate().countInputTokens(providerName, model, inputMessages);
      }
      inputTokens = counted;
      span.setAttribute(LockNAttributes.USAGE_ESTIMATED_INPUT_TOKENS, counted);
    }
    Admission admission;
    try {
      admission = policy.admit(request(span, parentContext, providerName, model, inputTokens, inheritedAgent, task));
    } catch (BudgetExceededException blocked) {
      LlmCallHandle handle = new LlmCallHandle(lockn, span, parentContext, op, providerName, model, serverAddress,
          serverPort, inheritedAgent, task, attempt, firstSpanId, depth, promptKeyHash, start, Admission.allowed(),
          model, explicitAttributes());
      if (unenforced) {
        recordUnenforcedBlock(span, span.isRecording() ? span : RecordingSpans.nearest(parentContext), blocked);
        return handle;
      }
      recordBlocked(handle, blocked);
      throw blocked;
    }
    String admitted = admittedModel(admission, model);
    if (!admitted.equals(model)) {
      span.setAttribute(LockNAttributes.BUDGET_ADMITTED_MODEL, admitted);
    }
    GuardedCallAdmission.record(admission, span);
    return new LlmCallHandle(lockn, span, parentContext, op, providerName, model, serverAddress, serverPort,
        inheritedAgent, task, attempt, firstSpanId, depth, promptKeyHash, start, admission, admitted,
        explicitAttributes());
  }

  /** What the admission policy sees of the call about to be made. */
  private CallRequest request(
      Span span,
      Context parentContext,
      String providerName,
      String model,
      long inputTokens,
      @Nullable String agent,
      @Nullable String task) {
    return CallRequest.builder(providerName, model)
        .estimatedInputTokens(inputTokens)
        .maxOutputTokens(maxTokens >= 0 ? maxTokens : -1)
        .attribution(lockn.attribution.toMap(Baggage.fromContext(parentContext)))
        .agentName(agent)
        .taskName(task)
        .traceId(span.getSpanContext().getTraceId())
        .span(span.isRecording() ? span : RecordingSpans.nearest(parentContext))
        .build();
  }

  /** The admission's model, sanitised like a request model; the request model when it names none. */
  private static String admittedModel(Admission admission, String requestModel) {
    String clean = Strings.sanitize(GuardedCallAdmission.model(admission), Limits.MAX_MODEL_LENGTH);
    return clean == null || clean.isEmpty() ? requestModel : clean;
  }

  /** Records a blocked call on its span and ends it; nothing here may hide the exception from the application. */
  private static void recordBlocked(LlmCallHandle handle, BudgetExceededException blocked) {
    try {
      handle.recordError(LockNAttributes.ERROR_TYPE_BUDGET_EXCEEDED);
      handle.span.setStatus(StatusCode.ERROR, "budget exceeded: " + blocked.budgetName());
      // An unsampled call's block is still visible: on its nearest recording ancestor, as its other budget events.
      recordBlockEvent(handle.span.isRecording() ? handle.span : RecordingSpans.nearest(handle.parent), blocked);
    } catch (Throwable t) {
      UsageLogger.failed("recording a blocked call", t);
    }
    handle.close();
  }

  /** A block the caller cannot enforce: the event and the flag, and the call goes on being recorded. */
  private static void recordUnenforcedBlock(Span span, Span eventSpan, BudgetExceededException blocked) {
    try {
      span.setAttribute(LockNAttributes.BUDGET_ENFORCED, false);
      recordBlockEvent(eventSpan, blocked);
    } catch (Throwable t) {
      UsageLogger.failed("recording an unenforced block", t);
    }
  }

  private static void recordBlockEvent(Span span, BudgetExceededException blocked) {
    AdmissionEvent event = AdmissionEvent.blocked(blocked);
    span.addEvent(event.name(), event.attributes());
    Attributes extra = blocked.spanAttributes();
    if (extra != null && !extra.isEmpty()) {
      span.setAllAttributes(extra);
    }
  }

  private SpanBuilder builder(String spanName, SpanKind spanKind, Context parentContext) {
    return lockn.tracer.spanBuilder(spanName).setParent(parentContext).setSpanKind(spanKind);
  }

  private void agentAttributes(SpanBuilder b, GenAiOperation op, String agentName) {
    b.setAttribute(GEN_AI_OPERATION_NAME, op.value());
    b.setAttribute(GEN_AI_AGENT_NAME, agentName);
    setIfPresent(b, GEN_AI_AGENT_ID, agentId);
    setIfPresent(b, GEN_AI_AGENT_DESCRIPTION, description);
    setIfPresent(b, GEN_AI_AGENT_VERSION, version);
    setIfPresent(b, GEN_AI_PROVIDER_NAME, provider);
    setIfPresent(b, GEN_AI_REQUEST_MODEL, requestModel);
    setIfPresent(b, GEN_AI_CONVERSATION_ID, conversationId);
  }

  /** Task, agent, attribution and extra attributes: everything every LockN span may carry. */
  private void common(SpanBuilder b, @Nullable String task, @Nullable String enclosingAgent) {
    if (task != null) {
      b.setAttribute(LockNAttributes.TASK_NAME, task);
    }
    if (enclosingAgent != null) {
      b.setAttribute(LockNAttributes.AGENT_NAME, enclosingAgent);
    }
    lockn.attribution.copy(Baggage.fromContext(parent != null ? parent : Context.current()), b);
    Attributes explicit = explicitAttributes();
    if (!explicit.isEmpty()) {
      b.setAllAttributes(explicit);
    }
  }

  /** The attributes set on this spec with {@code attribute(key, value)}, built once. */
  private Attributes explicitAttributes() {
    if (extra == null) {
      return Attributes.empty();
    }
    Attributes built = builtExtra;
    if (built == null) {
      built = extra.build();
      builtExtra = built;
    }
    return built;
  }

  private static void setIfPresent(SpanBuilder b, AttributeKey<String> key, @Nullable String value) {
    if (value != null) {
      b.setAttribute(key, value);
    }
  }

  private static @Nullable String clean(@Nullable String value) {
    return Strings.sanitize(value, Limits.MAX_NAME_LENGTH);
  }

  /** Agent, workflow, create-agent and task specs. */
  static final class Operation extends RecordingSpec<Operation> implements AgentSpec, WorkflowSpec, TaskSpec {
    Operation(TracingLockN lockn, Kind kind, String name, @Nullable String provider) {
      super(lockn, kind, name, null, provider, null);
    }

    @Override
    public LockNScope start() {
      return begin(true);
    }

    @Override
    public LockNScope startDetached() {
      return begin(false);
    }
  }

  /** Tool specs. */
  static final class Tool extends RecordingSpec<Tool> implements ToolSpec {
    Tool(TracingLockN lockn, String name) {
      super(lockn, Kind.TOOL, name, null, null, null);
    }

    @Override
    public ToolScope start() {
      return (ToolScope) begin(true);
    }

    @Override
    public ToolScope startDetached() {
      return (ToolScope) begin(false);
    }
  }

  /** Model-call specs. */
  static final class ModelCall extends RecordingSpec<ModelCall> implements LlmCallSpec {
    ModelCall(TracingLockN lockn, GenAiOperation operation, String provider, String requestModel) {
      super(lockn, Kind.MODEL_CALL, requestModel, operation, provider, requestModel);
    }

    @Override
    public LlmCall start() {
      return (LlmCall) begin(true);
    }

    @Override
    public LlmCall startDetached() {
      return (LlmCall) begin(false);
    }
  }
}
