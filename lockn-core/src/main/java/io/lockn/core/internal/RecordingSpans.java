package io.lockn.core.internal;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;

/**
 * The one rule for "the nearest recording span" of a context: where a model call's cost is rolled up and where what a
 * budget did to it is recorded when the call's own span is not recording (an unsampled call). Public for {@link
 * io.lockn.core.spi.CallRequest#recordingSpan}.
 *
 * <p>This class is internal and is hence not for public use. Its APIs are unstable and can change at any time.
 */
public final class RecordingSpans {

  private RecordingSpans() {}

  /**
   * The context's span when it is recording; otherwise the closest LockN operation above it that is recording
   * (samplers that are not parent-based can record an agent and drop a span under it); otherwise {@link
   * Span#getInvalid()}.
   *
   * @param context the context, for example the one a model call started in
   * @return the span, possibly invalid
   */
  public static Span nearest(Context context) {
    Span span = Span.fromContext(context);
    if (span.isRecording()) {
      return span;
    }
    for (OperationHandle h = OperationHandle.fromContext(context); h != null;
        h = OperationHandle.fromContext(h.parent)) {
      if (h.span.isRecording()) {
        return h.span;
      }
    }
    return Span.getInvalid();
  }
}
