package io.lockn.compression.tokens;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import io.lockn.core.GenAiMessage;
import io.lockn.core.MessagePart;
import io.lockn.core.spi.TokenCounter;
import io.lockn.core.spi.UsageLogger;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A {@link TokenCounter} on jtokkit ({@code com.knuddels:jtokkit}), OpenAI's BPE encodings in pure Java, with LockN's
 * own model-to-encoding table.
 *
 * <pre>{@code
 * LockN lockn = LockN.builder().setTokenCounter(new JtokkitTokenCounter()).setCallAdmission(budgets).build();
 * TokenCount count = new JtokkitTokenCounter().count(prompt, "openai", "gpt-4.1-2025-04-14"); // o200k_base, exact
 * }</pre>
 *
 * <p><b>Encodings.</b> Matched on {@link io.lockn.core.ModelIds#family(String)}, so dated snapshots and provider
 * paths resolve like their family:
 *
 * <ul>
 *   <li>{@code o200k_base}, exact: {@code gpt-4o*}, {@code chatgpt-4o*}, {@code gpt-4.1*}, {@code gpt-4.5*}, {@code
 *       gpt-5*} (including {@code gpt-5.x}), {@code o1*}, {@code o3*}, {@code o4*}. jtokkit 1.1.0's own lookup maps
 *       {@code gpt-4.1} to {@code cl100k_base} and does not know the others; OpenAI's tiktoken maps them all to
 *       {@code o200k_base}.
 *   <li>{@code cl100k_base}, exact: {@code gpt-4}, {@code gpt-4-turbo}, {@code gpt-4-32k}, {@code gpt-3.5-turbo*},
 *       {@code gpt-35-turbo*} (Azure), {@code text-embedding-3-*}, {@code text-embedding-ada-002}.
 *   <li>Claude ({@code claude-*}, or provider {@code anthropic}): {@code cl100k_base} count x 1.20, an estimate.
 *       Anthropic publishes no offline tokenizer; the commonly cited comparison of Claude 3.5 Sonnet with GPT-4o
 *       (VentureBeat, "Hidden costs in AI deployment") found 20-30% more tokens for the same input, most for code.
 *   <li>Gemini ({@code gemini-*}, or provider {@code gcp.gemini}): {@code o200k_base} count x 1.00, an estimate.
 *       Gemini's 262k-entry SentencePiece vocabulary is not bundled; Google documents about 4 characters per token,
 *       close to {@code o200k_base} on English text.
 *   <li>Anything else: {@code cl100k_base}, an estimate.
 * </ul>
 *
 * <p>The factors are approximations for budget admission and compression ratios, not for billing: the provider's
 * reported usage always wins. Estimates are rounded up.
 *
 * <p><b>Chat messages</b> follow OpenAI's convention for its chat models (openai-cookbook, "How to count tokens with
 * tiktoken", {@code num_tokens_from_messages} for gpt-3.5-turbo-0613 and later, gpt-4 and gpt-4o): each message costs
 * {@value #TOKENS_PER_MESSAGE} tokens ({@code <|start|>}, the separator, {@code <|end|>}) plus the tokens of its role
 * plus the tokens of its content, and the reply is primed with {@value #TOKENS_REPLY_PRIMING} more ({@code
 * <|start|>assistant<|message|>}). Tool calls count as the text of their name and arguments and tool responses as the
 * text of the response; their ids and the JSON framing the provider adds are not counted, and neither are tool
 * definitions, which a {@link GenAiMessage} does not carry. For estimated models the whole chat count is scaled by
 * the factor.
 *
 * <p>Thread-safe and non-blocking once an encoding is loaded; all instances share one lazy jtokkit registry, which
 * loads an encoding's vocabulary on its first use (tens of milliseconds). Nothing is allocated per call beyond
 * jtokkit's own encoding buffers. Never throws: blank text counts {@code 0}, a failure is logged through {@link
 * UsageLogger} and counts {@code -1}. Special-token text such as {@code <|endoftext|>} is counted as ordinary text.
 */
public final class JtokkitTokenCounter implements TokenCounter {

  /** Tokens each chat message adds beside its role and content, per OpenAI's convention. */
  public static final int TOKENS_PER_MESSAGE = 3;

  /** Tokens the reply priming ({@code <|start|>assistant<|message|>}) adds once per chat, per OpenAI's convention. */
  public static final int TOKENS_REPLY_PRIMING = 3;

  // Thread-safe (documented by jtokkit); shared so that each vocabulary is loaded once per class loader.
  private static final EncodingRegistry SHARED_REGISTRY = Encodings.newLazyEncodingRegistry();

  private final EncodingRegistry registry;

  /** Creates a counter on the shared jtokkit registry. */
  public JtokkitTokenCounter() {
    this(SHARED_REGISTRY);
  }

  /** For tests: a counter on the given registry. */
  JtokkitTokenCounter(EncodingRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  @Override
  public long countInputTokens(String provider, String model, List<GenAiMessage> messages) {
    return count(messages, provider, model).count();
  }

  /**
   * Counts the tokens of a text as {@code model} would see it.
   *
   * @param text the text; {@code null} or empty counts {@code 0}
   * @param provider {@code gen_ai.provider.name}, used only when the model is not recognised; may be {@code null}
   * @param model the model; {@code null} or unknown gives a {@code cl100k_base} estimate
   * @return the count, its tokenizer and whether it is an estimate; {@code -1} tokens when counting failed
   */
  public TokenCount count(@Nullable String text, @Nullable String provider, @Nullable String model) {
    Tokenizer tokenizer = Tokenizer.forModel(provider, model);
    if (text == null || text.isEmpty()) {
      return new TokenCount(0, tokenizer.label, tokenizer.estimate);
    }
    try {
      return new TokenCount(scale(tokenizer, encoding(tokenizer).countTokensOrdinary(text)), tokenizer.label,
          tokenizer.estimate);
    } catch (RuntimeException e) {
      UsageLogger.failed("JtokkitTokenCounter.count", e);
      return new TokenCount(-1, tokenizer.label, tokenizer.estimate);
    }
  }

  /**
   * Counts the input tokens of a chat as {@code model} would see it, with OpenAI's per-message overhead (see the
   * class documentation).
   *
   * @param messages the chat history; {@code null} or empty counts {@code 0}
   * @param provider {@code gen_ai.provider.name}, used only when the model is not recognised; may be {@code null}
   * @param model the model; {@code null} or unknown gives a {@code cl100k_base} estimate
   * @return the count, its tokenizer and whether it is an estimate; {@code -1} tokens when counting failed
   */
  public TokenCount count(
      @Nullable List<GenAiMessage> messages, @Nullable String provider, @Nullable String model) {
    Tokenizer tokenizer = Tokenizer.forModel(provider, model);
    if (messages == null || messages.isEmpty()) {
      return new TokenCount(0, tokenizer.label, tokenizer.estimate);
    }
    try {
      Encoding encoding = encoding(tokenizer);
      long tokens = TOKENS_REPLY_PRIMING;
      for (int i = 0, n = messages.size(); i < n; i++) {
        GenAiMessage message = messages.get(i);
        tokens += TOKENS_PER_MESSAGE + countText(encoding, message.role());
        List<MessagePart> parts = message.parts();
        for (int j = 0, m = parts.size(); j < m; j++) {
          tokens += countPart(encoding, parts.get(j));
        }
      }
      return new TokenCount(scale(tokenizer, tokens), tokenizer.label, tokenizer.estimate);
    } catch (RuntimeException e) {
      UsageLogger.failed("JtokkitTokenCounter.count", e);
      return new TokenCount(-1, tokenizer.label, tokenizer.estimate);
    }
  }

  /**
   * The tokenizer {@link #count} uses for a model, as reported in {@link TokenCount#tokenizer()}.
   *
   * @param provider {@code gen_ai.provider.name}, may be {@code null}
   * @param model the model, may be {@code null}
   * @return the encoding name, such as {@code o200k_base}, or for estimates the encoding and its factor, such as
   *     {@code cl100k_base*1.20}
   */
  public static String tokenizerFor(@Nullable String provider, @Nullable String model) {
    return Tokenizer.forModel(provider, model).label;
  }

  /**
   * Whether {@link #count} estimates for a model rather than running the model's own encoding.
   *
   * @param provider {@code gen_ai.provider.name}, may be {@code null}
   * @param model the model, may be {@code null}
   * @return {@code true} for Claude, Gemini and unknown models
   */
  public static boolean isEstimate(@Nullable String provider, @Nullable String model) {
    return Tokenizer.forModel(provider, model).estimate;
  }

  private Encoding encoding(Tokenizer tokenizer) {
    return registry.getEncoding(tokenizer.encoding);
  }

  private static long countPart(Encoding encoding, MessagePart part) {
    if (part instanceof MessagePart.Text text) {
      return countText(encoding, text.content());
    }
    if (part instanceof MessagePart.ToolCall call) {
      return countText(encoding, call.name()) + countText(encoding, call.arguments());
    }
    if (part instanceof MessagePart.ToolCallResponse response) {
      return countText(encoding, response.response());
    }
    return 0;
  }

  private static long countText(Encoding encoding, String text) {
    return text.isEmpty() ? 0 : encoding.countTokensOrdinary(text);
  }

  private static long scale(Tokenizer tokenizer, long tokens) {
    return tokenizer.factor == 1.0 ? tokens : (long) Math.ceil(tokens * tokenizer.factor);
  }

  @Override
  public String toString() {
    return "JtokkitTokenCounter";
  }
}
