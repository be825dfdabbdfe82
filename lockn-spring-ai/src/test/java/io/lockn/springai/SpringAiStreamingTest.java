package io.lockn.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.lockn.compression.experiment.Experiment;
import io.lockn.compression.experiment.Experiments;
import io.lockn.core.AttributionKeys;
import io.lockn.core.BudgetExceededException;
import io.lockn.core.GenAiAttributes;
import io.lockn.core.LockNAttributes;
import io.lockn.core.TokenUsage;
import io.lockn.pricing.CostAttributes;
import io.lockn.springai.internal.SpringAiUsages;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.List;
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
 * prompt hit the cache.
 */
class SpringAiStreamingTest extends BridgedOpenAiTestSupport {

  private static final String ID = "chatcmpl-stream-1";
  private static final String MODEL = "gpt-4o-2024-08-06";
  private static final Duration WAIT = Duration.ofSeconds(10);

  @Autowired ChatModel chatModel;

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
    queueStream();
    AtomicLong reservedWhileStreaming = new AtomicLong(-1);

    List<String> first = prompt("acme-stream-cancel").options(OpenAiChatOptions.builder().maxTokens(100))
        .stream().content()
        .doOnNext(part -> reservedWhileStreaming.compareAndSet(-1, reserved("acme-stream-cancel")))
        .take(1).collectList().block(WAIT);

    assertThat(first).containsExactly("Hel");
    // The reservation: at most 100 output tokens of gpt-4o at $10 per 1M.
    assertThat(reservedWhileStreaming).hasValue(nanos(100, "10.00"));
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
}
