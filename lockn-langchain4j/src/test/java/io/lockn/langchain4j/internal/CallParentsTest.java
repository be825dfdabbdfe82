package io.lockn.langchain4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The per-thread parent records LockN keeps instead of making its spans current. */
class CallParentsTest {

  private static final String TRACE = "0af7651916cd43dd8448eb211c80319c";

  private final ExecutorService other = Executors.newSingleThreadExecutor();

  @AfterEach
  void clearThisThread() {
    CallParents.removeAll(owner -> true);
    CallParents.forModelCall(List.of()); // consumes any expectation left by a failed test
    CallParents.invocation(Context.root(), new AtomicBoolean(false));
    CallParents.forInvocationStep(); // drops the closed invocation
    other.shutdownNow();
  }

  /** A context whose span is a distinct, valid span with the given id. */
  private static Context span(int id) {
    String spanId = String.format("%016x", id);
    return Context.root()
        .with(Span.wrap(SpanContext.create(TRACE, spanId, TraceFlags.getSampled(), TraceState.getDefault())));
  }

  private static String spanIdOf(Context context) {
    return Span.fromContext(context).getSpanContext().getSpanId();
  }

  /** The owners of three nested frames. */
  private record ThreeFrames(Object outer, Object middle, Object inner) {}

  /** Pushes frames for spans 1, 2 and 3, outermost first. */
  private static ThreeFrames pushThreeFrames() {
    ThreeFrames f = new ThreeFrames(new Object(), new Object(), new Object());
    CallParents.push(f.outer, span(1), null);
    CallParents.push(f.middle, span(2), null);
    CallParents.push(f.inner, span(3), null);
    return f;
  }

  private <T> T onOtherThread(Supplier<T> work) throws Exception {
    return CompletableFuture.supplyAsync(work, other).get(10, TimeUnit.SECONDS);
  }

  @Test
  void forSpan_noFrames_isTheCurrentContext() {
    Context app = span(1);
    try (Scope ignored = app.makeCurrent()) {
      assertThat(CallParents.forSpan()).isSameAs(Context.current());
      assertThat(spanIdOf(CallParents.forSpan())).isEqualTo(spanIdOf(app));
    }
    assertThat(CallParents.forSpan()).isSameAs(Context.root());
  }

  @Test
  void pushPop_nestedFrames_innermostIsTheParentUntilPopped() {
    Object agent = new Object();
    Object tool = new Object();
    Context agentSpan = span(10);
    Context toolSpan = span(11);

    CallParents.push(agent, agentSpan, null);
    assertThat(CallParents.forSpan()).isSameAs(agentSpan);
    CallParents.push(tool, toolSpan, null);
    assertThat(CallParents.forSpan()).isSameAs(toolSpan);

    assertThat(CallParents.pop(tool)).isTrue();
    assertThat(CallParents.forSpan()).isSameAs(agentSpan);
    assertThat(CallParents.pop(agent)).isTrue();
    assertThat(CallParents.forSpan()).isSameAs(Context.root());
  }

  @Test
  void pop_skippedInnerPops_removesTheOwnerAndEveryFramePushedAfterIt() {
    ThreeFrames f = pushThreeFrames();

    // inner's after-callback never came: popping middle also drops inner
    assertThat(CallParents.pop(f.middle())).isTrue();

    assertThat(spanIdOf(CallParents.forSpan())).isEqualTo(spanIdOf(span(1)));
    assertThat(CallParents.pop(f.inner())).isFalse();
    assertThat(CallParents.pop(f.outer())).isTrue();
    assertThat(CallParents.forSpan()).isSameAs(Context.root());
  }

  @Test
  void pop_ownerNotOnThisThread_removesNothing() throws Exception {
    Object pushedHere = new Object();
    Context here = span(5);
    CallParents.push(pushedHere, here, null);

    assertThat(CallParents.pop(new Object())).isFalse();
    assertThat(onOtherThread(() -> CallParents.pop(pushedHere))).isFalse();
    assertThat(onOtherThread(CallParents::forSpan)).isSameAs(Context.root());

    assertThat(CallParents.forSpan()).isSameAs(here);
    assertThat(CallParents.pop(pushedHere)).isTrue();
  }

  @Test
  void pop_byIdentityNotEquality() {
    String owner = new String("tool");
    String equalOwner = new String("tool");
    CallParents.push(owner, span(7), null);

    assertThat(CallParents.pop(equalOwner)).isFalse();
    assertThat(CallParents.pop(owner)).isTrue();
  }

  @Test
  void forSpan_applicationMadeANewerSpanCurrent_thatSpanWins() {
    Object agent = new Object();
    Context agentSpan = span(20);
    Context appParent = span(21);
    Context appChild = span(22);

    try (Scope p = appParent.makeCurrent()) {
      CallParents.push(agent, agentSpan, null);
      assertThat(CallParents.forSpan()).isSameAs(agentSpan);

      try (Scope c = appChild.makeCurrent()) {
        // the application's own span, made current inside the agent, is the more specific parent
        assertThat(spanIdOf(CallParents.forSpan())).isEqualTo(spanIdOf(appChild));
        assertThat(CallParents.agentFor("com.example.Writer")).isNull();
      }
      assertThat(CallParents.forSpan()).isSameAs(agentSpan);
    }
    // the span current at push is no longer current either: the frame is hidden, not removed
    assertThat(CallParents.forSpan()).isSameAs(Context.root());
    assertThat(CallParents.pop(agent)).isTrue();
  }

  @Test
  void agentFor_matchesOnlyTheInnermostFrameOfThatInterface() {
    Object agent = new Object();
    Object tool = new Object();
    Context agentSpan = span(30);
    CallParents.push(agent, agentSpan, "com.example.Writer");

    assertThat(CallParents.agentFor("com.example.Writer")).isSameAs(agentSpan);
    assertThat(CallParents.agentFor("com.example.Editor")).isNull();

    CallParents.push(tool, span(31), null);
    assertThat(CallParents.agentFor("com.example.Writer")).isNull();

    CallParents.pop(tool);
    assertThat(CallParents.agentFor("com.example.Writer")).isSameAs(agentSpan);
    CallParents.pop(agent);
    assertThat(CallParents.agentFor("com.example.Writer")).isNull();
  }

  @Test
  void forModelCall_expectedCallWithEqualMessages_takesTheAnnouncedParentOnce() {
    Context invocation = span(40);
    Context tool = span(41);
    Object toolOwner = new Object();
    CallParents.push(toolOwner, tool, null);

    CallParents.expect(List.of(SystemMessage.from("be brief"), UserMessage.from("hi")), invocation);

    // equal messages in another list instance: LangChain4j hands the model a copy
    List<ChatMessage> sent = new ArrayList<>(List.of(SystemMessage.from("be brief"), UserMessage.from("hi")));
    assertThat(CallParents.forModelCall(sent)).isSameAs(invocation);
    // consumed: the next call on this thread falls back to the frames
    assertThat(CallParents.forModelCall(sent)).isSameAs(tool);
    CallParents.pop(toolOwner);
  }

  @Test
  void forModelCall_otherMessages_fallsBackAndDropsTheExpectation() {
    Context invocation = span(50);
    List<ChatMessage> announced = List.of(UserMessage.from("hi"));
    CallParents.expect(announced, invocation);

    assertThat(CallParents.forModelCall(List.of(UserMessage.from("something else")))).isSameAs(Context.root());
    // a stale announcement is not kept for a later call
    assertThat(CallParents.forModelCall(announced)).isSameAs(Context.root());
  }

  @Test
  void forModelCall_sameMessagesOnAnotherThread_doesNotTakeTheExpectation() throws Exception {
    Context invocation = span(60);
    List<ChatMessage> messages = List.of(UserMessage.from("hi"), AiMessage.from("hello"), UserMessage.from("bye"));
    CallParents.expect(messages, invocation);

    assertThat(onOtherThread(() -> CallParents.forModelCall(messages))).isSameAs(Context.root());
    // still there for the announcing thread
    assertThat(CallParents.forModelCall(messages)).isSameAs(invocation);
  }

  @Test
  void expect_newerAnnouncementReplacesTheOlder() {
    List<ChatMessage> first = List.of(UserMessage.from("first"));
    List<ChatMessage> second = List.of(UserMessage.from("first"), AiMessage.from("a"), UserMessage.from("second"));
    CallParents.expect(first, span(70));
    CallParents.expect(second, span(71));

    assertThat(CallParents.forModelCall(first)).isSameAs(Context.root());
  }

  @Test
  void push_beyondMaxFrames_dropsTheOldestFrame() {
    List<Object> owners = new ArrayList<>();
    for (int i = 0; i <= CallParents.MAX_FRAMES; i++) {
      Object owner = new Object();
      owners.add(owner);
      CallParents.push(owner, span(100 + i), null);
    }

    assertThat(spanIdOf(CallParents.forSpan())).isEqualTo(spanIdOf(span(100 + CallParents.MAX_FRAMES)));
    assertThat(CallParents.pop(owners.get(0))).as("the oldest frame was dropped").isFalse();
    // the second oldest is now the bottom of the stack: popping it empties the stack
    assertThat(CallParents.pop(owners.get(1))).isTrue();
    assertThat(CallParents.forSpan()).isSameAs(Context.root());
    for (Object owner : owners) {
      assertThat(CallParents.pop(owner)).isFalse();
    }
  }

  @Test
  void push_exactlyMaxFrames_keepsThemAll() {
    List<Object> owners = new ArrayList<>();
    for (int i = 0; i < CallParents.MAX_FRAMES; i++) {
      Object owner = new Object();
      owners.add(owner);
      CallParents.push(owner, span(200 + i), null);
    }

    assertThat(CallParents.pop(owners.get(0))).isTrue();
  }

  @Test
  void retire_fromAnotherThread_theFrameIsDroppedWhereItWasPushed() throws Exception {
    Object outer = new Object();
    Object tool = new Object();
    Context outerSpan = span(80);
    CallParents.push(outer, outerSpan, null);
    Object toolFrame = CallParents.push(tool, span(81), null);

    // the tool ended on a pool thread, where pop cannot reach this thread's frames
    onOtherThread(() -> {
      CallParents.retire(toolFrame);
      return null;
    });

    assertThat(CallParents.forSpan()).isSameAs(outerSpan);
    assertThat(CallParents.pop(tool)).as("already dropped").isFalse();
    assertThat(CallParents.pop(outer)).isTrue();
  }

  @Test
  void retire_onlyFrameOfTheThread_fallsBackToTheCurrentContext() {
    Object root = new Object();
    Object frame = CallParents.push(root, span(90), "com.example.Workflow");

    CallParents.retire(frame);

    assertThat(CallParents.forSpan()).isSameAs(Context.root());
    assertThat(CallParents.agentFor("com.example.Workflow")).isNull();
  }

  @Test
  void retire_nullOrNotAFrame_ignored() {
    Object owner = new Object();
    Context context = span(91);
    CallParents.push(owner, context, null);

    CallParents.retire(null);
    CallParents.retire(owner);

    assertThat(CallParents.forSpan()).isSameAs(context);
  }

  @Test
  void forInvocationStep_openInvocationOnThisThread_isItsContext() throws Exception {
    Context invocation = span(100);
    AtomicBoolean open = new AtomicBoolean(true);
    CallParents.invocation(invocation, open);

    assertThat(CallParents.forInvocationStep()).isSameAs(invocation);
    assertThat(onOtherThread(CallParents::forInvocationStep)).isSameAs(Context.root());
    // a step is not a model call: frames and expectations are not consulted for it
    assertThat(CallParents.forSpan()).isSameAs(Context.root());
  }

  @Test
  void forInvocationStep_invocationEnded_fallsBackToTheFramesForGood() {
    Object tool = new Object();
    Context toolSpan = span(110);
    CallParents.push(tool, toolSpan, null);
    AtomicBoolean open = new AtomicBoolean(true);
    CallParents.invocation(span(111), open);

    open.set(false); // ended, possibly on another thread

    assertThat(CallParents.forInvocationStep()).isSameAs(toolSpan);
    open.set(true);
    assertThat(CallParents.forInvocationStep()).as("the ended invocation was forgotten").isSameAs(toolSpan);
    CallParents.pop(tool);
  }

  @Test
  void removeAll_removesMatchingFramesAnywhereOnTheStack() {
    ThreeFrames f = pushThreeFrames();

    CallParents.removeAll(owner -> owner == f.middle());

    assertThat(spanIdOf(CallParents.forSpan())).isEqualTo(spanIdOf(span(3)));
    assertThat(CallParents.pop(f.middle())).isFalse();
    assertThat(CallParents.pop(f.inner())).isTrue();
    assertThat(spanIdOf(CallParents.forSpan())).isEqualTo(spanIdOf(span(1)));
  }
}
