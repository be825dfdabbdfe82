package io.lockn.cli.audit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens the package-private {@link OtlpJsonReader} to the fuzz targets and their findings' tests in {@code
 * io.lockn.cli.fuzz}: they stay in the package that {@code .ci/run} selects fuzz targets by and their saved inputs
 * live under, and the reader stays out of lockn-cli's public API. Test code only.
 */
public final class OtlpJsonReaderAccess {

  private OtlpJsonReaderAccess() {}

  /**
   * A problem the reader reported.
   *
   * @param line the 1-based line, or 0 if not known
   * @param message what is wrong
   */
  public record Problem(long line, String message) {}

  /**
   * What reading one file gave.
   *
   * @param spanIds the ids of the spans read, in order
   * @param problems the problems reported, in order
   * @param valuesRead the JSON values (lines or document elements) read successfully
   */
  public record Result(List<String> spanIds, List<Problem> problems, long valuesRead) {}

  /**
   * Reads one file as {@code lockn audit} does.
   *
   * @param file the file
   * @return the spans' ids and the problems
   * @throws IOException if the file cannot be opened
   */
  public static Result read(Path file) throws IOException {
    List<String> spanIds = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    OtlpJsonReader reader = new OtlpJsonReader((f, line, message) -> problems.add(new Problem(line, message)));
    reader.read(file, spans -> spans.forEach(s -> spanIds.add(s.spanId())));
    return new Result(spanIds, problems, reader.valuesRead());
  }
}
