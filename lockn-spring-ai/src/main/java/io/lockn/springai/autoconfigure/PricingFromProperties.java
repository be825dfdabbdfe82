package io.lockn.springai.autoconfigure;

import io.lockn.core.spi.UsageLogger;
import io.lockn.pricing.PriceCatalog;
import io.lockn.pricing.PricingConfig;
import io.lockn.pricing.PricingConfigException;
import io.lockn.pricing.autoconfigure.CostPipelineFactory;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * LockN's pricing configuration from Spring Boot's bound {@code lockn.pricing.*} and {@code lockn.attribution.*}
 * properties: the values go, as given, through lockn-pricing's {@link PricingConfig.Builder}, the one parser of these
 * keys (the OpenTelemetry SDK and Java agent extensions read the same keys through it), and {@link
 * CostPipelineFactory} builds the catalog. A problem fails start-up as an {@link
 * InvalidConfigurationPropertyValueException} naming the property, whose cause is lockn-pricing's {@link
 * PricingConfigException} with the very message the extensions give for the same mistake; with {@code
 * lockn.pricing.fail-on-error=false} it is logged instead and LockN prices with its defaults.
 *
 * <p>{@code lockn.pricing.files}, the old name of {@code lockn.pricing.catalog}, is read as it, with one deprecation
 * warning.
 */
final class PricingFromProperties {

  static final String FILES = "lockn.pricing.files";

  private PricingFromProperties() {}

  /**
   * The pricing configuration of the properties.
   *
   * @throws InvalidConfigurationPropertyValueException naming the property of an invalid value, unless {@code
   *     lockn.pricing.fail-on-error=false}
   */
  static PricingConfig config(LockNProperties properties) {
    boolean files = usesFiles(properties.getPricing());
    try {
      return CostPipelineFactory.config(raw(properties));
    } catch (PricingConfigException e) {
      throw named(e, files);
    }
  }

  /**
   * The catalog of a configuration from {@link #config}.
   *
   * @throws InvalidConfigurationPropertyValueException naming the property of a file, alias or discount that cannot
   *     apply, unless {@code lockn.pricing.fail-on-error=false}
   */
  static PriceCatalog catalog(PricingConfig config, LockNProperties properties) {
    try {
      return CostPipelineFactory.catalog(config);
    } catch (PricingConfigException e) {
      throw named(e, usesFiles(properties.getPricing()));
    }
  }

  /** The raw values, as bound; Spring Boot itself is strict, so unset fail-on-error means true. */
  @SuppressWarnings("deprecation") // reads lockn.pricing.files, the deprecated name
  static PricingConfig.Builder raw(LockNProperties properties) {
    LockNProperties.Pricing pricing = properties.getPricing();
    PricingConfig.Builder b = PricingConfig.builder()
        .setFailOnErrorDefault(true)
        .setEnabled(pricing.getEnabled())
        .setFailOnError(pricing.getFailOnError())
        .setLiteLlm(pricing.getLitellm())
        .setMetricCardinalityLimit(pricing.getMetric().getCardinalityLimit())
        .setSpanCostBreakdown(pricing.getSpan().getCostBreakdown());
    List<String> catalog = pricing.getCatalog();
    if (usesFiles(pricing)) {
      if (!catalog.isEmpty()) {
        throw new InvalidConfigurationPropertyValueException(FILES, String.join(",", pricing.getFiles()),
            "is the deprecated name of " + PricingConfig.CATALOG + ", which is set too: list every file in "
                + PricingConfig.CATALOG);
      }
      UsageLogger.warn(FILES + " is deprecated: it is read as " + PricingConfig.CATALOG
          + ", its new name, which the OpenTelemetry SDK and Java agent extensions read too; rename it");
      catalog = pricing.getFiles();
    }
    catalog.forEach(b::addCatalog);
    for (Map.Entry<String, LockNProperties.Alias> e : pricing.getAliases().entrySet()) {
      LockNProperties.Alias alias = e.getValue();
      if (alias == null) {
        b.addAlias(e.getKey(), null, null, null);
      } else {
        b.addAlias(e.getKey(), alias.getProvider(), alias.getModel(), alias.getRegion());
      }
    }
    pricing.getDiscounts().forEach(b::addDiscount);
    pricing.getMetric().getAttributionKeys().forEach(b::addMetricAttributionKey);
    LockNProperties.Attribution a = properties.getAttribution();
    b.setTenantKey(a.getTenant())
        .setCostCenterKey(a.getCostCenter())
        .setWorkflowIdKey(a.getWorkflowId())
        .setFeatureKey(a.getFeature())
        .setPlanKey(a.getPlan())
        .setUserIdKey(a.getUserId())
        .setMaxValueLength(String.valueOf(a.getMaxValueLength()));
    a.getExtraKeys().forEach(b::addExtraAttributionKey);
    return b;
  }

  @SuppressWarnings("deprecation")
  private static boolean usesFiles(LockNProperties.Pricing pricing) {
    return !pricing.getFiles().isEmpty();
  }

  /** Spring Boot's exception for the property, caused by lockn-pricing's (whose message the extensions give too). */
  private static InvalidConfigurationPropertyValueException named(PricingConfigException e, boolean files) {
    String property = e.property();
    if (files && property.startsWith(PricingConfig.CATALOG + "[")) {
      // The application wrote the old name.
      property = FILES + property.substring(PricingConfig.CATALOG.length());
    }
    return new InvalidConfigurationPropertyValueException(property, e.value(), e.problem(), e);
  }
}
