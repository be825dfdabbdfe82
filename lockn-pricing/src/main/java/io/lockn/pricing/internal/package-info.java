/**
 * lockn-pricing's implementation. Not API: public classes here may change in any release and must not be used
 * outside lockn-pricing.
 */
@NullMarked
package io.lockn.pricing.internal;

import org.jspecify.annotations.NullMarked;
