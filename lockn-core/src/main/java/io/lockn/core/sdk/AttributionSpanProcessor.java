package io.lockn.core.sdk;

import io.lockn.core.AttributionKeys;
import io.lockn.core.GenAiAttributes;
import io.lockn.core.spi.UsageLogger;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;

/**
 * Copies the allowlisted business-attribution Baggage entries ({@link AttributionKeys}) onto every GenAI span when it
 * starts, including GenAI spans started by other instrumentations (the OpenTelemetry Java agent's OpenAI
 * instrumentation, Spring AI's observations). LockN's own spans get attribution without it; install it when other
 * GenAI instrumentation runs in the same process.
 *
 * <pre>{@code
 * SdkTracerProvider.builder()
 *     .addSpanProcessorFirst(AttributionSpanProcessor.create(AttributionKeys.defaults()))
 *     .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
 *     .build();
 * }</pre>
 *
 * <p>A span is a GenAI span when it carries {@code gen_ai.operation.name} at start, which the semantic conventions
 * require instrumentations to set on the span builder.
 *
 * <p>Why not {@code io.opentelemetry.contrib:opentelemetry-baggage-processor}: its {@code BaggageSpanProcessor} copies
 * matching entries onto <em>every</em> span rather than GenAI spans only, copies values uncut and unsanitised (a
 * hostile or accidental Baggage value would inflate every span), and is still an alpha artifact. The copying rules
 * live in one place, {@link AttributionKeys#copy(Baggage, io.opentelemetry.api.trace.Span)}, shared with LockN's own
 * spans.
 *
 * <p>Called synchronously on the thread that starts the span; never throws and never blocks.
 */
public final class AttributionSpanProcessor implements SpanProcessor {

  private final AttributionKeys keys;

  private AttributionSpanProcessor(AttributionKeys keys) {
    this.keys = keys;
  }

  /**
   * Creates the processor.
   *
   * @param keys the allowlisted keys and value cap
   * @return the processor
   */
  public static AttributionSpanProcessor create(AttributionKeys keys) {
    return new AttributionSpanProcessor(java.util.Objects.requireNonNull(keys, "keys"));
  }

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {
    try {
      if (span.getAttribute(GenAiAttributes.GEN_AI_OPERATION_NAME) == null) {
        return;
      }
      keys.copy(Baggage.fromContext(parentContext), span);
    } catch (Throwable t) {
      UsageLogger.failed("AttributionSpanProcessor.onStart", t);
    }
  }

  @Override
  public boolean isStartRequired() {
    return true;
  }

  @Override
  public void onEnd(ReadableSpan span) {}

  @Override
  public boolean isEndRequired() {
    return false;
  }
}
