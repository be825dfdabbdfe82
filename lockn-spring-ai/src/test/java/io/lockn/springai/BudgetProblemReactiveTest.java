package io.lockn.springai;

import org.springframework.boot.WebApplicationType;

/**
 * {@link BudgetProblemWebTestSupport} on WebFlux and Reactor Netty ({@code spring.main.web-application-type=reactive}
 * in an application that has both stacks on its classpath, as this module's tests do).
 */
class BudgetProblemReactiveTest extends BudgetProblemWebTestSupport {

  @Override
  WebApplicationType webApplicationType() {
    return WebApplicationType.REACTIVE;
  }
}
