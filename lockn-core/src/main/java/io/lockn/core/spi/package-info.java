/**
 * What LockN's own modules (pricing, adapters, the CLI) and third-party extensions build on, beside the public API in
 * {@link io.lockn.core}. Modules never reach into {@code io.lockn.core.internal}.
 */
@NullMarked
package io.lockn.core.spi;

import org.jspecify.annotations.NullMarked;
