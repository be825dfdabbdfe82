package io.lockn.springai;

import io.lockn.core.GenAiOperation;
import io.lockn.core.spi.ScopeBinder;
import io.lockn.core.spi.UsageLogger;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.ObservationView;
import io.micrometer.tracing.CurrentTraceContext;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.handler.TracingObservationHandler;
import io.micrometer.tracing.otel.bridge.OtelSpan;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/*
 * Why. Micrometer Tracing parents a new observation's span on its parent observation's span, and takes the current
 * OpenTelemetry span instead only when it differs from it (TracingObservationHandler.getParentSpan). But the bridge
 * reads "the current span" from its own entry in the OpenTelemetry context (OtelCurrentTraceContext.context() looks
 * up its private OTEL_CONTEXT_KEY first), which the HTTP server observation's scope put there: a span made current with
 * the plain OpenTelemetry API under that scope (LockN's agent span) is invisible to it. So on a request thread every
 * Spring AI observation nested under the HTTP request's span, beside the agent's.
 *
 * How. Each LockN workflow, agent, task and tool scope becomes an Observation of the application's registry, current
 * while the scope is (ScopeBinder.Binding.makeCurrent), and present in its OpenTelemetry context (for Reactor and
 * for lookups off the observation chain). Its TracingContext holds LockN's own span: TracingHandler, first in Boot's
 * group of tracing handlers for this context type, starts no span of its own and ends none, so there is no second
 * span. The context made current is LockN's, completed once, at start, by the bridge itself (newScope, so that the
 * bridge's private entry names LockN's span) and then given LockN's own span object back under the span key (the
 * bridge puts a wrapper there, which LockN's roll-ups cannot follow).
 */

/**
 * Makes LockN's workflow, agent, task and tool scopes take part in Micrometer's Observation hierarchy, so that the
 * observations Spring and Spring AI start inside them (the {@code ChatClient}, its advisors, chat and tool calls, HTTP
 * clients) nest under LockN's span, in a request, an {@code @Async} method, a virtual thread or a reactive pipeline.
 *
 * <p>Each scope becomes an observation named {@value #NAME} (contextual name: the span's name) whose span <em>is</em>
 * LockN's span: no second span is recorded. Set it on the {@code LockN} ({@code LockNBuilder.setScopeBinder}),
 * register {@link TracingHandler} and {@link MeterHandler} with the observation registry ahead of Micrometer
 * Tracing's own handlers, and {@link ParentHandler} after them; the LockN Spring Boot starter does all four when
 * Micrometer Tracing on OpenTelemetry is present. An observation registry that disables {@value #NAME} (an {@code
 * ObservationPredicate}; in Spring Boot, {@code management.observations.enable.lockn.operation=false}) leaves scopes
 * current for OpenTelemetry only.
 *
 * <p>Thread-safe. It never throws into the application: a failure leaves the scope unbound.
 */
public final class LockNObservations implements ScopeBinder {

  /** The name of the observations of LockN's scopes. */
  public static final String NAME = "lockn.operation";

  /** The observation of a LockN scope, in that scope's OpenTelemetry context (and the contexts derived from it). */
  private static final ContextKey<Observation> OBSERVATION = ContextKey.named("io.lockn.springai.observation");

  private final Supplier<ObservationRegistry> registrySupplier;
  private final Supplier<Tracer> tracerSupplier;
  private volatile @Nullable ObservationRegistry registry;
  private volatile @Nullable Tracer tracer;
  /** Off after a misconfiguration was found once: another tracing handler made a second span for a scope. */
  private volatile boolean disabled;

  /**
   * Creates the binder.
   *
   * @param registry the application's observation registry
   * @param tracer Micrometer Tracing's OpenTelemetry tracer (the bridge's {@code OtelTracer})
   */
  public LockNObservations(ObservationRegistry registry, Tracer tracer) {
    this(constant(Objects.requireNonNull(registry, "registry")), constant(Objects.requireNonNull(tracer, "tracer")));
  }

  /**
   * Creates the binder with its registry and tracer looked up on first use: the registry's handlers may depend on the
   * {@code LockN} this binder belongs to, so it must not be asked for while they are created.
   *
   * @param registry supplies the application's observation registry, once
   * @param tracer supplies Micrometer Tracing's OpenTelemetry tracer, once
   */
  public LockNObservations(Supplier<ObservationRegistry> registry, Supplier<Tracer> tracer) {
    this.registrySupplier = Objects.requireNonNull(registry, "registry");
    this.tracerSupplier = Objects.requireNonNull(tracer, "tracer");
  }

  private static <T> Supplier<T> constant(T value) {
    return () -> value;
  }

  /**
   * The observation of the LockN scope whose context this is, or of the nearest LockN scope it derives from: for
   * example to put it in a Reactor context under {@code ObservationThreadLocalAccessor.KEY}, so that Spring AI's
   * streaming observations nest under the scope.
   *
   * @param context an OpenTelemetry context, for example {@code LockNScope.context()}
   * @return the observation, or {@code null} when the context belongs to no bound LockN scope
   */
  public static @Nullable Observation observation(Context context) {
    return context.get(OBSERVATION);
  }

  /**
   * The nearest LockN scope enclosing an observation: the nearest {@link OperationContext} among its parent
   * observations, else the one whose scope is current in OpenTelemetry (an observation started without its parent,
   * as a stream's first observation is when its parent was not in the Reactor context).
   *
   * @param context an observation's context
   * @return the LockN scope, or {@code null} outside any
   */
  static @Nullable OperationContext enclosing(Observation.ContextView context) {
    int hops = 0;
    for (ObservationView parent = context.getParentObservation(); parent != null && hops < 64;
        parent = parent.getContextView().getParentObservation(), hops++) {
      if (parent.getContextView() instanceof OperationContext operation) {
        return operation;
      }
    }
    Observation current = Context.current().get(OBSERVATION);
    return current != null && current.getContext() instanceof OperationContext operation ? operation : null;
  }

  @Override
  public @Nullable Binding bind(BoundScope scope) {
    if (disabled) {
      return null;
    }
    ObservationRegistry r = registry();
    Tracer t = tracer();
    if (!(t instanceof io.micrometer.tracing.otel.bridge.OtelTracer)) {
      // Another bridge (Brave): its spans are not OpenTelemetry's, so LockN's span cannot be theirs.
      disabled = true;
      return null;
    }
    if (r.isNoop()) {
      return null;
    }
    OperationContext operation = new OperationContext(scope.operation(), scope.agentName(), scope.taskName(),
        scope.span());
    Observation observation = Observation.createNotStarted(NAME, () -> operation, r);
    if (observation.isNoop()) {
      return null;
    }
    observation.contextualName(scope.spanName());
    observation.parentObservation(parent(r, scope));
    operation.otelContext = bridgeCurrent(t, scope.span(), scope.context().with(OBSERVATION, observation));
    observation.start();
    if (!startedOnLockNSpan(operation, scope.span())) {
      disabled = true;
      observation.stop();
      UsageLogger.warn("LockN's scopes are not Micrometer observations: another tracing handler than "
          + TracingHandler.class.getName() + " handled them first (register LockN's handler with the highest "
          + "precedence, as the LockN Spring Boot starter does). Spring AI's spans may nest beside LockN's agent "
          + "spans.");
      return null;
    }
    return new Bound(observation, operation);
  }

  private ObservationRegistry registry() {
    ObservationRegistry r = registry;
    if (r == null) {
      registry = r = Objects.requireNonNull(registrySupplier.get(), "observation registry");
    }
    return r;
  }

  private Tracer tracer() {
    Tracer t = tracer;
    if (t == null) {
      tracer = t = Objects.requireNonNull(tracerSupplier.get(), "tracer");
    }
    return t;
  }

  /**
   * The scope's parent observation: the current one when its span is the scope's parent span (the usual case), else
   * the one its explicit parent context carries (a scope started elsewhere with {@code parent(context)}), else the
   * current one.
   */
  private static @Nullable Observation parent(ObservationRegistry registry, BoundScope scope) {
    Observation current = registry.getCurrentObservation();
    SpanContext parentSpan = Span.fromContext(scope.parentContext()).getSpanContext();
    if (current != null && parentSpan.isValid() && parentSpan.getSpanId().equals(spanId(current))) {
      return current;
    }
    Observation carried = scope.parentContext().get(OBSERVATION);
    return carried != null ? carried : current;
  }

  private static @Nullable String spanId(Observation observation) {
    TracingObservationHandler.TracingContext tracing =
        observation.getContextView().get(TracingObservationHandler.TracingContext.class);
    io.micrometer.tracing.Span span = tracing == null ? null : tracing.getSpan();
    return span == null ? null : span.context().spanId();
  }

  /**
   * LockN's context of a scope, completed so that Micrometer Tracing's OpenTelemetry bridge sees the scope's span as
   * current: the bridge itself writes its entry (its scope is opened and closed here, on a context with the scope's
   * Baggage and no span, so that it does not take the shortcut for an unchanged span), then LockN's span object goes
   * back under the span key.
   */
  private static Context bridgeCurrent(Tracer tracer, Span span, Context lockn) {
    io.micrometer.tracing.Span bridged = OtelSpan.fromOtel(span, lockn);
    Context withBridgeEntry;
    try (Scope clean = Context.root().with(Baggage.fromContext(lockn)).makeCurrent();
        CurrentTraceContext.Scope opened = tracer.currentTraceContext().newScope(bridged.context())) {
      withBridgeEntry = Context.current();
    }
    return withBridgeEntry.with(span);
  }

  /** Whether the observation's span is LockN's own, so no tracing handler made another one. */
  private static boolean startedOnLockNSpan(OperationContext operation, Span span) {
    TracingObservationHandler.TracingContext tracing = operation.get(TracingObservationHandler.TracingContext.class);
    io.micrometer.tracing.Span started = tracing == null ? null : tracing.getSpan();
    return started == null || OtelSpan.toOtel(started) == span;
  }

  /** The binding of one scope: its observation. */
  private static final class Bound implements Binding {
    private final Observation observation;
    private final OperationContext operation;

    Bound(Observation observation, OperationContext operation) {
      this.observation = observation;
      this.operation = operation;
    }

    @Override
    public Context context() {
      return operation.otelContext;
    }

    @Override
    public Scope makeCurrent() {
      Observation.Scope scope = observation.openScope();
      if (Context.current() == operation.otelContext) {
        return scope::close;
      }
      // No TracingHandler made the scope's context current (a registry without it, or without tracing at all):
      // the observation is current for Micrometer, the context for OpenTelemetry, both until closed.
      Scope own = operation.otelContext.makeCurrent();
      return () -> {
        own.close();
        scope.close();
      };
    }

    @Override
    public void end() {
      observation.stop();
    }
  }

  /**
   * The context of a LockN scope's observation: the agent and task it belongs to. Its span is LockN's own, held by
   * {@link TracingHandler}.
   */
  public static final class OperationContext extends Observation.Context {
    private final @Nullable GenAiOperation operation;
    private final @Nullable String agentName;
    private final @Nullable String taskName;
    final Span span;
    /** LockN's context of the scope, as the bridge sees it current; set before the observation starts. */
    volatile Context otelContext = Context.root();

    OperationContext(
        @Nullable GenAiOperation operation, @Nullable String agentName, @Nullable String taskName, Span span) {
      this.operation = operation;
      this.agentName = agentName;
      this.taskName = taskName;
      this.span = span;
    }

    /**
     * The scope's operation.
     *
     * @return the operation, or {@code null} for a task without an agent
     */
    public @Nullable GenAiOperation getOperation() {
      return operation;
    }

    /**
     * The agent the scope belongs to: itself for an agent.
     *
     * @return the agent name, or {@code null} outside any agent
     */
    public @Nullable String getAgentName() {
      return agentName;
    }

    /**
     * The task the scope belongs to.
     *
     * @return the task name, or {@code null}
     */
    public @Nullable String getTaskName() {
      return taskName;
    }
  }

  /**
   * Micrometer Tracing's handler for LockN's scopes: their span is LockN's own, so it starts none, ends none (LockN
   * does), and makes LockN's context current while an observation scope is open, on any thread (a scope Reactor or an
   * executor restores too). Register it ahead of Micrometer Tracing's {@code DefaultTracingObservationHandler}: in
   * Spring Boot, as a bean with the highest precedence (Boot puts tracing handlers in one first-matching group).
   */
  public static final class TracingHandler implements TracingObservationHandler<OperationContext> {
    private final Supplier<Tracer> tracer;

    /**
     * Creates the handler.
     *
     * @param tracer supplies Micrometer Tracing's tracer
     */
    public TracingHandler(Supplier<Tracer> tracer) {
      this.tracer = Objects.requireNonNull(tracer, "tracer");
    }

    @Override
    public boolean supportsContext(Observation.Context context) {
      return context instanceof OperationContext;
    }

    @Override
    public void onStart(OperationContext context) {
      getTracingContext(context).setSpan(OtelSpan.fromOtel(context.span, context.otelContext));
    }

    @Override
    public void onScopeOpened(OperationContext context) {
      TracingContext tracing = getTracingContext(context);
      CurrentTraceContext.Scope previous = tracing.getScope();
      Scope opened = context.otelContext.makeCurrent();
      tracing.setScope(() -> {
        opened.close();
        tracing.setScope(previous);
      });
    }

    @Override
    public void onStop(OperationContext context) {
      // LockN ends its span itself.
    }

    @Override
    public Tracer getTracer() {
      return tracer.get();
    }

    @Override
    public String toString() {
      return "LockNObservations.TracingHandler";
    }
  }

  /**
   * Gives an observation that starts without a parent observation, on a thread where a LockN scope is current for
   * OpenTelemetry, that scope's observation as its parent. Spring AI's streaming {@code ChatClient} sets its
   * observation's parent from the Reactor context only (to none when the caller put none there, as {@code
   * stream()...block()} in a servlet request does): its span nests under the LockN span through OpenTelemetry, and
   * this puts the observation chain, which the tool calls run later on other threads look up, back under the scope
   * too. A plain handler (not a tracing one), so that Boot registers it on its own, after the tracing handlers.
   */
  public static final class ParentHandler implements io.micrometer.observation.ObservationHandler<Observation.Context> {

    /** Creates the handler. */
    public ParentHandler() {}

    @Override
    public boolean supportsContext(Observation.Context context) {
      return !(context instanceof OperationContext);
    }

    @Override
    public void onStart(Observation.Context context) {
      try {
        if (context.getParentObservation() == null) {
          Observation scope = Context.current().get(OBSERVATION);
          if (scope != null && scope.getContext() != context) {
            context.setParentObservation(scope);
          }
        }
      } catch (Throwable t) {
        UsageLogger.failed("LockNObservations.ParentHandler", t);
      }
    }

    @Override
    public String toString() {
      return "LockNObservations.ParentHandler";
    }
  }

  /**
   * The meter handler for LockN's scopes: it records nothing, so that Micrometer's default meter handler makes no
   * {@value #NAME} timer beside LockN's own metrics (agent, tool and workflow durations). Register it ahead of the
   * other meter handlers: in Spring Boot, as a bean with the highest precedence.
   */
  public static final class MeterHandler
      implements io.micrometer.core.instrument.observation.MeterObservationHandler<OperationContext> {

    /** Creates the handler. */
    public MeterHandler() {}

    @Override
    public boolean supportsContext(Observation.Context context) {
      return context instanceof OperationContext;
    }

    @Override
    public String toString() {
      return "LockNObservations.MeterHandler";
    }
  }

  @Override
  public String toString() {
    return "LockNObservations";
  }
}
