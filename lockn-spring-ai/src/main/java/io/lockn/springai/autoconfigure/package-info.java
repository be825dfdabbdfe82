/**
 * Spring Boot auto-configuration of LockN for Spring AI: {@link io.lockn.springai.autoconfigure.LockNProperties}
 * ({@code lockn.*}), {@link io.lockn.springai.autoconfigure.LockNAutoConfiguration} (prices, attribution, budgets,
 * the {@code LockN} instance, span processors, Spring AI's observation handler and ChatClient advisors) and the
 * {@code lockn} actuator endpoint ({@link io.lockn.springai.autoconfigure.LockNEndpoint}). Every bean backs off when
 * the application defines its own; {@code lockn.enabled=false} turns everything off.
 */
@NullMarked
package io.lockn.springai.autoconfigure;

import org.jspecify.annotations.NullMarked;
