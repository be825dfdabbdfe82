package io.lockn.core.spi;

import io.lockn.core.GenAiOperation;
import io.lockn.core.LockNScope;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import org.jspecify.annotations.Nullable;

/**
 * Lets a framework's own notion of "the current unit of work" follow LockN's workflow, agent, task and tool scopes,
 * so that the framework's instrumentation started inside one nests under its span. lockn-spring-ai implements it with
 * a Micrometer Observation per scope: Spring AI's and Spring's observations take their parent from the current
 * Observation, not from the current OpenTelemetry span, so without it they would nest under the HTTP request's span,
 * beside the agent's.
 *
 * <p>LockN calls {@link #bind} once per workflow, agent, task and tool scope (never for model calls), on the thread
 * that starts it, right after its span started and before it is made current. The {@link Binding} it returns then
 * replaces {@code Context.makeCurrent()} for that scope: in {@link io.lockn.core.OperationSpec#start()}, {@code
 * run}, {@code supply}, {@code call}, {@code callAsync}, {@link LockNScope#makeCurrent()} and the annotation proxies;
 * and its {@link Binding#end()} is called once, after the span ended. A scope whose context an application makes
 * current itself ({@code scope.context().makeCurrent()}) is current for OpenTelemetry only.
 *
 * <p>Contract: thread-safe; must not block. A binder that throws is LockN's own failure: it is logged through {@link
 * UsageLogger} and the scope goes on unbound, with its plain context.
 */
@FunctionalInterface
public interface ScopeBinder {

  /**
   * Binds one scope that has just started.
   *
   * @param scope the scope: its span, and its name, agent and task
   * @return the binding, or {@code null} to leave this scope unbound
   */
  @Nullable Binding bind(BoundScope scope);

  /** A workflow, agent, task or tool scope that has just started, as a binder sees it. */
  interface BoundScope {

    /**
     * The operation.
     *
     * @return {@link GenAiOperation#INVOKE_WORKFLOW}, {@link GenAiOperation#INVOKE_AGENT}, {@link
     *     GenAiOperation#CREATE_AGENT} or {@link GenAiOperation#EXECUTE_TOOL}; {@code null} for a task without an agent
     */
    @Nullable GenAiOperation operation();

    /**
     * The span's name, for example {@code invoke_agent support-bot}.
     *
     * @return the name
     */
    String spanName();

    /**
     * The agent the scope belongs to: the agent itself for an agent span, else the nearest enclosing one
     * ({@code lockn.agent.name} on the spans below it).
     *
     * @return the agent, or {@code null} outside any agent
     */
    @Nullable String agentName();

    /**
     * The task the scope belongs to ({@code lockn.task.name} on the spans below it).
     *
     * @return the task, or {@code null}
     */
    @Nullable String taskName();

    /**
     * The scope's span; not recording when its trace is not sampled.
     *
     * @return the span
     */
    Span span();

    /**
     * The context the scope started in: its parent span and Baggage.
     *
     * @return the parent context
     */
    Context parentContext();

    /**
     * LockN's context of the scope: the parent context with the scope's span and LockN's own entries.
     *
     * @return the context
     */
    Context context();
  }

  /** What a binder keeps for one scope. */
  interface Binding {

    /**
     * The scope's context from now on ({@link LockNScope#context()}): {@link BoundScope#context()}, to which the
     * binder may have added entries of its own. Called once, right after {@link #bind}.
     *
     * @return the context
     */
    Context context();

    /**
     * Makes the scope current on this thread: its {@link #context()} and the binder's own notion of current. The
     * returned scope is closed on the same thread, and restores what was current before.
     *
     * @return the scope to close
     */
    Scope makeCurrent();

    /** The scope ended: called once, on any thread, after its span ended. */
    void end();
  }
}
