package io.lockn.core;

import io.opentelemetry.api.trace.SpanContext;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What LockN recorded for one finished model call, as handed to {@link LockNListener#onLlmCallEnded}.
 *
 * @param operation the operation
 * @param provider {@code gen_ai.provider.name}
 * @param requestModel {@code gen_ai.request.model}
 * @param responseModel {@code gen_ai.response.model}, or {@code null} if none was recorded
 * @param usage the token usage, {@link TokenUsage#EMPTY} if none was recorded
 * @param duration how long the call took
 * @param errorType {@code error.type}, or {@code null} if the call succeeded
 * @param attribution the business attribution copied from Baggage, by attribute key
 * @param agentName the nearest enclosing agent, or {@code null}
 * @param taskName the enclosing task, or {@code null}
 * @param attempt the attempt number, 1 for a first attempt
 * @param fallbackDepth the fallback depth, 0 for no fallback
 * @param cacheType the cache that served the call, or {@code null}
 * @param spanContext the call's span
 */
public record LlmCallRecord(
    GenAiOperation operation,
    String provider,
    String requestModel,
    @Nullable String responseModel,
    TokenUsage usage,
    Duration duration,
    @Nullable String errorType,
    Map<String, String> attribution,
    @Nullable String agentName,
    @Nullable String taskName,
    int attempt,
    int fallbackDepth,
    @Nullable CacheType cacheType,
    SpanContext spanContext) {}
