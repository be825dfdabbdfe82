package io.lockn.cli.audit;

import static io.lockn.cli.audit.HtmlReportWriter.esc;
import static io.lockn.cli.audit.HtmlReportWriter.fmt;
import static io.lockn.cli.audit.HtmlReportWriter.svgOpen;

import io.lockn.compression.roi.Estimate;
import io.lockn.compression.roi.RoiReport;
import io.lockn.compression.roi.RoiResult;
import io.lockn.compression.roi.RoiSample;
import io.lockn.compression.roi.SavingsSeries;
import io.lockn.compression.roi.Verdict;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The experiments section of the HTML report ({@code lockn audit --experiments}), only when calls in experiments were
 * read: the savings table {@code roi-savings} (one row per experiment, agent and treatment group), and per experiment
 * number {@code n} (1-based, in name order) the inline SVG charts {@code chart-roi-cost-n} (mean cost per call by
 * group, {@code <rect class="bar ...">}, with 95% whiskers {@code <line class="whisker">}), {@code
 * chart-roi-tokens-n-g} (input-token histogram of group {@code g}, with {@code <line class="pct">} at p50, p95 and
 * p99), {@code chart-roi-quality-n} (quality score against compression ratio, {@code <circle class="dot">}, only when
 * scores exist) and {@code chart-roi-latency-n} (latency CDF per group, {@code <polyline class="cdf">}); and per
 * treatment group number {@code g} (1-based, in name order) the cost waterfall over time {@code
 * chart-roi-waterfall-n-g} ({@link SavingsSeries}: per time bucket the estimated original cost {@code <rect class="bar
 * roi-original">}, the actual cost {@code roi-compressed} and the savings {@code roi-saved}, {@code negative} when
 * below zero, each only when not zero, with the cumulative savings as {@code <polyline class="cumulative">} on the right axis) with its table
 * {@code roi-waterfall-table-n-g}. Every text is escaped. The control group is drawn in grey ({@code roi-g0}),
 * treatments in colours {@code roi-g1...}.
 */
final class RoiPanels {

  /** Points drawn at most per scatter and per CDF line; larger groups are subsampled evenly. */
  static final int MAX_POINTS = 1500;

  private static final int BINS = 20;

  private RoiPanels() {}

  static boolean shown(AuditReport r) {
    return r.roi() != null && !r.roiSamples().isEmpty();
  }

  static void render(StringBuilder h, AuditReport r) {
    RoiReport roi = r.roi();
    if (roi == null || !shown(r)) {
      return;
    }
    h.append("<section id=\"experiments\" class=\"panel\">\n<h2>Compression experiments</h2>\n")
        .append("<p class=\"note\">Each treatment group against its control, over all agents (*) and per agent, with"
            + " 95% confidence intervals (Welch t for means, percentile bootstrap for ratios and percentiles). A"
            + " verdict is given only when the interval excludes no change.</p>\n");
    savingsTable(h, roi);
    Map<String, List<RoiSample>> byExperiment = new TreeMap<>();
    for (RoiSample s : r.roiSamples()) {
      byExperiment.computeIfAbsent(s.experiment(), k -> new ArrayList<>()).add(s);
    }
    int n = 0;
    for (Map.Entry<String, List<RoiSample>> e : byExperiment.entrySet()) {
      n++;
      String controlGroup = roi.results().stream().filter(x -> x.experiment().equals(e.getKey()))
          .map(RoiResult::controlGroup).findFirst().orElse("control");
      Map<String, List<RoiSample>> groups = groups(e.getValue(), controlGroup);
      h.append("<h3>").append(esc(e.getKey())).append("</h3>\n");
      int g = 0;
      for (SavingsSeries series : r.savingsOverTime()) {
        if (series.experiment().equals(e.getKey())) {
          waterfall(h, n + "-" + (++g), series);
        }
      }
      legend(h, groups.keySet());
      h.append("<div class=\"grid\">\n");
      costChart(h, "chart-roi-cost-" + n, e.getKey(), groups);
      latencyCdf(h, "chart-roi-latency-" + n, e.getKey(), groups);
      g = 0;
      for (Map.Entry<String, List<RoiSample>> group : groups.entrySet()) {
        tokenHistogram(h, "chart-roi-tokens-" + n + "-" + (++g), e.getKey(), group.getKey(), g - 1, group.getValue());
      }
      if (e.getValue().stream().anyMatch(s -> s.qualityScore() != null)) {
        qualityScatter(h, "chart-roi-quality-" + n, e.getKey(), groups);
      }
      h.append("</div>\n");
    }
    h.append("</section>\n");
  }

  /** The groups of one experiment, control first, then the others by name. */
  private static Map<String, List<RoiSample>> groups(List<RoiSample> samples, String controlGroup) {
    TreeMap<String, List<RoiSample>> sorted = new TreeMap<>();
    for (RoiSample s : samples) {
      sorted.computeIfAbsent(s.group(), k -> new ArrayList<>()).add(s);
    }
    Map<String, List<RoiSample>> out = new LinkedHashMap<>();
    if (sorted.containsKey(controlGroup)) {
      out.put(controlGroup, sorted.remove(controlGroup));
    }
    out.putAll(sorted);
    return out;
  }

  private static String cls(int index) {
    return "roi-g" + Math.min(index, 4);
  }

  private static void legend(StringBuilder h, Iterable<String> groups) {
    h.append("<p class=\"legend\">");
    int i = 0;
    for (String g : groups) {
      h.append("<span><i class=\"").append(cls(i++)).append("\"></i>").append(esc(g)).append("</span>");
    }
    h.append("</p>\n");
  }

  // ---------------------------------------------------------------- table

  private static void savingsTable(StringBuilder h, RoiReport roi) {
    h.append("<div class=\"scroll\"><table class=\"data\" id=\"roi-savings\"><caption>Savings by experiment, agent")
        .append(" and group</caption><thead><tr><th>Experiment</th><th>Agent</th><th>Group</th>")
        .append("<th class=\"num\">Calls</th><th class=\"num\">Token savings</th><th class=\"num\">Cost saved</th>")
        .append("<th class=\"num\">Cost saved %</th><th>Cost verdict</th><th class=\"num\">Latency p50</th>")
        .append("<th>Quality</th></tr></thead><tbody>\n");
    for (RoiResult x : roi.results()) {
      BigDecimal pct = x.costSavingsPercent();
      h.append("<tr><td>").append(esc(x.experiment())).append("</td><td>")
          .append(esc(RoiResult.ALL_AGENTS.equals(x.agent()) ? "* (all)" : x.agent().isEmpty() ? AuditReport.NONE
              : x.agent())).append("</td><td>")
          .append(esc(x.group() + " vs " + x.controlGroup())).append("</td><td class=\"num\">")
          .append(x.treatmentCalls()).append(" / ").append(x.controlCalls()).append("</td><td class=\"num\">")
          .append(esc(pct(x.tokenSavingsRate(), 100, "%.1f%%"))).append("</td><td class=\"num money\">$")
          .append(esc(x.costSavingsUsd().toPlainString())).append("</td><td class=\"num\">")
          .append(esc(pct == null ? "n/a" : pct.toPlainString() + "%")).append("<br />")
          .append(esc(interval(x.costSavingsPercentEstimate(), 1, "%.1f%%"))).append("</td><td class=\"")
          .append(verdictClass(x.costVerdict())).append("\">").append(x.costVerdict().name()).append("</td>")
          .append("<td class=\"num\">").append(esc(pct(x.latencyP50Ratio(), 1, "×%.3f"))).append("</td><td>");
      if (x.qualityRetention() == null) {
        h.append("no scores");
      } else {
        h.append(esc(pct(x.qualityRetention(), 100, "%.1f%%"))).append(" retained; ")
            .append(x.nonInferiority().name());
      }
      h.append("</td></tr>\n");
    }
    h.append("</tbody></table></div>\n");
  }

  private static String verdictClass(Verdict v) {
    return v == Verdict.SAVES ? "good" : v == Verdict.COSTS_MORE ? "waste" : "";
  }

  private static String pct(Estimate e, double scale, String format) {
    return String.format(Locale.ROOT, format, e.value() * scale) + " " + interval(e, scale, format);
  }

  private static String interval(Estimate e, double scale, String format) {
    if (Double.isNaN(e.lower()) || Double.isNaN(e.upper())) {
      return "[n/a]";
    }
    return "[" + String.format(Locale.ROOT, format, e.lower() * scale) + ", "
        + String.format(Locale.ROOT, format, e.upper() * scale) + "]";
  }

  // ---------------------------------------------------------------- charts

  private static final double W = 520;
  private static final double H = 260;
  private static final double LEFT = 64;
  private static final double TOP = 16;
  private static final double PLOT_W = W - LEFT - 16;
  private static final double PLOT_H = H - TOP - 44;

  private static final DateTimeFormatter MINUTES =
      DateTimeFormatter.ofPattern("MM-dd HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

  /**
   * The cost waterfall of one treatment group over time: per bucket the estimated original cost, the actual cost and
   * the savings side by side (left axis), and the cumulative savings as a line (right axis); both axes put zero on
   * the same gridline, so negative savings hang below it. Then a collapsed table with every bucket's exact amounts.
   */
  private static void waterfall(StringBuilder h, String suffix, SavingsSeries series) {
    List<SavingsSeries.Bucket> buckets = series.buckets();
    String id = "chart-roi-waterfall-" + suffix;
    String title = "Cost waterfall over time, " + series.experiment() + " / " + series.group();
    h.append("<div class=\"panel\">\n<p class=\"legend\"><span><i class=\"roi-original\"></i>original (estimated)"
        + "</span><span><i class=\"roi-compressed\"></i>").append(esc(series.group()))
        .append(" (actual)</span><span><i class=\"roi-saved\"></i>savings (red when negative)</span><span><i class=\"roi-cumulative\">"
            + "</i>cumulative savings (right axis)</span></p>\n");
    double width = 1040;
    double height = 300;
    double top = 16;
    double bottom = 40;
    double lMax = 0;
    double lMin = 0;
    double rMax = 0;
    double rMin = 0;
    for (SavingsSeries.Bucket b : buckets) {
      for (long v : new long[] {b.originalCostNanos(), b.compressedCostNanos(), b.savingsNanos()}) {
        lMax = Math.max(lMax, v / 1e9);
        lMin = Math.min(lMin, v / 1e9);
      }
      rMax = Math.max(rMax, b.cumulativeSavingsNanos() / 1e9);
      rMin = Math.min(rMin, b.cumulativeSavingsNanos() / 1e9);
    }
    // Gridlines above and below zero, shared by both axes so that zero is one line.
    int up = lMax > 0 || rMax > 0 ? 4 : 1;
    double ratio = Math.max(ratio(-lMin, lMax), ratio(-rMin, rMax));
    int down = lMin < 0 || rMin < 0 ? (int) Math.min(8, Math.max(1, Math.ceil(up * ratio))) : 0;
    double lStep = niceMax(Math.max(lMax / up, down == 0 ? 0 : -lMin / down));
    double rStep = niceMax(Math.max(rMax / up, down == 0 ? 0 : -rMin / down));
    double left = 12 + 7.1 * Math.max(usdTick(lStep * up).length(), usdTick(-lStep * down).length());
    double right = 12 + 7.1 * Math.max(usdTick(rStep * up).length(), usdTick(-rStep * down).length());
    double plotW = width - left - right;
    double plotH = height - top - bottom;
    double unit = plotH / (up + down);
    double zero = top + up * unit;
    svgOpen(h, id, "roi-waterfall", title, width, height);
    h.append("<g class=\"axis\">\n");
    for (int t = -down; t <= up; t++) {
      double yy = zero - t * unit;
      h.append("<line class=\"").append(t == 0 ? "baseline" : "gridline").append("\" x1=\"").append(fmt(left))
          .append("\" y1=\"").append(fmt(yy)).append("\" x2=\"").append(fmt(left + plotW)).append("\" y2=\"")
          .append(fmt(yy)).append("\" /><text class=\"tick\" x=\"").append(fmt(left - 6)).append("\" y=\"")
          .append(fmt(yy + 4)).append("\" text-anchor=\"end\">").append(esc(usdTick(t * lStep)))
          .append("</text><text class=\"tick right\" x=\"").append(fmt(left + plotW + 6)).append("\" y=\"")
          .append(fmt(yy + 4)).append("\">").append(esc(usdTick(t * rStep))).append("</text>\n");
    }
    h.append("</g>\n");
    int n = Math.max(1, buckets.size());
    double slot = plotW / n;
    double barW = Math.max(1, slot * 0.78 / 3);
    long interval = series.interval().toNanos();
    int labelEvery = (int) Math.max(1, Math.ceil(n / (plotW / 110)));
    StringBuilder points = new StringBuilder();
    h.append("<g class=\"columns\">\n");
    for (int i = 0; i < buckets.size(); i++) {
      SavingsSeries.Bucket b = buckets.get(i);
      String when = HtmlReportWriter.DATE_TIME.format(b.start()) + " UTC";
      double x0 = left + i * slot + (slot - 3 * barW) / 2;
      long[] values = {b.originalCostNanos(), b.compressedCostNanos(), b.savingsNanos()};
      String[] classes = {"bar roi-original", "bar roi-compressed", b.savingsNanos() < 0 ? "bar negative" : "bar roi-saved"};
      String[] names = {"original (estimated)", series.group() + " (actual)", "savings"};
      for (int k = 0; k < 3; k++) {
        if (values[k] == 0) {
          continue;
        }
        double barH = Math.max(1, Math.abs(values[k] / 1e9 / lStep * unit));
        double y = values[k] >= 0 ? zero - barH : zero;
        h.append("<rect class=\"").append(classes[k]).append("\" x=\"").append(fmt(x0 + k * barW)).append("\" y=\"")
            .append(fmt(y)).append("\" width=\"").append(fmt(barW)).append("\" height=\"").append(fmt(barH))
            .append("\"><title>").append(esc(when + ", " + names[k] + ": " + HtmlReportWriter.money(values[k])
                + " (" + b.calls() + " call(s))")).append("</title></rect>\n");
      }
      double cx = left + i * slot + slot / 2;
      points.append(i == 0 ? "" : " ").append(fmt(cx)).append(',')
          .append(fmt(zero - b.cumulativeSavingsNanos() / 1e9 / rStep * unit));
      if (i % labelEvery == 0) {
        h.append("<text class=\"tick\" x=\"").append(fmt(cx)).append("\" y=\"").append(fmt(top + plotH + 18))
            .append("\" text-anchor=\"middle\">").append(esc(bucketLabel(b, interval))).append("</text>\n");
      }
    }
    h.append("</g>\n");
    if (!buckets.isEmpty()) {
      h.append("<polyline class=\"cumulative\" points=\"").append(points).append("\"><title>")
          .append(esc("cumulative savings: " + HtmlReportWriter.money(series.totalSavingsNanos())))
          .append("</title></polyline>\n");
    } else {
      h.append("<text class=\"empty\" x=\"").append(fmt(width / 2)).append("\" y=\"").append(fmt(height / 2))
          .append("\" text-anchor=\"middle\">No dated calls</text>\n");
    }
    h.append("</svg>\n<p class=\"note\">By ").append(esc(duration(series.interval())))
        .append(" (UTC) of the calls' start. Original: each ").append(esc(series.group()))
        .append(" call at the ").append(esc(series.controlGroup())).append(" group's mean net cost per call ($")
        .append(esc(series.counterfactualCostPerCallUsd().toPlainString())).append(", ").append(series.controlCalls())
        .append(" calls); actual: what the calls cost, compression steps and cache writes included. Cumulative savings"
            + " end at ").append(esc(HtmlReportWriter.money(series.totalSavingsNanos())))
        .append(series.undatedCalls() > 0 ? "; " + series.undatedCalls() + " call(s) without a start time are left out"
            : "").append(".</p>\n");
    h.append("<details><summary>Show the ").append(buckets.size()).append(" bucket(s)</summary>\n<div class=\"scroll\">"
        + "<table class=\"data\" id=\"roi-waterfall-table-").append(suffix).append("\"><thead><tr><th>Bucket start"
        + " (UTC)</th><th class=\"num\">Calls</th><th class=\"num\">Original (est.)</th><th class=\"num\">Actual</th>"
        + "<th class=\"num\">Savings</th><th class=\"num\">Cumulative</th></tr></thead><tbody>\n");
    for (SavingsSeries.Bucket b : buckets) {
      h.append("<tr><td>").append(HtmlReportWriter.DATE_TIME.format(b.start())).append("</td><td class=\"num\">").append(b.calls());
      for (long v : new long[] {b.originalCostNanos(), b.compressedCostNanos(), b.savingsNanos(),
          b.cumulativeSavingsNanos()}) {
        h.append("</td><td class=\"num money").append(v < 0 ? " waste" : "").append("\">")
            .append(HtmlReportWriter.money(v));
      }
      h.append("</td></tr>\n");
    }
    h.append("</tbody></table></div></details>\n</div>\n");
  }

  /** How far below zero an axis reaches relative to above it; 1 when it has nothing above. */
  private static double ratio(double below, double above) {
    return below <= 0 ? 0 : above <= 0 ? 1 : below / above;
  }

  private static String usdTick(double usd) {
    return (usd < 0 ? "-$" : "$") + trim(Math.abs(usd));
  }

  private static String bucketLabel(SavingsSeries.Bucket b, long intervalNanos) {
    if (intervalNanos < 60_000_000_000L) {
      return HtmlReportWriter.TIME.format(b.start());
    }
    return intervalNanos < 86_400_000_000_000L ? MINUTES.format(b.start()) : HtmlReportWriter.DATE.format(b.start());
  }

  private static String duration(Duration d) {
    long s = d.getSeconds();
    if (d.getNano() != 0 || s == 0) {
      return d.toMillis() + " ms";
    }
    if (s % 604_800 == 0) {
      return s == 604_800 ? "week" : s / 604_800 + " weeks";
    }
    if (s % 86_400 == 0) {
      return s == 86_400 ? "day" : s / 86_400 + " days";
    }
    if (s % 3600 == 0) {
      return s == 3600 ? "hour" : s / 3600 + " hours";
    }
    if (s % 60 == 0) {
      return s == 60 ? "minute" : s / 60 + " minutes";
    }
    return s == 1 ? "second" : s + " seconds";
  }

  /** Mean net cost per call by group, with a 95% interval of each mean (normal approximation, 1.96 SE). */
  private static void costChart(StringBuilder h, String id, String experiment, Map<String, List<RoiSample>> groups) {
    h.append("<div class=\"panel\">\n");
    svgOpen(h, id, "roi-cost-chart", "Mean cost per call by group, " + experiment + " (USD, 95% interval)", W, H);
    double[][] stats = new double[groups.size()][];
    double max = 0;
    int i = 0;
    for (List<RoiSample> g : groups.values()) {
      double[] x = g.stream().mapToDouble(s -> s.netCostNanos() / 1e9).toArray();
      double mean = mean(x);
      double half = x.length < 2 ? 0 : 1.96 * Math.sqrt(variance(x, mean) / x.length);
      stats[i++] = new double[] {mean, Math.max(0, mean - half), mean + half};
      max = Math.max(max, mean + half);
    }
    double top = niceMax(max);
    axis(h, top, v -> "$" + trim(v));
    double slot = PLOT_W / Math.max(1, groups.size());
    double barW = Math.min(90, slot * 0.6);
    i = 0;
    for (String name : groups.keySet()) {
      double[] st = stats[i];
      double x = LEFT + slot * i + (slot - barW) / 2;
      double y = y(st[0], top);
      h.append("<g class=\"step\"><rect class=\"bar ").append(cls(i)).append("\" x=\"").append(fmt(x))
          .append("\" y=\"").append(fmt(y)).append("\" width=\"").append(fmt(barW)).append("\" height=\"")
          .append(fmt(TOP + PLOT_H - y)).append("\"><title>")
          .append(esc(name + ": $" + String.format(Locale.ROOT, "%.9f", st[0]) + " per call, 95% ["
              + String.format(Locale.ROOT, "%.9f", st[1]) + ", " + String.format(Locale.ROOT, "%.9f", st[2]) + "]"))
          .append("</title></rect>");
      double cx = x + barW / 2;
      double y1 = y(st[1], top);
      double y2 = y(st[2], top);
      h.append("<line class=\"whisker\" x1=\"").append(fmt(cx)).append("\" y1=\"").append(fmt(y1))
          .append("\" x2=\"").append(fmt(cx)).append("\" y2=\"").append(fmt(y2)).append("\" />");
      for (double yy : new double[] {y1, y2}) {
        h.append("<line class=\"whisker\" x1=\"").append(fmt(cx - 8)).append("\" y1=\"").append(fmt(yy))
            .append("\" x2=\"").append(fmt(cx + 8)).append("\" y2=\"").append(fmt(yy)).append("\" />");
      }
      h.append("<text class=\"label\" x=\"").append(fmt(cx)).append("\" y=\"").append(fmt(TOP + PLOT_H + 18))
          .append("\" text-anchor=\"middle\">").append(esc(HtmlReportWriter.truncate(name, 18))).append("</text>")
          .append("</g>\n");
      i++;
    }
    h.append("</svg>\n<p class=\"note\">Mean net cost per call (compression step included); whiskers: 95% interval"
        + " of each mean.</p>\n</div>\n");
  }

  /** Histogram of input tokens sent, with p50, p95 and p99 lines. */
  private static void tokenHistogram(StringBuilder h, String id, String experiment, String group, int index,
      List<RoiSample> samples) {
    h.append("<div class=\"panel\">\n");
    svgOpen(h, id, "roi-token-histogram", "Input tokens per call, " + experiment + " / " + group, W, H);
    double[] x = samples.stream().mapToDouble(RoiSample::inputTokensSent).sorted().toArray();
    double hi = Math.max(1, niceMax(x[x.length - 1]));
    int[] counts = new int[BINS];
    for (double v : x) {
      counts[Math.min(BINS - 1, (int) (v / hi * BINS))]++;
    }
    int maxCount = Arrays.stream(counts).max().orElse(1);
    double top = niceMax(maxCount);
    axis(h, top, RoiPanels::trim);
    double binW = PLOT_W / BINS;
    for (int b = 0; b < BINS; b++) {
      if (counts[b] == 0) {
        continue;
      }
      double y = y(counts[b], top);
      h.append("<rect class=\"bar ").append(cls(index)).append("\" x=\"").append(fmt(LEFT + b * binW + 1))
          .append("\" y=\"").append(fmt(y)).append("\" width=\"").append(fmt(binW - 2)).append("\" height=\"")
          .append(fmt(TOP + PLOT_H - y)).append("\"><title>")
          .append(esc(trim(b * hi / BINS) + "–" + trim((b + 1) * hi / BINS) + " tokens: " + counts[b] + " call(s)"))
          .append("</title></rect>\n");
    }
    String[] names = {"p50", "p95", "p99"};
    double[] ps = {0.5, 0.95, 0.99};
    for (int k = 0; k < 3; k++) {
      double v = percentile(x, ps[k]);
      double px = LEFT + Math.min(1, v / hi) * PLOT_W;
      h.append("<line class=\"pct\" data-p=\"").append(names[k]).append("\" x1=\"").append(fmt(px))
          .append("\" y1=\"").append(fmt(TOP)).append("\" x2=\"").append(fmt(px)).append("\" y2=\"")
          .append(fmt(TOP + PLOT_H)).append("\"><title>").append(names[k]).append(": ").append(trim(v))
          .append(" tokens</title></line><text class=\"pct-label\" x=\"").append(fmt(px + 3)).append("\" y=\"")
          .append(fmt(TOP + 10 + 12 * k)).append("\">").append(names[k]).append(" ").append(trim(v))
          .append("</text>\n");
    }
    xTicks(h, hi, RoiPanels::trim, "input tokens sent");
    h.append("</svg>\n<p class=\"note\">Input tokens sent per call, group ").append(esc(group))
        .append(" (").append(x.length).append(" calls), with p50, p95 and p99.</p>\n</div>\n");
  }

  /** Quality score against compression ratio (sent / original), one dot per scored call. */
  private static void qualityScatter(StringBuilder h, String id, String experiment,
      Map<String, List<RoiSample>> groups) {
    h.append("<div class=\"panel\">\n");
    svgOpen(h, id, "roi-quality-scatter", "Quality score vs compression ratio, " + experiment, W, H);
    double maxQ = 0;
    for (List<RoiSample> g : groups.values()) {
      for (RoiSample s : g) {
        if (s.qualityScore() != null) {
          maxQ = Math.max(maxQ, s.qualityScore());
        }
      }
    }
    double top = maxQ <= 1 ? 1 : niceMax(maxQ);
    axis(h, top, RoiPanels::trim);
    int i = 0;
    for (Map.Entry<String, List<RoiSample>> g : groups.entrySet()) {
      List<RoiSample> scored = g.getValue().stream().filter(s -> s.qualityScore() != null).toList();
      int step = Math.max(1, scored.size() / MAX_POINTS);
      for (int k = 0; k < scored.size(); k += step) {
        RoiSample s = scored.get(k);
        double ratio = s.inputTokensOriginal() == 0 ? 1 : (double) s.inputTokensSent() / s.inputTokensOriginal();
        // Scored: filtered on a non-null score above (unboxing null would throw the same NPE).
        double q = Math.max(0, Objects.requireNonNull(s.qualityScore()));
        h.append("<circle class=\"dot ").append(cls(i)).append("\" cx=\"")
            .append(fmt(LEFT + Math.min(1, ratio) * PLOT_W)).append("\" cy=\"").append(fmt(y(Math.min(q, top), top)))
            .append("\" r=\"3.5\"><title>").append(esc(g.getKey() + ": ratio "
                + String.format(Locale.ROOT, "%.3f", ratio) + ", quality " + String.format(Locale.ROOT, "%.3f", q)))
            .append("</title></circle>\n");
      }
      i++;
    }
    xTicks(h, 1, v -> String.format(Locale.ROOT, "%.2f", v), "compression ratio (sent / original)");
    h.append("</svg>\n<p class=\"note\">Quality score against compression ratio, one dot per scored call.</p>\n"
        + "</div>\n");
  }

  /** The empirical CDF of latency per group. */
  private static void latencyCdf(StringBuilder h, String id, String experiment, Map<String, List<RoiSample>> groups) {
    h.append("<div class=\"panel\">\n");
    svgOpen(h, id, "roi-latency-cdf", "Latency CDF by group, " + experiment, W, H);
    double maxMs = 0;
    for (List<RoiSample> g : groups.values()) {
      for (RoiSample s : g) {
        maxMs = Math.max(maxMs, s.latencyNanos() / 1e6);
      }
    }
    double hi = Math.max(1, niceMax(maxMs));
    axis(h, 1, v -> String.format(Locale.ROOT, "%.0f%%", v * 100));
    int i = 0;
    for (Map.Entry<String, List<RoiSample>> g : groups.entrySet()) {
      double[] ms = g.getValue().stream().mapToDouble(s -> s.latencyNanos() / 1e6).sorted().toArray();
      StringBuilder points = new StringBuilder();
      points.append(fmt(LEFT)).append(',').append(fmt(y(0, 1)));
      int step = Math.max(1, ms.length / MAX_POINTS);
      for (int k = 0; k < ms.length; k += step) {
        double px = LEFT + ms[k] / hi * PLOT_W;
        points.append(' ').append(fmt(px)).append(',').append(fmt(y((double) k / ms.length, 1)));
        points.append(' ').append(fmt(px)).append(',').append(fmt(y((double) Math.min(ms.length, k + step) / ms.length,
            1)));
      }
      h.append("<polyline class=\"cdf ").append(cls(i++)).append("\" points=\"").append(points)
          .append("\"><title>").append(esc(g.getKey() + ": p50 " + trim(percentile(ms, 0.5)) + " ms, p95 "
              + trim(percentile(ms, 0.95)) + " ms")).append("</title></polyline>\n");
    }
    xTicks(h, hi, RoiPanels::trim, "latency (ms)");
    h.append("</svg>\n<p class=\"note\">Latency CDF by group: the share of calls at or under each latency.</p>\n"
        + "</div>\n");
  }

  // ---------------------------------------------------------------- helpers

  private static double y(double v, double top) {
    return TOP + PLOT_H - (top <= 0 ? 0 : v / top * PLOT_H);
  }

  private static void axis(StringBuilder h, double top, java.util.function.DoubleFunction<String> label) {
    h.append("<g class=\"axis\">\n");
    for (int t = 0; t <= 4; t++) {
      double v = top * t / 4;
      double yy = y(v, top);
      h.append("<line class=\"").append(t == 0 ? "baseline" : "gridline").append("\" x1=\"").append(fmt(LEFT))
          .append("\" y1=\"").append(fmt(yy)).append("\" x2=\"").append(fmt(LEFT + PLOT_W)).append("\" y2=\"")
          .append(fmt(yy)).append("\" /><text class=\"tick\" x=\"").append(fmt(LEFT - 6)).append("\" y=\"")
          .append(fmt(yy + 4)).append("\" text-anchor=\"end\">").append(esc(label.apply(v))).append("</text>\n");
    }
    h.append("</g>\n");
  }

  private static void xTicks(StringBuilder h, double hi, java.util.function.DoubleFunction<String> label,
      String title) {
    h.append("<g class=\"axis\">\n");
    for (int t = 0; t <= 4; t++) {
      double px = LEFT + PLOT_W * t / 4;
      h.append("<text class=\"tick\" x=\"").append(fmt(px)).append("\" y=\"").append(fmt(TOP + PLOT_H + 16))
          .append("\" text-anchor=\"middle\">").append(esc(label.apply(hi * t / 4))).append("</text>\n");
    }
    h.append("<text class=\"label\" x=\"").append(fmt(LEFT + PLOT_W / 2)).append("\" y=\"").append(fmt(H - 6))
        .append("\" text-anchor=\"middle\">").append(esc(title)).append("</text>\n</g>\n");
  }

  /** The smallest 1, 2, 2.5 or 5 times a power of ten at or above {@code max}. */
  static double niceMax(double max) {
    if (!(max > 0) || !Double.isFinite(max)) {
      return 1;
    }
    double p = Math.pow(10, Math.floor(Math.log10(max)));
    for (double m : new double[] {1, 2, 2.5, 5, 10}) {
      if (m * p >= max * (1 - 1e-12)) {
        return m * p;
      }
    }
    return 10 * p;
  }

  private static String trim(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return String.format(Locale.ROOT, "%,d", (long) v);
    }
    BigDecimal d = new BigDecimal(String.format(Locale.ROOT, "%.6g", v)).stripTrailingZeros();
    return d.toPlainString();
  }

  private static double mean(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v;
    }
    return x.length == 0 ? 0 : s / x.length;
  }

  private static double variance(double[] x, double mean) {
    double s = 0;
    for (double v : x) {
      s += (v - mean) * (v - mean);
    }
    return s / (x.length - 1);
  }

  /** Linear interpolation between closest ranks of sorted values. */
  private static double percentile(double[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    double pos = p * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(sorted.length - 1, lo + 1);
    return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
  }
}
