/**
 * The OpenTelemetry SDK side of the ROI analysis: {@link io.lockn.compression.roi.sdk.RoiCollector}, a span processor
 * that turns the model calls of compression experiments into {@link io.lockn.compression.roi.RoiSample}s as their spans
 * end, with the rules of {@code lockn audit --experiments}, and answers ROI queries in-process. Needs {@code
 * io.opentelemetry:opentelemetry-sdk-trace}.
 */
@NullMarked
package io.lockn.compression.roi.sdk;

import org.jspecify.annotations.NullMarked;
