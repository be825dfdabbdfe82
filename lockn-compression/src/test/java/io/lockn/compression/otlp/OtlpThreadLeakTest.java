package io.lockn.compression.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockn.compression.otlp.OtlpReceiver.Mode;
import io.lockn.compression.otlp.OtlpReceiver.Protocol;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Shutting down the SDK (its batch processor, periodic metric reader and OTLP exporters, over both protocols, after
 * successful, refused and unavailable exports) and the receivers leaves no thread behind: no new non-daemon thread at
 * all, and none of the SDK's own threads. Shared client pools (OkHttp's task runner, gRPC's and Netty's shared
 * executors) are given time to wind down; the wait is generous and measures nothing.
 */
class OtlpThreadLeakTest {

  @Test
  void noThreadOutlivesShutdown() throws Exception {
    Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
    for (Protocol protocol : Protocol.values()) {
      try (OtlpReceiver receiver = OtlpReceiver.start(protocol, 0);
          OtlpApp app = new OtlpApp(protocol, receiver.port(), Duration.ofSeconds(10),
              RetryPolicy.builder().setInitialBackoff(Duration.ofMillis(10)).setMaxAttempts(2).build(), b -> { })) {
        app.callsReturn("tenant-a", 0, 3);
        app.flushSpans();
        app.flushMetrics();
        receiver.mode(Mode.UNAVAILABLE);
        app.callsReturn("tenant-a", 3, 1);
        app.flushSpans();
      }
      try (OtlpApp down = new OtlpApp(protocol, OtlpReceiver.closedPort(), Duration.ofSeconds(10), null, b -> { })) {
        down.callsReturn("tenant-a", 0, 1);
        down.flushSpans();
      }
    }

    // Non-daemon threads, and the threads that belong to one SDK instance (daemon, but each exporter, batch processor
    // and reader owns them and must end them on shutdown): BatchSpanProcessor_WorkerThread, PeriodicMetricReader,
    // the exporters' okhttp-dispatch pools; and the test application's own caller thread.
    Predicate<Thread> leaked = t -> t.isAlive() && !before.contains(t)
        && (!t.isDaemon() || t.getName().contains("BatchSpanProcessor") || t.getName().contains("PeriodicMetricReader")
            || t.getName().startsWith("okhttp-dispatch") || t.getName().contains("lockn-test-app"));
    // A BatchSpanProcessor_WorkerThread outlives shutdown() until its current wait ends: up to the schedule delay
    // (5 s by default here; an hour-long delay keeps the idle daemon thread an hour). The generous wait covers it.
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    List<String> left = newThreads(before, leaked);
    System.out.println("Threads right after shutdown (non-daemon or SDK-owned): " + left);
    while (!left.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(200);
      left = newThreads(before, leaked);
    }
    // What may stay: OkHttp's JVM-wide task runner and Okio's watchdog, gRPC/Netty shared pools (all daemon, idle).
    System.out.println("Threads still alive after shutdown (daemon, shared pools): "
        + newThreads(before, t -> t.isAlive() && !before.contains(t)));
    assertThat(left).as("new non-daemon or SDK threads alive after shutdown").isEmpty();
  }

  private static List<String> newThreads(Set<Thread> before, Predicate<Thread> which) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(which)
        .map(t -> t.getName() + (t.isDaemon() ? " (daemon)" : ""))
        .sorted()
        .toList();
  }
}
