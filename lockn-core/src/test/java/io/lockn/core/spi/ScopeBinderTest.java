package io.lockn.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockn.core.LockN;
import io.lockn.core.LockNScope;
import io.lockn.core.SemconvProfile;
import io.lockn.core.annotation.AgentTask;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ScopeBinder}: which scopes LockN binds, that the binding replaces {@code Context.makeCurrent()} everywhere
 * LockN makes a scope current, that its context is the scope's, that it ends once after the span, and that a binder's
 * failure costs the binding only.
 */
class ScopeBinderTest {

  /** The entry the test binder adds to a scope's context. */
  private static final ContextKey<String> BOUND = ContextKey.named("scope-binder-test");

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private OpenTelemetrySdk otel;

  @BeforeEach
  void setUp() {
    otel = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
        .build();
  }

  @AfterEach
  void tearDown() {
    otel.close();
  }

  /**
   * A binder with a notion of current of its own (a thread-local stack of span names, as Micrometer keeps its current
   * observation), recording what it was asked.
   */
  static final class RecordingBinder implements ScopeBinder {
    static final ThreadLocal<@Nullable String> CURRENT = new ThreadLocal<>();
    final List<String> bound = new CopyOnWriteArrayList<>();
    final List<String> ended = new CopyOnWriteArrayList<>();
    final List<String> spanEndedBeforeEnd = new CopyOnWriteArrayList<>();

    @Override
    public Binding bind(BoundScope scope) {
      bound.add(scope.operation() + "|" + scope.spanName() + "|" + scope.agentName() + "|" + scope.taskName());
      assertThat(Span.fromContext(scope.context())).isSameAs(scope.span());
      assertThat(scope.parentContext()).isSameAs(Context.current());
      Context context = scope.context().with(BOUND, scope.spanName());
      return new Binding() {
        @Override
        public Context context() {
          return context;
        }

        @Override
        public Scope makeCurrent() {
          String before = CURRENT.get();
          CURRENT.set(scope.spanName());
          Scope otel = context.makeCurrent();
          return () -> {
            otel.close();
            CURRENT.set(before);
          };
        }

        @Override
        public void end() {
          ended.add(scope.spanName());
          if (((ReadableSpan) scope.span()).hasEnded()) {
            spanEndedBeforeEnd.add(scope.spanName());
          }
        }
      };
    }
  }

  private LockN lockn(ScopeBinder binder) {
    return LockN.builder().setOpenTelemetry(otel).setSemconvProfile(SemconvProfile.V1_41).setScopeBinder(binder)
        .build();
  }

  @Test
  void workflowsAgentsTasksAndTools_areBound_modelCallsAreNot() {
    RecordingBinder binder = new RecordingBinder();
    LockN lockn = lockn(binder);

    lockn.workflow("flow").run(() -> lockn.agent("support-bot").task("triage").run(() ->
        lockn.tool("lookup").run(() -> lockn.chat("openai", "gpt-4o").run(() -> { }))));
    lockn.task("cleanup").run(() -> { });
    lockn.task("answer").agent("helper").run(() -> { });

    assertThat(binder.bound).containsExactly(
        "INVOKE_WORKFLOW|invoke_workflow flow|null|null",
        "INVOKE_AGENT|invoke_agent support-bot|support-bot|triage",
        "EXECUTE_TOOL|execute_tool lookup|support-bot|triage",
        "null|task cleanup|null|cleanup",
        "INVOKE_AGENT|invoke_agent helper|helper|answer");
    assertThat(exporter.getFinishedSpanItems()).extracting(SpanData::getName).contains("chat gpt-4o");
    // Each binding ended once, after its span.
    assertThat(binder.ended).containsExactlyInAnyOrder("invoke_workflow flow", "invoke_agent support-bot",
        "execute_tool lookup", "task cleanup", "invoke_agent helper");
    assertThat(binder.spanEndedBeforeEnd).containsExactlyInAnyOrderElementsOf(binder.ended);
  }

  @Test
  void start_makesTheBindingCurrent_andClosingRestoresWhatWasCurrent() {
    RecordingBinder binder = new RecordingBinder();
    LockN lockn = lockn(binder);
    List<String> seen = new ArrayList<>();

    try (LockNScope agent = lockn.agent("support-bot").start()) {
      seen.add(RecordingBinder.CURRENT.get());
      seen.add(Context.current().get(BOUND));
      assertThat(Context.current()).isSameAs(agent.context());
      lockn.tool("lookup").run(() -> seen.add(RecordingBinder.CURRENT.get()));
      seen.add(RecordingBinder.CURRENT.get());
    }

    assertThat(seen).containsExactly("invoke_agent support-bot", "invoke_agent support-bot", "execute_tool lookup",
        "invoke_agent support-bot");
    assertThat(RecordingBinder.CURRENT.get()).isNull();
    assertThat(Context.current().get(BOUND)).isNull();
  }

  @Test
  void theScopesContext_isTheBindersAndStillLockNs() {
    RecordingBinder binder = new RecordingBinder();
    LockN lockn = lockn(binder);

    LockNScope agent = lockn.agent("support-bot").task("triage").startDetached();
    assertThat(agent.context().get(BOUND)).isEqualTo("invoke_agent support-bot");
    assertThat(Span.fromContext(agent.context())).isSameAs(agent.span());
    // A child given the context explicitly (another thread, say) still inherits the agent and task from it.
    lockn.tool("lookup").parent(agent.context()).run(() -> { });
    agent.close();

    assertThat(binder.bound).containsExactly("INVOKE_AGENT|invoke_agent support-bot|support-bot|triage",
        "EXECUTE_TOOL|execute_tool lookup|support-bot|triage");
    SpanData tool = exporter.getFinishedSpanItems().stream().filter(s -> s.getName().startsWith("execute_tool"))
        .findFirst().orElseThrow();
    assertThat(tool.getParentSpanId()).isEqualTo(agent.span().getSpanContext().getSpanId());
  }

  @Test
  void makeCurrentOfADetachedScope_andCallAsync_useTheBinding() throws Exception {
    RecordingBinder binder = new RecordingBinder();
    LockN lockn = lockn(binder);

    LockNScope detached = lockn.agent("detached").startDetached();
    assertThat(RecordingBinder.CURRENT.get()).isNull();
    try (Scope ignored = detached.makeCurrent()) {
      assertThat(RecordingBinder.CURRENT.get()).isEqualTo("invoke_agent detached");
      assertThat(Span.current()).isSameAs(detached.span());
    }
    assertThat(RecordingBinder.CURRENT.get()).isNull();
    detached.close();

    List<@Nullable String> inside = new ArrayList<>();
    String result = lockn.agent("async").callAsync(() -> {
      inside.add(RecordingBinder.CURRENT.get());
      return CompletableFuture.completedFuture("done");
    }).toCompletableFuture().get();

    assertThat(result).isEqualTo("done");
    assertThat(inside).containsExactly("invoke_agent async");
    assertThat(binder.ended).containsExactly("invoke_agent detached", "invoke_agent async");
  }

  /** An agent interface for {@link LockN#instrument}. */
  public interface Helper {
    @AgentTask(agent = "helper", task = "help")
    @Nullable String help();
  }

  @Test
  void instrumentedProxies_makeTheBindingCurrent() {
    RecordingBinder binder = new RecordingBinder();
    LockN lockn = lockn(binder);

    Helper helper = lockn.instrument(Helper.class, RecordingBinder.CURRENT::get);

    assertThat(helper.help()).isEqualTo("invoke_agent helper");
    assertThat(binder.bound).containsExactly("INVOKE_AGENT|invoke_agent helper|helper|help");
  }

  @Test
  void aBinderThatFails_leavesTheScopeUnboundAndTheApplicationAlone() {
    ScopeBinder throwsOnBind = scope -> {
      throw new IllegalStateException("bind");
    };
    LockN lockn = lockn(throwsOnBind);
    String answer = lockn.agent("a").supply(() -> Span.current().getSpanContext().isValid() ? "traced" : "lost");
    assertThat(answer).isEqualTo("traced");

    ScopeBinder throwsLater = scope -> new ScopeBinder.Binding() {
      @Override
      public Context context() {
        return scope.context();
      }

      @Override
      public Scope makeCurrent() {
        throw new IllegalStateException("makeCurrent");
      }

      @Override
      public void end() {
        throw new IllegalStateException("end");
      }
    };
    LockN later = lockn(throwsLater);
    String inside = later.agent("b").supply(() -> Span.current().getSpanContext().getSpanId());

    List<SpanData> spans = exporter.getFinishedSpanItems();
    assertThat(spans).extracting(SpanData::getName).containsExactly("invoke_agent a", "invoke_agent b");
    // Made current with its plain context when the binding could not.
    assertThat(inside).isEqualTo(spans.get(1).getSpanId());
    assertThat(Span.current().getSpanContext().isValid()).isFalse();
  }

  @Test
  void withoutABinder_scopesAreCurrentForOpenTelemetryAsBefore() {
    LockN lockn = LockN.builder().setOpenTelemetry(otel).build();
    try (LockNScope agent = lockn.agent("plain").start()) {
      assertThat(Context.current()).isSameAs(agent.context());
      assertThat(agent.context().get(BOUND)).isNull();
    }
  }
}
