package io.lockn.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.lockn.budget.Budget;
import io.lockn.budget.Budgets;
import io.lockn.budget.Period;
import io.lockn.core.AttributionKeys;
import io.lockn.core.BudgetExceededException;
import io.lockn.core.GenAiAttributes;
import io.lockn.core.LockN;
import io.lockn.core.LockNAttributes;
import io.lockn.core.TokenUsage;
import io.lockn.core.sdk.AttributionSpanProcessor;
import io.lockn.pricing.CostAttributes;
import io.lockn.pricing.PriceCatalog;
import io.lockn.pricing.sdk.CostPipeline;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.math.BigDecimal;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.ChatClientBuilderCustomizer;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The real Spring AI 2.0 OpenAI client, ChatClient and Boot's Micrometer-to-OpenTelemetry tracing against a loopback
 * stub: LockN enriches Spring AI's own chat span (one span per call), prices it exactly, and the budget advisor
 * blocks and downgrades before the model is called.
 */
@SpringBootTest(
    classes = SpringAiOpenAiTest.App.class,
    properties = {
      "lockn.enabled=false",
      "spring.ai.openai.api-key=test",
      "spring.ai.openai.chat.model=gpt-4o",
      "spring.ai.openai.max-retries=0",
      "management.tracing.sampling.probability=1.0"
    })
class SpringAiOpenAiTest {

  /** Shared for the JVM: test classes that reuse this Spring context (see CrossFrameworkTraceTest) call it too. */
  static final OpenAiStub STUB = new OpenAiStub();
  static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();
  static final PriceCatalog CATALOG = PriceCatalog.bundled();

  @DynamicPropertySource
  static void stub(DynamicPropertyRegistry registry) {
    registry.add("spring.ai.openai.base-url", STUB::baseUrl);
  }

  @SpringBootApplication
  static class App {
    @Bean
    @Order(0)
    SpanProcessor testCost() {
      return CostPipeline.builder(CATALOG).build();
    }

    @Bean
    @Order(1)
    SpanProcessor testAttribution() {
      return AttributionSpanProcessor.create(AttributionKeys.defaults());
    }

    @Bean
    @Order(2)
    SpanProcessor inMemory() {
      return SimpleSpanProcessor.create(SPANS);
    }

    @Bean
    Budgets testBudgets() {
      return Budgets.builder(CATALOG)
          .addBudget(Budget.builder("tenant-daily").scope(io.lockn.budget.Scope.each("app.tenant_id"))
              .limitUsd("0.01").period(Period.day(ZoneOffset.UTC)).throttleAt(50).blockAt(100).build())
          .addDowngrade("gpt-4o", "gpt-4o-mini")
          .build();
    }

    @Bean
    LockN testLockN(OpenTelemetry openTelemetry, Budgets budgets) {
      return LockN.builder().setOpenTelemetry(openTelemetry).setCallAdmission(budgets).build();
    }

    @Bean
    LockNObservationHandler testObservationHandler(LockN lockn) {
      return new LockNObservationHandler(lockn, AttributionKeys.defaults());
    }

    @Bean
    ChatClientBuilderCustomizer testAdvisors(Budgets budgets,
        org.springframework.ai.chat.model.ChatModel chatModel) {
      return builder -> builder.defaultAdvisors(
          LockNContextAdvisor.builder(AttributionKeys.defaults()).build(),
          LockNBudgetAdvisor.builder(budgets).defaultModel(chatModel.getDefaultOptions().getModel()).build());
    }
  }

  @Autowired ChatClient.Builder chatClientBuilder;
  @Autowired org.springframework.ai.chat.model.ChatModel chatModel;
  @Autowired OpenTelemetry openTelemetry;
  @Autowired Budgets budgets;

  @BeforeEach
  void reset() {
    STUB.reset();
    SPANS.reset();
  }

  private static long nanos(long tokens, String usdPerMillion) {
    return new BigDecimal(usdPerMillion).multiply(BigDecimal.valueOf(tokens)).movePointLeft(6).movePointRight(9)
        .longValueExact();
  }

  private List<SpanData> chatSpans() {
    return SPANS.getFinishedSpanItems().stream().filter(s -> s.getName().startsWith("chat ")).toList();
  }

  @Test
  void call_enrichesSpringAisOwnSpanWithExactCostAndAttribution() {
    STUB.json(OpenAiStub.completion("gpt-4o-2024-08-06", "Hello!", 1200, 1000, 300, 0));

    String answer = chatClientBuilder.build().prompt("Hi")
        .advisors(a -> a.param("app.tenant_id", "acme-call"))
        .call().content();

    assertThat(answer).isEqualTo("Hello!");
    assertThat(chatSpans()).hasSize(1);
    SpanData chat = chatSpans().get(0);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_PROVIDER_NAME)).isEqualTo("openai");
    assertThat(chat.getAttributes().get(AttributeKey.stringKey("app.tenant_id"))).isEqualTo("acme-call");
    // gpt-4o: $2.50 input, $1.25 cached input, $10 output per 1M tokens.
    long expected = nanos(200, "2.50") + nanos(1000, "1.25") + nanos(300, "10.00");
    assertThat(chat.getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(expected);
    assertThat(chat.getAttributes().get(LockNAttributes.BUDGET_ADMITTED_MODEL)).isEqualTo("gpt-4o");
    assertThat(budgets.status("tenant-daily", "app.tenant_id=acme-call").spent()).isEqualTo(expected);
  }

  @Test
  void call_reasoningTokensFromTheNativeUsageAreAdded() {
    STUB.json(OpenAiStub.completion("o3-2025-04-16", "42", 100, 0, 500, 400));

    chatClientBuilder.build().prompt().user("Think")
        .options(org.springframework.ai.openai.OpenAiChatOptions.builder().model("o3"))
        .advisors(a -> a.param("app.tenant_id", "acme-o3")).call().content();

    SpanData chat = chatSpans().get(0);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS)).isEqualTo(400L);
  }

  @Test
  void exhaustedBudget_blocksBeforeTheModelIsCalled() {
    budgets.admit(io.lockn.core.spi.CallRequest.builder("openai", "gpt-4o")
        .maxOutputTokens(0)
        .attribution(java.util.Map.of("app.tenant_id", "acme-broke"))
        .traceId("0af7651916cd43dd8448eb211c80319c")
        .build())
        .complete(io.lockn.core.spi.EndedCall.builder(io.lockn.core.GenAiOperation.CHAT, "openai", "gpt-4o")
            .usage(TokenUsage.of(4000, 0)).build(), io.lockn.core.CallCost.notPriced());
    assertThat(budgets.status("tenant-daily", "app.tenant_id=acme-broke").spent()).isEqualTo(10_000_000L);

    // The reservation estimate: 100 output tokens at most.
    Throwable thrown = catchThrowable(() -> chatClientBuilder.build().prompt("Hi")
        .options(org.springframework.ai.openai.OpenAiChatOptions.builder().maxTokens(100))
        .advisors(a -> a.param("app.tenant_id", "acme-broke")).call().content());

    assertThat(thrown).isInstanceOf(BudgetExceededException.class);
    assertThat(STUB.requests()).isEmpty();
  }

  @Test
  void throttledBudget_sendsTheDowngradedModel() {
    budgets.admit(io.lockn.core.spi.CallRequest.builder("openai", "gpt-4o")
        .maxOutputTokens(0)
        .attribution(java.util.Map.of("app.tenant_id", "acme-tight"))
        .traceId("0af7651916cd43dd8448eb211c80319c")
        .build())
        .complete(io.lockn.core.spi.EndedCall.builder(io.lockn.core.GenAiOperation.CHAT, "openai", "gpt-4o")
            .usage(TokenUsage.of(2400, 0)).build(), io.lockn.core.CallCost.notPriced());
    STUB.json(OpenAiStub.completion("gpt-4o-mini-2024-07-18", "ok", 10, 0, 2, 0));

    chatClientBuilder.build().prompt("Hi").advisors(a -> a.param("app.tenant_id", "acme-tight")).call().content();

    assertThat(STUB.requests()).singleElement().asString().contains("\"model\":\"gpt-4o-mini\"");
    SpanData chat = chatSpans().get(0);
    assertThat(chat.getAttributes().get(LockNAttributes.BUDGET_ADMITTED_MODEL)).isEqualTo("gpt-4o-mini");
    assertThat(chat.getAttributes().get(CostAttributes.TOTAL_NANOS))
        .isEqualTo(nanos(10, "0.15") + nanos(2, "0.60"));
  }

  @Test
  void experimentAndCompression_compressTheTreatmentGroupAndMeasureIt() {
    io.lockn.compression.experiment.Experiment experiment =
        io.lockn.compression.experiment.Experiment.of("history-trim");
    String tenant = null;
    for (int i = 0; tenant == null; i++) {
      if (experiment.assign("tenant-" + i).is("compressed")) {
        tenant = "tenant-" + i;
      }
    }
    io.lockn.compression.Compression compression = io.lockn.compression.Compression.builder(openTelemetry)
        .setTokenCounter(new io.lockn.compression.tokens.JtokkitTokenCounter()).build();
    ChatClient client = chatClientBuilder.clone()
        .defaultAdvisors(
            LockNExperimentAdvisor.of(experiment, "app.tenant_id", LockNExperimentAdvisor.DEFAULT_ORDER),
            LockNCompressionAdvisor.builder(compression, "keep_last_message",
                    messages -> List.of(messages.get(messages.size() - 1)))
                .when(r -> "compressed".equals(r.context().get(LockNExperimentAdvisor.GROUP)))
                .build())
        .build();
    STUB.json(OpenAiStub.completion("gpt-4o-2024-08-06", "ok", 12, 0, 1, 0));
    String unit = tenant;

    client.prompt()
        .messages(new org.springframework.ai.chat.messages.UserMessage("A long earlier question about invoices"),
            new org.springframework.ai.chat.messages.AssistantMessage("A long earlier answer about invoices"))
        .user("Is it paid?")
        .advisors(a -> a.param("app.tenant_id", unit)).call().content();

    assertThat(STUB.requests()).singleElement().asString()
        .contains("Is it paid?").doesNotContain("earlier question");
    SpanData compress = SPANS.getFinishedSpanItems().stream()
        .filter(s -> s.getName().equals("compress keep_last_message")).findFirst().orElseThrow();
    assertThat(compress.getAttributes().get(io.lockn.compression.CompressionAttributes.INPUT_TOKENS_COMPRESSED))
        .isLessThan(compress.getAttributes().get(io.lockn.compression.CompressionAttributes.INPUT_TOKENS_ORIGINAL));
    SpanData chat = chatSpans().get(0);
    assertThat(chat.getTraceId()).isEqualTo(compress.getTraceId());
    assertThat(chat.getAttributes().get(AttributeKey.stringKey("app.tenant_id"))).isEqualTo(unit);
  }
}
