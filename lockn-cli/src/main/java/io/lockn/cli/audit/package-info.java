/**
 * The offline audit: reads OTLP JSON trace exports, recovers attribution, prices every GenAI call, finds waste
 * (retries, fallbacks, substitutions, unpriced models) and writes showback and chargeback reports (JSON, CSV, FOCUS,
 * HTML).
 *
 * <p>The public API is the in-process audit: {@link io.lockn.cli.audit.Audit}, fed by {@link
 * io.lockn.cli.audit.AuditSpanExporter}, giving an {@link io.lockn.cli.audit.AuditReport} and its {@link
 * io.lockn.cli.audit.Finding}s. The reader, the span types and the report writers are package-private: they belong
 * to {@code lockn audit} ({@link io.lockn.cli.audit.AuditCommand}, public only for picocli) and change with it.
 */
@NullMarked
package io.lockn.cli.audit;

import org.jspecify.annotations.NullMarked;
