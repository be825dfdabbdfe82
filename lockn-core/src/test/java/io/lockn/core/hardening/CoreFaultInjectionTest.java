package io.lockn.core.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.lockn.core.CallCost;
import io.lockn.core.GenAiMessage;
import io.lockn.core.LlmCallRecord;
import io.lockn.core.LockN;
import io.lockn.core.LockNListener;
import io.lockn.core.TokenUsage;
import io.lockn.core.spi.Admission;
import io.lockn.core.spi.CallAdmission;
import io.lockn.core.spi.CallRequest;
import io.lockn.core.spi.TokenCounter;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fault injection into everything LockN calls out to while the application's model call runs: token counters, call
 * admission policies and their admissions, listeners, and a span exporter that hangs. For each: the application's
 * result and exception come back unchanged (the same instance), the span still ends, an admission is settled exactly
 * once (nothing a budget reserved leaks), and the problem is logged once at WARNING however many calls hit it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS) // a hang fails the test instead of the build
class CoreFaultInjectionTest {

  private static final int CALLS = 1_000;
  private static final List<GenAiMessage> MESSAGES = List.of(GenAiMessage.user("hello"));

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private OpenTelemetrySdk otel;
  private UsageLog log;

  @BeforeEach
  void setUp() {
    log = UsageLog.capture();
    otel = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
        .build();
  }

  @AfterEach
  void tearDown() {
    log.close();
    otel.close();
  }

  /** A real admission policy that counts what it holds: admitted minus settled is what a budget would leak. */
  static final class CountingAdmission implements CallAdmission {
    final AtomicInteger admitted = new AtomicInteger();
    final AtomicInteger completed = new AtomicInteger();
    final AtomicInteger released = new AtomicInteger();
    final AtomicLong completedTokens = new AtomicLong();

    @Override
    public Admission admit(CallRequest request) {
      admitted.incrementAndGet();
      return new Admission() {
        @Override
        public String model() {
          return "";
        }

        @Override
        public void complete(io.lockn.core.spi.EndedCall call, CallCost cost) {
        TokenUsage usage = call.usage();
          completed.incrementAndGet();
          completedTokens.addAndGet(usage.totalTokens());
        }

        @Override
        public void release() {
          released.incrementAndGet();
        }
      };
    }

    int outstanding() {
      return admitted.get() - completed.get() - released.get();
    }
  }

  /** The application's own checked exception; it must come back as the same instance. */
  static final class ProviderDown extends Exception {
    ProviderDown(String message) {
      super(message);
    }
  }

  private static long warningsAbout(UsageLog log, String text) {
    return log.warningsContaining(text).size();
  }

  @Test
  void throwingTokenCounter_runtimeExceptionAndError_hostUnchanged_admissionSettled_oneWarningEach() throws Exception {
    CountingAdmission admission = new CountingAdmission();
    AtomicInteger asked = new AtomicInteger();
    TokenCounter counter = (provider, model, messages) -> {
      // Alternates an exception and an error (not a VirtualMachineError, which LockN deliberately lets through).
      if (asked.incrementAndGet() % 2 == 0) {
        throw new IllegalStateException("tokenizer broken");
      }
      throw new AssertionError("tokenizer assertion");
    };
    LockN lockn = LockN.builder().setOpenTelemetry(otel).setCallAdmission(admission).setTokenCounter(counter).build();
    ProviderDown down = new ProviderDown("503");

    for (int i = 0; i < CALLS; i++) {
      int n = i;
      String result = lockn.chat("openai", "gpt-4o").inputMessages(MESSAGES).supply(() -> {
        lockn.currentLlmCall().recordUsage(TokenUsage.of(10, 1));
        return "answer-" + n;
      });
      assertThat(result).isEqualTo("answer-" + n);
    }
    Throwable thrown = catchThrowable(() -> lockn.chat("openai", "gpt-4o").inputMessages(MESSAGES).call(() -> {
      throw down;
    }));

    assertThat(thrown).isSameAs(down);
    assertThat(asked).hasValue(CALLS + 1);
    assertThat(exporter.getFinishedSpanItems()).hasSize(CALLS + 1);
    // Every call was admitted and settled exactly once: 1,000 completed with 11 tokens each, the failed one released.
    assertThat(admission.admitted).hasValue(CALLS + 1);
    assertThat(admission.completed).hasValue(CALLS);
    assertThat(admission.released).hasValue(1);
    assertThat(admission.outstanding()).isZero();
    assertThat(admission.completedTokens).hasValue(11L * CALLS);
    // One WARNING per distinct failure (exception class), not one per call.
    assertThat(warningsAbout(log, "token counter")).isEqualTo(2);
    assertThat(log.warnings()).allSatisfy(r -> assertThat(r.getThrown()).isNotNull());
  }

  @Test
  void throwingListener_thousandCalls_hostUnchanged_admissionSettledFirst_oneWarningEachRestBelowWarning() {
    CountingAdmission admission = new CountingAdmission();
    AtomicInteger heard = new AtomicInteger();
    LockNListener throwsException = new LockNListener() {
      @Override
      public void onLlmCallEnded(LlmCallRecord call) {
        heard.incrementAndGet();
        throw new IllegalStateException("listener bug");
      }
    };
    LockNListener throwsError = new LockNListener() {
      @Override
      public void onLlmCallEnded(LlmCallRecord call) {
        heard.incrementAndGet();
        throw new NoClassDefFoundError("com/example/Missing");
      }
    };
    LockN lockn = LockN.builder().setOpenTelemetry(otel).setCallAdmission(admission)
        .addListener(throwsException).addListener(throwsError).build();

    for (int i = 0; i < CALLS; i++) {
      int n = i;
      assertThat(lockn.chat("openai", "gpt-4o").supply(() -> n)).isEqualTo(n);
    }

    assertThat(heard).hasValue(2 * CALLS); // the first listener's failure does not cost the second its event
    assertThat(exporter.getFinishedSpanItems()).hasSize(CALLS);
    assertThat(admission.outstanding()).isZero();
    assertThat(warningsAbout(log, "onLlmCallEnded")).isEqualTo(2);
    // The repeats are kept below WARNING (FINER): rate-limited, not silenced.
    assertThat(log.all().stream().filter(r -> r.getLevel().intValue() < Level.WARNING.intValue())
        .filter(r -> r.getMessage().contains("onLlmCallEnded")).count()).isEqualTo(2L * CALLS - 2);
  }

  @Test
  void throwingCallAdmissionAndAdmission_callRunsSpanEndsAndEachFailureIsOneWarning() throws Exception {
    // A policy that fails outright: the call is admitted (LockN's own failure must not block the application).
    CallAdmission broken = request -> {
      throw new IllegalStateException("policy store down");
    };
    LockN lockn = LockN.builder().setOpenTelemetry(otel).setCallAdmission(broken).build();
    for (int i = 0; i < 10; i++) {
      assertThat(lockn.chat("openai", "gpt-4o").supply(() -> "ok")).isEqualTo("ok");
    }
    assertThat(warningsAbout(log, "call admission")).isEqualTo(1);

    // An admission every method of which fails: the call still runs, its span ends and the exception is the host's.
    AtomicInteger settled = new AtomicInteger();
    CallAdmission hostile = request -> new Admission() {
      @Override
      public String model() {
        throw new IllegalStateException("model");
      }

      @Override
      public void complete(io.lockn.core.spi.EndedCall call, CallCost cost) {
        TokenUsage usage = call.usage();
        settled.incrementAndGet();
        throw new IllegalStateException("complete");
      }

      @Override
      public void release() {
        settled.incrementAndGet();
        throw new IllegalStateException("release");
      }

      @Override
      public Attributes spanAttributes() {
        throw new IllegalStateException("attributes");
      }
    };
    LockN lockn2 = LockN.builder().setOpenTelemetry(otel).setCallAdmission(hostile).build();
    ProviderDown down = new ProviderDown("429");
    for (int i = 0; i < 10; i++) {
      assertThat(lockn2.chat("openai", "gpt-4o").supply(() -> "ok")).isEqualTo("ok");
      assertThat(catchThrowable(() -> lockn2.chat("openai", "gpt-4o").call(() -> {
        throw down;
      }))).isSameAs(down);
    }
    assertThat(settled).hasValue(20); // settled once per call, even though settling throws
    assertThat(exporter.getFinishedSpanItems()).hasSize(30).allSatisfy(s -> assertThat(s.hasEnded()).isTrue());
    assertThat(warningsAbout(log, "Admission.model")).isEqualTo(1);
    assertThat(warningsAbout(log, "recording the call admission")).isEqualTo(1);
    assertThat(warningsAbout(log, "settling the call admission")).isEqualTo(1);
  }

  /**
   * An exporter that blocks until released: the slow-I/O case (a collector that accepts the connection and never
   * answers). Behind a {@link BatchSpanProcessor} the application's thread never waits for it: the queue fills and
   * spans are dropped instead. No timing assertion: a blocked host thread would hang the loop and hit the timeout.
   */
  @Test
  void hangingExporterBehindBatchProcessor_neverBlocksTheHostThread_andItsThreadEndsOnClose() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch exporting = new CountDownLatch(1);
    AtomicInteger exported = new AtomicInteger();
    SpanExporter hanging = new SpanExporter() {
      @Override
      public CompletableResultCode export(Collection<SpanData> spans) {
        exporting.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        exported.addAndGet(spans.size());
        return CompletableResultCode.ofSuccess();
      }

      @Override
      public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
      }

      @Override
      public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
      }
    };
    Set<Thread> before = Threads.live();
    OpenTelemetrySdk slow = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder()
            .addSpanProcessor(BatchSpanProcessor.builder(hanging).setMaxQueueSize(16).setMaxExportBatchSize(4)
                .setScheduleDelay(Duration.ofMillis(1)).setExporterTimeout(Duration.ofDays(1)).build())
            .build())
        .build();
    LockN lockn = LockN.builder().setOpenTelemetry(slow).setCallAdmission(new CountingAdmission()).build();

    lockn.chat("openai", "gpt-4o").run(() -> {});
    assertThat(exporting.await(30, TimeUnit.SECONDS)).as("the exporter is stuck in export").isTrue();
    int calls = 5 * CALLS;
    long sum = 0;
    for (int i = 0; i < calls; i++) {
      int n = i;
      sum += lockn.chat("openai", "gpt-4o").supply(() -> n);
    }

    assertThat(sum).isEqualTo((long) calls * (calls - 1) / 2); // 0 + 1 + ... + 4,999 = 12,497,500
    release.countDown();
    slow.shutdown().join(30, TimeUnit.SECONDS);
    // The queue held 16 of the 5,001 spans; the rest were dropped, which is the processor's documented behaviour.
    assertThat(exported.get()).isBetween(1, 16 + 4 + 1);
    Threads.awaitNoNewThreads(before);
  }

  /** LockN starts no thread of its own: the threads alive after the SDK closed are the ones alive before. */
  @Test
  void lockNStartsNoThreads_threadSetUnchangedAfterCallsAndClose() throws Exception {
    Set<Thread> before = Threads.live();
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
        .build();
    LockN lockn = LockN.builder().setOpenTelemetry(sdk).setCallAdmission(new CountingAdmission())
        .setTokenCounter((p, m, msgs) -> 5).build();
    for (int i = 0; i < CALLS; i++) {
      lockn.agent("a").run(() -> lockn.chat("openai", "gpt-4o").inputMessages(MESSAGES).run(() -> {}));
      lockn.chat("openai", "gpt-4o").callAsync(() -> java.util.concurrent.CompletableFuture.completedFuture(1));
    }
    assertThat(Threads.live().stream().filter(t -> !before.contains(t)).map(Thread::getName)
        .filter(n -> n.toLowerCase(java.util.Locale.ROOT).contains("lockn")).toList()).isEmpty();
    sdk.close();
    Threads.awaitNoNewThreads(before);
  }
}
