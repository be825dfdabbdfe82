/**
 * LockN for Spring AI: {@link io.lockn.springai.LockNObservationHandler} on Spring AI's chat, embedding and
 * tool-calling observations; the ChatClient advisors {@link io.lockn.springai.LockNContextAdvisor} (attribution per
 * request), {@link io.lockn.springai.LockNBudgetAdvisor} (budgets), {@link io.lockn.springai.LockNCompressionAdvisor}
 * and {@link io.lockn.springai.LockNExperimentAdvisor} (compression and its A/B experiments); {@link
 * io.lockn.springai.LockNChatModel} (the provider's usage of streamed responses); and {@link
 * io.lockn.springai.LockNToolCallbacks} (tool spans where Spring AI records none).
 */
@NullMarked
package io.lockn.springai;

import org.jspecify.annotations.NullMarked;
