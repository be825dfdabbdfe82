/**
 * The offline audit: reads OTLP JSON trace exports, recovers attribution, prices every GenAI call, finds waste
 * (retries, fallbacks, substitutions, unpriced models) and writes showback and chargeback reports (JSON, CSV, FOCUS,
 * HTML). {@link io.lockn.cli.audit.Audit} is usable in-process as well as from the command line.
 */
@NullMarked
package io.lockn.cli.audit;

import org.jspecify.annotations.NullMarked;
