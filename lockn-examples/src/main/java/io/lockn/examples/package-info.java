/**
 * The LockN demo: an offline customer-support workflow for two tenants that exercises every LockN feature against
 * simulated model providers, and writes its telemetry as OTLP JSON lines.
 */
@NullMarked
package io.lockn.examples;

import org.jspecify.annotations.NullMarked;
