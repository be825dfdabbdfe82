package io.lockn.core.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OpenSpanTableTest {

  /** A node: its name and when its span started, in the test's clock unit. */
  private record Node(String name, long startedAt) {}

  // With no span processor the SDK returns non-recording spans, which are not ReadableSpans.
  private final SdkTracerProvider provider = SdkTracerProvider.builder()
      .addSpanProcessor(SimpleSpanProcessor.create(InMemorySpanExporter.create())).build();
  private final Tracer tracer = provider.get("test");

  @AfterEach
  void close() {
    provider.close();
  }

  private ReadableSpan span(String name) {
    return (ReadableSpan) tracer.spanBuilder(name).startSpan();
  }

  @Test
  void tracksSpansAndFindsTheParentsNode() {
    OpenSpanTable<Node> table = OpenSpanTable.create(10, 100, Node::startedAt);
    ReadableSpan parent = span("parent");
    table.put(parent, new Node("parent", 0));

    assertThat(table.parentOf(Context.root().with((Span) parent))).isEqualTo(new Node("parent", 0));
    assertThat(table.parentOf(Context.root())).isNull();
    assertThat(table.parentOf(Context.root().with(Span.getInvalid()))).isNull();
    assertThat(table.remove(parent)).isEqualTo(new Node("parent", 0));
    assertThat(table.remove(parent)).isNull();
    assertThat(table.size()).isZero();
  }

  @Test
  void whenFull_dropsOnlySpansOlderThanAbandonAfter() {
    OpenSpanTable<Node> table = OpenSpanTable.create(2, 100, Node::startedAt);
    ReadableSpan old = span("old");
    ReadableSpan young = span("young");
    table.put(old, new Node("old", 0));
    table.put(young, new Node("young", 50));

    // At 100 nothing is older than 100: still full.
    assertThat(table.hasRoom(() -> 100)).isFalse();
    assertThat(table.size()).isEqualTo(2);
    // At 101 the span started at 0 is abandoned and dropped; the one started at 50 stays.
    assertThat(table.hasRoom(() -> 101)).isTrue();
    assertThat(table.remove(old)).isNull();
    assertThat(table.remove(young)).isEqualTo(new Node("young", 50));
  }

  @Test
  void withRoom_noScan() {
    OpenSpanTable<Node> table = OpenSpanTable.create(2, 1, n -> {
      throw new AssertionError("scanned with room left");
    });
    table.put(span("a"), new Node("a", 0));
    assertThat(table.hasRoom(() -> {
      throw new AssertionError("clock read with room left");
    })).isTrue();
  }

  @Test
  void spansSharingAnId_areTrackedApart() {
    // A deterministic id generator (as tests and some replay tools use) gives spans of different traces one id.
    try (SdkTracerProvider sameIds = SdkTracerProvider.builder()
        .setIdGenerator(new IdGenerator() {
          @Override
          public String generateSpanId() {
            return "00f067aa0ba902b7";
          }

          @Override
          public String generateTraceId() {
            return IdGenerator.random().generateTraceId();
          }
        })
        .addSpanProcessor(SimpleSpanProcessor.create(InMemorySpanExporter.create())).build()) {
      Tracer t = sameIds.get("test");
      ReadableSpan first = (ReadableSpan) t.spanBuilder("first").startSpan();
      ReadableSpan second = (ReadableSpan) t.spanBuilder("second").startSpan();
      ReadableSpan third = (ReadableSpan) t.spanBuilder("third").startSpan();
      assertThat(second.getSpanContext().getSpanId()).isEqualTo(first.getSpanContext().getSpanId());
      OpenSpanTable<Node> table = OpenSpanTable.create(10, 100, Node::startedAt);
      table.put(first, new Node("first", 0));
      table.put(second, new Node("second", 1));
      table.put(third, new Node("third", 2));

      assertThat(table.size()).isEqualTo(3);
      assertThat(table.get(second)).isEqualTo(new Node("second", 1));
      assertThat(table.parentOf(Context.root().with((Span) third))).isEqualTo(new Node("third", 2));
      assertThat(table.remove(first)).isEqualTo(new Node("first", 0));
      assertThat(table.get(first)).isNull();
      assertThat(table.get(second)).isEqualTo(new Node("second", 1));
      assertThat(table.remove(third)).isEqualTo(new Node("third", 2));
      assertThat(table.remove(second)).isEqualTo(new Node("second", 1));
      assertThat(table.size()).isZero();
    }
  }

  @Test
  void aSpanPutTwice_keepsItsLatestNode() {
    OpenSpanTable<Node> table = OpenSpanTable.create(10, 100, Node::startedAt);
    ReadableSpan a = span("a");
    table.put(a, new Node("a", 0));
    table.put(a, new Node("a", 5));
    assertThat(table.size()).isEqualTo(1);
    assertThat(table.remove(a)).isEqualTo(new Node("a", 5));
  }

  @Test
  void boundsAreValidatedTheSameForEveryProcessor() {
    assertThatThrownBy(() -> OpenSpanTable.create(0, 1, Node::startedAt)).hasMessage("maxOpenSpans < 1: 0");
    assertThatThrownBy(() -> OpenSpanTable.create(1, 0, Node::startedAt)).hasMessage("abandonAfter <= 0: 0");
    assertThatThrownBy(() -> OpenSpanTable.checkAbandonAfter(Duration.ZERO)).hasMessage("abandonAfter <= 0: PT0S");
    assertThatThrownBy(() -> OpenSpanTable.checkAbandonAfter(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(OpenSpanTable.checkAbandonAfter(Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(1));
    assertThat(OpenSpanTable.checkMaxOpenSpans(1)).isEqualTo(1);
  }
}
