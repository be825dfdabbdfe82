package io.lockn.core;

import io.opentelemetry.api.trace.SpanContext;

/**
 * A model call answered by a model of another family than the one requested, for example {@code gpt-4} answered by
 * {@code gpt-3.5-turbo}. Dated snapshots of the requested model ({@code gpt-4o} answered by {@code
 * gpt-4o-2024-08-06}) are not substitutions.
 *
 * @param provider the provider
 * @param requestModel the model requested
 * @param responseModel the model that answered
 * @param spanContext the call's span
 */
public record ModelSubstitution(
    String provider, String requestModel, String responseModel, SpanContext spanContext) {}
