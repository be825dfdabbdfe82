package io.lockn.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.observability.api.event.AiServiceCompletedEvent;
import dev.langchain4j.observability.api.event.AiServiceErrorEvent;
import dev.langchain4j.observability.api.event.AiServiceRequestIssuedEvent;
import dev.langchain4j.observability.api.event.AiServiceStartedEvent;
import dev.langchain4j.observability.api.listener.AiServiceListener;
import dev.langchain4j.service.memory.ChatMemoryService;
import dev.langchain4j.service.tool.BeforeToolExecution;
import dev.langchain4j.service.tool.ToolExecution;
import io.lockn.core.AgentSpec;
import io.lockn.core.LockN;
import io.lockn.core.LockNScope;
import io.lockn.core.ToolScope;
import io.lockn.core.ToolSpec;
import io.lockn.core.annotation.AgentTask;
import io.lockn.core.spi.UsageLogger;
import io.lockn.langchain4j.internal.CallParents;
import io.opentelemetry.context.Context;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Turns an AI Service's events into an {@code invoke_agent} span per invocation and its tool hooks into {@code
 * execute_tool} spans, and tells the model calls of each invocation where they belong.
 *
 * <p>Invocations are correlated on {@link InvocationContext#invocationId()}: the span starts at {@code
 * AiServiceStartedEvent} (on the caller's thread, under the caller's current context) and ends at {@code
 * AiServiceCompletedEvent} or {@code AiServiceErrorEvent}, which for a streaming service arrive on another thread.
 * State is bounded: at most {@link #MAX_OPEN} invocations and tools are tracked at once, beyond which new ones are
 * recorded without parent correlation and a warning is logged once.
 */
final class AiServiceTracing {

  static final int MAX_OPEN = 10_000;

  private final LockN lockn;
  private final Map<UUID, Invocation> invocations = new ConcurrentHashMap<>();
  private final Map<Identity, RunningTool> tools = new ConcurrentHashMap<>();
  private final List<AiServiceListener<?>> listeners;

  AiServiceTracing(LockN lockn) {
    this.lockn = lockn;
    this.listeners =
        List.of(
            listener(AiServiceStartedEvent.class, this::started),
            listener(AiServiceRequestIssuedEvent.class, this::requestIssued),
            listener(AiServiceCompletedEvent.class, e -> finished(e.invocationContext(), null)),
            listener(AiServiceErrorEvent.class, e -> finished(e.invocationContext(), e.error())));
  }

  List<AiServiceListener<?>> listeners() {
    return listeners;
  }

  /** One AI Service invocation: its span, or the agentic agent's span it runs under (not ours to end). */
  private record Invocation(LockNScope scope, Context context, boolean owned, AtomicBoolean open) {}

  /** A running tool, keyed by the identity of its request (the before and after hooks get the same instance). */
  private record RunningTool(ToolScope scope, @Nullable UUID invocation, Object frame) {}

  private void started(AiServiceStartedEvent event) {
    InvocationContext ic = event.invocationContext();
    if (invocations.size() >= MAX_OPEN) {
      UsageLogger.warn("more than " + MAX_OPEN + " AI Service invocations open; not tracing " + ic.interfaceName());
      return;
    }
    Context agentic = CallParents.agentFor(ic.interfaceName());
    if (agentic != null) {
      // LangChain4j's agentic module runs this AI Service as an agent whose span LockN already has.
      AtomicBoolean open = new AtomicBoolean(true);
      invocations.put(ic.invocationId(), new Invocation(NOT_OWNED, agentic, false, open));
      CallParents.invocation(agentic, open);
      return;
    }
    AgentNames names = AgentNames.of(ic.interfaceName(), ic.methodName());
    AgentSpec spec = lockn.agent(names.agent()).parent(CallParents.forSpan());
    if (names.task() != null) {
      spec.task(names.task());
    }
    if (names.description() != null) {
      spec.description(names.description());
    }
    Object memoryId = ic.chatMemoryId();
    if (memoryId != null && !ChatMemoryService.DEFAULT.equals(memoryId)) {
      spec.conversationId(String.valueOf(memoryId));
    }
    LockNScope scope = spec.startDetached();
    AtomicBoolean open = new AtomicBoolean(true);
    invocations.put(ic.invocationId(), new Invocation(scope, scope.context(), true, open));
    CallParents.invocation(scope.context(), open);
  }

  private void requestIssued(AiServiceRequestIssuedEvent event) {
    Invocation invocation = invocations.get(event.invocationContext().invocationId());
    if (invocation != null && event.request() != null) {
      CallParents.expect(event.request().messages(), invocation.context);
      CallParents.invocation(invocation.context, invocation.open);
    }
  }

  private void finished(InvocationContext ic, @Nullable Throwable error) {
    UUID id = ic.invocationId();
    Invocation invocation = invocations.remove(id);
    if (invocation != null) {
      invocation.open.set(false);
    }
    // Tools whose after-hook was skipped (an exception escaped the tool's error handler) end with the invocation.
    tools.entrySet().removeIf(e -> {
      if (!id.equals(e.getValue().invocation)) {
        return false;
      }
      ToolScope scope = e.getValue().scope;
      scope.recordError(error != null ? error.getClass().getName() : "incomplete");
      scope.close();
      // The tool may have run on a pool thread, whose frames pop() cannot reach from here.
      CallParents.retire(e.getValue().frame);
      CallParents.pop(e.getKey().value);
      return true;
    });
    if (invocation == null || !invocation.owned) {
      return;
    }
    if (error != null) {
      invocation.scope.recordException(error);
    }
    invocation.scope.close();
  }

  Consumer<BeforeToolExecution> beforeTool() {
    return before -> {
      try {
        ToolExecutionRequest request = before.request();
        InvocationContext ic = before.invocationContext();
        Invocation invocation = ic == null ? null : invocations.get(ic.invocationId());
        Context parent = invocation != null ? invocation.context : CallParents.forSpan();
        ToolSpec spec = lockn.tool(request.name() == null ? "unknown" : request.name()).type("function").parent(parent);
        if (request.id() != null) {
          spec.callId(request.id());
        }
        if (request.arguments() != null) {
          spec.arguments(request.arguments());
        }
        ToolScope scope = spec.startDetached();
        if (tools.size() < MAX_OPEN) {
          Object frame = CallParents.push(request, scope.context(), null);
          UUID owner = invocation != null ? ic.invocationId() : null;
          tools.put(new Identity(request), new RunningTool(scope, owner, frame));
        } else {
          UsageLogger.warn("more than " + MAX_OPEN + " LangChain4j tool executions open; ending one unmeasured");
          scope.close();
        }
      } catch (Throwable t) {
        UsageLogger.failed("LangChain4j beforeToolExecution", t);
      }
    };
  }

  Consumer<ToolExecution> afterTool() {
    return after -> {
      try {
        ToolExecutionRequest request = after.request();
        RunningTool tool = tools.remove(new Identity(request));
        if (tool == null) {
          return;
        }
        CallParents.pop(request);
        if (after.hasFailed()) {
          tool.scope.recordError("tool_error");
        }
        if (after.result() != null) {
          tool.scope.result(after.result());
        }
        tool.scope.close();
      } catch (Throwable t) {
        UsageLogger.failed("LangChain4j afterToolExecution", t);
      }
    };
  }

  private static <E extends dev.langchain4j.observability.api.event.AiServiceEvent> AiServiceListener<E> listener(
      Class<E> type, Consumer<E> onEvent) {
    return new AiServiceListener<>() {
      @Override
      public Class<E> getEventClass() {
        return type;
      }

      @Override
      public void onEvent(E event) {
        try {
          onEvent.accept(event);
        } catch (Throwable t) {
          UsageLogger.failed("LangChain4j " + type.getSimpleName(), t);
        }
      }

      @Override
      public String toString() {
        return "LockN " + type.getSimpleName() + " listener";
      }
    };
  }

  /** Identity equality for keys whose own {@code equals} compares content (two identical tool calls stay apart). */
  private record Identity(Object value) {
    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof Identity other && other.value == value;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(value);
    }
  }

  private static final LockNScope NOT_OWNED = LockN.noop().agent("").startDetached();

  /**
   * The agent and task names of an AI Service method: {@code Interface.method} as the agent, unless the method
   * carries {@link AgentTask}, whose names win. Looked up once per interface and method.
   */
  record AgentNames(String agent, @Nullable String task, @Nullable String description) {

    private static final Map<String, AgentNames> CACHE = new ConcurrentHashMap<>();

    static AgentNames of(String interfaceName, String methodName) {
      String key = interfaceName + '#' + methodName;
      AgentNames cached = CACHE.get(key);
      if (cached != null) {
        return cached;
      }
      AgentNames names = resolve(interfaceName, methodName);
      if (CACHE.size() < MAX_OPEN) {
        CACHE.put(key, names);
      }
      return names;
    }

    private static AgentNames resolve(String interfaceName, String methodName) {
      String simple = interfaceName.substring(interfaceName.lastIndexOf('.') + 1);
      simple = simple.substring(simple.lastIndexOf('$') + 1);
      AgentNames fallback = new AgentNames(simple + '.' + methodName, null, null);
      Class<?> type = load(interfaceName);
      if (type == null) {
        return fallback;
      }
      for (Method m : type.getMethods()) {
        AgentTask task = m.getName().equals(methodName) ? m.getAnnotation(AgentTask.class) : null;
        if (task != null) {
          return new AgentNames(
              task.agent().isEmpty() ? simple : task.agent(),
              task.task().isEmpty() ? methodName : task.task(),
              task.description().isEmpty() ? null : task.description());
        }
      }
      return fallback;
    }

    private static @Nullable Class<?> load(String name) {
      ClassLoader[] loaders = {Thread.currentThread().getContextClassLoader(), AgentNames.class.getClassLoader()};
      for (ClassLoader loader : loaders) {
        try {
          return Class.forName(name, false, loader);
        } catch (ClassNotFoundException | RuntimeException | LinkageError e) {
          // try the next loader
        }
      }
      return null;
    }
  }
}
