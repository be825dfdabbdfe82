package io.lockn.springai.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockn.budget.Runaway;
import io.lockn.budget.RunawayAgentException;
import io.lockn.core.BudgetExceededException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponse;

/**
 * The answer to each kind of block on a fixed clock: status, problem members, exact amounts and {@code Retry-After}.
 * The HTTP round trips, content negotiation and logging are in {@code BudgetProblemServletTest} and {@code
 * BudgetProblemReactiveTest}.
 */
@ExtendWith(OutputCaptureExtension.class)
class BudgetProblemsTest {

  private static final Instant NOW = Instant.parse("2026-05-01T22:59:58.250Z");
  private final BudgetProblems problems = new BudgetProblems(Clock.fixed(NOW, ZoneOffset.UTC));

  private static Map<String, Object> members(ProblemDetail p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", p.getType().toString());
    m.put("title", p.getTitle());
    m.put("status", p.getStatus());
    m.put("detail", p.getDetail());
    if (p.getProperties() != null) {
      m.putAll(p.getProperties());
    }
    return m;
  }

  @Test
  void budgetBlock_is429WithExactAmountsPeriodEndAndRetryAfter() {
    BudgetExceededException e = new BudgetExceededException("tenant-daily", "app.tenant_id=acme",
        BudgetExceededException.Unit.NANO_USD, 5_000_000_000L, 4_990_000_123L, 20_000_000L,
        Instant.parse("2026-05-02T00:00:00Z"));

    ErrorResponse answer = problems.errorResponse(e);

    assertThat(answer.getStatusCode().value()).isEqualTo(429);
    // 2026-05-02T00:00:00Z - 2026-05-01T22:59:58.250Z = 3,601.75 s, rounded up: 3,602.
    assertThat(answer.getHeaders().get(HttpHeaders.RETRY_AFTER)).containsExactly("3602");
    // 4,990,000,123 nano-USD = $4.990000123: exact, no rounding.
    assertThat(members(answer.getBody())).containsExactly(
        Map.entry("type", "https://lockn.io/problems/budget-exceeded"),
        Map.entry("title", "Budget exceeded"),
        Map.entry("status", 429),
        Map.entry("detail", "Budget 'tenant-daily' exceeded for app.tenant_id=acme: limit $5, spent and reserved"
            + " $4.990000123, this call needs up to $0.02."),
        Map.entry("budget", "tenant-daily"),
        Map.entry("scope", "app.tenant_id=acme"),
        Map.entry("unit", "usd"),
        Map.entry("limit", "5"),
        Map.entry("spent", "4.990000123"),
        Map.entry("requested", "0.02"),
        Map.entry("periodEnd", "2026-05-02T00:00:00Z"));
  }

  @Test
  void tokenBudgetWithoutPeriodEnd_hasNoRetryAfter() {
    BudgetExceededException e = new BudgetExceededException("per-call-tokens", "global",
        BudgetExceededException.Unit.TOKENS, 4_000, 0, 4_096);

    ErrorResponse answer = problems.errorResponse(e);

    assertThat(answer.getStatusCode().value()).isEqualTo(429);
    assertThat(answer.getHeaders().containsHeader(HttpHeaders.RETRY_AFTER)).isFalse();
    assertThat(members(answer.getBody())).containsExactly(
        Map.entry("type", "https://lockn.io/problems/budget-exceeded"),
        Map.entry("title", "Budget exceeded"),
        Map.entry("status", 429),
        Map.entry("detail", "Budget 'per-call-tokens' exceeded for global: limit 4000 tokens, spent and reserved"
            + " 0 tokens, this call needs up to 4096 tokens."),
        Map.entry("budget", "per-call-tokens"),
        Map.entry("scope", "global"),
        Map.entry("unit", "tokens"),
        Map.entry("limit", "4000"),
        Map.entry("spent", "0"),
        Map.entry("requested", "4096"));
  }

  @Test
  void runawayKill_namesTheRuleAndAgent_notTheToolOrItsArguments() {
    Runaway runaway = new Runaway(Runaway.Reason.TOOL_LOOP, "0123456789abcdef0123456789abcdef", "1111111111111111",
        "2222222222222222", "concierge", 5, Double.NaN, 5, "lookup_customer", 1_234_500, 3, 5, true);

    ErrorResponse answer = problems.errorResponse(new RunawayAgentException(runaway));

    assertThat(answer.getStatusCode().value()).isEqualTo(429);
    assertThat(answer.getHeaders().containsHeader(HttpHeaders.RETRY_AFTER)).isFalse();
    // The task cost 1,234,500 nano-USD = $0.0012345.
    assertThat(members(answer.getBody())).containsExactly(
        Map.entry("type", "https://lockn.io/problems/runaway-agent"),
        Map.entry("title", "Runaway agent"),
        Map.entry("status", 429),
        Map.entry("detail", "The agent's task in this trace was stopped as a runaway (tool_loop); its further model"
            + " calls are refused."),
        Map.entry("budget", "runaway-agent"),
        Map.entry("scope", "trace=0123456789abcdef0123456789abcdef"),
        Map.entry("unit", "usd"),
        Map.entry("limit", "0"),
        Map.entry("spent", "0.0012345"),
        Map.entry("requested", "0"),
        Map.entry("runaway", "tool_loop"),
        Map.entry("agent", "concierge"));
  }

  @Test
  void retryAfter_roundsUp_andIsZeroOncePassed() {
    Instant end = Instant.parse("2026-05-02T00:00:00Z");
    assertThat(BudgetProblems.retryAfterSeconds(end, Instant.parse("2026-05-01T23:59:59.999Z"))).isEqualTo(1);
    assertThat(BudgetProblems.retryAfterSeconds(end, Instant.parse("2026-05-01T23:59:59Z"))).isEqualTo(1);
    assertThat(BudgetProblems.retryAfterSeconds(end, Instant.parse("2026-05-01T23:59:58.999999999Z"))).isEqualTo(2);
    assertThat(BudgetProblems.retryAfterSeconds(end, end)).isZero();
    assertThat(BudgetProblems.retryAfterSeconds(end, end.plusMillis(1))).isZero();
    // A month ahead: 31 days x 86,400 s = 2,678,400 s.
    assertThat(BudgetProblems.retryAfterSeconds(end, Instant.parse("2026-04-01T00:00:00Z"))).isEqualTo(2_678_400);
  }

  /** A scope value can come from a request header: a line break in it must not forge a second log line. */
  @Test
  void logAnswered_isOneLine_evenWhenAValueHasLineBreaks(CapturedOutput output) {
    BudgetExceededException e = new BudgetExceededException("tenant-daily", "app.tenant_id=acme\r\nERROR forged",
        BudgetExceededException.Unit.NANO_USD, 1_000_000_000L, 1_000_000_000L, 1, Instant.parse("2026-05-02T00:00:00Z"));
    int mark = output.getOut().length();

    problems.logAnswered("POST", "/ask", problems.errorResponse(e));

    // 1,000,000,000 nano-USD = $1; 1 nano-USD = $0.000000001; 3,601.75 s rounded up.
    assertThat(output.getOut().substring(mark).lines()).singleElement().asString()
        .contains("WARN")
        .endsWith("Answered POST /ask with 429 (Budget exceeded): Budget 'tenant-daily' exceeded for"
            + " app.tenant_id=acme??ERROR forged: limit $1, spent and reserved $1, this call needs up to $0.000000001."
            + " Retry-After: 3602 s.");
  }
}
