package io.lockn.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.UserMessage;
import io.lockn.budget.Budget;
import io.lockn.budget.BudgetAttributes;
import io.lockn.budget.Budgets;
import io.lockn.budget.Period;
import io.lockn.core.BudgetExceededException;
import io.lockn.core.LockN;
import io.lockn.core.LockNAttributes;
import io.lockn.core.TokenUsage;
import io.lockn.core.spi.Admission;
import io.lockn.core.spi.CallAdmission;
import io.lockn.core.spi.CallRequest;
import io.lockn.pricing.PriceCatalog;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The LangChain4j application, against the real {@code OpenAiChatModel} and an OpenAI-shaped server on
 * loopback: an AI Service with a tool, called twice for one tenant, no {@code max_tokens} and no token counter. Each
 * round trip reserves its output estimate (capped, and cut to what is left), which settlement replaces with the exact
 * cost; spending stays within the documented bound and no call that fits is refused; alerts found when the cost is
 * settled are span events.
 *
 * <p>Prices, gpt-4o-mini: 150 nano-USD per input token, 75 per cached input token, 600 per output token; the
 * catalog's maximum output is 16,384 tokens, so an estimate (input + 16,384 x 600 = 9,830,400 + input) is always cut
 * by the cap. The budget: $0.005 (5,000,000 nano-USD) a day per tenant; the default cap is 10%: 500,000.
 *
 * <p>Usage the server reports: the tool turn 1,000 input and 20 output tokens, 150,000 + 12,000 = 162,000; the answer
 * after the tool 1,100 input of which 1,000 cached and 30 output, 100 x 150 + 1,000 x 75 + 30 x 600 = 108,000; a
 * plain answer 1,200 input and 40 output, 180,000 + 24,000 = 204,000.
 */
class OpenAiBudgetReservationTest extends OpenAiFixture {

  private static final String MODEL = "gpt-4o-mini";
  private static final String TOOL_TURN = OpenAiJson.toolCalls("chatcmpl-1", "gpt-4o-mini-2024-07-18",
      OpenAiJson.usage(1000, 0, 20, 0), OpenAiJson.toolCall("call_1", "invoice", "{\"id\":\"A-1\"}"));
  private static final String AFTER_TOOL = OpenAiJson.completion("chatcmpl-2", "gpt-4o-mini-2024-07-18",
      "It is paid.", OpenAiJson.usage(1100, 1000, 30, 0));
  private static final String PLAIN = OpenAiJson.completion("chatcmpl-3", "gpt-4o-mini-2024-07-18",
      "Not yet.", OpenAiJson.usage(1200, 0, 40, 0));

  interface Assistant {
    String chat(@MemoryId String user, @UserMessage String message);
  }

  /** The application's tool. */
  static final class BillingTools {
    @Tool("Finds an invoice")
    String invoice(@P("invoice id") String id) {
      return "Invoice " + id + ": 42 USD, paid";
    }
  }

  /**
   * The budgets as LockN's admission, recording what each call asked and reserved; with a latch, each admission
   * (granted or refused) waits until every expected admission was decided, so that the calls are in flight together.
   */
  static final class Gate implements CallAdmission {
    final Budgets budgets;
    final List<CallRequest> requests = new CopyOnWriteArrayList<>();
    final List<Long> reservedAfter = new CopyOnWriteArrayList<>();
    volatile @Nullable CountDownLatch together;

    Gate(Budgets budgets) {
      this.budgets = budgets;
    }

    @Override
    public Admission admit(CallRequest request) {
      requests.add(request);
      try {
        Admission a = budgets.admit(request);
        reservedAfter.add(budgets.status("tenant-daily", "app.tenant_id=acme").reserved());
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

    void clear() {
      requests.clear();
      reservedAfter.clear();
    }
  }

  private final Gate gate = new Gate(Budgets.builder(PriceCatalog.bundled())
      .addBudget(Budget.builder("tenant-daily").scope(io.lockn.budget.Scope.each("app.tenant_id")).limitUsd("0.005")
          .period(Period.day(ZoneOffset.UTC)).build())
      .build());
  // No token counter: the input is TokenCounter.approximate()'s estimate.
  private final LockN budgeted = telemetry.lockn(b -> b.setCallAdmission(gate));
  private final LockNLangChain4j lc4j = LockNLangChain4j.create(budgeted);
  private ExecutorService executor;

  @AfterEach
  void stopExecutor() {
    if (executor != null) {
      executor.shutdownNow();
    }
  }

  private Assistant assistant() {
    return lc4j.instrument(AiServices.builder(Assistant.class))
        .chatModel(lc4j.decorate(openAiChat(MODEL).build()))
        .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(20))
        .tools(new BillingTools())
        .build();
  }

  private static Scope tenant() {
    return Baggage.current().toBuilder().put("app.tenant_id", "acme").build().makeCurrent();
  }

  /** Charges the tenant {@code nanos} (gpt-4o input tokens at 2,500 nano-USD each), outside the service. */
  private void spend(long nanos) {
    try (Scope ignored = tenant()) {
      budgeted.chat("openai", "gpt-4o").estimatedInputTokens(0).maxTokens(0)
          .run(() -> budgeted.currentLlmCall().recordUsage(TokenUsage.of(nanos / 2_500, 0)));
    }
    gate.clear();
  }

  private long spent() {
    return gate.budgets.status("tenant-daily", "app.tenant_id=acme").spent();
  }

  @Test
  void twoCallsWithATool_reserveTheirOutputEstimate_andSpendStaysWithinTheBound() {
    spend(4_400_000); // 600,000 left
    stub.enqueue(ProviderStub.json(200, TOOL_TURN));
    stub.enqueue(ProviderStub.json(200, AFTER_TOOL));
    stub.enqueue(ProviderStub.json(200, PLAIN));
    stub.enqueue(ProviderStub.json(200, PLAIN));
    Assistant assistant = assistant();

    String first;
    String second;
    String third;
    try (Scope ignored = tenant()) {
      first = assistant.chat("u1", "Is invoice A-1 paid?");
      second = assistant.chat("u2", "Is B-2 paid?");
      third = assistant.chat("u3", "Is C-3 paid?");
    }

    assertThat(first).isEqualTo("It is paid.");
    assertThat(second).isEqualTo("Not yet.");
    assertThat(third).isEqualTo("Not yet.");
    assertThat(stub.requestCount()).isEqualTo(4);
    // No max_tokens reached the provider, and none was assumed: every round trip has an output estimate.
    assertThat(stub.request(0).json().has("max_tokens")).isFalse();
    assertThat(gate.requests).allSatisfy(r -> assertThat(r.maxOutputTokens()).isEqualTo(-1));
    // Input without a token counter, ceil(UTF-8 bytes / 4) + 4 per message:
    //   "Is invoice A-1 paid?" 20 bytes: 5 + 4 = 9;
    //   + the tool call "invoice" (7) {"id":"A-1"} (12) and its result "Invoice A-1: 42 USD, paid" (25): 64 bytes,
    //     16 + 3 x 4 = 28;
    //   "Is B-2 paid?" and "Is C-3 paid?" 12 bytes: 3 + 4 = 7.
    assertThat(gate.requests).extracting(CallRequest::estimatedInputTokens).containsExactly(9L, 28L, 7L, 7L);
    // Reserved, with 600,000 left: the cap, 500,000; then 600,000 - 162,000 = 438,000 left, all of it; then
    // 438,000 - 108,000 = 330,000; then 330,000 - 204,000 = 126,000 (the input alone, 7 x 150, fits each time).
    assertThat(gate.reservedAfter).containsExactly(500_000L, 438_000L, 330_000L, 126_000L);
    // Charged exactly: 4,400,000 + 162,000 + 108,000 + 204,000 + 204,000.
    assertThat(spent()).isEqualTo(5_078_000L);
    // The bound, one call at a time: limit + cost(last) - left(last) = 5,000,000 + 204,000 - 126,000.
    assertThat(spent()).isLessThanOrEqualTo(5_000_000L + 204_000L - 126_000L);
    assertThat(gate.budgets.status("tenant-daily", "app.tenant_id=acme").reserved()).isZero();

    // Nothing is left, not even for the input: refused before any request leaves.
    Throwable refused;
    try (Scope ignored = tenant()) {
      refused = catchThrowable(() -> assistant.chat("u4", "Is D-4 paid?"));
    }
    assertThat(refused).isInstanceOfSatisfying(BudgetExceededException.class, e -> {
      assertThat(e.spent()).isEqualTo(5_078_000L);
      assertThat(e.requested()).isEqualTo(7 * 150L);
    });
    assertThat(stub.requestCount()).isEqualTo(4);
  }

  @Test
  void twoConcurrentCalls_theReservationHolds_soTheSecondIsRefusedBeforeOverspending() throws Exception {
    spend(4_700_000); // 300,000 left: one plain answer (204,000) fits, two do not
    stub.enqueue(ProviderStub.json(200, PLAIN));
    stub.enqueue(ProviderStub.json(200, PLAIN));
    Assistant assistant = assistant();
    gate.together = new CountDownLatch(2);
    executor = Executors.newFixedThreadPool(2);

    List<Future<String>> calls = new ArrayList<>();
    for (String user : List.of("u1", "u2")) {
      calls.add(executor.submit(() -> {
        try (Scope ignored = tenant()) {
          return assistant.chat(user, "Is B-2 paid?");
        }
      }));
    }
    List<Object> outcomes = new ArrayList<>();
    for (Future<String> f : calls) {
      try {
        outcomes.add(f.get(30, TimeUnit.SECONDS));
      } catch (java.util.concurrent.ExecutionException e) {
        outcomes.add(e.getCause());
      }
    }

    // Both were decided before either call was made. The first reserved all 300,000 left (its estimate, capped
    // at 500,000, cut to what is left); the second's input alone (7 x 150 = 1,050) did not fit in 0 and it was
    // refused. With input-only reservations both were admitted, and 408,000 was spent of 300,000.
    assertThat(outcomes).filteredOn(o -> o instanceof BudgetExceededException).hasSize(1);
    assertThat(outcomes).filteredOn("Not yet."::equals).hasSize(1);
    assertThat(stub.requestCount()).isEqualTo(1);
    assertThat(spent()).isEqualTo(4_904_000L).isLessThanOrEqualTo(5_000_000L);
  }

  @Test
  void alertFoundWhenTheCostIsSettled_isAnEventOnTheCallsSpan() {
    // $0.0002 = 200,000 an hour, alert at 50% = 100,000; the cap, 10%, is 20,000. (Rolling: no forecast event.)
    Budgets small = Budgets.builder(PriceCatalog.bundled())
        .addBudget(Budget.builder("small").limitUsd("0.0002").period(Period.rolling(java.time.Duration.ofHours(1)))
            .alertAt(50).build())
        .build();
    LockN lockn = telemetry.lockn(b -> b.setCallAdmission(small));
    stub.enqueue(ProviderStub.json(200, OpenAiJson.completion("chatcmpl-s", "gpt-4o-mini-2024-07-18", "ok",
        OpenAiJson.usage(500, 0, 100, 0))));

    LockNLangChain4j.create(lockn).decorate(openAiChat(MODEL).build()).chat("Hello");

    // Reserved 20,000 (the cap): below 100,000. Charged 500 x 150 + 100 x 600 = 135,000: past it.
    SpanData chat = telemetry.span("chat gpt-4o-mini");
    assertThat(chat.getEvents()).singleElement().satisfies(e -> {
      assertThat(e.getName()).isEqualTo(BudgetAttributes.ALERT_EVENT);
      assertThat(e.getAttributes()).isEqualTo(Attributes.builder()
          .put(LockNAttributes.BUDGET_NAME, "small")
          .put(LockNAttributes.BUDGET_SCOPE, "global")
          .put(LockNAttributes.BUDGET_UNIT, "nano_usd")
          .put(LockNAttributes.BUDGET_LIMIT, 200_000L)
          .put(BudgetAttributes.USED, 135_000L)
          .put(LockNAttributes.BUDGET_REQUESTED, 135_000L)
          .put(BudgetAttributes.THRESHOLD_PERCENT, "50")
          .put(BudgetAttributes.PHASE, "settlement")
          .build());
    });
  }
}
