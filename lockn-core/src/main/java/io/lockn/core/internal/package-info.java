/**
 * LockN's implementation. This package is not API: its public classes are public only so that {@code io.lockn.core}
 * can reach them, may change or disappear in any release, and must not be used outside lockn-core.
 */
@NullMarked
package io.lockn.core.internal;

import org.jspecify.annotations.NullMarked;
