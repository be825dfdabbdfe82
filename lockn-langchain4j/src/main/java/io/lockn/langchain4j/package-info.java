/**
 * LockN for LangChain4j: {@link io.lockn.langchain4j.LockNLangChain4j} records AI Services, models, tools and
 * embeddings as OpenTelemetry GenAI spans with LockN's usage, cost attribution and budget admission.
 */
@NullMarked
package io.lockn.langchain4j;

import org.jspecify.annotations.NullMarked;
