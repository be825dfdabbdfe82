package io.lockn.langchain4j;

import dev.langchain4j.agentic.observability.AfterAgentToolExecution;
import dev.langchain4j.agentic.observability.AgentInvocationError;
import dev.langchain4j.agentic.observability.AgentListener;
import dev.langchain4j.agentic.observability.AgentRequest;
import dev.langchain4j.agentic.observability.AgentResponse;
import dev.langchain4j.agentic.observability.BeforeAgentToolExecution;
import dev.langchain4j.agentic.planner.AgentInstance;
import dev.langchain4j.agentic.scope.AgenticScope;
import io.lockn.core.AgentSpec;
import io.lockn.core.LockN;
import io.lockn.core.LockNScope;
import io.lockn.core.spi.UsageLogger;
import io.lockn.langchain4j.internal.CallParents;
import io.opentelemetry.context.Context;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * An {@link AgentListener} for {@code langchain4j-agentic}: an {@code invoke_workflow} span for every composed agent
 * (sequence, parallel, loop, router, supervisor, ...) and an {@code invoke_agent} span for every leaf agent, nested
 * as the agents are, with the agents' tool executions and model calls as children. It is inherited by sub-agents,
 * so registering it on the root covers the whole tree:
 *
 * <pre>{@code
 * LockNAgentListener listener = LockNAgentListener.create(lc);
 * UntypedAgent workflow = AgenticServices.sequenceBuilder().subAgents(writer, editor).listener(listener).build();
 * }</pre>
 *
 * <p>Model calls made by the agents are recorded by the model's instrumentation ({@link LockNLangChain4j#decorate}
 * or {@link LockNLangChain4j#chatModelListener()}) and find their agent on the thread that runs it. Spans left open
 * by an agent whose end callback never came are ended, as failed, when LangChain4j destroys the agentic scope. At
 * most {@link AiServiceTracing#MAX_OPEN} agents are tracked at once.
 *
 * <p>LangChain4j tells the root of an agentic system nothing when an agent's exception escapes it (no error
 * callback, and the scope is not destroyed), so LockN ends the root's span, with that exception, when any agent
 * below it fails. When an {@code errorHandler} recovers from the failure instead, the root's span has already ended
 * as failed; the agents that run afterwards are still recorded under it.
 */
public final class LockNAgentListener implements AgentListener {

  private final LockN lockn;
  private final AiServiceTracing tools;
  private final Map<Key, Open> open = new ConcurrentHashMap<>();
  /** Roots ended early by a failure, for agents that run after an error handler recovered. Weak: a scope's lifetime. */
  private final Map<AgenticScope, Context> failedRoots = Collections.synchronizedMap(new WeakHashMap<>());

  private LockNAgentListener(LockNLangChain4j lc) {
    this.lockn = lc.lockn();
    this.tools = lc.aiServiceTracing();
  }

  /**
   * Creates the listener.
   *
   * @param langChain4j the adapter whose LockN and tool hooks to use
   * @return the listener
   */
  public static LockNAgentListener create(LockNLangChain4j langChain4j) {
    return new LockNAgentListener(Objects.requireNonNull(langChain4j, "langChain4j"));
  }

  /**
   * An open span, the very key its frame was pushed under ({@link CallParents#pop} compares owners by identity) and
   * the frame, to retire it when the span ends on another thread.
   */
  private record Open(Key key, LockNScope scope, Object frame) {}

  /** An agent running in one agentic scope: the same agent may run in many scopes (one per user) at once. */
  private record Key(Object scope, String agentId) {
    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof Key k && k.scope == scope && k.agentId.equals(agentId);
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(scope) * 31 + agentId.hashCode();
    }
  }

  @Override
  public void beforeAgentInvocation(AgentRequest request) {
    try {
      AgentInstance agent = request.agent();
      if (open.size() >= AiServiceTracing.MAX_OPEN) {
        UsageLogger.warn("more than " + AiServiceTracing.MAX_OPEN + " agentic agents open; not tracing " + agent.name());
        return;
      }
      Context parent = parent(request.agenticScope(), agent);
      LockNScope scope;
      if (agent.leaf()) {
        AgentSpec spec = lockn.agent(nonEmpty(agent.name(), "agent")).id(agent.agentId()).parent(parent);
        if (agent.description() != null && !agent.description().isEmpty()) {
          spec.description(agent.description());
        }
        scope = spec.startDetached();
      } else {
        scope = lockn.workflow(nonEmpty(agent.name(), String.valueOf(agent.topology()))).parent(parent).startDetached();
      }
      Key key = new Key(request.agenticScope(), agent.agentId());
      if (agent.parent() == null) {
        failedRoots.remove(request.agenticScope());
      }
      Object frame = CallParents.push(key, scope.context(), agent.type() != null ? agent.type().getName() : null);
      open.put(key, new Open(key, scope, frame));
    } catch (Throwable t) {
      UsageLogger.failed("LangChain4j beforeAgentInvocation", t);
    }
  }

  /** The span of the nearest enclosing agent running in the same scope, else the thread's LockN parent. */
  private Context parent(AgenticScope scope, AgentInstance agent) {
    for (AgentInstance p = agent.parent(); p != null; p = p.parent()) {
      Open s = open.get(new Key(scope, p.agentId()));
      if (s != null) {
        return s.scope.context();
      }
    }
    Context failedRoot = agent.parent() == null ? null : failedRoots.get(scope);
    return failedRoot != null ? failedRoot : CallParents.forSpan();
  }

  @Override
  public void afterAgentInvocation(AgentResponse response) {
    end(response.agenticScope(), response.agent(), null);
  }

  @Override
  public void onAgentInvocationError(AgentInvocationError error) {
    end(error.agenticScope(), error.agent(), error.error());
  }

  private void end(AgenticScope agenticScope, AgentInstance agent, @Nullable Throwable error) {
    try {
      if (agent.parent() == null) {
        failedRoots.remove(agenticScope);
      }
      Open ended = open.remove(new Key(agenticScope, agent.agentId()));
      if (ended == null) {
        return;
      }
      CallParents.retire(ended.frame);
      CallParents.pop(ended.key);
      if (error != null) {
        ended.scope.recordException(error);
      }
      ended.scope.close();
      if (error != null) {
        endRoot(agenticScope, agent, error);
      }
    } catch (Throwable t) {
      UsageLogger.failed("LangChain4j agent end", t);
    }
  }

  /** Ends the root above a failed agent: if the failure escapes the root, LangChain4j will not say so. */
  private void endRoot(AgenticScope agenticScope, AgentInstance agent, Throwable error) {
    AgentInstance root = agent.parent();
    if (root == null) {
      return;
    }
    while (root.parent() != null) {
      root = root.parent();
    }
    Open ended = open.remove(new Key(agenticScope, root.agentId()));
    if (ended == null) {
      return;
    }
    // The root's frame is on the thread that invoked the system, which may not be this one (a parallel branch).
    CallParents.retire(ended.frame);
    CallParents.pop(ended.key);
    ended.scope.recordException(error);
    ended.scope.close();
    failedRoots.put(agenticScope, ended.scope.context());
  }

  @Override
  public void beforeAgenticScopeDestroyed(AgenticScope agenticScope) {
    try {
      open.entrySet().removeIf(e -> {
        if (e.getKey().scope != agenticScope) {
          return false;
        }
        e.getValue().scope.recordError("incomplete");
        e.getValue().scope.close();
        CallParents.retire(e.getValue().frame);
        CallParents.removeAll(owner -> owner.equals(e.getKey()));
        return true;
      });
    } catch (Throwable t) {
      UsageLogger.failed("LangChain4j beforeAgenticScopeDestroyed", t);
    }
  }

  @Override
  public void beforeAgentToolExecution(BeforeAgentToolExecution before) {
    tools.beforeTool().accept(before.toolExecution());
  }

  @Override
  public void afterAgentToolExecution(AfterAgentToolExecution after) {
    tools.afterTool().accept(after.toolExecution());
  }

  /** Inherited by sub-agents, so that one registration covers the agent tree. */
  @Override
  public boolean inheritedBySubagents() {
    return true;
  }

  private static String nonEmpty(@Nullable String s, String fallback) {
    return s == null || s.isEmpty() ? fallback : s;
  }

  @Override
  public String toString() {
    return "LockNAgentListener{" + lockn + "}";
  }
}
