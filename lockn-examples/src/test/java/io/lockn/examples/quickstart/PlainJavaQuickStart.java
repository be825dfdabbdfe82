package io.lockn.examples.quickstart;

// BEGIN docs snippet: README.md
import io.lockn.budget.Budget;
import io.lockn.budget.Budgets;
import io.lockn.budget.Period;
import io.lockn.budget.Scope;
import io.lockn.core.GenAiProvider;
import io.lockn.core.LockN;
import io.lockn.core.TokenUsage;
import io.lockn.pricing.PriceCatalog;
import io.lockn.pricing.sdk.CostPipeline;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.time.ZoneOffset;
// END docs snippet: README.md

/**
 * The README's plain-Java quick start, verbatim between the markers (DocsTest checks the README shows it, imports
 * included, and that this file imports nothing else), run by {@link QuickStartsTest}. What the README calls the
 * user's own pieces are the parameters, spelled with qualified names so that no import outside the snippet is needed.
 */
final class PlainJavaQuickStart {

  /** What the README's "your provider's client" answers. */
  record ChatResponse(String text, long promptTokens, long cachedTokens, long completionTokens, long reasoningTokens) {}

  /** The README's "your provider's client". */
  interface ProviderClient {
    ChatResponse chat(String prompt);
  }

  /** What the test inspects after the snippet ran. */
  record Result(String reply, OpenTelemetrySdk otel, Budgets budgets) {}

  private PlainJavaQuickStart() {}

  static Result run(
      io.opentelemetry.sdk.trace.export.SpanExporter spanExporter,
      io.opentelemetry.sdk.metrics.export.MetricExporter metricExporter,
      ProviderClient client,
      String prompt) {
    // BEGIN docs snippet: README.md
    SdkMeterProvider meters = SdkMeterProvider.builder()
        .registerMetricReader(PeriodicMetricReader.create(metricExporter)).build();
    CostPipeline costs = CostPipeline.builder(PriceCatalog.bundled()).setMeterProvider(meters).build();
    OpenTelemetrySdk otel = OpenTelemetrySdk.builder().setMeterProvider(meters)
        .setTracerProvider(SdkTracerProvider.builder()
            .addSpanProcessor(costs)                          // other instrumentations' spans, roll-ups
            .addSpanProcessor(BatchSpanProcessor.builder(spanExporter).build())
            .build())
        .build();
    Budgets budgets = Budgets.builder(PriceCatalog.bundled())
        .addBudget(Budget.builder("tenant-monthly").scope(Scope.each("app.tenant_id"))
            .limitUsd("100").period(Period.month(ZoneOffset.UTC)).alertAt(80).blockAt(100).build())
        .build();
    LockN lockn = LockN.builder().setOpenTelemetry(otel)
        .setCallPricing(costs)                                // LockN's own calls: priced once, sampled or not
        .setCallAdmission(budgets)                            // admitted before the call, charged that cost
        .build();

    String reply = lockn.attribution().tenant("acme").supply(() ->
        lockn.agent("support-bot").supply(() ->
            lockn.chat(GenAiProvider.OPENAI, "gpt-4o").maxTokens(512).supply(() -> {
              ChatResponse r = client.chat(prompt);           // your provider's client
              lockn.currentLlmCall().recordUsage(TokenUsage.fromOpenAi(
                  r.promptTokens(), r.cachedTokens(), r.completionTokens(), r.reasoningTokens()));
              return r.text();
            })));
    // END docs snippet: README.md
    return new Result(reply, otel, budgets);
  }
}
