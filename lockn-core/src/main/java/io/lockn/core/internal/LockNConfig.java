package io.lockn.core.internal;

import io.lockn.core.AttributionKeys;
import io.lockn.core.ContentCapture;
import io.lockn.core.LockN;
import io.lockn.core.LockNListener;
import io.lockn.core.SemconvProfile;
import io.lockn.core.spi.CallAdmission;
import io.lockn.core.spi.CallPricing;
import io.lockn.core.spi.ScopeBinder;
import io.lockn.core.spi.TokenCounter;
import io.opentelemetry.api.OpenTelemetry;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The validated settings of a recording LockN.
 *
 * <p>This class is internal and is hence not for public use. Its APIs are unstable and can change at any time.
 *
 * @param openTelemetry the OpenTelemetry to record with
 * @param semconvProfile the semantic-convention profile
 * @param attributionKeys the allowlisted Baggage keys
 * @param metricAttributionKeys the attribution keys also recorded on metrics
 * @param metricCardinalityLimit distinct values kept per metric attribute
 * @param contentCapture the content-capture setting
 * @param listeners the listeners
 * @param cacheInferenceRatio the ratio below which a cache hit is inferred
 * @param callAdmission the admission policy for model calls
 * @param tokenCounter counts input tokens for the admission estimate
 * @param callPricing prices model calls when they end
 * @param scopeBinder binds workflow, agent, task and tool scopes to a framework's notion of current, or {@code null}
 */
public record LockNConfig(
    OpenTelemetry openTelemetry,
    SemconvProfile semconvProfile,
    AttributionKeys attributionKeys,
    List<String> metricAttributionKeys,
    int metricCardinalityLimit,
    ContentCapture contentCapture,
    List<LockNListener> listeners,
    double cacheInferenceRatio,
    CallAdmission callAdmission,
    TokenCounter tokenCounter,
    CallPricing callPricing,
    @Nullable ScopeBinder scopeBinder) {

  /**
   * Creates the recording LockN with these settings: the one way out of this package to it, so that the recording
   * implementation itself stays package-private.
   *
   * @return the recording LockN
   */
  public LockN newLockN() {
    return new TracingLockN(this);
  }
}
