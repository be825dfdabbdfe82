package io.lockn.compression.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockn.compression.otlp.OtlpReceiver.Mode;
import io.lockn.compression.otlp.OtlpReceiver.Protocol;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What the SDK's OTLP exporters and batch processor do when the receiver is down, slow, answering "unavailable", or
 * when the queue overflows, with LockN on top: the application's calls always return promptly with their own results
 * and no exception; what the SDK drops is counted, exactly, by its own telemetry ({@code otel.sdk.*}, read here from
 * an in-memory reader); and what the SDK still holds is delivered once the receiver answers.
 *
 * <p>What the SDK does, as these tests pin it (OpenTelemetry Java 1.67, OkHttp senders for both protocols):
 * <ul>
 *   <li>The batch processor never re-queues: each batch is handed to the exporter once. Recovery is only the
 *       exporter's retry policy (at most 5 attempts, all within the exporter's timeout): a batch whose attempts all
 *       fail, or that times out, is dropped and counted in {@code otel.sdk.exporter.span.exported} with an
 *       {@code error.type}.
 *   <li>Connection refused, 429/502/503/504 and gRPC {@code UNAVAILABLE} (among others) are retried; a timeout
 *       ({@code setTimeout}, which bounds the whole export including retries) is not.
 *   <li>A full queue drops the new span at once ({@code otel.sdk.processor.span.processed}, {@code
 *       error.type=queue_full}); the application thread never waits.
 *   <li>Metrics are cumulative: an export that fails loses nothing of the cost counter; the next one that succeeds
 *       carries the full total, including calls whose spans were dropped.
 * </ul>
 */
class OtlpFailureModesTest {

  private static final String SPANS_EXPORTED = OtlpApp.SPANS_EXPORTED;
  private static final String SPANS_PROCESSED = OtlpApp.SPANS_PROCESSED;
  private static final String POINTS_EXPORTED = OtlpApp.POINTS_EXPORTED;

  /** A retry policy that retries fast and reports each failed attempt's exception to {@code failures}. */
  private static RetryPolicy fastRetry(int attempts, List<IOException> failures, CountDownLatch firstFailure,
      Duration backoff) {
    return RetryPolicy.builder()
        .setMaxAttempts(attempts)
        .setInitialBackoff(backoff)
        .setMaxBackoff(backoff.multipliedBy(3))
        .setBackoffMultiplier(1.5)
        // The SDK's own rule for which exceptions to retry (connection failures and socket timeouts), with a record
        // of each one: the test's only way to know that an attempt has failed while the receiver is down.
        .setRetryExceptionPredicate(e -> {
          failures.add(e);
          firstFailure.countDown();
          return e instanceof ConnectException || e instanceof java.net.SocketTimeoutException
              || e instanceof java.net.SocketException;
        })
        .build();
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void receiverDown_callsReturn_andTheHeldBatchIsDeliveredWhenTheReceiverReturnsWithinTheRetries(Protocol protocol)
      throws Exception {
    int port = OtlpReceiver.closedPort();
    List<IOException> failures = new CopyOnWriteArrayList<>();
    CountDownLatch firstFailure = new CountDownLatch(1);
    // 5 attempts, backoff 2 s, 3 s, 4.5 s, 6 s (each with the SDK's +-20% jitter): about 15 s for the receiver to
    // come back; the 60 s timeouts bound the whole export, retries included.
    RetryPolicy retry = fastRetry(5, failures, firstFailure, Duration.ofSeconds(2));
    try (OtlpApp app = new OtlpApp(protocol, port, Duration.ofSeconds(60), retry,
        b -> b.setScheduleDelay(Duration.ofHours(1)).setExporterTimeout(Duration.ofSeconds(60)))) {
      app.callsReturn("tenant-a", 0, 5);
      CompletableResultCode held = app.tracing.forceFlush(); // the export starts; the test does not wait on it
      assertThat(firstFailure.await(30, TimeUnit.SECONDS)).as("a first attempt failed").isTrue();
      assertThat(failures.get(0)).isInstanceOf(ConnectException.class);
      // The exporter is between retries; the application goes on.
      app.callsReturn("tenant-a", 5, 1);

      try (OtlpReceiver receiver = OtlpReceiver.start(protocol, port)) {
        assertThat(held.join(60, TimeUnit.SECONDS).isDone()).as("the held export ended").isTrue();
        app.flushSpans(); // the call made during the outage
        List<SpanData> produced = app.produced.getFinishedSpanItems();
        assertThat(produced).hasSize(6 * OtlpApp.SPANS_PER_CALL);
        assertThat(receiver.spans()).extracting(s -> hex(s.getSpanId().toByteArray()))
            .containsExactlyInAnyOrderElementsOf(produced.stream().map(SpanData::getSpanId).toList());
        // Nothing lost, nothing counted as failed: the failed attempts were retries, not drops.
        assertThat(app.selfCountByError(SPANS_EXPORTED)).containsExactlyEntriesOf(Map.of("", 12L));
        assertThat(failures).allSatisfy(e -> assertThat(e).isInstanceOf(ConnectException.class));
        assertThat(failures.size()).as("failed attempts before the receiver answered").isBetween(1, 4);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void receiverDownBeyondTheRetries_theBatchIsDroppedAndCounted_butTheCumulativeCostArrivesLater(Protocol protocol)
      throws Exception {
    int port = OtlpReceiver.closedPort();
    List<IOException> failures = new CopyOnWriteArrayList<>();
    RetryPolicy retry = fastRetry(2, failures, new CountDownLatch(1), Duration.ofMillis(10));
    try (OtlpApp app = new OtlpApp(protocol, port, Duration.ofSeconds(10), retry,
        b -> b.setScheduleDelay(Duration.ofHours(1)))) {
      app.callsReturn("tenant-a", 0, 3);
      app.flushSpans();
      app.flushMetrics();
      // Every attempt was refused. (The HTTP sender asks the retry predicate after each failed attempt, the gRPC
      // sender only while another attempt is allowed, so the number of calls differs.)
      assertThat(failures).isNotEmpty().allSatisfy(e -> assertThat(e).isInstanceOf(ConnectException.class));
      // 3 calls = 6 spans counted as failed, and the failed metric export's metrics. The latter counts MetricData,
      // not data points (SDK 1.67), and this export has more points than metrics.
      long metrics = app.lockNMetricCount();
      assertThat(metrics).isPositive().isLessThan(app.appPoints());
      assertThat(app.selfCountByError(SPANS_EXPORTED))
          .containsExactlyEntriesOf(Map.of(ConnectException.class.getName(), 6L));
      assertThat(app.selfCountByError(POINTS_EXPORTED))
          .containsExactlyEntriesOf(Map.of(ConnectException.class.getName(), metrics));

      try (OtlpReceiver receiver = OtlpReceiver.start(protocol, port)) {
        app.callsReturn("tenant-a", 3, 2);
        app.flushSpans();
        // Only the calls made after the receiver came back: the first batch is gone for good.
        assertThat(receiver.spans()).hasSize(4);
        assertThat(receiver.spans()).extracting(s -> callOf(s.getAttributesList()))
            .containsOnly(3L, 4L);
        assertThat(app.selfCountByError(SPANS_EXPORTED))
            .containsExactlyInAnyOrderEntriesOf(Map.of(ConnectException.class.getName(), 6L, "", 4L));

        app.flushMetrics();
        assertThat(app.selfCountByError(POINTS_EXPORTED))
            .containsExactlyInAnyOrderEntriesOf(Map.of(ConnectException.class.getName(), metrics, "", receivedMetricCount(receiver)));
        // 5 calls * 13,000,000 nano-USD = 65,000,000: the cost counter is cumulative, so the calls whose spans were
        // dropped are billed too.
        assertThat(receivedCostNanos(receiver)).isEqualTo(5 * OtlpApp.CALL_NANOS).isEqualTo(65_000_000L);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void slowReceiver_callsReturn_andTheTimedOutBatchIsCountedAsFailed(Protocol protocol) throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.start(protocol, 0)) {
      receiver.mode(Mode.HANG);
      try (OtlpApp app = new OtlpApp(protocol, receiver.port(), Duration.ofSeconds(1), RetryPolicy.getDefault(),
          b -> b.setScheduleDelay(Duration.ofHours(1)))) {
        app.callsReturn("tenant-a", 0, 3);
        CompletableResultCode stuck = app.tracing.forceFlush();
        assertThat(receiver.awaitHanging(OtlpApp.AWAIT)).as("the export reached the receiver and hangs").isTrue();
        // The exporter's thread waits on the receiver; the application does not.
        app.callsReturn("tenant-a", 3, 3);
        assertThat(stuck.join(30, TimeUnit.SECONDS).isDone()).isTrue();
        // The flush "succeeds" although its export timed out: only the SDK's telemetry tells.
        assertThat(stuck.isSuccess()).isTrue();
        // The exporter's timeout (1 s) cut the call: OkHttp's call timeout, not retried.
        assertThat(app.selfCountByError(SPANS_EXPORTED))
            .containsExactlyEntriesOf(Map.of(InterruptedIOException.class.getName(), 6L));

        // The receiver recovers: the calls made meanwhile are delivered.
        receiver.mode(Mode.ACCEPT);
        receiver.release();
        app.flushSpans();
        assertThat(app.selfCountByError(SPANS_EXPORTED))
            .containsExactlyInAnyOrderEntriesOf(Map.of(InterruptedIOException.class.getName(), 6L, "", 6L));
        // The request the exporter gave up on was still processed by the slow receiver once it got to it: "counted
        // as failed" means "not confirmed", not "not delivered" (OTLP over a timeout is at-most-once only from the
        // exporter's view).
        assertThat(receiver.await(() -> receiver.spans().size() == 12, OtlpApp.AWAIT)).isTrue();
        assertThat(receiver.spans()).extracting(s -> callOf(s.getAttributesList())).containsOnly(0L, 1L, 2L, 3L, 4L,
            5L);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void unavailableReceiver_isRetriedThenTheBatchIsDroppedAndCounted(Protocol protocol) throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.start(protocol, 0)) {
      receiver.mode(Mode.UNAVAILABLE);
      List<IOException> failures = new CopyOnWriteArrayList<>();
      RetryPolicy retry = fastRetry(3, failures, new CountDownLatch(1), Duration.ofMillis(10));
      try (OtlpApp app = new OtlpApp(protocol, receiver.port(), Duration.ofSeconds(10), retry,
          b -> b.setScheduleDelay(Duration.ofHours(1)))) {
        app.callsReturn("tenant-a", 0, 3);
        app.flushSpans();
        // One batch, three attempts, each answered 503 / UNAVAILABLE; none was an I/O failure.
        assertThat(receiver.traceRequests()).isEqualTo(3);
        assertThat(failures).isEmpty();
        assertThat(receiver.spans()).isEmpty();
        // error.type is the HTTP status, or the gRPC status code's number (UNAVAILABLE = 14).
        assertThat(app.selfCountByError(SPANS_EXPORTED)).containsExactlyEntriesOf(Map.of(protocol == Protocol.GRPC ? "14" : "503", 6L));

        receiver.mode(Mode.ACCEPT);
        app.callsReturn("tenant-a", 3, 2);
        app.flushSpans();
        assertThat(receiver.traceRequests()).isEqualTo(4);
        assertThat(receiver.spans()).extracting(s -> callOf(s.getAttributesList())).hasSize(4).containsOnly(3L, 4L);
        assertThat(app.selfCountByError(SPANS_EXPORTED))
            .containsExactlyInAnyOrderEntriesOf(Map.of(protocol == Protocol.GRPC ? "14" : "503", 6L, "", 4L));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void fullQueue_dropsExactlyTheOverflowAndCountsIt_whileEveryCallIsStillBilled(Protocol protocol)
      throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.start(protocol, 0)) {
      receiver.mode(Mode.HANG);
      try (OtlpApp app = new OtlpApp(protocol, receiver.port(), Duration.ofSeconds(60), RetryPolicy.getDefault(),
          b -> b.setMaxQueueSize(4).setMaxExportBatchSize(2).setScheduleDelay(Duration.ofHours(1))
              .setExporterTimeout(Duration.ofSeconds(60)))) {
        app.callsReturn("tenant-a", 0, 1);
        CompletableResultCode first = app.tracing.forceFlush();
        // The worker thread is now inside the export of call 0's two spans, waiting on the receiver: nothing drains
        // the queue.
        assertThat(receiver.awaitHanging(OtlpApp.AWAIT)).isTrue();
        // 5 calls = 10 spans into a queue of 4: calls 1 and 2 fit, calls 3, 4 and 5 (6 spans) are dropped.
        app.callsReturn("tenant-a", 1, 5);
        Map<String, Long> processed = app.selfCountByError(SPANS_PROCESSED);
        assertThat(processed).containsEntry("queue_full", 6L);

        receiver.mode(Mode.ACCEPT);
        receiver.release();
        assertThat(first.join(60, TimeUnit.SECONDS).isSuccess()).isTrue();
        app.flushSpans();
        assertThat(receiver.spans()).extracting(s -> callOf(s.getAttributesList())).hasSize(6)
            .containsOnly(0L, 1L, 2L);
        assertThat(app.selfCountByError(SPANS_PROCESSED))
            .containsExactlyInAnyOrderEntriesOf(Map.of("", 6L, "queue_full", 6L));
        assertThat(app.selfCountByError(SPANS_EXPORTED)).containsExactlyEntriesOf(Map.of("", 6L));
        // Pricing happens before the queue: all 6 calls are in the cost counter, 6 * 13,000,000 = 78,000,000.
        assertThat(OtlpApp.sum(app.appMetrics, "lockn.client.cost", a -> true))
            .isEqualTo(6 * OtlpApp.CALL_NANOS).isEqualTo(78_000_000L);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------------

  private static long callOf(List<KeyValue> attributes) {
    return attributes.stream().filter(kv -> kv.getKey().equals(OtlpApp.CALL.getKey())).findFirst()
        .map(kv -> kv.getValue().getIntValue())
        .orElse(-1L);
  }

  /** How many metrics the receiver's last metrics request held. */
  private static long receivedMetricCount(OtlpReceiver receiver) {
    var last = receiver.metrics().get(receiver.metrics().size() - 1);
    return last.getResourceMetricsList().stream()
        .flatMap(rm -> rm.getScopeMetricsList().stream())
        .mapToLong(sm -> sm.getMetricsCount())
        .sum();
  }

  private static long receivedCostNanos(OtlpReceiver receiver) {
    var last = receiver.metrics().get(receiver.metrics().size() - 1);
    return last.getResourceMetricsList().stream()
        .flatMap(rm -> rm.getScopeMetricsList().stream())
        .flatMap(sm -> sm.getMetricsList().stream())
        .filter(m -> m.getName().equals("lockn.client.cost"))
        .flatMap(m -> m.getSum().getDataPointsList().stream())
        .mapToLong(p -> p.getAsInt())
        .sum();
  }

  private static String hex(byte[] bytes) {
    return java.util.HexFormat.of().formatHex(bytes);
  }
}
