package io.lockn.springai.autoconfigure;

import io.lockn.core.spi.UsageLogger;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.BatchCallback;
import io.opentelemetry.api.metrics.DoubleCounter;
import io.opentelemetry.api.metrics.DoubleCounterBuilder;
import io.opentelemetry.api.metrics.DoubleGaugeBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.DoubleHistogramBuilder;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongCounterBuilder;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.LongHistogramBuilder;
import io.opentelemetry.api.metrics.LongUpDownCounterBuilder;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterBuilder;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.metrics.ObservableDoubleCounter;
import io.opentelemetry.api.metrics.ObservableDoubleMeasurement;
import io.opentelemetry.api.metrics.ObservableLongCounter;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import io.opentelemetry.api.metrics.ObservableMeasurement;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/*
 * Why LockN's own bridge rather than io.opentelemetry.contrib:opentelemetry-micrometer-meter-provider (1.48.0-alpha,
 * the only release on Maven Central, built on OpenTelemetry 1.52): it records every double histogram in a
 * DistributionSummary, whose buckets Micrometer fills with the value rounded up to an integer, so a 0.015 s call
 * lands in no bucket below 1 s (le="0.02" counts 0: measured with micrometer-registry-prometheus 1.17.3); it passes
 * OpenTelemetry units through as Micrometer base units, so Prometheus sees lockn_client_cost__nanoUSD__total and
 * gen_ai_client_token_usage__token__bucket and no dashboard query matches; it tags every series with
 * otel_instrumentation_name/_version; it needs opentelemetry-api-incubator, an alpha artifact this module keeps off
 * the classpath; and it does not contain a registry failure.
 *
 * Choices, each so that a Micrometer scrape looks like an OpenTelemetry Prometheus exporter's scrape of the same
 * instruments (the Grafana dashboards query both):
 *  - units: an annotation unit such as {token} or {nanoUSD} is no unit (the OpenTelemetry Prometheus exporter drops
 *    it too), "s" is "seconds", other UCUM units keep their name;
 *  - a histogram in a time unit is a Timer (exact nanosecond buckets, Prometheus _seconds_bucket, OTLP in the
 *    registry's base time unit); any other histogram is a DistributionSummary with the advised buckets as service
 *    level objectives (LockN's are integer token counts, which Micrometer buckets exactly);
 *  - a counter is a Counter: a double, so integer increments are exact up to 2^53 in total, as in Prometheus.
 */

/**
 * An OpenTelemetry {@link MeterProvider} that records into a Micrometer {@link MeterRegistry}, for the instrument kinds
 * LockN uses: long and double counters ({@link Counter}), and long and double histograms with explicit bucket advice
 * ({@link Timer} when the unit is a time unit, else {@link DistributionSummary}; Micrometer takes only positive
 * boundaries, so a boundary at 0, as in the SDK's defaults, is left out). Attributes become tags, the
 * description the meter's description, the unit its base unit (see {@link #baseUnit}); the instrumentation scope and
 * the context (exemplars) are not recorded. Up-down counters, gauges and asynchronous (callback) instruments, which
 * LockN does not use, are the no-op API's: they record nothing.
 *
 * <p>As with the OpenTelemetry SDK, a negative increment of a counter and a negative histogram value are dropped. The
 * registry is looked up on the first recording, not when instruments are built (LockN builds some while Spring is still
 * creating beans), and no exception reaches the caller: a failure is logged through {@link UsageLogger} and the
 * measurement is lost. The number of series is bounded by the caller's attributes (LockN's are, see {@code
 * CardinalityLimiter}); this class caches at most {@value #MAX_CACHED_SERIES} series per instrument and looks further
 * ones up in the registry on each recording.
 */
final class MicrometerMeterProvider implements MeterProvider {

  /** Series whose Micrometer meter is kept per instrument; beyond it, each recording asks the registry. */
  static final int MAX_CACHED_SERIES = 2048;

  /** The OpenTelemetry SDK's default explicit bucket boundaries, for a histogram without advice. */
  static final List<Double> DEFAULT_BOUNDARIES =
      List.of(0d, 5d, 10d, 25d, 50d, 75d, 100d, 250d, 500d, 750d, 1000d, 2500d, 5000d, 7500d, 10000d);

  private static final Meter NOOP = MeterProvider.noop().get("io.lockn");

  private final Supplier<@Nullable MeterRegistry> registrySource;
  private volatile @Nullable MeterRegistry registry;
  private final BridgeMeter meter = new BridgeMeter();

  /**
   * Creates the provider.
   *
   * @param registry the registry, asked on the first recording (and again while it answers {@code null}, in which case
   *     the measurement is lost)
   */
  MicrometerMeterProvider(Supplier<@Nullable MeterRegistry> registry) {
    this.registrySource = registry;
  }

  @Override
  public MeterBuilder meterBuilder(String instrumentationScopeName) {
    // One meter for every scope: Micrometer meters have no scope, and instruments are told apart by their names.
    return new MeterBuilder() {
      @Override
      public MeterBuilder setSchemaUrl(String schemaUrl) {
        return this;
      }

      @Override
      public MeterBuilder setInstrumentationVersion(String instrumentationScopeVersion) {
        return this;
      }

      @Override
      public Meter build() {
        return meter;
      }
    };
  }

  private @Nullable MeterRegistry registry() {
    MeterRegistry r = registry;
    if (r == null) {
      r = registrySource.get();
      registry = r; // racing lookups find the same bean
    }
    return r;
  }

  @Override
  public String toString() {
    return "MicrometerMeterProvider{" + registry + "}";
  }

  /**
   * The Micrometer base unit of an OpenTelemetry (UCUM) unit: none for no unit, {@code 1} or an annotation such as
   * {@code {token}} (so that Micrometer's Prometheus names match the OpenTelemetry Prometheus exporter's, which drops
   * annotations), {@code seconds} for {@code s} (Micrometer's and Prometheus's name), {@code bytes} for {@code By}, else
   * the unit itself.
   */
  static @Nullable String baseUnit(@Nullable String unit) {
    if (unit == null || unit.isBlank() || unit.equals("1") || (unit.startsWith("{") && unit.endsWith("}"))) {
      return null;
    }
    return switch (unit) {
      case "s" -> "seconds";
      case "ms" -> "milliseconds";
      case "us" -> "microseconds";
      case "ns" -> "nanoseconds";
      case "min" -> "minutes";
      case "h" -> "hours";
      case "d" -> "days";
      case "By" -> "bytes";
      case "%" -> "percent";
      default -> unit;
    };
  }

  /** Nanoseconds in one {@code unit}, or 0 when it is not a time unit. */
  static double nanosPer(@Nullable String unit) {
    if (unit == null) {
      return 0;
    }
    return switch (unit) {
      case "s" -> 1e9;
      case "ms" -> 1e6;
      case "us" -> 1e3;
      case "ns" -> 1;
      case "min" -> 60e9;
      case "h" -> 3600e9;
      case "d" -> 86400e9;
      default -> 0;
    };
  }

  static List<Tag> tags(Attributes attributes) {
    List<Tag> tags = new ArrayList<>(attributes.size());
    attributes.forEach((key, value) -> tags.add(Tag.of(key.getKey(), String.valueOf(value))));
    return tags;
  }

  /** The one meter of every scope. */
  private final class BridgeMeter implements Meter {
    @Override
    public LongCounterBuilder counterBuilder(String name) {
      return new CounterBuilder(name);
    }

    @Override
    public DoubleHistogramBuilder histogramBuilder(String name) {
      return new HistogramBuilder(name);
    }

    @Override
    public LongUpDownCounterBuilder upDownCounterBuilder(String name) {
      return NOOP.upDownCounterBuilder(name);
    }

    @Override
    public DoubleGaugeBuilder gaugeBuilder(String name) {
      return NOOP.gaugeBuilder(name);
    }

    @Override
    public BatchCallback batchCallback(
        Runnable callback, ObservableMeasurement observableMeasurement,
        ObservableMeasurement... additionalMeasurements) {
      return NOOP.batchCallback(callback, observableMeasurement, additionalMeasurements);
    }
  }

  /** What a built instrument records into: one Micrometer meter per attribute set. */
  private abstract class Instrument<M extends io.micrometer.core.instrument.Meter> {
    final String name;
    final @Nullable String description;
    private final Class<M> type;
    private final ConcurrentHashMap<Attributes, M> series = new ConcurrentHashMap<>();
    /** Set when the registry already has a meter of this name and another type: this instrument then records nothing. */
    private volatile boolean yielded;

    Instrument(String name, @Nullable String description, Class<M> type) {
      this.name = name;
      this.description = description;
      this.type = type;
    }

    abstract M register(MeterRegistry registry, List<Tag> tags);

    /**
     * Whether the registry already has a meter of this name and another type (Spring AI's {@code
     * gen_ai.client.token.usage} is a Counter, LockN's a histogram). Prometheus takes one type per name, and whichever
     * registers second is dropped; LockN yields rather than break the application's meter, and says so once.
     */
    private boolean otherType(MeterRegistry registry) {
      for (io.micrometer.core.instrument.Meter existing : registry.find(name).meters()) {
        if (!type.isInstance(existing)) {
          yielded = true;
          UsageLogger.warn("LockN does not record " + name + " in Micrometer: the MeterRegistry already has a "
              + existing.getId().getType() + " of that name, and Prometheus takes one type per name"
              + " (lockn.metrics.export=opentelemetry keeps LockN's metrics apart)");
          return true;
        }
      }
      return false;
    }

    abstract void record(M meter, double value);

    /** Records {@code value} in the series of {@code attributes}; never throws. */
    final void measure(double value, @Nullable Attributes attributes) {
      try {
        if (!(value >= 0)) { // negative or NaN: dropped, as the SDK drops them from counters and histograms
          UsageLogger.warn("LockN dropped a negative or NaN measurement of " + name
              + ": counters and histograms take non-negative values");
          return;
        }
        Attributes a = attributes == null ? Attributes.empty() : attributes;
        M m = series.get(a);
        if (m == null) {
          if (yielded) {
            return;
          }
          MeterRegistry r = registry();
          if (r == null) {
            UsageLogger.warn("LockN's metrics are sent to Micrometer but there is no unique MeterRegistry bean; "
                + name + " is not recorded");
            return;
          }
          if (otherType(r)) {
            return;
          }
          m = register(r, tags(a));
          if (series.size() < MAX_CACHED_SERIES) {
            series.putIfAbsent(a, m);
          }
        }
        record(m, value);
      } catch (Throwable t) {
        UsageLogger.failed("recording " + name + " in the Micrometer MeterRegistry", t);
      }
    }
  }

  private final class CounterInstrument extends Instrument<Counter> implements LongCounter, DoubleCounter {
    private final @Nullable String baseUnit;

    CounterInstrument(String name, @Nullable String description, @Nullable String unit) {
      super(name, description, Counter.class);
      this.baseUnit = baseUnit(unit);
    }

    @Override
    public boolean isEnabled() {
      return true;
    }

    @Override
    Counter register(MeterRegistry registry, List<Tag> tags) {
      return Counter.builder(name).description(description).baseUnit(baseUnit).tags(tags).register(registry);
    }

    @Override
    void record(Counter meter, double value) {
      meter.increment(value);
    }

    @Override
    public void add(long value) {
      measure(value, Attributes.empty());
    }

    @Override
    public void add(long value, Attributes attributes) {
      measure(value, attributes);
    }

    @Override
    public void add(long value, Attributes attributes, Context context) {
      measure(value, attributes);
    }

    @Override
    public void add(double value) {
      measure(value, Attributes.empty());
    }

    @Override
    public void add(double value, Attributes attributes) {
      measure(value, attributes);
    }

    @Override
    public void add(double value, Attributes attributes, Context context) {
      measure(value, attributes);
    }
  }

  /** A histogram, long or double: both record doubles. */
  private abstract class HistogramInstrument<M extends io.micrometer.core.instrument.Meter> extends Instrument<M>
      implements LongHistogram, DoubleHistogram {

    HistogramInstrument(String name, @Nullable String description, Class<M> type) {
      super(name, description, type);
    }

    @Override
    public boolean isEnabled() {
      return true;
    }

    @Override
    public void record(long value) {
      measure(value, Attributes.empty());
    }

    @Override
    public void record(long value, Attributes attributes) {
      measure(value, attributes);
    }

    @Override
    public void record(long value, Attributes attributes, Context context) {
      measure(value, attributes);
    }

    @Override
    public void record(double value) {
      measure(value, Attributes.empty());
    }

    @Override
    public void record(double value, Attributes attributes) {
      measure(value, attributes);
    }

    @Override
    public void record(double value, Attributes attributes, Context context) {
      measure(value, attributes);
    }
  }

  /** A histogram whose unit is not a time unit: a DistributionSummary with the advised buckets. */
  private final class SummaryInstrument extends HistogramInstrument<DistributionSummary> {
    private final @Nullable String baseUnit;
    private final double[] boundaries;

    SummaryInstrument(String name, @Nullable String description, @Nullable String unit, List<Double> boundaries) {
      super(name, description, DistributionSummary.class);
      this.baseUnit = baseUnit(unit);
      this.boundaries = boundaries.stream().mapToDouble(Double::doubleValue).filter(b -> b > 0).toArray();
    }

    @Override
    DistributionSummary register(MeterRegistry registry, List<Tag> tags) {
      return DistributionSummary.builder(name)
          .description(description)
          .baseUnit(baseUnit)
          .serviceLevelObjectives(boundaries)
          .tags(tags)
          .register(registry);
    }

    @Override
    void record(DistributionSummary meter, double value) {
      meter.record(value);
    }
  }

  /** A histogram in a time unit: a Timer, whose buckets are exact to the nanosecond. */
  private final class TimerInstrument extends HistogramInstrument<Timer> {
    private final double nanosPerUnit;
    private final Duration[] boundaries;

    TimerInstrument(String name, @Nullable String description, String unit, List<Double> boundaries) {
      super(name, description, Timer.class);
      this.nanosPerUnit = nanosPer(unit);
      this.boundaries = boundaries.stream()
          .filter(b -> b > 0)
          .map(b -> Duration.ofNanos(Math.round(b * nanosPerUnit)))
          .toArray(Duration[]::new);
    }

    @Override
    Timer register(MeterRegistry registry, List<Tag> tags) {
      return Timer.builder(name)
          .description(description)
          .serviceLevelObjectives(boundaries)
          .tags(tags)
          .register(registry);
    }

    @Override
    void record(Timer meter, double value) {
      meter.record(Math.round(value * nanosPerUnit), TimeUnit.NANOSECONDS);
    }
  }

  /** Long counters, and double ones through {@link #ofDoubles()}; callbacks are the no-op API's. */
  private final class CounterBuilder implements LongCounterBuilder {
    final String name;
    @Nullable String description;
    @Nullable String unit;

    CounterBuilder(String name) {
      this.name = name;
    }

    @Override
    public LongCounterBuilder setDescription(String description) {
      this.description = description;
      return this;
    }

    @Override
    public LongCounterBuilder setUnit(String unit) {
      this.unit = unit;
      return this;
    }

    @Override
    public DoubleCounterBuilder ofDoubles() {
      return new DoubleCounterBuilder() {
        @Override
        public DoubleCounterBuilder setDescription(String description) {
          CounterBuilder.this.description = description;
          return this;
        }

        @Override
        public DoubleCounterBuilder setUnit(String unit) {
          CounterBuilder.this.unit = unit;
          return this;
        }

        @Override
        public DoubleCounter build() {
          return new CounterInstrument(name, description, unit);
        }

        @Override
        public ObservableDoubleCounter buildWithCallback(Consumer<ObservableDoubleMeasurement> callback) {
          return NOOP.counterBuilder(name).ofDoubles().buildWithCallback(callback);
        }
      };
    }

    @Override
    public LongCounter build() {
      return new CounterInstrument(name, description, unit);
    }

    @Override
    public ObservableLongCounter buildWithCallback(Consumer<ObservableLongMeasurement> callback) {
      return NOOP.counterBuilder(name).buildWithCallback(callback);
    }
  }

  /** Double histograms, and long ones through {@link #ofLongs()}. */
  private final class HistogramBuilder implements DoubleHistogramBuilder {
    final String name;
    @Nullable String description;
    @Nullable String unit;
    List<Double> boundaries = DEFAULT_BOUNDARIES;

    HistogramBuilder(String name) {
      this.name = name;
    }

    @Override
    public DoubleHistogramBuilder setDescription(String description) {
      this.description = description;
      return this;
    }

    @Override
    public DoubleHistogramBuilder setUnit(String unit) {
      this.unit = unit;
      return this;
    }

    @Override
    public DoubleHistogramBuilder setExplicitBucketBoundariesAdvice(List<Double> bucketBoundaries) {
      this.boundaries = List.copyOf(bucketBoundaries);
      return this;
    }

    @Override
    public LongHistogramBuilder ofLongs() {
      return new LongHistogramBuilder() {
        @Override
        public LongHistogramBuilder setDescription(String description) {
          HistogramBuilder.this.description = description;
          return this;
        }

        @Override
        public LongHistogramBuilder setUnit(String unit) {
          HistogramBuilder.this.unit = unit;
          return this;
        }

        @Override
        public LongHistogramBuilder setExplicitBucketBoundariesAdvice(List<Long> bucketBoundaries) {
          boundaries = bucketBoundaries.stream().map(Long::doubleValue).toList();
          return this;
        }

        @Override
        public LongHistogram build() {
          return instrument();
        }
      };
    }

    @Override
    public DoubleHistogram build() {
      return instrument();
    }

    private HistogramInstrument<?> instrument() {
      String u = unit;
      return u != null && nanosPer(u) > 0
          ? new TimerInstrument(name, description, u, boundaries)
          : new SummaryInstrument(name, description, u, boundaries);
    }
  }
}
