package io.lockn.examples;

import io.lockn.budget.Budget;
import io.lockn.budget.BudgetEvent;
import io.lockn.budget.BudgetListener;
import io.lockn.budget.BudgetStatus;
import io.lockn.budget.Budgets;
import io.lockn.budget.Period;
import io.lockn.budget.Scope;
import io.lockn.core.BudgetExceededException;
import io.lockn.core.GenAiOperation;
import io.lockn.core.GenAiProvider;
import io.lockn.core.LlmCall;
import io.lockn.core.LlmCallSpec;
import io.lockn.core.LockN;
import io.lockn.core.LockNScope;
import io.lockn.core.AttributionKeys;
import io.lockn.core.CallCost;
import io.lockn.core.TokenUsage;
import io.lockn.core.spi.Admission;
import io.lockn.core.spi.CallRequest;
import io.lockn.core.spi.EndedCall;
import io.lockn.compression.experiment.Experiments;
import io.lockn.compression.roi.RoiResult;
import io.lockn.core.sdk.CostAwareSampler;
import org.jspecify.annotations.Nullable;
import io.lockn.pricing.CostLedger;
import io.lockn.pricing.PriceCatalog;
import io.lockn.pricing.SelfHostedTco;
import io.lockn.pricing.sdk.CostPipeline;
import java.math.BigDecimal;
import java.time.Instant;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.SdkMeterProviderBuilder;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The LockN demo: a customer-support workflow for three tenants, run offline against simulated providers.
 *
 * <p>Each ticket runs as one {@code invoke_workflow} with three agents: a triage agent (declared with {@code
 * @AgentTask}, its first call rate-limited with a 429 and retried), a resolver agent (tools declared with {@code
 * @AgentTool}, an embeddings call inside a tool, an Anthropic call that writes the prompt cache for the first tenant
 * and reads it for the second, and a nested refund agent on a reasoning model), and a reply writer (its model
 * overloaded, falling back to a cheaper one; for the second tenant a gateway substitutes another model). A
 * self-hosted model on vLLM, priced from its total cost of ownership, screens every ticket for personal data, and the
 * first tenant's fine-tuned tone model is unknown to the catalog, so its calls show as unpriced. Tenant, cost center,
 * workflow, feature, plan and user travel in W3C Baggage and land on every span, and every model call carries its
 * exact cost, rolled up to the agents and workflows above it.
 *
 * <p>A third tenant, on the starter plan, has nearly spent its monthly budget ({@code lockn-budget}): its first ticket
 * raises a budget alert, the second is throttled from Claude Sonnet to Claude Haiku (the simulated provider answers
 * with {@link LlmCall#admittedModel()}), and the third is blocked with a {@link BudgetExceededException} before the
 * provider is called. The demo ends with the budgets' status table.
 *
 * <p>Every span and metric is written as OTLP JSON lines, the OpenTelemetry Collector file-exporter format, to
 * {@code target/lockn-demo/traces.jsonl} and {@code metrics.jsonl} under the working directory. With {@code
 * OTEL_EXPORTER_OTLP_ENDPOINT} set, it also exports over OTLP ({@code http/protobuf}, or {@code grpc} when {@code
 * OTEL_EXPORTER_OTLP_PROTOCOL=grpc}).
 */
public final class SupportDemo {

  /** One support ticket. */
  record Ticket(String id, String tenant, String costCenter, String plan, String user, String orderId, String text) {}

  static final List<Ticket> TICKETS =
      List.of(
          new Ticket("T-1001", "acme", "cc-support-emea", "enterprise", "u-17", "A-553",
              "My order A-553 never arrived and I want a refund."),
          new Ticket("T-2001", "globex", "cc-support-us", "pro", "u-42", "",
              "How do I rotate my API key without downtime?"));

  /** One ticket of the starter plan, answered by a single agent; {@code inputTokens} is the prompt's counted size. */
  record StarterTicket(String id, String user, long inputTokens, long outputTokens, String text) {}

  /** The starter-plan tenant whose monthly budget is nearly spent. */
  static final String STARTER_TENANT = "initech";

  /** The starter tenant's tickets: an alert, a throttle, then a long attachment that no longer fits the budget. */
  static final List<StarterTicket> STARTER_TICKETS =
      List.of(
          new StarterTicket("T-3001", "u-7", 2_000, 800, "Can I export my invoices as CSV?"),
          new StarterTicket("T-3002", "u-7", 4_000, 700, "Our webhook retries look wrong, see the thread below."),
          new StarterTicket("T-3003", "u-9", 120_000, 900, "Please analyse the attached 400-page server log."));

  /** The budget of every tenant, per calendar month (UTC). */
  static final Budget TENANT_MONTHLY =
      Budget.builder("tenant-monthly")
          .scope(Scope.each(AttributionKeys.DEFAULT_TENANT_KEY))
          .limitUsd("50.00")
          .period(Period.month(ZoneOffset.UTC))
          .alertAt(80).throttleAt(90).blockAt(100)
          .build();

  /** The starter tenant's own, much smaller, monthly cap. */
  static final Budget STARTER_MONTHLY =
      Budget.builder("initech-starter")
          .scope(Scope.attribute(AttributionKeys.DEFAULT_TENANT_KEY, STARTER_TENANT))
          .limitUsd("0.50")
          .period(Period.month(ZoneOffset.UTC))
          .alertAt(80).throttleAt(90).blockAt(100)
          .build();

  private final LockN lockn;
  private final SimulatedModels models = new SimulatedModels();
  private final SupportAgents agents;
  private final SupportTools tools;

  SupportDemo(LockN lockn) {
    this.lockn = lockn;
    this.agents = lockn.instrument(SupportAgents.class, this::classify);
    this.tools = lockn.instrument(SupportTools.class, new KnowledgeTools());
  }

  /**
   * Runs the demo and prints its summary.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    Path out = Paths.get("target", "lockn-demo").toAbsolutePath();
    run(out, System.out, System.getenv("OTEL_EXPORTER_OTLP_ENDPOINT"), System.getenv("OTEL_EXPORTER_OTLP_PROTOCOL"));
  }

  /**
   * Runs the demo, writing its telemetry under {@code outputDirectory}.
   *
   * @param outputDirectory where {@code traces.jsonl} and {@code metrics.jsonl} go
   * @param console where the summary goes
   * @param otlpEndpoint an OTLP endpoint to export to as well, or {@code null}
   * @param otlpProtocol {@code grpc} or {@code http/protobuf} (the default), or {@code null}
   * @return the summary
   */
  static DemoSummary run(Path outputDirectory, PrintStream console, String otlpEndpoint, String otlpProtocol) {
    try {
      Files.createDirectories(outputDirectory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + outputDirectory, e);
    }
    Path traces = outputDirectory.resolve("traces.jsonl");
    Path metrics = outputDirectory.resolve("metrics.jsonl");
    CostLedger ledger = CostLedger.create();
    DemoSummary summary = new DemoSummary(ledger);
    Instant started = Instant.now();
    boolean otlp = otlpEndpoint != null && !otlpEndpoint.isBlank();
    boolean grpc = otlp && "grpc".equalsIgnoreCase(otlpProtocol);
    ContextTrimmingExperiment experiment = new ContextTrimmingExperiment();
    LangChain4jPart.Result langChain4j = null;

    try (OutputStream traceFile = new BufferedOutputStream(Files.newOutputStream(traces));
        OutputStream metricFile = new BufferedOutputStream(Files.newOutputStream(metrics))) {
      Resource resource =
          Resource.getDefault()
              .merge(Resource.create(Attributes.builder()
                  .put("service.name", "lockn-demo")
                  .put("deployment.environment.name", "demo")
                  .build()));
      SdkMeterProviderBuilder metering =
          SdkMeterProvider.builder()
              .setResource(resource)
              .registerMetricReader(
                  PeriodicMetricReader.builder(OtlpJsonLines.metrics(metricFile)).setInterval(Duration.ofHours(1)).build());
      if (otlp) {
        metering.registerMetricReader(
            PeriodicMetricReader.builder(otlpMetricExporter(otlpEndpoint, grpc)).setInterval(Duration.ofHours(1))
                .build());
      }
      SdkMeterProvider meters = metering.build();
      // LockN's one pricing path: it prices every model call once, as the call ends, and records that cost on the
      // span, the cost metric, the ledger and the budget.
      CostPipeline costs =
          CostPipeline.builder(catalog())
              .setMeterProvider(meters)
              .addMetricAttributionKey(AttributionKeys.DEFAULT_TENANT_KEY)
              .setLedger(ledger)
              .setAttributionKeys(ATTRIBUTION_KEYS)
              // The demo's spans show each call's cost by token class too.
              .setSpanCostBreakdown(true)
              .build();
      SdkTracerProviderBuilder tracing =
          SdkTracerProvider.builder()
              .setResource(resource)
              // Export every GenAI span even if the rest of the application were sampled at 1%: the demo's trace file
              // is audited offline, which needs every call.
              .setSampler(CostAwareSampler.exportAll(Sampler.parentBased(Sampler.traceIdRatioBased(0.01))))
              // Rolls the cost of every model call up to agents and workflows.
              .addSpanProcessor(costs)
              .addSpanProcessor(summary)
              .addSpanProcessor(BatchSpanProcessor.builder(OtlpJsonLines.spans(traceFile)).build());
      if (otlp) {
        tracing.addSpanProcessor(BatchSpanProcessor.builder(otlpSpanExporter(otlpEndpoint, grpc)).build());
      }
      OpenTelemetrySdk sdk =
          OpenTelemetrySdk.builder().setTracerProvider(tracing.build()).setMeterProvider(meters).build();
      try {
        Budgets budgets = budgets(console);
        LockN lockn =
            LockN.builder().setOpenTelemetry(sdk).setAttributionKeys(ATTRIBUTION_KEYS).addListener(summary)
                .setCallPricing(costs).setCallAdmission(budgets).build();
        SupportDemo demo = new SupportDemo(lockn);
        console.println("LockN demo: customer-support workflow for " + (TICKETS.size() + 1) + " tenants (offline)");
        console.println();
        for (Ticket ticket : TICKETS) {
          demo.handle(ticket, console);
        }
        for (StarterTicket ticket : STARTER_TICKETS) {
          demo.handleStarter(ticket, console);
        }
        console.println();
        printBudgets(console, budgets.status());
      } finally {
        // Flushes the batch processor and the final metric collection into the files.
        sdk.shutdown().join(30, TimeUnit.SECONDS);
      }
      // The A/B experiment: its own tracer provider (own cost processor and ledger on the same catalog) writing to
      // the same trace file, so that the three tenants' tables above stay those of the support workflow.
      summary.experiment(experiment,
          runExperiment(experiment, resource, traceFile, otlp ? otlpSpanExporter(otlpEndpoint, grpc) : null));
      langChain4j = LangChain4jPart.run(resource, traceFile, otlp ? otlpSpanExporter(otlpEndpoint, grpc) : null);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the demo's telemetry to " + outputDirectory, e);
    }
    console.println();
    summary.print(console, started, Instant.now().plusSeconds(1));
    console.println();
    experiment.print(console, summary.experimentResult());
    console.println();
    if (langChain4j != null) {
      LangChain4jPart.print(console, langChain4j);
      console.println();
    }
    console.println("Traces:  " + traces);
    console.println("Metrics: " + metrics);
    if (otlp) {
      console.println("Also exported over OTLP (" + (grpc ? "grpc" : "http/protobuf") + ") to " + otlpEndpoint);
    }
    return summary;
  }

  /**
   * The attribution copied from Baggage to every span and ledger entry: LockN's defaults plus the experiment keys
   * {@code lockn.experiment.name} and {@code lockn.experiment.group}.
   */
  static final AttributionKeys ATTRIBUTION_KEYS = Experiments.allowlist(AttributionKeys.builder()).build();

  /**
   * Runs the A/B experiment on a tracer provider of its own, on the experiment's simulated clock: the demo's cost
   * processor on the same catalog, the experiment's in-process ROI collector, and the same trace file (and OTLP
   * endpoint, if any).
   */
  static RoiResult runExperiment(ContextTrimmingExperiment experiment, Resource resource, OutputStream traceFile,
      @Nullable SpanExporter otlp) {
    // The ROI collector is a stage of the cost pipeline: it reads each call's cost after the pipeline priced it.
    CostPipeline costs = CostPipeline.builder(catalog()).setLedger(CostLedger.create())
        .setAttributionKeys(ATTRIBUTION_KEYS).addStage(experiment.collector()).build();
    SdkTracerProviderBuilder tracing =
        SdkTracerProvider.builder()
            .setResource(resource)
            .setClock(experiment.clock())
            .setSampler(CostAwareSampler.exportAll(Sampler.parentBased(Sampler.traceIdRatioBased(0.01))))
            .addSpanProcessor(costs)
            .addSpanProcessor(BatchSpanProcessor.builder(OtlpJsonLines.spans(traceFile)).build());
    if (otlp != null) {
      tracing.addSpanProcessor(BatchSpanProcessor.builder(otlp).build());
    }
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(tracing.build()).build();
    try {
      LockN lockn = LockN.builder().setOpenTelemetry(sdk).setAttributionKeys(ATTRIBUTION_KEYS).setCallPricing(costs)
          .build();
      experiment.run(lockn, sdk);
    } finally {
      sdk.shutdown().join(30, TimeUnit.SECONDS);
    }
    return experiment.analyze();
  }

  /** The self-hosted model's total cost of ownership: one rented H100 running vLLM. */
  static final SelfHostedTco LLAMA_TCO =
      SelfHostedTco.builder()
          .gpuRental(new BigDecimal("2.49"), 1)
          .power(new BigDecimal("700"), new BigDecimal("0.15"), new BigDecimal("1.3"))
          .staffPerMonth(new BigDecimal("1500"))
          .throughput(new BigDecimal("12000"), new BigDecimal("1800"))
          .utilization(new BigDecimal("0.6"))
          .build();

  /** The bundled prices plus the self-hosted model priced by its TCO. */
  static PriceCatalog catalog() {
    return PriceCatalog.builder()
        .addAll(PriceCatalog.bundled())
        .add(LLAMA_TCO.toModelPrice("vllm", "llama-3.1-8b-instruct"))
        .build();
  }

  /**
   * Every tenant's monthly budget, plus the starter tenant's small one, already 75% spent: the demo replays what the
   * tenant spent earlier this month through the budgets, as a shared ledger (Redis) would remember it.
   */
  static Budgets budgets(PrintStream console) {
    Budgets budgets =
        Budgets.builder(catalog())
            .addBudget(TENANT_MONTHLY)
            .addBudget(STARTER_MONTHLY)
            .addDowngrade("claude-sonnet-4-5", "claude-haiku-4-5")
            .addListener(new BudgetPrinter(console))
            .build();
    Admission earlier =
        budgets.admit(
            CallRequest.builder(GenAiProvider.ANTHROPIC, "claude-sonnet-4-5")
                .estimatedInputTokens(100_000)
                .maxOutputTokens(5_000)
                .attribution(Map.of(AttributionKeys.DEFAULT_TENANT_KEY, STARTER_TENANT))
                .build());
    earlier.complete(
        EndedCall.builder(GenAiOperation.CHAT, GenAiProvider.ANTHROPIC, "claude-sonnet-4-5")
            .usage(TokenUsage.fromAnthropic(100_000, 0, 0, 5_000))
            .build(),
        CallCost.notPriced());
    return budgets;
  }

  /** Prints what the budgets do as they do it. */
  private record BudgetPrinter(PrintStream console) implements BudgetListener {
    @Override
    public void onAlert(BudgetEvent e) {
      console.printf(Locale.ROOT, "  budget ALERT    %s [%s]: %s%% reached, %s of %s used or reserved%n", e.budget(),
          e.scope(), e.threshold() == null ? "?" : e.threshold().percent().toPlainString(), usd(e.used()),
          usd(e.limit()));
    }

    @Override
    public void onThrottle(BudgetEvent e) {
      console.printf(Locale.ROOT, "  budget THROTTLE %s [%s]: %s -> %s%n", e.budget(), e.scope(), e.requestModel(),
          e.admittedModel());
    }
  }

  void handle(Ticket t, PrintStream console) {
    lockn.attribution()
        .tenant(t.tenant())
        .costCenter(t.costCenter())
        .workflowId(t.id())
        .feature("support-chat")
        .plan(t.plan())
        .user(t.user())
        .run(
            () ->
                lockn.workflow("customer-support").conversationId(t.id()).run(() -> {
                  screenForPersonalData(t);
                  String category = agents.classify(t.id(), t.text());
                  String answer = resolve(t, category);
                  String reply = draftReply(t, answer);
                  console.printf(Locale.ROOT, "  %s [%s] %s -> %s%n", t.id(), t.tenant(), category, reply);
                }));
  }

  /**
   * A starter-plan ticket: one agent, one Claude call whose model is the one the budgets admitted. A blocked call
   * throws before the simulated provider is called; the demo prints it and goes on with the next ticket.
   */
  void handleStarter(StarterTicket t, PrintStream console) {
    try {
      lockn.attribution()
          .tenant(STARTER_TENANT)
          .costCenter("cc-smb")
          .workflowId(t.id())
          .feature("support-chat")
          .plan("starter")
          .user(t.user())
          .run(() ->
              lockn.workflow("customer-support").conversationId(t.id()).run(() -> {
                String answer = lockn.agent("answer-bot").task("answer").supply(() ->
                    lockn.chat(GenAiProvider.ANTHROPIC, "claude-sonnet-4-5").server("api.anthropic.com", 443)
                        .maxTokens(4096)
                        .estimatedInputTokens(t.inputTokens())
                        .supply(() -> {
                          LlmCall call = lockn.currentLlmCall();
                          SimulatedModels.Completion c =
                              models.anthropic(call.admittedModel(), "answered by " + call.admittedModel(),
                                  t.inputTokens(), 0, 0, t.outputTokens());
                          record(call, c);
                          return c.text();
                        }));
                console.printf(Locale.ROOT, "  %s [%s] %s%n", t.id(), STARTER_TENANT, answer);
              }));
    } catch (BudgetExceededException blocked) {
      console.printf(Locale.ROOT, "  %s [%s] BLOCKED before the provider was called: %s%n", t.id(), STARTER_TENANT,
          blocked.getMessage());
    }
  }

  /** The budgets' balances this month, one line per budget and tenant. */
  static void printBudgets(PrintStream console, List<BudgetStatus> status) {
    console.println("Budget status this month (USD):");
    console.printf(Locale.ROOT, "  %-16s %-22s %12s %12s %12s %12s%n", "budget", "scope", "spent", "reserved",
        "remaining", "limit");
    for (BudgetStatus s : status) {
      console.printf(Locale.ROOT, "  %-16s %-22s %12s %12s %12s %12s%n", s.budget(), s.scope(), usd(s.spent()),
          usd(s.reserved()), usd(s.remaining()), usd(s.limit()));
    }
  }

  private static String usd(long nanos) {
    return BigDecimal.valueOf(nanos, 9).setScale(6, java.math.RoundingMode.HALF_EVEN).toPlainString();
  }

  /** A guard agent on the self-hosted model (priced by TCO) that screens the ticket for personal data. */
  private void screenForPersonalData(Ticket t) {
    lockn.agent("pii-guard").task("screen").run(() ->
        lockn.chat("vllm", "llama-3.1-8b-instruct").server("vllm.internal", 8000).maxTokens(8).run(() ->
            record(lockn.currentLlmCall(), models.openAi("llama-3.1-8b-instruct", "llama-3.1-8b-instruct", "clean",
                "stop", 380, 0, 3, 0))));
  }

  /** The triage agent's work: a small model, whose first call is rate-limited for the first tenant. */
  private String classify(String ticketId, String text) {
    if (ticketId.equals("T-1001")) {
      models.failNext(429);
    }
    LlmCall previous = null;
    for (int attempt = 1; ; attempt++) {
      LlmCallSpec spec =
          lockn.chat(GenAiProvider.OPENAI, "gpt-4o-mini").server("api.openai.com", 443).maxTokens(16)
              .temperature(0.0);
      if (previous != null) {
        spec.retryOf(previous);
      }
      LlmCall call = spec.start();
      try {
        SimulatedModels.Completion c =
            models.openAi("gpt-4o-mini", "gpt-4o-mini-2024-07-18",
                text.contains("refund") ? "refund" : "how-to", "stop", 412, 0, 6, 0);
        record(call, c);
        return c.text();
      } catch (ProviderException e) {
        call.recordError(Integer.toString(e.status()));
        if (e.status() != 429 || attempt == 3) {
          throw e;
        }
        previous = call;
      } finally {
        call.close();
      }
    }
  }

  /** The resolver agent: knowledge-base tools, a cached Anthropic prompt, and a nested refund agent. */
  private String resolve(Ticket t, String category) {
    return lockn.agent("resolver-agent").task("resolve").description("Finds the answer to a ticket").supply(() -> {
      String article = tools.searchKnowledgeBase(category + ": " + t.text());
      String order = t.orderId().isEmpty() ? "" : tools.lookupOrder(t.orderId());
      boolean first = t.id().equals("T-1001");
      String answer =
          lockn.chat(GenAiProvider.ANTHROPIC, "claude-sonnet-4-5").server("api.anthropic.com", 443).maxTokens(1024)
              .promptKey("resolver-system-v3")
              .supply(() -> {
                // The 2,048-token system prompt is written to the cache by the first ticket and read by the second.
                SimulatedModels.Completion c =
                    models.anthropic("claude-sonnet-4-5-20250929", "Use " + article + order, first ? 180 : 150,
                        first ? 0 : 2048, first ? 2048 : 0, first ? 220 : 190);
                record(lockn.currentLlmCall(), c);
                return c.text();
              });
      if (category.equals("refund")) {
        answer = lockn.agent("refund-agent").task("check_refund").supply(() ->
            lockn.chat(GenAiProvider.OPENAI, "o3").server("api.openai.com", 443).maxTokens(4096).supply(() -> {
              SimulatedModels.Completion c =
                  models.openAi("o3", "o3-2025-04-16", "refund approved", "stop", 950, 0, 640, 512);
              record(lockn.currentLlmCall(), c);
              return c.text();
            }));
      }
      return answer;
    });
  }

  /** The reply writer: its preferred model is overloaded, so it falls back to a cheaper one. */
  private String draftReply(Ticket t, String answer) {
    return lockn.agent("reply-writer").task("draft_reply").supply(() -> {
      LlmCall primary = lockn.chat(GenAiProvider.OPENAI, "gpt-4.1").server("api.openai.com", 443).maxTokens(512)
          .start();
      try {
        models.failNext(503);
        models.openAi("gpt-4.1", "gpt-4.1-2025-04-14", "", "stop", 0, 0, 0, 0);
      } catch (ProviderException e) {
        primary.recordError(Integer.toString(e.status()));
      } finally {
        primary.close();
      }
      String reply =
          lockn.chat(GenAiProvider.OPENAI, "gpt-4.1-mini").server("api.openai.com", 443).maxTokens(512)
              .fallbackFrom(primary)
              .supply(() -> {
                SimulatedModels.Completion c =
                    models.openAi("gpt-4.1-mini", "gpt-4.1-mini-2025-04-14", "Dear customer, " + answer, "stop",
                        1200, 1024, 160, 0);
                record(lockn.currentLlmCall(), c);
                return c.text();
              });
      if (t.tenant().equals("acme")) {
        // The tenant's own fine-tuned tone model: the catalog has no price for it, so it is shown as unpriced.
        lockn.chat(GenAiProvider.OPENAI, "ft:gpt-4o-mini:acme:tone:v2").server("api.openai.com", 443).maxTokens(8)
            .run(() -> record(lockn.currentLlmCall(), models.openAi("ft:gpt-4o-mini:acme:tone:v2",
                "ft:gpt-4o-mini:acme:tone:v2", "warm", "stop", 260, 0, 2, 0)));
      }
      if (t.tenant().equals("globex")) {
        // A gateway in front of the provider answers gpt-4 requests with gpt-3.5-turbo: LockN flags it.
        lockn.chat(GenAiProvider.OPENAI, "gpt-4").server("llm-gateway.internal", 8443).maxTokens(8).run(() ->
            record(lockn.currentLlmCall(),
                models.openAi("gpt-4", "gpt-3.5-turbo-0125", "friendly", "stop", 240, 0, 2, 0)));
      }
      return reply;
    });
  }

  private static void record(LlmCall call, SimulatedModels.Completion c) {
    call.recordUsage(c.usage()).responseModel(c.model()).responseId(c.responseId()).finishReason(c.finishReason());
  }

  private static SpanExporter otlpSpanExporter(String endpoint, boolean grpc) {
    return grpc
        ? OtlpGrpcSpanExporter.builder().setEndpoint(endpoint).build()
        : OtlpHttpSpanExporter.builder().setEndpoint(withPath(endpoint, "/v1/traces")).build();
  }

  private static MetricExporter otlpMetricExporter(String endpoint, boolean grpc) {
    return grpc
        ? OtlpGrpcMetricExporter.builder().setEndpoint(endpoint).build()
        : OtlpHttpMetricExporter.builder().setEndpoint(withPath(endpoint, "/v1/metrics")).build();
  }

  private static String withPath(String endpoint, String path) {
    return endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) + path : endpoint + path;
  }

  /** The tools' implementation: an embeddings call for the knowledge base, a lookup for orders. */
  private final class KnowledgeTools implements SupportTools {
    @Override
    public String lookupOrder(String orderId) {
      return " (order " + orderId + ": lost in transit)";
    }

    @Override
    public String searchKnowledgeBase(String query) {
      lockn.embeddings(GenAiProvider.OPENAI, "text-embedding-3-small").server("api.openai.com", 443).run(() ->
          lockn.currentLlmCall().recordUsage(models.embeddings("text-embedding-3-small", 24))
              .responseModel("text-embedding-3-small").embeddingDimensions(1536));
      return query.startsWith("refund") ? "KB-12 Refunds for lost parcels" : "KB-31 Rotating API keys";
    }
  }

}
