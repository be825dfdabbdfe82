package io.lockn.springai;

import org.springframework.boot.WebApplicationType;

/** {@link BudgetProblemWebTestSupport} on Spring MVC and Tomcat. */
class BudgetProblemServletTest extends BudgetProblemWebTestSupport {

  @Override
  WebApplicationType webApplicationType() {
    return WebApplicationType.SERVLET;
  }
}
