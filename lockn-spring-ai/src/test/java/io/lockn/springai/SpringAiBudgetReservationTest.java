package io.lockn.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.lockn.budget.Budget;
import io.lockn.budget.BudgetAttributes;
import io.lockn.budget.Budgets;
import io.lockn.budget.Period;
import io.lockn.core.AttributionKeys;
import io.lockn.core.BudgetExceededException;
import io.lockn.core.LockN;
import io.lockn.core.LockNAttributes;
import io.lockn.core.TokenUsage;
import io.lockn.core.sdk.AttributionSpanProcessor;
import io.lockn.core.spi.Admission;
import io.lockn.core.spi.CallAdmission;
import io.lockn.core.spi.CallRequest;
import io.lockn.pricing.PriceCatalog;
import io.lockn.pricing.sdk.CostPipeline;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.ChatClientBuilderCustomizer;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.annotation.ToolParam;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The Spring AI application, with Spring AI's real OpenAI client against {@link OpenAiStub}: a {@code
 * ChatClient} with a {@code @Tool}, no {@code max_tokens}, a tenant from the request, a per-tenant budget, and
 * LockN's budget advisor as by hand (no token counter: Spring AI's {@code JTokkitTokenCountEstimator} counts the
 * input). Each round trip reserves its output estimate (capped, and cut to what is left), settlement replaces it with
 * the exact cost, spending stays within the documented bound, no call that fits is refused, and every budget action
 * is a span event on the span the model call runs under.
 *
 * <p>Prices, gpt-4o-mini: 150 nano-USD per input token, 75 per cached one, 600 per output token; the catalog's maximum
 * output, 16,384 tokens, makes every estimate at least 9,830,400, so the cap cuts it. The tool loop the server
 * answers: round 1 asks for the tool (150 input, 20 output: 22,500 + 12,000 = 34,500), round 2 answers (400 input of
 * which 256 cached, 60 output: 144 x 150 + 256 x 75 + 60 x 600 = 21,600 + 19,200 + 36,000 = 76,800); a loop costs
 * 111,300.
 */
@SpringBootTest(classes = SpringAiBudgetReservationTest.App.class)
class SpringAiBudgetReservationTest {

  static final OpenAiStub STUB = new OpenAiStub();
  static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();
  static final String MODEL = "gpt-4o-mini-2024-07-18";

  @DynamicPropertySource
  static void stubProperties(DynamicPropertyRegistry registry) {
    STUB.registerBootProperties(registry);
    registry.add("spring.ai.openai.chat.model", () -> "gpt-4o-mini");
  }

  @AfterAll
  static void stopStub() {
    STUB.close();
  }

  /** Not a {@code @Configuration}, so that no other test's component scan picks it up. */
  @EnableAutoConfiguration
  static class App {
    @Bean
    SpanProcessor lockNAndCapture() {
      return SpanProcessor.composite(CostPipeline.builder(PriceCatalog.bundled()).build(),
          AttributionSpanProcessor.create(AttributionKeys.defaults()), SimpleSpanProcessor.create(SPANS));
    }

    /**
     * Per tenant, $0.002 (2,000,000) over 24 hours, alert at 50% (1,000,000), cap 10% (200,000); per user, $0.0002
     * (200,000) an hour, alert at 15% (30,000), cap 20,000. Rolling, so no forecast event comes with them.
     */
    @Bean
    Budgets budgets() {
      return Budgets.builder(PriceCatalog.bundled())
          .addBudget(Budget.builder("tenant-daily").scope(io.lockn.budget.Scope.each("app.tenant_id"))
              .limitUsd("0.002").period(Period.rolling(Duration.ofHours(24))).alertAt(50).blockAt(100).build())
          .addBudget(Budget.builder("user-hourly").scope(io.lockn.budget.Scope.each("app.user_id"))
              .limitUsd("0.0002").period(Period.rolling(Duration.ofHours(1))).alertAt(15).blockAt(100).build())
          .build();
    }

    @Bean
    Gate gate(Budgets budgets) {
      return new Gate(budgets);
    }

    @Bean
    LockNObservationHandler lockNObservationHandler(OpenTelemetry openTelemetry) {
      return new LockNObservationHandler(LockN.builder().setOpenTelemetry(openTelemetry).build());
    }

    @Bean
    ChatClientBuilderCustomizer lockNAdvisors(Gate gate) {
      return builder -> builder.defaultAdvisors(LockNContextAdvisor.builder(AttributionKeys.defaults()).build(),
          LockNBudgetAdvisor.builder(gate).defaultModel("gpt-4o-mini").build());
    }
  }

  /**
   * The budgets as the advisor's admission, recording what each round trip asked and what the tenant's account held
   * reserved right after; with a latch, each admission (granted or refused) waits until every expected admission was
   * decided, so that the calls are in flight together.
   */
  static final class Gate implements CallAdmission {
    final Budgets budgets;
    final List<CallRequest> requests = new CopyOnWriteArrayList<>();
    final List<Long> reservedAfter = new CopyOnWriteArrayList<>();
    volatile @Nullable String tenant;
    volatile @Nullable CountDownLatch together;

    Gate(Budgets budgets) {
      this.budgets = budgets;
    }

    @Override
    public Admission admit(CallRequest request) {
      requests.add(request);
      try {
        Admission a = budgets.admit(request);
        if (tenant != null) {
          reservedAfter.add(budgets.status("tenant-daily", "app.tenant_id=" + tenant).reserved());
        }
        return a;
      } finally {
        CountDownLatch latch = together;
        if (latch != null) {
          latch.countDown();
          try {
            latch.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      }
    }
  }

  /** A tool object, as an application writes one. */
  public static final class WeatherTools {
    @Tool(description = "The current weather in a city")
    public String weather(@ToolParam(description = "the city") String city) {
      return "sunny in " + city;
    }
  }

  @Autowired ChatClient.Builder chatClientBuilder;
  @Autowired Gate gate;

  @BeforeEach
  void reset() {
    STUB.reset();
    SPANS.reset();
    gate.requests.clear();
    gate.reservedAfter.clear();
    gate.together = null;
    gate.tenant = null;
  }

  private static void queueLoop() {
    STUB.json(OpenAiStub.toolCall("chatcmpl-tool", MODEL, "call_w1", "weather", "{\"city\":\"Paris\"}", 150, 20))
        .json(OpenAiStub.completion(MODEL, "It is sunny in Paris.", 400, 256, 60, 0));
  }

  private String loop(String tenant) {
    return chatClientBuilder.build().prompt("Weather in Paris?").tools(new WeatherTools())
        .advisors(a -> a.param("app.tenant_id", tenant)).call().content();
  }

  private long spent(String tenant) {
    return gate.budgets.status("tenant-daily", "app.tenant_id=" + tenant).spent();
  }

  /** Charges a tenant {@code nanos} (gpt-4o input tokens, 2,500 nano-USD each), outside any ChatClient. */
  private void spend(String tenant, long nanos) {
    gate.budgets.admit(CallRequest.builder("openai", "gpt-4o").maxOutputTokens(0)
        .attribution(Map.of("app.tenant_id", tenant)).build())
        .complete(io.lockn.core.spi.EndedCall.builder(io.lockn.core.GenAiOperation.CHAT, "openai", "gpt-4o")
            .usage(TokenUsage.of(nanos / 2_500, 0)).build(), io.lockn.core.CallCost.notPriced());
  }

  /** The spans that carry an event of this name, with the event. */
  private static List<Map.Entry<SpanData, EventData>> events(String name) {
    List<Map.Entry<SpanData, EventData>> found = new ArrayList<>();
    for (SpanData s : SPANS.getFinishedSpanItems()) {
      for (EventData e : s.getEvents()) {
        if (e.getName().equals(name)) {
          found.add(Map.entry(s, e));
        }
      }
    }
    return found;
  }

  /** Whether {@code ancestor} is a parent, grandparent, ... of {@code span}, among the ended spans. */
  private static boolean isAncestor(SpanData ancestor, SpanData span) {
    Map<String, SpanData> byId = new java.util.HashMap<>();
    SPANS.getFinishedSpanItems().forEach(s -> byId.put(s.getSpanId(), s));
    for (SpanData s = byId.get(span.getParentSpanId()); s != null; s = byId.get(s.getParentSpanId())) {
      if (s.getSpanId().equals(ancestor.getSpanId())) {
        return true;
      }
    }
    return false;
  }

  private static List<SpanData> chatSpans() {
    return SPANS.getFinishedSpanItems().stream().filter(s -> s.getName().startsWith("chat ")).toList();
  }

  @Test
  void toolLoops_untilTheBudgetRunsOut_spendWithinTheBound_andNoCallThatFitsIsRefused() {
    gate.tenant = "acme";
    for (int i = 0; i < 18; i++) {
      queueLoop();
    }

    for (int i = 0; i < 18; i++) {
      assertThat(loop("acme")).as("loop %d", i + 1).isEqualTo("It is sunny in Paris.");
    }
    assertThat(gate.requests).hasSize(36).allSatisfy(r -> assertThat(r.maxOutputTokens()).isEqualTo(-1));
    // Round 1's input, as Spring AI's JTokkitTokenCountEstimator (cl100k_base) counts "Weather in Paris?": 4
    // tokens, plus 4 of message framing.
    assertThat(gate.requests.get(0).estimatedInputTokens()).isEqualTo(8);
    // Every round trip reserved the cap, 200,000, while it fit (spent + 200,000 <= 2,000,000: up to loop 17's
    // round 1, at 16 x 111,300 = 1,780,800); then what was left, each time more than the input alone:
    //   loop 17, round 2: 2,000,000 - 1,815,300 = 184,700;
    //   loop 18, round 1: 2,000,000 - 1,892,100 = 107,900; round 2: 2,000,000 - 1,926,600 = 73,400.
    List<Long> expected = new ArrayList<>(java.util.Collections.nCopies(33, 200_000L));
    expected.addAll(List.of(184_700L, 107_900L, 73_400L));
    assertThat(gate.reservedAfter).isEqualTo(expected);
    // Charged exactly 18 x 111,300. Loop 18's answer cost 76,800 with 73,400 left: the documented bound, one call
    // at a time, limit + cost(last) - left(last) = 2,000,000 + 76,800 - 73,400, is reached and not passed.
    assertThat(spent("acme")).isEqualTo(2_003_400L).isLessThanOrEqualTo(2_000_000L + 76_800L - 73_400L);
    assertThat(gate.budgets.status("tenant-daily", "app.tenant_id=acme").reserved()).isZero();

    // The 50% alert, found when loop 8's answer was admitted: 7 x 111,300 + 34,500 = 813,600 spent, and 200,000
    // reserved. On the span the model call ran under.
    List<Map.Entry<SpanData, EventData>> alerts = events(BudgetAttributes.ALERT_EVENT);
    assertThat(alerts).singleElement().satisfies(a -> {
      assertThat(a.getValue().getAttributes()).isEqualTo(Attributes.builder()
          .put(LockNAttributes.BUDGET_NAME, "tenant-daily")
          .put(LockNAttributes.BUDGET_SCOPE, "app.tenant_id=acme")
          .put(LockNAttributes.BUDGET_UNIT, "nano_usd")
          .put(LockNAttributes.BUDGET_LIMIT, 2_000_000L)
          .put(BudgetAttributes.USED, 1_013_600L)
          .put(LockNAttributes.BUDGET_REQUESTED, 200_000L)
          .put(BudgetAttributes.THRESHOLD_PERCENT, "50")
          .put(BudgetAttributes.PHASE, "admission")
          .build());
      assertThat(isAncestor(a.getKey(), chatSpans().get(15))).isTrue();
    });

    // Loop 19: not even round 1's input (8 x 150 = 1,200) fits in what is left: refused before any request.
    queueLoop();
    Throwable refused = catchThrowable(() -> loop("acme"));
    assertThat(refused).isInstanceOfSatisfying(BudgetExceededException.class, e -> {
      assertThat(e.spent()).isEqualTo(2_003_400L);
      assertThat(e.requested()).isEqualTo(1_200L);
    });
    assertThat(STUB.requests()).hasSize(36);
    assertThat(events(LockNAttributes.BUDGET_EXCEEDED_EVENT)).singleElement().satisfies(b ->
        assertThat(b.getValue().getAttributes()).isEqualTo(Attributes.builder()
            .put(LockNAttributes.BUDGET_NAME, "tenant-daily")
            .put(LockNAttributes.BUDGET_SCOPE, "app.tenant_id=acme")
            .put(LockNAttributes.BUDGET_UNIT, "nano_usd")
            .put(LockNAttributes.BUDGET_LIMIT, 2_000_000L)
            .put(LockNAttributes.BUDGET_SPENT, 2_003_400L)
            .put(LockNAttributes.BUDGET_REQUESTED, 1_200L)
            .build()));
  }

  @Test
  void alertFoundWhenTheCostIsSettled_isAnEventOnTheSpanTheModelCallRanUnder() {
    STUB.json(OpenAiStub.completion(MODEL, "Hello!", 150, 0, 20, 0));

    String answer = chatClientBuilder.build().prompt("Hi").advisors(a -> a.param("app.user_id", "u-1"))
        .call().content();

    assertThat(answer).isEqualTo("Hello!");
    // Reserved the user's cap, 20,000: below the 15% alert (30,000). Charged 150 x 150 + 20 x 600 = 34,500: past it.
    assertThat(events(BudgetAttributes.ALERT_EVENT)).singleElement().satisfies(a -> {
      assertThat(a.getValue().getAttributes()).isEqualTo(Attributes.builder()
          .put(LockNAttributes.BUDGET_NAME, "user-hourly")
          .put(LockNAttributes.BUDGET_SCOPE, "app.user_id=u-1")
          .put(LockNAttributes.BUDGET_UNIT, "nano_usd")
          .put(LockNAttributes.BUDGET_LIMIT, 200_000L)
          .put(BudgetAttributes.USED, 34_500L)
          .put(LockNAttributes.BUDGET_REQUESTED, 34_500L)
          .put(BudgetAttributes.THRESHOLD_PERCENT, "15")
          .put(BudgetAttributes.PHASE, "settlement")
          .build());
      assertThat(isAncestor(a.getKey(), chatSpans().get(0))).isTrue();
    });
  }

  @Test
  void twoConcurrentRequests_theReservationHolds_soTheSecondIsRefusedBeforeOverspending() throws Exception {
    // 1,950,000 spent: 50,000 left. One plain answer (150 input, 20 output: 34,500) fits, two (69,000) do not.
    spend("acme-2", 1_950_000);
    STUB.json(OpenAiStub.completion(MODEL, "Hello!", 150, 0, 20, 0))
        .json(OpenAiStub.completion(MODEL, "Hello!", 150, 0, 20, 0));
    gate.together = new CountDownLatch(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<Object> outcomes = new ArrayList<>();
    try {
      List<Future<String>> calls = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        calls.add(pool.submit(() -> chatClientBuilder.build().prompt("Hi")
            .advisors(a -> a.param("app.tenant_id", "acme-2")).call().content()));
      }
      for (Future<String> f : calls) {
        try {
          outcomes.add(f.get(30, TimeUnit.SECONDS));
        } catch (java.util.concurrent.ExecutionException e) {
          outcomes.add(e.getCause());
        }
      }
    } finally {
      pool.shutdownNow();
    }

    // Both were decided before either was sent. The first reserved its capped estimate cut to the 50,000 left; the
    // second's input alone ("Hi": 1 + 4 tokens, 750) did not fit in 0, and it was refused. With input-only
    // reservations (750 each) both were admitted and 69,000 was spent of 50,000.
    assertThat(outcomes).filteredOn(o -> o instanceof BudgetExceededException).hasSize(1);
    assertThat(outcomes).filteredOn("Hello!"::equals).hasSize(1);
    assertThat(STUB.requests()).hasSize(1);
    assertThat(spent("acme-2")).isEqualTo(1_984_500L).isLessThanOrEqualTo(2_000_000L);
  }
}
