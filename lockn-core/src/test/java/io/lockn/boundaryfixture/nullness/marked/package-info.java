/** A package of "a module" that is null-marked: what the third rule must accept. */
@NullMarked
package io.lockn.boundaryfixture.nullness.marked;

import org.jspecify.annotations.NullMarked;
