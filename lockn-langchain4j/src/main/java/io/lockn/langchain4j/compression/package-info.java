/**
 * Compression measurement for LangChain4j (needs {@code lockn-compression}): {@link
 * io.lockn.langchain4j.compression.LangChain4jCompression} measures a {@code chatRequestTransformer} and the
 * trimming of a chat memory, and {@link io.lockn.langchain4j.compression.TokenCountEstimatorCounter} lets LockN count
 * tokens with a LangChain4j {@code TokenCountEstimator}.
 */
@NullMarked
package io.lockn.langchain4j.compression;

import org.jspecify.annotations.NullMarked;
