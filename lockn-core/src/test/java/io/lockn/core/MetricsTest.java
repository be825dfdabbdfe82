package io.lockn.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.ExemplarFilter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.DoubleExemplarData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * LockN's metrics in both semantic-convention profiles: names, units, explicit bucket boundaries, attributes and
 * values, the LockN counters, exemplars and metric cardinality. Attribute keys are spelled out literally here so
 * that a renamed constant in main code is caught.
 */
class MetricsTest {

  // ---- semantic-convention names, spelled out ----
  private static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
  private static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");
  private static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
  private static final AttributeKey<String> RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
  private static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  private static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  private static final AttributeKey<String> TOKEN_TYPE = AttributeKey.stringKey("gen_ai.token.type");
  private static final AttributeKey<String> TOKEN_MODALITY = AttributeKey.stringKey("gen_ai.token.modality");
  private static final AttributeKey<String> AGENT_NAME = AttributeKey.stringKey("gen_ai.agent.name");
  private static final AttributeKey<String> TOOL_NAME = AttributeKey.stringKey("gen_ai.tool.name");
  private static final AttributeKey<String> WORKFLOW_NAME = AttributeKey.stringKey("gen_ai.workflow.name");
  private static final AttributeKey<String> FINISH_REASON = AttributeKey.stringKey("lockn.finish_reason");
  private static final AttributeKey<String> CACHE_TYPE = AttributeKey.stringKey("lockn.cache.type");
  private static final AttributeKey<Boolean> CACHE_HIT_INFERRED = AttributeKey.booleanKey("lockn.cache.hit_inferred");
  private static final AttributeKey<String> TENANT = AttributeKey.stringKey("app.tenant_id");
  private static final AttributeKey<String> REGION = AttributeKey.stringKey("app.region");

  private static final String TOKEN_USAGE = "gen_ai.client.token.usage";
  private static final String OPERATION_DURATION = "gen_ai.client.operation.duration";
  private static final String INFERENCE_DURATION = "gen_ai.client.inference.duration";
  private static final String EMBEDDINGS_DURATION = "gen_ai.client.embeddings.duration";
  private static final String EMBEDDINGS_INPUT_TOKENS = "gen_ai.client.embeddings.operation.input_tokens";
  private static final String USAGE_INPUT = "gen_ai.client.inference.usage.input_tokens";
  private static final String USAGE_OUTPUT = "gen_ai.client.inference.usage.output_tokens";
  private static final String USAGE_CACHE_READ = "gen_ai.client.inference.usage.cache_read.input_tokens";
  private static final String USAGE_CACHE_WRITE = "gen_ai.client.inference.usage.cache_write.input_tokens";
  private static final String USAGE_REASONING = "gen_ai.client.inference.usage.reasoning.output_tokens";
  private static final String OPERATION_INPUT_TOKENS = "gen_ai.client.inference.operation.input_tokens";
  private static final String OPERATION_OUTPUT_TOKENS = "gen_ai.client.inference.operation.output_tokens";
  private static final String AGENT_DURATION = "gen_ai.invoke_agent.duration";
  private static final String TOOL_DURATION = "gen_ai.execute_tool.duration";
  private static final String WORKFLOW_DURATION = "gen_ai.workflow.duration";

  private static final List<Double> TOKEN_BUCKETS =
      List.of(1d, 4d, 16d, 64d, 256d, 1024d, 4096d, 16384d, 65536d, 262144d, 1048576d, 4194304d, 16777216d,
          67108864d);
  private static final List<Double> DURATION_BUCKETS =
      List.of(0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92);
  private static final List<Double> AGENT_DURATION_BUCKETS =
      List.of(0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 12.8, 25.6, 51.2, 102.4, 204.8, 409.6);
  private static final List<Double> WORKFLOW_DURATION_BUCKETS =
      List.of(1d, 5d, 10d, 30d, 60d, 120d, 300d, 600d, 1800d, 3600d, 7200d);

  /** 155 input tokens (100 uncached + 30 cache read + 25 cache write), 52 output (40 + 12 reasoning). */
  private static final TokenUsage USAGE =
      TokenUsage.builder()
          .uncachedInputTokens(100)
          .cacheReadTokens(30)
          .cacheWrite5mTokens(20)
          .cacheWrite1hTokens(5)
          .nonReasoningOutputTokens(40)
          .reasoningTokens(12)
          .build();

  /** The attributes of the chat call made by {@link #chatWithUsage}. */
  private static final Attributes CHAT =
      Attributes.builder()
          .put(OPERATION, "chat")
          .put(PROVIDER, "openai")
          .put(REQUEST_MODEL, "gpt-4o")
          .put(RESPONSE_MODEL, "gpt-4o-2024-08-06")
          .put(SERVER_ADDRESS, "api.openai.com")
          .put(SERVER_PORT, 443L)
          .build();

  private InMemoryMetricReader metricReader;
  private InMemorySpanExporter spanExporter;
  private OpenTelemetrySdk otel;

  @BeforeEach
  void setUp() {
    newSdk(ExemplarFilter.traceBased());
  }

  @AfterEach
  void tearDown() {
    otel.close();
  }

  private void newSdk(ExemplarFilter exemplarFilter) {
    if (otel != null) {
      otel.close();
    }
    metricReader = InMemoryMetricReader.create();
    spanExporter = InMemorySpanExporter.create();
    otel =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spanExporter)).build())
            .setMeterProvider(
                SdkMeterProvider.builder()
                    .registerMetricReader(metricReader)
                    .setExemplarFilter(exemplarFilter)
                    .build())
            .build();
  }

  private LockN lockn(SemconvProfile profile) {
    return LockN.builder().setOpenTelemetry(otel).setSemconvProfile(profile).build();
  }

  private LockN v141WithCardinalityLimit(int limit) {
    return LockN.builder()
        .setOpenTelemetry(otel)
        .setSemconvProfile(SemconvProfile.V1_41)
        .setMetricCardinalityLimit(limit)
        .build();
  }

  private static void chatWithUsage(LockN lockn) {
    lockn.chat(GenAiProvider.OPENAI, "gpt-4o")
        .server("api.openai.com", 443)
        .run(() -> lockn.currentLlmCall().recordUsage(USAGE).responseModel("gpt-4o-2024-08-06"));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // V1_41
  // ---------------------------------------------------------------------------------------------------------------

  @Test
  void v141_chat_recordsTokenUsageHistogramWithInclusiveInputAndOutput() {
    chatWithUsage(lockn(SemconvProfile.V1_41));

    MetricData tokenUsage = metric(metricReader.collectAllMetrics(), TOKEN_USAGE);
    assertThat(tokenUsage.getType()).isEqualTo(MetricDataType.HISTOGRAM);
    assertThat(tokenUsage.getUnit()).isEqualTo("{token}");
    assertThat(tokenUsage.getInstrumentationScopeInfo().getName()).isEqualTo("io.lockn.core");
    assertThat(histogramSums(tokenUsage))
        .containsOnly(
            Map.entry(with(CHAT, TOKEN_TYPE, "input"), 155.0), Map.entry(with(CHAT, TOKEN_TYPE, "output"), 52.0));
    assertThat(tokenUsage.getHistogramData().getPoints())
        .allSatisfy(
            p -> {
              assertThat(p.getCount()).isEqualTo(1);
              assertThat(p.getBoundaries()).containsExactlyElementsOf(TOKEN_BUCKETS);
            });
  }

  @Test
  void v141_chat_recordsOperationDurationWithSemconvBuckets() {
    chatWithUsage(lockn(SemconvProfile.V1_41));

    MetricData duration = metric(metricReader.collectAllMetrics(), OPERATION_DURATION);
    assertThat(duration.getType()).isEqualTo(MetricDataType.HISTOGRAM);
    assertThat(duration.getUnit()).isEqualTo("s");
    assertThat(histogramCounts(duration)).containsOnly(Map.entry(CHAT, 1L));
    HistogramPointData point = duration.getHistogramData().getPoints().iterator().next();
    assertThat(point.getBoundaries()).containsExactlyElementsOf(DURATION_BUCKETS);
    assertThat(point.getSum()).isGreaterThanOrEqualTo(0.0).isLessThan(60.0);
  }

  @Test
  void v141_chat_emitsOnlyTheReleasedMetricNames() {
    LockN lockn = lockn(SemconvProfile.V1_41);
    chatWithUsage(lockn);

    // The usage has cache reads, so a provider cache hit is counted too.
    assertThat(names(metricReader.collectAllMetrics()))
        .containsExactlyInAnyOrder(TOKEN_USAGE, OPERATION_DURATION, "lockn.client.cache_hits");
  }

  @Test
  void v141_failedCall_recordsErrorTypeOnDuration() {
    LockN lockn = lockn(SemconvProfile.V1_41);
    IllegalStateException boom = new IllegalStateException("boom");

    assertThatThrownBy(() -> lockn.chat(GenAiProvider.OPENAI, "gpt-4o").run(() -> {
          throw boom;
        }))
        .isSameAs(boom);
    lockn.chat(GenAiProvider.OPENAI, "gpt-4o").run(() -> lockn.currentLlmCall().recordError("rate_limit_exceeded"));

    Attributes base = Attributes.of(OPERATION, "chat", PROVIDER, "openai", REQUEST_MODEL, "gpt-4o");
    Collection<MetricData> metrics = metricReader.collectAllMetrics();
    assertThat(histogramCounts(metric(metrics, OPERATION_DURATION)))
        .containsOnly(
            Map.entry(with(base, ERROR_TYPE, "java.lang.IllegalStateException"), 1L),
            Map.entry(with(base, ERROR_TYPE, "rate_limit_exceeded"), 1L));
    // No usage came back, so there is nothing to record as tokens.
    assertThat(names(metrics)).doesNotContain(TOKEN_USAGE);
  }

  @Test
  void v141_embeddings_recordsOnlyInputTokens() {
    LockN lockn = lockn(SemconvProfile.V1_41);
    lockn.embeddings(GenAiProvider.OPENAI, "text-embedding-3-small")
        .run(() -> lockn.currentLlmCall().recordUsage(TokenUsage.of(42, 7)));

    Attributes embeddings =
        Attributes.of(OPERATION, "embeddings", PROVIDER, "openai", REQUEST_MODEL, "text-embedding-3-small");
    Collection<MetricData> metrics = metricReader.collectAllMetrics();
    assertThat(histogramSums(metric(metrics, TOKEN_USAGE)))
        .containsOnly(Map.entry(with(embeddings, TOKEN_TYPE, "input"), 42.0));
    assertThat(histogramCounts(metric(metrics, OPERATION_DURATION))).containsOnly(Map.entry(embeddings, 1L));
  }

  @Test
  void v141_agentToolAndWorkflow_recordNoMetrics() {
    LockN lockn = lockn(SemconvProfile.V1_41);
    lockn.workflow("support").run(() -> lockn.agent("bot").run(() -> lockn.tool("lookup").run(() -> {})));

    assertThat(metricReader.collectAllMetrics()).isEmpty();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // LATEST_EXPERIMENTAL
  // ---------------------------------------------------------------------------------------------------------------

  @Test
  void latest_chat_recordsInferenceDurationInsteadOfReleasedMetrics() {
    chatWithUsage(lockn(SemconvProfile.LATEST_EXPERIMENTAL));

    Collection<MetricData> metrics = metricReader.collectAllMetrics();
    assertThat(names(metrics))
        .containsExactlyInAnyOrder(
            INFERENCE_DURATION,
            USAGE_INPUT,
            USAGE_OUTPUT,
            USAGE_CACHE_READ,
            USAGE_CACHE_WRITE,
            USAGE_REASONING,
            OPERATION_INPUT_TOKENS,
            OPERATION_OUTPUT_TOKENS,
            "lockn.client.cache_hits")
        .doesNotContain(OPERATION_DURATION, TOKEN_USAGE);
    MetricData duration = metric(metrics, INFERENCE_DURATION);
    assertThat(duration.getUnit()).isEqualTo("s");
    assertThat(histogramCounts(duration)).containsOnly(Map.entry(CHAT, 1L));
    assertThat(duration.getHistogramData().getPoints().iterator().next().getBoundaries())
        .containsExactlyElementsOf(DURATION_BUCKETS);
  }

  @Test
  void latest_chat_recordsUsageCountersPerPartWithModality() {
    chatWithUsage(lockn(SemconvProfile.LATEST_EXPERIMENTAL));

    Collection<MetricData> metrics = metricReader.collectAllMetrics();
    Attributes counted = with(CHAT, TOKEN_MODALITY, "unknown");
    Map<String, Long> expected =
        Map.of(USAGE_INPUT, 155L, USAGE_OUTPUT, 52L, USAGE_CACHE_READ, 30L, USAGE_CACHE_WRITE, 25L,
            USAGE_REASONING, 12L);
    expected.forEach(
        (name, value) -> {
          MetricData counter = metric(metrics, name);
          assertThat(counter.getType()).as(name).isEqualTo(MetricDataType.LONG_SUM);
          assertThat(counter.getLongSumData().isMonotonic()).as(name).isTrue();
          assertThat(counter.getUnit()).as(name).isEqualTo("{token}");
          assertThat(counterValues(counter)).as(name).containsOnly(Map.entry(counted, value));
        });
  }

  @Test
  void latest_chat_recordsOperationTokenHistogramsWithoutModality() {
    chatWithUsage(lockn(SemconvProfile.LATEST_EXPERIMENTAL));

    Collection<MetricData> metrics = metricReader.collectAllMetrics();
    MetricData input = metric(metrics, OPERATION_INPUT_TOKENS);
    MetricData output = metric(metrics, OPERATION_OUTPUT_TOKENS);
    assertThat(input.getUnit()).isEqualTo("{token}");
    assertThat(output.getUnit()).isEqualTo("{token}");
    assertThat(histogramSums(input)).containsOnly(Map.entry(CHAT, 155.0));
    assertThat(histogramSums(output)).containsOnly(Map.entry(CHAT, 52.0));
    assertThat(input.getHistogramData().getPoints().iterator().next().getBoundaries())
        .containsExactlyElementsOf(TOKEN_BUCKETS);
    assertThat(output.getHistogramData().getPoints().iterator().next().getBoundaries())
        .containsExactlyElementsOf(TOKEN_BUCKETS);
  }

  @Test
  void latest_failedCallWithoutUsage_recordsZeroCountersButNoHistograms() {
    LockN lockn = lockn(SemconvProfile.LATEST_EXPERIMENTAL);
    lockn.chat(GenAiProvider.OPENAI, "gpt-4o").run(() -> lockn.currentLlmCall().recordUsage(TokenUsage.of(100, 20)));
    IllegalStateException boom = new IllegalStateException("boom");
    assertThatThrownBy(() -> lockn.chat(GenAiProvider.OPENAI, "gpt-4o").run(() -> {
          throw boom;
        }))
        .isSameAs(boom);

    Attributes ok = Attributes.of(OPERATION, "chat", PROVIDER, "openai", REQUEST_MODEL, "gpt-4o");
    Attributes failed = with(ok, ERROR_TYPE, "java.lang.IllegalStateException");
    Collection<MetricData> metrics = metricReader.collectAllMetrics();
    assertThat(counterValues(metric(metrics, USAGE_INPUT)))
        .containsOnly(
            Map.entry(with(ok, TOKEN_MODALITY, "unknown"), 100L),
            Map.entry(with(failed, TOKEN_MODALITY, "unknown"), 0L));
    assertThat(counterValues(metric(metrics, USAGE_OUTPUT)))
        .containsOnly(
            Map.entry(with(ok, TOKEN_MODALITY, "unknown"), 20L),
            Map.entry(with(failed, TOKEN_MODALITY, "unknown"), 0L));
    assertThat(counterValues(metric(metrics, USAGE_CACHE_READ)))
        .containsOnly(
            Map.entry(with(ok, TOKEN_MODALITY, "unknown"), 0L),
            Map.entry(with(failed, TOKEN_MODALITY, "unknown"), 0L));
    assertThat(histogramSums(metric(metrics, OPERATION_INPUT_TOKENS))).containsOnly(Map.entry(ok, 100.0));
    assertThat(histogramSums(metric(metrics, OPERATION_OUTPUT_TOKENS))).containsOnly(Map.entry(ok, 20.0));
    assertThat(histogramCounts(metric(metrics, INFERENCE_DURATION)))
        .containsOnly(Map.entry(ok, 1L), Map.entry(failed, 1L));
  }

  @Test
  void latest_failedCallWithPartialUsage_countsTokensButRecordsNoHistograms() {
    LockN lockn = lockn(SemconvProfile.LATEST_EXPERIMENTAL);
    lockn.chat(GenAiProvider.OPENAI, "gpt-4o")
        .run(() -> lockn.currentLlmCall().recordUsage(TokenUsage.of(80, 5)).recordError("timeout"));

    Attributes failed =
        Attributes.of(OPERATION, "chat", PROVIDER, "openai", REQUEST_MODEL, "gpt-4o", ERROR_TYPE, "timeout");
    Collection<MetricData> metrics = metricReader.collectAllMetrics();
    assertThat(counterValues(metric(metrics, USAGE_INPUT)))
        .containsOnly(Map.entry(with(failed, TOKEN_MODALITY, "unknown"), 80L));
    assertThat(counterValues(metric(metrics, USAGE_OUTPUT)))
        .containsOnly(Map.entry(with(failed, TOKEN_MODALITY, "unknown"), 5L));
    assertThat(names(metrics)).doesNotContain(OPERATION_INPUT_TOKENS, OPERATION_OUTPUT_TOKENS);
  }

  @Test
  void latest_embeddings_recordsEmbeddingsMetricsOnly() {
    LockN lockn = lockn(SemconvProfile.LATEST_EXPERIMENTAL);
    lockn.embeddings(GenAiProvider.OPENAI, "text-embedding-3-small")
        .run(() -> lockn.currentLlmCall().recordUsage(TokenUsage.of(42, 0)));

    Attributes embeddings =
        Attributes.of(OPERATION, "embeddings", PROVIDER, "openai", REQUEST_MODEL, "text-embedding-3-small");
    Collection<MetricData> metrics = metricReader.collectAllMetrics();
    assertThat(names(metrics)).containsExactlyInAnyOrder(EMBEDDINGS_DURATION, EMBEDDINGS_INPUT_TOKENS);
    assertThat(histogramCounts(metric(metrics, EMBEDDINGS_DURATION))).containsOnly(Map.entry(embeddings, 1L));
    assertThat(metric(metrics, EMBEDDINGS_DURATION).getUnit()).isEqualTo("s");
    MetricData input = metric(metrics, EMBEDDINGS_INPUT_TOKENS);
    assertThat(input.getUnit()).isEqualTo("{token}");
    assertThat(histogramSums(input)).containsOnly(Map.entry(embeddings, 42.0));
  }

  @Test
  void latest_agentToolAndWorkflow_recordDurationsWithTheirBuckets() {
    LockN lockn = lockn(SemconvProfile.LATEST_EXPERIMENTAL);
    lockn.workflow("support").run(() -> lockn.agent("bot").requestModel("gpt-4o").run(() ->
        lockn.tool("lookup").type("datastore").run(() -> {})));

    Collection<MetricData> metrics = metricReader.collectAllMetrics();
    assertThat(names(metrics)).containsExactlyInAnyOrder(AGENT_DURATION, TOOL_DURATION, WORKFLOW_DURATION);

    MetricData agent = metric(metrics, AGENT_DURATION);
    assertThat(agent.getUnit()).isEqualTo("s");
    HistogramPointData agentPoint = singlePoint(agent);
    assertThat(agentPoint.getBoundaries()).containsExactlyElementsOf(AGENT_DURATION_BUCKETS);
    assertThat(agentPoint.getAttributes().asMap())
        .containsEntry(OPERATION, "invoke_agent")
        .containsEntry(AGENT_NAME, "bot")
        .containsEntry(REQUEST_MODEL, "gpt-4o")
        .doesNotContainKey(ERROR_TYPE);

    MetricData tool = metric(metrics, TOOL_DURATION);
    assertThat(tool.getUnit()).isEqualTo("s");
    HistogramPointData toolPoint = singlePoint(tool);
    assertThat(toolPoint.getBoundaries()).containsExactlyElementsOf(DURATION_BUCKETS);
    assertThat(toolPoint.getAttributes().asMap())
        .containsEntry(OPERATION, "execute_tool")
        .containsEntry(TOOL_NAME, "lookup")
        .containsEntry(AttributeKey.stringKey("gen_ai.tool.type"), "datastore")
        .containsEntry(AGENT_NAME, "bot")
        .doesNotContainKey(ERROR_TYPE);

    MetricData workflow = metric(metrics, WORKFLOW_DURATION);
    assertThat(workflow.getUnit()).isEqualTo("s");
    HistogramPointData workflowPoint = singlePoint(workflow);
    assertThat(workflowPoint.getBoundaries()).containsExactlyElementsOf(WORKFLOW_DURATION_BUCKETS);
    assertThat(workflowPoint.getAttributes().asMap())
        .containsEntry(OPERATION, "invoke_workflow")
        .containsEntry(WORKFLOW_NAME, "support")
        .doesNotContainKey(ERROR_TYPE);
  }

  @Test
  void latest_failedTool_recordsErrorTypeOnToolDuration() {
    LockN lockn = lockn(SemconvProfile.LATEST_EXPERIMENTAL);
    IllegalArgumentException bad = new IllegalArgumentException("bad arguments");
    assertThatThrownBy(() -> lockn.tool("lookup").run(() -> {
          throw bad;
        }))
        .isSameAs(bad);

    HistogramPointData point = singlePoint(metric(metricReader.collectAllMetrics(), TOOL_DURATION));
    assertThat(point.getAttributes().asMap())
        .containsEntry(TOOL_NAME, "lookup")
        .containsEntry(ERROR_TYPE, "java.lang.IllegalArgumentException");
  }

  @Test
  void latest_taskWithAgent_recordsAgentDuration() {
    LockN lockn = lockn(SemconvProfile.LATEST_EXPERIMENTAL);
    lockn.task("triage").agent("helper").run(() -> {});
    lockn.task("plain-task").run(() -> {});

    Collection<MetricData> metrics = metricReader.collectAllMetrics();
    assertThat(names(metrics)).containsExactly(AGENT_DURATION);
    assertThat(singlePoint(metric(metrics, AGENT_DURATION)).getAttributes().asMap())
        .containsEntry(OPERATION, "invoke_agent")
        .containsEntry(AGENT_NAME, "helper");
  }

  // ---------------------------------------------------------------------------------------------------------------
  // LockN counters, both profiles
  // ---------------------------------------------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(SemconvProfile.class)
  void retries_countEveryAttemptAfterTheFirst(SemconvProfile profile) {
    LockN lockn = lockn(profile);
    LlmCall first = lockn.chat(GenAiProvider.OPENAI, "gpt-4o").start();
    first.recordError("429");
    first.close();
    LlmCall second = lockn.chat(GenAiProvider.OPENAI, "gpt-4o").retryOf(first).start();
    second.recordError("429");
    second.close();
    lockn.chat(GenAiProvider.OPENAI, "gpt-4o").retryOf(second).run(() -> {});

    Attributes base = Attributes.of(OPERATION, "chat", PROVIDER, "openai", REQUEST_MODEL, "gpt-4o");
    MetricData retries = metric(metricReader.collectAllMetrics(), "lockn.client.retries");
    assertThat(retries.getType()).isEqualTo(MetricDataType.LONG_SUM);
    assertThat(retries.getUnit()).isEqualTo("{retry}");
    assertThat(counterValues(retries)).containsOnly(Map.entry(with(base, ERROR_TYPE, "429"), 1L), Map.entry(base, 1L));
  }

  @ParameterizedTest
  @EnumSource(SemconvProfile.class)
  void fallbacks_countTheFallbackCall(SemconvProfile profile) {
    LockN lockn = lockn(profile);
    LlmCall primary = lockn.chat(GenAiProvider.OPENAI, "gpt-4o").start();
    primary.recordError("503");
    primary.close();
    lockn.chat(GenAiProvider.OPENAI, "gpt-4o-mini").fallbackFrom(primary).run(() -> {});

    MetricData fallbacks = metric(metricReader.collectAllMetrics(), "lockn.client.fallbacks");
    assertThat(fallbacks.getUnit()).isEqualTo("{fallback}");
    assertThat(counterValues(fallbacks))
        .containsOnly(Map.entry(Attributes.of(OPERATION, "chat", PROVIDER, "openai", REQUEST_MODEL, "gpt-4o-mini"), 1L));
  }

  @ParameterizedTest
  @EnumSource(SemconvProfile.class)
  void modelSubstitutions_countOtherFamilyButNotDatedVersion(SemconvProfile profile) {
    LockN lockn = lockn(profile);
    lockn.chat(GenAiProvider.OPENAI, "gpt-4").run(() -> lockn.currentLlmCall().responseModel("gpt-3.5-turbo"));
    lockn.chat(GenAiProvider.OPENAI, "gpt-4o").run(() -> lockn.currentLlmCall().responseModel("gpt-4o-2024-08-06"));

    MetricData substitutions = metric(metricReader.collectAllMetrics(), "lockn.client.model_substitutions");
    assertThat(substitutions.getUnit()).isEqualTo("{substitution}");
    assertThat(counterValues(substitutions))
        .containsOnly(
            Map.entry(
                Attributes.of(
                    OPERATION, "chat", PROVIDER, "openai", REQUEST_MODEL, "gpt-4", RESPONSE_MODEL, "gpt-3.5-turbo"),
                1L));
  }

  @ParameterizedTest
  @EnumSource(SemconvProfile.class)
  void finishReasons_giveTheTruncationShare(SemconvProfile profile) {
    LockN lockn = lockn(profile);
    for (String reason : List.of("stop", "stop", "length")) {
      lockn.chat(GenAiProvider.OPENAI, "gpt-4o").run(() -> lockn.currentLlmCall().finishReason(reason));
    }

    Attributes base = Attributes.of(OPERATION, "chat", PROVIDER, "openai", REQUEST_MODEL, "gpt-4o");
    MetricData finishReasons = metric(metricReader.collectAllMetrics(), "lockn.client.finish_reasons");
    assertThat(finishReasons.getUnit()).isEqualTo("{choice}");
    Map<Attributes, Long> values = counterValues(finishReasons);
    assertThat(values)
        .containsOnly(Map.entry(with(base, FINISH_REASON, "stop"), 2L), Map.entry(with(base, FINISH_REASON, "length"), 1L));
    long total = values.values().stream().mapToLong(Long::longValue).sum();
    assertThat(values.get(with(base, FINISH_REASON, "length")) / (double) total).isEqualTo(1.0 / 3);
  }

  @ParameterizedTest
  @EnumSource(SemconvProfile.class)
  void finishReasons_countOnePerChoice(SemconvProfile profile) {
    LockN lockn = lockn(profile);
    lockn.chat(GenAiProvider.OPENAI, "gpt-4o")
        .run(() -> lockn.currentLlmCall().finishReasons(List.of("stop", "length", "stop")));

    Attributes base = Attributes.of(OPERATION, "chat", PROVIDER, "openai", REQUEST_MODEL, "gpt-4o");
    assertThat(counterValues(metric(metricReader.collectAllMetrics(), "lockn.client.finish_reasons")))
        .containsOnly(Map.entry(with(base, FINISH_REASON, "stop"), 2L), Map.entry(with(base, FINISH_REASON, "length"), 1L));
  }

  @ParameterizedTest
  @EnumSource(SemconvProfile.class)
  void cacheHits_countSemanticProviderAndInferredHits(SemconvProfile profile) {
    LockN lockn = lockn(profile);
    // An application cache answered.
    lockn.chat(GenAiProvider.OPENAI, "gpt-4o").run(() -> lockn.currentLlmCall().cacheHit(CacheType.SEMANTIC));
    // The provider reported cache reads.
    lockn.chat(GenAiProvider.OPENAI, "gpt-4o")
        .run(() -> lockn.currentLlmCall().recordUsage(TokenUsage.fromOpenAi(1000, 800, 10, 0)));
    // Input tokens for the same prompt drop from 1000 to 100: an unreported cache hit on the third call only.
    for (long input : new long[] {1000, 1000, 100}) {
      lockn.chat(GenAiProvider.OPENAI, "gpt-4o")
          .promptKey("system-prompt-v1")
          .run(() -> lockn.currentLlmCall().recordUsage(TokenUsage.of(input, 10)));
    }

    Attributes base = Attributes.of(OPERATION, "chat", PROVIDER, "openai", REQUEST_MODEL, "gpt-4o");
    MetricData cacheHits = metric(metricReader.collectAllMetrics(), "lockn.client.cache_hits");
    assertThat(cacheHits.getUnit()).isEqualTo("{call}");
    assertThat(counterValues(cacheHits))
        .containsOnly(
            Map.entry(base.toBuilder().put(CACHE_TYPE, "semantic").put(CACHE_HIT_INFERRED, false).build(), 1L),
            Map.entry(base.toBuilder().put(CACHE_TYPE, "provider").put(CACHE_HIT_INFERRED, false).build(), 1L),
            Map.entry(base.toBuilder().put(CACHE_TYPE, "provider").put(CACHE_HIT_INFERRED, true).build(), 1L));
  }

  @ParameterizedTest
  @EnumSource(SemconvProfile.class)
  void lockNCounters_areAbsentWithoutEvents(SemconvProfile profile) {
    LockN lockn = lockn(profile);
    lockn.chat(GenAiProvider.OPENAI, "gpt-4o").run(() -> lockn.currentLlmCall().recordUsage(TokenUsage.of(10, 2)));

    assertThat(names(metricReader.collectAllMetrics()))
        .doesNotContain(
            "lockn.client.retries",
            "lockn.client.fallbacks",
            "lockn.client.model_substitutions",
            "lockn.client.finish_reasons",
            "lockn.client.cache_hits");
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Exemplars
  // ---------------------------------------------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(SemconvProfile.class)
  void exemplars_linkDurationAndTokensToTheCallSpan(SemconvProfile profile) {
    newSdk(ExemplarFilter.alwaysOn());
    LockN lockn = lockn(profile);
    // The call is detached and ends while its parent agent is current: the exemplar must still name the call.
    lockn.agent("bot").run(() -> {
      LlmCall call = lockn.chat(GenAiProvider.OPENAI, "gpt-4o").startDetached();
      call.recordUsage(TokenUsage.of(100, 20));
      call.close();
    });

    SpanContext chat = span("chat gpt-4o").getSpanContext();
    SpanContext agent = span("invoke_agent bot").getSpanContext();
    assertThat(chat.getSpanId()).isNotEqualTo(agent.getSpanId());
    Collection<MetricData> metrics = metricReader.collectAllMetrics();
    String durationName = profile == SemconvProfile.V1_41 ? OPERATION_DURATION : INFERENCE_DURATION;
    String tokensName = profile == SemconvProfile.V1_41 ? TOKEN_USAGE : OPERATION_INPUT_TOKENS;
    assertThat(metric(metrics, durationName).getHistogramData().getPoints())
        .singleElement()
        .satisfies(p -> assertThat(exemplarSpanContexts(p)).containsExactly(chat));
    assertThat(metric(metrics, tokensName).getHistogramData().getPoints())
        .isNotEmpty()
        .allSatisfy(p -> assertThat(exemplarSpanContexts(p)).containsExactly(chat));
  }

  @Test
  void exemplars_linkAgentDurationToTheAgentSpan() {
    newSdk(ExemplarFilter.alwaysOn());
    LockN lockn = lockn(SemconvProfile.LATEST_EXPERIMENTAL);
    lockn.agent("bot").run(() -> lockn.chat(GenAiProvider.OPENAI, "gpt-4o").run(() -> {}));

    SpanContext agent = span("invoke_agent bot").getSpanContext();
    assertThat(exemplarSpanContexts(singlePoint(metric(metricReader.collectAllMetrics(), AGENT_DURATION))))
        .containsExactly(agent);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Cardinality
  // ---------------------------------------------------------------------------------------------------------------

  @Test
  void attributionKeys_areNotMetricAttributesByDefault() {
    LockN lockn = lockn(SemconvProfile.V1_41);
    lockn.attribution()
        .tenant("acme")
        .costCenter("cc-42")
        .user("user-7")
        .run(() -> lockn.chat(GenAiProvider.OPENAI, "gpt-4o")
            .run(() -> lockn.currentLlmCall().recordUsage(TokenUsage.of(10, 2))));

    // The attribution reached the span, so its absence on metrics is by choice.
    assertThat(span("chat gpt-4o").getAttributes().get(TENANT)).isEqualTo("acme");
    Attributes base = Attributes.of(OPERATION, "chat", PROVIDER, "openai", REQUEST_MODEL, "gpt-4o");
    Collection<MetricData> metrics = metricReader.collectAllMetrics();
    assertThat(histogramCounts(metric(metrics, OPERATION_DURATION))).containsOnly(Map.entry(base, 1L));
    assertThat(histogramSums(metric(metrics, TOKEN_USAGE)))
        .containsOnly(Map.entry(with(base, TOKEN_TYPE, "input"), 10.0), Map.entry(with(base, TOKEN_TYPE, "output"), 2.0));
  }

  @Test
  void metricAttributionKey_isCappedWithOverflowValue() {
    LockN lockn =
        LockN.builder()
            .setOpenTelemetry(otel)
            .setSemconvProfile(SemconvProfile.V1_41)
            .addMetricAttributionKey("app.tenant_id")
            .setMetricCardinalityLimit(3)
            .build();
    for (String tenant : List.of("t1", "t2", "t3", "t4", "t5", "t1")) {
      lockn.attribution()
          .tenant(tenant)
          .costCenter("cc-" + tenant)
          .run(() -> lockn.chat(GenAiProvider.OPENAI, "gpt-4o")
              .run(() -> lockn.currentLlmCall().recordUsage(TokenUsage.of(10, 2))));
    }

    Attributes base = Attributes.of(OPERATION, "chat", PROVIDER, "openai", REQUEST_MODEL, "gpt-4o");
    Collection<MetricData> metrics = metricReader.collectAllMetrics();
    assertThat(histogramCounts(metric(metrics, OPERATION_DURATION)))
        .containsOnly(
            Map.entry(with(base, TENANT, "t1"), 2L),
            Map.entry(with(base, TENANT, "t2"), 1L),
            Map.entry(with(base, TENANT, "t3"), 1L),
            Map.entry(with(base, TENANT, "_OTHER"), 2L));
    assertThat(histogramSums(metric(metrics, TOKEN_USAGE)))
        .containsEntry(with(with(base, TENANT, "t1"), TOKEN_TYPE, "input"), 20.0)
        .containsEntry(with(with(base, TENANT, "_OTHER"), TOKEN_TYPE, "output"), 4.0)
        .hasSize(8);
  }

  @Test
  void metricAttributionKey_appearsOnLockNCountersAndOperationDurations() {
    LockN lockn =
        LockN.builder()
            .setOpenTelemetry(otel)
            .setSemconvProfile(SemconvProfile.LATEST_EXPERIMENTAL)
            .addMetricAttributionKey("app.tenant_id")
            .build();
    lockn.attribution()
        .tenant("acme")
        .run(() -> lockn.agent("bot").run(() -> lockn.chat(GenAiProvider.OPENAI, "gpt-4o")
            .run(() -> lockn.currentLlmCall().finishReason("stop"))));

    Collection<MetricData> metrics = metricReader.collectAllMetrics();
    assertThat(singlePoint(metric(metrics, AGENT_DURATION)).getAttributes().get(TENANT)).isEqualTo("acme");
    assertThat(counterValues(metric(metrics, "lockn.client.finish_reasons")))
        .containsOnly(
            Map.entry(
                Attributes.of(OPERATION, "chat", PROVIDER, "openai", REQUEST_MODEL, "gpt-4o")
                    .toBuilder()
                    .put(TENANT, "acme")
                    .put(FINISH_REASON, "stop")
                    .build(),
                1L));
  }

  @Test
  void requestModels_areCappedWithOverflowValue() {
    LockN lockn =
        LockN.builder()
            .setOpenTelemetry(otel)
            .setSemconvProfile(SemconvProfile.V1_41)
            .setMetricCardinalityLimit(3)
            .build();
    for (String model : List.of("model-a", "model-b", "model-c", "model-d", "model-e")) {
      lockn.chat(GenAiProvider.OPENAI, model).run(() -> {});
    }

    Attributes base = Attributes.of(OPERATION, "chat", PROVIDER, "openai");
    assertThat(histogramCounts(metric(metricReader.collectAllMetrics(), OPERATION_DURATION)))
        .containsOnly(
            Map.entry(with(base, REQUEST_MODEL, "model-a"), 1L),
            Map.entry(with(base, REQUEST_MODEL, "model-b"), 1L),
            Map.entry(with(base, REQUEST_MODEL, "model-c"), 1L),
            Map.entry(with(base, REQUEST_MODEL, "_OTHER"), 2L));
    // Spans are not capped.
    assertThat(span("chat model-e").getAttributes().get(REQUEST_MODEL)).isEqualTo("model-e");
  }

  /**
   * GenAiMetrics reuses a call's metric attributes per distinct (operation, provider, models, server, error): repeated
   * calls, values that overflow after being cached, and finish-reason and cache-hit variants must record exactly what
   * building them per call did.
   */
  @Test
  void cachedCallAttributes_recordTheSameAsBuiltPerCall() {
    LockN lockn = v141WithCardinalityLimit(2);
    for (String model : List.of("model-a", "model-b", "model-c", "model-a", "model-d", "model-c", "model-b")) {
      lockn.chat(GenAiProvider.OPENAI, model).run(() -> lockn.currentLlmCall().finishReason("stop"));
    }
    lockn.chat(GenAiProvider.OPENAI, "model-a").run(() -> lockn.currentLlmCall().finishReason("length"));
    lockn.chat(GenAiProvider.OPENAI, "model-a").run(() -> lockn.currentLlmCall().cacheHit(CacheType.SEMANTIC));

    Attributes base = Attributes.of(OPERATION, "chat", PROVIDER, "openai");
    Collection<MetricData> metrics = metricReader.collectAllMetrics();
    assertThat(histogramCounts(metric(metrics, OPERATION_DURATION)))
        .containsOnly(
            Map.entry(with(base, REQUEST_MODEL, "model-a"), 4L),
            Map.entry(with(base, REQUEST_MODEL, "model-b"), 2L),
            Map.entry(with(base, REQUEST_MODEL, "_OTHER"), 3L));
    Attributes a = with(base, REQUEST_MODEL, "model-a");
    assertThat(counterValues(metric(metrics, "lockn.client.finish_reasons")))
        .containsOnly(
            Map.entry(with(a, FINISH_REASON, "stop"), 2L),
            Map.entry(with(a, FINISH_REASON, "length"), 1L),
            Map.entry(with(with(base, REQUEST_MODEL, "model-b"), FINISH_REASON, "stop"), 2L),
            Map.entry(with(with(base, REQUEST_MODEL, "_OTHER"), FINISH_REASON, "stop"), 3L));
    assertThat(counterValues(metric(metrics, "lockn.client.cache_hits")))
        .containsOnly(Map.entry(with(with(a, CACHE_TYPE, "semantic"), CACHE_HIT_INFERRED, false), 1L));
  }

  /** Past the cache's size (1,024 attribute sets) calls are built per call and still recorded correctly. */
  @Test
  void callAttributesBeyondTheCacheSize_areStillRecorded() {
    LockN lockn = v141WithCardinalityLimit(2_000);
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < 1_100; i++) {
        lockn.chat(GenAiProvider.OPENAI, "gpt-4o").server("host-" + i, 443).run(() -> {});
      }
    }

    Map<Attributes, Long> counts = histogramCounts(metric(metricReader.collectAllMetrics(), OPERATION_DURATION));
    assertThat(counts).hasSize(1_100).allSatisfy((attributes, count) -> assertThat(count).isEqualTo(2L));
    assertThat(counts)
        .containsKey(
            Attributes.of(OPERATION, "chat", PROVIDER, "openai", REQUEST_MODEL, "gpt-4o", SERVER_ADDRESS, "host-1099",
                SERVER_PORT, 443L));
  }

  /**
   * The limit is "per metric attribute" (LockNBuilder#setMetricCardinalityLimit): tool, agent and workflow names
   * must not use up the distinct values allowed for provider names or finish reasons.
   */
  @ParameterizedTest
  @EnumSource(SemconvProfile.class)
  void cardinalityLimit_isPerAttribute_notSharedWithOperationNames(SemconvProfile profile) {
    LockN lockn =
        LockN.builder().setOpenTelemetry(otel).setSemconvProfile(profile).setMetricCardinalityLimit(3).build();
    for (String tool : List.of("search", "lookup", "refund")) {
      lockn.tool(tool).run(() -> {});
    }
    lockn.chat(GenAiProvider.OPENAI, "gpt-4o").run(() -> lockn.currentLlmCall().finishReason("stop"));

    Attributes base = Attributes.of(OPERATION, "chat", PROVIDER, "openai", REQUEST_MODEL, "gpt-4o");
    String durationName = profile == SemconvProfile.V1_41 ? OPERATION_DURATION : INFERENCE_DURATION;
    Collection<MetricData> metrics = metricReader.collectAllMetrics();
    assertThat(histogramCounts(metric(metrics, durationName))).containsOnly(Map.entry(base, 1L));
    assertThat(counterValues(metric(metrics, "lockn.client.finish_reasons")))
        .containsOnly(Map.entry(with(base, FINISH_REASON, "stop"), 1L));
  }

  /**
   * Per metric attribute: two distinct response models stay within a limit of 2 however many request models were
   * seen.
   */
  @Test
  void cardinalityLimit_isPerAttribute_requestAndResponseModelsSeparately() {
    LockN lockn =
        LockN.builder()
            .setOpenTelemetry(otel)
            .setSemconvProfile(SemconvProfile.V1_41)
            .setMetricCardinalityLimit(2)
            .build();
    for (String response : List.of("gpt-4o-2024-08-06", "gpt-4o-2024-11-20")) {
      lockn.chat(GenAiProvider.OPENAI, "gpt-4o").run(() -> lockn.currentLlmCall().responseModel(response));
    }

    Attributes base = Attributes.of(OPERATION, "chat", PROVIDER, "openai", REQUEST_MODEL, "gpt-4o");
    assertThat(histogramCounts(metric(metricReader.collectAllMetrics(), OPERATION_DURATION)))
        .containsOnly(
            Map.entry(with(base, RESPONSE_MODEL, "gpt-4o-2024-08-06"), 1L),
            Map.entry(with(base, RESPONSE_MODEL, "gpt-4o-2024-11-20"), 1L));
  }

  @Test
  void builder_rejectsMetricAttributionKeyThatIsNoAttributionKey() {
    assertThatThrownBy(
            () -> LockN.builder().setOpenTelemetry(otel).addMetricAttributionKey("app.region").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("app.region");
  }

  @Test
  void builder_acceptsMetricAttributionKeyAllowlistedAsAttributionKey() {
    LockN lockn =
        LockN.builder()
            .setOpenTelemetry(otel)
            .setSemconvProfile(SemconvProfile.V1_41)
            .setAttributionKeys(AttributionKeys.builder().addKey("app.region").build())
            .addMetricAttributionKey("app.region")
            .build();
    lockn.attribution().put("app.region", "eu-west").run(() -> lockn.chat(GenAiProvider.OPENAI, "gpt-4o").run(() -> {}));

    assertThat(histogramCounts(metric(metricReader.collectAllMetrics(), OPERATION_DURATION)))
        .containsOnly(
            Map.entry(
                Attributes.of(OPERATION, "chat", PROVIDER, "openai", REQUEST_MODEL, "gpt-4o", REGION, "eu-west"), 1L));
  }

  @Test
  void builder_rejectsCardinalityLimitBelowOne() {
    assertThatThrownBy(() -> LockN.builder().setMetricCardinalityLimit(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatCode(() -> LockN.builder().setMetricCardinalityLimit(1)).doesNotThrowAnyException();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // helpers
  // ---------------------------------------------------------------------------------------------------------------

  private SpanData span(String name) {
    List<SpanData> spans =
        spanExporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
    assertThat(spans).as("spans named " + name).hasSize(1);
    return spans.get(0);
  }

  private static MetricData metric(Collection<MetricData> metrics, String name) {
    List<MetricData> found = metrics.stream().filter(m -> m.getName().equals(name)).toList();
    assertThat(found).as("metric " + name + " in " + names(metrics)).hasSize(1);
    return found.get(0);
  }

  private static Set<String> names(Collection<MetricData> metrics) {
    return metrics.stream().map(MetricData::getName).collect(Collectors.toSet());
  }

  private static HistogramPointData singlePoint(MetricData histogram) {
    assertThat(histogram.getType()).isEqualTo(MetricDataType.HISTOGRAM);
    Collection<HistogramPointData> points = histogram.getHistogramData().getPoints();
    assertThat(points).as(histogram.getName()).hasSize(1);
    return points.iterator().next();
  }

  private static Map<Attributes, Double> histogramSums(MetricData histogram) {
    assertThat(histogram.getType()).isEqualTo(MetricDataType.HISTOGRAM);
    Map<Attributes, Double> sums = new HashMap<>();
    for (HistogramPointData p : histogram.getHistogramData().getPoints()) {
      sums.put(p.getAttributes(), p.getSum());
    }
    return sums;
  }

  private static Map<Attributes, Long> histogramCounts(MetricData histogram) {
    assertThat(histogram.getType()).isEqualTo(MetricDataType.HISTOGRAM);
    Map<Attributes, Long> counts = new HashMap<>();
    for (HistogramPointData p : histogram.getHistogramData().getPoints()) {
      counts.put(p.getAttributes(), p.getCount());
    }
    return counts;
  }

  private static Map<Attributes, Long> counterValues(MetricData counter) {
    assertThat(counter.getType()).isEqualTo(MetricDataType.LONG_SUM);
    assertThat(counter.getLongSumData().isMonotonic()).isTrue();
    Map<Attributes, Long> values = new HashMap<>();
    for (LongPointData p : counter.getLongSumData().getPoints()) {
      values.put(p.getAttributes(), p.getValue());
    }
    return values;
  }

  private static List<SpanContext> exemplarSpanContexts(HistogramPointData point) {
    return point.getExemplars().stream().map(DoubleExemplarData::getSpanContext).toList();
  }

  private static <T> Attributes with(Attributes base, AttributeKey<T> key, T value) {
    return base.toBuilder().put(key, value).build();
  }
}
