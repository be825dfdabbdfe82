package io.lockn.springai.web;

import io.lockn.budget.ApprovalDeniedException;
import io.lockn.budget.Runaway;
import io.lockn.budget.RunawayAgentException;
import io.lockn.core.BudgetExceededException;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.util.ClassUtils;
import org.springframework.web.ErrorResponse;

/*
 * Design. The body is composed from the exception's structured fields, never from its message: an approval policy's
 * reason is the only free text, and it gets a member of its own. Amounts are exact decimal strings in the unit, as
 * /actuator/lockn reports them. The subclasses live in lockn-budget, an optional dependency of this module, so they
 * are looked at only when that module is present (BudgetModule, loaded on demand).
 */

/**
 * The HTTP answer to a budget block: {@code 429 Too Many Requests} with an RFC 9457 problem body ({@code
 * application/problem+json}) and, when the block lifts by itself at a known instant, a {@code Retry-After} header.
 * The advice of {@link BudgetProblemServletAdvice} (Spring MVC) and {@link BudgetProblemReactiveAdvice} (WebFlux)
 * answer with it; an application's own handler can too.
 *
 * <pre>{@code
 * HTTP/1.1 429
 * Retry-After: 3600
 * Content-Type: application/problem+json
 *
 * {"type": "https://lockn.io/problems/budget-exceeded", "title": "Budget exceeded", "status": 429,
 *  "detail": "Budget 'tenant-daily' exceeded for app.tenant_id=acme: limit $5, spent and reserved $4.99, this call
 *             needs up to $0.02.",
 *  "instance": "/ask",
 *  "budget": "tenant-daily", "scope": "app.tenant_id=acme", "unit": "usd", "limit": "5", "spent": "4.99",
 *  "requested": "0.02", "periodEnd": "2026-05-02T00:00:00Z"}
 * }</pre>
 *
 * <p>Members: {@code budget}, {@code scope} ({@code global} or {@code key=value}), {@code unit} ({@code usd} or
 * {@code tokens}), {@code limit}, {@code spent} (spent and reserved by calls in flight when the call was refused) and
 * {@code requested} (what the call would have reserved) as exact decimal strings in that unit, and {@code periodEnd}
 * (ISO-8601) when known ({@link BudgetExceededException#periodEnd()}). An approval denial ({@link #APPROVAL_DENIED})
 * adds {@code reason} (the approval policy's, when it gave one) and {@code timedOut}; a runaway kill ({@link
 * #RUNAWAY_AGENT}) adds {@code runaway} (the rule: {@code cost}, {@code model_calls}, {@code tool_calls} or {@code
 * tool_loop}) and {@code agent} when known. Nothing of the prompt, the completion or the exception's message is
 * sent.
 *
 * <p>{@code Retry-After} is the number of whole seconds from now until the period end, rounded up (0 once it has
 * passed); it is absent when the period end is unknown: per-call and per-trace budgets, approval denials, runaway
 * kills, and blocks by a throttle policy.
 *
 * <p>Thread-safe and immutable.
 */
public final class BudgetProblems {

  /** The problem type of a block by a budget's limit. */
  public static final URI BUDGET_EXCEEDED = URI.create("https://lockn.io/problems/budget-exceeded");

  /** The problem type of a call denied by the approval policy ({@code ApprovalDeniedException}). */
  public static final URI APPROVAL_DENIED = URI.create("https://lockn.io/problems/approval-denied");

  /**
   * The problem type of a model call refused because its trace was killed as a runaway ({@code
   * RunawayAgentException}).
   */
  public static final URI RUNAWAY_AGENT = URI.create("https://lockn.io/problems/runaway-agent");

  /**
   * The logger of the one WARN line per answered block: {@value}. Set it to ERROR to silence those lines.
   */
  public static final String LOGGER_NAME = "io.lockn.springai.web.BudgetProblems";

  private static final Log LOG = LogFactory.getLog(LOGGER_NAME);

  private static final boolean BUDGET_MODULE =
      ClassUtils.isPresent("io.lockn.budget.ApprovalDeniedException", BudgetProblems.class.getClassLoader());

  private final Clock clock;

  /**
   * Answers with {@code Retry-After} computed on {@code clock}.
   *
   * @param clock the clock that says how long until the period end: the same one the budgets run on
   */
  public BudgetProblems(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Answers on the system clock.
   *
   * @return the problems
   */
  public static BudgetProblems systemUtc() {
    return new BudgetProblems(Clock.systemUTC());
  }

  /**
   * The answer to a block: status 429, the problem body and, when the period end is known, {@code Retry-After}.
   * Spring MVC and WebFlux render it from an {@code @ExceptionHandler} method; they set the problem's {@code
   * instance} to the request path.
   *
   * @param blocked the block
   * @return the answer
   */
  public ErrorResponse errorResponse(BudgetExceededException blocked) {
    Objects.requireNonNull(blocked, "blocked");
    BudgetExceededException.Unit unit = blocked.unit();
    Kind kind = BUDGET_MODULE ? BudgetModule.kind(blocked) : Kind.BUDGET;
    ErrorResponse.Builder b = ErrorResponse.builder(blocked, HttpStatus.TOO_MANY_REQUESTS, detail(kind, blocked))
        .type(kind.type)
        .title(kind.title)
        .property("budget", blocked.budgetName())
        .property("scope", blocked.scope())
        .property("unit", unit == BudgetExceededException.Unit.NANO_USD ? "usd" : "tokens")
        .property("limit", amount(unit, blocked.limit()))
        .property("spent", amount(unit, blocked.spent()))
        .property("requested", amount(unit, blocked.requested()));
    Instant periodEnd = blocked.periodEnd();
    if (periodEnd != null) {
      b.property("periodEnd", periodEnd.toString());
      b.header(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds(periodEnd, clock.instant())));
    }
    if (kind != Kind.BUDGET) {
      BudgetModule.addMembers(blocked, b);
    }
    return b.build();
  }

  /**
   * The {@code Retry-After} delay: whole seconds from {@code now} until {@code periodEnd}, rounded up so that a client
   * waiting that long retries in the next period; 0 once the period end has passed.
   *
   * @param periodEnd the period end
   * @param now now
   * @return the seconds, at least 0
   */
  public static long retryAfterSeconds(Instant periodEnd, Instant now) {
    Duration left = Duration.between(now, periodEnd);
    if (left.isNegative() || left.isZero()) {
      return 0;
    }
    return left.getSeconds() + (left.getNano() > 0 ? 1 : 0);
  }

  /**
   * Logs the answer: one WARN line, without a stack trace (the block is expected behaviour, not a failure of the
   * application). Control characters of the quoted values (the scope's attribution value may come from a request
   * header) are replaced, so that a value cannot forge log lines.
   *
   * @param method the request's method
   * @param path the request's path
   * @param answer the answer {@link #errorResponse} built
   */
  public void logAnswered(String method, String path, ErrorResponse answer) {
    if (!LOG.isWarnEnabled()) {
      return;
    }
    String retryAfter = answer.getHeaders().getFirst(HttpHeaders.RETRY_AFTER);
    LOG.warn(oneLine("Answered " + method + " " + path + " with " + answer.getStatusCode().value() + " ("
        + answer.getBody().getTitle() + "): " + answer.getBody().getDetail()
        + (retryAfter == null ? "" : " Retry-After: " + retryAfter + " s.")));
  }

  private static String detail(Kind kind, BudgetExceededException e) {
    BudgetExceededException.Unit unit = e.unit();
    return switch (kind) {
      case APPROVAL -> "The call needs up to " + formatted(unit, e.requested()) + ", above the approval threshold of "
          + formatted(unit, e.limit()) + " of '" + e.budgetName() + "' for " + e.scope() + ", and was not approved"
          + (BudgetModule.timedOut(e) ? ": no decision came in time." : ".");
      case RUNAWAY -> "The agent's task in this trace was stopped as a runaway" + BudgetModule.runawayRule(e)
          + "; its further model calls are refused.";
      case BUDGET -> "Budget '" + e.budgetName() + "' exceeded for " + e.scope() + ": limit "
          + formatted(unit, e.limit()) + ", spent and reserved " + formatted(unit, e.spent()) + ", this call needs up to "
          + formatted(unit, e.requested()) + ".";
    };
  }

  /** An exact amount in its unit: a plain USD decimal, or whole tokens. */
  private static String amount(BudgetExceededException.Unit unit, long amount) {
    return unit == BudgetExceededException.Unit.NANO_USD
        ? BigDecimal.valueOf(amount, 9).stripTrailingZeros().toPlainString()
        : Long.toString(amount);
  }

  private static String formatted(BudgetExceededException.Unit unit, long amount) {
    return unit == BudgetExceededException.Unit.NANO_USD ? "$" + amount(unit, amount) : amount + " tokens";
  }

  private static String oneLine(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      b.append(Character.isISOControl(c) ? '?' : c);
    }
    return b.toString();
  }

  @Override
  public String toString() {
    return "BudgetProblems{clock=" + clock + "}";
  }

  /** The three kinds of block, each a problem type. */
  private enum Kind {
    BUDGET(BUDGET_EXCEEDED, "Budget exceeded"),
    APPROVAL(APPROVAL_DENIED, "Approval denied"),
    RUNAWAY(RUNAWAY_AGENT, "Runaway agent");

    final URI type;
    final String title;

    Kind(URI type, String title) {
      this.type = type;
      this.title = title;
    }
  }

  /** The subclasses of lockn-budget; loaded only when that module is on the classpath. */
  private static final class BudgetModule {

    static Kind kind(BudgetExceededException e) {
      return e instanceof ApprovalDeniedException ? Kind.APPROVAL
          : e instanceof RunawayAgentException ? Kind.RUNAWAY : Kind.BUDGET;
    }

    static boolean timedOut(BudgetExceededException e) {
      return e instanceof ApprovalDeniedException denied && denied.timedOut();
    }

    /** The rule that fired, as {@code " (tool_loop)"}; empty when unknown. */
    static String runawayRule(BudgetExceededException e) {
      String rule = e instanceof RunawayAgentException killed ? rule(killed) : null;
      return rule == null ? "" : " (" + rule + ")";
    }

    private static @Nullable String rule(RunawayAgentException killed) {
      // The field is transient: null in an exception that was serialized and read back.
      @Nullable Runaway runaway = killed.runaway();
      return runaway == null ? null : runaway.reason().name().toLowerCase(Locale.ROOT);
    }

    static void addMembers(BudgetExceededException e, ErrorResponse.Builder b) {
      if (e instanceof ApprovalDeniedException denied) {
        if (!denied.reason().isEmpty()) {
          b.property("reason", denied.reason());
        }
        b.property("timedOut", denied.timedOut());
      } else if (e instanceof RunawayAgentException killed) {
        String rule = rule(killed);
        if (rule != null) {
          b.property("runaway", rule);
          String agent = killed.runaway().agent();
          if (agent != null) {
            b.property("agent", agent);
          }
        }
      }
    }
  }
}
