package io.lockn.compression.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockn.compression.otlp.OtlpReceiver.Protocol;
import io.lockn.core.AttributionKeys;
import io.lockn.core.GenAiProvider;
import io.lockn.core.LockN;
import io.lockn.core.SemconvProfile;
import io.lockn.core.TokenUsage;
import io.lockn.pricing.ModelPrice;
import io.lockn.pricing.PriceCatalog;
import io.lockn.pricing.Rates;
import io.lockn.pricing.sdk.CostPipeline;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.InternalTelemetryVersion;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessorBuilder;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * An application as the OTLP round trips run it: LockN on an OpenTelemetry SDK whose {@link CostPipeline} prices
 * each LLM span, whose {@link BatchSpanProcessor} sends spans through the SDK's real OTLP span exporter, and whose
 * metrics go through a {@link PeriodicMetricReader} and the OTLP metric exporter. An {@link InMemorySpanExporter} and
 * an {@link InMemoryMetricReader} on the same providers see what was produced, to compare with what arrived.
 *
 * <p>The batch processor and both exporters report the SDK's own telemetry ({@code otel.sdk.*}, semconv version
 * {@link InternalTelemetryVersion#LATEST}) to a separate meter provider read by {@link #self}, as an application
 * would enable it to count what its exporters drop.
 */
final class OtlpApp implements AutoCloseable {

  static final Duration AWAIT = Duration.ofSeconds(30);

  /** 10 and 30 USD per million tokens = 10,000 and 30,000 nano-USD per token; small: 1,000 and 2,000. */
  static final PriceCatalog CATALOG =
      PriceCatalog.builder()
          .add(ModelPrice.builder("openai", "big").addPrices(Rates.perMillionTokens("10", "30")).build())
          .add(ModelPrice.builder("openai", "small").addPrices(Rates.perMillionTokens("1", "2")).build())
          .build();

  /** One {@link #call} on "big", 1000 in and 100 out: 1000*10,000 + 100*30,000 = 13,000,000 nano-USD. */
  static final long CALL_NANOS = 13_000_000L;

  /** Spans per {@link #call}: the agent span and its chat span. */
  static final int SPANS_PER_CALL = 2;

  /** On both spans of a {@link #call}: which call it was. */
  static final AttributeKey<Long> CALL = AttributeKey.longKey("test.call");

  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  /** The SDK's own counters (semconv names, 1.67 with {@link InternalTelemetryVersion#LATEST}). */
  static final String SPANS_EXPORTED = "otel.sdk.exporter.span.exported";

  static final String SPANS_PROCESSED = "otel.sdk.processor.span.processed";

  static final String POINTS_EXPORTED = "otel.sdk.exporter.metric_data_point.exported";

  final InMemorySpanExporter produced = InMemorySpanExporter.create();
  final InMemoryMetricReader appMetrics = InMemoryMetricReader.create();
  final InMemoryMetricReader self = InMemoryMetricReader.create();
  final SdkMeterProvider selfMeters = SdkMeterProvider.builder().registerMetricReader(self).build();
  final SdkMeterProvider meters;
  final SdkTracerProvider tracing;
  final OpenTelemetrySdk otel;
  final LockN lockn;
  private final ExecutorService caller = Executors.newSingleThreadExecutor(r -> new Thread(r, "lockn-test-app"));

  /**
   * @param protocol the OTLP protocol of both exporters
   * @param port the receiver's port (it may be down)
   * @param timeout the exporters' timeout, which bounds one export including its retries
   * @param retry the exporters' retry policy; {@code null} for none
   * @param batch settings on top of the batch processor's defaults
   */
  OtlpApp(Protocol protocol, int port, Duration timeout, @Nullable RetryPolicy retry,
      Consumer<BatchSpanProcessorBuilder> batch) {
    Resource resource = Resource.getDefault().merge(Resource.create(Attributes.of(
        AttributeKey.stringKey("service.name"), "lockn-otlp-test",
        AttributeKey.stringKey("deployment.environment.name"), "test")));
    meters = SdkMeterProvider.builder()
        .setResource(resource)
        .registerMetricReader(appMetrics)
        // Exports only when flushed: the tests decide when metrics leave.
        .registerMetricReader(PeriodicMetricReader.builder(metricExporter(protocol, port, timeout, retry))
            .setInterval(Duration.ofHours(1))
            .build())
        .build();
    BatchSpanProcessorBuilder batchBuilder =
        BatchSpanProcessor.builder(spanExporter(protocol, port, timeout, retry))
            .setMeterProvider(selfMeters)
            .setInternalTelemetryVersion(InternalTelemetryVersion.LATEST);
    batch.accept(batchBuilder);
    tracing = SdkTracerProvider.builder()
        .setResource(resource)
        .addSpanProcessor(CostPipeline.builder(CATALOG)
            .setMeterProvider(meters)
            .addMetricAttributionKey(AttributionKeys.DEFAULT_TENANT_KEY)
            .build())
        .addSpanProcessor(batchBuilder.build())
        .addSpanProcessor(SimpleSpanProcessor.create(produced))
        .build();
    otel = OpenTelemetrySdk.builder().setTracerProvider(tracing).setMeterProvider(meters).build();
    lockn = LockN.builder()
        .setOpenTelemetry(otel)
        .setSemconvProfile(SemconvProfile.V1_41)
        .addMetricAttributionKey(AttributionKeys.DEFAULT_TENANT_KEY)
        .build();
  }

  private SpanExporter spanExporter(Protocol protocol, int port, Duration timeout, @Nullable RetryPolicy retry) {
    String endpoint = OtlpReceiver.endpoint(protocol, port, true);
    if (protocol == Protocol.HTTP_PROTOBUF) {
      return OtlpHttpSpanExporter.builder().setEndpoint(endpoint).setTimeout(timeout).setRetryPolicy(retry)
          .setMeterProvider(selfMeters).setInternalTelemetryVersion(InternalTelemetryVersion.LATEST).build();
    }
    return OtlpGrpcSpanExporter.builder().setEndpoint(endpoint).setTimeout(timeout).setRetryPolicy(retry)
        .setMeterProvider(selfMeters).setInternalTelemetryVersion(InternalTelemetryVersion.LATEST).build();
  }

  private MetricExporter metricExporter(Protocol protocol, int port, Duration timeout, @Nullable RetryPolicy retry) {
    String endpoint = OtlpReceiver.endpoint(protocol, port, false);
    if (protocol == Protocol.HTTP_PROTOBUF) {
      return OtlpHttpMetricExporter.builder().setEndpoint(endpoint).setTimeout(timeout).setRetryPolicy(retry)
          .setMeterProvider(selfMeters).setInternalTelemetryVersion(InternalTelemetryVersion.LATEST).build();
    }
    return OtlpGrpcMetricExporter.builder().setEndpoint(endpoint).setTimeout(timeout).setRetryPolicy(retry)
        .setMeterProvider(selfMeters).setInternalTelemetryVersion(InternalTelemetryVersion.LATEST).build();
  }

  /**
   * One priced agent run: an agent span with a chat span under it, 1000 in / 100 out on "big", for the tenant;
   * both spans carry {@link #CALL} = {@code i}.
   */
  String call(String tenant, int i) {
    return lockn.attribution().tenant(tenant).supply(() -> lockn.agent("support-bot").attribute(CALL, (long) i)
        .supply(() -> lockn.chat(GenAiProvider.OPENAI, "big").attribute(CALL, (long) i).supply(() -> {
        lockn.currentLlmCall().recordUsage(TokenUsage.of(1000, 100)).finishReason("stop");
          return "answer-" + i;
        })));
  }

  /**
   * Runs {@code count} calls on an application thread and returns once they all returned. The host's return values
   * come back unchanged and no exception reaches the caller; the wait is generous (it only turns a hang into a
   * failure, it measures nothing).
   */
  void callsReturn(String tenant, int from, int count) throws Exception {
    Future<String> done = caller.submit(() -> {
      StringBuilder answers = new StringBuilder();
      for (int i = from; i < from + count; i++) {
        answers.append(call(tenant, i)).append(' ');
      }
      return answers.toString().trim();
    });
    StringBuilder expected = new StringBuilder();
    for (int i = from; i < from + count; i++) {
      expected.append("answer-").append(i).append(' ');
    }
    assertThat(done.get(AWAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(expected.toString().trim());
  }

  /**
   * Flushes the spans and waits until every span ended so far has been settled by the SDK: exported (successfully or
   * not, as {@code otel.sdk.exporter.span.exported} counts it) or dropped from a full queue.
   *
   * <p>Two SDK behaviours make the flush's own result useless for that. {@code BatchSpanProcessor.forceFlush()}
   * succeeds whatever the export did (a failed export only logs); and a flush requested just after an earlier one
   * completed can be handed that earlier, already completed result (the worker completes a flush before it clears
   * the request), so it returns without flushing anything. Hence the loop on the SDK's own counters.
   */
  void flushSpans() throws InterruptedException {
    long deadline = System.nanoTime() + AWAIT.toNanos();
    while (true) {
      CompletableResultCode result = tracing.forceFlush().join(AWAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(result.isDone()).as("span flush finished within %s", AWAIT).isTrue();
      assertThat(result.isSuccess()).as("BatchSpanProcessor.forceFlush() succeeds whatever the export did").isTrue();
      long settled = selfCount(SPANS_EXPORTED, a -> true)
          + selfCount(SPANS_PROCESSED, a -> "queue_full".equals(a.get(ERROR_TYPE)));
      int ended = produced.getFinishedSpanItems().size();
      if (settled >= ended) {
        return;
      }
      assertThat(System.nanoTime()).as("%s of %s ended spans settled within %s", settled, ended, AWAIT)
          .isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  /**
   * Collects and exports the metrics now, and waits until the export ended. Like the span flush, {@code
   * PeriodicMetricReader.forceFlush()} succeeds whatever the export did; the outcome is in {@code
   * otel.sdk.exporter.metric_data_point.exported}.
   */
  void flushMetrics() {
    CompletableResultCode result = meters.forceFlush().join(AWAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(result.isDone()).as("metric flush finished within %s", AWAIT).isTrue();
    assertThat(result.isSuccess()).as("PeriodicMetricReader.forceFlush() succeeds whatever the export did").isTrue();
  }

  /** The sum of a self-telemetry counter's points whose attributes match. */
  long selfCount(String metric, Predicate<Attributes> points) {
    return sum(self, metric, points);
  }

  /** Each self-telemetry counter point of a metric, keyed by its error.type ("" for none), summed. */
  Map<String, Long> selfCountByError(String metric) {
    Map<String, Long> byError = new HashMap<>();
    for (MetricData m : self.collectAllMetrics()) {
      if (m.getName().equals(metric)) {
        for (LongPointData p : m.getLongSumData().getPoints()) {
          String error = p.getAttributes().get(ERROR_TYPE);
          byError.merge(error == null ? "" : error, p.getValue(), Long::sum);
        }
      }
    }
    return byError;
  }

  /**
   * How many of LockN's metrics (one {@code MetricData} each) the application has now; the first metric export
   * carries exactly these. It is what the SDK 1.67 counts in {@code otel.sdk.exporter.metric_data_point.exported}:
   * despite the name, its OTLP metric exporters count the {@code MetricData} of an export, not their data points (the
   * tests pin this). The SDK's own {@code otel.sdk.metric_reader.*} metrics, which the periodic reader records into
   * the provider it reads after each collection, are left out.
   */
  long lockNMetricCount() {
    return appMetrics.collectAllMetrics().stream().filter(m -> !m.getName().startsWith("otel.sdk.")).count();
  }

  /** How many data points the application's metrics have now. */
  long appPoints() {
    long points = 0;
    for (MetricData m : appMetrics.collectAllMetrics()) {
      points += m.getData().getPoints().size();
    }
    return points;
  }

  /** The sum of a long counter's points whose attributes match. */
  static long sum(InMemoryMetricReader reader, String metric, Predicate<Attributes> points) {
    long sum = 0;
    for (MetricData m : reader.collectAllMetrics()) {
      if (m.getName().equals(metric)) {
        for (LongPointData p : m.getLongSumData().getPoints()) {
          if (points.test(p.getAttributes())) {
            sum += p.getValue();
          }
        }
      }
    }
    return sum;
  }

  @Override
  public void close() throws InterruptedException {
    caller.shutdownNow();
    caller.awaitTermination(AWAIT.toSeconds(), TimeUnit.SECONDS);
    otel.shutdown().join(AWAIT.toSeconds(), TimeUnit.SECONDS);
    selfMeters.shutdown().join(AWAIT.toSeconds(), TimeUnit.SECONDS);
  }
}
