/**
 * The OpenTelemetry SDK side of budget governance: {@link io.lockn.budget.sdk.GovernanceStage} feeds the
 * {@link io.lockn.budget.AnomalyDetector} and the {@link io.lockn.budget.RunawayDetector} from ending GenAI spans.
 * Needs {@code io.opentelemetry:opentelemetry-sdk}.
 */
@NullMarked
package io.lockn.budget.sdk;

import org.jspecify.annotations.NullMarked;
