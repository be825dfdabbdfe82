package io.lockn.springai.autoconfigure;

import io.lockn.budget.ApprovalPolicy;
import io.lockn.budget.BudgetListener;
import io.lockn.budget.Budgets;
import io.lockn.compression.experiment.Experiment;
import io.lockn.compression.tokens.JtokkitTokenCounter;
import io.lockn.core.AttributionKeys;
import io.lockn.core.ContentCapture;
import io.lockn.core.LockN;
import io.lockn.core.LockNBuilder;
import io.lockn.core.LockNListener;
import io.lockn.core.sdk.AttributionSpanProcessor;
import io.lockn.core.spi.CallAdmission;
import io.lockn.core.spi.ScopeBinder;
import io.lockn.core.spi.TokenCounter;
import io.lockn.pricing.CostLedger;
import io.lockn.pricing.PriceCatalog;
import io.lockn.pricing.PricingConfig;
import io.lockn.pricing.PricingConfigException;
import io.lockn.pricing.autoconfigure.CostPipelineFactory;
import io.lockn.pricing.sdk.CostPipeline;
import io.lockn.pricing.sdk.SpanStage;
import io.lockn.core.spi.CallPricing;
import io.lockn.springai.LockNBudgetAdvisor;
import io.lockn.springai.LockNContextAdvisor;
import io.lockn.springai.LockNExperimentAdvisor;
import io.lockn.springai.LockNObservationHandler;
import io.lockn.springai.aop.LockNAnnotationAdvisor;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.Role;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.ChatClientBuilderCustomizer;
import org.springframework.ai.chat.client.advisor.ToolCallingAdvisor;
import org.springframework.ai.chat.client.advisor.api.Advisor;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.observation.ChatModelObservationContext;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.type.AnnotatedTypeMetadata;

/*
 * Design. One auto-configuration with a nested configuration per optional integration, each behind its own class
 * condition, so that lockn-budget, lockn-compression, the OpenTelemetry SDK, Spring AI and Reactor stay optional.
 *
 * Ordering. Nested configurations are registered before the enclosing class's own beans, in @Order order (Spring sorts
 * member classes), which is what makes @ConditionalOnBean(CallAdmission) on the budget advisor see the Budgets bean.
 *
 * Nested classes carry no @Configuration: Spring still processes them as (lite) member configuration classes because
 * they declare @Bean methods, but a component scan that covers this package (an application under io.lockn, LockN's
 * own tests) cannot pick them up on their own, outside this class's conditions. Only the outer class, an
 * @AutoConfiguration, is excluded from scanning by Spring Boot.
 *
 * Modes. With Spring Boot's own OpenTelemetry SDK (spring-boot-opentelemetry / micrometer-tracing-opentelemetry),
 * Boot builds its tracer provider from every SpanProcessor bean, so LockN contributes the cost and attribution
 * processors as beans. The OpenTelemetry Spring Boot starter (io.opentelemetry.instrumentation, 2.31.1 read) ignores
 * SpanProcessor beans and builds its SDK one of two ways, each with its own hook; it loads the hook's SPI from Spring
 * beans as well as from META-INF/services:
 *  - from properties: an AutoConfiguredOpenTelemetrySdk bean. LockN adds an AutoConfigurationCustomizerProvider bean
 *    that adds its processors and stands lockn-pricing's SPI down (that SPI would add a second cost pipeline, without
 *    the ledger and the application's beans).
 *  - from declarative configuration (otel.file_format set): an OpenTelemetryConfigurationModel bean and no
 *    AutoConfiguredOpenTelemetrySdk. No AutoConfigurationCustomizerProvider runs, lockn-pricing's SPI included, so
 *    without LockN nothing is priced. LockN adds a DeclarativeConfigurationCustomizerProvider bean that names its
 *    processors in the model, and ComponentProvider beans that resolve those names.
 * In both starter modes the processors are not beans (so that no other tracer provider collects them too), unless
 * the application defines them; the ledger is fed in every mode.
 *
 * Cycles. The span processors are inputs of the OpenTelemetry bean, so they never depend on it directly: their meter
 * provider is looked up on first use (DeferredMeterProvider, through the LockNMeters bean of LockNMetricsConfiguration,
 * which also chooses between OpenTelemetry and Micrometer for lockn.metrics.export).
 *
 * Pricing. Every mode prices through the same objects: lockn.pricing.* and lockn.attribution.* are checked by
 * lockn-pricing's PricingConfig (the PricingConfig bean, PricingFromProperties) and the catalog and the cost pipeline
 * are built by lockn-pricing's CostPipelineFactory, which the SDK and Java agent extensions use too.
 */

/**
 * Auto-configures LockN for a Spring Boot application, from {@link LockNProperties} ({@code lockn.*}):
 *
 * <ul>
 *   <li>{@link PricingConfig} ({@code lockn.pricing.*}, {@code lockn.attribution.*}), {@link PriceCatalog} (bundled
 *       prices, overridden by {@code lockn.pricing.*}), {@link AttributionKeys}, {@link
 *       ContentCapture}, {@link CostLedger} and {@link LockN} (on the {@link OpenTelemetry} bean, else {@link
 *       GlobalOpenTelemetry}, admitting calls through the {@link CallAdmission} bean if there is one);
 *   <li>{@link Budgets} when {@code lockn-budget} is on the classpath, {@code lockn.budgets.*} configures a budget and
 *       the application defines no {@link CallAdmission} of its own;
 *   <li>{@link CostPipeline} (first) and {@link AttributionSpanProcessor} as {@link SpanProcessor} beans for
 *       Spring Boot's OpenTelemetry tracer provider; when the OpenTelemetry Spring Boot starter builds the SDK
 *       instead, the same processors through that starter's hooks: an {@code AutoConfigurationCustomizerProvider}
 *       bean (SDK from properties) or a {@code DeclarativeConfigurationCustomizerProvider} bean with {@code
 *       ComponentProvider} beans ({@code otel.file_format});
 *   <li>with Spring AI: {@link LockNObservationHandler}, the ChatClient advisors ({@link LockNContextAdvisor}, {@link
 *       LockNBudgetAdvisor} when a {@link CallAdmission} bean exists, {@link LockNExperimentAdvisor} when an {@link
 *       Experiment} bean exists) and the {@link ChatClientBuilderCustomizer}s that add them to every auto-configured
 *       {@code ChatClient.Builder}.
 * </ul>
 *
 * Every bean backs off when the application defines one of the same type; the customizers, of which an application
 * may have many, when it defines one of the same name. {@code lockn.enabled=false} turns it all off.
 */
@AutoConfiguration(
    afterName = {
      "io.opentelemetry.instrumentation.spring.autoconfigure.OpenTelemetryAutoConfiguration",
      "org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration"
    })
@ConditionalOnClass(LockN.class)
@ConditionalOnBooleanProperty(name = "lockn.enabled", matchIfMissing = true)
@EnableConfigurationProperties(LockNProperties.class)
@Import(LockNMetricsConfiguration.class)
public final class LockNAutoConfiguration {

  /** The AutoConfiguredOpenTelemetrySdk class: its bean means the OpenTelemetry Spring Boot starter built the SDK. */
  static final String AUTOCONFIGURED_SDK = "io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk";

  /**
   * The declarative configuration model: the OpenTelemetry Spring Boot starter defines it as a bean only when it
   * builds the SDK from declarative configuration ({@code otel.file_format}).
   */
  static final String DECLARATIVE_MODEL =
      "io.opentelemetry.sdk.autoconfigure.declarativeconfig.model.OpenTelemetryConfigurationModel";

  /** Created by Spring. */
  LockNAutoConfiguration() {}

  /** {@code lockn.pricing.*} and {@code lockn.attribution.*}, checked by lockn-pricing's one parser of them. */
  @Bean
  @ConditionalOnMissingBean
  PricingConfig lockNPricingConfig(LockNProperties properties) {
    return PricingFromProperties.config(properties);
  }

  /** Built by lockn-pricing's {@link CostPipelineFactory}, as in every other wiring. */
  @Bean
  @ConditionalOnMissingBean
  PriceCatalog lockNPriceCatalog(PricingConfig pricing, LockNProperties properties) {
    return PricingFromProperties.catalog(pricing, properties);
  }

  @Bean
  @ConditionalOnMissingBean
  AttributionKeys lockNAttributionKeys(PricingConfig pricing) {
    return pricing.attributionKeys();
  }

  @Bean
  @ConditionalOnMissingBean
  ContentCapture lockNContentCapture(LockNProperties properties) {
    LockNProperties.ContentCapture c = properties.getContentCapture();
    ContentCapture capture = c.getEnabled() == null ? ContentCapture.fromEnvironment()
        : c.getEnabled() ? ContentCapture.enabled() : ContentCapture.disabled();
    return capture.withMaxLength(c.getMaxLength());
  }

  @Bean
  @ConditionalOnMissingBean
  CostLedger lockNCostLedger(LockNProperties properties) {
    LockNProperties.Ledger ledger = properties.getLedger();
    // CostLedger's own rules, each wrapped with the property it is about.
    Duration bucket;
    try {
      bucket = CostLedger.checkBucket(ledger.getBucket());
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigurationPropertyValueException("lockn.ledger.bucket", ledger.getBucket(), e.getMessage());
    }
    try {
      return CostLedger.create(CostLedger.checkRetention(ledger.getRetention(), bucket), bucket);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigurationPropertyValueException(
          "lockn.ledger.retention", ledger.getRetention(), e.getMessage());
    }
  }

  @Bean
  @ConditionalOnMissingBean
  LockN lockN(
      ObjectProvider<OpenTelemetry> openTelemetry,
      AttributionKeys attributionKeys,
      ContentCapture contentCapture,
      ObjectProvider<CallAdmission> callAdmission,
      ObjectProvider<CallPricing> callPricing,
      ObjectProvider<TokenCounter> tokenCounter,
      ObjectProvider<LockNListener> listeners,
      LockNMeters meters,
      ObjectProvider<ScopeBinder> scopeBinder) {
    LockNBuilder b = LockN.builder()
        .setOpenTelemetry(meters.openTelemetry(openTelemetry.getIfAvailable(GlobalOpenTelemetry::get)))
        .setAttributionKeys(attributionKeys)
        .setContentCapture(contentCapture);
    callAdmission.ifUnique(b::setCallAdmission);
    callPricing.ifUnique(b::setCallPricing);
    tokenCounter.ifUnique(b::setTokenCounter);
    listeners.orderedStream().forEach(b::addListener);
    // LockNObservationsAutoConfiguration's, with Micrometer Tracing: agents and tasks become Observations.
    scopeBinder.ifUnique(b::setScopeBinder);
    return b.build();
  }

  /** {@link Budgets} from {@code lockn.budgets.*}, when {@code lockn-budget} is present and a budget is configured. */
  @ConditionalOnClass(Budgets.class)
  @Conditional(BudgetsConfiguredCondition.class)
  @Order(1)
  static class BudgetsConfiguration {

    @Bean
    @ConditionalOnMissingBean(CallAdmission.class)
    Budgets lockNBudgets(
        LockNProperties properties,
        PriceCatalog catalog,
        LockNMeters meters,
        ObjectProvider<BudgetListener> listeners,
        ObjectProvider<ApprovalPolicy> approvalPolicy) {
      return BudgetsFromProperties.create(
          properties.getBudgets(),
          catalog,
          meters.meterProvider(),
          listeners.orderedStream().toList(),
          approvalPolicy.getIfUnique());
    }
  }

  /** Counts prompt tokens for budget estimates, when {@code lockn-compression} (and jtokkit) is present. */
  @ConditionalOnClass(name = {"io.lockn.compression.tokens.JtokkitTokenCounter", "com.knuddels.jtokkit.Encodings"})
  @Order(2)
  static class TokenCounterConfiguration {

    @Bean
    @ConditionalOnMissingBean
    TokenCounter lockNTokenCounter() {
      return new JtokkitTokenCounter();
    }
  }

  /**
   * LockN's cost pipeline: the call pricing of the {@link LockN} bean and, as a span processor, the pricing of other
   * instrumentations' spans and the roll-ups. With Spring Boot's own OpenTelemetry SDK it is collected as a {@link
   * SpanProcessor} bean, first; the OpenTelemetry Spring Boot starter's SDK gets it through the starter's hooks.
   */
  @ConditionalOnClass(SpanProcessor.class)
  @Order(0)
  static class CostPipelineConfiguration {

    /**
     * Through lockn-pricing's {@link CostPipelineFactory}, as in every other wiring: the catalog, the metric keys and
     * cardinality limit of {@code lockn.pricing.metric.*}, the ledger, the {@link AttributionKeys} bean, the meters of
     * the OpenTelemetry bean and the application's {@link SpanStage} beans. It leaves copying Baggage attribution to
     * the {@link AttributionSpanProcessor} LockN registers beside it (which also runs when pricing is off).
     */
    @Bean
    @ConditionalOnMissingBean
    @Conditional(PricingEnabledCondition.class)
    @Order(Ordered.HIGHEST_PRECEDENCE)
    CostPipeline lockNCostPipeline(
        PricingConfig pricing,
        PriceCatalog catalog,
        CostLedger ledger,
        AttributionKeys attributionKeys,
        LockNMeters meters,
        ObjectProvider<SpanStage<?>> stages) {
      CostPipeline.Builder b = CostPipelineFactory.pipeline(pricing, catalog)
          .setAttributionKeys(attributionKeys)
          .setCopyBaggageAttribution(false)
          .setLedger(ledger)
          .setMeterProvider(meters.meterProvider());
      stages.orderedStream().forEach(b::addStage);
      return b.build();
    }
  }

  /** LockN's span processors for Spring Boot's own OpenTelemetry SDK. */
  @ConditionalOnClass(SpanProcessor.class)
  @ConditionalOnMissingBean(type = {AUTOCONFIGURED_SDK, DECLARATIVE_MODEL})
  @Order(3)
  static class SpanProcessorConfiguration {

    @Bean
    @ConditionalOnMissingBean
    @Order(Ordered.HIGHEST_PRECEDENCE + 1)
    AttributionSpanProcessor lockNAttributionSpanProcessor(AttributionKeys attributionKeys) {
      return AttributionSpanProcessor.create(attributionKeys);
    }
  }

  /**
   * The processors LockN adds to the OpenTelemetry Spring Boot starter's SDK: the application's own {@link
   * CostPipeline} and {@link AttributionSpanProcessor} beans if it defines them, else LockN's (built by {@link
   * CostPipelineFactory}); no cost processor when {@code lockn.pricing.enabled=false}.
   */
  record StarterProcessors(@Nullable CostPipeline cost, AttributionSpanProcessor attribution) {

    static StarterProcessors of(
        AttributionKeys attributionKeys,
        PricingConfig pricing,
        ObjectProvider<CostPipeline> userCost,
        ObjectProvider<AttributionSpanProcessor> userAttribution) {
      CostPipeline cost = pricing.enabled() ? userCost.getIfUnique() : null;
      return new StarterProcessors(
          cost, userAttribution.getIfUnique(() -> AttributionSpanProcessor.create(attributionKeys)));
    }
  }

  /**
   * The OpenTelemetry Spring Boot starter built its SDK from properties (an {@code AutoConfiguredOpenTelemetrySdk}
   * bean): LockN's processors go in through a customizer provider bean, which the starter loads with the SPI ones.
   */
  @ConditionalOnClass(
      name = {AUTOCONFIGURED_SDK, "io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizerProvider"})
  @ConditionalOnBean(type = AUTOCONFIGURED_SDK)
  @Order(3)
  static class StarterPropertiesConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "lockNAutoConfigurationCustomizerProvider")
    io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizerProvider lockNAutoConfigurationCustomizerProvider(
        AttributionKeys attributionKeys,
        PricingConfig pricing,
        ObjectProvider<CostPipeline> userCost,
        ObjectProvider<AttributionSpanProcessor> userAttribution) {
      StarterProcessors p = StarterProcessors.of(attributionKeys, pricing, userCost, userAttribution);
      return new StarterCustomizerProvider(p.cost(), p.attribution());
    }
  }

  /**
   * The OpenTelemetry Spring Boot starter builds its SDK from declarative configuration ({@code otel.file_format}):
   * LockN names its processors in the configuration model and resolves the names with component provider beans.
   */
  @ConditionalOnClass(
      name = {
        DECLARATIVE_MODEL,
        "io.opentelemetry.sdk.autoconfigure.declarativeconfig.DeclarativeConfigurationCustomizerProvider",
        "io.opentelemetry.sdk.autoconfigure.spi.internal.ComponentProvider"
      })
  @ConditionalOnBean(type = DECLARATIVE_MODEL)
  @Order(3)
  static class StarterDeclarativeConfiguration {

    @Bean
    StarterProcessors lockNStarterProcessors(
        AttributionKeys attributionKeys,
        PricingConfig pricing,
        ObjectProvider<CostPipeline> userCost,
        ObjectProvider<AttributionSpanProcessor> userAttribution) {
      return StarterProcessors.of(attributionKeys, pricing, userCost, userAttribution);
    }

    @Bean
    @ConditionalOnMissingBean(name = "lockNDeclarativeConfigurationCustomizerProvider")
    io.opentelemetry.sdk.autoconfigure.declarativeconfig.DeclarativeConfigurationCustomizerProvider
        lockNDeclarativeConfigurationCustomizerProvider(StarterProcessors processors) {
      return new DeclarativeStarterCustomizer(processors.cost() == null
          ? List.of(DeclarativeStarterCustomizer.ATTRIBUTION)
          : List.of(DeclarativeStarterCustomizer.COST, DeclarativeStarterCustomizer.ATTRIBUTION));
    }

    /** Only when pricing is on (a configuration that still names lockn_cost then fails, naming it). */
    @Bean
    @Conditional(PricingEnabledCondition.class)
    io.opentelemetry.sdk.autoconfigure.spi.internal.ComponentProvider lockNCostComponentProvider(
        StarterProcessors processors) {
      return new DeclarativeStarterCustomizer.Component(
          DeclarativeStarterCustomizer.COST, Objects.requireNonNull(processors.cost(), "cost"));
    }

    @Bean
    io.opentelemetry.sdk.autoconfigure.spi.internal.ComponentProvider lockNAttributionComponentProvider(
        StarterProcessors processors) {
      return new DeclarativeStarterCustomizer.Component(DeclarativeStarterCustomizer.ATTRIBUTION,
          processors.attribution());
    }
  }

  /** Enriches Spring AI's chat, embedding and tool observations. */
  @ConditionalOnClass(ChatModelObservationContext.class)
  @Order(4)
  static class ObservationConfiguration {

    @Bean
    @ConditionalOnMissingBean
    LockNObservationHandler lockNObservationHandler(
        LockN lockn, AttributionKeys attributionKeys, ObjectProvider<CallPricing> callPricing) {
      // The cost pipeline prices the calls whose bridged span is not sampled, as it prices the sampled ones.
      return new LockNObservationHandler(lockn, attributionKeys, callPricing.getIfUnique(CallPricing::none));
    }
  }

  /**
   * {@code @AgentTask} and {@code @AgentTool} on beans: an infrastructure advisor, which Boot's {@code
   * AopAutoConfiguration} applies with or without AspectJ.
   */
  @ConditionalOnClass(name = "org.springframework.aop.support.DefaultPointcutAdvisor")
  @ConditionalOnBooleanProperty(name = "lockn.annotations.enabled", matchIfMissing = true)
  @Order(6)
  static class AnnotationConfiguration {

    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    @ConditionalOnMissingBean
    static LockNAnnotationAdvisor lockNAnnotationAdvisor(ObjectProvider<LockN> lockn) {
      return new LockNAnnotationAdvisor(lockn::getObject);
    }
  }

  /** LockN's ChatClient advisors, added to every auto-configured {@code ChatClient.Builder}. */
  @ConditionalOnClass(ChatClient.class)
  @Order(5)
  static class ChatClientConfiguration {

    @Bean
    @ConditionalOnMissingBean
    LockNContextAdvisor lockNContextAdvisor(AttributionKeys attributionKeys) {
      return LockNContextAdvisor.builder(attributionKeys).build();
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(CallAdmission.class)
    LockNBudgetAdvisor lockNBudgetAdvisor(
        CallAdmission callAdmission,
        AttributionKeys attributionKeys,
        ObjectProvider<TokenCounter> tokenCounter,
        ObjectProvider<ToolCallingAdvisor.Builder<?>> toolCallingAdvisor,
        ObjectProvider<ChatModel> chatModel) {
      LockNBudgetAdvisor.Builder b = LockNBudgetAdvisor.builder(callAdmission)
          .attributionKeys(attributionKeys)
          .order(budgetAdvisorOrder(toolCallingAdvisor.getIfAvailable()));
      tokenCounter.ifUnique(b::tokenCounter);
      String model = defaultModel(chatModel.getIfUnique());
      if (model != null) {
        b.defaultModel(model);
      }
      return b.build();
    }

    /** The model a ChatClient request without options is sent to: the chat model's configured default. */
    static @Nullable String defaultModel(@Nullable ChatModel chatModel) {
      ChatOptions options = chatModel == null ? null : chatModel.getDefaultOptions();
      String model = options == null ? null : options.getModel();
      return model == null || model.isBlank() ? null : model;
    }

    @Bean
    @ConditionalOnMissingBean(name = "lockNChatClientBuilderCustomizer")
    ChatClientBuilderCustomizer lockNChatClientBuilderCustomizer(
        ObjectProvider<LockNContextAdvisor> contextAdvisor, ObjectProvider<LockNBudgetAdvisor> budgetAdvisor) {
      return new AdvisorsCustomizer(contextAdvisor, budgetAdvisor);
    }

    /** Inside Spring AI's tool loop: 100 after the ToolCallingAdvisor, so that every model round trip is admitted. */
    static int budgetAdvisorOrder(ToolCallingAdvisor.@Nullable Builder<?> toolCalling) {
      if (toolCalling == null) {
        return LockNBudgetAdvisor.DEFAULT_ORDER;
      }
      int order = toolCalling.getAdvisorOrder();
      // Ordered.LOWEST_PRECEDENCE is the model's own advisor, which must stay last.
      return order >= Ordered.LOWEST_PRECEDENCE - 101 ? Ordered.LOWEST_PRECEDENCE - 1 : order + 100;
    }
  }

  /** A/B assignment when the application defines an {@link Experiment} bean ({@code lockn-compression}). */
  @ConditionalOnClass({ChatClient.class, Experiment.class})
  @ConditionalOnBean(Experiment.class)
  @Order(6)
  static class ExperimentConfiguration {

    @Bean
    @ConditionalOnMissingBean
    LockNExperimentAdvisor lockNExperimentAdvisor(
        Experiment experiment, LockNProperties properties, AttributionKeys attributionKeys) {
      String unitKey = properties.getExperiment().getUnitKey();
      return LockNExperimentAdvisor.of(
          experiment, unitKey != null ? unitKey : attributionKeys.tenantKey(), LockNExperimentAdvisor.DEFAULT_ORDER);
    }

    @Bean
    @ConditionalOnMissingBean(name = "lockNExperimentChatClientBuilderCustomizer")
    ChatClientBuilderCustomizer lockNExperimentChatClientBuilderCustomizer(
        ObjectProvider<LockNExperimentAdvisor> experimentAdvisor) {
      return new AdvisorsCustomizer(experimentAdvisor);
    }
  }

  /** Turns on Reactor's automatic context propagation once, when asked to. */
  @ConditionalOnClass(name = "reactor.core.publisher.Hooks")
  @ConditionalOnBooleanProperty("lockn.reactor.context-propagation")
  @Order(7)
  static class ReactorConfiguration {

    @Bean
    ReactorContextPropagation lockNReactorContextPropagation() {
      return ReactorContextPropagation.enable();
    }
  }

  /** Adds the advisors that exist, in their own order, to a ChatClient builder. */
  static final class AdvisorsCustomizer implements ChatClientBuilderCustomizer {
    private final List<ObjectProvider<? extends Advisor>> advisors;

    @SafeVarargs
    AdvisorsCustomizer(ObjectProvider<? extends Advisor>... advisors) {
      this.advisors = List.of(advisors);
    }

    @Override
    public void customize(ChatClient.Builder builder) {
      List<Advisor> present = advisors.stream()
          .flatMap(ObjectProvider::orderedStream)
          .map(Advisor.class::cast)
          .toList();
      if (!present.isEmpty()) {
        builder.defaultAdvisors(present);
      }
    }

    @Override
    public String toString() {
      return "LockN ChatClientBuilderCustomizer";
    }
  }

  /**
   * Matches unless {@code lockn.pricing.enabled} is {@code false}, read by lockn-pricing's rule ({@link
   * PricingConfig#parseBoolean}) rather than Spring's, which would also take {@code yes}, {@code on} and {@code 1}: the
   * key means the same as in the SDK and Java agent extensions. An invalid value matches, so that the pricing
   * configuration bean reports it.
   */
  static final class PricingEnabledCondition extends SpringBootCondition {
    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
      String value = context.getEnvironment().getProperty(PricingConfig.ENABLED);
      try {
        return PricingConfig.parseBoolean(PricingConfig.ENABLED, value, true)
            ? ConditionOutcome.match(PricingConfig.ENABLED + " is not false")
            : ConditionOutcome.noMatch(PricingConfig.ENABLED + "=false");
      } catch (PricingConfigException invalid) {
        return ConditionOutcome.match(invalid.getMessage() + " (reported by the lockNPricingConfig bean)");
      }
    }
  }

  /** Matches when {@code lockn.budgets.file} or {@code lockn.budgets.items} is set. */
  static final class BudgetsConfiguredCondition extends SpringBootCondition {
    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
      boolean configured;
      try {
        configured = Binder.get(context.getEnvironment())
            .bind("lockn.budgets", LockNProperties.Budgets.class)
            .map(LockNProperties.Budgets::isConfigured)
            .orElse(false);
      } catch (RuntimeException e) {
        // Something is set but does not bind: match, so that binding LockNProperties reports it with the property.
        configured = true;
      }
      return configured
          ? ConditionOutcome.match("lockn.budgets configures a budget")
          : ConditionOutcome.noMatch("no budget in lockn.budgets.file or lockn.budgets.items");
    }
  }
}
