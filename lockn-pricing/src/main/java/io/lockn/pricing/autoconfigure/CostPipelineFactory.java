package io.lockn.pricing.autoconfigure;

import io.lockn.pricing.ModelPrice;
import io.lockn.pricing.PriceCatalog;
import io.lockn.pricing.PriceCatalogException;
import io.lockn.pricing.PricingConfig;
import io.lockn.pricing.PricingConfigException;
import io.lockn.pricing.sdk.CostPipeline;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Builds LockN's price catalog and cost pipeline from a {@link PricingConfig}: the one place that turns the pricing
 * properties into objects, used by every wiring (the SDK autoconfigure and the Java agent through {@link
 * PricingAutoConfigurationCustomizerProvider}, Spring Boot's own OpenTelemetry SDK and both modes of the
 * OpenTelemetry Spring Boot starter through {@code lockn-spring-ai}).
 *
 * <pre>{@code
 * PricingConfig config = CostPipelineFactory.config(PricingConfig.builder()
 *     .addCatalog("/etc/lockn/negotiated.json").addMetricAttributionKey("app.tenant_id"));
 * PriceCatalog catalog = CostPipelineFactory.catalog(config);
 * CostPipeline costs = CostPipelineFactory.pipeline(config, catalog)
 *     .setMeterProvider(meterProvider).setLedger(ledger)      // what the host has
 *     .build();
 * }</pre>
 *
 * <p><b>The catalog</b> is, in order of precedence from lowest to highest: the bundled catalog, then the LiteLLM file
 * ({@value PricingConfig#LITELLM}), then the price files of {@value PricingConfig#CATALOG} in the order listed (an
 * entry for the same provider and model added later replaces an earlier one, so your own files win over LiteLLM's
 * and the bundled prices); then the aliases and the discounts, which add no entry but apply to whichever entry wins.
 * With none of these set it is {@link PriceCatalog#bundled()} itself. An alias must lead to a model of the catalog and
 * a discount must name a provider (or a provider and model) that has an entry: otherwise the alias or discount would
 * silently do nothing, so it is an error naming its property.
 *
 * <p><b>Errors</b> are {@link PricingConfigException}s naming the property, and for a price file the file, the entry
 * and the field. When {@link PricingConfig#failOnError()} is {@code false}, {@link #config} and {@link #catalog} log
 * each one once at ERROR on the logger {@value PricingAutoConfigurationCustomizerProvider#LOGGER_NAME} and carry on
 * with LockN's defaults: the defaults instead of an invalid configuration, the bundled catalog instead of one that
 * cannot be built. Prices are then either exactly what was configured or exactly the bundled ones, never a mix.
 */
public final class CostPipelineFactory {

  private static final System.Logger LOGGER = System.getLogger(PricingAutoConfigurationCustomizerProvider.LOGGER_NAME);

  private static final String CLASSPATH = "classpath:";
  private static final String FILE = "file:";

  private CostPipelineFactory() {}

  /**
   * Builds a configuration under its own fail-on-error rule ({@link PricingConfig.Builder#failsOnError()}): returns
   * {@link PricingConfig.Builder#build()}'s configuration; if that throws, rethrows when failing on error, else logs
   * the problem once and returns {@link PricingConfig.Builder#buildDefaults()}, the defaults (with a valid {@value
   * PricingConfig#ENABLED}{@code =false} still honoured). An invalid {@value PricingConfig#FAIL_ON_ERROR} itself is
   * logged and replaced by the host's default, and the rest is then built as usual.
   *
   * @param builder the raw values; {@value PricingConfig#FAIL_ON_ERROR} is reset on it when invalid
   * @return the configuration, or the defaults
   * @throws PricingConfigException naming the property, if a value is invalid and failing on error
   */
  public static PricingConfig config(PricingConfig.Builder builder) {
    try {
      return builder.build();
    } catch (PricingConfigException e) {
      boolean fail = builder.failsOnError();
      if (fail) {
        throw e;
      }
      if (e.property().equals(PricingConfig.FAIL_ON_ERROR)) {
        LOGGER.log(Level.ERROR, "LockN pricing: " + e.getMessage() + "; using the default, false");
        return config(builder.setFailOnError("false"));
      }
      PricingConfig fallback = builder.buildDefaults();
      LOGGER.log(Level.ERROR, "LockN pricing: " + e.getMessage() + ". Pricing "
          + (fallback.enabled() ? "continues" : "stays off") + " with LockN's defaults: the bundled catalog only, no"
          + " configured file, alias, discount or metric key in force, the default attribution keys (set "
          + PricingConfig.FAIL_ON_ERROR + "=true to fail start-up instead)");
      return fallback;
    }
  }

  /**
   * The catalog of a configuration: bundled, LiteLLM file, price files, aliases, discounts. When it cannot be built
   * and the configuration does not fail on error, the problem is logged once and the bundled catalog returned.
   *
   * @param config the configuration
   * @return the catalog; {@link PriceCatalog#bundled()} itself when the configuration changes no price
   * @throws PricingConfigException naming the property, file, entry and field, if the configuration fails on error
   */
  public static PriceCatalog catalog(PricingConfig config) {
    try {
      return build(config);
    } catch (PricingConfigException e) {
      if (config.failOnError()) {
        throw e;
      }
      LOGGER.log(Level.ERROR, "LockN pricing: " + e.getMessage() + ". Pricing continues with the bundled catalog"
          + " only: none of the files, aliases and discounts of " + PricingConfig.LITELLM + ", "
          + PricingConfig.CATALOG + ", " + PricingConfig.ALIASES + " and " + PricingConfig.DISCOUNTS
          + " is in force (set " + PricingConfig.FAIL_ON_ERROR + "=true to fail start-up instead)");
      return PriceCatalog.bundled();
    }
  }

  /**
   * A cost pipeline builder with the catalog and what the configuration says about the pipeline: the attribution
   * keys (whose Baggage entries it copies onto other instrumentations' GenAI spans, and whose tenant, cost center
   * and workflow the ledger totals by), the cost metric's attribution keys and its cardinality limit. The host adds
   * what it has: {@link CostPipeline.Builder#setMeterProvider}, {@link CostPipeline.Builder#setLedger}, {@link
   * CostPipeline.Builder#addStage}, or {@link CostPipeline.Builder#setCopyBaggageAttribution}{@code (false)} when it
   * registers an attribution processor of its own.
   *
   * @param config the configuration
   * @param catalog the catalog, usually {@link #catalog}'s
   * @return the builder
   */
  public static CostPipeline.Builder pipeline(PricingConfig config, PriceCatalog catalog) {
    CostPipeline.Builder b = CostPipeline.builder(catalog)
        .setAttributionKeys(config.attributionKeys())
        .setMetricCardinalityLimit(config.metricCardinalityLimit())
        .setSpanCostBreakdown(config.spanCostBreakdown());
    config.metricAttributionKeys().forEach(b::addMetricAttributionKey);
    return b;
  }

  private static PriceCatalog build(PricingConfig config) {
    PriceCatalog bundled = PriceCatalog.bundled();
    if (!config.changesPrices()) {
      return bundled;
    }
    PriceCatalog.Builder b = PriceCatalog.builder().addAll(bundled);
    String liteLlm = config.liteLlm();
    if (liteLlm != null) {
      try (InputStream in = open(liteLlm)) {
        b.addLiteLlm(in, liteLlm);
      } catch (IOException | RuntimeException e) {
        throw cannotLoad(PricingConfig.LITELLM, liteLlm, e);
      }
    }
    List<String> files = config.catalog();
    for (int i = 0; i < files.size(); i++) {
      String file = files.get(i);
      try (InputStream in = open(file)) {
        b.addJson(in, file);
      } catch (IOException | RuntimeException e) {
        throw cannotLoad(PricingConfig.CATALOG + "[" + i + "]", file, e);
      }
    }
    for (PricingConfig.Alias a : config.aliases()) {
      b.alias(a.provider(), a.name(), a.model(), a.region());
    }
    for (PricingConfig.Discount d : config.discounts()) {
      b.discount(d.provider(), d.model(), d.percentOff());
    }
    PriceCatalog catalog = b.build();
    for (PricingConfig.Alias a : config.aliases()) {
      if (catalog.resolve(a.provider(), a.model()) == null) {
        throw new PricingConfigException(a.property("model"), a.model(),
            "no catalog entry for model " + a.model() + " (provider " + a.provider() + ")");
      }
    }
    for (PricingConfig.Discount d : config.discounts()) {
      // The discount applies to an entry whose provider (and model) is exactly this, as ModelResolver looks it up.
      String provider = PriceCatalog.canonicalProvider(d.provider());
      String model = d.model();
      boolean matches = false;
      for (ModelPrice e : catalog.entries()) {
        if (e.provider().equals(provider) && (model == null || e.model().equals(model))) {
          matches = true;
          break;
        }
      }
      if (!matches) {
        throw new PricingConfigException(d.property(), d.percentOff().toPlainString(), model == null
            ? "no catalog entry has provider " + provider
            : "no catalog entry for " + provider + "/" + model + " (a discount names an entry's provider and model)");
      }
    }
    return catalog;
  }

  private static PricingConfigException cannotLoad(String property, String location, Exception e) {
    String detail;
    if (e instanceof PriceCatalogException) {
      // Its message starts with the name the file was read under (the location) and names the entry and field.
      detail = e.getMessage();
    } else if (e instanceof NoSuchFileException) {
      detail = location + ": no such file";
    } else {
      detail = location + ": cannot read: " + e.getMessage();
    }
    return new PricingConfigException(property, location, "cannot load " + detail, e);
  }

  /**
   * Opens a price file: {@code classpath:} reads a resource of the context class loader (else this library's), {@code
   * file:} and a plain path a file, relative to the working directory; a name ending in {@code .gz} is decompressed.
   */
  static InputStream open(String location) throws IOException {
    InputStream in;
    if (location.startsWith(CLASSPATH)) {
      String resource = location.substring(CLASSPATH.length());
      while (resource.startsWith("/")) {
        resource = resource.substring(1);
      }
      ClassLoader context = Thread.currentThread().getContextClassLoader();
      in = context == null ? null : context.getResourceAsStream(resource);
      if (in == null) {
        in = CostPipelineFactory.class.getClassLoader().getResourceAsStream(resource);
      }
      if (in == null) {
        throw new PriceCatalogException(location + ": no such classpath resource");
      }
    } else {
      in = Files.newInputStream(path(location));
    }
    try {
      return location.endsWith(".gz") ? new GZIPInputStream(in) : in;
    } catch (IOException e) {
      in.close();
      throw e;
    }
  }

  private static Path path(String location) {
    String p = location;
    if (p.startsWith(FILE)) {
      p = p.substring(FILE.length());
      // file:///etc/x.json and file:/etc/x.json both mean /etc/x.json; file:x.json is relative.
      if (p.startsWith("//")) {
        p = p.substring(2);
      }
    }
    try {
      return Path.of(p);
    } catch (InvalidPathException e) {
      throw new PriceCatalogException(location + ": not a valid path: " + e.getReason());
    }
  }
}
