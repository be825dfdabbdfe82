package io.lockn.langchain4j;

import static io.lockn.langchain4j.Telemetry.nanos;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.service.AiServices;
import io.lockn.budget.Budget;
import io.lockn.budget.Budgets;
import io.lockn.budget.Period;
import io.lockn.core.BudgetExceededException;
import io.lockn.core.GenAiAttributes;
import io.lockn.core.LockN;
import io.lockn.core.LockNAttributes;
import io.lockn.core.TokenUsage;
import io.lockn.pricing.CostAttributes;
import io.lockn.pricing.PriceCatalog;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** lockn-budget admitting LangChain4j OpenAI calls: blocks before the request, downgrades in the request. */
class OpenAiBudgetTest extends OpenAiFixture {

  /** $0.01 a day; alert at 50%, throttle at 60%, block at 100%. */
  private static final Budget DAILY = Budget.builder("daily").limitUsd("0.01").period(Period.day(ZoneOffset.UTC))
      .alertAt(50).throttleAt(60).blockAt(100).build();

  private final Budgets budgets = Budgets.builder(PriceCatalog.bundled()).addBudget(DAILY)
      .addDowngrade("gpt-4o", "gpt-4o-mini").build();
  private final LockN lockn = telemetry.lockn(b -> b.setCallAdmission(budgets));
  private final LockNLangChain4j budgeted = LockNLangChain4j.create(lockn);

  /** Spends {@code inputTokens} of gpt-4o input (2.50 USD per 1M) on the budget, without any HTTP. */
  private void spend(long inputTokens) {
    lockn.chat("openai", "gpt-4o").run(() -> lockn.currentLlmCall().recordUsage(TokenUsage.of(inputTokens, 0)));
  }

  @Test
  void exhaustedBlockBudget_throwsBeforeAnyRequestLeaves() {
    spend(4000); // 4000 x 2.50 USD per 1M = $0.01: the whole budget
    assertThat(budgets.status("daily", "global").spent()).isEqualTo(nanos(4000, "2.50")).isEqualTo(10_000_000L);
    ChatModel model = budgeted.decorate(openAiChat("gpt-4o").maxTokens(100).build());

    Throwable thrown = catchThrowable(() -> model.chat("Hello"));

    assertThat(thrown).isInstanceOfSatisfying(BudgetExceededException.class, e -> {
      assertThat(e.budgetName()).isEqualTo("daily");
      assertThat(e.limit()).isEqualTo(10_000_000L);
      assertThat(e.spent()).isEqualTo(10_000_000L);
      // Past the throttle threshold the call is first downgraded, then still blocked: the reservation is the
      // model's max_tokens (100, from the builder's defaults) at gpt-4o-mini's output price, and, with no token
      // counter, the approximate input: "Hello" is 5 UTF-8 bytes, ceil(5 / 4) = 2 tokens, plus 4 for the message.
      assertThat(e.requested()).isEqualTo(nanos(6, "0.15") + nanos(100, "0.60"));
    });
    assertThat(stub.requestCount()).isZero();
    SpanData blocked = telemetry.spans().get(1);
    assertThat(blocked.getName()).isEqualTo("chat gpt-4o");
    assertThat(blocked.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(blocked.getAttributes().get(GenAiAttributes.ERROR_TYPE)).isEqualTo("budget_exceeded");
    assertThat(blocked.getAttributes().get(CostAttributes.TOTAL_NANOS)).isNull();
    assertThat(budgets.status("daily", "global").reserved()).isZero();
  }

  /** A blocked stream throws from {@code chat(...)} itself; the handler is never called. */
  @Test
  void exhaustedBlockBudget_blocksAStreamBeforeItsRequest() {
    spend(4000);
    StreamingChatModel model = budgeted.decorate(openAiStreaming("gpt-4o").maxTokens(100).build());
    RecordingHandler handler = new RecordingHandler();

    Throwable thrown = catchThrowable(() -> model.chat("Hello", handler));

    assertThat(thrown).isInstanceOf(BudgetExceededException.class);
    assertThat(handler.events).isEmpty();
    assertThat(stub.requestCount()).isZero();
  }

  @Test
  void exhaustedBlockBudget_passesThroughAnAiServiceAndFailsTheAgent() {
    spend(4000);
    OpenAiAiServicesTest.Assistant assistant =
        budgeted.instrument(AiServices.builder(OpenAiAiServicesTest.Assistant.class))
            .chatModel(budgeted.decorate(openAiChat("gpt-4o").maxTokens(100).build()))
            .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(10))
            .build();

    assertThat(catchThrowable(() -> assistant.chat("user-1", "Hello"))).isInstanceOf(BudgetExceededException.class);

    assertThat(stub.requestCount()).isZero();
    SpanData agent = telemetry.span("invoke_agent Assistant.chat");
    assertThat(agent.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(agent.getAttributes().get(GenAiAttributes.ERROR_TYPE))
        .isEqualTo(BudgetExceededException.class.getName());
    SpanData blocked = telemetry.spans().stream()
        .filter(s -> s.getName().equals("chat gpt-4o") && s.getParentSpanContext().isValid()).findFirst().orElseThrow();
    assertThat(blocked.getParentSpanContext()).isEqualTo(agent.getSpanContext());
  }

  @Test
  void throttleDowngrade_sendsTheAdmittedModel() {
    spend(2800); // $0.007: past the 60% throttle threshold
    stub.enqueue(ProviderStub.json(200, OpenAiJson.completion(
        "chatcmpl-d", "gpt-4o-mini-2024-07-18", "ok", OpenAiJson.usage(1000, 0, 100, 0))));
    ChatModel model = budgeted.decorate(openAiChat("gpt-4o").maxTokens(100).build());

    assertThat(model.chat("Hello")).isEqualTo("ok");

    assertThat(stub.request(0).json().get("model").asText()).isEqualTo("gpt-4o-mini");
    assertThat(stub.request(0).json().get("max_tokens").asInt()).isEqualTo(100);
    SpanData chat = telemetry.spans().get(1);
    assertThat(chat.getName()).isEqualTo("chat gpt-4o");
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_REQUEST_MODEL)).isEqualTo("gpt-4o");
    assertThat(chat.getAttributes().get(LockNAttributes.BUDGET_ADMITTED_MODEL)).isEqualTo("gpt-4o-mini");
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_RESPONSE_MODEL)).isEqualTo("gpt-4o-mini-2024-07-18");
    assertThat(chat.getAttributes().get(LockNAttributes.MODEL_SUBSTITUTED)).isNull();
    assertThat(chat.getEvents()).extracting(e -> e.getName()).contains("lockn.budget.throttle");
    // Priced, and charged to the budget, at the model that answered.
    long cost = nanos(1000, "0.15") + nanos(100, "0.60");
    assertThat(chat.getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(cost).isEqualTo(210_000L);
    assertThat(budgets.status("daily", "global").spent()).isEqualTo(nanos(2800, "2.50") + cost);
  }

  @Test
  void throttleDowngrade_appliesToStreamsToo() throws Exception {
    spend(2800);
    stub.enqueue(ProviderStub.sse(
        OpenAiJson.chunk("s", "gpt-4o-mini", "ok"),
        OpenAiJson.finalChunk("s", "gpt-4o-mini"),
        OpenAiJson.usageChunk("s", "gpt-4o-mini", OpenAiJson.usage(1000, 0, 100, 0)),
        OpenAiJson.DONE));
    StreamingChatModel model = budgeted.decorate(openAiStreaming("gpt-4o").maxTokens(100).build());
    RecordingHandler handler = new RecordingHandler();

    model.chat("Hello", handler);

    assertThat(handler.await().aiMessage().text()).isEqualTo("ok");
    assertThat(stub.request(0).json().get("model").asText()).isEqualTo("gpt-4o-mini");
    SpanData chat = telemetry.awaitSpans(2).get(1);
    assertThat(chat.getAttributes().get(LockNAttributes.BUDGET_ADMITTED_MODEL)).isEqualTo("gpt-4o-mini");
    assertThat(chat.getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(210_000L);
  }

  /** A listener cannot change LangChain4j's request: only the decorator enforces a downgrade or a block. */
  @Test
  void listenerOnly_cannotEnforceTheBudgetButRecordsTheBlockAndTheCost() {
    spend(4000);
    stub.enqueue(ProviderStub.json(200, OpenAiJson.completion(
        "chatcmpl-l", "gpt-4o", "ok", OpenAiJson.usage(10, 0, 1, 0))));
    ChatModel model = openAiChat("gpt-4o").maxTokens(100).listeners(List.of(budgeted.chatModelListener())).build();

    assertThat(model.chat("Hello")).isEqualTo("ok");

    assertThat(stub.requestCount()).isEqualTo(1);
    assertThat(stub.request(0).json().get("model").asText()).isEqualTo("gpt-4o");
    assertThat(telemetry.spans()).hasSize(2);
    SpanData observed = telemetry.spans().get(1);
    assertThat(observed.getAttributes().get(LockNAttributes.BUDGET_ENFORCED)).isFalse();
    assertThat(observed.getEvents()).anySatisfy(e -> assertThat(e.getName()).isEqualTo(
        LockNAttributes.BUDGET_EXCEEDED_EVENT));
    assertThat(observed.getStatus().getStatusCode()).isNotEqualTo(StatusCode.ERROR);
    assertThat(observed.getAttributes().get(CostAttributes.TOTAL_NANOS))
        .isEqualTo(nanos(10, "2.50") + nanos(1, "10.00"));
  }
}
