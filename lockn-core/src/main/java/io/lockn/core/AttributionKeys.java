package io.lockn.core;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Which W3C Baggage entries carry business attribution, and how they are copied onto GenAI spans.
 *
 * <p>Each key is both the Baggage key (so that it crosses service boundaries with the {@code baggage} propagator)
 * and the span attribute key. Only the keys listed here are copied, and values are sanitised: control characters
 * removed and the length capped at {@link #maxValueLength()}, so that hostile or accidental Baggage cannot blow up
 * span size. Immutable.
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
