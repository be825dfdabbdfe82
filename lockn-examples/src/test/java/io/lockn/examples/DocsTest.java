package io.lockn.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockn.budget.Budget;
import io.lockn.budget.Budgets;
import io.lockn.budget.Period;
import io.lockn.budget.Scope;
import io.lockn.core.GenAiProvider;
import io.lockn.core.LockN;
import io.lockn.core.TokenUsage;
import io.lockn.pricing.PriceCatalog;
import io.lockn.pricing.sdk.CostPipeline;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the documentation honest. The README's example is compiled and run here, and its text in the README must be
 * exactly the code between this file's markers; more generally every test source may mark a snippet with {@value
 * #BEGIN}{@code <file>} and {@value #END}{@code <file>}, and that file must show it verbatim as a {@code java} code
 * block. Every relative link in the README, {@code docs/}, SECURITY.md and benchmarks/README.md must lead to a file
 * that exists and, with a {@code #fragment}, to a heading of it, by GitHub's anchor rules.
 */
class DocsTest {

  static final String BEGIN = "// BEGIN docs snippet: ";
  static final String END = "// END docs snippet: ";

  /** The repository: the nearest directory above the working directory (the module) with the README and lockn-core. */
  static final Path ROOT = findRoot();

  // ------------------------------------------------------------------------------------ (a) the README's example

  /** What the README's example calls "your provider's client": a provider answering with fixed usage. */
  record ChatResponse(String text, long promptTokens, long cachedTokens, long completionTokens, long reasoningTokens) {}

  static final class ProviderClient {
    ChatResponse chat(String prompt) {
      return new ChatResponse("Your refund is on its way.", 1200, 1024, 300, 0);
    }
  }

  @Test
  void readmeExample_runs_andRecordsOneCostOnTheSpanTheRollupTheMetricAndTheBudget() {
    CollectingSpanExporter exporter = new CollectingSpanExporter();
    CollectingMetricExporter metricExporter = new CollectingMetricExporter();
    SdkMeterProvider meters = SdkMeterProvider.builder()
        .registerMetricReader(PeriodicMetricReader.builder(metricExporter).build())
        .build();
    ProviderClient client = new ProviderClient();
    String prompt = "Where is my refund?";

    // BEGIN docs snippet: README.md
    CostPipeline costs = CostPipeline.builder(PriceCatalog.bundled()).setMeterProvider(meters).build();
    SdkTracerProvider tracing = SdkTracerProvider.builder()
        .addSpanProcessor(costs)                                  // other instrumentations' spans, roll-ups
        .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
        .build();
    OpenTelemetry otel = OpenTelemetrySdk.builder().setTracerProvider(tracing).setMeterProvider(meters).build();

    Budgets budgets = Budgets.builder(PriceCatalog.bundled())
        .addBudget(Budget.builder("tenant-monthly").scope(Scope.each("app.tenant_id"))
            .limitUsd("100").period(Period.month(ZoneOffset.UTC)).alertAt(80).blockAt(100).build())
        .build();
    LockN lockn = LockN.builder().setOpenTelemetry(otel)
        .setCallPricing(costs)                                    // LockN's own calls, priced once, sampled or not
        .setCallAdmission(budgets)                                // admitted before the call, charged that cost
        .build();

    String reply = lockn.attribution().tenant("acme").supply(() ->
        lockn.agent("support-bot").supply(() ->
            lockn.chat(GenAiProvider.OPENAI, "gpt-4o").maxTokens(512).supply(() -> {
              ChatResponse r = client.chat(prompt);               // your provider's client
              lockn.currentLlmCall().recordUsage(TokenUsage.fromOpenAi(
                  r.promptTokens(), r.cachedTokens(), r.completionTokens(), r.reasoningTokens()));
              return r.text();
            })));
    // END docs snippet: README.md

    try {
      assertThat(tracing.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      assertThat(meters.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();

      // gpt-4o at the bundled catalog's current prices ($2.50 input, $1.25 cache read, $10.00 output per 1M tokens),
      // in nano-USD per token: 2,500, 1,250 and 10,000. fromOpenAi(1200, 1024, 300, 0): 176 uncached input tokens,
      // 1,024 cache reads, 300 output tokens.
      //   176 x 2,500 = 440,000;  1,024 x 1,250 = 1,280,000;  300 x 10,000 = 3,000,000;  total 4,720,000 nano-USD.
      long expectedNanos = 4_720_000L;

      assertThat(reply).isEqualTo("Your refund is on its way.");
      SpanData chat = span(exporter, "chat gpt-4o");
      SpanData agent = span(exporter, "invoke_agent support-bot");
      assertThat(chat.getParentSpanId()).isEqualTo(agent.getSpanId());
      assertThat(chat.getAttributes().get(AttributeKey.stringKey("app.tenant_id"))).isEqualTo("acme");
      assertThat(agent.getAttributes().get(AttributeKey.stringKey("app.tenant_id"))).isEqualTo("acme");
      assertThat(chat.getAttributes().get(AttributeKey.longKey("lockn.cost.total_nanos"))).isEqualTo(expectedNanos);
      assertThat(agent.getAttributes().get(AttributeKey.longKey("lockn.cost.rollup.total_nanos")))
          .isEqualTo(expectedNanos);
      assertThat(costMetricNanos(metricExporter)).isEqualTo(expectedNanos);
      assertThat(budgets.status("tenant-monthly", "app.tenant_id=acme").spent()).isEqualTo(expectedNanos);
    } finally {
      tracing.shutdown().join(10, TimeUnit.SECONDS);
      meters.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  private static SpanData span(CollectingSpanExporter exporter, String name) {
    List<SpanData> named = exporter.spans.stream().filter(s -> s.getName().equals(name)).toList();
    assertThat(named).as("exported spans named %s", name).hasSize(1);
    return named.get(0);
  }

  /** The sum of every point of the last export of {@code lockn.client.cost} (cumulative): the total cost. */
  private static long costMetricNanos(CollectingMetricExporter exporter) {
    MetricData cost = null;
    for (MetricData m : exporter.metrics) {
      if (m.getName().equals("lockn.client.cost")) {
        cost = m;
      }
    }
    assertThat(cost).as("lockn.client.cost exported").isNotNull();
    return cost.getLongSumData().getPoints().stream().mapToLong(LongPointData::getValue).sum();
  }

  static final class CollectingSpanExporter implements SpanExporter {
    final List<SpanData> spans = new CopyOnWriteArrayList<>();

    @Override
    public CompletableResultCode export(Collection<SpanData> batch) {
      spans.addAll(batch);
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
  }

  static final class CollectingMetricExporter implements MetricExporter {
    final List<MetricData> metrics = new CopyOnWriteArrayList<>();

    @Override
    public CompletableResultCode export(Collection<MetricData> batch) {
      metrics.addAll(batch);
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
      return AggregationTemporality.CUMULATIVE;
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }

  // ------------------------------------------------------------------------------- snippets shown in the docs

  /** One marked snippet: the file that must show it, the test source it is in, and its code, de-indented. */
  record Snippet(String doc, Path source, String code) {}

  @Test
  void everyMarkedSnippet_isShownVerbatimAsAJavaBlockOfItsDocument() throws IOException {
    List<Snippet> snippets = markedSnippets(ROOT);
    // The README's own example (above) and the budget example (lockn-budget's ReadmeExampleTest) at least: a scan that
    // finds nothing proves nothing.
    assertThat(snippets).extracting(Snippet::doc).contains("README.md", "docs/budgets.md");
    List<String> problems = new ArrayList<>();
    for (Snippet s : snippets) {
      Path doc = ROOT.resolve(s.doc());
      if (!Files.isRegularFile(doc)) {
        problems.add(ROOT.relativize(s.source()) + ": snippet for missing file " + s.doc());
      } else if (!Files.readString(doc).contains("```java\n" + s.code() + "```\n")) {
        problems.add(ROOT.relativize(s.source()) + ": " + s.doc() + " does not show this code as a java block:\n"
            + s.code());
      }
    }
    assertThat(problems).isEmpty();
  }

  /** Every {@value #BEGIN} ... {@value #END} pair in the test sources under {@code root}. */
  static List<Snippet> markedSnippets(Path root) throws IOException {
    List<Snippet> found = new ArrayList<>();
    for (Path source : files(root, p -> p.toString().endsWith(".java")
        && p.toString().replace('\\', '/').contains("/src/test/java/"))) {
      found.addAll(snippets(source, Files.readAllLines(source)));
    }
    return found;
  }

  static List<Snippet> snippets(Path source, List<String> lines) {
    List<Snippet> found = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (!line.startsWith(BEGIN)) {
        continue;
      }
      String doc = line.substring(BEGIN.length()).strip();
      int end = i + 1;
      while (end < lines.size() && !lines.get(end).strip().equals(END + doc)) {
        end++;
      }
      if (end == lines.size()) {
        throw new AssertionError(source + ":" + (i + 1) + ": no '" + END + doc + "' after this line");
      }
      found.add(new Snippet(doc, source, dedent(lines.subList(i + 1, end))));
      i = end;
    }
    return found;
  }

  /** The lines without their common indentation, each ending with a newline; blank lines stay empty. */
  static String dedent(List<String> lines) {
    int indent = Integer.MAX_VALUE;
    for (String l : lines) {
      if (!l.isBlank()) {
        indent = Math.min(indent, l.length() - l.stripLeading().length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (String l : lines) {
      sb.append(l.isBlank() ? "" : l.substring(indent).stripTrailing()).append('\n');
    }
    return sb.toString();
  }

  // ---------------------------------------------------------------------------------- (b) links and anchors

  /** The documents whose relative links must resolve. */
  static List<Path> documents(Path root) throws IOException {
    List<Path> docs = new ArrayList<>(List.of(
        root.resolve("README.md"), root.resolve("SECURITY.md"), root.resolve("benchmarks/README.md")));
    try (Stream<Path> pages = Files.list(root.resolve("docs"))) {
      pages.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
    }
    return docs;
  }

  @Test
  void everyRelativeLink_leadsToAnExistingFileAndHeading() throws IOException {
    List<Path> docs = documents(ROOT);
    assertThat(docs).hasSizeGreaterThan(3);
    List<String> problems = new ArrayList<>();
    int links = 0;
    for (Path doc : docs) {
      links += links(Files.readString(doc)).size();
      problems.addAll(brokenLinks(ROOT, doc));
    }
    assertThat(links).as("relative links checked").isGreaterThan(50);
    assertThat(problems).isEmpty();
  }

  @Test
  void readme_linksEveryDocsPage() throws IOException {
    Set<String> linked = new LinkedHashSet<>();
    for (String link : links(Files.readString(ROOT.resolve("README.md")))) {
      linked.add(link.replaceFirst("#.*", ""));
    }
    try (Stream<Path> pages = Files.list(ROOT.resolve("docs"))) {
      assertThat(pages.map(p -> "docs/" + p.getFileName()).sorted().toList()).isNotEmpty().allSatisfy(
          page -> assertThat(linked).as("README links").contains(page));
    }
  }

  /** The checker itself, on documents with known mistakes: it must find each, and only those. */
  @Test
  void linkChecker_reportsMissingFilesAndAnchors_andAcceptsGoodOnes(@TempDir Path dir) throws IOException {
    Files.createDirectories(dir.resolve("docs"));
    Files.writeString(dir.resolve("docs/page.md"), """
        # A page

        ## What `.ci/run` does

        ## Step 2: Build (fast), then _test_

        ## Twice

        ## Twice
        """);
    Path readme = Files.writeString(dir.resolve("README.md"), """
        # Title

        [ok](docs/page.md) [ok](docs/page.md#what-cirun-does) [ok](docs/page.md#step-2-build-fast-then-test)
        [ok](docs/page.md#twice-1) [ok](#title) [ok](https://example.com/nowhere) [ok](docs/)
        [no file](docs/missing.md) [no anchor](docs/page.md#what-ci-run-does) [no anchor](#nowhere)
        [no third twice](docs/page.md#twice-2)

        `[in code](docs/missing-too.md)`

        ```
        [in a block](docs/missing-three.md)
        ```
        """);

    assertThat(brokenLinks(dir, readme)).containsExactly(
        "README.md: docs/missing.md: no such file",
        "README.md: docs/page.md#what-ci-run-does: no such heading in docs/page.md",
        "README.md: #nowhere: no such heading in README.md",
        "README.md: docs/page.md#twice-2: no such heading in docs/page.md");
  }

  @Test
  void anchors_followGitHubsRules() {
    assertThat(anchors("""
        # LockN
        ## The pricing path in one paragraph
        ## Zero code: SDK autoconfigure and the Java agent
        ## Building an adapter (SPI)
        ## `lockn.cost.total_nanos` and [links](x.md), *emphasis* and snake_case
        ```
        # not a heading
        ```
        ## LockN
        """)).containsExactly(
        "lockn",
        "the-pricing-path-in-one-paragraph",
        "zero-code-sdk-autoconfigure-and-the-java-agent",
        "building-an-adapter-spi",
        "lockncosttotal_nanos-and-links-emphasis-and-snake_case",
        "lockn-1");
  }

  private static final Pattern FENCE = Pattern.compile("(?ms)^\\s*```.*?^\\s*```[^\\n]*$");
  private static final Pattern CODE_SPAN = Pattern.compile("`[^`]*`");
  private static final Pattern INLINE_LINK = Pattern.compile("!?\\[[^\\]]*]\\(\\s*<?([^)\\s>]*)>?(?:\\s+\"[^\"]*\")?\\)");
  private static final Pattern REFERENCE = Pattern.compile("(?m)^\\s{0,3}\\[[^\\]]+]:\\s*<?(\\S+?)>?(?:\\s.*)?$");
  private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");
  private static final Pattern HEADING = Pattern.compile("^ {0,3}#{1,6}\\s+(.*?)(?:\\s+#+)?\\s*$");

  /** The relative link targets of a Markdown text, code blocks and code spans left out. */
  static List<String> links(String markdown) {
    String text = CODE_SPAN.matcher(FENCE.matcher(markdown).replaceAll("")).replaceAll("");
    List<String> found = new ArrayList<>();
    for (Pattern p : List.of(INLINE_LINK, REFERENCE)) {
      Matcher m = p.matcher(text);
      while (m.find()) {
        String target = m.group(1);
        if (!target.isEmpty() && !SCHEME.matcher(target).find()) {
          found.add(target);
        }
      }
    }
    return found;
  }

  /** The broken relative links of one document, each as {@code file: target: what is wrong}. */
  static List<String> brokenLinks(Path root, Path doc) throws IOException {
    List<String> problems = new ArrayList<>();
    Map<Path, List<String>> anchorsOf = new HashMap<>();
    String name = root.relativize(doc).toString().replace('\\', '/');
    for (String target : links(Files.readString(doc))) {
      int hash = target.indexOf('#');
      String file = hash < 0 ? target : target.substring(0, hash);
      Path resolved = file.isEmpty() ? doc : doc.getParent().resolve(file).normalize();
      if (!resolved.startsWith(root) || !Files.exists(resolved)) {
        problems.add(name + ": " + target + ": no such file");
        continue;
      }
      if (hash < 0) {
        continue;
      }
      String fragment = target.substring(hash + 1);
      if (!resolved.toString().endsWith(".md")) {
        problems.add(name + ": " + target + ": an anchor into a file that is not Markdown");
        continue;
      }
      List<String> anchors = anchorsOf.computeIfAbsent(resolved, p -> {
        try {
          return anchors(Files.readString(p));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      if (!anchors.contains(fragment)) {
        problems.add(name + ": " + target + ": no such heading in "
            + root.relativize(resolved).toString().replace('\\', '/'));
      }
    }
    return problems;
  }

  /**
   * The anchors GitHub gives a document's headings: the heading's text as rendered (code spans keep their content,
   * links their text, emphasis loses its markers), lower-cased, every character that is not a letter, digit, space,
   * hyphen or underscore dropped, each space made a hyphen; a repeated anchor gets {@code -1}, {@code -2}... in order.
   */
  static List<String> anchors(String markdown) {
    List<String> anchors = new ArrayList<>();
    Map<String, Integer> seen = new LinkedHashMap<>();
    for (String line : FENCE.matcher(markdown).replaceAll("").split("\n", -1)) {
      Matcher m = HEADING.matcher(line);
      if (!m.matches()) {
        continue;
      }
      String slug = rendered(m.group(1)).toLowerCase(Locale.ROOT)
          .replaceAll("[^\\p{L}\\p{Nd}\\p{Mn}\\p{Pc} -]", "")
          .replace(' ', '-');
      int n = seen.merge(slug, 1, Integer::sum) - 1;
      anchors.add(n == 0 ? slug : slug + "-" + n);
    }
    return anchors;
  }

  /** A heading's inline Markdown as text: code spans as their content, links as their text, no emphasis markers. */
  static String rendered(String inline) {
    StringBuilder text = new StringBuilder();
    Matcher code = CODE_SPAN.matcher(inline);
    int at = 0;
    while (code.find()) {
      text.append(plain(inline.substring(at, code.start())));
      text.append(code.group(), 1, code.group().length() - 1);
      at = code.end();
    }
    return text.append(plain(inline.substring(at))).toString();
  }

  /** Text outside code spans: links to their text; {@code *} and word-boundary {@code _} (emphasis) dropped. */
  private static String plain(String s) {
    return s.replaceAll("!?\\[([^\\]]*)]\\([^)]*\\)", "$1")
        .replace("*", "")
        .replaceAll("(?<![\\p{L}\\p{Nd}])_+|_+(?![\\p{L}\\p{Nd}])", "");
  }

  // ----------------------------------------------------------------------------------------------- helpers

  static Path findRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("README.md")) && Files.isDirectory(dir.resolve("lockn-core"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
  }

  /** The files under {@code root} that match, build output and version control left out. */
  static List<Path> files(Path root, java.util.function.Predicate<Path> matches) throws IOException {
    List<Path> found = new ArrayList<>();
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        String n = dir.getFileName() == null ? "" : dir.getFileName().toString();
        return !dir.equals(root) && (n.startsWith("target") || n.startsWith(".")) ? FileVisitResult.SKIP_SUBTREE
            : FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        if (matches.test(file)) {
          found.add(file);
        }
        return FileVisitResult.CONTINUE;
      }
    });
    found.sort(null);
    return found;
  }
}
