package io.lockn.cli.audit;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * One CSV row per priced model-call span (RFC 4180, with a header), streamed. Money is an exact decimal string in
 * USD; unpriced spans are left out, as they are of every total.
 */
final class CsvReportWriter implements ReportWriter {

  /** The header, in order. */
  static final String[] HEADER = {
    "trace_id", "span_id", "start_time", "operation", "provider", "request_model", "response_model", "input_tokens",
    "output_tokens", "cache_read_tokens", "cache_write_tokens", "reasoning_tokens", "cost_usd", "cost_source",
    "pricing_id", "tenant", "cost_center", "workflow", "agent"
  };

  private final Writer out;
  private final CSVPrinter csv;

  /**
   * Opens the file and writes the header.
   *
   * @param file where to write
   * @throws IOException if it cannot be created
   */
  CsvReportWriter(Path file) throws IOException {
    this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    this.csv = new CSVPrinter(out, CSVFormat.RFC4180.builder().setHeader(HEADER).get());
  }

  @Override
  public void span(PricedSpan s) throws IOException {
    if (!s.cost().isPriced()) {
      return;
    }
    csv.printRecord(
        s.span().traceId(),
        s.span().spanId(),
        JsonReportWriter.instant(s.span().startEpochNanos()),
        s.operation(),
        s.provider(),
        nullToEmpty(s.requestModel()),
        nullToEmpty(s.responseModel()),
        s.usage().inputTokens(),
        s.usage().outputTokens(),
        s.usage().cacheReadTokens(),
        s.usage().cacheWriteTokens(),
        s.usage().reasoningTokens(),
        s.cost().totalUsd().toPlainString(),
        s.cost().source().value(),
        s.cost().pricingId(),
        nullToEmpty(s.tenant()),
        nullToEmpty(s.costCenter()),
        nullToEmpty(s.workflow()),
        nullToEmpty(s.agent()));
  }

  @Override
  public void finish(AuditReport report) throws IOException {
    csv.flush();
  }

  private static String nullToEmpty(@org.jspecify.annotations.Nullable String s) {
    return s == null ? "" : s;
  }

  @Override
  public void close() throws IOException {
    csv.close();
    out.close();
  }
}
