/**
 * Annotations that mark agent tasks and tools. They are inert metadata with no dependencies: {@link
 * io.lockn.core.LockN#instrument(Class, Object)} reads them in plain Java, and the Spring integration reads them
 * through an aspect.
 */
@NullMarked
package io.lockn.core.annotation;

import org.jspecify.annotations.NullMarked;
