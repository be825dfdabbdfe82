/**
 * A/B experiments for compression: deterministic, sticky assignment of a unit (tenant, user, session or request) to
 * {@code control} / {@code compressed} or to N weighted variations, bit-for-bit compatible with GrowthBook's SDKs, and
 * tagging of the assignment on spans and in W3C Baggage.
 *
 * <pre>{@code
 * Experiment experiment = Experiment.of("context-distillation-v1");     // control / compressed, 50/50
 * Assignment a = experiment.assign(tenantId);                            // same tenant, same group, everywhere
 * a.run(() -> answer(a.variationKey().equals("compressed") ? compress(prompt) : prompt));
 * }</pre>
 *
 * <p>LockN copies only allowlisted Baggage keys onto its spans, so add {@link
 * io.lockn.compression.experiment.Experiments#BAGGAGE_KEYS} to the {@link io.lockn.core.AttributionKeys} that LockN
 * is built with.
 */
@NullMarked
package io.lockn.compression.experiment;

import org.jspecify.annotations.NullMarked;
