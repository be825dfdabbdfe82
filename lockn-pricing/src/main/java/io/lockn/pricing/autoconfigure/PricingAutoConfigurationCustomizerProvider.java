package io.lockn.pricing.autoconfigure;

import io.lockn.pricing.PriceCatalog;
import io.lockn.pricing.sdk.CostSpanProcessor;
import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizer;
import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizerProvider;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Prices every GenAI span of an autoconfigured OpenTelemetry SDK with zero code: it adds a {@link CostSpanProcessor}
 * to the tracer provider. It is registered in {@code META-INF/services}, so {@code
 * AutoConfiguredOpenTelemetrySdk.initialize()}, the OpenTelemetry Spring Boot starter and, with the {@code
 * lockn-javaagent-extension} jar, the OpenTelemetry Java agent pick it up on their own:
 *
 * <pre>{@code
 * java -javaagent:opentelemetry-javaagent.jar \
 *      -Dotel.javaagent.extensions=lockn-javaagent-extension.jar \
 *      -Dlockn.pricing.catalog=/etc/lockn/negotiated.json \
 *      -jar app.jar
 * }</pre>
 *
 * <p><b>Configuration</b>, read through {@link ConfigProperties}, so each property can also be given as an
 * environment variable ({@code lockn.pricing.catalog} as {@code LOCKN_PRICING_CATALOG}):
 *
 * <ul>
 *   <li>{@value #ENABLED}: {@code true} (the default) or {@code false}, which adds nothing.
 *   <li>{@value #CATALOG}: comma-separated paths of price files in LockN's catalog format ({@code .gz} accepted).
 *   <li>{@value #LITELLM}: the path of a LiteLLM {@code model_prices_and_context_window.json} ({@code .gz}
 *       accepted).
 *   <li>{@value #METRIC_ATTRIBUTION_KEYS}: comma-separated span attributes (attribution keys such as {@code
 *       app.tenant_id}) added to the cost metric {@code lockn.client.cost}; each is capped in cardinality.
 *   <li>{@value #FAIL_ON_ERROR}: {@code false} (the default) or {@code true}; see below.
 * </ul>
 *
 * <p>Relative paths are resolved against the working directory of the process.
 *
 * <p>Prices are the bundled catalog, then the LiteLLM file, then the catalog files in the order listed: an entry for
 * the same provider and model added later replaces an earlier one, so your own files win.
 *
 * <p><b>Errors.</b> Price files are read once, when the SDK is configured, never on the call path. A file that is
 * missing, unreadable or invalid is reported by one log record at ERROR on the logger {@value #LOGGER_NAME}, naming
 * the property, the file and (for a malformed entry) the entry and the field. By default start-up then goes on with
 * the bundled catalog alone: none of the configured files is in force, so prices are either exactly what was
 * configured or exactly the bundled ones, never a mix. This is deliberate: this class also runs inside the Java agent,
 * whose extensions must never stop the host application. Set {@value #FAIL_ON_ERROR}{@code =true} to fail fast
 * instead: the same problem then throws a {@link ConfigurationException} naming the file, which aborts SDK start-up
 * (under the Java agent, 2.33.1 checked, the agent then reports that it failed to start and the application runs
 * without any telemetry).
 * An invalid {@code true}/{@code false} value, a tracer provider that cannot host the processor (an SDK older than
 * 1.42, without {@code ExtendedSpanProcessor}) and any other failure to set up pricing are handled the same way:
 * logged once and the safe choice taken (the default value, the bundled prices, or no pricing), or thrown when
 * failing fast.
 *
 * <p><b>Order.</b> The processor is added with {@link SdkTracerProviderBuilder#addSpanProcessorFirst}, ahead of the
 * export processors configured by {@code otel.traces.exporter}. It sets the cost in {@code
 * ExtendedSpanProcessor#onEnding}, which the SDK runs for every processor before any processor's {@code onEnd}, so the
 * exporters see the cost whatever the order; being first also lets other {@code onEnding} enrichers read it.
 *
 * <p><b>Metrics.</b> The tracer provider customizer cannot reach the meter provider being built, so the cost
 * metrics go to {@code GlobalOpenTelemetry}'s meter provider, resolved when the first call is priced. The Java agent
 * sets the global instance before the application starts; an application using {@code
 * AutoConfiguredOpenTelemetrySdk} should call {@code setResultAsGlobal()}. If the global instance is not set by then,
 * the metrics are not recorded (one warning says so) and the global instance is left untouched; the span attributes
 * are always set. For full control, build a {@link CostSpanProcessor} in code instead.
 *
 * <p>An SDK configured by declarative configuration ({@code otel.config.file}) does not run customizer providers;
 * add the processor there by code.
 */
public final class PricingAutoConfigurationCustomizerProvider implements AutoConfigurationCustomizerProvider {

  /** Whether to price spans at all; default {@code true}. */
  public static final String ENABLED = "lockn.pricing.enabled";

  /** Extra price files in LockN's catalog format, comma-separated. */
  public static final String CATALOG = "lockn.pricing.catalog";

  /** A LiteLLM cost-map file. */
  public static final String LITELLM = "lockn.pricing.litellm";

  /** Span attributes added to the cost metric, comma-separated. */
  public static final String METRIC_ATTRIBUTION_KEYS = "lockn.pricing.metric.attribution-keys";

  /** Whether a configuration error aborts SDK start-up instead of being logged; default {@code false}. */
  public static final String FAIL_ON_ERROR = "lockn.pricing.fail-on-error";

  /** The logger that reports configuration errors and what was configured. */
  public static final String LOGGER_NAME = "io.lockn.pricing.autoconfigure";

  private static final System.Logger LOGGER = System.getLogger(LOGGER_NAME);

  /** Creates the provider; called by {@link java.util.ServiceLoader}. */
  public PricingAutoConfigurationCustomizerProvider() {}

  @Override
  public void customize(AutoConfigurationCustomizer autoConfiguration) {
    autoConfiguration.addTracerProviderCustomizer(PricingAutoConfigurationCustomizerProvider::addCostProcessor);
  }

  private static SdkTracerProviderBuilder addCostProcessor(SdkTracerProviderBuilder builder, ConfigProperties config) {
    // Decided first: it says how every later problem is handled. An invalid value cannot be strict about itself.
    boolean failOnError = flag(config, FAIL_ON_ERROR, false, false);
    if (!flag(config, ENABLED, true, failOnError)) {
      LOGGER.log(Level.DEBUG, "LockN pricing is disabled ({0}=false)", ENABLED);
      return builder;
    }
    try {
      return addEnabledCostProcessor(builder, config, failOnError);
    } catch (ConfigurationException e) {
      throw e; // only thrown when failing fast
    } catch (RuntimeException e) {
      // Not expected (the bundled catalog is tested); contained all the same, so that the host starts.
      return fail(builder, "LockN pricing could not be set up (" + e + "). Spans are not priced", e, failOnError);
    }
  }

  private static SdkTracerProviderBuilder addEnabledCostProcessor(
      SdkTracerProviderBuilder builder, ConfigProperties config, boolean failOnError) {
    PriceCatalog catalog = catalog(config, failOnError);
    CostSpanProcessor processor;
    try {
      CostSpanProcessor.Builder processorBuilder =
          CostSpanProcessor.builder(catalog).setMeterProvider(new GlobalMeterProvider());
      for (String key : config.getList(METRIC_ATTRIBUTION_KEYS)) {
        processorBuilder.addMetricAttributionKey(key);
      }
      processor = processorBuilder.build();
    } catch (LinkageError e) {
      // The processor implements the SDK's ExtendedSpanProcessor (SDK 1.42+); an older SDK cannot load it.
      return fail(builder, "LockN pricing cannot run on this OpenTelemetry SDK (" + e
          + "); it needs opentelemetry-sdk 1.42 or newer. Spans are not priced", e, failOnError);
    }
    LOGGER.log(Level.DEBUG, "LockN pricing: cost span processor added with {0} priced models",
        catalog.entries().size());
    try {
      return builder.addSpanProcessorFirst(processor);
    } catch (NoSuchMethodError beforeSdk150) {
      // addSpanProcessorFirst arrived in SDK 1.50. The cost is set in onEnding, before any processor's onEnd, so the
      // exporters still see it from the end of the pipeline.
      return builder.addSpanProcessor(processor);
    }
  }

  /**
   * The bundled catalog with the configured files on top, or, if one of them cannot be loaded, the bundled catalog
   * alone (or a {@link ConfigurationException} when failing fast).
   */
  static PriceCatalog catalog(ConfigProperties config, boolean failOnError) {
    String litellm = config.getString(LITELLM);
    litellm = litellm == null || litellm.isBlank() ? null : litellm.trim();
    List<String> files = config.getList(CATALOG);
    PriceCatalog bundled = PriceCatalog.bundled();
    if (litellm == null && files.isEmpty()) {
      return bundled;
    }
    String property = LITELLM;
    String file = litellm;
    try {
      PriceCatalog.Builder b = PriceCatalog.builder().addAll(bundled);
      if (litellm != null) {
        Path path = Path.of(litellm);
        file = path.toString();
        b.addLiteLlm(path);
      }
      property = CATALOG;
      for (String f : files) {
        file = f;
        Path path = Path.of(f);
        file = path.toString();
        b.addJson(path);
      }
      return b.build();
    } catch (RuntimeException e) {
      // PriceCatalogException, whose message starts with the file and names the entry and field; or an invalid path.
      String detail = String.valueOf(e.getMessage());
      String message = "LockN pricing: cannot load " + property + " file "
          + (file != null && detail.startsWith(file) ? detail : file + ": " + detail);
      if (failOnError) {
        throw new ConfigurationException(message, e);
      }
      LOGGER.log(Level.ERROR, message + ". Pricing continues with the bundled catalog only: none of the files in "
          + LITELLM + " and " + CATALOG + " is in force (set " + FAIL_ON_ERROR + "=true to fail start-up instead)");
      return bundled;
    }
  }

  private static boolean flag(ConfigProperties config, String name, boolean defaultValue, boolean failOnError) {
    String value = config.getString(name);
    if (value == null || value.isBlank()) {
      return defaultValue;
    }
    switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true":
        return true;
      case "false":
        return false;
      default:
        String message = "LockN pricing: " + name + " must be true or false, was \"" + value + "\"";
        if (failOnError) {
          throw new ConfigurationException(message);
        }
        LOGGER.log(Level.ERROR, message + "; using the default, " + defaultValue);
        return defaultValue;
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
