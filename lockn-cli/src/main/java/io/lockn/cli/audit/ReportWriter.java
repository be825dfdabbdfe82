package io.lockn.cli.audit;

import java.io.Closeable;
import java.io.IOException;

/**
 * Writes one audit output. Span-level outputs (JSON, CSV, FOCUS) receive every model-call span as it is priced, so
 * they stream; every output receives the finished report last.
 */
interface ReportWriter extends Closeable {

  /**
   * A model-call span, as soon as its trace has been analysed.
   *
   * @param span the span
   * @throws IOException if writing fails
   */
  default void span(PricedSpan span) throws IOException {}

  /**
   * The finished report, after the last span.
   *
   * @param report the report
   * @throws IOException if writing fails
   */
  void finish(AuditReport report) throws IOException;
}
