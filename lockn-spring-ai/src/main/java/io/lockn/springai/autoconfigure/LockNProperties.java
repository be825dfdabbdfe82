package io.lockn.springai.autoconfigure;

import io.lockn.pricing.PricingConfig;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.DeprecatedConfigurationProperty;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.util.ClassUtils;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/*
 * Design: the class validates itself (it is a Validator, which Boot's binder applies to the bound target), so that an
 * invalid value fails start-up with the property named, without requiring Hibernate Validator. It checks only what
 * has no home in a LockN module: a rule the domain already has is checked there, where the bean is built, and the
 * auto-configuration wraps the domain's exception with the property name. Budgets (lockn.budgets.*) go through
 * lockn-budget's BudgetSpec in BudgetsFromProperties, the same rules and messages as a budget file; pricing and
 * attribution (lockn.pricing.*, lockn.attribution.*) through lockn-pricing's PricingConfig in PricingFromProperties,
 * the same rules and messages as the OpenTelemetry SDK and Java agent extensions, which read the same keys; the
 * ledger's bucket count is CostLedger's. Nothing here references lockn-budget or lockn-compression, which are
 * optional.
 */

/**
 * LockN's Spring Boot properties, under {@code lockn}. Invalid values fail start-up with a message that names the
 * property, for example {@code lockn.budgets.items[0].limit-usd}.
 */
@ConfigurationProperties("lockn")
public class LockNProperties implements Validator {

  /** Whether LockN is enabled. When false, the starter defines no bean at all. */
  private boolean enabled = true;

  private final Attribution attribution = new Attribution();

  private final ContentCapture contentCapture = new ContentCapture();

  private final Pricing pricing = new Pricing();

  private final Budgets budgets = new Budgets();

  private final Ledger ledger = new Ledger();

  private final Experiment experiment = new Experiment();

  private final Reactor reactor = new Reactor();

  /** Creates the properties with their defaults; Spring Boot binds them. */
  public LockNProperties() {}

  /**
   * Whether LockN is enabled.
   *
   * @return {@code true} unless disabled
   */
  public boolean isEnabled() {
    return enabled;
  }

  /**
   * Sets whether LockN is enabled.
   *
   * @param enabled {@code false} to define no LockN bean
   */
  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  /**
   * The attribution keys.
   *
   * @return the attribution properties
   */
  public Attribution getAttribution() {
    return attribution;
  }

  /**
   * Content capture.
   *
   * @return the content-capture properties
   */
  public ContentCapture getContentCapture() {
    return contentCapture;
  }

  /**
   * Prices.
   *
   * @return the pricing properties
   */
  public Pricing getPricing() {
    return pricing;
  }

  /**
   * Budgets.
   *
   * @return the budget properties
   */
  public Budgets getBudgets() {
    return budgets;
  }

  /**
   * The in-process cost ledger.
   *
   * @return the ledger properties
   */
  public Ledger getLedger() {
    return ledger;
  }

  /**
   * A/B experiments.
   *
   * @return the experiment properties
   */
  public Experiment getExperiment() {
    return experiment;
  }

  /**
   * Reactor.
   *
   * @return the Reactor properties
   */
  public Reactor getReactor() {
    return reactor;
  }

  /** Which W3C Baggage entries carry business attribution; each key is also the span attribute. */
  public static class Attribution {

    /** Baggage key of the tenant. */
    private String tenant = "app.tenant_id";

    /** Baggage key of the cost center. */
    private String costCenter = "app.cost_center";

    /** Baggage key of the workflow id. */
    private String workflowId = "app.workflow_id";

    /** Baggage key of the product feature. */
    private String feature = "app.feature";

    /** Baggage key of the customer's plan. */
    private String plan = "app.plan";

    /** Baggage key of the end user. */
    private String userId = "app.user_id";

    /** More Baggage keys to copy onto GenAI spans, for example app.environment. */
    private List<String> extraKeys = new ArrayList<>();

    /** Maximum number of characters copied from one Baggage value; longer values are cut. */
    private int maxValueLength = 128;

    /** Creates the defaults. */
    public Attribution() {}

    /**
     * The tenant key.
     *
     * @return the key
     */
    public String getTenant() {
      return tenant;
    }

    /**
     * Sets the tenant key.
     *
     * @param tenant the key
     */
    public void setTenant(String tenant) {
      this.tenant = tenant;
    }

    /**
     * The cost-center key.
     *
     * @return the key
     */
    public String getCostCenter() {
      return costCenter;
    }

    /**
     * Sets the cost-center key.
     *
     * @param costCenter the key
     */
    public void setCostCenter(String costCenter) {
      this.costCenter = costCenter;
    }

    /**
     * The workflow-id key.
     *
     * @return the key
     */
    public String getWorkflowId() {
      return workflowId;
    }

    /**
     * Sets the workflow-id key.
     *
     * @param workflowId the key
     */
    public void setWorkflowId(String workflowId) {
      this.workflowId = workflowId;
    }

    /**
     * The feature key.
     *
     * @return the key
     */
    public String getFeature() {
      return feature;
    }

    /**
     * Sets the feature key.
     *
     * @param feature the key
     */
    public void setFeature(String feature) {
      this.feature = feature;
    }

    /**
     * The plan key.
     *
     * @return the key
     */
    public String getPlan() {
      return plan;
    }

    /**
     * Sets the plan key.
     *
     * @param plan the key
     */
    public void setPlan(String plan) {
      this.plan = plan;
    }

    /**
     * The user-id key.
     *
     * @return the key
     */
    public String getUserId() {
      return userId;
    }

    /**
     * Sets the user-id key.
     *
     * @param userId the key
     */
    public void setUserId(String userId) {
      this.userId = userId;
    }

    /**
     * The extra keys.
     *
     * @return the keys
     */
    public List<String> getExtraKeys() {
      return extraKeys;
    }

    /**
     * Sets the extra keys.
     *
     * @param extraKeys the keys
     */
    public void setExtraKeys(List<String> extraKeys) {
      this.extraKeys = extraKeys;
    }

    /**
     * The value cap.
     *
     * @return characters
     */
    public int getMaxValueLength() {
      return maxValueLength;
    }

    /**
     * Sets the value cap.
     *
     * @param maxValueLength characters, at least 1
     */
    public void setMaxValueLength(int maxValueLength) {
      this.maxValueLength = maxValueLength;
    }
  }

  /** Whether prompts, completions and tool arguments are recorded on spans. */
  public static class ContentCapture {

    /**
     * Whether to record message content on spans. When unset, the OpenTelemetry setting
     * otel.instrumentation.genai.capture-message-content applies, which is off by default.
     */
    private @Nullable Boolean enabled;

    /** Maximum characters of one captured text; longer texts are cut with a marker. At least 16. */
    private int maxLength = 8192;

    /** Creates the defaults. */
    public ContentCapture() {}

    /**
     * Whether content is captured.
     *
     * @return the setting, or {@code null} to follow OpenTelemetry's
     */
    public @Nullable Boolean getEnabled() {
      return enabled;
    }

    /**
     * Sets whether content is captured.
     *
     * @param enabled the setting
     */
    public void setEnabled(@Nullable Boolean enabled) {
      this.enabled = enabled;
    }

    /**
     * The cap on one captured text.
     *
     * @return characters
     */
    public int getMaxLength() {
      return maxLength;
    }

    /**
     * Sets the cap on one captured text.
     *
     * @param maxLength characters, at least 16
     */
    public void setMaxLength(int maxLength) {
      this.maxLength = maxLength;
    }
  }

  /**
   * Prices: the bundled catalog, with a LiteLLM file and price files on top, deployment aliases and discounts; and the
   * cost metric. The same {@code lockn.pricing.*} keys, with the same meaning, as lockn-pricing's OpenTelemetry SDK
   * extension and Java agent extension read ({@link PricingConfig}): the values are kept as text here and checked by
   * {@link PricingConfig.Builder}, so that a mistake gets the same message as there, naming the property.
   */
  public static class Pricing {

    /** Whether to price GenAI spans and LockN's own calls (the cost pipeline): true or false. */
    private String enabled = "true";

    /**
     * Price files in LockN's catalog format (.gz accepted), applied in order over the bundled catalog and the LiteLLM
     * file: an entry for the same provider and model replaces the earlier one. Each a file path (relative to the
     * working directory), a file: location or a classpath: location, such as classpath:prices/negotiated.json.
     */
    private List<String> catalog = new ArrayList<>();

    /** The old name of lockn.pricing.catalog, read as it. */
    private List<String> files = new ArrayList<>();

    /**
     * A LiteLLM model_prices_and_context_window.json (.gz accepted), applied over the bundled catalog and under the
     * catalog files; a file path, a file: or a classpath: location.
     */
    private @Nullable String litellm;

    /**
     * Negotiated discounts in percent off list price (0 to 100, at most 8 decimals), by provider ("openai") or by
     * provider and catalog model ("[openai/gpt-4o]", in brackets because of the slash).
     */
    private Map<String, String> discounts = new LinkedHashMap<>();

    /** Deployment or gateway names mapped to catalog models, by name (for example an Azure OpenAI deployment). */
    private Map<String, Alias> aliases = new LinkedHashMap<>();

    /**
     * Whether an invalid pricing or attribution property, or a price file that cannot be loaded, fails start-up
     * (true) or is logged, LockN then pricing with its defaults, the bundled catalog alone (false).
     */
    private String failOnError = "true";

    private final Metric metric = new Metric();

    private final Span span = new Span();

    /** Creates the defaults. */
    public Pricing() {}

    /**
     * Whether spans are priced.
     *
     * @return {@code true} or {@code false}, as given
     */
    public String getEnabled() {
      return enabled;
    }

    /**
     * Sets whether spans are priced.
     *
     * @param enabled {@code true} or {@code false}
     */
    public void setEnabled(String enabled) {
      this.enabled = enabled;
    }

    /**
     * The price files.
     *
     * @return their locations, in order
     */
    public List<String> getCatalog() {
      return catalog;
    }

    /**
     * Sets the price files.
     *
     * @param catalog their locations, in order
     */
    public void setCatalog(List<String> catalog) {
      this.catalog = catalog;
    }

    /**
     * The price files, under their old name.
     *
     * @return their locations, in order
     * @deprecated use {@link #getCatalog()}, {@code lockn.pricing.catalog}
     */
    @Deprecated(since = "0.1.0")
    @DeprecatedConfigurationProperty(replacement = "lockn.pricing.catalog",
        reason = "One name for the price files in every wiring (Spring Boot, SDK autoconfigure, Java agent)",
        since = "0.1.0")
    public List<String> getFiles() {
      return files;
    }

    /**
     * Sets the price files under their old name.
     *
     * @param files their locations, in order
     * @deprecated use {@link #setCatalog(List)}, {@code lockn.pricing.catalog}
     */
    @Deprecated(since = "0.1.0")
    public void setFiles(List<String> files) {
      this.files = files;
    }

    /**
     * The LiteLLM file.
     *
     * @return its location, or {@code null}
     */
    public @Nullable String getLitellm() {
      return litellm;
    }

    /**
     * Sets the LiteLLM file.
     *
     * @param litellm its location
     */
    public void setLitellm(@Nullable String litellm) {
      this.litellm = litellm;
    }

    /**
     * The discounts.
     *
     * @return percent off, as given, by provider or provider/model
     */
    public Map<String, String> getDiscounts() {
      return discounts;
    }

    /**
     * Sets the discounts.
     *
     * @param discounts percent off, by provider or provider/model
     */
    public void setDiscounts(Map<String, String> discounts) {
      this.discounts = discounts;
    }

    /**
     * The aliases.
     *
     * @return the aliases, by deployment name
     */
    public Map<String, Alias> getAliases() {
      return aliases;
    }

    /**
     * Sets the aliases.
     *
     * @param aliases the aliases, by deployment name
     */
    public void setAliases(Map<String, Alias> aliases) {
      this.aliases = aliases;
    }

    /**
     * Whether a pricing configuration error fails start-up.
     *
     * @return {@code true} or {@code false}, as given
     */
    public String getFailOnError() {
      return failOnError;
    }

    /**
     * Sets whether a pricing configuration error fails start-up.
     *
     * @param failOnError {@code true} or {@code false}
     */
    public void setFailOnError(String failOnError) {
      this.failOnError = failOnError;
    }

    /**
     * The cost metric.
     *
     * @return the metric properties
     */
    public Metric getMetric() {
      return metric;
    }

    /**
     * What a model call's span carries.
     *
     * @return the span properties
     */
    public Span getSpan() {
      return span;
    }
  }

  /** What a model call's span carries. */
  public static class Span {

    /**
     * Whether a model call's span also carries its cost by token class (lockn.cost.input, .output, .cache_read,
     * .cache_write, .reasoning); the total, currency, source and pricing id are always there.
     */
    private String costBreakdown = "false";

    /** Creates the defaults. */
    public Span() {}

    /**
     * Whether the span carries the cost by token class.
     *
     * @return true or false, as given
     */
    public String getCostBreakdown() {
      return costBreakdown;
    }

    /**
     * Sets whether the span carries the cost by token class.
     *
     * @param costBreakdown true or false
     */
    public void setCostBreakdown(String costBreakdown) {
      this.costBreakdown = costBreakdown;
    }
  }

  /** A deployment name that serves a catalog model. */
  public static class Alias {

    /** Provider the name is reported under, for example azure.ai.openai. */
    private @Nullable String provider;

    /** Catalog model the deployment serves, for example gpt-4o. */
    private @Nullable String model;

    /** Region or data zone (eu, us), or none. */
    private @Nullable String region;

    /** Creates an empty alias. */
    public Alias() {}

    /**
     * The provider.
     *
     * @return the provider
     */
    public @Nullable String getProvider() {
      return provider;
    }

    /**
     * Sets the provider.
     *
     * @param provider the provider
     */
    public void setProvider(@Nullable String provider) {
      this.provider = provider;
    }

    /**
     * The catalog model.
     *
     * @return the model
     */
    public @Nullable String getModel() {
      return model;
    }

    /**
     * Sets the catalog model.
     *
     * @param model the model
     */
    public void setModel(@Nullable String model) {
      this.model = model;
    }

    /**
     * The region.
     *
     * @return the region, or {@code null}
     */
    public @Nullable String getRegion() {
      return region;
    }

    /**
     * Sets the region.
     *
     * @param region the region
     */
    public void setRegion(@Nullable String region) {
      this.region = region;
    }
  }

  /** The cost metric lockn.client.cost. */
  public static class Metric {

    /**
     * Span attributes (usually attribution keys such as app.tenant_id) added to the cost metric; each is capped at
     * lockn.pricing.metric.cardinality-limit distinct values.
     */
    private List<String> attributionKeys = new ArrayList<>();

    /** Distinct values kept per metric attribute before _OTHER, at least 1. */
    // A literal, so that the configuration processor records the default (PricingConfig's default).
    private String cardinalityLimit = "100";

    /** Creates the defaults. */
    public Metric() {}

    /**
     * The metric attributes.
     *
     * @return the keys
     */
    public List<String> getAttributionKeys() {
      return attributionKeys;
    }

    /**
     * Sets the metric attributes.
     *
     * @param attributionKeys the keys
     */
    public void setAttributionKeys(List<String> attributionKeys) {
      this.attributionKeys = attributionKeys;
    }

    /**
     * The cardinality limit.
     *
     * @return a whole number, as given
     */
    public String getCardinalityLimit() {
      return cardinalityLimit;
    }

    /**
     * Sets the cardinality limit.
     *
     * @param cardinalityLimit a whole number of at least 1
     */
    public void setCardinalityLimit(String cardinalityLimit) {
      this.cardinalityLimit = cardinalityLimit;
    }
  }

  /** Budgets enforced before model calls (needs lockn-budget). */
  public static class Budgets {

    /** A budget file in LockN's JSON budget format, applied before the items. */
    private @Nullable Path file;

    /**
     * Budgets: name, scope, limit-usd or limit-tokens, period, zone, window, idle, alert-at, throttle-at, block-at
     * and max-reservation-percent.
     */
    private List<BudgetItem> items = new ArrayList<>();

    /** The cheaper model a throttled call is sent to, by request model ("[gpt-4o]=gpt-4o-mini"). */
    private Map<String, String> downgrades = new LinkedHashMap<>();

    /**
     * Output tokens a call without max_tokens reserves: tokens for every model, models[MODEL] for one; unset, the
     * model's maximum output from the price catalog, else 4096.
     */
    private final OutputReserve outputReserve = new OutputReserve();

    /** Creates the defaults. */
    public Budgets() {}

    /**
     * The output reserve of calls without max_tokens.
     *
     * @return the output reserve
     */
    public OutputReserve getOutputReserve() {
      return outputReserve;
    }

    /**
     * The budget file.
     *
     * @return the file, or {@code null}
     */
    public @Nullable Path getFile() {
      return file;
    }

    /**
     * Sets the budget file.
     *
     * @param file the file
     */
    public void setFile(@Nullable Path file) {
      this.file = file;
    }

    /**
     * The budgets.
     *
     * @return the budgets
     */
    public List<BudgetItem> getItems() {
      return items;
    }

    /**
     * Sets the budgets.
     *
     * @param items the budgets
     */
    public void setItems(List<BudgetItem> items) {
      this.items = items;
    }

    /**
     * The downgrades.
     *
     * @return cheaper model by request model
     */
    public Map<String, String> getDowngrades() {
      return downgrades;
    }

    /**
     * Sets the downgrades.
     *
     * @param downgrades cheaper model by request model
     */
    public void setDowngrades(Map<String, String> downgrades) {
      this.downgrades = downgrades;
    }

    /**
     * Whether any budget is configured, by file or by items.
     *
     * @return {@code true} if so
     */
    public boolean isConfigured() {
      return file != null || !items.isEmpty();
    }
  }

  /** The output tokens a call without max_tokens reserves. */
  public static class OutputReserve {

    /** Output tokens every call without max_tokens reserves, instead of its model's maximum output; at least 1. */
    private @Nullable Long tokens;

    /** Output tokens a call to one model reserves, by model ("[gpt-4o]=1000"); at least 1. */
    private Map<String, Long> models = new LinkedHashMap<>();

    /** Creates the defaults. */
    public OutputReserve() {}

    /**
     * The reserve of every model.
     *
     * @return the tokens, or {@code null} for the catalog's maximum output
     */
    public @Nullable Long getTokens() {
      return tokens;
    }

    /**
     * Sets the reserve of every model.
     *
     * @param tokens the tokens
     */
    public void setTokens(@Nullable Long tokens) {
      this.tokens = tokens;
    }

    /**
     * The reserves by model.
     *
     * @return tokens by model
     */
    public Map<String, Long> getModels() {
      return models;
    }

    /**
     * Sets the reserves by model.
     *
     * @param models tokens by model
     */
    public void setModels(Map<String, Long> models) {
      this.models = models;
    }
  }

  /** One budget. */
  public static class BudgetItem {

    /** Unique name of the budget. */
    private @Nullable String name;

    /**
     * Which calls it counts: global, each KEY, KEY=VALUE, agent=NAME, each agent, model=NAME or each model.
     */
    private String scope = "global";

    /** Limit in USD, exact to the nano-dollar. Set this or limit-tokens. */
    private @Nullable BigDecimal limitUsd;

    /** Limit in tokens (input plus output). Set this or limit-usd. */
    private @Nullable Long limitTokens;

    /**
     * Period: per-call, per-trace, rolling, day, week or month (per_call and trace, the old spellings of budget files,
     * are read too, with a deprecation warning).
     */
    private @Nullable String period;

    /** Time zone of day, week and month periods; UTC when unset. Only for those periods. */
    private @Nullable ZoneId zone;

    /** Window of a rolling period, a multiple of 60 ms; required for it, and only for it. */
    private @Nullable Duration window;

    /** Idle time after which a per-trace account is forgotten; 1 hour when unset. Only for per-trace periods. */
    private @Nullable Duration idle;

    /** Percents of the limit at which listeners are alerted, each in (0, 100]. */
    private List<Integer> alertAt = new ArrayList<>();

    /** Percent of the limit from which calls are downgraded to the configured cheaper model, in (0, 100]. */
    private @Nullable Integer throttleAt;

    /** Percent of the limit at which calls are refused before the model is called, in (0, 100]. */
    private Integer blockAt = 100;

    /** Most one call without max_tokens reserves, in percent of the limit, in (0, 100]; 10 when unset. */
    private @Nullable BigDecimal maxReservationPercent;

    /** Creates an empty budget. */
    public BudgetItem() {}

    /**
     * The name.
     *
     * @return the name
     */
    public @Nullable String getName() {
      return name;
    }

    /**
     * Sets the name.
     *
     * @param name the name
     */
    public void setName(@Nullable String name) {
      this.name = name;
    }

    /**
     * The scope.
     *
     * @return the scope expression
     */
    public String getScope() {
      return scope;
    }

    /**
     * Sets the scope.
     *
     * @param scope the scope expression
     */
    public void setScope(String scope) {
      this.scope = scope;
    }

    /**
     * The USD limit.
     *
     * @return the limit, or {@code null}
     */
    public @Nullable BigDecimal getLimitUsd() {
      return limitUsd;
    }

    /**
     * Sets the USD limit.
     *
     * @param limitUsd the limit
     */
    public void setLimitUsd(@Nullable BigDecimal limitUsd) {
      this.limitUsd = limitUsd;
    }

    /**
     * The token limit.
     *
     * @return the limit, or {@code null}
     */
    public @Nullable Long getLimitTokens() {
      return limitTokens;
    }

    /**
     * Sets the token limit.
     *
     * @param limitTokens the limit
     */
    public void setLimitTokens(@Nullable Long limitTokens) {
      this.limitTokens = limitTokens;
    }

    /**
     * The period.
     *
     * @return the period name
     */
    public @Nullable String getPeriod() {
      return period;
    }

    /**
     * Sets the period.
     *
     * @param period the period name
     */
    public void setPeriod(@Nullable String period) {
      this.period = period;
    }

    /**
     * The zone of calendar periods.
     *
     * @return the zone, or {@code null} for UTC
     */
    public @Nullable ZoneId getZone() {
      return zone;
    }

    /**
     * Sets the zone of calendar periods.
     *
     * @param zone the zone
     */
    public void setZone(@Nullable ZoneId zone) {
      this.zone = zone;
    }

    /**
     * The rolling window.
     *
     * @return the window, or {@code null}
     */
    public @Nullable Duration getWindow() {
      return window;
    }

    /**
     * Sets the rolling window.
     *
     * @param window the window
     */
    public void setWindow(@Nullable Duration window) {
      this.window = window;
    }

    /**
     * The per-trace idle time.
     *
     * @return the idle time, or {@code null}
     */
    public @Nullable Duration getIdle() {
      return idle;
    }

    /**
     * Sets the per-trace idle time.
     *
     * @param idle the idle time
     */
    public void setIdle(@Nullable Duration idle) {
      this.idle = idle;
    }

    /**
     * The alert percents.
     *
     * @return the percents
     */
    public List<Integer> getAlertAt() {
      return alertAt;
    }

    /**
     * Sets the alert percents.
     *
     * @param alertAt the percents
     */
    public void setAlertAt(List<Integer> alertAt) {
      this.alertAt = alertAt;
    }

    /**
     * The throttle percent.
     *
     * @return the percent, or {@code null}
     */
    public @Nullable Integer getThrottleAt() {
      return throttleAt;
    }

    /**
     * Sets the throttle percent.
     *
     * @param throttleAt the percent
     */
    public void setThrottleAt(@Nullable Integer throttleAt) {
      this.throttleAt = throttleAt;
    }

    /**
     * The block percent.
     *
     * @return the percent
     */
    public Integer getBlockAt() {
      return blockAt;
    }

    /**
     * Sets the block percent.
     *
     * @param blockAt the percent
     */
    public void setBlockAt(Integer blockAt) {
      this.blockAt = blockAt;
    }

    /**
     * The reservation cap of calls without max_tokens.
     *
     * @return the percent of the limit, or {@code null} for the default
     */
    public @Nullable BigDecimal getMaxReservationPercent() {
      return maxReservationPercent;
    }

    /**
     * Sets the reservation cap of calls without max_tokens.
     *
     * @param maxReservationPercent the percent of the limit
     */
    public void setMaxReservationPercent(@Nullable BigDecimal maxReservationPercent) {
      this.maxReservationPercent = maxReservationPercent;
    }
  }

  /** The in-process cost ledger behind the lockn actuator endpoint. */
  public static class Ledger {

    /** How long costs are kept in memory. */
    private Duration retention = Duration.ofHours(25);

    /** Time resolution of the ledger. */
    private Duration bucket = Duration.ofMinutes(1);

    /** Time zone whose current day is the endpoint's reporting period. */
    private ZoneId zone = ZoneId.of("UTC");

    /** Creates the defaults. */
    public Ledger() {}

    /**
     * The retention.
     *
     * @return the retention
     */
    public Duration getRetention() {
      return retention;
    }

    /**
     * Sets the retention.
     *
     * @param retention the retention
     */
    public void setRetention(Duration retention) {
      this.retention = retention;
    }

    /**
     * The bucket size.
     *
     * @return the size
     */
    public Duration getBucket() {
      return bucket;
    }

    /**
     * Sets the bucket size.
     *
     * @param bucket the size
     */
    public void setBucket(Duration bucket) {
      this.bucket = bucket;
    }

    /**
     * The reporting zone.
     *
     * @return the zone
     */
    public ZoneId getZone() {
      return zone;
    }

    /**
     * Sets the reporting zone.
     *
     * @param zone the zone
     */
    public void setZone(ZoneId zone) {
      this.zone = zone;
    }
  }

  /** A/B experiments, used when the application defines an Experiment bean (needs lockn-compression). */
  public static class Experiment {

    /** Request-context or Baggage key whose value is the experiment unit; the tenant key when unset. */
    private @Nullable String unitKey;

    /** Creates the defaults. */
    public Experiment() {}

    /**
     * The unit key.
     *
     * @return the key, or {@code null} for the tenant key
     */
    public @Nullable String getUnitKey() {
      return unitKey;
    }

    /**
     * Sets the unit key.
     *
     * @param unitKey the key
     */
    public void setUnitKey(@Nullable String unitKey) {
      this.unitKey = unitKey;
    }
  }

  /** Reactor. */
  public static class Reactor {

    /**
     * Whether to turn on Reactor's automatic context propagation (Hooks.enableAutomaticContextPropagation()), so
     * that Baggage and the current span follow streamed responses across threads.
     */
    private boolean contextPropagation;

    /** Creates the defaults. */
    public Reactor() {}

    /**
     * Whether automatic context propagation is turned on.
     *
     * @return the setting
     */
    public boolean isContextPropagation() {
      return contextPropagation;
    }

    /**
     * Sets whether automatic context propagation is turned on.
     *
     * @param contextPropagation the setting
     */
    public void setContextPropagation(boolean contextPropagation) {
      this.contextPropagation = contextPropagation;
    }
  }

  // ---- self-validation ----

  @Override
  public boolean supports(Class<?> type) {
    return LockNProperties.class.isAssignableFrom(type);
  }

  @Override
  public void validate(Object target, Errors errors) {
    LockNProperties p = (LockNProperties) target;
    // The attribution keys and the pricing properties are checked by lockn-pricing's PricingConfig.Builder where the
    // pricing configuration bean is built (PricingFromProperties), with the messages the SDK and agent extensions give.
    check(errors, "contentCapture.maxLength", p.contentCapture.maxLength >= 16,
        "must be at least 16: " + p.contentCapture.maxLength);
    validateBudgets(p.budgets, errors);
    validateLedger(p.ledger, errors);
    if (p.experiment.unitKey != null) {
      requireText(errors, "experiment.unitKey", p.experiment.unitKey);
    }
  }

  private static void validateBudgets(Budgets budgets, Errors errors) {
    // The budgets' own rules are lockn-budget's (BudgetsFromProperties); only its absence is reported here.
    if (budgets.isConfigured()
        && !ClassUtils.isPresent("io.lockn.budget.Budgets", LockNProperties.class.getClassLoader())) {
      reject(errors, budgets.file != null ? "budgets.file" : "budgets.items",
          "configures budgets, which need io.lockn:lockn-budget on the classpath");
    }
  }

  private static void validateLedger(Ledger ledger, Errors errors) {
    // CostLedger's rules (bucket, retention) are checked where the bean is built, with its messages.
    check(errors, "ledger.bucket", ledger.bucket != null, "is required");
    check(errors, "ledger.retention", ledger.retention != null, "is required");
    check(errors, "ledger.zone", ledger.zone != null, "is required");
  }

  private static boolean requireText(Errors errors, String field, @Nullable String value) {
    return check(errors, field, value != null && !value.isBlank(), "must not be blank");
  }

  private static boolean check(Errors errors, String field, boolean ok, String problem) {
    if (!ok) {
      reject(errors, field, problem);
    }
    return ok;
  }

  private static void reject(Errors errors, String field, String problem) {
    errors.rejectValue(field, "lockn.invalid", propertyName(field) + " " + problem);
  }

  /** The property of a bean path: {@code budgets.items[0].limitUsd} is {@code lockn.budgets.items[0].limit-usd}. */
  static String propertyName(String field) {
    return "lockn." + DataObjectPropertyName.toDashedForm(field);
  }
}
