/**
 * {@code @AgentTask} and {@code @AgentTool} on Spring beans: {@link io.lockn.springai.aop.LockNAnnotationAdvisor}.
 */
@NullMarked
package io.lockn.springai.aop;

import org.jspecify.annotations.NullMarked;
