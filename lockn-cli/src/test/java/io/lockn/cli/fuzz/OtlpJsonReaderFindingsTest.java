package io.lockn.cli.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockn.cli.audit.OtlpJsonReaderAccess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What fuzzing the OTLP JSON reader found, minimized, as plain tests: before the fix each input either stopped the
 * whole read, lost the lines after a bad one, or reported a problem without its line or at unbounded length.
 */
class OtlpJsonReaderFindingsTest {

  @TempDir
  Path tmp;

  /** One resourceSpans element with one span; the name pads it to the size of a real export's element. */
  private static String element(String spanId) {
    return "{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"0af7651916cd43dd8448eb211c80319c\",\"spanId\":\"" + spanId
        + "\",\"name\":\"chat " + "x".repeat(300) + "\",\"startTimeUnixNano\":\"1\",\"endTimeUnixNano\":\"2\"}]}]}";
  }

  private static String line(String spanId) {
    return "{\"resourceSpans\":[" + element(spanId) + "]}";
  }

  private record Result(List<String> problems, List<String> spanIds) {}

  private Result read(String name, String content) throws IOException {
    Path file = tmp.resolve(name);
    Files.writeString(file, content, StandardCharsets.UTF_8);
    OtlpJsonReaderAccess.Result read = OtlpJsonReaderAccess.read(file);
    return new Result(read.problems().stream().map(p -> p.line() + ": " + p.message()).toList(), read.spanIds());
  }

  @Test
  void numberJacksonCannotRepresent_isOneBadLine_notTheEndOfTheRead() throws IOException {
    // Found by OtlpJsonLinesFuzzTest's sibling in pricing: Jackson throws NumberFormatException (not IOException)
    // for 1e1000000128000, which escaped read() and ended the audit.
    Result r = read("big-number.jsonl",
        line("b7ad6b7169203331") + "\n{\"resourceSpans\":[],\"x\":1e1000000128000}\n" + line("c8be7c827a314442") + "\n");

    assertThat(r.spanIds()).containsExactly("b7ad6b7169203331", "c8be7c827a314442");
    assertThat(r.problems()).singleElement().asString().startsWith("2: not valid JSON: ");
  }

  @Test
  void jsonLinesWhoseFirstLineIsCutShort_loseThatLineOnly() throws IOException {
    // The first line opens more than it closes, so the reader took the file for one pretty-printed document: the
    // parse failed on line 2 and every span in the file was lost, reported as one error on "line 0".
    String good = line("b7ad6b7169203331");
    String cut = good.substring(0, good.length() - 40);
    Result r = read("cut.jsonl", cut + "\n" + good + "\n" + line("c8be7c827a314442") + "\n");

    assertThat(r.spanIds()).containsExactly("b7ad6b7169203331", "c8be7c827a314442");
    assertThat(r.problems()).singleElement().asString().startsWith("1: not valid JSON: ");
  }

  @Test
  void prettyDocumentWithASyntaxError_isReportedOnItsLine() throws IOException {
    // Reported as line 0 before: Jackson knows the line.
    Result r = read("pretty.json", "{\n  \"resourceSpans\": [\n    {\"scopeSpans\": []},\n    {\"scopeSpans\": [}\n  ]\n}\n");

    assertThat(r.problems()).singleElement().asString().startsWith("4: not valid JSON: ");
  }

  @Test
  void prettyDocumentCutShort_staysOneProblem() throws IOException {
    // A long first line does not make a truncated document JSON lines: end of input is one problem, not one a line.
    String first = "{\"resourceSpans\": [" + " ".repeat(300);
    Result r = read("cut.json", first + "\n" + element("b7ad6b7169203331") + ",\n{\"scopeSpans\": [\n");

    assertThat(r.spanIds()).containsExactly("b7ad6b7169203331");
    assertThat(r.problems()).singleElement().asString().startsWith("4: not valid JSON: ");
  }

  @Test
  void spanIdInAProblem_isQuotedShortAndOnOneLine() throws IOException {
    // "span <id>: ..." quoted the id in full: a 100,000-character id gave a 100,000-character problem, and an id with
    // a newline forged a line in the audit's stderr.
    String longId = "a".repeat(100_000);
    Result r = read("ids.jsonl", line("b7ad6b7169203331") + "\n"
        + "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"t\",\"spanId\":\"" + longId
        + "\",\"startTimeUnixNano\":\"soon\"}]}]}]}\n"
        + "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"t\",\"spanId\":\"x\\nlockn audit: forged\","
        + "\"startTimeUnixNano\":\"soon\"}]}]}]}\n");

    assertThat(r.problems()).containsExactly(
        "2: span " + "a".repeat(64) + "... (100000 chars): startTimeUnixNano is not an integer",
        "3: span x?lockn audit: forged: startTimeUnixNano is not an integer");
  }
}
