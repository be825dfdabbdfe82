package io.lockn.compression.tokens;

import com.knuddels.jtokkit.api.EncodingType;
import io.lockn.core.GenAiProvider;
import io.lockn.core.ModelIds;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/*
 * LockN's model-to-encoding table. jtokkit 1.1.0's ModelType stops at gpt-4o/gpt-4o-mini and its
 * getEncodingForModel(String) resolves by prefix, so "gpt-4.1" falls back to gpt-4 (cl100k_base) and gpt-5, the
 * o-series and chatgpt-4o are not found at all. OpenAI's own tiktoken (openai/tiktoken, tiktoken/model.py,
 * MODEL_TO_ENCODING and MODEL_PREFIX_TO_ENCODING) maps all of them to o200k_base. The table matches on
 * ModelIds.family(model), so dated snapshots (gpt-4o-2024-08-06), provider paths (openai/gpt-4.1) and "-latest"
 * resolve like their family; fine-tuned ids ("ft:gpt-4o-mini:org::id") resolve like their base model.
 *
 * Calibrated estimates, for tokenizers that cannot run offline (see compression-anchors.md, section 2):
 * - Claude: Anthropic publishes no offline tokenizer for current models (only the count_tokens endpoint). The commonly
 *   cited measurement ("Hidden costs in AI deployment: why Claude models may be 20-30% more expensive than GPT in
 *   enterprise settings", VentureBeat; Claude 3.5 Sonnet vs GPT-4o on fixed prompts) finds Claude's tokenizer
 *   producing about 20-30% more tokens than OpenAI's for the same input, most for code. LockN uses
 *   cl100k_base x 1.20, the prose end of that range (cl100k_base and o200k_base count English text nearly alike).
 *   An approximation: calibrate against the response's usage.input_tokens.
 * - Gemini: every Gemini model uses the Gemma 3 SentencePiece vocabulary (262,144 entries), and Google documents
 *   "1 token ~ 4 characters; 100 tokens ~ 60-80 English words" (ai.google.dev/gemini-api/docs/tokens). o200k_base, the
 *   nearest large vocabulary, gives about 4-5 characters per English token, so LockN uses o200k_base x 1.00. An
 *   approximation: calibrate against usageMetadata.promptTokenCount.
 * - Anything else: cl100k_base x 1.00, flagged as an estimate (the rule for unknown models).
 */

/** What LockN counts a model's tokens with: an exact encoding or a calibrated estimate. */
enum Tokenizer {
  /** gpt-4o, gpt-4.1, gpt-4.5, gpt-5 families, o1/o3/o4 series, chatgpt-4o. Exact. */
  O200K(EncodingType.O200K_BASE, 1.0, false),
  /** gpt-4 (incl. turbo and 32k), gpt-3.5-turbo, text-embedding-3-*, text-embedding-ada-002. Exact. */
  CL100K(EncodingType.CL100K_BASE, 1.0, false),
  /** Anthropic Claude: cl100k_base x 1.20, an estimate. */
  CLAUDE(EncodingType.CL100K_BASE, 1.20, true),
  /** Google Gemini: o200k_base x 1.00, an estimate. */
  GEMINI(EncodingType.O200K_BASE, 1.00, true),
  /** Any other model: cl100k_base, an estimate. */
  UNKNOWN(EncodingType.CL100K_BASE, 1.0, true);

  private static final String[] O200K_PREFIXES = {
    "gpt-4o", "chatgpt-4o", "gpt-4.1", "gpt-4.5", "gpt-5", "o1", "o3", "o4"
  };
  private static final String[] CL100K_PREFIXES = {
    "gpt-4", "gpt-3.5", "gpt-35", "text-embedding-3-", "text-embedding-ada"
  };

  final EncodingType encoding;
  final double factor;
  final boolean estimate;
  /** The name reported in {@link TokenCount#tokenizer()}, built once. */
  final String label;

  Tokenizer(EncodingType encoding, double factor, boolean estimate) {
    this.encoding = encoding;
    this.factor = factor;
    this.estimate = estimate;
    this.label = factor == 1.0 ? encoding.getName() : encoding.getName() + String.format(Locale.ROOT, "*%.2f", factor);
  }

  /**
   * Resolves the tokenizer for a model. Allocates nothing: {@link ModelIds#family} is cached and matching uses
   * {@code startsWith} on the family.
   */
  static Tokenizer forModel(@Nullable String provider, @Nullable String model) {
    String family = ModelIds.family(model);
    int start = family.startsWith("ft:") ? 3 : 0;
    for (String prefix : O200K_PREFIXES) {
      if (matches(family, start, prefix, true)) {
        return O200K;
      }
    }
    for (String prefix : CL100K_PREFIXES) {
      if (matches(family, start, prefix, false)) {
        return CL100K;
      }
    }
    if (family.startsWith("claude", start)) {
      return CLAUDE;
    }
    if (family.startsWith("gemini", start)) {
      return GEMINI;
    }
    if (GenAiProvider.ANTHROPIC.equals(provider)) {
      return CLAUDE;
    }
    if (GenAiProvider.GCP_GEMINI.equals(provider)) {
      return GEMINI;
    }
    return UNKNOWN;
  }

  /**
   * Whether {@code family} starts with {@code prefix} at {@code start} as a whole name segment: the prefix ends the
   * family or is followed by {@code -} or {@code :} (or by {@code .} when {@code dotted} versions belong to it, as
   * {@code gpt-5.1} to {@code gpt-5}). So {@code o1} matches {@code o1-mini} but not {@code o10}, and {@code gpt-4}
   * matches {@code gpt-4-turbo} but neither {@code gpt-4o} nor a future {@code gpt-4.2}.
   */
  private static boolean matches(String family, int start, String prefix, boolean dotted) {
    if (!family.startsWith(prefix, start)) {
      return false;
    }
    int end = start + prefix.length();
    if (end == family.length() || prefix.endsWith("-")) {
      return true;
    }
    char next = family.charAt(end);
    return next == '-' || next == ':' || (dotted && next == '.');
  }
}
