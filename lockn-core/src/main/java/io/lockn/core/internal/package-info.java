/**
 * LockN's implementation. This package is not API: its public classes are public only so that {@code io.lockn.core}
 * and {@code io.lockn.core.spi} can reach them, say so in their Javadoc, may change or disappear in any release, and
 * must not be used outside lockn-core (each module's {@code ModuleBoundariesTest} fails the build if they are).
 */
@NullMarked
package io.lockn.core.internal;

import org.jspecify.annotations.NullMarked;
