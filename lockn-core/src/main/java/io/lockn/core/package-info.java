/**
 * LockN's public API: one entry point, {@link io.lockn.core.LockN}, that turns agent runs, tasks, tool calls and
 * LLM calls into OpenTelemetry GenAI spans and metrics with exact token usage and business attribution.
 *
 * <p>Everything here is written against the OpenTelemetry API. The SDK-side parts (span processor, sampler) live
 * in {@link io.lockn.core.sdk}; the implementation lives in {@code io.lockn.core.internal} and carries no
 * compatibility promise.
 */
@NullMarked
package io.lockn.core;

import org.jspecify.annotations.NullMarked;
