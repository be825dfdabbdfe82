package io.lockn.cli.audit;

import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Writes the audit as one self-contained HTML page for a FinOps lead: the headline totals, cost by tenant, agent and
 * model (and by cost center, workflow and each {@code --group-by} key when the traces carry them) as bar charts, cost
 * over time, a cost waterfall by token class, the findings with the cost they involve, and the models that could not
 * be priced.
 *
 * <p><b>Self-contained.</b> The page references nothing outside itself: no script at all, no external style, font or
 * image; the style sheet is inline and every chart is inline SVG drawn by this class. A {@code
 * Content-Security-Policy} meta element ({@value #CONTENT_SECURITY_POLICY}) makes the browser refuse any script or
 * load that would slip in anyway. The markup is well-formed XML as well as HTML.
 *
 * <p><b>Safe.</b> Every string read from the traces (tenant, agent, model, attribute values, finding details, ids)
 * and the pricing version is escaped for HTML, in SVG text and attributes too; control characters and unpaired
 * surrogates become U+FFFD.
 *
 * <p><b>Exact.</b> Money is shown as the exact decimal USD amount of {@link AuditReport#usd(long)}, e.g. {@code
 * $0.019106922}; only shares (percentages) and chart axes are rounded. Unpriced calls are counted but left out of
 * every amount, as in every other output.
 *
 * <p><b>Stable structure.</b> Tools and tests can find the parts by id: the headline values {@code total-cost},
 * {@code priced-calls}, {@code unpriced-calls}, {@code input-tokens}, {@code output-tokens}, {@code period} and
 * {@code wasted-cost}; the charts {@code <svg class="lockn-chart">} with ids {@code chart-tenant}, {@code
 * chart-agent}, {@code chart-model}, {@code chart-cost-center}, {@code chart-workflow}, {@code chart-group-1}...,
 * {@code chart-time} and {@code chart-waterfall}, each drawing its amounts as {@code <rect class="bar ...">} (the
 * folded tail of a bar chart is {@code class="bar other"}, the waterfall's steps {@code class="bar step"} and its
 * total {@code class="bar total"}); and the tables {@code findings-summary}, {@code findings-detail} and {@code
 * unpriced-models}.
 *
 * <p>A bar chart shows at most {@value #MAX_BARS} bars: beyond, the smallest amounts are folded into one "other" bar
 * and a collapsed table lists every value (up to {@value #MAX_TABLE_ROWS}). Cost over time is drawn by hour when the
 * calls span at most three days, else by day up to 120 days, by week up to two years, and by month beyond (UTC).
 * The {@value #MAX_FINDINGS_SHOWN} costliest findings are listed in detail; all are counted.
 *
 * <p>The page is written whole by {@link #finish(AuditReport)}; spans are not needed. Not thread-safe.
 */
final class HtmlReportWriter implements ReportWriter {

  /** The most bars of a bar chart; beyond it the smallest amounts are folded into one "other" bar. */
  static final int MAX_BARS = 12;

  /** The most findings listed in detail. */
  static final int MAX_FINDINGS_SHOWN = 200;

  /** The most rows of a table listing every value of a dimension or every time bucket. */
  static final int MAX_TABLE_ROWS = 1000;

  /** The page's content security policy: nothing but its own inline style, no script, no load. */
  static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'";

  private static final String MONO =
      "ui-monospace,SFMono-Regular,Menlo,Consolas,\"DejaVu Sans Mono\",\"Liberation Mono\",monospace";
  private static final String SANS = "system-ui,-apple-system,\"Segoe UI\",Roboto,\"Helvetica Neue\",Arial,"
      + "\"Noto Sans\",\"Liberation Sans\",\"DejaVu Sans\",sans-serif";

  /** Average widths used to lay text out, in SVG user units, for 12-unit sans labels and 11.5-unit mono values. */
  private static final double LABEL_CHAR = 6.9;

  private static final double MONO_CHAR = 11.5 * 0.61;

  private static final long HOUR_MILLIS = 3_600_000L;
  private static final long DAY_MILLIS = 24 * HOUR_MILLIS;

  static final DateTimeFormatter DATE_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);
  static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);
  static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter HOUR_SHORT =
      DateTimeFormatter.ofPattern("MM-dd HH:00", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter HOUR_LONG =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:00", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter YEAR_MONTH =
      DateTimeFormatter.ofPattern("yyyy-MM", Locale.ROOT).withZone(ZoneOffset.UTC);

  /** What each finding type means, for the findings table. */
  private static final Map<String, String> FINDING_HELP = Map.of(
      Finding.RETRY_CHAIN, "Failed attempts retried with the same model. Cost: the failed attempts, wasted.",
      Finding.FALLBACK, "A failed attempt followed by a call to another model. Cost: the failed attempts, wasted.",
      Finding.MODEL_SUBSTITUTION, "The model that answered is of another family than the one requested. Cost: the"
          + " calls concerned.",
      Finding.INFERRED_CACHE_HIT, "Far fewer input tokens than usual for the same prompt, with no cache hit"
          + " reported. Cost: the calls concerned.",
      Finding.UNPRICED_MODEL, "Models LockN has no price for: their calls are left out of every total.",
      "runaway_agent", "An agent that exceeded its run limits. Cost: the agent runs concerned.");

  private static final Map<String, String> TOKEN_CLASS_LABELS = Map.of(
      "input", "Input",
      "cache_read", "Cache reads",
      "cache_write", "Cache writes",
      "output", "Output",
      "reasoning", "Reasoning",
      "provider_reported", "Provider-reported",
      "unallocated", "Unallocated");

  private final Writer out;
  private final Clock clock;
  private boolean finished;

  /**
   * Opens the file; the page is written by {@link #finish(AuditReport)}.
   *
   * @param file where to write
   * @throws IOException if it cannot be created
   */
  HtmlReportWriter(Path file) throws IOException {
    this(file, Clock.systemUTC());
  }

  /**
   * Opens the file, with the clock that dates the page.
   *
   * @param file where to write
   * @param clock gives the generation time shown in the page
   * @throws IOException if it cannot be created
   */
  HtmlReportWriter(Path file, Clock clock) throws IOException {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
  }

  /**
   * Writes the whole page; later calls do nothing.
   *
   * @param report the report
   * @throws IOException if writing fails
   */
  @Override
  public void finish(AuditReport report) throws IOException {
    if (finished) {
      return;
    }
    finished = true;
    out.write(render(report, clock.instant()));
    out.flush();
  }

  @Override
  public void close() throws IOException {
    out.close();
  }

  /**
   * The page for a report.
   *
   * @param report the report
   * @param generated the generation time shown
   * @return the HTML document
   */
  static String render(AuditReport report, Instant generated) {
    StringBuilder h = new StringBuilder(64 * 1024);
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\" />\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"")
        .append(esc(CONTENT_SECURITY_POLICY))
        .append("\" />\n<meta name=\"generator\" content=\"LockN audit\" />\n")
        .append("<title>LockN cost audit</title>\n<style>\n")
        .append(CSS)
        .append("</style>\n</head>\n<body>\n<main class=\"page\">\n");
    header(h, report, generated);
    summary(h, report);
    breakdowns(h, report);
    overTime(h, report);
    waterfall(h, report);
    RoiPanels.render(h, report);
    findings(h, report);
    unpriced(h, report);
    h.append("<footer class=\"note\">All amounts are in USD, exact to the nano-dollar (9 decimal places), computed"
        + " from token counts and the prices in force when each call started; calls without a price are counted"
        + " but left out of every amount. Bars are drawn to scale. Times are UTC.</footer>\n");
    h.append("</main>\n</body>\n</html>\n");
    return h.toString();
  }

  // ---------------------------------------------------------------- sections

  private static void header(StringBuilder h, AuditReport r, Instant generated) {
    h.append("<header class=\"top\">\n<h1>LockN cost audit</h1>\n<p class=\"sub\">");
    if (r.pricedSpans() + r.unpricedSpans() == 0) {
      h.append("No model calls were read.");
    } else {
      h.append(esc(period(r)));
    }
    h.append(" · Prices: ").append(esc(r.pricingVersion())).append(" · Generated ")
        .append(DATE_TIME.format(generated)).append(" UTC</p>\n");
    h.append("<nav>");
    String[][] links = {
      {"summary", "Summary"}, {"breakdown", "Breakdown"}, {"over-time", "Over time"},
      {"waterfall", "Waterfall"}, {"experiments", "Experiments"}, {"findings", "Findings"},
      {"unpriced", "Unpriced models"}
    };
    for (String[] link : links) {
      if (link[0].equals("experiments") && !RoiPanels.shown(r)) {
        continue;
      }
      h.append("<a href=\"#").append(link[0]).append("\">").append(link[1]).append("</a>");
    }
    h.append("</nav>\n</header>\n");
  }

  private static void summary(StringBuilder h, AuditReport r) {
    long retryWaste = r.findingCost().getOrDefault(Finding.RETRY_CHAIN, 0L);
    long fallbackWaste = r.findingCost().getOrDefault(Finding.FALLBACK, 0L);
    long retries = r.findingCounts().getOrDefault(Finding.RETRY_CHAIN, 0L);
    long fallbacks = r.findingCounts().getOrDefault(Finding.FALLBACK, 0L);
    h.append("<section id=\"summary\" class=\"cards\">\n");
    card(h, "total-cost", "third primary", "Total cost", money(r.totalNanos()), "of the priced calls");
    card(h, "wasted-cost", retryWaste + fallbackWaste > 0 ? "third bad" : "third", "Wasted on failed attempts",
        money(Math.addExact(retryWaste, fallbackWaste)),
        plural(retries, "retry chain", "retry chains") + ", " + plural(fallbacks, "fallback", "fallbacks"));
    if (r.pricedSpans() + r.unpricedSpans() == 0) {
      card(h, "period", "third", "Period covered", "none", "no model calls were read");
    } else {
      Instant first = Instant.ofEpochSecond(0, r.firstStartNanos());
      Instant last = Instant.ofEpochSecond(0, r.lastEndNanos());
      String from = DATE.format(first);
      String to = DATE.format(last);
      String times = from.equals(to) ? TIME.format(first) + " – " + TIME.format(last) + " UTC"
          : DATE_TIME.format(first).substring(0, 16) + " – " + DATE_TIME.format(last).substring(0, 16) + " UTC";
      card(h, "period", "third", "Period covered", from.equals(to) ? from : from + " → " + to,
          times + " · " + duration(r.lastEndNanos() - r.firstStartNanos()));
    }
    card(h, "priced-calls", "", "Priced calls", count(r.pricedSpans()), "model calls with a cost");
    card(h, "unpriced-calls", r.unpricedSpans() > 0 ? "warn" : "", "Unpriced calls", count(r.unpricedSpans()),
        r.unpricedSpans() > 0 ? "left out of every total" : "every call was priced");
    card(h, "input-tokens", "", "Input tokens", count(r.inputTokens()), "cache reads and writes included");
    card(h, "output-tokens", "", "Output tokens", count(r.outputTokens()), "reasoning included");
    h.append("</section>\n");
  }

  private static void card(StringBuilder h, String id, String cls, String key, String value, String sub) {
    h.append("<div class=\"card").append(cls.isEmpty() ? "" : " " + cls).append("\"><div class=\"k\">")
        .append(esc(key)).append("</div><div class=\"v\" id=\"").append(id).append("\">").append(esc(value))
        .append("</div><div class=\"s\">").append(esc(sub)).append("</div></div>\n");
  }

  private static void breakdowns(StringBuilder h, AuditReport r) {
    h.append("<section id=\"breakdown\" class=\"grid\">\n");
    barPanel(h, "chart-tenant", "Cost by tenant", "tenant", "tenants", r.byTenant(), r.totalNanos());
    barPanel(h, "chart-agent", "Cost by agent", "agent", "agents", r.byAgent(), r.totalNanos());
    barPanel(h, "chart-model", "Cost by model", "model", "models", r.byModel(), r.totalNanos());
    if (hasValues(r.byCostCenter())) {
      barPanel(h, "chart-cost-center", "Cost by cost center", "cost center", "cost centers", r.byCostCenter(),
          r.totalNanos());
    }
    if (hasValues(r.byWorkflow())) {
      barPanel(h, "chart-workflow", "Cost by workflow", "workflow", "workflows", r.byWorkflow(), r.totalNanos());
    }
    int i = 0;
    for (Map.Entry<String, Map<String, Long>> group : r.byGroup().entrySet()) {
      i++;
      barPanel(h, "chart-group-" + i, "Cost by " + group.getKey(), group.getKey(), "values", group.getValue(),
          r.totalNanos());
    }
    h.append("</section>\n");
  }

  private static boolean hasValues(Map<String, Long> byValue) {
    return byValue.keySet().stream().anyMatch(k -> !AuditReport.NONE.equals(k));
  }

  private static void overTime(StringBuilder h, AuditReport r) {
    Buckets b = Buckets.of(r.byHour());
    h.append("<section id=\"over-time\" class=\"panel\">\n<h2>Cost over time</h2>\n<p class=\"note\">")
        .append(b.values.isEmpty() ? "No priced calls." : "By " + b.unit.noun + " (UTC) of the calls' start, "
            + count(b.values.size()) + " " + b.unit.noun + "(s) from " + b.unit.longLabel(b.first()) + " to "
            + b.unit.longLabel(b.last()) + ".")
        .append("</p>\n");
    columnChart(h, b);
    if (!b.values.isEmpty()) {
      List<Map.Entry<String, Long>> rows = new ArrayList<>();
      b.values.forEach((start, nanos) -> {
        if (nanos > 0) {
          rows.add(Map.entry(b.unit.longLabel(start), nanos));
        }
      });
      dataTable(h, "Cost by " + b.unit.noun, capitalize(b.unit.noun) + " (UTC)", rows, r.totalNanos(),
          count(rows.size()) + " " + b.unit.noun + "(s) with a cost");
    }
    h.append("</section>\n");
  }

  private static void waterfall(StringBuilder h, AuditReport r) {
    h.append("<section id=\"waterfall\" class=\"panel\">\n<h2>Cost waterfall by token class</h2>\n")
        .append("<p class=\"note\">How the total builds up: uncached input, cache reads, cache writes, output,"
            + " reasoning, and costs the provider reported whole.</p>\n");
    List<Map.Entry<String, Long>> steps = new ArrayList<>();
    long sum = 0;
    for (Map.Entry<String, Long> e : r.byTokenClass().entrySet()) {
      steps.add(Map.entry(TOKEN_CLASS_LABELS.getOrDefault(e.getKey(), e.getKey()), e.getValue()));
      sum = Math.addExact(sum, e.getValue());
    }
    if (sum != r.totalNanos()) {
      // Costs recorded on the spans may carry a total their parts do not add up to.
      steps.add(Map.entry("Unallocated", r.totalNanos() - sum));
    }
    waterfallChart(h, steps, r.totalNanos());
    h.append("</section>\n");
  }

  private static void findings(StringBuilder h, AuditReport r) {
    h.append("<section id=\"findings\" class=\"panel\">\n<h2>Findings</h2>\n");
    if (r.findingCounts().isEmpty()) {
      h.append("<p class=\"empty\">No findings: no retries, fallbacks, model substitutions, inferred cache hits or"
          + " unpriced models.</p>\n</section>\n");
      return;
    }
    h.append("<table class=\"data\" id=\"findings-summary\">\n<thead><tr><th>Finding</th><th>What it means</th>"
        + "<th class=\"num\">Count</th><th class=\"num\">Cost involved (USD)</th></tr></thead>\n<tbody>\n");
    List<Map.Entry<String, Long>> types = new ArrayList<>(r.findingCounts().entrySet());
    types.sort(Comparator.comparing((Map.Entry<String, Long> e) -> r.findingCost().getOrDefault(e.getKey(), 0L))
        .reversed().thenComparing(Map.Entry::getKey));
    for (Map.Entry<String, Long> e : types) {
      String type = e.getKey();
      boolean waste = type.equals(Finding.RETRY_CHAIN) || type.equals(Finding.FALLBACK);
      h.append("<tr data-type=\"").append(esc(type)).append("\"><td class=\"nowrap\"><code>").append(esc(type))
          .append("</code></td><td>").append(esc(FINDING_HELP.getOrDefault(type, "")))
          .append("</td><td class=\"num\">").append(count(e.getValue())).append("</td><td class=\"num money")
          .append(waste && r.findingCost().getOrDefault(type, 0L) > 0 ? " waste" : "").append("\">")
          .append(type.equals(Finding.UNPRICED_MODEL) ? "not priced" : money(r.findingCost().getOrDefault(type, 0L)))
          .append("</td></tr>\n");
    }
    h.append("</tbody>\n</table>\n");

    long total = r.findingCounts().values().stream().mapToLong(Long::longValue).sum();
    List<Finding> shown = new ArrayList<>(r.findings());
    shown.sort(Comparator.comparingLong(Finding::costNanos).reversed()); // stable: ties keep the order found
    if (shown.size() > MAX_FINDINGS_SHOWN) {
      shown = shown.subList(0, MAX_FINDINGS_SHOWN);
    }
    h.append("<h3>Findings in detail</h3>\n<p class=\"note\" id=\"findings-shown\">")
        .append(shown.size() == total ? "All " + count(total) + " finding(s), costliest first."
            : "The " + count(shown.size()) + " costliest of " + count(total)
                + " findings; the JSON output lists up to " + count(AuditReport.MAX_FINDINGS) + ".")
        .append("</p>\n<div class=\"scroll\"><table class=\"data\" id=\"findings-detail\">\n<thead><tr>"
            + "<th>Finding</th><th>Trace</th><th>Spans</th><th class=\"num\">Cost (USD)</th><th>Detail</th>"
            + "</tr></thead>\n<tbody>\n");
    for (Finding f : shown) {
      List<String> ids = f.spanIds();
      StringBuilder spans = new StringBuilder();
      for (int i = 0; i < Math.min(ids.size(), 4); i++) {
        spans.append(i == 0 ? "" : " ").append(ids.get(i));
      }
      if (ids.size() > 4) {
        spans.append(" +").append(ids.size() - 4).append(" more");
      }
      h.append("<tr class=\"finding\" data-type=\"").append(esc(f.type())).append("\"><td class=\"nowrap\"><code>")
          .append(esc(f.type())).append("</code></td><td class=\"nowrap\"><code>").append(esc(f.traceId().isEmpty() ? "-"
              : f.traceId())).append("</code></td><td><code>").append(esc(spans.isEmpty() ? "-" : spans.toString()))
          .append("</code></td><td class=\"num money\">")
          .append(f.type().equals(Finding.UNPRICED_MODEL) ? "not priced" : money(f.costNanos())).append("</td><td>")
          .append(esc(f.detail())).append("</td></tr>\n");
    }
    h.append("</tbody>\n</table></div>\n</section>\n");
  }

  private static void unpriced(StringBuilder h, AuditReport r) {
    h.append("<section id=\"unpriced\" class=\"panel\">\n<h2>Unpriced models</h2>\n");
    if (r.unpricedModels().isEmpty()) {
      h.append("<p class=\"empty\">Every model call was priced.</p>\n</section>\n");
      return;
    }
    h.append("<p class=\"note\">").append(count(r.unpricedSpans()))
        .append(" call(s) to these models have no price and are left out of every total. Add their prices with"
            + " <code>--prices FILE</code> and run the audit again.</p>\n")
        .append("<table class=\"data\" id=\"unpriced-models\">\n<thead><tr><th>Provider / model</th>"
            + "<th class=\"num\">Calls</th></tr></thead>\n<tbody>\n");
    List<Map.Entry<String, Long>> models = sorted(r.unpricedModels());
    for (Map.Entry<String, Long> e : models) {
      h.append("<tr><td><code>").append(esc(e.getKey())).append("</code></td><td class=\"num\">")
          .append(count(e.getValue())).append("</td></tr>\n");
    }
    h.append("</tbody>\n</table>\n</section>\n");
  }

  // ---------------------------------------------------------------- charts

  /** A panel with a horizontal bar chart, and a table of every value when the tail is folded. */
  private static void barPanel(StringBuilder h, String id, String title, String noun, String plural,
      Map<String, Long> byValue, long total) {
    List<Map.Entry<String, Long>> all = sorted(byValue);
    h.append("<div class=\"panel\" id=\"").append(id).append("-panel\">\n<h2>").append(esc(title))
        .append("</h2>\n<p class=\"note\">").append(count(all.size())).append(" ").append(esc(all.size() == 1
            ? noun : plural)).append(all.size() > MAX_BARS ? "; the smallest " + count(all.size() - MAX_BARS + 1)
                + " are folded into “other”." : ".").append("</p>\n");
    List<Map.Entry<String, Long>> bars = new ArrayList<>(all);
    int folded = 0;
    long otherNanos = 0;
    if (all.size() > MAX_BARS) {
      bars = new ArrayList<>(all.subList(0, MAX_BARS - 1));
      for (Map.Entry<String, Long> e : all.subList(MAX_BARS - 1, all.size())) {
        otherNanos = Math.addExact(otherNanos, e.getValue());
        folded++;
      }
    }
    barChart(h, id, title, bars, folded, otherNanos, total);
    if (folded > 0) {
      dataTable(h, title, capitalize(noun), all, total, "all " + count(all.size()) + " " + plural);
    }
    h.append("</div>\n");
  }

  private static void barChart(StringBuilder h, String id, String title, List<Map.Entry<String, Long>> bars,
      int folded, long otherNanos, long total) {
    List<String[]> rows = new ArrayList<>(); // label, full label, value text, css class
    List<Long> values = new ArrayList<>();
    for (Map.Entry<String, Long> e : bars) {
      rows.add(new String[] {e.getKey(), e.getKey(), valueText(e.getValue(), total), "bar"});
      values.add(e.getValue());
    }
    if (folded > 0) {
      String label = "other (" + count(folded) + ")";
      rows.add(new String[] {label, "other (" + count(folded) + " smaller)", valueText(otherNanos, total),
        "bar other"});
      values.add(otherNanos);
    }
    int maxLabel = 4;
    int maxValue = 8;
    for (String[] row : rows) {
      maxLabel = Math.max(maxLabel, Math.min(26, codePoints(row[0])));
      maxValue = Math.max(maxValue, row[2].length());
    }
    double labelW = Math.ceil(maxLabel * LABEL_CHAR) + 4;
    double valueW = Math.ceil(maxValue * MONO_CHAR) + 10;
    double barX = labelW + 10;
    double width = Math.max(560, barX + 120 + valueW);
    double barMax = width - barX - valueW;
    double rowH = 28;
    double top = 6;
    double height = rows.isEmpty() ? 60 : top * 2 + rows.size() * rowH;
    long max = values.stream().mapToLong(Long::longValue).max().orElse(0);
    svgOpen(h, id, "bar-chart", title, width, height);
    if (rows.isEmpty()) {
      h.append("<text class=\"empty\" x=\"").append(fmt(width / 2)).append("\" y=\"34\" text-anchor=\"middle\">"
          + "No priced calls</text>\n");
    }
    for (int i = 0; i < rows.size(); i++) {
      String[] row = rows.get(i);
      long v = values.get(i);
      double y = top + i * rowH;
      double w = max <= 0 ? 0 : v * barMax / max;
      if (v > 0) {
        w = Math.max(w, 1.5);
      }
      h.append("<g class=\"row\"><text class=\"label\" x=\"").append(fmt(labelW)).append("\" y=\"")
          .append(fmt(y + rowH / 2 + 4)).append("\" text-anchor=\"end\">").append(esc(truncate(row[0], 26)))
          .append("</text><rect class=\"").append(row[3])
          .append("\" x=\"").append(fmt(barX)).append("\" y=\"").append(fmt(y + 5)).append("\" width=\"")
          .append(fmt(w)).append("\" height=\"").append(fmt(rowH - 10)).append("\" rx=\"2\"><title>")
          .append(esc(row[1] + ": " + row[2])).append("</title></rect><text class=\"value\" x=\"")
          .append(fmt(barX + w + 6)).append("\" y=\"").append(fmt(y + rowH / 2 + 4)).append("\">")
          .append(esc(row[2])).append("</text></g>\n");
    }
    h.append("</svg>\n");
  }

  private static String valueText(long nanos, long total) {
    String share = share(nanos, total);
    return money(nanos) + (share.isEmpty() ? "" : "  " + share);
  }

  /** Columns over time, with a USD axis. */
  private static void columnChart(StringBuilder h, Buckets b) {
    double width = 1040;
    double height = 300;
    double top = 18;
    double bottom = 40;
    long max = b.values.values().stream().mapToLong(Long::longValue).max().orElse(0);
    Axis axis = Axis.of(max);
    double left = Math.ceil(axis.maxLabelChars() * MONO_CHAR) + 16;
    double right = 12;
    double plotW = width - left - right;
    double plotH = height - top - bottom;
    svgOpen(h, "chart-time", "column-chart", "Cost over time", width, height);
    if (b.values.isEmpty()) {
      h.append("<text class=\"empty\" x=\"").append(fmt(width / 2)).append("\" y=\"")
          .append(fmt(height / 2)).append("\" text-anchor=\"middle\">No priced calls</text>\n</svg>\n");
      return;
    }
    yAxis(h, axis, left, top, plotW, plotH);
    int n = b.values.size();
    double slot = plotW / n;
    double barW = Math.min(80, Math.max(1, slot * 0.74));
    int labelEvery = (int) Math.max(1, Math.ceil(n / (plotW / 110)));
    int i = 0;
    h.append("<g class=\"columns\">\n");
    for (Map.Entry<Long, Long> e : b.values.entrySet()) {
      double barH = e.getValue() * plotH / axis.top();
      if (e.getValue() > 0) {
        barH = Math.max(barH, 1);
      }
      double x = left + i * slot + (slot - barW) / 2;
      h.append("<rect class=\"bar\" x=\"").append(fmt(x)).append("\" y=\"").append(fmt(top + plotH - barH))
          .append("\" width=\"").append(fmt(barW)).append("\" height=\"").append(fmt(barH)).append("\"><title>")
          .append(esc(b.unit.longLabel(e.getKey()) + " UTC: " + money(e.getValue()))).append("</title></rect>\n");
      if (i % labelEvery == 0) {
        h.append("<text class=\"tick\" x=\"").append(fmt(left + i * slot + slot / 2)).append("\" y=\"")
            .append(fmt(top + plotH + 18)).append("\" text-anchor=\"middle\">")
            .append(esc(b.unit.shortLabel(e.getKey()))).append("</text>\n");
      }
      i++;
    }
    h.append("</g>\n</svg>\n");
  }

  /** A vertical waterfall: each step floats from the running total, then the total. */
  private static void waterfallChart(StringBuilder h, List<Map.Entry<String, Long>> steps, long total) {
    double width = 1040;
    double height = 340;
    double top = 26;
    double bottom = 50;
    long peak = Math.max(0, total);
    long running = 0;
    for (Map.Entry<String, Long> s : steps) {
      running += s.getValue();
      peak = Math.max(peak, running);
    }
    Axis axis = Axis.of(peak);
    double left = Math.ceil(axis.maxLabelChars() * MONO_CHAR) + 16;
    double plotW = width - left - 12;
    double plotH = height - top - bottom;
    int n = steps.size() + 1;
    double slot = plotW / n;
    double barW = Math.min(110, slot * 0.62);
    svgOpen(h, "chart-waterfall", "waterfall-chart", "Cost waterfall by token class", width, height);
    yAxis(h, axis, left, top, plotW, plotH);
    running = 0;
    for (int i = 0; i < n; i++) {
      boolean isTotal = i == n - 1;
      String label = isTotal ? "Total" : steps.get(i).getKey();
      long v = isTotal ? total : steps.get(i).getValue();
      long from = isTotal ? 0 : running;
      long to = isTotal ? total : running + v;
      double yFrom = top + plotH - from * plotH / axis.top();
      double yTo = top + plotH - to * plotH / axis.top();
      double y = Math.min(yFrom, yTo);
      double barH = Math.abs(yFrom - yTo);
      if (v != 0) {
        barH = Math.max(barH, 1);
        if (y + barH > top + plotH) {
          y = top + plotH - barH;
        }
      }
      double x = left + i * slot + (slot - barW) / 2;
      String text = money(v);
      double fontSize = Math.min(11.5, slot * 0.95 / (text.length() * 0.61));
      h.append("<g class=\"step\"><rect class=\"bar ").append(isTotal ? "total" : v < 0 ? "step negative" : "step")
          .append("\" x=\"").append(fmt(x)).append("\" y=\"").append(fmt(y)).append("\" width=\"")
          .append(fmt(barW)).append("\" height=\"").append(fmt(barH)).append("\"><title>")
          .append(esc(label + ": " + text + (isTotal ? "" : "  " + share(v, total)))).append("</title></rect>")
          .append("<text class=\"value\" x=\"").append(fmt(x + barW / 2)).append("\" y=\"").append(fmt(y - 6))
          .append("\" text-anchor=\"middle\" style=\"font-size:").append(fmt(fontSize)).append("px\">")
          .append(esc(text)).append("</text><text class=\"label\" x=\"").append(fmt(x + barW / 2))
          .append("\" y=\"").append(fmt(top + plotH + 18)).append("\" text-anchor=\"middle\">").append(esc(label))
          .append("</text>");
      if (!isTotal) {
        h.append("<text class=\"tick\" x=\"").append(fmt(x + barW / 2)).append("\" y=\"")
            .append(fmt(top + plotH + 34)).append("\" text-anchor=\"middle\">").append(esc(share(v, total)))
            .append("</text>");
      }
      h.append("</g>\n");
      if (!isTotal) {
        running += v;
        double level = top + plotH - running * plotH / axis.top();
        h.append("<line class=\"connector\" x1=\"").append(fmt(x + barW)).append("\" y1=\"").append(fmt(level))
            .append("\" x2=\"").append(fmt(x + slot)).append("\" y2=\"").append(fmt(level)).append("\" />\n");
      }
    }
    h.append("</svg>\n");
  }

  static void svgOpen(StringBuilder h, String id, String cls, String title, double width, double height) {
    h.append("<svg id=\"").append(id).append("\" class=\"lockn-chart ").append(cls).append("\" viewBox=\"0 0 ")
        .append(fmt(width)).append(" ").append(fmt(height)).append("\" width=\"").append(fmt(width))
        .append("\" height=\"").append(fmt(height)).append("\" role=\"img\" aria-labelledby=\"").append(id)
        .append("-title\">\n<title id=\"").append(id).append("-title\">").append(esc(title)).append("</title>\n");
  }

  private static void yAxis(StringBuilder h, Axis axis, double left, double top, double plotW, double plotH) {
    h.append("<g class=\"axis\">\n");
    for (int t = 0; t <= axis.ticks(); t++) {
      double y = top + plotH - t * plotH / axis.ticks();
      h.append("<line class=\"").append(t == 0 ? "baseline" : "gridline").append("\" x1=\"").append(fmt(left))
          .append("\" y1=\"").append(fmt(y)).append("\" x2=\"").append(fmt(left + plotW)).append("\" y2=\"")
          .append(fmt(y)).append("\" /><text class=\"tick\" x=\"").append(fmt(left - 8)).append("\" y=\"")
          .append(fmt(y + 4)).append("\" text-anchor=\"end\">").append(esc(axis.label(t))).append("</text>\n");
    }
    h.append("</g>\n");
  }

  /** A collapsed table of values with exact amounts and shares. */
  private static void dataTable(StringBuilder h, String title, String column, List<Map.Entry<String, Long>> rows,
      long total, String summary) {
    h.append("<details><summary>Show ").append(esc(summary)).append("</summary>\n<table class=\"data\"><caption>")
        .append(esc(title)).append("</caption><thead><tr><th>").append(esc(column))
        .append("</th><th class=\"num\">Cost (USD)</th><th class=\"num\">Share</th></tr></thead>\n<tbody>\n");
    int shown = Math.min(rows.size(), MAX_TABLE_ROWS);
    for (Map.Entry<String, Long> e : rows.subList(0, shown)) {
      h.append("<tr><td>").append(esc(e.getKey())).append("</td><td class=\"num money\">")
          .append(money(e.getValue())).append("</td><td class=\"num\">").append(esc(share(e.getValue(), total)))
          .append("</td></tr>\n");
    }
    h.append("</tbody>\n</table>\n");
    if (rows.size() > shown) {
      h.append("<p class=\"note\">").append(count(rows.size() - shown))
          .append(" more not shown; the JSON and CSV outputs have them all.</p>\n");
    }
    h.append("</details>\n");
  }

  // ---------------------------------------------------------------- time buckets and axes

  /** The unit cost over time is drawn in. */
  private enum Unit {
    HOUR("hour"),
    DAY("day"),
    WEEK("week"),
    MONTH("month");

    final String noun;

    Unit(String noun) {
      this.noun = noun;
    }

    long start(long millis) {
      return switch (this) {
        case HOUR -> Math.floorDiv(millis, HOUR_MILLIS) * HOUR_MILLIS;
        case DAY -> Math.floorDiv(millis, DAY_MILLIS) * DAY_MILLIS;
        case WEEK -> day(millis).with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).atStartOfDay(
            ZoneOffset.UTC).toInstant().toEpochMilli();
        case MONTH -> day(millis).withDayOfMonth(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
      };
    }

    long next(long start) {
      ZonedDateTime t = Instant.ofEpochMilli(start).atZone(ZoneOffset.UTC);
      return switch (this) {
        case HOUR -> start + HOUR_MILLIS;
        case DAY -> start + DAY_MILLIS;
        case WEEK -> t.plusWeeks(1).toInstant().toEpochMilli();
        case MONTH -> t.plusMonths(1).toInstant().toEpochMilli();
      };
    }

    String shortLabel(long start) {
      Instant t = Instant.ofEpochMilli(start);
      return switch (this) {
        case HOUR -> HOUR_SHORT.format(t);
        case DAY, WEEK -> DATE.format(t);
        case MONTH -> YEAR_MONTH.format(t);
      };
    }

    String longLabel(long start) {
      Instant t = Instant.ofEpochMilli(start);
      return switch (this) {
        case HOUR -> HOUR_LONG.format(t);
        case DAY -> DATE.format(t);
        case WEEK -> "week of " + DATE.format(t);
        case MONTH -> YEAR_MONTH.format(t);
      };
    }

    private static LocalDate day(long millis) {
      return LocalDate.ofEpochDay(Math.floorDiv(millis, DAY_MILLIS));
    }
  }

  /** Cost by time bucket, gaps filled with zero. */
  private record Buckets(Unit unit, TreeMap<Long, Long> values) {

    static Buckets of(Map<Long, Long> byHour) {
      TreeMap<Long, Long> hours = new TreeMap<>(byHour);
      if (hours.isEmpty()) {
        return new Buckets(Unit.HOUR, hours);
      }
      long range = hours.lastKey() - hours.firstKey();
      Unit unit = range <= 72 * HOUR_MILLIS ? Unit.HOUR : range <= 120 * DAY_MILLIS ? Unit.DAY
          : range <= 731 * DAY_MILLIS ? Unit.WEEK : Unit.MONTH;
      TreeMap<Long, Long> values = new TreeMap<>();
      hours.forEach((hour, nanos) -> values.merge(unit.start(hour), nanos, Math::addExact));
      long last = values.lastKey();
      for (long t = values.firstKey(); t < last; t = unit.next(t)) {
        values.putIfAbsent(t, 0L);
      }
      return new Buckets(unit, values);
    }

    long first() {
      return values.firstKey();
    }

    long last() {
      return values.lastKey();
    }
  }

  /** A USD axis from 0 with round ticks. */
  private record Axis(long step, int ticks) {

    static Axis of(long max) {
      if (max <= 0) {
        return new Axis(10_000_000L, 1); // one cent
      }
      long target = max / 5 + (max % 5 == 0 ? 0 : 1);
      long step = target;
      outer:
      for (long p = 1; p <= Long.MAX_VALUE / 10; p *= 10) {
        for (long m : new long[] {1, 2, 5}) {
          if (p * m >= target) {
            step = p * m;
            break outer;
          }
        }
      }
      int ticks = (int) (max / step + (max % step == 0 ? 0 : 1));
      return new Axis(step, Math.max(1, ticks));
    }

    double top() {
      return (double) step * ticks;
    }

    String label(int tick) {
      BigDecimal usd = AuditReport.usd(step).multiply(BigDecimal.valueOf(tick));
      return "$" + (usd.signum() == 0 ? "0" : usd.stripTrailingZeros().toPlainString());
    }

    int maxLabelChars() {
      int max = 2;
      for (int t = 0; t <= ticks; t++) {
        max = Math.max(max, label(t).length());
      }
      return max;
    }
  }

  // ---------------------------------------------------------------- formatting

  private static final String CSS = """
      :root{--fg:#1f2933;--muted:#5f6b7a;--line:#e3e7ec;--bg:#f4f6f8;--card:#fff;--bar:#4a78a6;--other:#a3adb8;
        --total:#243b53;--warn:#a15c07;--bad:#b23b2e;--link:#2f5f8f}
      *{box-sizing:border-box}
      html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
      body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 %SANS%}
      .page{max-width:1120px;margin:0 auto;padding:28px 24px 40px}
      h1{font-size:28px;line-height:1.2;margin:0 0 6px;letter-spacing:-.01em}
      h2{font-size:18px;margin:0 0 2px}
      h3{font-size:15px;margin:22px 0 2px}
      .sub{color:var(--muted);margin:0 0 10px}
      nav a{display:inline-block;margin:0 14px 0 0;color:var(--link);text-decoration:none;font-size:14px}
      nav a:hover{text-decoration:underline}
      .cards{display:grid;grid-template-columns:repeat(12,minmax(0,1fr));gap:12px;margin:18px 0 20px}
      .card{grid-column:span 3;background:var(--card);border:1px solid var(--line);border-radius:10px;
        padding:12px 16px;min-width:0}
      .card.third{grid-column:span 4}
      .card .k{font-size:12px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted)}
      .card .v{font-size:22px;font-weight:600;font-variant-numeric:tabular-nums;overflow-wrap:anywhere;margin:2px 0}
      .card.primary .v{font-family:%MONO%;font-size:22px;color:var(--total)}
      #wasted-cost{font-family:%MONO%;font-size:20px}
      .card.warn .v{color:var(--warn)}
      .card.bad .v{color:var(--bad)}
      .card .s{font-size:12.5px;color:var(--muted)}
      .grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(460px,100%),1fr));gap:20px;margin:0 0 20px}
      .panel{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:16px 20px;min-width:0}
      section.panel{margin:0 0 20px}
      .note{color:var(--muted);font-size:13px;margin:2px 0 8px}
      .empty{color:var(--muted);font-style:italic}
      .lockn-chart{display:block;width:100%;height:auto;margin:6px 0 4px;overflow:visible}
      .lockn-chart text{font-family:%SANS%;font-size:12px;fill:var(--fg)}
      .lockn-chart .value,.lockn-chart .tick{font-family:%MONO%;font-size:11.5px;fill:var(--muted)}
      .lockn-chart .value{fill:var(--fg);paint-order:stroke;stroke:var(--card);stroke-width:3px;stroke-linejoin:round}
      .lockn-chart .empty{fill:var(--muted);font-style:italic}
      .bar{fill:var(--bar)}
      .bar.other{fill:var(--other)}
      .bar.total{fill:var(--total)}
      .bar.negative{fill:var(--bad)}
      .row:hover .bar,.step:hover .bar,.columns .bar:hover{opacity:.8}
      .gridline{stroke:var(--line);stroke-width:1}
      .baseline{stroke:#9aa5b1;stroke-width:1}
      .connector{stroke:#9aa5b1;stroke-width:1;stroke-dasharray:3 3}
      .scroll{overflow-x:auto}
      table.data{width:100%;border-collapse:collapse;font-size:13.5px;margin:6px 0}
      table.data caption{text-align:left;color:var(--muted);font-size:12px;padding:4px 0}
      table.data th{text-align:left;font-weight:600;color:var(--muted);border-bottom:2px solid var(--line);
        padding:6px 8px;font-size:11.5px;text-transform:uppercase;letter-spacing:.05em}
      table.data td{border-bottom:1px solid var(--line);padding:6px 8px;vertical-align:top;overflow-wrap:anywhere}
      table.data tbody tr:nth-child(even){background:#fafbfc}
      table.data th.num,.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
      .money,code{font-family:%MONO%;font-size:12.5px}
      code{overflow-wrap:anywhere}
      .waste{color:var(--bad);font-weight:600}
      details{margin:6px 0 0}
      details summary{cursor:pointer;color:var(--link);font-size:13px}
      footer{margin-top:8px}
      .nowrap{white-space:nowrap}
      .nowrap code{overflow-wrap:normal}
      .roi-g0{fill:#8a96a3;stroke:#8a96a3}
      .roi-g1{fill:#2f7d5b;stroke:#2f7d5b}
      .roi-g2{fill:#4a78a6;stroke:#4a78a6}
      .roi-g3{fill:#a15c07;stroke:#a15c07}
      .roi-g4{fill:#7b4fa0;stroke:#7b4fa0}
      .lockn-chart .whisker{stroke:var(--fg);stroke-width:1.5;fill:none}
      .lockn-chart .cdf{fill:none;stroke-width:2}
      .lockn-chart .pct{stroke:var(--bad);stroke-width:1.2;stroke-dasharray:4 3}
      .lockn-chart .pct-label{fill:var(--bad);font-size:11px}
      .lockn-chart .dot{fill-opacity:.65;stroke:none}
      .legend span{display:inline-block;margin:0 14px 0 0;font-size:12.5px}
      .legend i{display:inline-block;width:10px;height:10px;margin:0 5px 0 0;border-radius:2px}
      .legend .roi-g0{background:#8a96a3}.legend .roi-g1{background:#2f7d5b}.legend .roi-g2{background:#4a78a6}
      .legend .roi-g3{background:#a15c07}.legend .roi-g4{background:#7b4fa0}
      .good{color:#2f7d5b;font-weight:600}
      .bar.roi-original{fill:#a3adb8}.bar.roi-compressed{fill:#4a78a6}.bar.roi-saved{fill:#2f7d5b}
      .lockn-chart .cumulative{fill:none;stroke:#243b53;stroke-width:2.2;stroke-linejoin:round}
      .legend .roi-original{background:#a3adb8}.legend .roi-compressed{background:#4a78a6}
      .legend .roi-saved{background:#2f7d5b}.legend .roi-cumulative{background:#243b53;height:3px;vertical-align:middle}
      @media (max-width:860px){.cards{grid-template-columns:repeat(2,minmax(0,1fr))}.card,.card.third{grid-column:auto}}
      @media (max-width:600px){.page{padding:16px 12px}}
      @media print{body{background:#fff}.panel,.card{break-inside:avoid}nav{display:none}}
      """.replace("%SANS%", SANS).replace("%MONO%", MONO);

  private static List<Map.Entry<String, Long>> sorted(Map<String, Long> byValue) {
    List<Map.Entry<String, Long>> list = new ArrayList<>(new LinkedHashMap<>(byValue).entrySet());
    list.sort(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
    return list;
  }

  static String money(long nanos) {
    return "$" + AuditReport.usd(nanos).toPlainString();
  }

  private static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** A share of the total, to a tenth of a percent; empty when the total is 0. */
  static String share(long nanos, long total) {
    if (total <= 0) {
      return "";
    }
    BigDecimal pct = BigDecimal.valueOf(nanos).multiply(BigDecimal.valueOf(100))
        .divide(BigDecimal.valueOf(total), 1, RoundingMode.HALF_EVEN);
    if (pct.signum() == 0 && nanos > 0) {
      return "<0.1%";
    }
    return pct.toPlainString() + "%";
  }

  private static String period(AuditReport r) {
    return DATE_TIME.format(Instant.ofEpochSecond(0, r.firstStartNanos())) + " – "
        + DATE_TIME.format(Instant.ofEpochSecond(0, r.lastEndNanos())) + " UTC";
  }

  private static String duration(long nanos) {
    Duration d = Duration.ofNanos(Math.max(0, nanos));
    if (d.compareTo(Duration.ofSeconds(1)) < 0) {
      return d.toMillis() + " ms";
    }
    long days = d.toDays();
    long hours = d.toHoursPart();
    long minutes = d.toMinutesPart();
    long seconds = d.toSecondsPart();
    if (days > 0) {
      return days + " d " + hours + " h";
    }
    if (hours > 0) {
      return hours + " h " + minutes + " min";
    }
    return minutes > 0 ? minutes + " min " + seconds + " s" : seconds + " s";
  }

  private static String plural(long n, String one, String many) {
    return count(n) + " " + (n == 1 ? one : many);
  }

  private static String capitalize(String s) {
    return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
  }

  static String fmt(double d) {
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString((long) d);
    }
    return String.format(Locale.ROOT, "%.2f", d);
  }

  private static int codePoints(String s) {
    return s.codePointCount(0, s.length());
  }

  /** At most {@code max} code points, the last one an ellipsis when cut. */
  static String truncate(String s, int max) {
    if (codePoints(s) <= max) {
      return s;
    }
    return s.substring(0, s.offsetByCodePoints(0, max - 1)) + "…";
  }

  /**
   * Escapes text for HTML and SVG content and attribute values: {@code & < > " '} become references, and characters
   * XML does not allow (controls other than tab, newline and return, unpaired surrogates, U+FFFE and U+FFFF) become
   * U+FFFD.
   *
   * @param s the text
   * @return the escaped text
   */
  static String esc(String s) {
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      String rep = null;
      switch (c) {
        case '&' -> rep = "&amp;";
        case '<' -> rep = "&lt;";
        case '>' -> rep = "&gt;";
        case '"' -> rep = "&quot;";
        case '\'' -> rep = "&#39;";
        default -> {
          if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0xFFFE || c == 0xFFFF) {
            rep = "\uFFFD";
          } else if (Character.isHighSurrogate(c)) {
            if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
              if (b != null) {
                b.append(c).append(s.charAt(i + 1));
              }
              i++;
              continue;
            }
            rep = "\uFFFD";
          } else if (Character.isLowSurrogate(c)) {
            rep = "\uFFFD";
          }
        }
      }
      if (rep != null) {
        if (b == null) {
          b = new StringBuilder(s.length() + 16).append(s, 0, i);
        }
        b.append(rep);
      } else if (b != null) {
        b.append(c);
      }
    }
    return b == null ? s : b.toString();
  }
}
