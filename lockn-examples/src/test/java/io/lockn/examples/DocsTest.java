package io.lockn.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the documentation honest.
 *
 * <p><b>Code.</b> Every test source may mark code with {@value #BEGIN}{@code <file>} and {@value #END}{@code <file>};
 * the marked regions of one source for one file, joined in order by an empty line, must stand verbatim in that file
 * as a {@code java} code block. So the code a page shows is code the build compiles (and, where a test calls it,
 * runs). A block that shows imports is complete: its source has no import the block does not show, so the block
 * compiles with exactly the imports it shows. Every {@code java} block of the README is such a block, and starts with
 * its imports; the quick starts' sources are in {@code io.lockn.examples.quickstart} (run by its {@code
 * QuickStartsTest}) and, for Spring Boot, in lockn-spring-ai's tests.
 *
 * <p><b>Artifacts and versions.</b> Every LockN artifact the README's XML names is in lockn-bom, and every version it
 * names is one this build uses.
 *
 * <p><b>Links.</b> Every relative link in the README, {@code docs/}, SECURITY.md and benchmarks/README.md must lead
 * to a file that exists and, with a {@code #fragment}, to a heading of it, by GitHub's anchor rules.
 */
class DocsTest {

  static final String BEGIN = "// BEGIN docs snippet: ";
  static final String END = "// END docs snippet: ";

  /** The repository: the nearest directory above the working directory (the module) with the README and lockn-core. */
  static final Path ROOT = findRoot();

  // ------------------------------------------------------------------------------- snippets shown in the docs

  /** One marked snippet: the file that must show it, the test source it is in, and its code, de-indented. */
  record Snippet(String doc, Path source, String code) {}

  @Test
  void everyMarkedSnippet_isShownVerbatimAsAJavaBlockOfItsDocument() throws IOException {
    List<Snippet> snippets = markedSnippets(ROOT);
    // The README's quick starts and the budget example (lockn-budget's ReadmeExampleTest) at least: a scan that finds
    // nothing proves nothing.
    assertThat(snippets).extracting(Snippet::doc).contains("README.md", "docs/budgets.md");
    List<String> problems = new ArrayList<>();
    for (Snippet s : snippets) {
      Path doc = ROOT.resolve(s.doc());
      if (!Files.isRegularFile(doc)) {
        problems.add(ROOT.relativize(s.source()) + ": snippet for missing file " + s.doc());
      } else if (!javaBlocks(Files.readString(doc)).contains(s.code())) {
        problems.add(ROOT.relativize(s.source()) + ": " + s.doc() + " does not show this code as a java block:\n"
            + s.code());
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void aSnippetThatShowsImports_showsEverySourceImport() throws IOException {
    List<String> problems = new ArrayList<>();
    int withImports = 0;
    for (Snippet s : markedSnippets(ROOT)) {
      List<String> shown = imports(s.code());
      if (shown.isEmpty()) {
        continue;
      }
      withImports++;
      for (String i : imports(Files.readString(s.source()))) {
        if (!shown.contains(i)) {
          problems.add(ROOT.relativize(s.source()) + ": its snippet for " + s.doc() + " does not show " + i);
        }
      }
    }
    assertThat(withImports).as("snippets with imports").isGreaterThanOrEqualTo(4);
    assertThat(problems).isEmpty();
  }

  @Test
  void everyJavaBlockOfTheReadme_isAMarkedSnippet_startingWithItsImports() throws IOException {
    List<String> blocks = javaBlocks(Files.readString(ROOT.resolve("README.md")));
    Set<String> marked = new LinkedHashSet<>();
    for (Snippet s : markedSnippets(ROOT)) {
      if (s.doc().equals("README.md")) {
        marked.add(s.code());
      }
    }
    // Plain Java, Spring Boot, LangChain4j and the Java agent.
    assertThat(blocks).hasSizeGreaterThanOrEqualTo(4).allSatisfy(block -> {
      assertThat(marked).as("marked snippets for README.md").contains(block);
      assertThat(block).as("a README java block").startsWith("import ");
    });
  }

  /** The regions of every source under {@code root}'s test sources, each source's regions for one file joined. */
  static List<Snippet> markedSnippets(Path root) throws IOException {
    List<Snippet> found = new ArrayList<>();
    for (Path source : files(root, p -> p.toString().endsWith(".java")
        && p.toString().replace('\\', '/').contains("/src/test/java/"))) {
      found.addAll(snippets(source, Files.readAllLines(source)));
    }
    return found;
  }

  /** The snippets of one source: its regions for each file, de-indented one by one and joined by an empty line. */
  static List<Snippet> snippets(Path source, List<String> lines) {
    Map<String, List<String>> regions = new LinkedHashMap<>();
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
      regions.computeIfAbsent(doc, d -> new ArrayList<>()).add(dedent(lines.subList(i + 1, end)));
      i = end;
    }
    List<Snippet> found = new ArrayList<>();
    regions.forEach((doc, parts) -> found.add(new Snippet(doc, source, String.join("\n", parts))));
    return found;
  }

  private static final Pattern JAVA_BLOCK = Pattern.compile("(?ms)^```java\\n(.*?)^```$");
  private static final Pattern IMPORT = Pattern.compile("(?m)^import [^;]+;");

  /** The contents of a Markdown text's {@code java} code blocks, each ending with a newline. */
  static List<String> javaBlocks(String markdown) {
    List<String> blocks = new ArrayList<>();
    Matcher m = JAVA_BLOCK.matcher(markdown);
    while (m.find()) {
      blocks.add(m.group(1));
    }
    return blocks;
  }

  /** The import declarations of a Java text, in order. */
  static List<String> imports(String java) {
    List<String> found = new ArrayList<>();
    Matcher m = IMPORT.matcher(java);
    while (m.find()) {
      found.add(m.group());
    }
    return found;
  }

  @Test
  void snippets_joinEachSourcesRegionsForOneFile_andKeepOtherFilesApart() {
    List<Snippet> found = snippets(Path.of("Example.java"), List.of(
        "package p;",
        "// BEGIN docs snippet: README.md",
        "import a.B;",
        "// END docs snippet: README.md",
        "class Example {",
        "  void run() {",
        "    // BEGIN docs snippet: docs/page.md",
        "    page();",
        "    // END docs snippet: docs/page.md",
        "    // BEGIN docs snippet: README.md",
        "    B b = new B();",
        "",
        "    b.go();",
        "    // END docs snippet: README.md",
        "  }",
        "}"));

    assertThat(found).extracting(Snippet::doc, Snippet::code).containsExactly(
        Tuple.tuple("README.md", "import a.B;\n\nB b = new B();\n\nb.go();\n"),
        Tuple.tuple("docs/page.md", "page();\n"));
    assertThat(imports(found.get(0).code())).containsExactly("import a.B;");
    assertThat(javaBlocks("text\n```java\nimport a.B;\n\nB b;\n```\n```bash\nls\n```\n"))
        .containsExactly("import a.B;\n\nB b;\n");
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

  // ------------------------------------------------------------------------ the README's artifacts and versions

  private static final Pattern XML_BLOCK = Pattern.compile("(?ms)^```xml\\n(.*?)^```$");
  private static final Pattern LOCKN_ARTIFACT =
      Pattern.compile("<groupId>io\\.lockn</groupId>\\s*<artifactId>([^<]+)</artifactId>");
  private static final Pattern VERSION = Pattern.compile("<((?:[\\w.-]+\\.)?version)>([^<]+)</\\1>");

  @Test
  void readmeXml_namesOnlyArtifactsOfTheBom_andOnlyVersionsThisBuildUses() throws IOException {
    StringBuilder xml = new StringBuilder();
    Matcher blocks = XML_BLOCK.matcher(Files.readString(ROOT.resolve("README.md")));
    while (blocks.find()) {
      xml.append(blocks.group(1));
    }
    String bom = Files.readString(ROOT.resolve("lockn-bom/pom.xml"));
    List<String> artifacts = groups(LOCKN_ARTIFACT, xml);
    assertThat(artifacts).as("LockN artifacts in the README's XML").hasSizeGreaterThanOrEqualTo(5)
        .allSatisfy(a -> assertThat(a.equals("lockn-bom") || bom.contains("<artifactId>" + a + "</artifactId>"))
            .as("%s is in lockn-bom", a).isTrue());

    Set<String> buildVersions = new LinkedHashSet<>();
    for (Path pom : files(ROOT, p -> p.getFileName().toString().equals("pom.xml"))) {
      Matcher m = VERSION.matcher(Files.readString(pom));
      while (m.find()) {
        buildVersions.add(m.group(2).strip());
      }
    }
    // Among them: LockN's own, OpenTelemetry's, Spring Boot's, Spring AI's and LangChain4j's.
    assertThat(groups(VERSION, xml, 2)).as("versions in the README's XML").hasSizeGreaterThanOrEqualTo(5)
        .allSatisfy(v -> assertThat(buildVersions).as("versions in the build's poms").contains(v));
  }

  private static List<String> groups(Pattern pattern, CharSequence text) {
    return groups(pattern, text, 1);
  }

  private static List<String> groups(Pattern pattern, CharSequence text, int group) {
    List<String> found = new ArrayList<>();
    Matcher m = pattern.matcher(text);
    while (m.find()) {
      found.add(m.group(group).strip());
    }
    return found;
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
