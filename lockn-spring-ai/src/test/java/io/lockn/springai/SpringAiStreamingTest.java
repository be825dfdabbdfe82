package io.lockn.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.lockn.budget.Budget;
import io.lockn.budget.Budgets;
import io.lockn.budget.Period;
import io.lockn.budget.Scope;
import io.lockn.compression.experiment.Experiment;
import io.lockn.compression.experiment.Experiments;
import io.lockn.core.AttributionKeys;
import io.lockn.core.BudgetExceededException;
import io.lockn.core.GenAiAttributes;
import io.lockn.core.LockNAttributes;
import io.lockn.core.TokenUsage;
import io.lockn.core.spi.CallRequest;
import io.lockn.pricing.CostAttributes;
import io.lockn.springai.internal.SpringAiUsages;
import io.micrometer.observation.ObservationRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * {@code ChatClient.stream()} through the real OpenAI client (SSE chunks ending with a usage-only chunk), with the
 * tracing bridge.
 *
 * <p>What LockN records for a stream, as Spring AI 2.0.1 shapes it: the chat observation's response is the one
 * {@code MessageAggregator} builds, whose usage keeps only the prompt, completion and total counts (no cached
 * tokens, no native usage). So the <b>span</b> is priced as if every prompt token were uncached input (it over-states
 * a cache hit) and carries no reasoning count; the <b>budget</b> advisor sees the provider's own last chunk (native
 * usage, cache reads included) and settles the reservation exactly. The two amounts therefore differ when the
 * prompt hit the cache, unless the client is built on {@link LockNChatModel#decorate}: then the span has the
 * provider's counts too, and both amounts are equal.
 */
class SpringAiStreamingTest extends BridgedOpenAiTestSupport {

  private static final String ID = "chatcmpl-stream-1";
  private static final String MODEL = "gpt-4o-2024-08-06";
  private static final Duration WAIT = Duration.ofSeconds(10);

  @Autowired ChatModel chatModel;
  @Autowired ObservationRegistry observationRegistry;

  /** Three content chunks, then the usage chunk: 1200 prompt tokens (1000 cached), 300 completion (120 reasoning). */
  private static void queueStream() {
    STUB.sse(OpenAiStub.chunk(ID, MODEL, "Hel", null), OpenAiStub.chunk(ID, MODEL, "lo", null),
        OpenAiStub.chunk(ID, MODEL, "!", "stop"), OpenAiStub.usageChunk(ID, MODEL, 1200, 1000, 300, 120));
  }

  private ChatClient.ChatClientRequestSpec prompt(String tenant) {
    return chatClientBuilder.build().prompt("Hi").advisors(a -> a.param("app.tenant_id", tenant));
  }

  private static SpanData awaitOneChatSpan() {
    await().atMost(WAIT).untilAsserted(() -> assertThat(spansNamed("chat "))
        .as(() -> "finished spans: " + SPANS.getFinishedSpanItems().stream().map(SpanData::getName).toList())
        .isNotEmpty());
    List<SpanData> chats = spansNamed("chat ");
    assertThat(chats).hasSize(1);
    return chats.get(0);
  }

  @Test
  void streamedContent_oneChatSpanPricedFromTheAggregatedCounts() {
    queueStream();

    List<String> parts = prompt("acme-stream").stream().content().collectList().block(WAIT);

    assertThat(parts).containsExactly("Hel", "lo", "!");
    assertThat(STUB.requests()).singleElement().asString()
        .contains("\"stream\":true")
        .contains("\"stream_options\":{\"include_usage\":true}");
    SpanData chat = awaitOneChatSpan();
    assertThat(chat.getName()).isEqualTo("chat gpt-4o");
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_PROVIDER_NAME)).isEqualTo("openai");
    assertThat(chat.getAttributes().get(LockNAttributes.BUDGET_ADMITTED_MODEL)).isEqualTo("gpt-4o");
    assertThat(chat.getAttributes().get(AttributeKey.stringKey("app.tenant_id"))).isEqualTo("acme-stream");
    // Spring AI's string counts from the aggregate: no cache read and no reasoning count survive it.
    assertThat(chat.getAttributes().get(AttributeKey.stringKey("gen_ai.usage.input_tokens"))).isEqualTo("1200");
    assertThat(chat.getAttributes().get(AttributeKey.stringKey("gen_ai.usage.output_tokens"))).isEqualTo("300");
    assertThat(chat.getAttributes().get(AttributeKey.stringKey("gen_ai.response.id"))).isEqualTo(ID);
    assertThat(chat.getAttributes().asMap().keySet()).extracting(AttributeKey::getKey)
        .doesNotContain("gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.reasoning.output_tokens");
    // gpt-4o: $2.50 input, $10 output per 1M; the 1000 cached tokens are priced as plain input here.
    assertThat(chat.getAttributes().get(CostAttributes.TOTAL_NANOS))
        .isEqualTo(nanos(1200, "2.50") + nanos(300, "10.00"));
  }

  @Test
  void streamedContent_budgetSettlesWithTheProvidersLastUsageChunk() {
    queueStream();

    prompt("acme-stream-budget").stream().content().blockLast(WAIT);

    // 200 uncached at $2.50, 1000 cached at $1.25, 300 output (reasoning included) at $10.
    long exact = nanos(200, "2.50") + nanos(1000, "1.25") + nanos(300, "10.00");
    assertThat(exact).isEqualTo(4_750_000L);
    await().atMost(WAIT).untilAsserted(() -> assertThat(spent("acme-stream-budget")).isEqualTo(exact));
    assertThat(reserved("acme-stream-budget")).isZero();
    // The span, priced from the aggregate, says more than the budget charged: see the class comment.
    assertThat(awaitOneChatSpan().getAttributes().get(CostAttributes.TOTAL_NANOS)).isGreaterThan(exact);
  }

  @Test
  void decoratedModel_theStreamedSpanIsPricedWithTheCacheReadsAndEqualsTheBudgetCharge() {
    ChatClient client = ChatClient.builder(LockNChatModel.decorate(chatModel), observationRegistry, null, null)
        .defaultAdvisors(LockNContextAdvisor.builder(AttributionKeys.defaults()).build(),
            LockNBudgetAdvisor.builder(witness).defaultModel("gpt-4o").build())
        .build();
    queueStream();

    List<String> parts = client.prompt("Hi").advisors(a -> a.param("app.tenant_id", "acme-stream-decorated"))
        .stream().content().collectList().block(WAIT);

    assertThat(parts).containsExactly("Hel", "lo", "!");
    // 200 uncached at $2.50, 1000 cached at $1.25, 300 output (120 of them reasoning) at $10, per 1M tokens.
    long exact = nanos(200, "2.50") + nanos(1000, "1.25") + nanos(300, "10.00");
    assertThat(exact).isEqualTo(4_750_000L);
    SpanData chat = awaitOneChatSpan();
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS)).isEqualTo(1000L);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS)).isEqualTo(120L);
    assertThat(chat.getAttributes().get(AttributeKey.stringKey("app.tenant_id"))).isEqualTo("acme-stream-decorated");
    assertThat(chat.getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(exact);
    await().atMost(WAIT).untilAsserted(() -> assertThat(spent("acme-stream-decorated")).isEqualTo(exact));
    assertThat(reserved("acme-stream-decorated")).isZero();
  }

  @Test
  void decoratedModel_blockingCallsAndOptionsPassThrough() {
    ChatModel decorated = LockNChatModel.decorate(chatModel);

    assertThat(LockNChatModel.decorate(decorated)).isSameAs(decorated);
    assertThat(decorated.getOptions()).isEqualTo(chatModel.getOptions());
    assertThat(decorated.toString()).startsWith("LockNChatModel{");
  }

  @Test
  void streamedChatResponses_theLastChunkCarriesTheNativeUsage() {
    queueStream();

    List<ChatResponse> responses = prompt("acme-stream-responses").stream().chatResponse().collectList().block(WAIT);

    assertThat(responses).hasSize(4);
    Usage last = responses.get(3).getMetadata().getUsage();
    assertThat(responses.get(3).getResults()).isEmpty();
    assertThat(last.getPromptTokens()).isEqualTo(1200);
    assertThat(last.getCacheReadInputTokens()).isEqualTo(1000L);
    assertThat(last.getNativeUsage()).isInstanceOf(com.openai.models.completions.CompletionUsage.class);
    TokenUsage usage = SpringAiUsages.from(last);
    assertThat(usage).isNotNull();
    assertThat(usage.uncachedInputTokens()).isEqualTo(200);
    assertThat(usage.cacheReadTokens()).isEqualTo(1000);
    assertThat(usage.reasoningTokens()).isEqualTo(120);
    assertThat(usage.nonReasoningOutputTokens()).isEqualTo(180);
    // The content chunks carry no usage of their own.
    assertThat(SpringAiUsages.from(responses.get(0).getMetadata().getUsage())).isNull();
    awaitOneChatSpan();
  }

  @Test
  void exhaustedBudget_theStreamFailsWithTheBudgetsOwnExceptionAndNothingIsSent() {
    exhaust("acme-stream-broke");
    assertThat(spent("acme-stream-broke")).isEqualTo(10_000_000L);

    Throwable thrown = catchThrowable(() -> prompt("acme-stream-broke")
        .options(OpenAiChatOptions.builder().maxTokens(100)).stream().content().blockLast(WAIT));

    assertThat(thrown).isInstanceOf(BudgetExceededException.class).isSameAs(witness.lastThrown());
    assertThat(((BudgetExceededException) thrown).budgetName()).isEqualTo(BUDGET);
    assertThat(STUB.requests()).isEmpty();
    assertThat(spansNamed("chat ")).isEmpty();
    assertThat(spent("acme-stream-broke")).isEqualTo(10_000_000L);
    assertThat(reserved("acme-stream-broke")).isZero();
  }

  @Test
  void cancelledStream_settlesWhatItSawAndLeavesNothingReserved() {
    // The usage chunk comes a second later, so the cancel surely reaches the model call before it: sent at once,
    // it could be read (ChatModelStreamAdvisor's publishOn prefetches) and the span priced before the cancel.
    STUB.sseWithPauseBeforeLast(1000, OpenAiStub.chunk(ID, MODEL, "Hel", null), OpenAiStub.chunk(ID, MODEL, "lo", null),
        OpenAiStub.chunk(ID, MODEL, "!", "stop"), OpenAiStub.usageChunk(ID, MODEL, 1200, 1000, 300, 120));
    AtomicLong reservedWhileStreaming = new AtomicLong(-1);

    List<String> first = prompt("acme-stream-cancel").options(OpenAiChatOptions.builder().maxTokens(100))
        .stream().content()
        .doOnNext(part -> reservedWhileStreaming.compareAndSet(-1, reserved("acme-stream-cancel")))
        .take(1).collectList().block(WAIT);

    assertThat(first).containsExactly("Hel");
    // The reservation: the prompt "Hi" as Spring AI's JTokkitTokenCountEstimator counts it (1 token, plus 4 of
    // message framing) at $2.50 per 1M, and at most 100 output tokens at $10 per 1M: 12,500 + 1,000,000.
    assertThat(reservedWhileStreaming).hasValue(nanos(5, "2.50") + nanos(100, "10.00"));
    await().atMost(WAIT).untilAsserted(() -> assertThat(reserved("acme-stream-cancel")).isZero());
    // Cancelled before the usage chunk: the advisor saw no usage, so nothing is charged.
    assertThat(spent("acme-stream-cancel")).isZero();
    // Spring AI stops its observation on cancel too: the span ends, with no usage to price.
    SpanData chat = awaitOneChatSpan();
    assertThat(chat.getAttributes().get(CostAttributes.TOTAL_NANOS)).isNull();
  }

  @Test
  void streamWithoutAttribution_noBudgetApplies_andTheRequestModelIsKept() {
    queueStream();

    String text = String.join("", chatClientBuilder.build().prompt("Hi").stream().content().collectList()
        .block(WAIT));

    assertThat(text).isEqualTo("Hello!");
    assertThat(STUB.requests()).singleElement().asString().contains("\"model\":\"gpt-4o\"");
    assertThat(awaitOneChatSpan().getAttributes().get(LockNAttributes.BUDGET_ADMITTED_MODEL)).isEqualTo("gpt-4o");
  }

  @Test
  void streamedExperiment_theGroupIsInBaggageWhileTheModelCallIsAdmitted() {
    Experiment experiment = Experiment.of("stream-trim");
    String unit = IntStream.range(0, 1000).mapToObj(i -> "acme-exp-" + i)
        .filter(u -> experiment.assign(u).inExperiment()).findFirst().orElseThrow();
    String group = experiment.assign(unit).variationKey();
    ChatClient client = ChatClient.builder(chatModel)
        .defaultAdvisors(LockNExperimentAdvisor.of(experiment, "app.tenant_id", LockNExperimentAdvisor.DEFAULT_ORDER),
            LockNBudgetAdvisor.builder(witness).defaultModel("gpt-4o")
                .attributionKeys(Experiments.allowlist(AttributionKeys.builder()).build()).build())
        .build();
    queueStream();

    client.prompt("Hi").advisors(a -> a.param("app.tenant_id", unit)).stream().content().blockLast(WAIT);

    assertThat(witness.lastRequest()).isNotNull();
    assertThat(witness.lastRequest().attribution())
        .containsEntry(Experiments.EXPERIMENT_NAME_KEY, "stream-trim")
        .containsEntry(Experiments.EXPERIMENT_GROUP_KEY, group);
    awaitOneChatSpan();
  }

  /**
   * A tenant past its THROTTLE threshold: the budget downgrades gpt-4o to gpt-4o-mini, the advisor sends that model
   * to the provider, and both the settled spend and the chat span are priced at gpt-4o-mini. The budgets are this
   * test's own (the shared ones have no throttle threshold and no downgrade, and stay as they are).
   */
  @Test
  void throttledTenant_theStreamIsSentWithTheDowngradedModelAndPricedAtIt() {
    String tenant = "acme-stream-throttled";
    Budgets throttling = Budgets.builder(CATALOG)
        .addBudget(Budget.builder("tenant-throttle").scope(Scope.each("app.tenant_id"))
            .limitUsd("0.01").period(Period.day(ZoneOffset.UTC)).throttleAt(50).blockAt(100).build())
        .addDowngrade("gpt-4o", "gpt-4o-mini")
        .build();
    // $0.006 of $0.01 spent: past the 50% throttle threshold, well under the block.
    throttling.admit(CallRequest.builder("openai", "gpt-4o")
        .maxOutputTokens(0)
        .attribution(Map.of("app.tenant_id", tenant))
        .traceId("0af7651916cd43dd8448eb211c80319c")
        .build())
        .complete(io.lockn.core.spi.EndedCall.builder(io.lockn.core.GenAiOperation.CHAT, "openai", "gpt-4o")
            .usage(TokenUsage.of(2400, 0)).build(), io.lockn.core.CallCost.notPriced());
    long before = nanos(2400, "2.50");
    assertThat(throttling.status("tenant-throttle", "app.tenant_id=" + tenant).spent()).isEqualTo(before)
        .isEqualTo(6_000_000L);
    ChatClient client = ChatClient.builder(chatModel, observationRegistry, null, null)
        .defaultAdvisors(LockNContextAdvisor.builder(AttributionKeys.defaults()).build(),
            LockNBudgetAdvisor.builder(throttling).defaultModel("gpt-4o").build())
        .build();
    String mini = "gpt-4o-mini-2024-07-18";
    STUB.sse(OpenAiStub.chunk(ID, mini, "Hel", null), OpenAiStub.chunk(ID, mini, "lo", "stop"),
        OpenAiStub.usageChunk(ID, mini, 1200, 1000, 300, 120));

    String text = String.join("", client.prompt("Hi").options(OpenAiChatOptions.builder().maxTokens(100))
        .advisors(a -> a.param("app.tenant_id", tenant)).stream().content().collectList().block(WAIT));

    assertThat(text).isEqualTo("Hello");
    assertThat(STUB.requests()).singleElement().asString()
        .contains("\"model\":\"gpt-4o-mini\"")
        .doesNotContain("\"model\":\"gpt-4o\"")
        .contains("\"stream\":true");
    // gpt-4o-mini: 200 uncached at $0.15, 1000 cached at $0.075, 300 output at $0.60 per 1M (the provider's last
    // chunk, with the cache read).
    long settled = nanos(200, "0.15") + nanos(1000, "0.075") + nanos(300, "0.60");
    assertThat(settled).isEqualTo(285_000L);
    await().atMost(WAIT).untilAsserted(() -> assertThat(
        throttling.status("tenant-throttle", "app.tenant_id=" + tenant).spent()).isEqualTo(before + settled));
    assertThat(throttling.status("tenant-throttle", "app.tenant_id=" + tenant).reserved()).isZero();
    SpanData chat = awaitOneChatSpan();
    assertThat(chat.getName()).isEqualTo("chat gpt-4o-mini");
    assertThat(chat.getAttributes().get(LockNAttributes.BUDGET_ADMITTED_MODEL)).isEqualTo("gpt-4o-mini");
    assertThat(chat.getAttributes().get(AttributeKey.stringKey("app.tenant_id"))).isEqualTo(tenant);
    // The span is priced from the aggregate (no cache read survives it), at gpt-4o-mini's prices too.
    assertThat(chat.getAttributes().get(CostAttributes.TOTAL_NANOS))
        .isEqualTo(nanos(1200, "0.15") + nanos(300, "0.60"))
        .isEqualTo(360_000L);
  }
}
