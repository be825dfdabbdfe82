package io.lockn.springai.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * LockN's web properties, under {@code lockn.web}: how a Spring MVC or WebFlux application answers a budget block
 * ({@link LockNWebAutoConfiguration}).
 */
@ConfigurationProperties("lockn.web")
public class LockNWebProperties {

  private final ProblemDetails problemDetails = new ProblemDetails();

  /** Creates the properties with their defaults; Spring Boot binds them. */
  public LockNWebProperties() {}

  /**
   * The answer to a budget block.
   *
   * @return the problem-details properties
   */
  public ProblemDetails getProblemDetails() {
    return problemDetails;
  }

  /** {@code lockn.web.problem-details.*}. */
  public static class ProblemDetails {

    /**
     * Whether a BudgetExceededException (or ApprovalDeniedException, RunawayAgentException) thrown from a controller
     * is answered with HTTP 429, an RFC 9457 application/problem+json body and Retry-After, and logged in one WARN
     * line. When false, it reaches Spring's default error handling (HTTP 500).
     */
    private boolean enabled = true;

    /** Creates the defaults. */
    public ProblemDetails() {}

    /**
     * Whether budget blocks are answered with 429 problem details.
     *
     * @return {@code true} unless turned off
     */
    public boolean isEnabled() {
      return enabled;
    }

    /**
     * Sets whether budget blocks are answered with 429 problem details.
     *
     * @param enabled {@code false} to leave them to Spring's default error handling
     */
    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }
  }
}
