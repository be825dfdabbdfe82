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
  /** The default maximum length of a copied value. */
  public static final int DEFAULT_MAX_VALUE_LENGTH = 128;

  private static final AttributionKeys DEFAULTS = builder().build();

  private final String tenantKey;
  private final String costCenterKey;
  private final String workflowIdKey;
  private final String featureKey;
  private final String planKey;
  private final String userIdKey;
  private final List<String> allKeys;
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
    Set<String> keys = new LinkedHashSet<>();
    keys.add(tenantKey);
    keys.add(costCenterKey);
    keys.add(workflowIdKey);
    keys.add(featureKey);
    keys.add(planKey);
    keys.add(userIdKey);
    keys.addAll(b.extraKeys);
    this.allKeys = List.copyOf(keys);
    this.attributeKeys = allKeys.stream().map(AttributeKey::stringKey).toList();
    this.maxValueLength = b.maxValueLength;
  }

  /**
   * The default keys: {@code app.tenant_id}, {@code app.cost_center}, {@code app.workflow_id}, {@code app.feature},
   * {@code app.plan} and {@code app.user_id}, values capped at {@value #DEFAULT_MAX_VALUE_LENGTH} characters.
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
   * Every allowlisted key, in a stable order: the six named keys, then the extra keys.
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
    private final List<String> extraKeys = new ArrayList<>();
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
