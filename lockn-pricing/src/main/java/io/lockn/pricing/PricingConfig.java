package io.lockn.pricing;

import io.lockn.core.AttributionKeys;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * LockN's pricing configuration: one set of {@code lockn.pricing.*} and {@code lockn.attribution.*} properties with
 * one meaning, read the same way by every wiring (the OpenTelemetry SDK autoconfigure and Java agent through {@code
 * io.lockn.pricing.autoconfigure}, and Spring Boot through {@code lockn-spring-ai}); {@link
 * io.lockn.pricing.autoconfigure.CostPipelineFactory} builds the catalog and the cost pipeline from it.
 *
 * <table>
 *   <caption>Properties</caption>
 *   <tr><th>Property</th><th>Meaning</th><th>Default</th></tr>
 *   <tr><td>{@value #ENABLED}</td><td>whether spans and calls are priced: {@code true} or {@code false}</td>
 *       <td>{@code true}</td></tr>
 *   <tr><td>{@value #CATALOG}</td><td>price files in LockN's catalog format ({@code .gz} accepted), later files
 *       winning; each a file path (relative to the working directory), a {@code file:} location or a {@code
 *       classpath:} location</td><td>none</td></tr>
 *   <tr><td>{@value #LITELLM}</td><td>a LiteLLM {@code model_prices_and_context_window.json}, located the same
 *       way</td><td>none</td></tr>
 *   <tr><td>{@value #ALIASES}</td><td>deployment or gateway names served by a catalog model: name, provider, model
 *       and optional region</td><td>none</td></tr>
 *   <tr><td>{@value #DISCOUNTS}</td><td>percent off list price (0 to 100, at most 8 decimals), by provider or
 *       {@code provider/model}</td><td>none</td></tr>
 *   <tr><td>{@value #METRIC_ATTRIBUTION_KEYS}</td><td>span attributes added to the cost metric</td><td>none</td></tr>
 *   <tr><td>{@value #METRIC_CARDINALITY_LIMIT}</td><td>distinct values kept per metric attribute before {@code
 *       _OTHER}, at least 1</td><td>{@value #DEFAULT_METRIC_CARDINALITY_LIMIT}</td></tr>
 *   <tr><td>{@value #SPAN_COST_BREAKDOWN}</td><td>whether a call's span also carries its cost by token class
 *       ({@code lockn.cost.input}, {@code .output}, {@code .cache_read}, {@code .cache_write}, {@code
 *       .reasoning})</td><td>{@code false}</td></tr>
 *   <tr><td>{@value #FAIL_ON_ERROR}</td><td>whether a configuration error aborts start-up; otherwise it is logged
 *       and LockN's defaults apply</td><td>set by the host: {@code false} under the SDK autoconfigure and the Java
 *       agent, {@code true} in Spring Boot</td></tr>
 *   <tr><td>{@value #ATTRIBUTION_TENANT}, {@code .cost-center}, {@code .workflow-id}, {@code .feature}, {@code
 *       .plan}, {@code .user-id}, {@code .session-id}</td><td>the Baggage keys (and span attributes) of the
 *       attribution</td><td>{@link AttributionKeys#defaults()}</td></tr>
 *   <tr><td>{@value #ATTRIBUTION_SOURCES}</td><td>more places other instrumentations put a key's value: {@code
 *       KEY=SOURCE} entries, a source being an attribute name or {@code ATTRIBUTE#FIELD} for a field of a JSON object
 *       held in one ({@link AttributionKeys#sources(String)})</td><td>none (read before the defaults)</td></tr>
 *   <tr><td>{@value #ATTRIBUTION_DEFAULT_SOURCES}</td><td>whether the default sources (OpenLLMetry's, OpenInference's,
 *       the Vercel AI SDK's, Langfuse's keys...) are read</td><td>{@code true}</td></tr>
 *   <tr><td>{@value #ATTRIBUTION_EXTRA_KEYS}</td><td>more Baggage keys copied onto GenAI spans</td><td>none</td></tr>
 *   <tr><td>{@value #ATTRIBUTION_MAX_VALUE_LENGTH}</td><td>characters kept of a Baggage value, at least
 *       1</td><td>{@value AttributionKeys#DEFAULT_MAX_VALUE_LENGTH}</td></tr>
 * </table>
 *
 * <p>Lists and maps are written the way each host writes them: in OpenTelemetry properties (and {@code LOCKN_*}
 * environment variables) a list is comma-separated ({@code lockn.pricing.catalog=a.json,b.json}), discounts are
 * {@code KEY=PERCENT} entries ({@code lockn.pricing.discounts=openai=15,anthropic/claude-sonnet-4-5=20}) and aliases
 * {@code NAME=PROVIDER/MODEL} entries with an optional {@code ;region=REGION} ({@code
 * lockn.pricing.aliases=prod-gpt4o-eu=azure.ai.openai/gpt-4o;region=eu}), because OpenTelemetry's {@code
 * ConfigProperties} cannot list the keys under a prefix; Spring Boot binds its usual indexed and map forms ({@code
 * lockn.pricing.discounts[openai/gpt-4o]=20}, {@code lockn.pricing.aliases[prod-gpt4o-eu].model=gpt-4o}). Either way
 * the values go through {@link Builder}, which holds every rule: the same mistake gives the same {@link
 * PricingConfigException}, naming the property ({@code lockn.pricing.aliases[prod-gpt4o-eu].model}) in the same way.
 *
 * <p>A blank value of a flag, a number or {@value #LITELLM} counts as unset (as OpenTelemetry's own properties do); a
 * blank file location or attribution key is an error. Immutable.
 */
public final class PricingConfig {

  /** Whether to price at all; default {@code true}. */
  public static final String ENABLED = "lockn.pricing.enabled";

  /** Price files in LockN's catalog format, in order, later files winning. */
  public static final String CATALOG = "lockn.pricing.catalog";

  /** A LiteLLM cost-map file. */
  public static final String LITELLM = "lockn.pricing.litellm";

  /** Deployment or gateway names served by a catalog model. */
  public static final String ALIASES = "lockn.pricing.aliases";

  /** Negotiated discounts in percent off list price, by provider or provider/model. */
  public static final String DISCOUNTS = "lockn.pricing.discounts";

  /** Span attributes added to the cost metric. */
  public static final String METRIC_ATTRIBUTION_KEYS = "lockn.pricing.metric.attribution-keys";

  /** Distinct values kept per cost-metric attribute. */
  public static final String METRIC_CARDINALITY_LIMIT = "lockn.pricing.metric.cardinality-limit";

  /** Whether a configuration error aborts start-up instead of being logged. */
  public static final String FAIL_ON_ERROR = "lockn.pricing.fail-on-error";

  /** Whether a call's span also carries its cost by token class; default {@code false}. */
  public static final String SPAN_COST_BREAKDOWN = "lockn.pricing.span.cost-breakdown";

  /** The Baggage key of the tenant. */
  public static final String ATTRIBUTION_TENANT = "lockn.attribution.tenant";

  /** The Baggage key of the cost center. */
  public static final String ATTRIBUTION_COST_CENTER = "lockn.attribution.cost-center";

  /** The Baggage key of the workflow id. */
  public static final String ATTRIBUTION_WORKFLOW_ID = "lockn.attribution.workflow-id";

  /** The Baggage key of the product feature. */
  public static final String ATTRIBUTION_FEATURE = "lockn.attribution.feature";

  /** The Baggage key of the customer's plan. */
  public static final String ATTRIBUTION_PLAN = "lockn.attribution.plan";

  /** The Baggage key of the end user. */
  public static final String ATTRIBUTION_USER_ID = "lockn.attribution.user-id";

  /** The Baggage key of the session (conversation). */
  public static final String ATTRIBUTION_SESSION_ID = "lockn.attribution.session-id";

  /** More Baggage keys copied onto GenAI spans. */
  public static final String ATTRIBUTION_EXTRA_KEYS = "lockn.attribution.extra-keys";

  /** More sources of attribution keys: {@code KEY=SOURCE} entries. */
  public static final String ATTRIBUTION_SOURCES = "lockn.attribution.sources";

  /** Whether the default sources of attribution keys are read; default {@code true}. */
  public static final String ATTRIBUTION_DEFAULT_SOURCES = "lockn.attribution.default-sources";

  /** Characters kept of a Baggage value. */
  public static final String ATTRIBUTION_MAX_VALUE_LENGTH = "lockn.attribution.max-value-length";

  /** The default of {@value #METRIC_CARDINALITY_LIMIT}. */
  public static final int DEFAULT_METRIC_CARDINALITY_LIMIT = 100;

  private static final PricingConfig DEFAULTS = builder().build();

  private final boolean enabled;
  private final boolean failOnError;
  private final List<String> catalog;
  private final @Nullable String liteLlm;
  private final List<Alias> aliases;
  private final List<Discount> discounts;
  private final List<String> metricAttributionKeys;
  private final int metricCardinalityLimit;
  private final boolean spanCostBreakdown;
  private final AttributionKeys attributionKeys;

  private PricingConfig(
      boolean enabled,
      boolean failOnError,
      List<String> catalog,
      @Nullable String liteLlm,
      List<Alias> aliases,
      List<Discount> discounts,
      List<String> metricAttributionKeys,
      int metricCardinalityLimit,
      boolean spanCostBreakdown,
      AttributionKeys attributionKeys) {
    this.enabled = enabled;
    this.failOnError = failOnError;
    this.catalog = List.copyOf(catalog);
    this.liteLlm = liteLlm;
    this.aliases = List.copyOf(aliases);
    this.discounts = List.copyOf(discounts);
    this.metricAttributionKeys = List.copyOf(metricAttributionKeys);
    this.metricCardinalityLimit = metricCardinalityLimit;
    this.spanCostBreakdown = spanCostBreakdown;
    this.attributionKeys = attributionKeys;
  }

  /**
   * The defaults: pricing on, the bundled catalog alone, no metric attribution key, the default attribution keys, not
   * failing on error.
   *
   * @return the defaults
   */
  public static PricingConfig defaults() {
    return DEFAULTS;
  }

  /**
   * A builder of raw property values; {@link Builder#build()} checks them.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads a {@code true}/{@code false} property by this configuration's rule: blank or {@code null} is the default,
   * case and surrounding spaces are ignored, anything else is an error.
   *
   * @param property the property, for the error
   * @param value the value, or {@code null}
   * @param defaultValue the value when unset
   * @return the flag
   * @throws PricingConfigException if the value is neither {@code true} nor {@code false}
   */
  public static boolean parseBoolean(String property, @Nullable String value, boolean defaultValue) {
    if (value == null || value.isBlank()) {
      return defaultValue;
    }
    switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true":
        return true;
      case "false":
        return false;
      default:
        throw new PricingConfigException(property, value, "must be true or false, was \"" + value + "\"");
    }
  }

  /**
   * Whether spans and calls are priced.
   *
   * @return {@value #ENABLED}
   */
  public boolean enabled() {
    return enabled;
  }

  /**
   * Whether a configuration error aborts start-up.
   *
   * @return {@value #FAIL_ON_ERROR}
   */
  public boolean failOnError() {
    return failOnError;
  }

  /**
   * Whether a call's span also carries its cost by token class.
   *
   * @return {@value #SPAN_COST_BREAKDOWN}
   */
  public boolean spanCostBreakdown() {
    return spanCostBreakdown;
  }

  /**
   * The price files in LockN's catalog format, in the order they are applied.
   *
   * @return the locations, trimmed
   */
  public List<String> catalog() {
    return catalog;
  }

  /**
   * The LiteLLM cost-map file.
   *
   * @return its location, or {@code null}
   */
  public @Nullable String liteLlm() {
    return liteLlm;
  }

  /**
   * The deployment aliases.
   *
   * @return the aliases, in the order given
   */
  public List<Alias> aliases() {
    return aliases;
  }

  /**
   * The negotiated discounts.
   *
   * @return the discounts, in the order given
   */
  public List<Discount> discounts() {
    return discounts;
  }

  /**
   * The span attributes added to the cost metric.
   *
   * @return the keys
   */
  public List<String> metricAttributionKeys() {
    return metricAttributionKeys;
  }

  /**
   * The distinct values kept per cost-metric attribute.
   *
   * @return at least 1
   */
  public int metricCardinalityLimit() {
    return metricCardinalityLimit;
  }

  /**
   * The attribution keys.
   *
   * @return the keys
   */
  public AttributionKeys attributionKeys() {
    return attributionKeys;
  }

  /**
   * Whether anything changes the bundled prices: a price file, a LiteLLM file, an alias or a discount.
   *
   * @return {@code true} if the catalog is more than the bundled one
   */
  public boolean changesPrices() {
    return liteLlm != null || !catalog.isEmpty() || !aliases.isEmpty() || !discounts.isEmpty();
  }

  @Override
  public String toString() {
    return "PricingConfig{enabled=" + enabled + ", catalog=" + catalog + ", litellm=" + liteLlm + ", aliases="
        + aliases + ", discounts=" + discounts + ", metricAttributionKeys=" + metricAttributionKeys
        + ", metricCardinalityLimit=" + metricCardinalityLimit + ", spanCostBreakdown=" + spanCostBreakdown
        + ", attributionKeys=" + attributionKeys.allKeys()
        + ", failOnError=" + failOnError + "}";
  }

  /**
   * A deployment or gateway name served by a catalog model, such as an Azure OpenAI deployment.
   *
   * @param name the name as reported in {@code gen_ai.request.model} or {@code gen_ai.response.model}
   * @param provider the provider the name is reported under
   * @param model the catalog model it serves
   * @param region the region or data zone ({@code eu}, {@code us}), or {@code null}
   */
  public record Alias(String name, String provider, String model, @Nullable String region) {

    /**
     * Checks the components.
     *
     * @param name the name
     * @param provider the provider
     * @param model the model
     * @param region the region, or {@code null}
     */
    public Alias {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(provider, "provider");
      Objects.requireNonNull(model, "model");
    }

    /**
     * The property of one of this alias's fields, as errors name it.
     *
     * @param field {@code provider}, {@code model} or {@code region}
     * @return for example {@code lockn.pricing.aliases[prod-gpt4o-eu].model}
     */
    public String property(String field) {
      return ALIASES + "[" + name + "]." + field;
    }
  }

  /**
   * A negotiated discount on a provider's list prices, or on one catalog model's.
   *
   * @param key the key as given: {@code provider} or {@code provider/model}
   * @param provider the provider
   * @param model the catalog entry's model id, or {@code null} for every model of the provider
   * @param percentOff percent off list price, from 0 to 100
   */
  public record Discount(String key, String provider, @Nullable String model, BigDecimal percentOff) {

    /**
     * Checks the components.
     *
     * @param key the key
     * @param provider the provider
     * @param model the model, or {@code null}
     * @param percentOff the percent
     */
    public Discount {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(provider, "provider");
      Objects.requireNonNull(percentOff, "percentOff");
    }

    /**
     * The property of this discount, as errors name it.
     *
     * @return for example {@code lockn.pricing.discounts[openai/gpt-4o]}
     */
    public String property() {
      return DISCOUNTS + "[" + key + "]";
    }
  }

  /**
   * Collects raw property values, as text, and checks them all in {@link #build()}: this is the one parser of the
   * pricing properties. Every setter accepts what a property source holds, {@code null} meaning unset; nothing is
   * checked before {@link #build()}, which checks in a fixed order (the order of the table above), so the first
   * problem reported does not depend on the order the values were set in. Not thread-safe.
   */
  public static final class Builder {
    private @Nullable String enabled;
    private @Nullable String failOnError;
    private boolean failOnErrorDefault;
    private final List<@Nullable String> catalog = new ArrayList<>();
    private @Nullable String liteLlm;
    private final List<RawAlias> aliases = new ArrayList<>();
    private final List<String> aliasTexts = new ArrayList<>();
    private final List<RawDiscount> discounts = new ArrayList<>();
    private final List<String> discountTexts = new ArrayList<>();
    private final List<@Nullable String> metricAttributionKeys = new ArrayList<>();
    private @Nullable String metricCardinalityLimit;
    private @Nullable String spanCostBreakdown;
    private @Nullable String tenantKey;
    private @Nullable String costCenterKey;
    private @Nullable String workflowIdKey;
    private @Nullable String featureKey;
    private @Nullable String planKey;
    private @Nullable String userIdKey;
    private @Nullable String sessionIdKey;
    private final List<@Nullable String> extraAttributionKeys = new ArrayList<>();
    private final List<String> attributionSourceTexts = new ArrayList<>();
    private @Nullable String defaultAttributionSources;
    private @Nullable String maxValueLength;

    private record RawAlias(String name, @Nullable String provider, @Nullable String model, @Nullable String region) {}

    private record RawDiscount(String key, @Nullable String percentOff) {}

    private Builder() {}

    /**
     * Sets {@value #ENABLED}.
     *
     * @param value {@code true} or {@code false}; {@code null} or blank for the default, {@code true}
     * @return this builder
     */
    public Builder setEnabled(@Nullable String value) {
      this.enabled = value;
      return this;
    }

    /**
     * Sets {@value #FAIL_ON_ERROR}.
     *
     * @param value {@code true} or {@code false}; {@code null} or blank for the host's default ({@link
     *     #setFailOnErrorDefault})
     * @return this builder
     */
    public Builder setFailOnError(@Nullable String value) {
      this.failOnError = value;
      return this;
    }

    /**
     * Sets {@value #SPAN_COST_BREAKDOWN}.
     *
     * @param value {@code true} or {@code false}; {@code null} or blank for the default, {@code false}
     * @return this builder
     */
    public Builder setSpanCostBreakdown(@Nullable String value) {
      this.spanCostBreakdown = value;
      return this;
    }

    /**
     * Sets the host's default of {@value #FAIL_ON_ERROR}, used when it is unset: {@code false} (the default) for the
     * SDK autoconfigure and the Java agent, whose extensions must not stop the application; {@code true} for Spring
     * Boot, which fails start-up on any invalid property.
     *
     * @param failOnError the default
     * @return this builder
     */
    public Builder setFailOnErrorDefault(boolean failOnError) {
      this.failOnErrorDefault = failOnError;
      return this;
    }

    /**
     * Whether a problem of these values should abort start-up, without checking anything else: {@value
     * #FAIL_ON_ERROR} as set, else (unset or invalid: an invalid value cannot be strict about itself) the host's
     * default. {@link #build()} still reports an invalid value.
     *
     * @return {@code true} to fail on error
     */
    public boolean failsOnError() {
      try {
        return parseBoolean(FAIL_ON_ERROR, failOnError, failOnErrorDefault);
      } catch (PricingConfigException e) {
        return failOnErrorDefault;
      }
    }

    /**
     * What a host that does not fail on error uses instead of invalid values: {@link PricingConfig#defaults()}, but
     * with {@value #ENABLED} as set when it is valid, so that a problem elsewhere cannot turn pricing back on.
     *
     * @return the fallback configuration
     */
    public PricingConfig buildDefaults() {
      boolean on;
      try {
        on = parseBoolean(ENABLED, enabled, true);
      } catch (PricingConfigException e) {
        on = true;
      }
      return on ? DEFAULTS : builder().setEnabled("false").build();
    }

    /**
     * Adds a price file to {@value #CATALOG}; files are applied in the order added.
     *
     * @param location a file path, a {@code file:} or a {@code classpath:} location
     * @return this builder
     */
    public Builder addCatalog(@Nullable String location) {
      catalog.add(location);
      return this;
    }

    /**
     * Sets {@value #LITELLM}.
     *
     * @param location a file path, a {@code file:} or a {@code classpath:} location; {@code null} or blank for none
     * @return this builder
     */
    public Builder setLiteLlm(@Nullable String location) {
      this.liteLlm = location;
      return this;
    }

    /**
     * Adds an alias of {@value #ALIASES}, in its structured form (Spring Boot's {@code
     * lockn.pricing.aliases[NAME].provider}, {@code .model}, {@code .region}).
     *
     * @param name the deployment or gateway name
     * @param provider the provider the name is reported under
     * @param model the catalog model it serves
     * @param region the region or data zone, or {@code null}
     * @return this builder
     */
    public Builder addAlias(
        String name, @Nullable String provider, @Nullable String model, @Nullable String region) {
      aliases.add(new RawAlias(Objects.requireNonNull(name, "name"), provider, model, region));
      return this;
    }

    /**
     * Adds the aliases of {@value #ALIASES} in their one-line form (OpenTelemetry properties and environment
     * variables): comma-separated {@code NAME=PROVIDER/MODEL} entries, each with an optional {@code ;region=REGION},
     * for example {@code prod-gpt4o-eu=azure.ai.openai/gpt-4o;region=eu,batch=openai/gpt-4o-mini}. The provider ends
     * at the first {@code /}; the model may hold more.
     *
     * @param text the property value; {@code null} or blank for none
     * @return this builder
     */
    public Builder addAliases(@Nullable String text) {
      if (text != null && !text.isBlank()) {
        aliasTexts.add(text);
      }
      return this;
    }

    /**
     * Adds a discount of {@value #DISCOUNTS}.
     *
     * @param key a provider ({@code openai}) or a provider and catalog model ({@code openai/gpt-4o})
     * @param percentOff percent off list price, from 0 to 100 with at most 8 decimals
     * @return this builder
     */
    public Builder addDiscount(String key, @Nullable String percentOff) {
      discounts.add(new RawDiscount(Objects.requireNonNull(key, "key"), percentOff));
      return this;
    }

    /**
     * Adds the discounts of {@value #DISCOUNTS} in their one-line form (OpenTelemetry properties and environment
     * variables): comma-separated {@code KEY=PERCENT} entries, for example {@code
     * openai=15,anthropic/claude-sonnet-4-5=20}.
     *
     * @param text the property value; {@code null} or blank for none
     * @return this builder
     */
    public Builder addDiscounts(@Nullable String text) {
      if (text != null && !text.isBlank()) {
        discountTexts.add(text);
      }
      return this;
    }

    /**
     * Adds a span attribute to the cost metric ({@value #METRIC_ATTRIBUTION_KEYS}).
     *
     * @param key the attribute key, usually an attribution key such as {@code app.tenant_id}
     * @return this builder
     */
    public Builder addMetricAttributionKey(@Nullable String key) {
      metricAttributionKeys.add(key);
      return this;
    }

    /**
     * Sets {@value #METRIC_CARDINALITY_LIMIT}.
     *
     * @param value a whole number of at least 1; {@code null} or blank for the default
     * @return this builder
     */
    public Builder setMetricCardinalityLimit(@Nullable String value) {
      this.metricCardinalityLimit = value;
      return this;
    }

    /**
     * Sets {@value #ATTRIBUTION_TENANT}.
     *
     * @param key the Baggage key; {@code null} for the default
     * @return this builder
     */
    public Builder setTenantKey(@Nullable String key) {
      this.tenantKey = key;
      return this;
    }

    /**
     * Sets {@value #ATTRIBUTION_COST_CENTER}.
     *
     * @param key the Baggage key; {@code null} for the default
     * @return this builder
     */
    public Builder setCostCenterKey(@Nullable String key) {
      this.costCenterKey = key;
      return this;
    }

    /**
     * Sets {@value #ATTRIBUTION_WORKFLOW_ID}.
     *
     * @param key the Baggage key; {@code null} for the default
     * @return this builder
     */
    public Builder setWorkflowIdKey(@Nullable String key) {
      this.workflowIdKey = key;
      return this;
    }

    /**
     * Sets {@value #ATTRIBUTION_FEATURE}.
     *
     * @param key the Baggage key; {@code null} for the default
     * @return this builder
     */
    public Builder setFeatureKey(@Nullable String key) {
      this.featureKey = key;
      return this;
    }

    /**
     * Sets {@value #ATTRIBUTION_PLAN}.
     *
     * @param key the Baggage key; {@code null} for the default
     * @return this builder
     */
    public Builder setPlanKey(@Nullable String key) {
      this.planKey = key;
      return this;
    }

    /**
     * Sets {@value #ATTRIBUTION_USER_ID}.
     *
     * @param key the Baggage key; {@code null} for the default
     * @return this builder
     */
    public Builder setUserIdKey(@Nullable String key) {
      this.userIdKey = key;
      return this;
    }

    /**
     * Sets {@value #ATTRIBUTION_SESSION_ID}.
     *
     * @param key the Baggage key; {@code null} for the default
     * @return this builder
     */
    public Builder setSessionIdKey(@Nullable String key) {
      this.sessionIdKey = key;
      return this;
    }

    /**
     * Adds {@value #ATTRIBUTION_SOURCES} entries: {@code KEY=SOURCE}, comma-separated; a key may be given several
     * sources, read in order.
     *
     * @param text the entries, e.g. {@code app.tenant_id=org.id,app.tenant_id=metadata#org}; {@code null} or blank for
     *     none
     * @return this builder
     */
    public Builder addAttributionSources(@Nullable String text) {
      if (text != null && !text.isBlank()) {
        attributionSourceTexts.add(text);
      }
      return this;
    }

    /**
     * Sets {@value #ATTRIBUTION_DEFAULT_SOURCES}.
     *
     * @param value {@code true} or {@code false}; {@code null} or blank for the default, {@code true}
     * @return this builder
     */
    public Builder setDefaultAttributionSources(@Nullable String value) {
      this.defaultAttributionSources = value;
      return this;
    }

    /**
     * Adds a Baggage key to {@value #ATTRIBUTION_EXTRA_KEYS}.
     *
     * @param key the Baggage key
     * @return this builder
     */
    public Builder addExtraAttributionKey(@Nullable String key) {
      extraAttributionKeys.add(key);
      return this;
    }

    /**
     * Sets {@value #ATTRIBUTION_MAX_VALUE_LENGTH}.
     *
     * @param value a whole number of at least 1; {@code null} or blank for the default
     * @return this builder
     */
    public Builder setMaxValueLength(@Nullable String value) {
      this.maxValueLength = value;
      return this;
    }

    /**
     * Checks every value and builds the configuration. Price files are not read here: {@link
     * io.lockn.pricing.autoconfigure.CostPipelineFactory#catalog} reads them.
     *
     * @return the configuration
     * @throws PricingConfigException naming the property of the first invalid value
     */
    public PricingConfig build() {
      boolean on = parseBoolean(ENABLED, enabled, true);
      boolean fail = parseBoolean(FAIL_ON_ERROR, failOnError, failOnErrorDefault);
      List<String> files = new ArrayList<>();
      for (int i = 0; i < catalog.size(); i++) {
        files.add(text(CATALOG + "[" + i + "]", catalog.get(i)));
      }
      String liteLlmFile = liteLlm == null || liteLlm.isBlank() ? null : liteLlm.trim();
      List<Alias> checkedAliases = aliases();
      List<Discount> checkedDiscounts = discounts();
      List<String> metricKeys = new ArrayList<>();
      for (int i = 0; i < metricAttributionKeys.size(); i++) {
        metricKeys.add(text(METRIC_ATTRIBUTION_KEYS + "[" + i + "]", metricAttributionKeys.get(i)));
      }
      int limit = positive(METRIC_CARDINALITY_LIMIT, metricCardinalityLimit, DEFAULT_METRIC_CARDINALITY_LIMIT);
      boolean breakdown = parseBoolean(SPAN_COST_BREAKDOWN, spanCostBreakdown, false);
      return new PricingConfig(on, fail, files, liteLlmFile, checkedAliases, checkedDiscounts, metricKeys, limit,
          breakdown, attributionKeys());
    }

    private List<Alias> aliases() {
      List<RawAlias> all = new ArrayList<>(aliases);
      for (String text : aliasTexts) {
        for (String entry : text.split(",")) {
          if (!entry.isBlank()) {
            all.add(oneLineAlias(entry.trim()));
          }
        }
      }
      List<Alias> result = new ArrayList<>();
      Set<String> names = new HashSet<>();
      for (RawAlias raw : all) {
        String name = raw.name().trim();
        String property = ALIASES + "[" + raw.name() + "]";
        if (name.isEmpty()) {
          throw new PricingConfigException(property, raw.name(), "the deployment name must not be blank");
        }
        if (!names.add(name.toLowerCase(Locale.ROOT))) {
          throw new PricingConfigException(property, raw.name(), "the name " + name + " is given twice");
        }
        String provider = text(property + ".provider", raw.provider());
        String model = text(property + ".model", raw.model());
        String region = raw.region() == null ? null : text(property + ".region", raw.region());
        result.add(new Alias(name, provider, model, region));
      }
      return result;
    }

    /** {@code NAME=PROVIDER/MODEL[;region=REGION]}. */
    private static RawAlias oneLineAlias(String entry) {
      String form = "must be NAME=PROVIDER/MODEL or NAME=PROVIDER/MODEL;region=REGION, was \"" + entry + "\"";
      int eq = entry.indexOf('=');
      if (eq <= 0) {
        throw new PricingConfigException(ALIASES, entry, form);
      }
      String name = entry.substring(0, eq).trim();
      String[] parts = entry.substring(eq + 1).split(";", -1);
      int slash = parts[0].indexOf('/');
      if (slash < 0 || parts.length > 2) {
        throw new PricingConfigException(ALIASES, entry, form);
      }
      String region = null;
      if (parts.length == 2) {
        String r = parts[1].trim();
        if (!r.toLowerCase(Locale.ROOT).startsWith("region=")) {
          throw new PricingConfigException(ALIASES, entry, form);
        }
        region = r.substring("region=".length());
      }
      return new RawAlias(name, parts[0].substring(0, slash), parts[0].substring(slash + 1), region);
    }

    private List<Discount> discounts() {
      List<RawDiscount> all = new ArrayList<>(discounts);
      for (String text : discountTexts) {
        for (String entry : text.split(",")) {
          if (entry.isBlank()) {
            continue;
          }
          int eq = entry.indexOf('=');
          if (eq < 0) {
            throw new PricingConfigException(DISCOUNTS, entry.trim(),
                "must be KEY=PERCENT, KEY a provider or provider/model, was \"" + entry.trim() + "\"");
          }
          all.add(new RawDiscount(entry.substring(0, eq).trim(), entry.substring(eq + 1)));
        }
      }
      List<Discount> result = new ArrayList<>();
      Set<String> keys = new HashSet<>();
      for (RawDiscount raw : all) {
        String key = raw.key().trim();
        String property = DISCOUNTS + "[" + raw.key() + "]";
        int slash = key.indexOf('/');
        String provider = slash < 0 ? key : key.substring(0, slash).trim();
        String model = slash < 0 ? null : key.substring(slash + 1).trim();
        if (provider.isEmpty() || (model != null && model.isEmpty())) {
          throw new PricingConfigException(property, raw.key(),
              "the key must be a provider or provider/model, was \"" + raw.key() + "\"");
        }
        if (!keys.add(key)) {
          throw new PricingConfigException(property, raw.key(), "the key " + key + " is given twice");
        }
        result.add(new Discount(key, provider, model, percent(property, raw.percentOff())));
      }
      return result;
    }

    private static BigDecimal percent(String property, @Nullable String value) {
      if (value == null || value.isBlank()) {
        throw new PricingConfigException(property, value, "a percent off list price is required");
      }
      BigDecimal percent;
      try {
        percent = new BigDecimal(value.trim());
      } catch (NumberFormatException e) {
        percent = null;
      }
      if (percent == null || percent.signum() < 0 || percent.compareTo(BigDecimal.valueOf(100)) > 0) {
        throw new PricingConfigException(property, value, "must be a percent from 0 to 100, was \"" + value + "\"");
      }
      // PriceCatalog turns it into a factor with 10 decimals, exactly.
      if (percent.stripTrailingZeros().scale() > 8) {
        throw new PricingConfigException(property, value, "has more than 8 decimal places, was \"" + value + "\"");
      }
      return percent;
    }

    private AttributionKeys attributionKeys() {
      AttributionKeys.Builder b = AttributionKeys.builder();
      if (tenantKey != null) {
        b.setTenantKey(text(ATTRIBUTION_TENANT, tenantKey));
      }
      if (costCenterKey != null) {
        b.setCostCenterKey(text(ATTRIBUTION_COST_CENTER, costCenterKey));
      }
      if (workflowIdKey != null) {
        b.setWorkflowIdKey(text(ATTRIBUTION_WORKFLOW_ID, workflowIdKey));
      }
      if (featureKey != null) {
        b.setFeatureKey(text(ATTRIBUTION_FEATURE, featureKey));
      }
      if (planKey != null) {
        b.setPlanKey(text(ATTRIBUTION_PLAN, planKey));
      }
      if (userIdKey != null) {
        b.setUserIdKey(text(ATTRIBUTION_USER_ID, userIdKey));
      }
      if (sessionIdKey != null) {
        b.setSessionIdKey(text(ATTRIBUTION_SESSION_ID, sessionIdKey));
      }
      b.setDefaultSources(parseBoolean(ATTRIBUTION_DEFAULT_SOURCES, defaultAttributionSources, true));
      for (String text : attributionSourceTexts) {
        for (String entry : text.split(",")) {
          if (entry.isBlank()) {
            continue;
          }
          String e = entry.trim();
          int eq = e.indexOf('=');
          String form = "must be KEY=SOURCE, SOURCE an attribute name or ATTRIBUTE#FIELD, was \"" + e + "\"";
          if (eq <= 0 || eq == e.length() - 1) {
            throw new PricingConfigException(ATTRIBUTION_SOURCES, e, form);
          }
          try {
            b.addSource(e.substring(0, eq).trim(), e.substring(eq + 1).trim());
          } catch (IllegalArgumentException ex) {
            throw new PricingConfigException(ATTRIBUTION_SOURCES, e, form);
          }
        }
      }
      for (int i = 0; i < extraAttributionKeys.size(); i++) {
        b.addKey(text(ATTRIBUTION_EXTRA_KEYS + "[" + i + "]", extraAttributionKeys.get(i)));
      }
      b.setMaxValueLength(
          positive(ATTRIBUTION_MAX_VALUE_LENGTH, maxValueLength, AttributionKeys.DEFAULT_MAX_VALUE_LENGTH));
      return b.build();
    }

    /** A value that must be given and not blank; trimmed. */
    private static String text(String property, @Nullable String value) {
      if (value == null || value.isBlank()) {
        throw new PricingConfigException(property, value, "must not be blank");
      }
      return value.trim();
    }

    private static int positive(String property, @Nullable String value, int defaultValue) {
      if (value == null || value.isBlank()) {
        return defaultValue;
      }
      int n;
      try {
        n = Integer.parseInt(value.trim());
      } catch (NumberFormatException e) {
        n = 0;
      }
      if (n < 1) {
        throw new PricingConfigException(property, value,
            "must be a whole number from 1 to " + Integer.MAX_VALUE + ", was \"" + value + "\"");
      }
      return n;
    }
  }
}
