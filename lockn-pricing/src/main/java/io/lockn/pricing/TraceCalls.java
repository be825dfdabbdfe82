package io.lockn.pricing;

import io.lockn.core.AttributionKeys;
import io.lockn.core.LockNAttributes;
import io.opentelemetry.api.common.AttributeKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The model calls of one whole trace, each counted once: the audit side of {@link SpanPricing}, used by {@code lockn
 * audit}. It reads every span ({@link SpanPricing#read}), removes the spans that describe a call another span already
 * counts, and attributes each call from its own spans and its ancestors.
 *
 * <p><b>One call, one count.</b> Instrumentations nest: OpenLLMetry's or OpenInference's span around the Anthropic
 * SDK's own, a Langfuse generation around an SDK span, the Vercel AI SDK 7's {@code embeddings} span around the inner
 * one, LockN's own call around the Java agent's. Two model-call spans of one trace are one provider call when one
 * encloses the other (ancestor and descendant, through any spans in between), they {@linkplain
 * ModelCall#mayBeSameCallAs may be the same call} (compatible providers, same model family, both chat or both
 * embeddings) and their times overlap, unless both carry a cost LockN recorded when pricing them (LockN prices each
 * call once, so two recorded costs are two calls). Bottom-up, each model-call span is compared with the calls counted
 * below it:
 *
 * <ul>
 *   <li>none is the same call: it is a call of its own;
 *   <li>exactly one is: they are one call, represented by the span with the most complete description (a recorded
 *       cost, then usage, then the cache split, then the reasoning split; on a tie the one nearer the provider, the
 *       lower); the other is a {@linkplain Call#duplicates() duplicate}. A span without usage over a span with usage
 *       (a wrapper) is therefore never counted;
 *   <li>several are: it adds them up (a framework span over retries or several steps): it is not a call.
 * </ul>
 *
 * Spans that add up calls by their nature are not read as calls at all: the Vercel AI SDK's outer {@code
 * ai.generateText}/{@code ai.streamText}/{@code ai.embed} spans and {@code invoke_agent} spans (whose usage is the
 * total of their steps).
 *
 * <p><b>Attribution.</b> A call's value for an attribution key is the first found, by {@link SpanPricing#attribution}
 * (the key, else its sources), on: the call's span, its duplicates, the span's ancestors nearest first, the resource.
 * Its agent is that of the nearest agent ancestor ({@link SpanPricing#agentName}), else the span's own {@code
 * lockn.agent.name}.
 *
 * <p>Immutable once built; not for concurrent building. The spans are the caller's; nothing is copied.
 *
 * @param <S> the caller's span type
 */
public final class TraceCalls<S extends TraceCalls.Span> {

  /** One span of a trace, as the caller holds it. */
  public interface Span extends SpanPricing.SpanAttributes {
    /**
     * The span id.
     *
     * @return the id
     */
    String spanId();

    /**
     * The parent span id.
     *
     * @return the id, or {@code null} for a root
     */
    @Nullable String parentSpanId();

    /**
     * The span name.
     *
     * @return the name
     */
    String name();

    /**
     * When the span started.
     *
     * @return nanoseconds since the epoch
     */
    long startEpochNanos();

    /**
     * When the span ended.
     *
     * @return nanoseconds since the epoch
     */
    long endEpochNanos();

    /**
     * A value from outside the trace, read when neither the span nor an ancestor has one: the resource's attribute.
     *
     * @param key the attribute
     * @return the value, or {@code null}; none by default
     */
    default @Nullable String outerString(AttributeKey<String> key) {
      return null;
    }
  }

  /**
   * One model call, counted once.
   *
   * @param <S> the caller's span type
   */
  public static final class Call<S extends Span> {
    private final TraceCalls<S> trace;
    private final int index;
    private final ModelCall call;
    private final List<S> duplicates;

    private Call(TraceCalls<S> trace, int index, ModelCall call, List<S> duplicates) {
      this.trace = trace;
      this.index = index;
      this.call = call;
      this.duplicates = duplicates;
    }

    /**
     * The span that represents the call: the most complete of its spans.
     *
     * @return the span
     */
    public S span() {
      return trace.spans.get(index);
    }

    /**
     * The call, as its span describes it (models the span lacks are taken from its duplicates).
     *
     * @return the call
     */
    public ModelCall call() {
      return call;
    }

    /**
     * The other spans that describe the same call (wrappers and inner spans), not counted.
     *
     * @return the spans, nearest the provider first; empty for most calls
     */
    public List<S> duplicates() {
      return duplicates;
    }

    /**
     * The call's value for an attribution key (see the class comment).
     *
     * @param key the key, for example {@link AttributionKeys#tenantKey()}
     * @return the value, or {@code null}
     */
    public @Nullable String attribution(String key) {
      Objects.requireNonNull(key, "key");
      AttributionKeys keys = trace.keys;
      String v = SpanPricing.attribution(span(), keys, key);
      for (int i = 0; v == null && i < duplicates.size(); i++) {
        v = SpanPricing.attribution(duplicates.get(i), keys, key);
      }
      int hops = 0;
      for (int p = trace.parent[index]; v == null && p >= 0 && hops < MAX_HOPS; p = trace.parent[p], hops++) {
        v = SpanPricing.attribution(trace.spans.get(p), keys, key);
      }
      if (v == null) {
        S span = span();
        v = SpanPricing.attribution(new SpanPricing.SpanAttributes() {
          @Override
          public long count(AttributeKey<Long> k) {
            return -1;
          }

          @Override
          public @Nullable String string(AttributeKey<String> k) {
            return span.outerString(k);
          }
        }, keys, key);
      }
      return v;
    }

    /**
     * The call's agent: the nearest agent ancestor's ({@link SpanPricing#agentName}), else the span's own {@code
     * lockn.agent.name}.
     *
     * @return the agent's name, or {@code null}
     */
    public @Nullable String agent() {
      int hops = 0;
      for (int p = trace.parent[index]; p >= 0 && hops < MAX_HOPS; p = trace.parent[p], hops++) {
        S s = trace.spans.get(p);
        String name = SpanPricing.agentName(s, s.name());
        if (name != null) {
          return name;
        }
      }
      return span().string(LockNAttributes.AGENT_NAME);
    }

    @Override
    public String toString() {
      return "Call{" + span().spanId() + ' ' + call + (duplicates.isEmpty() ? "" : ", duplicates="
          + duplicates.stream().map(Span::spanId).toList()) + '}';
    }
  }

  /** How far up the ancestry the rules look: a guard against cycles in malformed input. */
  private static final int MAX_HOPS = 1000;

  private final List<S> spans;
  private final AttributionKeys keys;
  /** Each span's parent index, -1 for a root or a parent not in the trace. */
  private final int[] parent;
  private final List<Call<S>> calls;
  private final int duplicatesRemoved;

  /** A call counted below some span while the trace is walked: its representing span and the spans merged in. */
  private static final class Group {
    int kept;
    ModelCall call;
    final List<Integer> members = new ArrayList<>(1);

    Group(int kept, ModelCall call) {
      this.kept = kept;
      this.call = call;
    }
  }

  private TraceCalls(List<S> spans, AttributionKeys keys) {
    this.spans = spans;
    this.keys = keys;
    int n = spans.size();
    Map<String, Integer> byId = new HashMap<>(n * 2);
    for (int i = 0; i < n; i++) {
      byId.putIfAbsent(spans.get(i).spanId(), i);
    }
    this.parent = new int[n];
    for (int i = 0; i < n; i++) {
      String p = spans.get(i).parentSpanId();
      Integer pi = p == null ? null : byId.get(p);
      parent[i] = pi == null || pi == i ? -1 : pi;
    }
    ModelCall[] read = new ModelCall[n];
    boolean[] recorded = new boolean[n];
    int models = 0;
    for (int i = 0; i < n; i++) {
      S s = spans.get(i);
      ModelCall call = SpanPricing.read(s);
      if (call != null) {
        read[i] = call;
        models++;
        recorded[i] = s.count(CostAttributes.TOTAL_NANOS) >= 0;
      }
    }
    if (models == 0) {
      this.calls = List.of(); // most traces of a mixed export: nothing more to do
      this.duplicatesRemoved = 0;
      return;
    }
    // The nearest model-call ancestor of each model-call span, through any other spans.
    int[] callParent = new int[n];
    List<List<Integer>> children = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      children.add(null);
    }
    List<Integer> roots = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      callParent[i] = -1;
      if (read[i] == null) {
        continue;
      }
      int hops = 0;
      for (int p = parent[i]; p >= 0 && hops < MAX_HOPS; p = parent[p], hops++) {
        if (read[p] != null) {
          callParent[i] = p;
          break;
        }
      }
      if (callParent[i] < 0) {
        roots.add(i);
      } else {
        List<Integer> c = children.get(callParent[i]);
        if (c == null) {
          c = new ArrayList<>(2);
          children.set(callParent[i], c);
        }
        c.add(i);
      }
    }
    // Bottom-up, iteratively (a malformed trace may be deep): each model-call span against the calls counted below.
    @SuppressWarnings("unchecked")
    List<Group>[] below = new List[n];
    int dropped = 0;
    List<Group> counted = new ArrayList<>();
    boolean[] visited = new boolean[n];
    // The roots first; then any model-call span not reached from one (a malformed trace whose parents form a cycle),
    // as a root of its own, so that no call is lost.
    List<Integer> starts = new ArrayList<>(roots);
    for (int i = 0; i < n; i++) {
      if (read[i] != null) {
        starts.add(i);
      }
    }
    for (int root : starts) {
      if (visited[root]) {
        continue;
      }
      visited[root] = true;
      List<int[]> stack = new ArrayList<>();
      stack.add(new int[] {root, 0});
      while (!stack.isEmpty()) {
        int[] top = stack.get(stack.size() - 1);
        List<Integer> c = children.get(top[0]);
        if (c != null && top[1] < c.size()) {
          int child = c.get(top[1]++);
          if (!visited[child]) {
            visited[child] = true;
            stack.add(new int[] {child, 0});
          }
          continue;
        }
        stack.remove(stack.size() - 1);
        int i = top[0];
        List<Group> groups = new ArrayList<>();
        if (c != null) {
          for (int child : c) {
            if (below[child] != null) {
              groups.addAll(below[child]);
              below[child] = List.of(); // consumed: its groups moved up
            }
          }
        }
        Group same = null;
        int sameCount = 0;
        for (Group g : groups) {
          if (sameCall(i, g.kept, read, recorded)) {
            same = g;
            sameCount++;
          }
        }
        if (sameCount == 0) {
          groups.add(new Group(i, read[i]));
        } else if (sameCount == 1 && same != null) {
          dropped++;
          if (score(i, read, recorded) > score(same.kept, read, recorded)) {
            same.members.add(0, same.kept);
            same.call = read[i].withModelsFrom(same.call);
            same.kept = i;
          } else {
            same.members.add(i);
            same.call = same.call.withModelsFrom(read[i]);
          }
        } else {
          dropped++; // it adds up several calls below it
        }
        if (i == root) {
          counted.addAll(groups); // a root, or where a cycle was cut
        } else {
          below[i] = groups;
        }
      }
    }
    counted.sort(
        Comparator.comparingLong((Group g) -> spans.get(g.kept).startEpochNanos()).thenComparingInt(g -> g.kept));
    List<Call<S>> out = new ArrayList<>(counted.size());
    for (Group g : counted) {
      List<S> members = new ArrayList<>(g.members.size());
      for (int m : g.members) {
        members.add(spans.get(m));
      }
      out.add(new Call<>(this, g.kept, g.call, List.copyOf(members)));
    }
    this.calls = List.copyOf(out);
    this.duplicatesRemoved = dropped;
  }

  private boolean sameCall(int a, int b, ModelCall[] read, boolean[] recorded) {
    if (recorded[a] && recorded[b]) {
      return false;
    }
    S x = spans.get(a);
    S y = spans.get(b);
    return x.startEpochNanos() <= y.endEpochNanos() && y.startEpochNanos() <= x.endEpochNanos()
        && read[a].mayBeSameCallAs(read[b]);
  }

  private static int score(int i, ModelCall[] read, boolean[] recorded) {
    return (recorded[i] ? 8 : 0) + read[i].detail();
  }

  /**
   * Reads the model calls of one trace.
   *
   * @param spans the trace's spans, in any order (spans of other traces must not be mixed in)
   * @param keys the attribution keys and their sources
   * @param <S> the caller's span type
   * @return the calls
   */
  public static <S extends Span> TraceCalls<S> of(Collection<? extends S> spans, AttributionKeys keys) {
    return new TraceCalls<>(List.copyOf(spans), Objects.requireNonNull(keys, "keys"));
  }

  /**
   * The calls, each once, in the order their spans started.
   *
   * @return the calls
   */
  public List<Call<S>> calls() {
    return calls;
  }

  /**
   * How many model-call spans were not counted because they describe a call another span counts (duplicates and
   * wrappers) or add up calls counted below them.
   *
   * @return the number of spans
   */
  public int duplicatesRemoved() {
    return duplicatesRemoved;
  }
}
