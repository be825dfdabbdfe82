package io.lockn.core;

import io.lockn.core.internal.LockNConfig;
import io.lockn.core.spi.CallAdmission;
import io.lockn.core.spi.CallPricing;
import io.lockn.core.spi.ScopeBinder;
import io.lockn.core.spi.TokenCounter;
import io.opentelemetry.api.OpenTelemetry;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Builds a recording {@link LockN}. Configuration errors fail fast here, at startup; nothing LockN does later throws.
 * Not thread-safe.
 */
public final class LockNBuilder {

  /** The default cap on distinct values of one attribute on LockN's metrics. */
  public static final int DEFAULT_METRIC_CARDINALITY_LIMIT = 100;

  private @Nullable OpenTelemetry openTelemetry;
  private @Nullable SemconvProfile semconvProfile;
  private AttributionKeys attributionKeys = AttributionKeys.defaults();
  private final Set<String> metricAttributionKeys = new LinkedHashSet<>();
  private int metricCardinalityLimit = DEFAULT_METRIC_CARDINALITY_LIMIT;
  private @Nullable ContentCapture contentCapture;
  private final List<LockNListener> listeners = new ArrayList<>();
  private double cacheInferenceRatio = 0.5;
  private CallAdmission callAdmission = CallAdmission.allowAll();
  private TokenCounter tokenCounter = TokenCounter.none();
  private CallPricing callPricing = CallPricing.none();
  private @Nullable ScopeBinder scopeBinder;

  LockNBuilder() {}

  /**
   * Sets the OpenTelemetry instance to record with. Required.
   *
   * @param openTelemetry the instance, for example {@code GlobalOpenTelemetry.get()} or an {@code OpenTelemetrySdk}
   * @return this builder
   * @throws IllegalStateException if already set
   */
  public LockNBuilder setOpenTelemetry(OpenTelemetry openTelemetry) {
    Objects.requireNonNull(openTelemetry, "openTelemetry");
    if (this.openTelemetry != null) {
      throw new IllegalStateException("openTelemetry was already set");
    }
    this.openTelemetry = openTelemetry;
    return this;
  }

  /**
   * Sets the semantic-convention profile. Defaults to {@link SemconvProfile#fromEnvironment()}.
   *
   * @param profile the profile
   * @return this builder
   */
  public LockNBuilder setSemconvProfile(SemconvProfile profile) {
    this.semconvProfile = Objects.requireNonNull(profile, "profile");
    return this;
  }

  /**
   * Sets which Baggage keys carry business attribution. Defaults to {@link AttributionKeys#defaults()}.
   *
   * @param keys the keys
   * @return this builder
   */
  public LockNBuilder setAttributionKeys(AttributionKeys keys) {
    this.attributionKeys = Objects.requireNonNull(keys, "keys");
    return this;
  }

  /**
   * Adds an attribution key (one of {@link AttributionKeys#allKeys()}) as a metric attribute, for example {@code
   * app.tenant_id} to chart tokens per tenant. Off by default: metric attributes multiply time series, so each key
   * is capped at {@link #setMetricCardinalityLimit(int)} distinct values, beyond which values are recorded as
   * {@code _OTHER}.
   *
   * @param key an allowlisted attribution key
   * @return this builder
   */
  public LockNBuilder addMetricAttributionKey(String key) {
    Objects.requireNonNull(key, "key");
    metricAttributionKeys.add(key);
    return this;
  }

  /**
   * Sets the number of distinct values kept per metric attribute (attribution keys and model names) before values
   * are recorded as {@code _OTHER}. Defaults to {@value #DEFAULT_METRIC_CARDINALITY_LIMIT}.
   *
   * @param limit the limit, at least 1
   * @return this builder
   * @throws IllegalArgumentException if {@code limit < 1}
   */
  public LockNBuilder setMetricCardinalityLimit(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit < 1");
    }
    this.metricCardinalityLimit = limit;
    return this;
  }

  /**
   * Sets content capture. Defaults to {@link ContentCapture#fromEnvironment()}, which is off unless enabled.
   *
   * @param contentCapture the setting
   * @return this builder
   */
  public LockNBuilder setContentCapture(ContentCapture contentCapture) {
    this.contentCapture = Objects.requireNonNull(contentCapture, "contentCapture");
    return this;
  }

  /**
   * Adds a listener for model substitutions and finished calls.
   *
   * @param listener the listener
   * @return this builder
   */
  public LockNBuilder addListener(LockNListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  /**
   * Sets how far input tokens must fall below their running expectation for the same prompt key before a cache hit
   * is inferred. Defaults to 0.5: fewer than half the expected tokens.
   *
   * @param ratio a ratio strictly between 0 and 1
   * @return this builder
   * @throws IllegalArgumentException if the ratio is not in (0, 1)
   */
  public LockNBuilder setCacheInferenceRatio(double ratio) {
    if (!(ratio > 0 && ratio < 1)) {
      throw new IllegalArgumentException("ratio not in (0, 1): " + ratio);
    }
    this.cacheInferenceRatio = ratio;
    return this;
  }

  /**
   * Sets the policy that admits model calls before they reach the provider, for example the budgets of the {@code
   * lockn-budget} module. It may throttle a call to a cheaper model ({@link LlmCall#admittedModel()}) or block it with
   * a {@link BudgetExceededException}. Defaults to {@link CallAdmission#allowAll()}, which costs nothing.
   *
   * @param callAdmission the policy
   * @return this builder
   */
  public LockNBuilder setCallAdmission(CallAdmission callAdmission) {
    this.callAdmission = Objects.requireNonNull(callAdmission, "callAdmission");
    return this;
  }

  /**
   * Sets how model calls are priced: once, when each call ends, whether or not its span is sampled. The cost is
   * written on the call's span ({@code lockn.cost.*}), charged to its budget ({@link #setCallAdmission}), counted on
   * the cost metric and ledger, rolled up to the enclosing agent, and handed to listeners ({@link
   * LlmCallRecord#cost()}). Use the {@code lockn-pricing} module's {@code CostPipeline}, the same object that prices
   * other instrumentations' spans as a span processor. Defaults to {@link CallPricing#none()}: LockN prices nothing.
   *
   * @param callPricing the pricing
   * @return this builder
   * @throws IllegalStateException if already set
   */
  public LockNBuilder setCallPricing(CallPricing callPricing) {
    Objects.requireNonNull(callPricing, "callPricing");
    if (this.callPricing != CallPricing.none()) {
      throw new IllegalStateException("callPricing was already set");
    }
    this.callPricing = callPricing;
    return this;
  }

  /**
   * Sets the counter of input tokens that gives the call admission policy ({@link #setCallAdmission}) its estimate
   * when a model call has {@link LlmCallSpec#inputMessages input messages} but no {@link
   * LlmCallSpec#estimatedInputTokens explicit estimate}. LockN counts only when a policy other than {@link
   * CallAdmission#allowAll()} is configured, since nothing else uses the count; the provider's reported usage always
   * wins for billing. Defaults to {@link TokenCounter#none()}, which never counts.
   *
   * @param tokenCounter the counter, for example the jtokkit counter of {@code lockn-compression}
   * @return this builder
   */
  public LockNBuilder setTokenCounter(TokenCounter tokenCounter) {
    this.tokenCounter = Objects.requireNonNull(tokenCounter, "tokenCounter");
    return this;
  }

  /**
   * Sets the binder that makes a framework's own notion of the current unit of work follow LockN's workflow, agent,
   * task and tool scopes, so that the framework's instrumentation started inside them nests under their spans:
   * lockn-spring-ai's {@code LockNObservations} makes each scope a Micrometer Observation (the LockN Spring Boot
   * starter sets it when Micrometer Tracing is present). Defaults to none: scopes are current for OpenTelemetry only.
   *
   * @param scopeBinder the binder
   * @return this builder
   */
  public LockNBuilder setScopeBinder(ScopeBinder scopeBinder) {
    this.scopeBinder = Objects.requireNonNull(scopeBinder, "scopeBinder");
    return this;
  }

  /**
   * Builds the LockN.
   *
   * @return the recording LockN
   * @throws IllegalStateException if no OpenTelemetry was set
   * @throws IllegalArgumentException if a metric attribution key is not an allowlisted attribution key
   */
  public LockN build() {
    if (openTelemetry == null) {
      throw new IllegalStateException("setOpenTelemetry(...) is required");
    }
    for (String key : metricAttributionKeys) {
      if (!attributionKeys.allKeys().contains(key)) {
        throw new IllegalArgumentException(
            "metric attribution key " + key + " is not one of the attribution keys " + attributionKeys.allKeys());
      }
    }
    return new LockNConfig(
        openTelemetry,
        semconvProfile != null ? semconvProfile : SemconvProfile.fromEnvironment(),
        attributionKeys,
        List.copyOf(metricAttributionKeys),
        metricCardinalityLimit,
        contentCapture != null ? contentCapture : ContentCapture.fromEnvironment(),
        List.copyOf(listeners),
        cacheInferenceRatio,
        callAdmission,
        tokenCounter,
        callPricing,
        scopeBinder)
        .newLockN();
  }
}
