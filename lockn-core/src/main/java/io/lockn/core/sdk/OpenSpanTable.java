package io.lockn.core.sdk;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadableSpan;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;

/**
 * The state a span processor keeps for each open span, bounded: LockN's span processors (cost roll-ups, runaway
 * detection, compression ROI) each keep a small node per open span in one of these, found again by the span itself
 * when it ends and by its children through their parent context.
 *
 * <p>Memory is bounded: at most {@code maxOpenSpans} nodes. When the table is full, nodes of spans open longer than
 * {@code abandonAfter} (never ended: a leaked span) are dropped first; if it is still full, a new span is not tracked
 * ({@link #hasRoom} is {@code false}) and the processor treats it as it treats a span it never saw. Times are in
 * whatever unit the processor's clock gives ({@code System.nanoTime()} or epoch milliseconds), the same for {@code
 * abandonAfter}, {@code now} and the nodes' start times.
 *
 * <p>Thread-safe; spans start and end on any thread. Eviction scans the table, but only when it is full.
 *
 * <p>Nodes are found by the span's id, a string whose hash the JVM keeps once computed, and then checked to belong to
 * that very span: keying by the span object would hash it by identity, which the JVM computes on first use with a
 * runtime call, for every new span. Two open spans with the same id (another trace's, or a test's deterministic ids)
 * are both tracked: the second in a table keyed by identity, consulted only while it is not empty.
 *
 * @param <N> the processor's node type
 */
public final class OpenSpanTable<N> {

  /** The default bound on open spans tracked by one processor. */
  public static final int DEFAULT_MAX_OPEN_SPANS = 100_000;

  /** The default age after which an open span counts as abandoned. */
  public static final Duration DEFAULT_ABANDON_AFTER = Duration.ofHours(6);

  /** The nodes, by span id. */
  private final ConcurrentHashMap<String, Slot<N>> open = new ConcurrentHashMap<>();
  /** The nodes of spans whose id another open span had first: empty but for span id collisions. */
  private final Map<ReadableSpan, N> sameId = new ConcurrentHashMap<>();
  private final int maxOpenSpans;
  private final long abandonAfter;
  private final ToLongFunction<? super N> startedAt;

  private OpenSpanTable(int maxOpenSpans, long abandonAfter, ToLongFunction<? super N> startedAt) {
    this.maxOpenSpans = maxOpenSpans;
    this.abandonAfter = abandonAfter;
    this.startedAt = startedAt;
  }

  /**
   * Creates a table.
   *
   * @param maxOpenSpans the most nodes kept, at least 1 (see {@link #checkMaxOpenSpans})
   * @param abandonAfter the age, in the clock's unit, after which an open span may be dropped when the table is full;
   *     positive
   * @param startedAt a node's start time, in the clock's unit
   * @param <N> the node type
   * @return the table
   * @throws IllegalArgumentException if a bound is not positive
   */
  public static <N> OpenSpanTable<N> create(
      int maxOpenSpans, long abandonAfter, ToLongFunction<? super N> startedAt) {
    checkMaxOpenSpans(maxOpenSpans);
    if (abandonAfter <= 0) {
      throw new IllegalArgumentException("abandonAfter <= 0: " + abandonAfter);
    }
    return new OpenSpanTable<>(maxOpenSpans, abandonAfter, Objects.requireNonNull(startedAt, "startedAt"));
  }

  /**
   * Validates a processor builder's {@code maxOpenSpans}, so that every processor rejects the same values.
   *
   * @param maxOpenSpans the bound
   * @return the bound
   * @throws IllegalArgumentException if it is below 1
   */
  public static int checkMaxOpenSpans(int maxOpenSpans) {
    if (maxOpenSpans < 1) {
      throw new IllegalArgumentException("maxOpenSpans < 1: " + maxOpenSpans);
    }
    return maxOpenSpans;
  }

  /**
   * Validates a processor builder's {@code abandonAfter}.
   *
   * @param abandonAfter the age
   * @return the age
   * @throws IllegalArgumentException if it is zero or negative
   * @throws NullPointerException if it is {@code null}
   */
  public static Duration checkAbandonAfter(Duration abandonAfter) {
    Objects.requireNonNull(abandonAfter, "abandonAfter");
    if (abandonAfter.isNegative() || abandonAfter.isZero()) {
      throw new IllegalArgumentException("abandonAfter <= 0: " + abandonAfter);
    }
    return abandonAfter;
  }

  /**
   * Whether a span starting now can be tracked: there is room, possibly after dropping abandoned spans.
   *
   * @param clock the current time, in the clock's unit: read only when the table is full
   * @return {@code false} when the table is full of spans younger than {@code abandonAfter}
   */
  public boolean hasRoom(LongSupplier clock) {
    if (size() < maxOpenSpans) {
      return true;
    }
    long now = clock.getAsLong();
    open.values().removeIf(slot -> now - startedAt.applyAsLong(slot.node) > abandonAfter);
    sameId.values().removeIf(n -> now - startedAt.applyAsLong(n) > abandonAfter);
    return size() < maxOpenSpans;
  }

  /**
   * The node of a starting span's parent, when the parent is a local span this table tracks.
   *
   * @param parentContext the context the span starts in
   * @return the parent's node, or {@code null}
   */
  public @Nullable N parentOf(Context parentContext) {
    Span parent = Span.fromContext(parentContext);
    return parent instanceof ReadableSpan r ? get(r) : null;
  }

  /**
   * Tracks a span; call after {@link #hasRoom}.
   *
   * @param span the starting span
   * @param node its node
   */
  public void put(ReadableSpan span, N node) {
    Slot<N> mine = new Slot<>(span, node);
    Slot<N> other = open.putIfAbsent(span.getSpanContext().getSpanId(), mine);
    if (other != null) {
      if (other.span == span) {
        open.put(span.getSpanContext().getSpanId(), mine);
      } else {
        sameId.put(span, node);
      }
    }
  }

  /**
   * The node of a tracked span.
   *
   * @param span the span
   * @return its node, or {@code null} if it is not tracked
   */
  public @Nullable N get(ReadableSpan span) {
    Slot<N> slot = open.get(span.getSpanContext().getSpanId());
    if (slot != null && slot.span == span) {
      return slot.node;
    }
    return sameId.isEmpty() ? null : sameId.get(span);
  }

  /**
   * Stops tracking a span.
   *
   * @param span the ending span
   * @return its node, or {@code null} if it was not tracked (started before the processor, or while the table was
   *     full, or dropped as abandoned)
   */
  public @Nullable N remove(ReadableSpan span) {
    String id = span.getSpanContext().getSpanId();
    Slot<N> slot = open.get(id);
    if (slot != null && slot.span == span) {
      // By value: a span with the same id tracked meanwhile keeps its slot.
      return open.remove(id, slot) ? slot.node : null;
    }
    return sameId.isEmpty() ? null : sameId.remove(span);
  }

  /**
   * The number of spans tracked now.
   *
   * @return the count
   */
  public int size() {
    return open.size() + sameId.size();
  }

  /** Forgets every span, at shutdown. */
  public void clear() {
    open.clear();
    sameId.clear();
  }

  /** A node and the span it belongs to. */
  private record Slot<N>(ReadableSpan span, N node) {}

  @Override
  public String toString() {
    return "OpenSpanTable{" + size() + "/" + maxOpenSpans + "}";
  }
}
