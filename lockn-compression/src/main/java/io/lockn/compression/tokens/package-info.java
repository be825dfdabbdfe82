/**
 * Offline token counting for compression measurements and budget estimates: {@link
 * io.lockn.compression.tokens.JtokkitTokenCounter}, a {@link io.lockn.core.spi.TokenCounter} on jtokkit (OpenAI's BPE
 * encodings) with LockN's own model-to-encoding table and calibrated, flagged estimates for models whose tokenizer is
 * not public. Counts made here are estimates for admission and measurement only: the usage the provider reports with
 * the response always wins for billing.
 */
@NullMarked
package io.lockn.compression.tokens;

import org.jspecify.annotations.NullMarked;
