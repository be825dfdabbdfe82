package io.lockn.examples;

import io.opentelemetry.exporter.internal.otlp.metrics.MetricsRequestMarshaler;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Collection;

/**
 * Span and metric exporters that append OTLP JSON lines to a stream: one {@code {"resourceSpans":[...]}} or {@code
 * {"resourceMetrics":[...]}} object per export, the format of the OpenTelemetry Collector's file exporter and of
 * OTLP/HTTP JSON bodies, which {@code lockn audit} reads.
 *
 * <p>The JSON is written by the OTLP exporters' own marshalers ({@code opentelemetry-exporter-otlp-common}), so it is
 * byte-for-byte what an OTLP/HTTP JSON exporter sends. Those marshalers sit in an {@code internal} package; the demo
 * pins them to the SDK version through the OpenTelemetry BOM. The stdout exporter of {@code
 * opentelemetry-exporter-logging-otlp} would be the public route, but releases after 1.63.0 are not on Maven Central
 * and 1.63.0 does not run on the 1.67 SDK.
 */
final class OtlpJsonLines {

  private OtlpJsonLines() {}

  static SpanExporter spans(OutputStream out) {
    return new SpanExporter() {
      @Override
      public CompletableResultCode export(Collection<SpanData> spans) {
        return write(out, buffer -> TraceRequestMarshaler.create(spans).writeJsonTo(buffer));
      }

      @Override
      public CompletableResultCode flush() {
        return OtlpJsonLines.flush(out);
      }

      @Override
      public CompletableResultCode shutdown() {
        return flush();
      }
    };
  }

  static MetricExporter metrics(OutputStream out) {
    return new MetricExporter() {
      @Override
      public CompletableResultCode export(Collection<MetricData> metrics) {
        return write(out, buffer -> MetricsRequestMarshaler.create(metrics).writeJsonTo(buffer));
      }

      @Override
      public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
        return AggregationTemporality.CUMULATIVE;
      }

      @Override
      public Aggregation getDefaultAggregation(InstrumentType instrumentType) {
        return Aggregation.defaultAggregation();
      }

      @Override
      public MemoryMode getMemoryMode() {
        return MemoryMode.IMMUTABLE_DATA;
      }

      @Override
      public CompletableResultCode flush() {
        return OtlpJsonLines.flush(out);
      }

      @Override
      public CompletableResultCode shutdown() {
        return flush();
      }
    };
  }

  private interface JsonBody {
    void writeTo(OutputStream buffer) throws IOException;
  }

  private static CompletableResultCode write(OutputStream out, JsonBody body) {
    // The marshaler closes the stream it writes to, so each line is built in a buffer first.
    ByteArrayOutputStream buffer = new ByteArrayOutputStream(8192);
    try {
      body.writeTo(buffer);
      buffer.write('\n');
      synchronized (out) {
        buffer.writeTo(out);
      }
      return CompletableResultCode.ofSuccess();
    } catch (IOException | RuntimeException e) {
      return CompletableResultCode.ofExceptionalFailure(e);
    }
  }

  private static CompletableResultCode flush(OutputStream out) {
    try {
      synchronized (out) {
        out.flush();
      }
      return CompletableResultCode.ofSuccess();
    } catch (IOException e) {
      return CompletableResultCode.ofExceptionalFailure(e);
    }
  }
}
