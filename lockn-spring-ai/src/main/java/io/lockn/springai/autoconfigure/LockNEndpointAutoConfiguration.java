package io.lockn.springai.autoconfigure;

import io.lockn.budget.Budgets;
import io.lockn.pricing.CostLedger;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.util.ClassUtils;

/**
 * Auto-configures the {@code lockn} actuator endpoint ({@link LockNEndpoint}) when Spring Boot's actuator is present,
 * LockN is enabled and the endpoint is available (exposed, with {@code
 * management.endpoints.web.exposure.include=lockn}, and not disabled).
 */
@AutoConfiguration(after = LockNAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
@ConditionalOnBooleanProperty(name = "lockn.enabled", matchIfMissing = true)
@ConditionalOnAvailableEndpoint(LockNEndpoint.class)
public final class LockNEndpointAutoConfiguration {

  private static final boolean BUDGETS_PRESENT =
      ClassUtils.isPresent("io.lockn.budget.Budgets", LockNEndpointAutoConfiguration.class.getClassLoader());

  /** Created by Spring. */
  LockNEndpointAutoConfiguration() {}

  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnBean({CostLedger.class, LockNProperties.class})
  LockNEndpoint lockNEndpoint(CostLedger ledger, LockNProperties properties, BeanFactory beanFactory) {
    LockNProperties.Ledger l = properties.getLedger();
    return new LockNEndpoint(ledger, budgetReports(beanFactory), l.getZone(), l.getRetention());
  }

  private static Supplier<List<LockNEndpoint.BudgetReport>> budgetReports(BeanFactory beanFactory) {
    return BUDGETS_PRESENT ? BudgetsPresent.reports(beanFactory) : List::of;
  }

  /** Loaded only when lockn-budget is on the classpath. */
  private static final class BudgetsPresent {
    static Supplier<List<LockNEndpoint.BudgetReport>> reports(BeanFactory beanFactory) {
      return new BudgetReports(beanFactory.getBeanProvider(Budgets.class));
    }
  }
}
