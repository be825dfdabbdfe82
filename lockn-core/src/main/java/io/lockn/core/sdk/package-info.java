/**
 * LockN's OpenTelemetry SDK-side parts, kept apart from the API-only instrumentation: {@link
 * io.lockn.core.sdk.AttributionSpanProcessor} copies business attribution onto GenAI spans that other
 * instrumentations start, and {@link io.lockn.core.sdk.CostAwareSampler} keeps every GenAI span whatever the
 * sampling rate of the rest. This package needs {@code io.opentelemetry:opentelemetry-sdk}, an optional dependency of
 * lockn-core.
 */
@NullMarked
package io.lockn.core.sdk;

import org.jspecify.annotations.NullMarked;
