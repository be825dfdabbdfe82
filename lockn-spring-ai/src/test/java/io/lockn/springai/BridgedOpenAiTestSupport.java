package io.lockn.springai;

import io.lockn.budget.Budget;
import io.lockn.budget.Budgets;
import io.lockn.budget.Period;
import io.lockn.core.AttributionKeys;
import io.lockn.core.LockN;
import io.lockn.core.TokenUsage;
import io.lockn.core.sdk.AttributionSpanProcessor;
import io.lockn.core.spi.Admission;
import io.lockn.core.spi.CallAdmission;
import io.lockn.core.spi.CallRequest;
import io.lockn.pricing.PriceCatalog;
import io.lockn.pricing.sdk.CostPipeline;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.math.BigDecimal;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.ChatClientBuilderCustomizer;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The Boot application shared by the bridged (Micrometer Tracing on OpenTelemetry) tests: Spring AI's real OpenAI
 * client against one loopback {@link OpenAiStub}, LockN's handler and advisors added by hand, every span priced by
 * {@code CostPipeline} and captured in memory, and a per-tenant daily budget of $0.01 that blocks at 100%.
 * The subclasses share one application context.
 */
@SpringBootTest(classes = BridgedOpenAiTestSupport.App.class)
abstract class BridgedOpenAiTestSupport {

  static final OpenAiStub STUB = new OpenAiStub();
  static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();
  static final PriceCatalog CATALOG = PriceCatalog.bundled();
  static final String BUDGET = "tenant-daily";

  static {
    // Shared by every subclass's (cached) context, so it lives as long as the test JVM.
    Runtime.getRuntime().addShutdownHook(new Thread(STUB::close));
  }

  @DynamicPropertySource
  static void stubProperties(DynamicPropertyRegistry registry) {
    STUB.registerBootProperties(registry);
  }

  /** Not a {@code @Configuration}, so that no other test's component scan picks it up. */
  @EnableAutoConfiguration
  static class App {
    @Bean
    SpanProcessor lockNAndCapture() {
      // Cost first (it completes the span in onEnding), then attribution, then the capture.
      return SpanProcessor.composite(CostPipeline.builder(CATALOG).build(),
          AttributionSpanProcessor.create(AttributionKeys.defaults()), SimpleSpanProcessor.create(SPANS));
    }

    @Bean
    Budgets budgets() {
      return Budgets.builder(CATALOG)
          .addBudget(Budget.builder(BUDGET).scope(io.lockn.budget.Scope.each("app.tenant_id"))
              .limitUsd("0.01").period(Period.day(ZoneOffset.UTC)).blockAt(100).build())
          .build();
    }

    @Bean
    Witness witness(Budgets budgets) {
      return new Witness(budgets);
    }

    @Bean
    LockNObservationHandler lockNObservationHandler(OpenTelemetry openTelemetry) {
      return new LockNObservationHandler(LockN.builder().setOpenTelemetry(openTelemetry).build());
    }

    @Bean
    ChatClientBuilderCustomizer lockNAdvisors(Witness witness) {
      return builder -> builder.defaultAdvisors(LockNContextAdvisor.builder(AttributionKeys.defaults()).build(),
          LockNBudgetAdvisor.builder(witness).defaultModel("gpt-4o").build());
    }
  }

  /** The budgets, keeping what the advisor asked and what was thrown, to check the caller gets that very exception. */
  static final class Witness implements CallAdmission {
    private final CallAdmission delegate;
    private final AtomicReference<@Nullable RuntimeException> thrown = new AtomicReference<>();
    private final AtomicInteger admissions = new AtomicInteger();
    private final AtomicReference<@Nullable CallRequest> lastRequest = new AtomicReference<>();

    Witness(CallAdmission delegate) {
      this.delegate = delegate;
    }

    @Override
    public Admission admit(CallRequest request) {
      admissions.incrementAndGet();
      lastRequest.set(request);
      try {
        return delegate.admit(request);
      } catch (RuntimeException e) {
        thrown.set(e);
        throw e;
      }
    }

    @Nullable RuntimeException lastThrown() {
      return thrown.get();
    }

    /** What the advisor asked last, with the attribution it found in Baggage. */
    @Nullable CallRequest lastRequest() {
      return lastRequest.get();
    }

    /** How many times the advisor asked, since the application started. */
    int admissions() {
      return admissions.get();
    }
  }

  @Autowired ChatClient.Builder chatClientBuilder;
  @Autowired Budgets budgets;
  @Autowired Witness witness;

  @BeforeEach
  void resetStubAndSpans() {
    STUB.reset();
    SPANS.reset();
  }

  /** The exact cost of {@code tokens} at {@code usdPerMillion}, in nano-USD. */
  static long nanos(long tokens, String usdPerMillion) {
    return new BigDecimal(usdPerMillion).multiply(BigDecimal.valueOf(tokens)).movePointRight(3).longValueExact();
  }

  static List<SpanData> spansNamed(String prefix) {
    return SPANS.getFinishedSpanItems().stream().filter(s -> s.getName().startsWith(prefix)).toList();
  }

  /** Spends a tenant's whole $0.01: 4000 gpt-4o input tokens at $2.50 per million. */
  void exhaust(String tenant) {
    spend(tenant, 4000);
  }

  /** Charges a tenant for {@code inputTokens} gpt-4o input tokens ($2.50 per million), outside any ChatClient. */
  void spend(String tenant, long inputTokens) {
    budgets.admit(CallRequest.builder("openai", "gpt-4o")
        .maxOutputTokens(0)
        .attribution(Map.of("app.tenant_id", tenant))
        .traceId("0af7651916cd43dd8448eb211c80319c")
        .build())
        .complete(io.lockn.core.spi.EndedCall.builder(io.lockn.core.GenAiOperation.CHAT, "openai", "gpt-4o")
            .usage(TokenUsage.of(inputTokens, 0)).build(), io.lockn.core.CallCost.notPriced());
  }

  long spent(String tenant) {
    return budgets.status(BUDGET, "app.tenant_id=" + tenant).spent();
  }

  long reserved(String tenant) {
    return budgets.status(BUDGET, "app.tenant_id=" + tenant).reserved();
  }
}
