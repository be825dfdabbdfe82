package io.lockn.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.lockn.budget.Budgets;
import io.lockn.core.BudgetExceededException;
import io.lockn.core.GenAiAttributes;
import io.lockn.core.LockN;
import io.lockn.core.LockNAttributes;
import io.lockn.core.TokenUsage;
import io.lockn.core.sdk.AttributionSpanProcessor;
import io.lockn.core.spi.CallRequest;
import io.lockn.pricing.CostAttributes;
import io.lockn.pricing.CostLedger;
import io.lockn.pricing.sdk.CostPipeline;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * What the LockN starter must do on the SDK of the OpenTelemetry Spring Boot starter (2.31.1), whichever way that
 * starter builds it: the real Spring AI OpenAI client and auto-configured ChatClient against one loopback {@link
 * OpenAiStub}, the whole LockN auto-configuration with a per-tenant budget of $0.01 from {@code lockn.budgets.*}, and
 * no Micrometer Tracing bridge nor Spring Boot OpenTelemetry SDK on the classpath (the subclasses run in the {@code
 * otel-starter-test} surefire run). LockN records its own chat span on the starter's SDK, prices it with its own
 * cost processor (the one that feeds the ledger), takes the tenant from Baggage, and the budget blocks before the
 * HTTP request. Each subclass configures the starter one way and captures the spans through that way's own hook.
 */
abstract class OtelStarterTestSupport {

  /** One loopback stub for the JVM: both subclasses' (cached) contexts point at it. */
  static final OpenAiStub STUB = new OpenAiStub();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(STUB::close));
  }

  /** The properties both modes share; {@code @SpringBootTest(properties = ...)} takes constants only. */
  static final String OPENAI_1 = "spring.ai.openai.api-key=test";
  static final String OPENAI_2 = "spring.ai.openai.chat.model=gpt-4o";
  static final String OPENAI_3 = "spring.ai.openai.max-retries=0";
  static final String BUDGET_1 = "lockn.budgets.items[0].name=tenant-daily";
  static final String BUDGET_2 = "lockn.budgets.items[0].scope=each app.tenant_id";
  static final String BUDGET_3 = "lockn.budgets.items[0].limit-usd=0.01";
  static final String BUDGET_4 = "lockn.budgets.items[0].period=day";

  @DynamicPropertySource
  static void stub(DynamicPropertyRegistry registry) {
    registry.add("spring.ai.openai.base-url", STUB::baseUrl);
  }

  @Autowired ApplicationContext context;
  @Autowired ChatClient.Builder chatClientBuilder;
  @Autowired OpenTelemetry openTelemetry;
  @Autowired Budgets budgets;
  @Autowired CostLedger ledger;

  /** The in-memory exporter the subclass wired into the starter's SDK. */
  abstract InMemorySpanExporter spans();

  @BeforeEach
  void reset() {
    STUB.reset();
    spans().reset();
  }

  private List<SpanData> chatSpans() {
    return spans().getFinishedSpanItems().stream().filter(s -> s.getName().startsWith("chat ")).toList();
  }

  /** Runs {@code call} under a span of the starter's SDK, with the tenant in Baggage; the span's id goes to spanId[0]. */
  private <T> T underRequestSpan(String tenant, String[] spanId, Supplier<T> call) {
    Span request = openTelemetry.getTracer("test").spanBuilder("request").startSpan();
    spanId[0] = request.getSpanContext().getSpanId();
    try (Scope ignored = Context.current().with(request)
        .with(Baggage.builder().put("app.tenant_id", tenant).build()).makeCurrent()) {
      return call.get();
    } finally {
      request.end();
    }
  }

  @Test
  void call_oneChatSpanOnTheStartersSdkWithExactCostAndTheTenantFromBaggage() {
    STUB.json(OpenAiStub.completion("gpt-4o-2024-08-06", "Hello!", 1200, 1000, 300, 0));
    String[] requestSpanId = new String[1];

    String answer = underRequestSpan("acme-starter", requestSpanId,
        () -> chatClientBuilder.build().prompt("Hi").call().content());

    assertThat(answer).isEqualTo("Hello!");
    assertThat(STUB.paths()).containsExactly("POST /v1/chat/completions");
    assertThat(chatSpans()).hasSize(1);
    SpanData chat = chatSpans().get(0);
    // LockN's own span (no tracing bridge), a child of the caller's span: the starter's SDK made both.
    assertThat(chat.getName()).isEqualTo("chat gpt-4o");
    assertThat(chat.getParentSpanId()).isEqualTo(requestSpanId[0]);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_PROVIDER_NAME)).isEqualTo("openai");
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS)).isEqualTo(1200L);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS)).isEqualTo(1000L);
    assertThat(chat.getAttributes().get(GenAiAttributes.GEN_AI_USAGE_OUTPUT_TOKENS)).isEqualTo(300L);
    assertThat(chat.getAttributes().get(AttributeKey.stringKey("app.tenant_id"))).isEqualTo("acme-starter");
    // gpt-4o per 1M tokens: $2.50 input, $1.25 cached input, $10.00 output.
    // 200 uncached: 200 * 2.50 = 500 µUSD; 1000 cached: 1000 * 1.25 = 1250 µUSD; 300 output: 300 * 10 = 3000 µUSD.
    // Total 4750 µUSD = $0.00475 = 4,750,000 nano-USD.
    assertThat(chat.getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(4_750_000L);
    assertThat(BigDecimal.valueOf(chat.getAttributes().get(CostAttributes.TOTAL))).isEqualByComparingTo("0.00475");
    assertThat(chat.getAttributes().get(CostAttributes.PRICING_ID)).isNotNull();
    assertThat(chat.getAttributes().get(LockNAttributes.BUDGET_ADMITTED_MODEL)).isEqualTo("gpt-4o");
    // The budget was charged once, and LockN's cost processor (the only one with the ledger) priced the span.
    assertThat(budgets.status("tenant-daily", "app.tenant_id=acme-starter").spent()).isEqualTo(4_750_000L);
    assertThat(ledger.totals(CostLedger.Dimension.TENANT, Instant.EPOCH, Instant.now().plusSeconds(60))
        .get("acme-starter")).isEqualByComparingTo("0.00475");
  }

  @Test
  void exhaustedBudget_blocksBeforeTheHttpRequest() {
    // $0.01 spent already: 4000 gpt-4o input tokens at $2.50 per 1M = 10,000,000 nano-USD, the whole limit.
    budgets.admit(CallRequest.builder("openai", "gpt-4o")
        .maxOutputTokens(0)
        .attribution(Map.of("app.tenant_id", "acme-broke"))
        .traceId("0af7651916cd43dd8448eb211c80319c")
        .build()).complete(io.lockn.core.spi.EndedCall.builder(io.lockn.core.GenAiOperation.CHAT, "openai", "gpt-4o")
            .usage(TokenUsage.of(4000, 0)).build(), io.lockn.core.CallCost.notPriced());
    assertThat(budgets.status("tenant-daily", "app.tenant_id=acme-broke").spent()).isEqualTo(10_000_000L);

    Throwable thrown = catchThrowable(() -> underRequestSpan("acme-broke", new String[1],
        () -> chatClientBuilder.build().prompt("Hi").options(OpenAiChatOptions.builder().maxTokens(100))
            .call().content()));

    assertThat(thrown).isInstanceOf(BudgetExceededException.class);
    assertThat(((BudgetExceededException) thrown).budgetName()).isEqualTo("tenant-daily");
    assertThat(STUB.requests()).isEmpty();
    assertThat(chatSpans()).isEmpty();
  }

  @Test
  void oneSdk_theStartersWithLockNsProcessorsOnce() {
    // One OpenTelemetry, the starter's; no tracer provider bean of Spring Boot's; nothing set as the global instance.
    assertThat(context.getBeansOfType(OpenTelemetry.class)).hasSize(1);
    assertThat(openTelemetry.getClass().getName())
        .isEqualTo("io.opentelemetry.instrumentation.spring.autoconfigure.SpringOpenTelemetrySdk");
    assertThat(context.getBeansOfType(SdkTracerProvider.class)).isEmpty();
    assertThat(GlobalOpenTelemetry.isSet()).isFalse();
    // Its tracer provider has exactly one cost processor (LockN's) and one attribution processor; LockN defines no
    // SpanProcessor beans that another tracer provider could collect as well.
    SdkTracerProvider pipeline = ((OpenTelemetrySdk) openTelemetry).getSdkTracerProvider();
    assertThat(SdkSpanProcessors.instances(pipeline, CostPipeline.class)).hasSize(1);
    assertThat(SdkSpanProcessors.instances(pipeline, AttributionSpanProcessor.class)).hasSize(1);
    // The one span processor bean is the cost pipeline, also LockN's call pricing; it is in the SDK once.
    assertThat(context.getBeansOfType(SpanProcessor.class).values()).singleElement().isInstanceOf(CostPipeline.class);
    assertThat(context.getBean(LockN.class).isEnabled()).isTrue();
  }

}
