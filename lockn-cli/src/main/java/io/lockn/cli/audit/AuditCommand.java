package io.lockn.cli.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lockn.compression.roi.Estimate;
import io.lockn.compression.roi.RoiAnalysis;
import io.lockn.compression.roi.RoiReport;
import io.lockn.compression.roi.RoiResult;
import io.lockn.compression.roi.SavingsSeries;
import io.lockn.pricing.PriceCatalog;
import io.lockn.pricing.PriceCatalogException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.zip.GZIPInputStream;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lockn audit}: prices and attributes an OTLP JSON trace export offline, and writes the reports.
 *
 * <p>Public only because {@link io.lockn.cli.LocknCommand}, in another package, names it as a subcommand: run it as
 * {@code LocknCommand.run("audit", ...)}. Its constructor is package-private; picocli creates it reflectively.
 */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Price and attribute the GenAI calls of an OTLP JSON trace export.",
      "",
      "Reads the OpenTelemetry Collector file exporter's JSON lines or OTLP/HTTP JSON bodies (.gz accepted; a",
      "directory means every file in it), prices every GenAI call at the time it was made, recovers tenant, cost",
      "center, workflow and agent, reports waste (retries, fallbacks, substitutions, unpriced models), and writes",
      "showback and chargeback reports.",
      "",
      "Exit codes: 0 success; 1 nothing could be read; 2 a usage error or an unreadable input or price file."
    })
public final class AuditCommand implements Callable<Integer> {

  @Option(names = "--input", required = true, paramLabel = "FILE_OR_DIR",
      description = "The export: a file, a .gz file, or a directory of them.")
  @SuppressWarnings("NullAway.Init") // required = true: picocli sets it before call(), or fails with a usage error
  private Path input;

  @Option(names = "--prices", paramLabel = "FILE", split = ",",
      description = "Extra price files (LockN's catalog format or LiteLLM's model_prices_and_context_window.json),"
          + " applied over the bundled catalog in order.")
  private List<Path> prices = new ArrayList<>();

  @Option(names = "--reprice", description = "Price every span anew, ignoring costs already recorded on it.")
  private boolean reprice;

  @Option(names = "--json", paramLabel = "OUT", description = "Write the full result as JSON (schema lockn.audit/v1).")
  private @Nullable Path json;

  @Option(names = "--csv", paramLabel = "OUT", description = "Write one CSV row per priced span.")
  private @Nullable Path csv;

  @Option(names = "--focus", paramLabel = "OUT",
      description = "Write a FOCUS 1.2 cost export (CSV), one row per span and token class.")
  private @Nullable Path focus;

  @Option(names = "--html", paramLabel = "OUT", description = "Write a self-contained HTML report.")
  private @Nullable Path html;

  @Option(names = "--group-by", paramLabel = "KEYS", split = ",",
      description = "Extra attribute keys to total by, e.g. app.feature,app.plan.")
  private List<String> groupBy = new ArrayList<>();

  @Option(names = "--runaway-repeats", paramLabel = "N", defaultValue = "5",
      description = "Flag an agent invocation that calls the same tool with the same arguments N times in a row"
          + " (default: ${DEFAULT-VALUE}).")
  private int runawayRepeats;

  @Option(names = "--runaway-max-calls", paramLabel = "N", defaultValue = "100",
      description = "Flag an agent invocation that makes more than N model and tool calls (default: ${DEFAULT-VALUE}).")
  private int runawayMaxCalls;

  @Option(names = "--experiments",
      description = "Analyse compression experiments (spans with lockn.experiment.name and lockn.experiment.group):"
          + " token, cost and latency savings and quality retention with 95%% confidence intervals, in the JSON and"
          + " HTML reports and printed.")
  private boolean experiments;

  @Option(names = "--non-inferiority-margin", paramLabel = "M", defaultValue = "0.05",
      description = "With --experiments: the largest quality drop (a fraction) that still passes (default:"
          + " ${DEFAULT-VALUE}).")
  private double margin;

  @SuppressWarnings("NullAway.Init") // picocli injects it before call()
  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  AuditCommand() {}

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!Files.exists(input)) {
      err.println("lockn audit: cannot read " + input + ": no such file or directory");
      return 2;
    }
    if (!Files.isReadable(input)) {
      err.println("lockn audit: cannot read " + input + ": permission denied");
      return 2;
    }
    if (runawayRepeats < 2 || runawayMaxCalls < 1) {
      err.println("lockn audit: --runaway-repeats must be at least 2 and --runaway-max-calls at least 1");
      return 2;
    }
    if (!(margin >= 0 && margin < 1)) {
      err.println("lockn audit: --non-inferiority-margin must be in [0, 1)");
      return 2;
    }
    PriceCatalog catalog;
    try {
      catalog = catalog();
    } catch (PriceCatalogException e) {
      err.println("lockn audit: " + e.getMessage());
      return 2;
    }
    List<Path> files = OtlpJsonReader.files(input);
    long totalBytes = 0;
    for (Path f : files) {
      totalBytes += Files.size(f);
    }
    List<ReportWriter> writers = new ArrayList<>();
    try {
      JsonReportWriter jsonWriter = json == null ? null : new JsonReportWriter(json);
      if (jsonWriter != null) {
        jsonWriter.start(pricingVersion());
        writers.add(jsonWriter);
      }
      ReportWriters.add(writers, csv, focus, html);
      Audit audit =
          Audit.builder(catalog)
              .setReprice(reprice)
              .setGroupBy(groupBy)
              .setPricingVersion(pricingVersion())
              .setRunawayRules(runawayRepeats, runawayMaxCalls)
              .setExperiments(experiments ? RoiAnalysis.builder().setNonInferiorityMargin(margin).build() : null)
              .setSpanConsumer(span -> {
                for (ReportWriter w : writers) {
                  try {
                    w.span(span);
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                }
              })
              .build();
      long[] problems = {0};
      OtlpJsonReader reader =
          new OtlpJsonReader((file, line, message) -> {
            problems[0]++;
            err.println("lockn audit: " + file + (line > 0 ? ":" + line : "") + ": " + message + " (skipped)");
          });
      Progress progress = new Progress(System.err, totalBytes);
      for (Path file : files) {
        try {
          reader.read(file, new OtlpJsonReader.Sink() {
            @Override
            public void accept(List<AuditSpan> spans) {
              audit.accept(spans);
            }

            @Override
            public void progress(long bytes) {
              progress.update(bytes);
            }
          });
        } catch (IOException e) {
          problems[0]++;
          err.println("lockn audit: cannot read " + file + ": " + e.getMessage() + " (skipped)");
        }
      }
      progress.done();
      AuditReport report = audit.finish();
      for (ReportWriter w : writers) {
        w.finish(report);
      }
      summary(out, report, problems[0]);
      if (reader.valuesRead() == 0) {
        err.println("lockn audit: nothing could be read from " + input);
        return 1;
      }
      return 0;
    } catch (UncheckedIOException e) {
      // An UncheckedIOException always has its IOException as the cause (its constructors require one).
      err.println("lockn audit: cannot write a report: " + Objects.requireNonNull(e.getCause()).getMessage());
      return 2;
    } finally {
      for (ReportWriter w : writers) {
        try {
          w.close();
        } catch (IOException e) {
          err.println("lockn audit: cannot close a report: " + e.getMessage());
        }
      }
    }
  }

  private PriceCatalog catalog() {
    PriceCatalog.Builder b = PriceCatalog.builder().addAll(PriceCatalog.bundled());
    for (Path p : prices) {
      if (!Files.isReadable(p)) {
        throw new PriceCatalogException(p + ": cannot read the price file");
      }
      if (isLockNFormat(p)) {
        b.addJson(p);
      } else {
        b.addLiteLlm(p);
      }
    }
    return b.build();
  }

  /** LockN's format has a schema_version; LiteLLM's is an object keyed by model id. */
  private static boolean isLockNFormat(Path p) {
    try (InputStream raw = Files.newInputStream(p);
        InputStream in = p.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
      JsonNode root = new ObjectMapper().readTree(in);
      return root != null && root.has("schema_version");
    } catch (IOException e) {
      throw new PriceCatalogException(p + ": not valid JSON: " + e.getMessage(), e);
    }
  }

  private String pricingVersion() {
    StringBuilder sb = new StringBuilder("lockn-bundled");
    for (Path p : prices) {
      sb.append('+').append(p.getFileName());
    }
    return sb.toString();
  }

  private static void summary(PrintWriter out, AuditReport r, long problems) {
    out.printf("Priced %,d GenAI call(s): $%s USD%s%n", r.pricedSpans(), AuditReport.usd(r.totalNanos())
        .toPlainString(), r.unpricedSpans() > 0 ? "; " + r.unpricedSpans() + " unpriced call(s) left out" : "");
    table(out, "By tenant", r.byTenant());
    table(out, "By agent", r.byAgent());
    table(out, "By model", r.byModel());
    if (!r.findingCounts().isEmpty()) {
      out.println("Findings:");
      r.findingCounts().forEach((type, count) -> out.printf("  %-20s %5d   $%s%n", type, count,
          AuditReport.usd(r.findingCost().getOrDefault(type, 0L)).toPlainString()));
    }
    RoiReport roi = r.roi();
    if (roi != null) {
      roiSummary(out, r, roi);
    }
    if (problems > 0) {
      out.printf("%d problem(s) in the input were reported on stderr and skipped.%n", problems);
    }
    out.flush();
  }

  private static void roiSummary(PrintWriter out, AuditReport r, RoiReport roi) {
    if (roi.results().isEmpty()) {
      out.printf("Experiments: %d call(s) in experiments; none with both a control and a treatment group.%n",
          r.roiSamples().size());
      return;
    }
    out.println("Experiments (95% confidence intervals):");
    for (RoiResult x : roi.results()) {
      out.printf("  %s / agent %s / %s vs %s (%d vs %d calls)%n", x.experiment(),
          RoiResult.ALL_AGENTS.equals(x.agent()) ? "(all)" : x.agent().isEmpty() ? AuditReport.NONE : x.agent(),
          x.group(), x.controlGroup(),
          x.treatmentCalls(), x.controlCalls());
      out.printf("    token savings   %s%n", percent(x.tokenSavingsRate(), 100));
      out.printf("    cost savings    $%s (%s%%) per call $%s  %s  -> %s%n", x.costSavingsUsd().toPlainString(),
          x.costSavingsPercent() == null ? "n/a" : x.costSavingsPercent().toPlainString(),
          x.costSavingsPerCallUsd().toPlainString(), interval(x.costSavingsPerCall(), 1, "%.9f"), x.costVerdict());
      for (SavingsSeries series : r.savingsOverTime()) {
        if (RoiResult.ALL_AGENTS.equals(x.agent()) && series.experiment().equals(x.experiment())
            && series.group().equals(x.group()) && !series.buckets().isEmpty()) {
          out.printf("    over time       %d bucket(s) of %s from %s: cumulative savings $%s%n",
              series.buckets().size(), series.interval(), series.buckets().get(0).start(),
              AuditReport.usd(series.totalSavingsNanos()).toPlainString());
        }
      }
      out.printf("    latency p50     x%s  -> %s%n", ratio(x.latencyP50Ratio()), x.latencyVerdict());
      out.printf("    quality         %s  non-inferiority (margin %s): %s%n",
          x.qualityRetention() == null ? "no scores" : "retention " + ratio(x.qualityRetention()),
          String.format(Locale.ROOT, "%.2f", x.nonInferiorityMargin()), x.nonInferiority());
      if (x.requestsEnabled() > 0) {
        out.printf("    requests enabled %d (original input over the context window)%n", x.requestsEnabled());
      }
    }
  }

  private static String percent(Estimate e, double scale) {
    return String.format(Locale.ROOT, "%.2f%%", e.value() * scale) + " " + interval(e, scale, "%.2f%%");
  }

  private static String ratio(Estimate e) {
    return String.format(Locale.ROOT, "%.3f", e.value()) + " " + interval(e, 1, "%.3f");
  }

  private static String interval(Estimate e, double scale, String format) {
    if (Double.isNaN(e.lower()) || Double.isNaN(e.upper())) {
      return "[CI n/a]";
    }
    return "[" + String.format(Locale.ROOT, format, e.lower() * scale) + ", "
        + String.format(Locale.ROOT, format, e.upper() * scale) + "]";
  }

  private static void table(PrintWriter out, String title, Map<String, Long> amounts) {
    if (amounts.isEmpty()) {
      return;
    }
    out.println(title + ":");
    amounts.entrySet().stream()
        .filter(e -> e.getValue() > 0) // calls that cost nothing (rejected requests) are in the reports, not here
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> out.printf("  %-36s $%s%n", e.getKey(), AuditReport.usd(e.getValue()).toPlainString()));
  }
}
