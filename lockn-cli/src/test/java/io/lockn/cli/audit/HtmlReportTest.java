package io.lockn.cli.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.lockn.pricing.PriceCatalog;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The HTML report: built from a real {@link Audit} over spans shaped like real instrumentations write them, including
 * hostile strings, then checked for structure (charts, bars, tables, ids), exact amounts, escaping and
 * self-containment (parsed as XML, which the page is written to be), and rendered in headless Chromium: a screenshot
 * that is not blank, the SVG charts in the rendered DOM, and no console message at all.
 */
class HtmlReportTest {

  private static final String HOSTILE_TENANT = "<script>alert(1)</script>";
  private static final String HOSTILE_AGENT = "\"quoted\" & 'apos' <b>agent</b>";
  private static final String HOSTILE_MODEL = "<img src=x onerror=alert(1)>";
  private static final Instant T0 = Instant.parse("2025-11-03T09:05:00Z");
  private static final long HOUR_NANOS = 3_600_000_000_000L;
  private static final Instant GENERATED = Instant.parse("2025-11-04T08:00:00Z");

  // ---------------------------------------------------------------- structure

  @Test
  void chartsTablesAndTotalsOfARichReport(@TempDir Path dir) throws Exception {
    AuditReport report = richReport();
    String html = write(report, dir.resolve("report.html"));
    Document doc = parse(html);

    assertThat(html).startsWith("<!DOCTYPE html>");
    assertThat(report.byTenant()).hasSizeGreaterThan(HtmlReportWriter.MAX_BARS);
    assertThat(report.findingCounts()).containsKeys(Finding.RETRY_CHAIN, Finding.FALLBACK,
        Finding.MODEL_SUBSTITUTION, Finding.INFERRED_CACHE_HIT, Finding.UNPRICED_MODEL);

    // Headline totals, exact.
    assertThat(text(doc, "//*[@id='total-cost']")).isEqualTo(money(report.totalNanos()));
    assertThat(report.totalNanos()).isEqualTo(report.byTenant().values().stream().mapToLong(Long::longValue).sum());
    assertThat(text(doc, "//*[@id='priced-calls']")).isEqualTo(String.format("%,d", report.pricedSpans()));
    assertThat(text(doc, "//*[@id='unpriced-calls']")).isEqualTo("1");
    assertThat(text(doc, "//*[@id='input-tokens']")).isEqualTo(String.format("%,d", report.inputTokens()));
    assertThat(text(doc, "//*[@id='output-tokens']")).isEqualTo(String.format("%,d", report.outputTokens()));
    long waste = report.findingCost().get(Finding.RETRY_CHAIN) + report.findingCost().get(Finding.FALLBACK);
    assertThat(waste).isPositive();
    assertThat(text(doc, "//*[@id='wasted-cost']")).isEqualTo(money(waste));
    assertThat(text(doc, "//*[@id='period']")).isEqualTo("2025-11-03");

    // Every chart is an inline SVG with a stable id; bar charts fold their tail into "other".
    for (String id : List.of("chart-tenant", "chart-agent", "chart-model", "chart-time", "chart-waterfall")) {
      assertThat(count(doc, "//svg[@id='" + id + "' and contains(@class,'lockn-chart')]")).as(id).isEqualTo(1);
    }
    assertThat(bars(doc, "chart-tenant")).isEqualTo(HtmlReportWriter.MAX_BARS);
    assertThat(count(doc, "//svg[@id='chart-tenant']//rect[contains(@class,'other')]")).isEqualTo(1);
    assertThat(count(doc, "//*[@id='chart-tenant-panel']//details//tbody/tr")).isEqualTo(report.byTenant().size());
    assertThat(bars(doc, "chart-agent")).isEqualTo(report.byAgent().size());
    assertThat(bars(doc, "chart-model")).isEqualTo(report.byModel().size());
    assertThat(count(doc, "//svg[@id='chart-model']//rect[contains(@class,'other')]")).isZero();
    assertThat(count(doc, "//svg[@id='chart-cost-center']")).isEqualTo(1);
    String modelChart = text(doc, "//svg[@id='chart-model']");
    report.byModel().forEach((model, nanos) -> assertThat(modelChart).contains(model).contains(money(nanos)));

    // The largest tenant is the hostile one: drawn as text, never as markup.
    assertThat(text(doc, "(//svg[@id='chart-tenant']//text[@class='label'])[1]")).isEqualTo(HOSTILE_TENANT);
    assertThat(text(doc, "//svg[@id='chart-agent']")).contains(HOSTILE_AGENT);
    assertThat(html).doesNotContain(HOSTILE_TENANT).doesNotContain("<b>agent").doesNotContain("<img")
        .contains("&lt;script&gt;alert(1)&lt;/script&gt;");

    // Cost over time: three hours, one column each, summing to the total.
    assertThat(bars(doc, "chart-time")).isEqualTo(3);
    assertThat(report.byHour()).hasSize(3);
    assertThat(text(doc, "//section[@id='over-time']/p[@class='note']")).startsWith("By hour (UTC)");

    // The waterfall: one step per token class, then the total.
    assertThat(count(doc, "//svg[@id='chart-waterfall']//rect[contains(@class,'step')]")).isEqualTo(6);
    assertThat(text(doc, "//svg[@id='chart-waterfall']//rect[contains(@class,'total')]/title"))
        .isEqualTo("Total: " + money(report.totalNanos()));
    assertThat(report.byTokenClass().get("provider_reported")).isEqualTo(1_234_567L);
    assertThat(text(doc, "//svg[@id='chart-waterfall']")).contains("Provider-reported").contains("$0.001234567");

    // Findings, with their cost, and the unpriced models.
    for (Map.Entry<String, Long> e : report.findingCounts().entrySet()) {
      String row = "//table[@id='findings-summary']//tr[@data-type='" + e.getKey() + "']";
      assertThat(text(doc, row + "/td[3]")).isEqualTo(String.valueOf(e.getValue()));
      assertThat(text(doc, row + "/td[4]")).isEqualTo(e.getKey().equals(Finding.UNPRICED_MODEL) ? "not priced"
          : money(report.findingCost().get(e.getKey())));
    }
    assertThat(count(doc, "//table[@id='findings-detail']/tbody/tr")).isEqualTo(report.findings().size());
    assertThat(text(doc, "//table[@id='findings-detail']/tbody/tr[1]/td[4]")).isEqualTo(money(
        report.findings().stream().mapToLong(Finding::costNanos).max().orElseThrow()));
    assertThat(text(doc, "//table[@id='unpriced-models']/tbody/tr/td[1]")).isEqualTo("acme/" + HOSTILE_MODEL);
    assertThat(text(doc, "//table[@id='findings-detail']")).contains("acme/" + HOSTILE_MODEL);

    assertSelfContained(html, doc);
  }

  @Test
  void manyFindingsAreCappedAndALongRangeIsDrawnByDay(@TempDir Path dir) throws Exception {
    Audit audit = Audit.builder(PriceCatalog.bundled()).build();
    for (int i = 0; i < 250; i++) {
      Map<String, Object> a = chat("openai", "gpt-4o", 1000 + i, 100);
      a.put("gen_ai.response.model", "claude-3-5-haiku"); // another family: a substitution
      a.put("app.tenant_id", "t" + (i % 3));
      audit.accept(List.of(span(trace(i), "s1", null, T0.plusSeconds(3600L * i), a, false)));
    }
    AuditReport report = audit.finish();
    Document doc = parse(write(report, dir.resolve("r.html")));

    assertThat(report.findingCounts().get(Finding.MODEL_SUBSTITUTION)).isEqualTo(250);
    assertThat(count(doc, "//table[@id='findings-detail']/tbody/tr")).isEqualTo(HtmlReportWriter.MAX_FINDINGS_SHOWN);
    assertThat(text(doc, "//*[@id='findings-shown']")).startsWith("The 200 costliest of 250 findings");
    // 249 hours from 2025-11-03 09:05 end on 2025-11-13 18:05: 11 days, by day.
    assertThat(text(doc, "//section[@id='over-time']/p[@class='note']")).startsWith("By day (UTC)");
    assertThat(bars(doc, "chart-time")).isEqualTo(11);
    assertThat(bars(doc, "chart-tenant")).isEqualTo(3);
    assertThat(count(doc, "//svg[@id='chart-cost-center']")).isZero();
  }

  @Test
  void yearsAreDrawnByWeekWithGapsFilled(@TempDir Path dir) throws Exception {
    Audit audit = Audit.builder(PriceCatalog.bundled()).build();
    audit.accept(List.of(span(trace(1), "s1", null, Instant.parse("2025-01-06T10:00:00Z"),
        chat("openai", "gpt-4o-mini", 10, 10), false)));
    audit.accept(List.of(span(trace(2), "s1", null, Instant.parse("2025-07-07T10:00:00Z"),
        chat("openai", "gpt-4o-mini", 10, 10), false)));
    Document doc = parse(write(audit.finish(), dir.resolve("r.html")));
    assertThat(text(doc, "//section[@id='over-time']/p[@class='note']")).startsWith("By week (UTC)");
    assertThat(bars(doc, "chart-time")).isEqualTo(27); // Monday 2025-01-06 to Monday 2025-07-07
  }

  @Test
  void anEmptyAuditStillWritesAValidPage(@TempDir Path dir) throws Exception {
    AuditReport report = Audit.builder(PriceCatalog.bundled()).build().finish();
    String html = write(report, dir.resolve("empty.html"));
    Document doc = parse(html);
    assertThat(text(doc, "//*[@id='total-cost']")).isEqualTo("$0.000000000");
    assertThat(text(doc, "//*[@id='period']")).isEqualTo("none");
    assertThat(count(doc, "//svg[contains(@class,'lockn-chart')]")).isEqualTo(5);
    assertThat(count(doc, "//svg[@id='chart-tenant' or @id='chart-time']//rect")).isZero();
    assertThat(count(doc, "//table[@id='findings-summary']")).isZero();
    assertThat(text(doc, "//section[@id='unpriced']")).contains("Every model call was priced.");
    assertSelfContained(html, doc);
  }

  @Test
  void escapesMarkupAndCharactersXmlForbids() {
    assertThat(HtmlReportWriter.esc("<a href=\"x\">&'</a>"))
        .isEqualTo("&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
    assertThat(HtmlReportWriter.esc("a\u0000b\u001bc\td")).isEqualTo("a\uFFFDb\uFFFDc\td");
    assertThat(HtmlReportWriter.esc("x\uD800y\uDC00z")).isEqualTo("x\uFFFDy\uFFFDz");
    assertThat(HtmlReportWriter.esc("team 🚀 ünï")).isEqualTo("team 🚀 ünï");
    assertThat(HtmlReportWriter.truncate("🚀".repeat(30), 5)).isEqualTo("🚀🚀🚀🚀…");
    assertThat(HtmlReportWriter.share(1, 10_000)).isEqualTo("<0.1%");
    assertThat(HtmlReportWriter.share(1, 3)).isEqualTo("33.3%");
  }

  @Test
  void controlCharactersAndBrokenSurrogatesInTracesDoNotBreakTheFile(@TempDir Path dir) throws Exception {
    Audit audit = Audit.builder(PriceCatalog.bundled()).build();
    Map<String, Object> a = chat("openai", "gpt-4o-mini", 100, 10);
    a.put("app.tenant_id", "bad\u0000tenant\uD800 🚀");
    audit.accept(List.of(span(trace(1), "s1", null, T0, a, false)));
    Document doc = parse(write(audit.finish(), dir.resolve("r.html")));
    assertThat(text(doc, "//svg[@id='chart-tenant']//text[@class='label']")).isEqualTo("bad\uFFFDtenant\uFFFD 🚀");
  }

  // ---------------------------------------------------------------- headless Chromium

  @Test
  void rendersInHeadlessChromiumWithoutConsoleErrors(@TempDir Path dir) throws Exception {
    Path chromium = chromium();
    Path html = dir.resolve("report.html");
    write(richReport(), html);

    // Control: the console capture does see an error and an uncaught exception, so its silence below means something.
    Path probe = dir.resolve("probe.html");
    Files.writeString(probe, "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>probe</title></head><body>"
        + "<script>console.error('lockn-probe-error'); undefinedFunction();</script></body></html>");
    Run control = run(chromium, dir, "control", "--enable-logging=stderr", "--v=0", "--dump-dom", probe);
    assertThat(consoleLines(control.stderr())).as("console capture control, stderr:%n%s", control.stderr())
        .anyMatch(l -> l.contains("lockn-probe-error"))
        .anyMatch(l -> l.contains("Uncaught"));

    // The rendered DOM: the charts and their bars are there, and the page logged nothing to the console.
    Run dom = run(chromium, dir, "dom", "--enable-logging=stderr", "--v=0", "--dump-dom", html);
    assertThat(consoleLines(dom.stderr())).as("console messages of the report").isEmpty();
    assertThat(dom.stderr()).doesNotContain("Uncaught");
    for (String id : List.of("chart-tenant", "chart-agent", "chart-model", "chart-time", "chart-waterfall")) {
      assertThat(dom.stdout()).as(id).contains("<svg id=\"" + id + "\" class=\"lockn-chart");
    }
    Matcher tenantChart = Pattern.compile("<svg id=\"chart-tenant\".*?</svg>", Pattern.DOTALL).matcher(dom.stdout());
    assertThat(tenantChart.find()).isTrue();
    assertThat(occurrences(tenantChart.group(), "<rect class=\"bar")).isEqualTo(HtmlReportWriter.MAX_BARS);
    assertThat(dom.stdout()).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain(HOSTILE_TENANT);

    // The screenshot: a full-size PNG with real content.
    Path png = dir.resolve("report.png");
    run(chromium, dir, "shot", "--screenshot=" + png, "--window-size=1280,2000", "--hide-scrollbars", html);
    assertThat(png).exists();
    assertThat(Files.size(png)).isGreaterThan(10_000);
    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(1280);
    assertThat(image.getHeight()).isEqualTo(2000);
    Set<Integer> colors = new HashSet<>();
    for (int y = 0; y < image.getHeight(); y += 7) {
      for (int x = 0; x < image.getWidth(); x += 7) {
        colors.add(image.getRGB(x, y));
      }
    }
    assertThat(colors).as("distinct colours in the screenshot").hasSizeGreaterThan(20);
    String keep = System.getenv("LOCKN_REPORT_SCREENSHOT");
    if (keep != null && !keep.isBlank()) {
      Files.copy(png, Path.of(keep), StandardCopyOption.REPLACE_EXISTING);
      Files.copy(html, Path.of(keep + ".html"), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * A report with compression experiments ({@code lockn audit --experiments} over the experiments fixture): the
   * savings table and the ROI charts are in the page and in Chromium's rendered DOM, and the page logs nothing.
   */
  @Test
  void experimentPanelsRenderInHeadlessChromiumWithoutConsoleErrors(@TempDir Path dir) throws Exception {
    Path html = dir.resolve("experiments.html");
    AuditTestSupport.Run audit = AuditTestSupport.lockn("audit", "--input",
        AuditTestSupport.resource("lockn-experiments.jsonl").toString(), "--experiments", "--html", html.toString());
    assertThat(audit.exit()).as(audit.err()).isZero();
    String page = Files.readString(html);
    Document doc = parse(page);
    assertSelfContained(page, doc);
    // The five panels of the issue: cost waterfall over time, token histograms with p50/p95/p99, quality vs
    // compression ratio, latency CDF, and (below) the per-agent savings table; plus the cost per call by group.
    List<String> ids = List.of("chart-roi-waterfall-1-1", "chart-roi-cost-1", "chart-roi-latency-1",
        "chart-roi-tokens-1-1", "chart-roi-tokens-1-2", "chart-roi-quality-1");
    for (String id : ids) {
      assertThat(page).as(id).contains("<svg id=\"" + id + "\" class=\"lockn-chart");
    }
    assertThat(page).contains("id=\"roi-savings\"").contains("href=\"#experiments\"");

    Path chromium = chromium();
    Run dom = run(chromium, dir, "roi", "--enable-logging=stderr", "--v=0", "--dump-dom", html);
    assertThat(consoleLines(dom.stderr())).as("console messages of the report").isEmpty();
    assertThat(dom.stderr()).doesNotContain("Uncaught");
    String rendered = dom.stdout();
    for (String id : ids) {
      assertThat(rendered).as(id).contains("<svg id=\"" + id + "\" class=\"lockn-chart");
    }
    Matcher cost = Pattern.compile("<svg id=\"chart-roi-cost-1\".*?</svg>", Pattern.DOTALL).matcher(rendered);
    assertThat(cost.find()).isTrue();
    assertThat(occurrences(cost.group(), "<rect class=\"bar")).isEqualTo(2);
    assertThat(occurrences(cost.group(), "<line class=\"whisker\"")).isEqualTo(6);
    Matcher tokens = Pattern.compile("<svg id=\"chart-roi-tokens-1-1\".*?</svg>", Pattern.DOTALL).matcher(rendered);
    assertThat(tokens.find()).isTrue();
    assertThat(occurrences(tokens.group(), "<line class=\"pct\"")).isEqualTo(3);
    assertThat(tokens.group()).contains("data-p=\"p50\"").contains("data-p=\"p95\"").contains("data-p=\"p99\"");
    Matcher latency = Pattern.compile("<svg id=\"chart-roi-latency-1\".*?</svg>", Pattern.DOTALL).matcher(rendered);
    assertThat(latency.find()).isTrue();
    assertThat(occurrences(latency.group(), "<polyline class=\"cdf")).isEqualTo(2);
    Matcher quality = Pattern.compile("<svg id=\"chart-roi-quality-1\".*?</svg>", Pattern.DOTALL).matcher(rendered);
    assertThat(quality.find()).isTrue();
    assertThat(occurrences(quality.group(), "<circle class=\"dot")).isEqualTo(80);
    assertThat(rendered).contains("<table class=\"data\" id=\"roi-savings\">");
    // The waterfall: 54 buckets of 15 s, 27 of them with compressed calls, each of those with original, actual and
    // savings bars; and one cumulative line.
    Matcher waterfall =
        Pattern.compile("<svg id=\"chart-roi-waterfall-1-1\".*?</svg>", Pattern.DOTALL).matcher(rendered);
    assertThat(waterfall.find()).isTrue();
    assertThat(occurrences(waterfall.group(), "<rect class=\"bar roi-original\"")).isEqualTo(27);
    assertThat(occurrences(waterfall.group(), "<rect class=\"bar roi-compressed\"")).isEqualTo(27);
    assertThat(occurrences(waterfall.group(), "<rect class=\"bar roi-saved\"")).isEqualTo(27);
    assertThat(occurrences(waterfall.group(), "<rect class=\"bar negative\"")).isZero();
    assertThat(occurrences(waterfall.group(), "<polyline class=\"cumulative\"")).isEqualTo(1);
    assertThat(waterfall.group()).contains("cumulative savings: $0.072000000");
    assertThat(rendered).contains("id=\"roi-waterfall-table-1-1\"");
    // Per agent: both agents have their row in the savings table.
    Matcher table = Pattern.compile("<table class=\"data\" id=\"roi-savings\">.*?</table>", Pattern.DOTALL)
        .matcher(rendered);
    assertThat(table.find()).isTrue();
    assertThat(table.group()).contains("research-bot").contains("support-bot").contains("* (all)");
  }

  /** Chromium, or a failure telling how to install it (or, with LOCKN_SKIP_BROWSER_TESTS=true, a skip). */
  static Path chromium() {
    String configured = System.getenv("LOCKN_CHROMIUM");
    Path chromium = Path.of(configured != null && !configured.isBlank() ? configured : "/usr/bin/chromium");
    if (!Files.isExecutable(chromium)) {
      String message = "Chromium is needed to test the HTML report and was not found at " + chromium
          + ": install it (Debian: apt-get install -y chromium; .ci/run does), or set LOCKN_SKIP_BROWSER_TESTS=true"
          + " to skip the browser test.";
      Assumptions.assumeFalse("true".equalsIgnoreCase(System.getenv("LOCKN_SKIP_BROWSER_TESTS")), message);
      fail(message);
    }
    return chromium;
  }

  record Run(String stdout, String stderr) {}

  /** Runs headless Chromium on a local file with a fresh profile, killed after 60 s. */
  static Run run(Path chromium, Path dir, String name, Object... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-dev-shm-usage",
        "--user-data-dir=" + Files.createDirectories(dir.resolve("profile-" + name))));
    for (Object a : args) {
      command.add(a instanceof Path p ? p.toUri().toString() : a.toString());
    }
    Path out = dir.resolve(name + ".out");
    Path err = dir.resolve(name + ".err");
    Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        fail("Chromium did not finish within 60 s: " + command + "\n" + Files.readString(err));
      }
    } finally {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
    String stderr = Files.readString(err);
    assertThat(process.exitValue()).as("chromium exit code, stderr:%n%s", stderr).isZero();
    return new Run(Files.readString(out), stderr);
  }

  /** Console messages Chromium logs with --enable-logging=stderr: {@code [pid:tid:time:INFO:CONSOLE:12] "msg"}. */
  static List<String> consoleLines(String stderr) {
    return stderr.lines().filter(l -> l.contains(":CONSOLE")).toList();
  }

  // ---------------------------------------------------------------- data

  /**
   * Traces over three hours: 15 tenants (the costliest hostile), agents from invoke_agent parents, tenants inherited
   * from the root, a retry chain, a fallback, a substitution, an inferred cache hit, a provider-reported cost and an
   * unpriced model with a hostile name.
   */
  private static AuditReport richReport() {
    Audit audit = Audit.builder(PriceCatalog.bundled()).setPricingVersion("lockn-bundled+<prices>.json").build();
    String[] agents = {"planner", "researcher", HOSTILE_AGENT};
    String[] models = {"gpt-4o-mini", "gpt-4o", "gpt-4.1"};
    int n = 0;
    for (int i = 0; i < 15; i++) {
      String tenant = i == 0 ? HOSTILE_TENANT : String.format("tenant-%02d", i);
      Instant start = T0.plusSeconds(i % 3 * 3600L + i * 60L);
      Map<String, Object> root = new HashMap<>();
      root.put("gen_ai.operation.name", "invoke_agent");
      root.put("gen_ai.agent.name", agents[i % 3]);
      root.put("app.tenant_id", tenant);
      root.put("app.cost_center", "cc-" + (i % 2));
      Map<String, Object> call = chat("openai", models[i % 3], i == 0 ? 900_000 : 2_000 + 1_000 * i, 300 + 10 * i);
      audit.accept(List.of(span(trace(n), "c1", "r1", start.plusMillis(100), call, false),
          span(trace(n), "r1", null, start, root, false)));
      n++;
    }
    Map<String, Object> root = Map.of("gen_ai.operation.name", "invoke_agent", "gen_ai.agent.name", "planner",
        "app.tenant_id", "tenant-01");
    // A retry chain: two failed attempts, then a success, under one parent.
    Instant t = T0.plusSeconds(600);
    Map<String, Object> failed = chat("openai", "gpt-4o", 5_000, 0);
    failed.put("error.type", "429");
    audit.accept(List.of(span(trace(n), "r1", null, t, root, false),
        span(trace(n), "a1", "r1", t.plusSeconds(1), failed, true),
        span(trace(n), "a2", "r1", t.plusSeconds(2), failed, true),
        span(trace(n), "a3", "r1", t.plusSeconds(4), chat("openai", "gpt-4o", 5_000, 400), false)));
    n++;
    // A fallback to another model.
    Map<String, Object> failedClaude = chat("anthropic", "claude-sonnet-4", 8_000, 50);
    failedClaude.put("error.type", "overloaded_error");
    audit.accept(List.of(span(trace(n), "r1", null, t, root, false),
        span(trace(n), "b1", "r1", t.plusSeconds(1), failedClaude, true),
        span(trace(n), "b2", "r1", t.plusSeconds(3), chat("openai", "gpt-4o", 8_000, 500), false)));
    n++;
    // A substitution, an inferred cache hit, a provider-reported cost, and an unpriced model.
    Map<String, Object> substituted = chat("openai", "gpt-4o", 3_000, 200);
    substituted.put("gen_ai.response.model", "claude-3-5-haiku");
    Map<String, Object> cacheHit = chat("anthropic", "claude-sonnet-4", 1_200, 300);
    cacheHit.put("lockn.cache.hit_inferred", true);
    Map<String, Object> reported = chat("openrouter", "some/router-model", 1_000, 100);
    reported.put("lockn.cost.reported_nanos", 1_234_567L);
    Map<String, Object> unpriced = chat("acme", HOSTILE_MODEL, 4_000, 100);
    Instant later = T0.plusSeconds(2 * 3600 + 1200);
    audit.accept(List.of(span(trace(n), "r1", null, later, root, false),
        span(trace(n), "d1", "r1", later.plusSeconds(1), substituted, false),
        span(trace(n), "d2", "r1", later.plusSeconds(20), cacheHit, false),
        span(trace(n), "d3", "r1", later.plusSeconds(40), reported, false),
        span(trace(n), "d4", "r1", later.plusSeconds(60), unpriced, false)));
    return audit.finish();
  }

  private static Map<String, Object> chat(String provider, String model, long input, long output) {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("gen_ai.operation.name", "chat");
    a.put("gen_ai.provider.name", provider);
    a.put("gen_ai.request.model", model);
    a.put("gen_ai.usage.input_tokens", input);
    a.put("gen_ai.usage.output_tokens", output);
    return a;
  }

  private static AuditSpan span(String traceId, String spanId, String parent, Instant start,
      Map<String, Object> attributes, boolean error) {
    long startNanos = start.getEpochSecond() * 1_000_000_000L + start.getNano();
    return new AuditSpan(traceId, spanId, parent, "span " + spanId, startNanos, startNanos + 900_000_000L, error,
        attributes, Map.of("service.name", "demo"));
  }

  private static String trace(int i) {
    return String.format("%032x", 0xabc000L + i);
  }

  // ---------------------------------------------------------------- helpers

  private static String write(AuditReport report, Path file) throws IOException {
    try (HtmlReportWriter writer = new HtmlReportWriter(file, java.time.Clock.fixed(GENERATED,
        java.time.ZoneOffset.UTC))) {
      writer.finish(report);
    }
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  /** Parses the page as XML: it is written well-formed, so any unescaped markup would break this or show up. */
  static Document parse(String html) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
    f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    f.setExpandEntityReferences(false);
    try (InputStream in = new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8))) {
      return f.newDocumentBuilder().parse(in);
    }
  }

  static void assertSelfContained(String html, Document doc) throws Exception {
    assertThat(html.toLowerCase(java.util.Locale.ROOT)).doesNotContain("<script").doesNotContain("http://")
        .doesNotContain("https://").doesNotContain("<link").doesNotContain("<img").doesNotContain("<iframe")
        .doesNotContain("url(").doesNotContain("@import");
    assertThat(count(doc, "//@src | //@srcset | //@*[name()='xlink:href'] | //@*[starts-with(name(),'on')]"))
        .as("resource and event-handler attributes").isZero();
    NodeList hrefs = (NodeList) xpath().evaluate("//@href", doc, XPathConstants.NODESET);
    for (int i = 0; i < hrefs.getLength(); i++) {
      assertThat(hrefs.item(i).getNodeValue()).startsWith("#");
    }
    Element csp = (Element) xpath().evaluate("//meta[@http-equiv='Content-Security-Policy']", doc,
        XPathConstants.NODE);
    assertThat(csp.getAttribute("content")).isEqualTo(HtmlReportWriter.CONTENT_SECURITY_POLICY);
  }

  private static int bars(Document doc, String chartId) throws Exception {
    return count(doc, "//svg[@id='" + chartId + "']//rect[contains(concat(' ',@class,' '),' bar ')]");
  }

  private static int count(Document doc, String expression) throws Exception {
    return ((NodeList) xpath().evaluate(expression, doc, XPathConstants.NODESET)).getLength();
  }

  private static String text(Document doc, String expression) throws Exception {
    return (String) xpath().evaluate("string(" + expression + ")", doc, XPathConstants.STRING);
  }

  private static XPath xpath() {
    return XPathFactory.newInstance().newXPath();
  }

  private static int occurrences(String s, String part) {
    int n = 0;
    for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }

  private static String money(long nanos) {
    return "$" + AuditReport.usd(nanos).toPlainString();
  }
}
