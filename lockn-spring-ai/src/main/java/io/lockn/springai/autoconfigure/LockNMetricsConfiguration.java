package io.lockn.springai.autoconfigure;

import io.opentelemetry.api.OpenTelemetry;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Where LockN's metrics go ({@code lockn.metrics.*}, {@link LockNMetricsProperties}): imported by {@link
 * LockNAutoConfiguration}, under its conditions. No {@code @Configuration}, as the auto-configuration's nested
 * classes: a component scan of this package cannot pick it up outside those conditions.
 */
@EnableConfigurationProperties(LockNMetricsProperties.class)
class LockNMetricsConfiguration {

  /** Created by Spring. */
  LockNMetricsConfiguration() {}

  /**
   * Only providers as inputs, looked up on first use: the span processors that use it are inputs of the OpenTelemetry
   * bean, and a Micrometer registry may depend on that bean too (exemplars).
   */
  @Bean
  @ConditionalOnMissingBean
  LockNMeters lockNMeters(
      ObjectProvider<OpenTelemetry> openTelemetry, LockNMetricsProperties properties, ListableBeanFactory beanFactory) {
    return new LockNMeters(new DeferredMeterProvider(openTelemetry, properties.getExport(), beanFactory));
  }
}
