package io.lockn.cli.audit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Opens the CSV, FOCUS and HTML writers the command line asks for. */
final class ReportWriters {

  private ReportWriters() {}

  static void add(List<ReportWriter> writers, @Nullable Path csv, @Nullable Path focus, @Nullable Path html)
      throws IOException {
    if (csv != null) {
      writers.add(new CsvReportWriter(csv));
    }
    if (focus != null) {
      writers.add(new FocusReportWriter(focus));
    }
    if (html != null) {
      writers.add(new HtmlReportWriter(html));
    }
  }
}
