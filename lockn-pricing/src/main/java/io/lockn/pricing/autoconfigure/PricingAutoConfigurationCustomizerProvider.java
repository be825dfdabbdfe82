package io.lockn.pricing.autoconfigure;

import io.lockn.pricing.PriceCatalog;
import io.lockn.pricing.PricingConfig;
import io.lockn.pricing.PricingConfigException;
import io.lockn.pricing.sdk.CostPipeline;
import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizer;
import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizerProvider;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import java.lang.System.Logger.Level;
import org.jspecify.annotations.Nullable;

/**
 * Prices every GenAI span of an autoconfigured OpenTelemetry SDK with zero code: it adds a {@link CostPipeline}
 * to the tracer provider. It is registered in {@code META-INF/services}, so {@code
 * AutoConfiguredOpenTelemetrySdk.initialize()}, the OpenTelemetry Spring Boot starter and, with the {@code
 * lockn-javaagent-extension} jar, the OpenTelemetry Java agent pick it up on their own:
 *
 * <pre>{@code
 * java -javaagent:opentelemetry-javaagent.jar \
 *      -Dotel.javaagent.extensions=lockn-javaagent-extension.jar \
 *      -Dlockn.pricing.catalog=/etc/lockn/negotiated.json \
 *      -Dlockn.pricing.metric.attribution-keys=app.tenant_id \
 *      -jar app.jar
 * }</pre>
 *
 * <p><b>Configuration</b>: the {@code lockn.pricing.*} and {@code lockn.attribution.*} properties of {@link
 * PricingConfig}, read through {@link ConfigProperties}, so each can also be given as an environment variable ({@code
 * lockn.pricing.catalog} as {@code LOCKN_PRICING_CATALOG}). Lists are comma-separated; discounts are {@code
 * KEY=PERCENT} entries ({@code lockn.pricing.discounts=openai=15}) and aliases {@code NAME=PROVIDER/MODEL[;region=R]}
 * entries ({@code lockn.pricing.aliases=prod-gpt4o-eu=azure.ai.openai/gpt-4o;region=eu}). {@link CostPipelineFactory}
 * builds the catalog and the pipeline, as for every other wiring. The pipeline copies the allowlisted Baggage
 * attribution ({@code lockn.attribution.*}) onto the GenAI spans other instrumentations start (the Java agent's), so
 * that {@code app.tenant_id} set in Baggage reaches the agent's spans and, with {@code
 * lockn.pricing.metric.attribution-keys=app.tenant_id}, the cost metric.
 *
 * <p><b>Errors.</b> Price files are read once, when the SDK is configured, never on the call path. An invalid value
 * or a price file that is missing, unreadable or invalid is reported by one log record at ERROR on the logger {@value
 * #LOGGER_NAME}, naming the property (and the file, entry and field). By default start-up then goes on with LockN's
 * defaults (the bundled catalog alone): prices are either exactly what was configured or exactly the bundled ones,
 * never a mix. This is deliberate: this class also runs inside the Java agent, whose extensions must never stop the
 * host application. Set {@value PricingConfig#FAIL_ON_ERROR}{@code =true} to fail fast instead: the same problem then
 * throws a {@link ConfigurationException} with the same message, which aborts SDK start-up (under the Java agent,
 * 2.33.1 checked, the agent then reports that it failed to start and the application runs without any telemetry). A
 * tracer provider that cannot host the processor (an SDK older than 1.42, without {@code ExtendedSpanProcessor}) and
 * any other failure to set up pricing are handled the same way.
 *
 * <p><b>Order.</b> The processor is added with {@link SdkTracerProviderBuilder#addSpanProcessorFirst}, ahead of the
 * export processors configured by {@code otel.traces.exporter}. It sets the cost in {@code
 * ExtendedSpanProcessor#onEnding}, which the SDK runs for every processor before any processor's {@code onEnd}, so the
 * exporters see the cost whatever the order; being first also lets other {@code onEnding} enrichers read it, and lets
 * it copy the Baggage attribution before other processors see the span start.
 *
 * <p><b>Metrics.</b> The tracer provider customizer cannot reach the meter provider being built, so the cost
 * metrics go to {@code GlobalOpenTelemetry}'s meter provider, resolved when the first call is priced. The Java agent
 * sets the global instance before the application starts; an application using {@code
 * AutoConfiguredOpenTelemetrySdk} should call {@code setResultAsGlobal()}. If the global instance is not set by then,
 * the metrics are not recorded (one warning says so) and the global instance is left untouched; the span attributes
 * are always set. For full control, build a {@link CostPipeline} in code instead.
 *
 * <p>An SDK configured by declarative configuration ({@code otel.config.file}) does not run customizer providers;
 * add the processor there by code.
 */
public final class PricingAutoConfigurationCustomizerProvider implements AutoConfigurationCustomizerProvider {

  /**
   * Not a user setting: {@code true} when another integration adds LockN's cost pipeline to this SDK itself, so that
   * this provider adds none (one pipeline, never two). LockN's Spring Boot auto-configuration sets it through a
   * properties customizer when the OpenTelemetry Spring Boot starter builds the SDK, since it brings its own pipeline
   * (with the ledger and the application's beans). A key of its own rather than {@value PricingConfig#ENABLED}{@code
   * =false}, because the starter lets the application's Spring properties win over customizers, and an application
   * may well set {@value PricingConfig#ENABLED}.
   */
  public static final String ADDED_ELSEWHERE = "lockn.pricing.internal.pipeline-added-elsewhere";

  /** The logger that reports configuration errors and what was configured. */
  public static final String LOGGER_NAME = "io.lockn.pricing.autoconfigure";

  private static final System.Logger LOGGER = System.getLogger(LOGGER_NAME);

  /** Creates the provider; called by {@link java.util.ServiceLoader}. */
  public PricingAutoConfigurationCustomizerProvider() {}

  @Override
  public void customize(AutoConfigurationCustomizer autoConfiguration) {
    autoConfiguration.addTracerProviderCustomizer(PricingAutoConfigurationCustomizerProvider::addCostPipeline);
  }

  private static SdkTracerProviderBuilder addCostPipeline(SdkTracerProviderBuilder builder, ConfigProperties config) {
    if ("true".equals(config.getString(ADDED_ELSEWHERE))) {
      LOGGER.log(Level.DEBUG, "LockN pricing: the cost pipeline is added by another integration");
      return builder;
    }
    PricingConfig.Builder raw = read(config);
    boolean failOnError = raw.failsOnError();
    try {
      PricingConfig pricing = CostPipelineFactory.config(raw);
      if (!pricing.enabled()) {
        LOGGER.log(Level.DEBUG, "LockN pricing is disabled ({0}=false)", PricingConfig.ENABLED);
        return builder;
      }
      return addEnabledCostPipeline(builder, pricing);
    } catch (PricingConfigException e) {
      // Only thrown when failing fast.
      throw new ConfigurationException("LockN pricing: " + e.getMessage(), e);
    } catch (ConfigurationException e) {
      throw e; // only thrown when failing fast
    } catch (RuntimeException e) {
      // Not expected (the bundled catalog is tested); contained all the same, so that the host starts.
      return fail(builder, "LockN pricing could not be set up (" + e + "). Spans are not priced", e, failOnError);
    }
  }

  /**
   * The raw pricing properties of an SDK's configuration, for {@link PricingConfig.Builder#build()} to check. Blank
   * list entries are dropped by {@link ConfigProperties#getList}.
   */
  static PricingConfig.Builder read(ConfigProperties config) {
    PricingConfig.Builder b = PricingConfig.builder()
        .setEnabled(config.getString(PricingConfig.ENABLED))
        .setSpanCostBreakdown(config.getString(PricingConfig.SPAN_COST_BREAKDOWN))
        .setFailOnError(config.getString(PricingConfig.FAIL_ON_ERROR))
        .setLiteLlm(config.getString(PricingConfig.LITELLM))
        .addAliases(config.getString(PricingConfig.ALIASES))
        .addDiscounts(config.getString(PricingConfig.DISCOUNTS))
        .setMetricCardinalityLimit(config.getString(PricingConfig.METRIC_CARDINALITY_LIMIT))
        .setTenantKey(config.getString(PricingConfig.ATTRIBUTION_TENANT))
        .setCostCenterKey(config.getString(PricingConfig.ATTRIBUTION_COST_CENTER))
        .setWorkflowIdKey(config.getString(PricingConfig.ATTRIBUTION_WORKFLOW_ID))
        .setFeatureKey(config.getString(PricingConfig.ATTRIBUTION_FEATURE))
        .setPlanKey(config.getString(PricingConfig.ATTRIBUTION_PLAN))
        .setUserIdKey(config.getString(PricingConfig.ATTRIBUTION_USER_ID))
        .setSessionIdKey(config.getString(PricingConfig.ATTRIBUTION_SESSION_ID))
        .addAttributionSources(config.getString(PricingConfig.ATTRIBUTION_SOURCES))
        .setDefaultAttributionSources(config.getString(PricingConfig.ATTRIBUTION_DEFAULT_SOURCES))
        .setMaxValueLength(config.getString(PricingConfig.ATTRIBUTION_MAX_VALUE_LENGTH));
    config.getList(PricingConfig.CATALOG).forEach(b::addCatalog);
    config.getList(PricingConfig.METRIC_ATTRIBUTION_KEYS).forEach(b::addMetricAttributionKey);
    config.getList(PricingConfig.ATTRIBUTION_EXTRA_KEYS).forEach(b::addExtraAttributionKey);
    return b;
  }

  private static SdkTracerProviderBuilder addEnabledCostPipeline(
      SdkTracerProviderBuilder builder, PricingConfig pricing) {
    PriceCatalog catalog = CostPipelineFactory.catalog(pricing);
    CostPipeline pipeline;
    try {
      pipeline = CostPipelineFactory.pipeline(pricing, catalog).setMeterProvider(new GlobalMeterProvider()).build();
    } catch (LinkageError e) {
      // The pipeline implements the SDK's ExtendedSpanProcessor (SDK 1.42+); an older SDK cannot load it.
      return fail(builder, "LockN pricing cannot run on this OpenTelemetry SDK (" + e
          + "); it needs opentelemetry-sdk 1.42 or newer. Spans are not priced", e, pricing.failOnError());
    }
    LOGGER.log(Level.DEBUG, "LockN pricing: cost pipeline added with {0} priced models", catalog.entries().size());
    try {
      return builder.addSpanProcessorFirst(pipeline);
    } catch (NoSuchMethodError beforeSdk150) {
      // addSpanProcessorFirst arrived in SDK 1.50. The cost is set in onEnding, before any processor's onEnd, so the
      // exporters still see it from the end of the pipeline.
      return builder.addSpanProcessor(pipeline);
    }
  }

  private static SdkTracerProviderBuilder fail(
      SdkTracerProviderBuilder builder, String message, @Nullable Throwable cause, boolean failOnError) {
    if (failOnError) {
      throw new ConfigurationException(message, cause);
    }
    LOGGER.log(Level.ERROR, message);
    return builder;
  }
}
