package io.lockn.langchain4j.internal;

import dev.langchain4j.data.message.ChatMessage;
import io.lockn.core.spi.UsageLogger;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Finds the parent of a span LockN starts from a LangChain4j callback, without ever making a span current in
 * OpenTelemetry's context storage.
 *
 * <p>LangChain4j's callbacks come in pairs (before/after a tool, started/completed for an AI Service, request/response
 * for a model) that may end on another thread, may be skipped when an exception escapes, and cannot wrap the work
 * between them. Opening an OpenTelemetry {@code Scope} in the first and closing it in the second would leak the
 * context into the application's thread whenever the second is skipped. LockN therefore keeps its own, private
 * parent records, which at worst misparent a LockN span and never touch the host's context:
 *
 * <ul>
 *   <li><b>Frames</b>: a per-thread stack of LockN spans running on this thread (a tool execution, an agentic agent),
 *       pushed before and popped after. A frame is used only while the application has not made a newer span
 *       current on top of it: the span current when the frame was pushed must still be current.
 *   <li><b>Expected calls</b>: an AI Service announces each model round trip ({@code AiServiceRequestIssuedEvent})
 *       on the thread that then calls the model; the announcement carries the invocation's context and the
 *       request's messages, and the model call on the same thread with the same messages takes it.
 * </ul>
 *
 * <p>This class is internal and is hence not for public use. Its APIs are unstable and can change at any time.
 */
public final class CallParents {

  private CallParents() {}

  /** Frames deeper than this are LockN's bug or skipped callbacks; the oldest is dropped. */
  static final int MAX_FRAMES = 64;

  private static final ThreadLocal<ArrayDeque<Frame>> FRAMES = ThreadLocal.withInitial(ArrayDeque::new);
  private static final ThreadLocal<@Nullable Expected> EXPECTED = new ThreadLocal<>();

  private static final ThreadLocal<@Nullable Invocation> INVOCATION = new ThreadLocal<>();

  /** The AI Service invocation last seen on this thread, valid while {@code open}. */
  private record Invocation(Context context, java.util.concurrent.atomic.AtomicBoolean open) {}

  /**
   * A LockN span running on this thread. {@code retired} is set, from any thread, when the span ended without its
   * after-callback on this thread (a tool failing on a pool thread); this thread drops it when it next looks.
   */
  private static final class Frame {
    final Object owner;
    final Context context;
    final SpanContext currentAtPush;
    final @Nullable String agentType;
    volatile boolean retired;

    Frame(Object owner, Context context, SpanContext currentAtPush, @Nullable String agentType) {
      this.owner = owner;
      this.context = context;
      this.currentAtPush = currentAtPush;
      this.agentType = agentType;
    }
  }

  /** A model call an AI Service announced on this thread. */
  private record Expected(List<ChatMessage> messages, Context context) {}

  /**
   * Records that {@code context}'s span runs on this thread until {@link #pop(Object)} with the same owner.
   *
   * @param owner the identity to pop it by
   * @param context the span's context
   * @param agentType for an agentic agent, the class name of its interface; {@code null} otherwise
   * @return the frame, for {@link #retire(Object)} from another thread
   */
  public static Object push(Object owner, Context context, @Nullable String agentType) {
    ArrayDeque<Frame> frames = FRAMES.get();
    if (frames.size() >= MAX_FRAMES) {
      frames.pollFirst();
      UsageLogger.warn("more than " + MAX_FRAMES + " LangChain4j spans open on one thread; dropping the oldest");
    }
    Frame frame = new Frame(owner, context, Span.current().getSpanContext(), agentType);
    frames.addLast(frame);
    return frame;
  }

  /**
   * Marks a frame as ended, from any thread: {@link #pop(Object)} only reaches the calling thread's frames, and a
   * frame left on a pool thread would otherwise adopt that thread's later, unrelated spans.
   *
   * @param frame what {@link #push} returned, or {@code null}
   */
  public static void retire(@Nullable Object frame) {
    if (frame instanceof Frame f) {
      f.retired = true;
    }
  }

  /**
   * Removes the frame of {@code owner} and any frame pushed after it (whose after-callback was skipped).
   *
   * @param owner the owner given to {@link #push}
   * @return whether the owner's frame was on this thread
   */
  public static boolean pop(Object owner) {
    ArrayDeque<Frame> frames = FRAMES.get();
    if (frames.isEmpty()) {
      return false;
    }
    boolean found = false;
    for (Frame f : frames) {
      if (f.owner == owner) {
        found = true;
        break;
      }
    }
    if (found) {
      while (!frames.isEmpty()) {
        if (frames.pollLast().owner == owner) {
          break;
        }
      }
    }
    if (frames.isEmpty()) {
      FRAMES.remove();
    }
    return found;
  }

  /**
   * Removes every frame whose owner matches, wherever it is on this thread's stack.
   *
   * @param matches the owners to remove
   */
  public static void removeAll(java.util.function.Predicate<Object> matches) {
    ArrayDeque<Frame> frames = FRAMES.get();
    for (Iterator<Frame> it = frames.iterator(); it.hasNext(); ) {
      if (matches.test(it.next().owner)) {
        it.remove();
      }
    }
    if (frames.isEmpty()) {
      FRAMES.remove();
    }
  }

  /**
   * Announces that the next model call on this thread with these messages belongs under {@code context}.
   *
   * @param messages the request's messages
   * @param context the parent context
   */
  public static void expect(List<ChatMessage> messages, Context context) {
    EXPECTED.set(new Expected(messages, context));
  }

  /**
   * Notes that an AI Service invocation is working on this thread (it started here, or issued a model request
   * here), for the steps LangChain4j runs between its events without telling which invocation they belong to (a
   * {@code chatRequestTransformer}, the chat memory).
   *
   * @param context the invocation's context
   * @param open set to {@code false} when the invocation ends, on whatever thread
   */
  public static void invocation(Context context, java.util.concurrent.atomic.AtomicBoolean open) {
    INVOCATION.set(new Invocation(context, open));
  }

  /**
   * The context of the AI Service invocation working on this thread, if it is still open, else {@link #forSpan()}.
   *
   * @return the parent context for a step of the invocation
   */
  public static Context forInvocationStep() {
    Invocation invocation = INVOCATION.get();
    if (invocation != null) {
      if (invocation.open.get()) {
        return invocation.context;
      }
      INVOCATION.remove();
    }
    return forSpan();
  }

  /**
   * The parent of a model call starting on this thread: the announced AI Service invocation when the messages
   * match, else the innermost valid frame, else {@link Context#current()}.
   *
   * @param messages the request's messages
   * @return the parent context
   */
  public static Context forModelCall(List<ChatMessage> messages) {
    Expected expected = EXPECTED.get();
    if (expected != null) {
      EXPECTED.remove();
      if (Objects.equals(expected.messages, messages)) {
        return expected.context;
      }
    }
    return forSpan();
  }

  /**
   * The parent of any other LockN span starting on this thread: the innermost valid frame, else {@link
   * Context#current()}.
   *
   * @return the parent context
   */
  public static Context forSpan() {
    Frame top = validTop();
    return top != null ? top.context : Context.current();
  }

  /**
   * The agentic agent running on this thread, if it is the innermost valid frame and its interface is {@code
   * interfaceName}: the AI Service LangChain4j's agentic module invokes for that agent.
   *
   * @param interfaceName the AI Service's interface
   * @return the agent's context, or {@code null}
   */
  public static @Nullable Context agentFor(String interfaceName) {
    Frame top = validTop();
    return top != null && interfaceName.equals(top.agentType) ? top.context : null;
  }

  private static @Nullable Frame validTop() {
    ArrayDeque<Frame> frames = FRAMES.get();
    Frame top = frames.peekLast();
    while (top != null && top.retired) {
      frames.pollLast();
      top = frames.peekLast();
    }
    if (top == null) {
      FRAMES.remove();
      return null;
    }
    // The application made its own span current after the frame was pushed: that span is the more specific parent.
    return top.currentAtPush.equals(Span.current().getSpanContext()) ? top : null;
  }
}
