/** Implementation details of the Spring AI adapter; not an API, may change in any release. */
@NullMarked
package io.lockn.springai.internal;

import org.jspecify.annotations.NullMarked;
