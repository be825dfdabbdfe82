package io.lockn.pricing;

import org.jspecify.annotations.Nullable;

/**
 * A pricing configuration value is invalid, or a price file it names cannot be loaded: thrown by {@link
 * PricingConfig.Builder#build()} and by {@link io.lockn.pricing.autoconfigure.CostPipelineFactory}, at configuration
 * time, before anything of the configuration is in force.
 *
 * <p>The message is {@code property: problem}, for example {@code lockn.pricing.enabled: must be true or false, was
 * "yes"} or {@code lockn.pricing.catalog[1]: cannot load prices.json: models[0] (openai/gpt-4o): prices[0].output:
 * output is missing}. The property is named the same way whether the configuration came from OpenTelemetry's
 * properties (SDK autoconfigure, the Java agent) or from Spring Boot's, so the same mistake gives the same message;
 * a front end only wraps it in its own exception type.
 */
public final class PricingConfigException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final String property;
  private final @Nullable String value;
  private final String problem;

  /**
   * Creates the exception.
   *
   * @param property the property, with the index or key of a list or map element ({@code lockn.pricing.catalog[1]},
   *     {@code lockn.pricing.aliases[prod-eu].model})
   * @param value the value as given, or {@code null} when it is not one string
   * @param problem what is wrong, without the property
   */
  public PricingConfigException(String property, @Nullable String value, String problem) {
    super(property + ": " + problem);
    this.property = property;
    this.value = value;
    this.problem = problem;
  }

  /**
   * Creates the exception with a cause.
   *
   * @param property the property
   * @param value the value as given, or {@code null}
   * @param problem what is wrong, without the property
   * @param cause the underlying failure (a {@link PriceCatalogException}, an I/O error)
   */
  public PricingConfigException(String property, @Nullable String value, String problem, Throwable cause) {
    super(property + ": " + problem, cause);
    this.property = property;
    this.value = value;
    this.problem = problem;
  }

  /**
   * The property, for example {@code lockn.pricing.metric.cardinality-limit} or {@code
   * lockn.pricing.discounts[openai/gpt-4o]}.
   *
   * @return the property
   */
  public String property() {
    return property;
  }

  /**
   * The invalid value as given.
   *
   * @return the value, or {@code null} when it is not one string
   */
  public @Nullable String value() {
    return value;
  }

  /**
   * What is wrong, without the property: the same text for the same mistake however the configuration was given.
   *
   * @return the problem
   */
  public String problem() {
    return problem;
  }
}
