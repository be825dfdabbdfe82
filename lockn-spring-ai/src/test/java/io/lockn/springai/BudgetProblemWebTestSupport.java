package io.lockn.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lockn.budget.ApprovalDeniedException;
import io.lockn.budget.ApprovalPolicy;
import io.lockn.budget.Runaway;
import io.lockn.budget.RunawayAgentException;
import io.lockn.core.BudgetExceededException;
import io.lockn.springai.web.BudgetProblems;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Budget blocks as HTTP answers, over real HTTP to a real embedded server on a random loopback port: Spring AI's
 * {@code ChatClient}, auto-configured with LockN's budget advisor from {@code lockn.budgets.*} and pointed at the
 * OpenAI-shaped stub, is refused before any request leaves, and the controller's caller gets {@code 429}, {@code
 * application/problem+json} with the exact members and {@code Retry-After}; so do blocks thrown directly, wrapped,
 * or signalled by a {@code Mono}. One WARN line per block, no stack trace. The application's own exceptions, its own
 * handler for blocks, and {@code lockn.web.problem-details.enabled=false} keep Spring's behaviour. Run once per web
 * stack by the subclasses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(OutputCaptureExtension.class)
abstract class BudgetProblemWebTestSupport {

  /** A period end an hour from the start of the run, whole seconds: the direct throws' {@code periodEnd}. */
  static final Instant DIRECT_PERIOD_END = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);

  /** What reached the controller from the ChatClient call, before it was rethrown. */
  static final AtomicReference<@Nullable Throwable> REACHED = new AtomicReference<>();

  private static final ObjectMapper JSON = new ObjectMapper();

  private final OpenAiStub stub = new OpenAiStub();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();
  private Path budgetFile;
  private String base;

  /** The web stack under test. */
  abstract WebApplicationType webApplicationType();

  @BeforeAll
  void start() throws IOException {
    // A second budget, from a file (the only place an approval threshold can be set): any call of the tenant
    // bigspender needs approval, which the App's ApprovalPolicy denies.
    budgetFile = Files.createTempFile("lockn-web-budgets", ".json");
    Files.writeString(budgetFile, """
        {"budgets": [{"name": "big-calls", "scope": "app.tenant_id=bigspender", "unit": "usd", "limit": 100,
                      "period": {"kind": "day", "zone": "UTC"},
                      "thresholds": [{"percent": 100, "action": "block"}], "approvalAbove": 0.000001}]}
        """);
    base = "http://127.0.0.1:" + port(run(App.class)) + "/";
  }

  @AfterAll
  void stop() throws IOException {
    contexts.forEach(ConfigurableApplicationContext::close);
    stub.close();
    Files.deleteIfExists(budgetFile);
  }

  @BeforeEach
  void reset() {
    stub.reset();
    REACHED.set(null);
  }

  ConfigurableApplicationContext run(Class<?> app, String... extraProperties) {
    List<String> properties = new ArrayList<>(List.of(
        "server.port=0",
        "server.address=127.0.0.1",
        "spring.ai.openai.base-url=" + stub.baseUrl(),
        "spring.ai.openai.api-key=test",
        "spring.ai.openai.chat.model=gpt-4o",
        "spring.ai.openai.max-retries=0",
        "management.tracing.sampling.probability=1.0",
        // Every tenant's day budget is $0: the first call of tenant acme is refused.
        "lockn.budgets.file=" + budgetFile,
        "lockn.budgets.items[0].name=tenant-daily",
        "lockn.budgets.items[0].scope=each app.tenant_id",
        "lockn.budgets.items[0].limit-usd=0",
        "lockn.budgets.items[0].period=day"));
    properties.addAll(List.of(extraProperties));
    ConfigurableApplicationContext ctx = new SpringApplicationBuilder(app)
        .web(webApplicationType())
        .properties(properties.toArray(String[]::new))
        .run();
    contexts.add(ctx);
    return ctx;
  }

  static int port(ConfigurableApplicationContext ctx) {
    return ((WebServerApplicationContext) ctx).getWebServer().getPort();
  }

  HttpResponse<String> get(String url, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET();
    if (headers.length > 0) {
      b.headers(headers);
    }
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  // ---- the application ----

  /** A Boot application with auto-configuration only (no component scan): the controller and an approval policy. */
  @SpringBootConfiguration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  @Import(BlockingController.class)
  static class App {
    @Bean
    ApprovalPolicy denyAll() {
      return request -> CompletableFuture.completedFuture(
          ApprovalPolicy.Decision.deny("above the team's approval limit"));
    }
  }

  /** The same application with its own handler for blocks. */
  @SpringBootConfiguration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  @Import({BlockingController.class, UsersOwnAdvice.class})
  static class AppWithOwnHandler {
    @Bean
    ApprovalPolicy denyAll() {
      return request -> CompletableFuture.completedFuture(ApprovalPolicy.Decision.deny("no"));
    }
  }

  /** An application's handler, with the default order (as most are written): it wins over LockN's. */
  @RestControllerAdvice
  static class UsersOwnAdvice {
    @ExceptionHandler(BudgetExceededException.class)
    ResponseEntity<String> blocked(BudgetExceededException e) {
      return ResponseEntity.status(402).header("Content-Type", "text/plain").body("handled by the app: "
          + e.budgetName());
    }
  }

  @RestController
  static class BlockingController {
    private final ChatClient chat;

    BlockingController(ChatClient.Builder builder) {
      this.chat = builder.build();
    }

    /** The usual controller: a blocking ChatClient call, the tenant from a header. */
    @GetMapping("/ask")
    String ask(@RequestHeader("X-Tenant") String tenant) {
      try {
        return chat.prompt("What is LockN?").advisors(a -> a.param("app.tenant_id", tenant)).call().content();
      } catch (RuntimeException e) {
        REACHED.set(e);
        throw e;
      }
    }

    /** The blocking call off the request thread, answered as a Mono. */
    @GetMapping("/ask-mono")
    Mono<String> askMono(@RequestHeader("X-Tenant") String tenant) {
      return Mono.fromCallable(() -> chat.prompt("What is LockN?").advisors(a -> a.param("app.tenant_id", tenant))
              .call().content())
          .subscribeOn(Schedulers.boundedElastic())
          .doOnError(REACHED::set);
    }

    /** A streamed call, collected into one answer. */
    @GetMapping("/ask-stream")
    Mono<String> askStream(@RequestHeader("X-Tenant") String tenant) {
      return chat.prompt("What is LockN?").advisors(a -> a.param("app.tenant_id", tenant)).stream().content()
          .collect(Collectors.joining())
          .doOnError(REACHED::set);
    }

    @GetMapping("/throw/budget")
    String throwBudget() {
      throw budgetBlock();
    }

    @GetMapping("/throw/tokens")
    String throwTokens() {
      throw new BudgetExceededException("per-call-tokens", "global", BudgetExceededException.Unit.TOKENS, 4_000, 0,
          4_096);
    }

    @GetMapping("/throw/runaway")
    String throwRunaway() {
      throw new RunawayAgentException(new Runaway(Runaway.Reason.TOOL_LOOP, "0123456789abcdef0123456789abcdef",
          "1111111111111111", "2222222222222222", "concierge", 5, Double.NaN, 5, "lookup_customer", 1_234_500, 3, 5,
          true));
    }

    /** A framework wrapped the block twice on its way up. */
    @GetMapping("/throw/wrapped")
    String throwWrapped() {
      throw new IllegalStateException("Stream processing failed", new CompletionException(budgetBlock()));
    }

    @GetMapping("/mono/budget")
    Mono<String> monoBudget() {
      return Mono.error(budgetBlock());
    }

    /** The application's own failure: not LockN's to answer. */
    @GetMapping("/throw/app")
    String throwApp() {
      throw new IllegalStateException("the application's own failure");
    }

    static BudgetExceededException budgetBlock() {
      return new BudgetExceededException("tenant-daily", "app.tenant_id=acme", BudgetExceededException.Unit.NANO_USD,
          5_000_000_000L, 4_990_000_123L, 20_000_000L, DIRECT_PERIOD_END);
    }
  }

  // ---- assertions ----

  /** The output written since {@code mark}. */
  private static String since(CapturedOutput output, int mark) {
    return output.getOut().substring(mark);
  }

  /** Exactly one WARN line of LockN's answer for {@code request}, and no stack trace. */
  private static void assertOneWarnLine(String log, String request) {
    List<String> answered = log.lines().filter(l -> l.contains("Answered " + request + " with 429")).toList();
    assertThat(answered).hasSize(1);
    assertThat(answered.get(0)).contains(" WARN ").contains("BudgetProblems");
    assertThat(log).doesNotContain("\tat ").doesNotContain("Exception");
    assertThat(log.lines().filter(l -> l.contains(" ERROR ") || l.contains(" WARN "))).hasSize(1);
  }

  private static void assertProblemJson(HttpResponse<String> r) {
    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
  }

  /** Retry-After within the exact bounds of the request's start and end. */
  private static void assertRetryAfter(HttpResponse<String> r, Instant periodEnd, Instant before, Instant after) {
    long retryAfter = Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow());
    assertThat(retryAfter).isBetween(
        BudgetProblems.retryAfterSeconds(periodEnd, after), BudgetProblems.retryAfterSeconds(periodEnd, before));
  }

  private static String usd(long nanos) {
    return BigDecimal.valueOf(nanos, 9).stripTrailingZeros().toPlainString();
  }

  private static JsonNode json(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ObjectNode expected(String json) {
    return (ObjectNode) json(json);
  }

  // ---- the tests ----

  /** The real path: Spring AI's ChatClient, LockN's budget advisor, the budget from properties. */
  @Test
  void chatClientCallRefusedByTheBudget_is429ProblemWithRetryAfterUntilMidnightUtc(CapturedOutput output) {
    int mark = output.getOut().length();
    Instant before = Instant.now();
    HttpResponse<String> r = get(base + "ask", "X-Tenant", "acme");
    Instant after = Instant.now();
    LocalDate day = LocalDate.ofInstant(before, ZoneOffset.UTC);
    Assumptions.assumeTrue(day.equals(LocalDate.ofInstant(after, ZoneOffset.UTC)), "the request straddled midnight");
    Instant midnight = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();

    // What reached the controller: LockN's own exception, unwrapped by Spring AI.
    assertThat(REACHED.get()).isExactlyInstanceOf(BudgetExceededException.class);
    BudgetExceededException blocked = (BudgetExceededException) REACHED.get();
    assertThat(blocked.requested()).isPositive();
    assertThat(stub.requests()).as("refused before any request left").isEmpty();

    assertProblemJson(r);
    assertRetryAfter(r, midnight, before, after);
    // The day's limit is $0 and nothing was spent; the call needed its estimate.
    assertThat(json(r.body())).isEqualTo(expected("""
        {"type": "https://lockn.io/problems/budget-exceeded", "title": "Budget exceeded", "status": 429,
         "detail": "Budget 'tenant-daily' exceeded for app.tenant_id=acme: limit $0, spent and reserved $0, this call needs up to $%s.",
         "instance": "/ask",
         "budget": "tenant-daily", "scope": "app.tenant_id=acme", "unit": "usd", "limit": "0", "spent": "0",
         "requested": "%s", "periodEnd": "%s"}
        """.formatted(usd(blocked.requested()), usd(blocked.requested()), midnight)));
    assertOneWarnLine(since(output, mark), "GET /ask");
  }

  /** The same ChatClient call off the request thread, answered as a Mono. */
  @Test
  void chatClientCallInAMono_is429Problem(CapturedOutput output) {
    int mark = output.getOut().length();
    HttpResponse<String> r = get(base + "ask-mono", "X-Tenant", "acme");

    assertThat(REACHED.get()).isExactlyInstanceOf(BudgetExceededException.class);
    assertProblemJson(r);
    assertThat(r.headers().firstValue("Retry-After")).isPresent();
    assertThat(json(r.body()).get("budget").asText()).isEqualTo("tenant-daily");
    assertThat(json(r.body()).get("instance").asText()).isEqualTo("/ask-mono");
    assertOneWarnLine(since(output, mark), "GET /ask-mono");
  }

  /** A streamed ChatClient call: the stream's error, before anything was written. */
  @Test
  void chatClientStreamRefusedByTheBudget_is429Problem(CapturedOutput output) {
    int mark = output.getOut().length();
    HttpResponse<String> r = get(base + "ask-stream", "X-Tenant", "acme");

    assertThat(REACHED.get()).isExactlyInstanceOf(BudgetExceededException.class);
    assertThat(stub.requests()).isEmpty();
    assertProblemJson(r);
    assertThat(r.headers().firstValue("Retry-After")).isPresent();
    assertThat(json(r.body()).get("scope").asText()).isEqualTo("app.tenant_id=acme");
    // LockN's one line. Spring AI adds its own: its MessageAggregator logs every error of a streamed ChatClient call
    // at ERROR with the stack trace ("Aggregation Error"), once per observed level (the ChatClient and each advisor:
    // five with the starter's advisors), a block too. Not LockN's to silence: docs/spring.md says how.
    String log = since(output, mark);
    assertThat(log.lines().filter(l -> l.contains("Answered GET /ask-stream with 429") && l.contains(" WARN ")))
        .hasSize(1);
    assertThat(log.lines().filter(l -> l.contains(" WARN "))).hasSize(1);
    assertThat(log.lines().filter(l -> l.contains(" ERROR ")))
        .isNotEmpty()
        .allSatisfy(l -> assertThat(l).contains("o.s.ai.chat.model.MessageAggregator").endsWith(": Aggregation Error"));
  }

  /** The approval policy denies every call of tenant bigspender: its own problem type, the reason, no Retry-After. */
  @Test
  void chatClientCallDeniedApproval_is429ApprovalProblemWithReason(CapturedOutput output) {
    int mark = output.getOut().length();
    HttpResponse<String> r = get(base + "ask", "X-Tenant", "bigspender");

    assertThat(REACHED.get()).isExactlyInstanceOf(ApprovalDeniedException.class);
    ApprovalDeniedException denied = (ApprovalDeniedException) REACHED.get();
    assertThat(stub.requests()).isEmpty();
    assertProblemJson(r);
    assertThat(r.headers().firstValue("Retry-After")).isEmpty();
    // The threshold is 0.000001 USD; spent is 0 by definition for a denial.
    assertThat(json(r.body())).isEqualTo(expected("""
        {"type": "https://lockn.io/problems/approval-denied", "title": "Approval denied", "status": 429,
         "detail": "The call needs up to $%s, above the approval threshold of $0.000001 of 'big-calls' for app.tenant_id=bigspender, and was not approved.",
         "instance": "/ask",
         "budget": "big-calls", "scope": "app.tenant_id=bigspender", "unit": "usd", "limit": "0.000001",
         "spent": "0", "requested": "%s", "reason": "above the team's approval limit", "timedOut": false}
        """.formatted(usd(denied.requested()), usd(denied.requested()))));
    assertOneWarnLine(since(output, mark), "GET /ask");
  }

  @Test
  void directBudgetBlock_is429WithExactMembersAndRetryAfter(CapturedOutput output) {
    int mark = output.getOut().length();
    Instant before = Instant.now();
    HttpResponse<String> r = get(base + "throw/budget");
    Instant after = Instant.now();

    assertProblemJson(r);
    assertRetryAfter(r, DIRECT_PERIOD_END, before, after);
    // 5,000,000,000 / 4,990,000,123 / 20,000,000 nano-USD = $5 / $4.990000123 / $0.02.
    assertThat(json(r.body())).isEqualTo(expected("""
        {"type": "https://lockn.io/problems/budget-exceeded", "title": "Budget exceeded", "status": 429,
         "detail": "Budget 'tenant-daily' exceeded for app.tenant_id=acme: limit $5, spent and reserved $4.990000123, this call needs up to $0.02.",
         "instance": "/throw/budget",
         "budget": "tenant-daily", "scope": "app.tenant_id=acme", "unit": "usd", "limit": "5",
         "spent": "4.990000123", "requested": "0.02", "periodEnd": "%s"}
        """.formatted(DIRECT_PERIOD_END)));
    assertOneWarnLine(since(output, mark), "GET /throw/budget");
  }

  @Test
  void tokenBlockWithoutPeriodEnd_hasNoRetryAfter(CapturedOutput output) {
    int mark = output.getOut().length();
    HttpResponse<String> r = get(base + "throw/tokens");

    assertProblemJson(r);
    assertThat(r.headers().firstValue("Retry-After")).isEmpty();
    assertThat(json(r.body())).isEqualTo(expected("""
        {"type": "https://lockn.io/problems/budget-exceeded", "title": "Budget exceeded", "status": 429,
         "detail": "Budget 'per-call-tokens' exceeded for global: limit 4000 tokens, spent and reserved 0 tokens, this call needs up to 4096 tokens.",
         "instance": "/throw/tokens",
         "budget": "per-call-tokens", "scope": "global", "unit": "tokens", "limit": "4000", "spent": "0",
         "requested": "4096"}
        """));
    assertOneWarnLine(since(output, mark), "GET /throw/tokens");
  }

  @Test
  void runawayKill_is429RunawayProblem(CapturedOutput output) {
    int mark = output.getOut().length();
    HttpResponse<String> r = get(base + "throw/runaway");

    assertProblemJson(r);
    assertThat(r.headers().firstValue("Retry-After")).isEmpty();
    // The task cost 1,234,500 nano-USD = $0.0012345; the tool's name is not sent.
    assertThat(json(r.body())).isEqualTo(expected("""
        {"type": "https://lockn.io/problems/runaway-agent", "title": "Runaway agent", "status": 429,
         "detail": "The agent's task in this trace was stopped as a runaway (tool_loop); its further model calls are refused.",
         "instance": "/throw/runaway",
         "budget": "runaway-agent", "scope": "trace=0123456789abcdef0123456789abcdef", "unit": "usd", "limit": "0",
         "spent": "0.0012345", "requested": "0", "runaway": "tool_loop", "agent": "concierge"}
        """));
    assertOneWarnLine(since(output, mark), "GET /throw/runaway");
  }

  @Test
  void wrappedBlock_isFoundAmongTheCauses(CapturedOutput output) {
    int mark = output.getOut().length();
    HttpResponse<String> r = get(base + "throw/wrapped");

    assertProblemJson(r);
    assertThat(r.headers().firstValue("Retry-After")).isPresent();
    assertThat(json(r.body()).get("type").asText()).isEqualTo("https://lockn.io/problems/budget-exceeded");
    assertThat(json(r.body()).get("spent").asText()).isEqualTo("4.990000123");
    assertOneWarnLine(since(output, mark), "GET /throw/wrapped");
  }

  @Test
  void monoError_is429Problem(CapturedOutput output) {
    int mark = output.getOut().length();
    HttpResponse<String> r = get(base + "mono/budget");

    assertProblemJson(r);
    assertThat(r.headers().firstValue("Retry-After")).isPresent();
    assertThat(json(r.body()).get("instance").asText()).isEqualTo("/mono/budget");
    assertOneWarnLine(since(output, mark), "GET /mono/budget");
  }

  /** A client that asks for JSON gets the same problem. */
  @Test
  void acceptJson_stillGetsTheProblem() {
    HttpResponse<String> r = get(base + "throw/budget", "Accept", "application/json");

    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(json(r.body()).get("budget").asText()).isEqualTo("tenant-daily");
  }

  /** The application's own exceptions are not LockN's: Spring's usual 500, logged as before. */
  @Test
  void applicationsOwnException_isUntouched(CapturedOutput output) {
    int mark = output.getOut().length();
    HttpResponse<String> r = get(base + "throw/app");

    assertThat(r.statusCode()).isEqualTo(500);
    assertThat(r.body()).doesNotContain("lockn.io");
    await().atMost(Duration.ofSeconds(30)).until(() -> since(output, mark).contains("the application's own failure"));
    assertThat(since(output, mark)).doesNotContain("Answered");
  }

  /** The application's own @ExceptionHandler for blocks, at the default order, wins over LockN's. */
  @Test
  void applicationsOwnHandler_wins(CapturedOutput output) {
    String own = "http://127.0.0.1:" + port(run(AppWithOwnHandler.class)) + "/";
    int mark = output.getOut().length();

    HttpResponse<String> direct = get(own + "throw/budget");
    HttpResponse<String> viaChatClient = get(own + "ask", "X-Tenant", "acme");

    assertThat(direct.statusCode()).isEqualTo(402);
    assertThat(direct.body()).isEqualTo("handled by the app: tenant-daily");
    assertThat(direct.headers().firstValue("Retry-After")).isEmpty();
    assertThat(viaChatClient.statusCode()).isEqualTo(402);
    assertThat(viaChatClient.body()).isEqualTo("handled by the app: tenant-daily");
    assertThat(since(output, mark)).doesNotContain("Answered");
  }

  /** {@code lockn.web.problem-details.enabled=false}: the block is a 500 with its stack trace logged, as before. */
  @Test
  void optOut_restoresSpringsDefault(CapturedOutput output) {
    ConfigurableApplicationContext ctx = run(App.class, "lockn.web.problem-details.enabled=false");
    String off = "http://127.0.0.1:" + port(ctx) + "/";
    int mark = output.getOut().length();

    HttpResponse<String> r = get(off + "throw/budget");

    assertThat(r.statusCode()).isEqualTo(500);
    assertThat(r.headers().firstValue("Retry-After")).isEmpty();
    assertThat(r.body()).doesNotContain("lockn.io");
    await().atMost(Duration.ofSeconds(30)).until(() -> since(output, mark).contains("\tat "));
    assertThat(since(output, mark)).contains(" ERROR ").contains("BudgetExceededException").doesNotContain("Answered");
  }
}
