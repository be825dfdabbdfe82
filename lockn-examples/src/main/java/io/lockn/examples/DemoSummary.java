package io.lockn.examples;

import io.lockn.compression.roi.RoiResult;
import io.lockn.core.AttributionKeys;
import io.lockn.core.GenAiAttributes;
import io.lockn.core.LlmCallRecord;
import io.lockn.core.LockNAttributes;
import io.lockn.core.LockNListener;
import io.lockn.core.ModelSubstitution;
import io.lockn.core.TokenUsage;
import io.lockn.pricing.CostAttributes;
import io.lockn.pricing.CostLedger;
import java.math.BigDecimal;
import java.time.Instant;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Collects what the demo prints at the end: spans per agent (the agent's own spans and every span below it) and
 * tokens per tenant. It is both a span processor and a LockN listener, which is how an application would feed its own
 * dashboards.
 */
final class DemoSummary implements SpanProcessor, LockNListener {

  private final Map<String, AtomicLong> spansPerAgent = new TreeMap<>();
  private final Map<String, TokenUsage> tokensPerTenant = new TreeMap<>();
  private final List<String> substitutions = new ArrayList<>();
  private final AtomicLong spans = new AtomicLong();
  private final AtomicLong retries = new AtomicLong();
  private final AtomicLong fallbacks = new AtomicLong();
  private final AtomicLong cacheHits = new AtomicLong();
  private final AtomicLong unpriced = new AtomicLong();
  private final CostLedger ledger;

  private @Nullable ContextTrimmingExperiment experiment;
  private @Nullable RoiResult experimentResult;

  DemoSummary(CostLedger ledger) {
    this.ledger = ledger;
  }

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {}

  @Override
  public boolean isStartRequired() {
    return false;
  }

  @Override
  public synchronized void onEnd(ReadableSpan span) {
    spans.incrementAndGet();
    if (Boolean.TRUE.equals(span.getAttribute(CostAttributes.UNPRICED))) {
      unpriced.incrementAndGet();
    }
    String agent = span.getAttribute(GenAiAttributes.GEN_AI_AGENT_NAME);
    if (agent == null) {
      agent = span.getAttribute(LockNAttributes.AGENT_NAME);
    }
    if (agent != null) {
      spansPerAgent.computeIfAbsent(agent, a -> new AtomicLong()).incrementAndGet();
    }
  }

  @Override
  public boolean isEndRequired() {
    return true;
  }

  @Override
  public synchronized void onModelSubstitution(ModelSubstitution substitution) {
    substitutions.add(substitution.requestModel() + " -> " + substitution.responseModel());
  }

  @Override
  public synchronized void onLlmCallEnded(LlmCallRecord call) {
    String tenant = call.attribution().getOrDefault(AttributionKeys.DEFAULT_TENANT_KEY, "(none)");
    tokensPerTenant.merge(tenant, call.usage(), TokenUsage::plus);
    if (call.attempt() > 1) {
      retries.incrementAndGet();
    }
    if (call.fallbackDepth() > 0) {
      fallbacks.incrementAndGet();
    }
    if (call.cacheType() != null) {
      cacheHits.incrementAndGet();
    }
  }

  private static void printCosts(PrintStream out, String title, Map<String, BigDecimal> costs) {
    out.println(title);
    costs.forEach((key, usd) -> out.printf("  %-34s %14s%n", key, usd.toPlainString()));
  }

  synchronized void experiment(ContextTrimmingExperiment experiment, RoiResult result) {
    this.experiment = experiment;
    this.experimentResult = result;
  }

  /** The A/B experiment's ROI of the compressed group over all agents. */
  synchronized RoiResult experimentResult() {
    if (experimentResult == null) {
      throw new IllegalStateException("the experiment has not run");
    }
    return experimentResult;
  }

  /** Compression spans the experiment recorded. */
  synchronized long compressSpans() {
    return experiment == null ? 0 : experiment.compressSpans();
  }

  long unpricedCalls() {
    return unpriced.get();
  }

  synchronized Map<String, TokenUsage> tokensPerTenant() {
    return Map.copyOf(tokensPerTenant);
  }

  synchronized void print(PrintStream out, Instant from, Instant to) {
    out.printf("%d spans recorded.%n%n", spans.get());
    out.println("Spans per agent (the agent's spans and everything below it):");
    spansPerAgent.forEach((agent, count) -> out.printf("  %-16s %4d%n", agent, count.get()));
    out.println();
    out.println("Tokens per tenant:");
    out.printf("  %-10s %8s %8s %12s %11s %11s%n", "tenant", "input", "output", "cache read", "cache write",
        "reasoning");
    tokensPerTenant.forEach(
        (tenant, u) ->
            out.printf("  %-10s %8d %8d %12d %11d %11d%n", tenant, u.inputTokens(), u.outputTokens(),
                u.cacheReadTokens(), u.cacheWriteTokens(), u.reasoningTokens()));
    out.println();
    printCosts(out, "Cost per tenant (USD):", ledger.totals(CostLedger.Dimension.TENANT, from, to));
    printCosts(out, "Cost per agent (USD):", ledger.totals(CostLedger.Dimension.AGENT, from, to));
    printCosts(out, "Cost per model (USD):", ledger.totals(CostLedger.Dimension.MODEL, from, to));
    out.printf("  %-34s %14s%n", "total", ledger.total(from, to).toPlainString());
    out.printf("  unpriced calls (no price known, not counted above): %d%n", unpriced.get());
    out.println();
    out.printf("Retries: %d   Fallbacks: %d   Cache hits: %d   Model substitutions: %s%n", retries.get(),
        fallbacks.get(), cacheHits.get(), substitutions.isEmpty() ? "none" : String.join(", ", substitutions));
  }
}
