package io.lockn.core;

import io.lockn.core.internal.Strings;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Which W3C Baggage entries carry business attribution, and how they are copied onto GenAI spans.
 *
 * <p>Each key is both the Baggage key (so that it crosses service boundaries with the {@code baggage} propagator)
 * and the span attribute key. Only the keys listed here are copied, and values are sanitised: control characters
 * removed and the length capped at {@link #maxValueLength()}, so that hostile or accidental Baggage cannot blow up
 * span size. Immutable.
 *
 * <p>The methods that read Baggage ({@link #toMap}, {@link #value}, {@link #copy(Baggage, Span)}) are the one place
 * these rules live: LockN's own spans and admission requests, {@link io.lockn.core.sdk.AttributionSpanProcessor} and
 * the framework adapters all go through them, so that a budget scoped by tenant and the tenant on the span are always
 * the same value.
 *
 * <p><b>Sources.</b> Other instrumentations carry the same attribution under their own keys: OpenLLMetry's {@code
 * traceloop.association.properties.*}, the Vercel AI SDK's {@code ai.telemetry.metadata.*} and {@code
 * ai.settings.context.*}, Langfuse's {@code langfuse.trace.metadata.*}, OpenInference's JSON-valued {@code metadata},
 * the conventions' {@code user.id}, {@code session.id} and {@code gen_ai.conversation.id}. Each key has a list of such
 * {@link #sources(String) sources}: where a span lacks the key itself, the first source it carries gives the value
 * (the key itself always wins over its sources). A source is an attribute name, or {@code ATTRIBUTE#FIELD} for a field
 * of a JSON object held as a string attribute ({@code metadata#tenant_id}; a dotted field is a path into nested
 * objects). The defaults below apply unless {@link Builder#setDefaultSources(boolean)} turns them off; {@link
 * Builder#addSource} adds more, read before the defaults. Sources are read from spans (LockN's pricing and {@code
 * lockn audit}), never from Baggage, and are not copied onto spans.
 *
 * <table>
 *   <caption>Default sources</caption>
 *   <tr><th>Key</th><th>Sources, in order</th></tr>
 *   <tr><td>tenant</td><td>{@code tenant.id}; {@code tenant_id} and {@code tenantId} under {@code
 *       traceloop.association.properties.}, {@code ai.telemetry.metadata.}, {@code ai.settings.context.}, {@code
 *       langfuse.trace.metadata.}, {@code langfuse.observation.metadata.}; {@code metadata#tenant_id}, {@code
 *       metadata#tenantId}</td></tr>
 *   <tr><td>user id</td><td>{@code user.id}, {@code enduser.id}; {@code user_id} and {@code userId} under the same
 *       prefixes; {@code metadata#user_id}, {@code metadata#userId}; {@code langfuse.user.id}; LiteLLM's {@code
 *       metadata.user_api_key_end_user_id}</td></tr>
 *   <tr><td>session id</td><td>{@code session.id}, {@code gen_ai.conversation.id}; {@code session_id} and {@code
 *       sessionId} under the same prefixes; {@code metadata#session_id}, {@code metadata#sessionId}; {@code
 *       langfuse.session.id}</td></tr>
 *   <tr><td>workflow id</td><td>{@code gen_ai.workflow.name}, {@code traceloop.workflow.name}</td></tr>
 *   <tr><td>feature</td><td>{@code ai.telemetry.functionId} (the Vercel AI SDK's function id)</td></tr>
 *   <tr><td>cost center, plan, extra keys</td><td>none</td></tr>
 * </table>
 */
public final class AttributionKeys {

  /** The default tenant key. */
  public static final String DEFAULT_TENANT_KEY = "app.tenant_id";
  /** The default cost-center key. */
  public static final String DEFAULT_COST_CENTER_KEY = "app.cost_center";
  /** The default workflow-id key. */
  public static final String DEFAULT_WORKFLOW_ID_KEY = "app.workflow_id";
  /** The default feature key. */
  public static final String DEFAULT_FEATURE_KEY = "app.feature";
  /** The default plan key. */
  public static final String DEFAULT_PLAN_KEY = "app.plan";
  /** The default user-id key. */
  public static final String DEFAULT_USER_ID_KEY = "app.user_id";
  /** The default session-id key. */
  public static final String DEFAULT_SESSION_ID_KEY = "app.session_id";
  /** The default maximum length of a copied value. */
  public static final int DEFAULT_MAX_VALUE_LENGTH = 128;

  /** The prefixes under which ecosystems put free-form attribution (see the class comment's table). */
  private static final List<String> SOURCE_PREFIXES = List.of(
      "traceloop.association.properties.",
      "ai.telemetry.metadata.",
      "ai.settings.context.",
      "langfuse.trace.metadata.",
      "langfuse.observation.metadata.");

  // After SOURCE_PREFIXES: building the defaults reads it.
  private static final AttributionKeys DEFAULTS = builder().build();

  private final String tenantKey;
  private final String costCenterKey;
  private final String workflowIdKey;
  private final String featureKey;
  private final String planKey;
  private final String userIdKey;
  private final String sessionIdKey;
  private final List<String> allKeys;
  /** Each key's sources, in the order they are read; keys without sources are absent. */
  private final Map<String, List<String>> sources;
  // allKeys as attribute keys, built once: copying runs on every span start.
  private final List<AttributeKey<String>> attributeKeys;
  private final int maxValueLength;

  private AttributionKeys(Builder b) {
    this.tenantKey = b.tenantKey;
    this.costCenterKey = b.costCenterKey;
    this.workflowIdKey = b.workflowIdKey;
    this.featureKey = b.featureKey;
    this.planKey = b.planKey;
    this.userIdKey = b.userIdKey;
    this.sessionIdKey = b.sessionIdKey;
    Set<String> keys = new LinkedHashSet<>();
    keys.add(tenantKey);
    keys.add(costCenterKey);
    keys.add(workflowIdKey);
    keys.add(featureKey);
    keys.add(planKey);
    keys.add(userIdKey);
    keys.add(sessionIdKey);
    keys.addAll(b.extraKeys);
    this.allKeys = List.copyOf(keys);
    this.attributeKeys = allKeys.stream().map(AttributeKey::stringKey).toList();
    this.maxValueLength = b.maxValueLength;
    // Sources the user added come first, then the defaults of the key's role; a source is listed once per key.
    Map<String, Set<String>> all = new LinkedHashMap<>();
    for (String[] added : b.addedSources) {
      all.computeIfAbsent(added[0], k -> new LinkedHashSet<>()).add(added[1]);
    }
    if (b.defaultSources) {
      addDefaults(all, tenantKey, "tenant.id", null, "tenant_id", "tenantId");
      addDefaults(all, userIdKey, "user.id", "enduser.id", "user_id", "userId")
          .addAll(List.of("langfuse.user.id", "metadata.user_api_key_end_user_id"));
      addDefaults(all, sessionIdKey, "session.id", "gen_ai.conversation.id", "session_id", "sessionId")
          .add("langfuse.session.id");
      all.computeIfAbsent(workflowIdKey, k -> new LinkedHashSet<>())
          .addAll(List.of("gen_ai.workflow.name", "traceloop.workflow.name"));
      all.computeIfAbsent(featureKey, k -> new LinkedHashSet<>()).add("ai.telemetry.functionId");
    }
    Map<String, List<String>> frozen = new LinkedHashMap<>();
    all.forEach((key, list) -> {
      list.remove(key); // a key is never its own source
      if (!list.isEmpty()) {
        frozen.put(key, List.copyOf(list));
      }
    });
    this.sources = Map.copyOf(frozen);
  }

  private static Set<String> addDefaults(Map<String, Set<String>> all, String key, String first,
      @Nullable String second, String snake, String camel) {
    Set<String> list = all.computeIfAbsent(key, k -> new LinkedHashSet<>());
    list.add(first);
    if (second != null) {
      list.add(second);
    }
    for (String prefix : SOURCE_PREFIXES) {
      list.add(prefix + snake);
      list.add(prefix + camel);
    }
    list.add("metadata#" + snake);
    list.add("metadata#" + camel);
    return list;
  }

  /**
   * The default keys: {@code app.tenant_id}, {@code app.cost_center}, {@code app.workflow_id}, {@code app.feature},
   * {@code app.plan}, {@code app.user_id} and {@code app.session_id}, values capped at {@value
   * #DEFAULT_MAX_VALUE_LENGTH} characters, with the default sources.
   *
   * @return the defaults
   */
  public static AttributionKeys defaults() {
    return DEFAULTS;
  }

  /**
   * A builder starting from the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The tenant key.
   *
   * @return the key
   */
  public String tenantKey() {
    return tenantKey;
  }

  /**
   * The cost-center key.
   *
   * @return the key
   */
  public String costCenterKey() {
    return costCenterKey;
  }

  /**
   * The workflow-id key.
   *
   * @return the key
   */
  public String workflowIdKey() {
    return workflowIdKey;
  }

  /**
   * The feature key.
   *
   * @return the key
   */
  public String featureKey() {
    return featureKey;
  }

  /**
   * The plan key.
   *
   * @return the key
   */
  public String planKey() {
    return planKey;
  }

  /**
   * The user-id key.
   *
   * @return the key
   */
  public String userIdKey() {
    return userIdKey;
  }

  /**
   * The session-id key (a conversation or chat session).
   *
   * @return the key
   */
  public String sessionIdKey() {
    return sessionIdKey;
  }

  /**
   * Where other instrumentations carry a key's value, read from a span when the span lacks the key itself: attribute
   * names, or {@code ATTRIBUTE#FIELD} for a field of a JSON object held as a string attribute (see the class
   * comment).
   *
   * @param key an attribute key, for example {@link #tenantKey()}
   * @return the sources in the order they are read; empty when the key has none
   */
  public List<String> sources(String key) {
    List<String> list = sources.get(key);
    return list != null ? list : List.of();
  }

  /**
   * Every key's sources.
   *
   * @return the sources by key, for keys that have any
   */
  public Map<String, List<String>> sources() {
    return sources;
  }

  /**
   * Every allowlisted key, in a stable order: the seven named keys, then the extra keys.
   *
   * @return the keys
   */
  public List<String> allKeys() {
    return allKeys;
  }

  /**
   * The maximum number of characters copied from a value; longer values are cut.
   *
   * @return the cap
   */
  public int maxValueLength() {
    return maxValueLength;
  }

  /**
   * Whether an attribute key is allowlisted.
   *
   * @param attributeKey the key, for example {@code app.tenant_id}
   * @return {@code true} when it is one of {@link #allKeys()}
   */
  public boolean allows(String attributeKey) {
    return allKeys.contains(attributeKey);
  }

  /**
   * The sanitised value of one allowlisted key in {@code baggage}.
   *
   * @param baggage the Baggage, for example {@code Baggage.current()}
   * @param attributeKey the key
   * @return the value (control characters removed, cut at {@link #maxValueLength()}), or {@code null} when the key is
   *     not allowlisted or has no non-empty entry
   */
  public @Nullable String value(Baggage baggage, String attributeKey) {
    if (baggage.isEmpty()) {
      return null;
    }
    int index = allKeys.indexOf(attributeKey);
    return index < 0 ? null : value(baggage, index);
  }

  /**
   * The allowlisted entries of {@code baggage}, sanitised: the attribution a model call made under this Baggage is
   * admitted and charged with ({@code CallRequest.attribution()}).
   *
   * @param baggage the Baggage
   * @return the values by attribute key, in {@link #allKeys()} order; a new map on each call (the shared empty map
   *     when there is none), to be treated as read-only
   */
  public Map<String, String> toMap(Baggage baggage) {
    if (baggage.isEmpty()) {
      return Map.of();
    }
    @Nullable Map<String, String> map = null;
    for (int i = 0; i < allKeys.size(); i++) {
      String value = value(baggage, i);
      if (value != null) {
        if (map == null) {
          map = new LinkedHashMap<>();
        }
        map.put(allKeys.get(i), value);
      }
    }
    return map != null ? map : Map.of();
  }

  /**
   * Sets the allowlisted entries of {@code baggage}, sanitised, as attributes on a span about to start, where
   * samplers see them.
   *
   * @param baggage the Baggage of the span's parent context
   * @param builder the span builder
   */
  public void copy(Baggage baggage, SpanBuilder builder) {
    if (baggage.isEmpty()) {
      return;
    }
    for (int i = 0; i < allKeys.size(); i++) {
      String value = value(baggage, i);
      if (value != null) {
        builder.setAttribute(attributeKeys.get(i), value);
      }
    }
  }

  /**
   * Sets the allowlisted entries of {@code baggage}, sanitised, as attributes on a started span, for example one a
   * framework started without the caller's Baggage.
   *
   * @param baggage the Baggage
   * @param span the span
   */
  public void copy(Baggage baggage, Span span) {
    if (baggage.isEmpty()) {
      return;
    }
    for (int i = 0; i < allKeys.size(); i++) {
      String value = value(baggage, i);
      if (value != null) {
        span.setAttribute(attributeKeys.get(i), value);
      }
    }
  }

  private @Nullable String value(Baggage baggage, int index) {
    String value = Strings.sanitize(baggage.getEntryValue(allKeys.get(index)), maxValueLength);
    return value == null || value.isEmpty() ? null : value;
  }

  /** Builds {@link AttributionKeys}. Not thread-safe. */
  public static final class Builder {
    private String tenantKey = DEFAULT_TENANT_KEY;
    private String costCenterKey = DEFAULT_COST_CENTER_KEY;
    private String workflowIdKey = DEFAULT_WORKFLOW_ID_KEY;
    private String featureKey = DEFAULT_FEATURE_KEY;
    private String planKey = DEFAULT_PLAN_KEY;
    private String userIdKey = DEFAULT_USER_ID_KEY;
    private String sessionIdKey = DEFAULT_SESSION_ID_KEY;
    private final List<String> extraKeys = new ArrayList<>();
    private final List<String[]> addedSources = new ArrayList<>();
    private boolean defaultSources = true;
    private int maxValueLength = DEFAULT_MAX_VALUE_LENGTH;

    private Builder() {}

    /**
     * Sets the tenant key.
     *
     * @param key the Baggage and attribute key
     * @return this builder
     */
    public Builder setTenantKey(String key) {
      this.tenantKey = checkKey(key, "tenantKey");
      return this;
    }

    /**
     * Sets the cost-center key.
     *
     * @param key the Baggage and attribute key
     * @return this builder
     */
    public Builder setCostCenterKey(String key) {
      this.costCenterKey = checkKey(key, "costCenterKey");
      return this;
    }

    /**
     * Sets the workflow-id key.
     *
     * @param key the Baggage and attribute key
     * @return this builder
     */
    public Builder setWorkflowIdKey(String key) {
      this.workflowIdKey = checkKey(key, "workflowIdKey");
      return this;
    }

    /**
     * Sets the feature key.
     *
     * @param key the Baggage and attribute key
     * @return this builder
     */
    public Builder setFeatureKey(String key) {
      this.featureKey = checkKey(key, "featureKey");
      return this;
    }

    /**
     * Sets the plan key.
     *
     * @param key the Baggage and attribute key
     * @return this builder
     */
    public Builder setPlanKey(String key) {
      this.planKey = checkKey(key, "planKey");
      return this;
    }

    /**
     * Sets the user-id key.
     *
     * @param key the Baggage and attribute key
     * @return this builder
     */
    public Builder setUserIdKey(String key) {
      this.userIdKey = checkKey(key, "userIdKey");
      return this;
    }

    /**
     * Sets the session-id key.
     *
     * @param key the Baggage and attribute key
     * @return this builder
     */
    public Builder setSessionIdKey(String key) {
      this.sessionIdKey = checkKey(key, "sessionIdKey");
      return this;
    }

    /**
     * Adds a source of a key: an attribute other instrumentations put the key's value in, read when a span lacks the
     * key itself. Sources added here are read in the order added, before the defaults.
     *
     * @param key the key, for example {@code app.tenant_id} (any attribute key, allowlisted or not)
     * @param source an attribute name, or {@code ATTRIBUTE#FIELD} for a field of a JSON object held as a string
     *     attribute
     * @return this builder
     * @throws IllegalArgumentException if either is blank, or the source is a malformed {@code ATTRIBUTE#FIELD}
     */
    public Builder addSource(String key, String source) {
      String k = checkKey(key, "key");
      String s = checkKey(source, "source").strip();
      int hash = s.indexOf('#');
      if (hash == 0 || hash == s.length() - 1 || (hash > 0 && s.indexOf('#', hash + 1) >= 0)) {
        throw new IllegalArgumentException(
            "source must be an attribute name or ATTRIBUTE#FIELD, was \"" + source + "\"");
      }
      addedSources.add(new String[] {k.strip(), s});
      return this;
    }

    /**
     * Sets whether the default sources (the class comment's table) are read. Defaults to {@code true}.
     *
     * @param on {@code false} to read only the keys themselves and the sources added with {@link #addSource}
     * @return this builder
     */
    public Builder setDefaultSources(boolean on) {
      this.defaultSources = on;
      return this;
    }

    /**
     * Allowlists one more Baggage key, for example {@code app.environment}.
     *
     * @param key the Baggage and attribute key
     * @return this builder
     */
    public Builder addKey(String key) {
      extraKeys.add(checkKey(key, "key"));
      return this;
    }

    /**
     * Sets the maximum number of characters copied from a value.
     *
     * @param maxValueLength the cap, at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code maxValueLength < 1}
     */
    public Builder setMaxValueLength(int maxValueLength) {
      if (maxValueLength < 1) {
        throw new IllegalArgumentException("maxValueLength < 1");
      }
      this.maxValueLength = maxValueLength;
      return this;
    }

    /**
     * Builds the keys.
     *
     * @return the immutable keys
     */
    public AttributionKeys build() {
      return new AttributionKeys(this);
    }

    private static String checkKey(String key, String name) {
      Objects.requireNonNull(key, name);
      if (key.isBlank()) {
        throw new IllegalArgumentException(name + " is blank");
      }
      return key;
    }
  }
}
