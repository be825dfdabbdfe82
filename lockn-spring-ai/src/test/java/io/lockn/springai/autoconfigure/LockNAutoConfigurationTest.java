package io.lockn.springai.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.lockn.budget.Budget;
import io.lockn.budget.Budgets;
import io.lockn.budget.Period;
import io.lockn.budget.Scope;
import io.lockn.compression.experiment.Experiment;
import io.lockn.compression.tokens.JtokkitTokenCounter;
import io.lockn.core.AttributionKeys;
import io.lockn.core.BudgetExceededException;
import io.lockn.core.ContentCapture;
import io.lockn.core.LockN;
import io.lockn.core.sdk.AttributionSpanProcessor;
import io.lockn.core.spi.Admission;
import io.lockn.core.spi.CallAdmission;
import io.lockn.core.spi.TokenCounter;
import io.lockn.pricing.CostLedger;
import io.lockn.pricing.ModelMatch;
import io.lockn.pricing.PriceCatalog;
import io.lockn.pricing.sdk.CostPipeline;
import io.lockn.springai.LockNBudgetAdvisor;
import io.lockn.springai.LockNContextAdvisor;
import io.lockn.springai.LockNExperimentAdvisor;
import io.lockn.springai.LockNObservationHandler;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.ChatClientBuilderCustomizer;
import org.springframework.ai.chat.client.advisor.ToolCallingAdvisor;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.observation.ChatModelObservationContext;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import reactor.core.publisher.Hooks;

/** Every condition and back-off of {@link LockNAutoConfiguration}, with real LockN, SDK and Spring AI objects. */
class LockNAutoConfigurationTest {

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(LockNAutoConfiguration.class))
      .withUserConfiguration(Otel.class);

  private static final String[] ONE_BUDGET = {
    "lockn.budgets.items[0].name=daily", "lockn.budgets.items[0].limit-usd=0", "lockn.budgets.items[0].period=day"
  };

  @AfterEach
  void resetGlobal() {
    GlobalOpenTelemetry.resetForTest();
  }

  @Test
  void defaults_defineCoreSdkAndSpringAiBeans() {
    runner.run(ctx -> {
      assertThat(ctx).hasNotFailed();
      assertThat(ctx.getBean(PriceCatalog.class)).isSameAs(PriceCatalog.bundled());
      assertThat(ctx.getBean(AttributionKeys.class).allKeys()).isEqualTo(AttributionKeys.defaults().allKeys());
      assertThat(ctx.getBean(ContentCapture.class).isEnabled()).isFalse();
      assertThat(ctx).hasSingleBean(CostLedger.class).hasSingleBean(LockN.class)
          .hasSingleBean(CostPipeline.class).hasSingleBean(AttributionSpanProcessor.class)
          .hasSingleBean(LockNObservationHandler.class).hasSingleBean(LockNContextAdvisor.class)
          .hasSingleBean(TokenCounter.class).hasBean("lockNChatClientBuilderCustomizer")
          .doesNotHaveBean(Budgets.class).doesNotHaveBean(LockNBudgetAdvisor.class)
          .doesNotHaveBean(LockNExperimentAdvisor.class).doesNotHaveBean(ReactorContextPropagation.class);
      assertThat(ctx.getBean(LockN.class).isEnabled()).isTrue();
      assertThat(ctx.getBean(TokenCounter.class)).isInstanceOf(JtokkitTokenCounter.class);
    });
  }

  @Test
  void enabledFalse_definesNothing() {
    runner.withPropertyValues("lockn.enabled=false").withPropertyValues(ONE_BUDGET).run(ctx -> {
      assertThat(ctx).hasNotFailed();
      assertThat(ctx).doesNotHaveBean(LockNProperties.class).doesNotHaveBean(LockN.class)
          .doesNotHaveBean(PriceCatalog.class).doesNotHaveBean(SpanProcessor.class).doesNotHaveBean(Budgets.class)
          .doesNotHaveBean(LockNObservationHandler.class).doesNotHaveBean(ChatClientBuilderCustomizer.class);
    });
  }

  @Test
  void userBeans_win() {
    runner.withUserConfiguration(UserBeans.class).withPropertyValues(ONE_BUDGET).run(ctx -> {
      assertThat(ctx).hasNotFailed();
      UserBeans user = ctx.getBean(UserBeans.class);
      assertThat(ctx.getBean(PriceCatalog.class)).isSameAs(user.catalog);
      assertThat(ctx.getBean(AttributionKeys.class)).isSameAs(user.keys);
      assertThat(ctx.getBean(ContentCapture.class)).isSameAs(user.capture);
      assertThat(ctx.getBean(CostLedger.class)).isSameAs(user.ledger);
      assertThat(ctx.getBean(LockN.class)).isSameAs(user.lockn);
      assertThat(ctx.getBean(CostPipeline.class)).isSameAs(user.cost);
      assertThat(ctx.getBean(AttributionSpanProcessor.class)).isSameAs(user.attribution);
      assertThat(ctx.getBean(LockNObservationHandler.class)).isSameAs(user.handler);
      assertThat(ctx.getBean(LockNContextAdvisor.class)).isSameAs(user.context);
      assertThat(ctx.getBean(TokenCounter.class)).isSameAs(user.tokens);
      // The application's own admission policy replaces the budgets of lockn.budgets.*, and drives the advisor.
      assertThat(ctx).doesNotHaveBean(Budgets.class);
      assertThat(ctx.getBean(CallAdmission.class)).isSameAs(user.admission);
      assertThat(ctx).hasSingleBean(LockNBudgetAdvisor.class);
    });
  }

  @Test
  void userBudgetsAndAdvisor_win() {
    runner.withUserConfiguration(UserBudgets.class).withPropertyValues(ONE_BUDGET).run(ctx -> {
      assertThat(ctx).hasNotFailed();
      assertThat(ctx.getBean(Budgets.class)).isSameAs(ctx.getBean(UserBudgets.class).budgets);
      assertThat(ctx.getBean(Budgets.class).budgets()).extracting(Budget::name).containsExactly("mine");
      assertThat(ctx.getBean(LockNBudgetAdvisor.class)).isSameAs(ctx.getBean(UserBudgets.class).advisor);
    });
  }

  @Test
  void userCustomizerWithLockNsName_replacesLockNs() {
    runner.withBean("lockNChatClientBuilderCustomizer", ChatClientBuilderCustomizer.class, () -> b -> {})
        .run(ctx -> assertThat(ctx.getBeansOfType(ChatClientBuilderCustomizer.class)).hasSize(1));
  }

  @Test
  void withoutSpringAi_coreBeansOnly() {
    runner.withClassLoader(new FilteredClassLoader("org.springframework.ai")).run(ctx -> {
      assertThat(ctx).hasNotFailed();
      assertThat(ctx).hasSingleBean(LockN.class).hasSingleBean(PriceCatalog.class).hasSingleBean(CostLedger.class)
          .hasSingleBean(CostPipeline.class).hasSingleBean(AttributionSpanProcessor.class)
          .doesNotHaveBean(LockNObservationHandler.class).doesNotHaveBean(LockNContextAdvisor.class)
          .doesNotHaveBean(LockNBudgetAdvisor.class).doesNotHaveBean(ChatClientBuilderCustomizer.class);
    });
  }

  @Test
  void withoutChatClient_handlerOnly() {
    runner.withClassLoader(new FilteredClassLoader(ChatClient.class)).withPropertyValues(ONE_BUDGET).run(ctx -> {
      assertThat(ctx).hasNotFailed();
      assertThat(ctx).hasSingleBean(LockNObservationHandler.class).hasSingleBean(Budgets.class)
          .doesNotHaveBean(LockNContextAdvisor.class).doesNotHaveBean(LockNBudgetAdvisor.class)
          .doesNotHaveBean(ChatClientBuilderCustomizer.class);
    });
  }

  @Test
  void withoutChatModelObservations_noHandler() {
    runner.withClassLoader(new FilteredClassLoader(ChatModelObservationContext.class))
        .run(ctx -> assertThat(ctx).doesNotHaveBean(LockNObservationHandler.class)
            .hasSingleBean(LockNContextAdvisor.class));
  }

  @Test
  void withoutOpenTelemetrySdk_noSpanProcessors() {
    runner.withClassLoader(new FilteredClassLoader(SpanProcessor.class)).run(ctx -> {
      assertThat(ctx).hasNotFailed();
      assertThat(ctx).hasSingleBean(LockN.class).doesNotHaveBean(CostPipeline.class)
          .doesNotHaveBean(AttributionSpanProcessor.class);
    });
  }

  @Test
  void openTelemetrySpringBootStarter_noAttributionProcessorBean() {
    // The starter builds an AutoConfiguredOpenTelemetrySdk and ignores SpanProcessor beans: LockN adds its processors
    // through the starter's hooks (LockNAutoConfigurationOtelStarterTest). The cost pipeline is a bean all the same,
    // as the LockN bean's call pricing.
    runner.withBean(AutoConfiguredOpenTelemetrySdk.class, () -> AutoConfiguredOpenTelemetrySdk.builder()
            .addPropertiesSupplier(() -> Map.of("otel.traces.exporter", "none", "otel.metrics.exporter", "none",
                "otel.logs.exporter", "none"))
            .build())
        .run(ctx -> {
          assertThat(ctx).hasNotFailed();
          assertThat(ctx).hasSingleBean(LockN.class).hasSingleBean(CostLedger.class)
              .hasSingleBean(CostPipeline.class).doesNotHaveBean(AttributionSpanProcessor.class);
        });
  }

  @Test
  void pricingDisabled_noCostPipeline() {
    runner.withPropertyValues("lockn.pricing.enabled=false").run(ctx -> assertThat(ctx)
        .doesNotHaveBean(CostPipeline.class).hasSingleBean(AttributionSpanProcessor.class)
        .hasSingleBean(PriceCatalog.class));
  }

  @Test
  void spanProcessors_costFirst() {
    runner.run(ctx -> assertThat(ctx.getBeanProvider(SpanProcessor.class).orderedStream().toList())
        .hasSize(2).first().isInstanceOf(CostPipeline.class));
  }

  @Test
  void withoutOpenTelemetryBean_usesGlobal() {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    OpenTelemetrySdk global = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
        .build();
    GlobalOpenTelemetry.set(global);
    new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(LockNAutoConfiguration.class))
        .run(ctx -> {
          ctx.getBean(LockN.class).task("t").run(() -> {});
          assertThat(spans.getFinishedSpanItems()).hasSize(1);
        });
    global.close();
  }

  @Test
  void attributionAndContentCaptureProperties_apply() {
    runner.withPropertyValues("lockn.attribution.tenant=org.id", "lockn.attribution.extra-keys=app.env,app.region",
            "lockn.attribution.max-value-length=16", "lockn.content-capture.enabled=true",
            "lockn.content-capture.max-length=64")
        .run(ctx -> {
          AttributionKeys keys = ctx.getBean(AttributionKeys.class);
          assertThat(keys.tenantKey()).isEqualTo("org.id");
          assertThat(keys.allKeys()).contains("org.id", "app.env", "app.region").doesNotContain("app.tenant_id");
          assertThat(keys.maxValueLength()).isEqualTo(16);
          ContentCapture capture = ctx.getBean(ContentCapture.class);
          assertThat(capture.isEnabled()).isTrue();
          assertThat(capture.maxLength()).isEqualTo(64);
        });
  }

  @Test
  void pricingProperties_buildTheCatalog(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("negotiated.json");
    Files.writeString(file, """
        {"schema_version": 1, "models": [
          {"provider": "acme", "model": "house-model", "source": "https://acme.example/pricing",
           "checked": "2026-01-01", "prices": [{"input": "1.00", "output": "2.00"}]}]}
        """);
    runner.withPropertyValues("lockn.pricing.catalog[0]=file:" + file,
            "lockn.pricing.discounts[openai/gpt-4o]=20",
            "lockn.pricing.aliases[prod-eu].provider=azure.ai.openai",
            "lockn.pricing.aliases[prod-eu].model=gpt-4o",
            "lockn.pricing.aliases[prod-eu].region=eu")
        .run(ctx -> {
          assertThat(ctx).hasNotFailed();
          PriceCatalog catalog = ctx.getBean(PriceCatalog.class);
          assertThat(catalog.resolve("acme", "house-model")).isNotNull();
          ModelMatch alias = catalog.resolve("azure.ai.openai", "prod-eu");
          assertThat(alias).isNotNull();
          assertThat(alias.entry().model()).isEqualTo("gpt-4o");
          ModelMatch discounted = catalog.resolve("openai", "gpt-4o");
          assertThat(discounted.multiplier()).isEqualByComparingTo(new BigDecimal("0.8"));
          assertThat(PriceCatalog.bundled().resolve("openai", "gpt-4o").multiplier()).isNull();
          // The pipeline prices with that catalog.
          assertThat(ctx.getBean(CostPipeline.class).catalog()).isSameAs(catalog);
        });
  }

  @Test
  void liteLlmAndClasspathCatalog_applyInSpringToo() {
    // The same keys as the SDK and Java agent extensions: a LiteLLM file under the catalog files.
    runner.withPropertyValues("lockn.pricing.litellm=classpath:litellm/gpt-4o-mini-doubled.json",
            "lockn.pricing.catalog=classpath:prices/acme-house.json")
        .run(ctx -> {
          assertThat(ctx).hasNotFailed();
          PriceCatalog catalog = ctx.getBean(PriceCatalog.class);
          assertThat(catalog.resolve("acme", "house-model")).isNotNull();
          // LiteLLM's gpt-4o-mini at $0.30/$1.20 per 1M tokens, twice the bundled price: 1M input tokens, $0.30.
          assertThat(catalog.totalNanos("openai", "gpt-4o-mini", io.lockn.core.TokenUsage.of(1_000_000, 0),
              System.currentTimeMillis(), null)).isEqualTo(300_000_000L);
        });
  }

  @Test
  void deprecatedFilesProperty_stillWorks_andWarns() {
    java.util.logging.Logger usage = java.util.logging.Logger.getLogger(io.lockn.core.spi.UsageLogger.LOGGER_NAME);
    List<java.util.logging.LogRecord> records = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.logging.Handler handler = new java.util.logging.Handler() {
      @Override
      public void publish(java.util.logging.LogRecord record) {
        records.add(record);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    java.util.logging.Level level = usage.getLevel();
    // Every level: the usage logger warns once per JVM, then logs at TRACE (FINEST), and another test class may
    // have been first.
    usage.setLevel(java.util.logging.Level.ALL);
    usage.addHandler(handler);
    try {
      runner.withPropertyValues("lockn.pricing.files=classpath:prices/acme-house.json").run(ctx -> {
        assertThat(ctx).hasNotFailed();
        assertThat(ctx.getBean(PriceCatalog.class).resolve("acme", "house-model")).isNotNull();
      });
    } finally {
      usage.removeHandler(handler);
      usage.setLevel(level);
    }
    assertThat(records).extracting(java.util.logging.LogRecord::getMessage)
        .contains("lockn.pricing.files is deprecated: it is read as lockn.pricing.catalog, its new name, which the"
            + " OpenTelemetry SDK and Java agent extensions read too; rename it");
  }

  @Test
  void spanStageBeans_runInTheCostPipeline() {
    runner.withBean(io.lockn.compression.roi.sdk.RoiCollector.class,
            () -> io.lockn.compression.roi.sdk.RoiCollector.builder().build())
        .run(ctx -> assertThat(ctx.getBean(CostPipeline.class).toString()).contains("stages=[ROI]"));
    runner.run(ctx -> assertThat(ctx.getBean(CostPipeline.class).toString()).contains("stages=[]"));
  }

  @Test
  void attributionKeys_goThroughThePricingConfiguration() {
    runner.withPropertyValues("lockn.attribution.tenant=org.id", "lockn.attribution.max-value-length=16")
        .run(ctx -> {
          assertThat(ctx.getBean(io.lockn.pricing.PricingConfig.class).attributionKeys())
              .isSameAs(ctx.getBean(AttributionKeys.class));
          assertThat(ctx.getBean(AttributionKeys.class).tenantKey()).isEqualTo("org.id");
        });
  }

  @Test
  void budgetsConfigured_budgetsAndBudgetAdvisor() {
    runner.withPropertyValues(
            "lockn.budgets.items[0].name=tenant-daily", "lockn.budgets.items[0].scope=each app.tenant_id",
            "lockn.budgets.items[0].limit-usd=5.25", "lockn.budgets.items[0].period=day",
            "lockn.budgets.items[0].zone=Europe/Paris", "lockn.budgets.items[0].alert-at=50,80",
            "lockn.budgets.items[0].throttle-at=90",
            "lockn.budgets.items[1].name=runaway", "lockn.budgets.items[1].scope=agent=triage",
            "lockn.budgets.items[1].limit-tokens=100000", "lockn.budgets.items[1].period=rolling",
            "lockn.budgets.items[1].window=1h",
            "lockn.budgets.items[2].name=ticket", "lockn.budgets.items[2].scope=each model",
            "lockn.budgets.items[2].limit-usd=1", "lockn.budgets.items[2].period=per-trace",
            "lockn.budgets.items[2].idle=30m",
            "lockn.budgets.downgrades[gpt-4o]=gpt-4o-mini", "lockn.budgets.downgrades[gpt-4.1]=gpt-4.1-mini")
        .run(ctx -> {
          assertThat(ctx).hasNotFailed();
          assertThat(ctx.getBean(LockNProperties.class).getBudgets().getDowngrades())
              .containsEntry("gpt-4o", "gpt-4o-mini").containsEntry("gpt-4.1", "gpt-4.1-mini");
          List<Budget> budgets = ctx.getBean(Budgets.class).budgets();
          assertThat(budgets).extracting(Budget::name).containsExactly("tenant-daily", "runaway", "ticket");
          Budget daily = budgets.get(0);
          assertThat(daily.scope()).isEqualTo(Scope.each("app.tenant_id"));
          assertThat(daily.limit()).isEqualTo(5_250_000_000L);
          assertThat(daily.period()).isEqualTo(Period.day(java.time.ZoneId.of("Europe/Paris")));
          assertThat(daily.thresholds()).hasSize(4);
          assertThat(budgets.get(1).scope()).isEqualTo(Scope.agent("triage"));
          assertThat(budgets.get(1).period()).isEqualTo(Period.rolling(java.time.Duration.ofHours(1)));
          assertThat(budgets.get(2).period()).isEqualTo(Period.perTrace(java.time.Duration.ofMinutes(30)));
          assertThat(budgets.get(2).scope()).isEqualTo(Scope.eachModel());
          assertThat(ctx).hasSingleBean(LockNBudgetAdvisor.class);
          assertThat(ctx.getBean(LockNBudgetAdvisor.class).getOrder()).isEqualTo(LockNBudgetAdvisor.DEFAULT_ORDER);
        });
  }

  @Test
  void budgetFile_isLoaded(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("budgets.json");
    Files.writeString(file, """
        {"budgets": [{"name": "from-file", "unit": "usd", "limit": 10, "period": {"kind": "month", "zone": "UTC"}}],
         "downgrades": {"gpt-4o": "gpt-4o-mini"}}
        """);
    runner.withPropertyValues("lockn.budgets.file=" + file, "lockn.budgets.items[0].name=inline",
            "lockn.budgets.items[0].limit-tokens=10", "lockn.budgets.items[0].period=per-call")
        .run(ctx -> assertThat(ctx.getBean(Budgets.class).budgets()).extracting(Budget::name)
            .containsExactly("from-file", "inline"));
  }

  @Test
  void budgetsWithoutLockNBudget_noBudgets() {
    runner.withClassLoader(new FilteredClassLoader(Budgets.class)).withPropertyValues(ONE_BUDGET).run(ctx -> {
      assertThat(ctx).hasNotFailed();
      assertThat(ctx).hasSingleBean(LockN.class).doesNotHaveBean(CallAdmission.class)
          .doesNotHaveBean(LockNBudgetAdvisor.class);
    });
  }

  @Test
  void budgetAdvisorOrder_followsToolCallingAdvisor() {
    runner.withPropertyValues(ONE_BUDGET)
        .withBean(ToolCallingAdvisor.Builder.class, () -> ToolCallingAdvisor.builder().advisorOrder(1000))
        .run(ctx -> assertThat(ctx.getBean(LockNBudgetAdvisor.class).getOrder()).isEqualTo(1100));
    assertThat(LockNAutoConfiguration.ChatClientConfiguration.budgetAdvisorOrder(
        ToolCallingAdvisor.builder().advisorOrder(Ordered.LOWEST_PRECEDENCE - 1)))
        .isEqualTo(Ordered.LOWEST_PRECEDENCE - 1);
  }

  @Test
  void customizer_addsAdvisorsThatBlockAndAttribute() {
    AtomicReference<String> tenantSeen = new AtomicReference<>();
    ChatModel model = new ChatModel() {
      @Override
      public ChatResponse call(Prompt prompt) {
        tenantSeen.set(Baggage.current().getEntryValue("app.tenant_id"));
        return new ChatResponse(List.of(new Generation(new AssistantMessage("ok"))));
      }

      @Override
      public ChatOptions getDefaultOptions() {
        return ChatOptions.builder().model("gpt-4o").build();
      }
    };
    // Without budgets the context advisor alone is added: the tenant reaches Baggage during the model call.
    runner.run(ctx -> {
      ChatClient.Builder builder = ChatClient.builder(model);
      ctx.getBeanProvider(ChatClientBuilderCustomizer.class).orderedStream().forEach(c -> c.customize(builder));
      String reply = builder.build().prompt("hi").advisors(a -> a.param("app.tenant_id", "acme")).call().content();
      assertThat(reply).isEqualTo("ok");
      assertThat(tenantSeen.get()).isEqualTo("acme");
    });
    // A zero budget blocks before the model (whose default model the advisor estimates with) is called.
    tenantSeen.set(null);
    runner.withPropertyValues(ONE_BUDGET).withBean(ChatModel.class, () -> model).run(ctx -> {
      ChatClient.Builder builder = ChatClient.builder(model);
      ctx.getBeanProvider(ChatClientBuilderCustomizer.class).orderedStream().forEach(c -> c.customize(builder));
      Throwable thrown = catchThrowable(() -> builder.build().prompt("hi").call().content());
      assertThat(thrown).isInstanceOf(BudgetExceededException.class);
      assertThat(tenantSeen.get()).isNull();
    });
  }

  @Test
  void lockN_admitsThroughTheBudgets() {
    runner.withPropertyValues(ONE_BUDGET).run(ctx -> {
      LockN lockn = ctx.getBean(LockN.class);
      Throwable thrown = catchThrowable(() -> lockn.chat("openai", "gpt-4o").maxTokens(100).run(() -> {}));
      assertThat(thrown).isInstanceOf(BudgetExceededException.class);
    });
  }

  @Test
  void experimentBean_addsExperimentAdvisor() {
    runner.withBean(Experiment.class, () -> Experiment.of("compression"))
        .withPropertyValues("lockn.experiment.unit-key=app.user_id")
        .run(ctx -> {
          assertThat(ctx).hasSingleBean(LockNExperimentAdvisor.class)
              .hasBean("lockNExperimentChatClientBuilderCustomizer");
          assertThat(ctx.getBean(LockNExperimentAdvisor.class).toString()).contains("unit=app.user_id");
        });
    runner.run(ctx -> assertThat(ctx).doesNotHaveBean(LockNExperimentAdvisor.class)
        .doesNotHaveBean("lockNExperimentChatClientBuilderCustomizer"));
    runner.withBean(Experiment.class, () -> Experiment.of("compression"))
        .withClassLoader(new FilteredClassLoader(Experiment.class))
        .run(ctx -> assertThat(ctx).doesNotHaveBean(LockNExperimentAdvisor.class));
  }

  @Test
  void withoutLockNCompression_noTokenCounter() {
    runner.withClassLoader(new FilteredClassLoader(JtokkitTokenCounter.class))
        .run(ctx -> assertThat(ctx).doesNotHaveBean(TokenCounter.class).hasSingleBean(LockN.class));
  }

  @Test
  void reactorContextPropagation_onlyWhenAsked() {
    runner.run(ctx -> assertThat(ctx).doesNotHaveBean(ReactorContextPropagation.class));
    runner.withPropertyValues("lockn.reactor.context-propagation=true")
        .withClassLoader(new FilteredClassLoader("reactor.core"))
        .run(ctx -> assertThat(ctx).doesNotHaveBean(ReactorContextPropagation.class));
    try {
      runner.withPropertyValues("lockn.reactor.context-propagation=true").run(ctx -> {
        assertThat(ctx).hasSingleBean(ReactorContextPropagation.class);
        assertThat(ReactorContextPropagation.enabled()).isTrue();
      });
    } finally {
      Hooks.disableAutomaticContextPropagation();
    }
  }

  /** The application's OpenTelemetry: a real SDK. */
  /** A bean with an annotated method, proxied by Boot's AOP auto-configuration and LockN's advisor. */
  public static class Annotated {
    @io.lockn.core.annotation.AgentTask(agent = "billing-bot")
    public String answer() {
      return "paid";
    }
  }

  static class AnnotatedApp {
    final InMemorySpanExporter spans = InMemorySpanExporter.create();

    @Bean(destroyMethod = "close")
    OpenTelemetrySdk openTelemetry() {
      return OpenTelemetrySdk.builder()
          .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
          .build();
    }

    @Bean
    InMemorySpanExporter spans() {
      return spans;
    }

    @Bean
    Annotated annotated() {
      return new Annotated();
    }
  }

  @Test
  void agentTaskOnABean_isRecordedThroughBootsAopWithoutAspectJ() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(
            org.springframework.boot.autoconfigure.aop.AopAutoConfiguration.class, LockNAutoConfiguration.class))
        .withUserConfiguration(AnnotatedApp.class)
        .run(ctx -> {
          assertThat(ctx).hasNotFailed().hasSingleBean(io.lockn.springai.aop.LockNAnnotationAdvisor.class);
          assertThat(ctx.getBean(Annotated.class).answer()).isEqualTo("paid");
          assertThat(ctx.getBean(InMemorySpanExporter.class).getFinishedSpanItems())
              .extracting(io.opentelemetry.sdk.trace.data.SpanData::getName)
              .containsExactly("invoke_agent billing-bot");
        });
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(
            org.springframework.boot.autoconfigure.aop.AopAutoConfiguration.class, LockNAutoConfiguration.class))
        .withUserConfiguration(AnnotatedApp.class)
        .withPropertyValues("lockn.annotations.enabled=false")
        .run(ctx -> {
          assertThat(ctx).doesNotHaveBean(io.lockn.springai.aop.LockNAnnotationAdvisor.class);
          ctx.getBean(Annotated.class).answer();
          assertThat(ctx.getBean(InMemorySpanExporter.class).getFinishedSpanItems()).isEmpty();
        });
  }

  static class Otel {
    @Bean(destroyMethod = "close")
    OpenTelemetrySdk openTelemetry() {
      return OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder().build()).build();
    }
  }

  /** One bean of each type LockN would otherwise define. */
  static class UserBeans {
    final PriceCatalog catalog = PriceCatalog.builder().addAll(PriceCatalog.bundled()).build();
    final AttributionKeys keys = AttributionKeys.builder().setTenantKey("org").build();
    final ContentCapture capture = ContentCapture.enabled();
    final CostLedger ledger = CostLedger.create();
    final LockN lockn = LockN.noop();
    final CostPipeline cost = CostPipeline.builder(catalog).build();
    final AttributionSpanProcessor attribution = AttributionSpanProcessor.create(keys);
    final LockNObservationHandler handler = new LockNObservationHandler(lockn);
    final LockNContextAdvisor context = LockNContextAdvisor.builder(keys).build();
    final TokenCounter tokens = TokenCounter.none();
    final CallAdmission admission = request -> Admission.allowed();

    @Bean
    PriceCatalog myCatalog() {
      return catalog;
    }

    @Bean
    AttributionKeys myKeys() {
      return keys;
    }

    @Bean
    ContentCapture myCapture() {
      return capture;
    }

    @Bean
    CostLedger myLedger() {
      return ledger;
    }

    @Bean
    LockN myLockN() {
      return lockn;
    }

    @Bean
    CostPipeline myCost() {
      return cost;
    }

    @Bean
    AttributionSpanProcessor myAttribution() {
      return attribution;
    }

    @Bean
    LockNObservationHandler myHandler() {
      return handler;
    }

    @Bean
    LockNContextAdvisor myContext() {
      return context;
    }

    @Bean
    TokenCounter myTokens() {
      return tokens;
    }

    @Bean
    CallAdmission myAdmission() {
      return admission;
    }
  }

  /** The application's own budgets and budget advisor. */
  static class UserBudgets {
    final Budgets budgets = Budgets.builder(PriceCatalog.bundled())
        .addBudget(Budget.builder("mine").limitUsd("1").period(Period.perCall()).build())
        .build();
    final LockNBudgetAdvisor advisor = LockNBudgetAdvisor.builder(budgets).order(123).build();

    @Bean
    Budgets myBudgets() {
      return budgets;
    }

    @Bean
    LockNBudgetAdvisor myBudgetAdvisor() {
      return advisor;
    }
  }
}
