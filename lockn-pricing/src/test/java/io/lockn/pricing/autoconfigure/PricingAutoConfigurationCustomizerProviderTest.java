package io.lockn.pricing.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lockn.pricing.CostAttributes;
import io.lockn.pricing.PricingConfig;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdkBuilder;
import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizerProvider;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real SDK autoconfigure, which finds the provider through {@code META-INF/services} (nothing registers it by
 * hand), on a chat span shaped like the OpenTelemetry Java agent's OpenAI spans.
 */
class PricingAutoConfigurationCustomizerProviderTest {

  // gpt-4o-mini, bundled: input $0.15, cache read $0.075, output $0.60 per 1M tokens.
  // 1200 input tokens of which 1000 cache reads, 300 output: 200*150 + 1000*75 + 300*600 nano-USD.
  private static final long BUNDLED_NANOS = 30_000L + 75_000L + 180_000L;

  private static final AttributeKey<String> TENANT = AttributeKey.stringKey("app.tenant_id");

  @TempDir Path dir;

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  private final List<LogRecord> logs = new ArrayList<>();
  private final Logger julLogger = Logger.getLogger(PricingAutoConfigurationCustomizerProvider.LOGGER_NAME);
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          synchronized (logs) {
            logs.add(record);
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
  private final List<OpenTelemetrySdk> sdks = new ArrayList<>();

  @BeforeEach
  void setUp() {
    julLogger.addHandler(capture);
    // The errors these tests provoke are asserted on, not printed.
    julLogger.setUseParentHandlers(false);
  }

  @AfterEach
  void tearDown() {
    julLogger.removeHandler(capture);
    julLogger.setUseParentHandlers(true);
    sdks.forEach(OpenTelemetrySdk::close);
    GlobalOpenTelemetry.resetForTest();
  }

  private AutoConfiguredOpenTelemetrySdkBuilder autoconfigure(Map<String, String> extra) {
    Map<String, String> props = new HashMap<>();
    props.put("otel.traces.exporter", "none");
    props.put("otel.metrics.exporter", "none");
    props.put("otel.logs.exporter", "none");
    props.put("otel.service.name", "pricing-autoconfigure-test");
    props.putAll(extra);
    return AutoConfiguredOpenTelemetrySdk.builder()
        .addPropertiesSupplier(() -> props)
        .addTracerProviderCustomizer((b, c) -> b.addSpanProcessor(SimpleSpanProcessor.create(spans)))
        .addMeterProviderCustomizer((b, c) -> b.registerMetricReader(metrics))
        .disableShutdownHook();
  }

  /** Starts an autoconfigured SDK made global, as the Java agent does. */
  private OpenTelemetrySdk start(Map<String, String> extra) {
    OpenTelemetrySdk sdk = autoconfigure(extra).setResultAsGlobal().build().getOpenTelemetrySdk();
    sdks.add(sdk);
    return sdk;
  }

  /** A chat span with the attributes the Java agent's openai-java instrumentation sets, tenant acme. */
  private static SpanData chat(OpenTelemetrySdk sdk, InMemorySpanExporter spans) {
    Span span = startChat(sdk, "gpt-4o-mini");
    span.setAttribute("gen_ai.response.model", "gpt-4o-mini-2024-07-18");
    span.setAttribute(TENANT, "acme");
    return end(span, spans);
  }

  /**
   * A chat span started as the Java agent's openai-java instrumentation starts it: {@code gen_ai.operation.name} set
   * on the span builder, so that it is known at start; never the attribution, which only Baggage carries.
   */
  private static Span startChat(OpenTelemetrySdk sdk, String requestModel) {
    return sdk.getTracer("io.opentelemetry.openai-java-1.1")
        .spanBuilder("chat " + requestModel)
        .setSpanKind(SpanKind.CLIENT)
        .setAttribute("gen_ai.operation.name", "chat")
        .setAttribute("gen_ai.provider.name", "openai")
        .setAttribute("gen_ai.request.model", requestModel)
        .startSpan();
  }

  /** Sets the usage (1200 input tokens of which 1000 cache reads, 300 output), ends the span and returns it. */
  private static SpanData end(Span span, InMemorySpanExporter spans) {
    span.setAttribute("gen_ai.usage.input_tokens", 1200L);
    span.setAttribute("gen_ai.usage.cache_read.input_tokens", 1000L);
    span.setAttribute("gen_ai.usage.output_tokens", 300L);
    span.end();
    List<SpanData> finished = spans.getFinishedSpanItems();
    assertThat(finished).isNotEmpty();
    return finished.get(finished.size() - 1);
  }

  /** A gpt-4o-mini chat span started with {@code key=value} in the current Baggage, as in an agent-instrumented app. */
  private static SpanData chatInBaggage(OpenTelemetrySdk sdk, InMemorySpanExporter spans, String key, String value) {
    Span span;
    try (Scope scope = Context.current().with(Baggage.builder().put(key, value).build()).makeCurrent()) {
      span = startChat(sdk, "gpt-4o-mini");
    }
    return end(span, spans);
  }

  /** The cost metric's total over the points whose {@code tenantKey} attribute is {@code tenant}. */
  private long costMetricSum(String tenantKey, String tenant) {
    MetricData cost = metrics.collectAllMetrics().stream()
        .filter(m -> m.getName().equals("lockn.client.cost")).findFirst().orElseThrow();
    return cost.getLongSumData().getPoints().stream()
        .filter(p -> tenant.equals(p.getAttributes().get(AttributeKey.stringKey(tenantKey))))
        .mapToLong(LongPointData::getValue).sum();
  }

  private List<String> messages(Level level) {
    synchronized (logs) {
      return logs.stream().filter(r -> r.getLevel().equals(level)).map(LogRecord::getMessage).toList();
    }
  }

  private Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
  }

  private static String lockNCatalog(String input, String cacheRead, String output) {
    return "{\"schema_version\": 1, \"currency\": \"USD\", \"models\": [{\"provider\": \"openai\", \"model\": "
        + "\"gpt-4o-mini\", \"aliases\": [\"gpt-4o-mini-2024-07-18\"], \"prices\": [{\"input\": \"" + input
        + "\", \"cache_read\": \"" + cacheRead + "\", \"output\": \"" + output + "\"}]}]}";
  }

  @Test
  void isRegisteredAsService() {
    assertThat(ServiceLoader.load(AutoConfigurationCustomizerProvider.class).stream()
            .map(ServiceLoader.Provider::type))
        .contains(PricingAutoConfigurationCustomizerProvider.class);
  }

  @Test
  void chatSpan_isPricedWithTheBundledCatalog() {
    SpanData span = chat(start(Map.of()), spans);

    Attributes a = span.getAttributes();
    assertThat(a.get(CostAttributes.TOTAL_NANOS)).isEqualTo(BUNDLED_NANOS);
    assertThat(a.get(CostAttributes.SOURCE)).isNull(); // local, unless asked for with the breakdown
    assertThat(a.get(CostAttributes.CURRENCY)).isNull();
    assertThat(a.get(CostAttributes.PRICING_ID)).startsWith("openai/gpt-4o-mini");
    assertThat(a.get(CostAttributes.CACHE_READ)).isNull(); // the parts only with lockn.pricing.span.cost-breakdown
    assertThat(messages(Level.SEVERE)).isEmpty();
  }

  @Test
  void spanCostBreakdown_writesThePartsByTokenClass() {
    SpanData span = chat(start(Map.of(PricingConfig.SPAN_COST_BREAKDOWN, "true")), spans);

    assertThat(span.getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(BUNDLED_NANOS);
    assertThat(span.getAttributes().get(CostAttributes.CACHE_READ)).isEqualTo(0.000075);
  }

  @Test
  void costMetric_carriesTheConfiguredAttributionKeys_whenTheSdkIsGlobal() {
    chat(start(Map.of(PricingConfig.METRIC_ATTRIBUTION_KEYS,
        "app.tenant_id, app.cost_center")), spans);

    MetricData cost = metrics.collectAllMetrics().stream()
        .filter(m -> m.getName().equals("lockn.client.cost")).findFirst().orElseThrow();
    List<LongPointData> points = new ArrayList<>(cost.getLongSumData().getPoints());
    assertThat(points.stream().mapToLong(LongPointData::getValue).sum()).isEqualTo(BUNDLED_NANOS);
    assertThat(points).allSatisfy(p -> assertThat(p.getAttributes().get(TENANT)).isEqualTo("acme"));
  }

  @Test
  void withoutAGlobalSdk_spansArePriced_theMetricIsSkipped_andTheGlobalIsLeftUnset() {
    OpenTelemetrySdk sdk = autoconfigure(Map.of()).build().getOpenTelemetrySdk();
    sdks.add(sdk);

    SpanData span = chat(sdk, spans);

    assertThat(span.getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(BUNDLED_NANOS);
    assertThat(GlobalOpenTelemetry.isSet()).isFalse();
    assertThat(messages(Level.WARNING)).singleElement().asString().contains("GlobalOpenTelemetry was not set");
    assertThat(metrics.collectAllMetrics()).noneMatch(m -> m.getName().startsWith("lockn."));
  }

  @Test
  void catalogFiles_replaceBundledPrices_andTheLastListedWins() throws IOException {
    Path first = write("first.json", lockNCatalog("1", "0.5", "2"));
    Path second = write("second.json", lockNCatalog("0.30", "0.15", "1.20"));

    SpanData span = chat(start(Map.of(PricingConfig.CATALOG, first + " , " + second)),
        spans);

    assertThat(span.getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(2 * BUNDLED_NANOS);
  }

  private Path liteLlmFile() throws IOException {
    // Twice the bundled gpt-4o-mini prices, in USD per token as LiteLLM writes them.
    return write("model_prices_and_context_window.json",
        "{\"sample_spec\": {\"litellm_provider\": \"openai\"}, \"gpt-4o-mini\": {\"litellm_provider\": \"openai\", "
            + "\"mode\": \"chat\", \"input_cost_per_token\": 3e-7, \"output_cost_per_token\": 1.2e-6, "
            + "\"cache_read_input_token_cost\": 1.5e-7}}");
  }

  @Test
  void liteLlmFile_replacesBundledPrices() throws IOException {
    SpanData span = chat(start(Map.of(PricingConfig.LITELLM, liteLlmFile().toString())),
        spans);

    assertThat(span.getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(2 * BUNDLED_NANOS);
  }

  @Test
  void catalogFiles_winOverTheLiteLlmFile() throws IOException {
    Path mine = write("mine.json", lockNCatalog("0.15", "0.075", "0.60"));

    SpanData span = chat(start(Map.of(PricingConfig.LITELLM, liteLlmFile().toString(),
        PricingConfig.CATALOG, mine.toString())), spans);

    assertThat(span.getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(BUNDLED_NANOS);
  }

  @Test
  void badFile_logsOneErrorNamingIt_andPricesWithTheBundledCatalogAlone() throws IOException {
    Path good = write("good.json", lockNCatalog("1", "0.5", "2"));
    Path bad = write("bad.json", "{\"schema_version\": 1, \"models\": [{\"provider\": \"openai\", \"model\": \"x\", "
        + "\"prices\": [{\"input\": \"0.1\"}]}]}");

    SpanData span = chat(start(Map.of(PricingConfig.CATALOG, good + "," + bad)),
        spans);

    assertThat(span.getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(BUNDLED_NANOS);
    List<String> errors = messages(Level.SEVERE);
    assertThat(errors).hasSize(1);
    assertThat(errors.get(0)).containsOnlyOnce(bad.toString()).contains("output is missing")
        .contains("lockn.pricing.catalog[1]: cannot load " + bad).contains("bundled catalog only");
  }

  @Test
  void missingLiteLlmFile_isNamed() {
    Path missing = dir.resolve("no-such-file.json");

    SpanData span = chat(start(Map.of(PricingConfig.LITELLM, missing.toString())),
        spans);

    assertThat(span.getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(BUNDLED_NANOS);
    assertThat(messages(Level.SEVERE)).singleElement().asString()
        .contains("lockn.pricing.litellm: cannot load " + missing + ": no such file");
  }

  @Test
  void badFile_withFailOnError_abortsStartUpNamingIt() throws IOException {
    Path bad = write("bad.json", "{ not json");
    AutoConfiguredOpenTelemetrySdkBuilder builder =
        autoconfigure(Map.of(PricingConfig.CATALOG, bad.toString(),
            PricingConfig.FAIL_ON_ERROR, "true"));

    assertThatThrownBy(builder::build).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining(bad.toString()).hasMessageContaining("not valid JSON");
  }

  @Test
  void disabled_addsNothing() {
    SpanData span = chat(start(Map.of(PricingConfig.ENABLED, "false")), spans);

    assertThat(span.getAttributes().get(CostAttributes.TOTAL_NANOS)).isNull();
  }

  @Test
  void invalidFlag_isReported_andTheDefaultApplies() {
    SpanData span = chat(start(Map.of(PricingConfig.ENABLED, "yes")), spans);

    assertThat(span.getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(BUNDLED_NANOS);
    assertThat(messages(Level.SEVERE)).singleElement().asString().contains("lockn.pricing.enabled")
        .contains("\"yes\"");
  }

  @Test
  void invalidFlag_withFailOnError_abortsStartUp() {
    AutoConfiguredOpenTelemetrySdkBuilder builder =
        autoconfigure(Map.of(PricingConfig.ENABLED, "yes",
            PricingConfig.FAIL_ON_ERROR, "true"));

    assertThatThrownBy(builder::build).isInstanceOf(ConfigurationException.class)
        .hasMessage("LockN pricing: lockn.pricing.enabled: must be true or false, was \"yes\"");
  }

  @Test
  void baggageAttribution_isCopiedOntoOtherInstrumentationsSpans_andReachesTheCostMetric() {
    OpenTelemetrySdk sdk = start(Map.of(PricingConfig.METRIC_ATTRIBUTION_KEYS, "app.tenant_id"));

    SpanData span = chatInBaggage(sdk, spans, "app.tenant_id", "acme");

    // The agent's instrumentation never sets the tenant: the pipeline copied it from Baggage when the span started.
    assertThat(span.getAttributes().get(TENANT)).isEqualTo("acme");
    assertThat(span.getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(BUNDLED_NANOS);
    assertThat(costMetricSum("app.tenant_id", "acme")).isEqualTo(BUNDLED_NANOS);
  }

  @Test
  void attributionKeys_areThoseOfTheLocknAttributionProperties() {
    OpenTelemetrySdk sdk = start(Map.of(PricingConfig.ATTRIBUTION_TENANT, "org.id",
        PricingConfig.METRIC_ATTRIBUTION_KEYS, "org.id"));

    SpanData span = chatInBaggage(sdk, spans, "org.id", "acme");
    SpanData other = chatInBaggage(sdk, spans, "app.tenant_id", "globex");

    assertThat(span.getAttributes().get(AttributeKey.stringKey("org.id"))).isEqualTo("acme");
    // app.tenant_id is no longer allowlisted, so it stays in Baggage.
    assertThat(other.getAttributes().get(TENANT)).isNull();
    assertThat(costMetricSum("org.id", "acme")).isEqualTo(BUNDLED_NANOS);
  }

  @Test
  void aliasesAndDiscounts_inTheirOneLineForm_applyToTheAgentsSpans() {
    OpenTelemetrySdk sdk = start(Map.of(PricingConfig.ALIASES, "prod-mini=openai/gpt-4o-mini",
        PricingConfig.DISCOUNTS, "openai/gpt-4o-mini=20"));

    SpanData span = end(startChat(sdk, "prod-mini"), spans);

    // 20% off each part: 30,000 + 75,000 + 180,000 = 285,000 nano-USD at list; 0.8 x each = 24,000 + 60,000 + 144,000.
    assertThat(span.getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(228_000L);
    assertThat(span.getAttributes().get(CostAttributes.LIST_TOTAL_NANOS)).isEqualTo(BUNDLED_NANOS);
    assertThat(span.getAttributes().get(CostAttributes.PRICING_ID)).startsWith("openai/gpt-4o-mini");
    assertThat(messages(Level.SEVERE)).isEmpty();
  }

  @Test
  void cardinalityLimit_capsTheMetricsAttributionValues() {
    OpenTelemetrySdk sdk = start(Map.of(PricingConfig.METRIC_ATTRIBUTION_KEYS, "app.tenant_id",
        PricingConfig.METRIC_CARDINALITY_LIMIT, "1"));

    chatInBaggage(sdk, spans, "app.tenant_id", "acme");
    chatInBaggage(sdk, spans, "app.tenant_id", "globex");

    assertThat(costMetricSum("app.tenant_id", "acme")).isEqualTo(BUNDLED_NANOS);
    assertThat(costMetricSum("app.tenant_id", "globex")).isZero();
    assertThat(costMetricSum("app.tenant_id", "_OTHER")).isEqualTo(BUNDLED_NANOS);
  }

  @Test
  void invalidValue_isReportedOnce_andTheDefaultsApply() throws IOException {
    Path mine = write("mine.json", lockNCatalog("1", "0.5", "2"));

    SpanData span = chat(start(Map.of(PricingConfig.CATALOG, mine.toString(),
        PricingConfig.METRIC_CARDINALITY_LIMIT, "0")), spans);

    // Not the file's prices: an invalid configuration is not applied in part.
    assertThat(span.getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(BUNDLED_NANOS);
    assertThat(messages(Level.SEVERE)).singleElement().asString()
        .contains("lockn.pricing.metric.cardinality-limit: must be a whole number from 1 to 2147483647, was \"0\"")
        .contains("LockN's defaults");
  }

  @Test
  void invalidValue_withPricingDisabled_keepsPricingOff() {
    SpanData span = chat(start(Map.of(PricingConfig.ENABLED, "false", PricingConfig.DISCOUNTS, "openai=150")),
        spans);

    assertThat(span.getAttributes().get(CostAttributes.TOTAL_NANOS)).isNull();
    assertThat(messages(Level.SEVERE)).singleElement().asString()
        .contains("lockn.pricing.discounts[openai]: must be a percent from 0 to 100, was \"150\"")
        .contains("stays off");
  }

  @Test
  void invalidFailOnError_isReported_andTheRestApplies() throws IOException {
    Path mine = write("mine.json", lockNCatalog("1", "0.5", "2"));

    SpanData span = chat(start(Map.of(PricingConfig.CATALOG, mine.toString(),
        PricingConfig.FAIL_ON_ERROR, "maybe")), spans);

    // The file's prices, $1 input, $0.50 cache read, $2 output per 1M tokens (1,000, 500 and 2,000 nano-USD per
    // token): 200 x 1,000 + 1,000 x 500 + 300 x 2,000 = 1,300,000 nano-USD.
    assertThat(span.getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(1_300_000L);
    assertThat(messages(Level.SEVERE)).singleElement().asString()
        .contains("lockn.pricing.fail-on-error: must be true or false, was \"maybe\"; using the default, false");
  }

  @Test
  void unknownAliasTarget_withFailOnError_abortsStartUpNamingTheAlias() {
    AutoConfiguredOpenTelemetrySdkBuilder builder = autoconfigure(Map.of(
        PricingConfig.ALIASES, "prod=azure.ai.openai/gpt-4oo", PricingConfig.FAIL_ON_ERROR, "true"));

    assertThatThrownBy(builder::build).isInstanceOf(ConfigurationException.class).hasMessage(
        "LockN pricing: lockn.pricing.aliases[prod].model: no catalog entry for model gpt-4oo (provider "
            + "azure.ai.openai)");
  }

  @Test
  void anotherIntegrationsPipeline_standsThisProviderDown() {
    SpanData span = chat(start(Map.of(PricingAutoConfigurationCustomizerProvider.ADDED_ELSEWHERE, "true")), spans);

    assertThat(span.getAttributes().get(CostAttributes.TOTAL_NANOS)).isNull();
  }
}
