package io.lockn.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricExporter;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs the README's quick starts that can run offline, as the README shows them (the code is the README's, see {@link
 * io.lockn.examples.DocsTest}), and checks that they do what the README says.
 */
class QuickStartsTest {

  @Test
  void plainJava_recordsOneExactCostOnTheSpanTheRollupTheMetricAndTheBudget() {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    InMemoryMetricExporter metrics = InMemoryMetricExporter.create();
    PlainJavaQuickStart.ChatResponse answer =
        new PlainJavaQuickStart.ChatResponse("Your refund is on its way.", 1200, 1024, 300, 0);

    PlainJavaQuickStart.Result result = PlainJavaQuickStart.run(spans, metrics, prompt -> answer, "Where is my refund?");

    try {
      assertThat(result.otel().getSdkTracerProvider().forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      assertThat(result.otel().getSdkMeterProvider().forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();

      // gpt-4o at the bundled catalog's current prices ($2.50 input, $1.25 cache read, $10.00 output per 1M tokens),
      // in nano-USD per token: 2,500, 1,250 and 10,000. fromOpenAi(1200, 1024, 300, 0): 176 uncached input tokens,
      // 1,024 cache reads, 300 output tokens.
      //   176 x 2,500 = 440,000;  1,024 x 1,250 = 1,280,000;  300 x 10,000 = 3,000,000;  total 4,720,000 nano-USD.
      long expectedNanos = 4_720_000L;

      assertThat(result.reply()).isEqualTo("Your refund is on its way.");
      SpanData chat = span(spans, "chat gpt-4o");
      SpanData agent = span(spans, "invoke_agent support-bot");
      assertThat(chat.getParentSpanId()).isEqualTo(agent.getSpanId());
      assertThat(chat.getAttributes().get(AttributeKey.stringKey("app.tenant_id"))).isEqualTo("acme");
      assertThat(agent.getAttributes().get(AttributeKey.stringKey("app.tenant_id"))).isEqualTo("acme");
      assertThat(chat.getAttributes().get(AttributeKey.longKey("lockn.cost.total_nanos"))).isEqualTo(expectedNanos);
      assertThat(agent.getAttributes().get(AttributeKey.longKey("lockn.cost.rollup.total_nanos")))
          .isEqualTo(expectedNanos);
      assertThat(costMetricNanos(metrics)).isEqualTo(expectedNanos);
      assertThat(result.budgets().status("tenant-monthly", "app.tenant_id=acme").spent()).isEqualTo(expectedNanos);
    } finally {
      result.otel().shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void javaAgent_theTenantIsInBaggageForTheCall_andOnlyForIt() {
    List<String> seen = new ArrayList<>();

    JavaAgentQuickStart.run(question -> {
      seen.add(Baggage.current().getEntryValue("app.tenant_id"));
      return "ok";
    }, "Where is my refund?");

    assertThat(seen).containsExactly("acme");
    assertThat(Baggage.current().getEntryValue("app.tenant_id")).isNull();
  }

  private static SpanData span(InMemorySpanExporter exporter, String name) {
    List<SpanData> named = exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
    assertThat(named).as("exported spans named %s", name).hasSize(1);
    return named.get(0);
  }

  /** The sum of every point of the last export of {@code lockn.client.cost} (cumulative): the total cost. */
  private static long costMetricNanos(InMemoryMetricExporter exporter) {
    MetricData cost = null;
    for (MetricData m : exporter.getFinishedMetricItems()) {
      if (m.getName().equals("lockn.client.cost")) {
        cost = m;
      }
    }
    assertThat(cost).as("lockn.client.cost exported").isNotNull();
    return cost.getLongSumData().getPoints().stream().mapToLong(LongPointData::getValue).sum();
  }
}
