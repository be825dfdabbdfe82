/**
 * Implementation details shared by the LangChain4j adapter's packages; not an API, may change in any release.
 */
@NullMarked
package io.lockn.langchain4j.internal;

import org.jspecify.annotations.NullMarked;
