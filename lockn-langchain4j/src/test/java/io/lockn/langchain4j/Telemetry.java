package io.lockn.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockn.core.LockN;
import io.lockn.core.LockNBuilder;
import io.lockn.pricing.PriceCatalog;
import io.lockn.pricing.sdk.CostPipeline;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * An OpenTelemetry SDK for one test: spans to an {@link InMemorySpanExporter} through a {@link SimpleSpanProcessor},
 * priced by a {@link CostSpanProcessor} on the bundled catalog (registered first, as documented), and metrics to an
 * {@link InMemoryMetricReader}. Close it after the test.
 *
 * <pre>{@code
 * try (Telemetry telemetry = Telemetry.create()) {
 *   LockNLangChain4j lc = LockNLangChain4j.create(telemetry.lockn());
 *   ...
 *   SpanData chat = telemetry.span("chat gpt-4o");
 * }
 * }</pre>
 */
final class Telemetry implements AutoCloseable {

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  private final OpenTelemetrySdk sdk;
  private final CostPipeline costs;

  private Telemetry() {
    SdkMeterProvider meters = SdkMeterProvider.builder().registerMetricReader(metrics).build();
    // With the parts by token class on spans: the tests check each usage reader class by class.
    this.costs = CostPipeline.builder(PriceCatalog.bundled()).setMeterProvider(meters).setSpanCostBreakdown(true)
        .build();
    this.sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(costs)
                    .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                    .build())
            .setMeterProvider(meters)
            .build();
  }

  /**
   * A fresh SDK.
   *
   * @return the telemetry; close it after the test
   */
  static Telemetry create() {
    return new Telemetry();
  }

  /**
   * The SDK.
   *
   * @return the OpenTelemetry SDK
   */
  OpenTelemetrySdk openTelemetry() {
    return sdk;
  }

  /**
   * A LockN with default settings on this SDK.
   *
   * @return the LockN
   */
  LockN lockn() {
    return LockN.builder().setOpenTelemetry(sdk).setCallPricing(costs).build();
  }

  /**
   * A LockN on this SDK with extra settings, e.g. {@code b -> b.setCallAdmission(budgets)}.
   *
   * @param customize adds settings to a builder that already has this SDK
   * @return the LockN
   */
  LockN lockn(UnaryOperator<LockNBuilder> customize) {
    return customize.apply(LockN.builder().setOpenTelemetry(sdk).setCallPricing(costs)).build();
  }

  /**
   * The spans ended so far, in the order they ended.
   *
   * @return a snapshot
   */
  List<SpanData> spans() {
    return exporter.getFinishedSpanItems();
  }

  /**
   * Waits up to 10 seconds until at least {@code count} spans have ended (for spans that end on another thread).
   *
   * @param count how many spans to wait for
   * @return the spans ended so far
   */
  List<SpanData> awaitSpans(int count) {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (exporter.getFinishedSpanItems().size() < count && System.nanoTime() < deadline) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    List<SpanData> spans = exporter.getFinishedSpanItems();
    assertThat(spans).as("ended spans").hasSizeGreaterThanOrEqualTo(count);
    return spans;
  }

  /**
   * The one ended span with this name; fails if there is none or more than one.
   *
   * @param name the span name, e.g. {@code "chat gpt-4o"}
   * @return the span
   */
  SpanData span(String name) {
    List<SpanData> named = spans().stream().filter(s -> s.getName().equals(name)).toList();
    assertThat(named).as("spans named '%s' among %s", name, names()).hasSize(1);
    return named.get(0);
  }

  /**
   * The names of the ended spans, in the order they ended.
   *
   * @return the names
   */
  List<String> names() {
    return spans().stream().map(SpanData::getName).toList();
  }

  /**
   * Collects the metrics.
   *
   * @return every metric with data
   */
  List<MetricData> metrics() {
    return List.copyOf(metrics.collectAllMetrics());
  }

  /**
   * The points of a long counter or gauge, keyed by the value of one attribute (points without it under {@code
   * "null"}), summed per key. Collects once.
   *
   * @param metric the metric name, e.g. {@code "lockn.client.cost"}
   * @param by the attribute to key by, e.g. {@code lockn.cost.type}
   * @return the sums; empty if the metric has no data
   */
  Map<String, Long> longSums(String metric, AttributeKey<String> by) {
    return metrics().stream()
        .filter(m -> m.getName().equals(metric))
        .flatMap(m -> m.getLongSumData().getPoints().stream())
        .collect(
            Collectors.groupingBy(
                (LongPointData p) -> Objects.toString(p.getAttributes().get(by)),
                Collectors.summingLong(LongPointData::getValue)));
  }

  /**
   * {@code tokens} at {@code usdPerMillion} USD per 1M tokens, in nano-USD, rounded half-even as the catalog prices a
   * token class; for expected costs computed by hand in a test.
   *
   * @param tokens the token count
   * @param usdPerMillion the catalog price, e.g. {@code "2.50"}
   * @return nano-USD
   */
  static long nanos(long tokens, String usdPerMillion) {
    return new BigDecimal(usdPerMillion)
        .multiply(BigDecimal.valueOf(tokens))
        .movePointRight(3)
        .setScale(0, RoundingMode.HALF_EVEN)
        .longValueExact();
  }

  @Override
  public void close() {
    sdk.close();
  }
}
