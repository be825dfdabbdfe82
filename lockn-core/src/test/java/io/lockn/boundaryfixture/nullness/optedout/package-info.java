/** A package with a package-info that opts out of null-marking: what the third rule must refuse. */
@NullUnmarked
package io.lockn.boundaryfixture.nullness.optedout;

import org.jspecify.annotations.NullUnmarked;
