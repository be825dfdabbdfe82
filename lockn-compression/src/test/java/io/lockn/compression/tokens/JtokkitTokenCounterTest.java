package io.lockn.compression.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.GptBytePairEncodingParams;
import com.knuddels.jtokkit.api.ModelType;
import io.lockn.core.GenAiMessage;
import io.lockn.core.MessagePart;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Token counts, LockN's model-to-encoding table, chat overhead, estimates and failure handling. */
class JtokkitTokenCounterTest {

  private static final EncodingRegistry JTOKKIT = Encodings.newLazyEncodingRegistry();
  private static final Encoding O200K = JTOKKIT.getEncoding(EncodingType.O200K_BASE);
  private static final Encoding CL100K = JTOKKIT.getEncoding(EncodingType.CL100K_BASE);

  private final JtokkitTokenCounter counter = new JtokkitTokenCounter();

  @Test
  void count_knownValues() {
    // "hello world" is 2 tokens and "tiktoken is great!" 6 in cl100k_base (the openai-cookbook tiktoken examples).
    assertThat(counter.count("hello world", "openai", "gpt-4")).isEqualTo(new TokenCount(2, "cl100k_base", false));
    assertThat(counter.count("tiktoken is great!", "openai", "gpt-3.5-turbo").count()).isEqualTo(6);
    assertThat(counter.count("hello world", "openai", "gpt-4o")).isEqualTo(new TokenCount(2, "o200k_base", false));
    // Japanese is where o200k_base's larger vocabulary shows.
    assertThat(counter.count("こんにちは、世界", "openai", "gpt-4o").count()).isEqualTo(3);
    assertThat(counter.count("こんにちは、世界", "openai", "gpt-4").count()).isEqualTo(5);
    assertThat(counter.count("Где мой заказ?", "openai", "gpt-5").count()).isEqualTo(5);
    assertThat(counter.count("Где мой заказ?", "openai", "gpt-3.5-turbo").count()).isEqualTo(6);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "hello world",
        "The quick brown fox jumps over the lazy dog.",
        "Der schnelle braune Fuchs springt über den faulen Hund.",
        "{\"order_id\":\"A-1042\",\"items\":[1,2,3]}\n\tpublic static void main(String[] args) {}",
        "<|endoftext|> is counted as text",
        "emoji 🦊 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢"
      })
  void count_matchesJtokkitForBothEncodings(String text) {
    assertThat(counter.count(text, "openai", "gpt-4o").count()).isEqualTo(O200K.countTokensOrdinary(text));
    assertThat(counter.count(text, "openai", "gpt-4").count()).isEqualTo(CL100K.countTokensOrdinary(text));
  }

  @ParameterizedTest
  @CsvSource({
    "gpt-4o, o200k_base",
    "gpt-4o-2024-08-06, o200k_base",
    "gpt-4o-mini-2024-07-18, o200k_base",
    "openai/gpt-4o, o200k_base",
    "chatgpt-4o-latest, o200k_base",
    "gpt-4.1, o200k_base",
    "gpt-4.1-2025-04-14, o200k_base",
    "gpt-4.1-mini-2025-04-14, o200k_base",
    "gpt-4.1-nano, o200k_base",
    "gpt-4.5-preview, o200k_base",
    "gpt-5, o200k_base",
    "gpt-5-2025-08-07, o200k_base",
    "gpt-5-mini, o200k_base",
    "gpt-5.1, o200k_base",
    "o1, o200k_base",
    "o1-2024-12-17, o200k_base",
    "o1-mini, o200k_base",
    "o3, o200k_base",
    "o3-mini-2025-01-31, o200k_base",
    "o4-mini, o200k_base",
    "ft:gpt-4o-mini-2024-07-18:acme::abc123, o200k_base",
    "gpt-4, cl100k_base",
    "gpt-4-0613, cl100k_base",
    "gpt-4-turbo-2024-04-09, cl100k_base",
    "gpt-4-32k, cl100k_base",
    "gpt-3.5-turbo, cl100k_base",
    "gpt-3.5-turbo-0125, cl100k_base",
    "gpt-35-turbo, cl100k_base",
    "text-embedding-3-small, cl100k_base",
    "text-embedding-3-large, cl100k_base",
    "text-embedding-ada-002, cl100k_base"
  })
  void tokenizerFor_exactEncodings(String model, String encoding) {
    assertThat(JtokkitTokenCounter.tokenizerFor("openai", model)).isEqualTo(encoding);
    assertThat(JtokkitTokenCounter.isEstimate("openai", model)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"gpt-4.1", "gpt-4.1-mini", "gpt-5", "gpt-5-mini", "o1", "o3-mini", "o4-mini"})
  void tokenizerFor_differsFromJtokkitsOwnLookup(String model) {
    // jtokkit 1.1.0: gpt-4.1 falls back to gpt-4 (cl100k_base); gpt-5 and the o-series are unknown.
    Optional<String> jtokkit = JTOKKIT.getEncodingForModel(model).map(Encoding::getName);
    assertThat(jtokkit).isNotEqualTo(Optional.of("o200k_base"));
    assertThat(ModelType.fromName(model)).isEmpty();
    assertThat(JtokkitTokenCounter.tokenizerFor("openai", model)).isEqualTo("o200k_base");
  }

  @Test
  void tokenizerFor_gpt41_jtokkitSaysCl100k() {
    assertThat(JTOKKIT.getEncodingForModel("gpt-4.1")).map(Encoding::getName).contains("cl100k_base");
    String text = "こんにちは、世界";
    assertThat(counter.count(text, "openai", "gpt-4.1").count())
        .isEqualTo(O200K.countTokensOrdinary(text))
        .isNotEqualTo(JTOKKIT.getEncodingForModel("gpt-4.1").orElseThrow().countTokensOrdinary(text));
  }

  @Test
  void tokenizerFor_namesThatOnlyLookAlike_areNotMatched() {
    assertThat(JtokkitTokenCounter.tokenizerFor("openai", "o10-experimental")).isEqualTo("cl100k_base");
    assertThat(JtokkitTokenCounter.isEstimate("openai", "o10-experimental")).isTrue();
    assertThat(JtokkitTokenCounter.isEstimate("openai", "gpt-4.2")).isTrue();
    assertThat(JtokkitTokenCounter.isEstimate("mistral_ai", "mistral-large-latest")).isTrue();
  }

  @Test
  void count_claude_isCl100kTimesFactorAndFlagged() {
    String text = "Der schnelle braune Fuchs springt über den faulen Hund.";
    int cl100k = CL100K.countTokensOrdinary(text); // 15
    TokenCount count = counter.count(text, "anthropic", "claude-3-5-sonnet-20241022");

    assertThat(count.estimate()).isTrue();
    assertThat(count.tokenizer()).isEqualTo("cl100k_base*1.20");
    assertThat(count.count()).isEqualTo((long) Math.ceil(cl100k * 1.2)).isEqualTo(18);
    assertThat(counter.count(text, "aws.bedrock", "us.anthropic.claude-sonnet-4-20250514-v1:0")).isEqualTo(count);
    assertThat(counter.count(text, "anthropic", "some-future-model")).isEqualTo(count);
  }

  @Test
  void count_gemini_isO200kAndFlagged() {
    String text = "Der schnelle braune Fuchs springt über den faulen Hund.";
    TokenCount count = counter.count(text, "gcp.vertex_ai", "models/gemini-2.5-pro-preview-05-06");

    assertThat(count).isEqualTo(new TokenCount(O200K.countTokensOrdinary(text), "o200k_base", true));
    assertThat(counter.count(text, "gcp.gemini", "some-future-model")).isEqualTo(count);
  }

  @Test
  void gemini_factorIsConsistentWithGooglesFourCharactersPerToken() {
    String prose =
        "Token counting lets an application estimate what a model call will cost before it is made. Budgets use the"
            + " estimate to reserve spending, and compression measurements compare the size of a prompt before and"
            + " after it was shortened. The provider's reported usage is what is billed, so these counts only need"
            + " to be close, and they are always marked as estimates when the model's own tokenizer is unavailable.";
    double charsPerToken = (double) prose.length() / counter.count(prose, "gcp.gemini", "gemini-2.0-flash").count();
    assertThat(charsPerToken).isBetween(3.5, 6.0);
  }

  @Test
  void count_unknownModel_isCl100kEstimate() {
    assertThat(counter.count("hello world", "openai", "mystery-model")).isEqualTo(new TokenCount(2, "cl100k_base", true));
    assertThat(counter.count("hello world", null, null)).isEqualTo(new TokenCount(2, "cl100k_base", true));
    assertThat(counter.count("hello world", "", "")).isEqualTo(new TokenCount(2, "cl100k_base", true));
  }

  @Test
  void countMessages_addsOpenAiOverhead() {
    List<GenAiMessage> messages =
        List.of(GenAiMessage.system("You answer support tickets."), GenAiMessage.user("Where is my order?"));

    // (3 per message + 1 role + 5 content) x 2 + 3 reply priming
    assertThat(counter.count(messages, "openai", "gpt-4o")).isEqualTo(new TokenCount(21, "o200k_base", false));
    assertThat(counter.countInputTokens("openai", "gpt-4o", messages)).isEqualTo(21);
    long expected = JtokkitTokenCounter.TOKENS_REPLY_PRIMING;
    for (GenAiMessage m : messages) {
      expected += JtokkitTokenCounter.TOKENS_PER_MESSAGE
          + CL100K.countTokensOrdinary(m.role())
          + CL100K.countTokensOrdinary(((MessagePart.Text) m.parts().get(0)).content());
    }
    assertThat(counter.countInputTokens("openai", "gpt-4", messages)).isEqualTo(expected).isEqualTo(21);
  }

  @Test
  void countMessages_toolCallsAndResponses_countAsTheirText() {
    List<GenAiMessage> messages =
        List.of(
            GenAiMessage.user("Where is my order?"),
            new GenAiMessage(
                "assistant",
                List.of(new MessagePart.ToolCall("call_1", "lookup_order", "{\"order_id\":\"A-1042\"}")),
                null),
            GenAiMessage.toolResponse("call_1", "Shipped on Monday."));

    long expected = 3
        + (3 + 1 + O200K.countTokensOrdinary("Where is my order?"))
        + (3 + 1 + O200K.countTokensOrdinary("lookup_order") + O200K.countTokensOrdinary("{\"order_id\":\"A-1042\"}"))
        + (3 + 1 + O200K.countTokensOrdinary("Shipped on Monday."));
    assertThat(counter.countInputTokens("openai", "gpt-4o-mini", messages)).isEqualTo(expected).isEqualTo(36);
  }

  @Test
  void countMessages_claude_scalesTheWholeChat() {
    List<GenAiMessage> messages =
        List.of(GenAiMessage.system("You answer support tickets."), GenAiMessage.user("Where is my order?"));

    assertThat(counter.count(messages, "anthropic", "claude-opus-4-1"))
        .isEqualTo(new TokenCount(26, "cl100k_base*1.20", true)); // ceil(21 x 1.2)
  }

  @Test
  void blankInputs_countZero() {
    assertThat(counter.count((String) null, "openai", "gpt-4o")).isEqualTo(new TokenCount(0, "o200k_base", false));
    assertThat(counter.count("", "openai", "gpt-4o").count()).isZero();
    assertThat(counter.count((List<GenAiMessage>) null, "openai", "gpt-4o").count()).isZero();
    assertThat(counter.count(List.of(), "openai", "gpt-4o").count()).isZero();
    assertThat(counter.countInputTokens("openai", "gpt-4o", List.of())).isZero();
    // A message without content still costs its framing.
    assertThat(counter.countInputTokens("openai", "gpt-4o", List.of(GenAiMessage.user("")))).isEqualTo(3 + 1 + 3);
    assertThat(counter.count("   ", "openai", "gpt-4o").count()).isEqualTo(O200K.countTokensOrdinary("   "));
  }

  @Test
  void failingEncoding_countsMinusOneAndNeverThrows() {
    JtokkitTokenCounter broken = new JtokkitTokenCounter(new FailingRegistry());
    List<GenAiMessage> messages = List.of(GenAiMessage.user("hi"));

    assertThat(broken.count("hello", "openai", "gpt-4o")).isEqualTo(new TokenCount(-1, "o200k_base", false));
    assertThat(broken.count(messages, "anthropic", "claude-3-haiku").count()).isEqualTo(-1);
    assertThat(broken.countInputTokens("openai", "gpt-4o", messages)).isEqualTo(-1);
    assertThat(broken.count("", "openai", "gpt-4o").count()).isZero();
    assertThat(broken.count("hello", "openai", "gpt-4o").isKnown()).isFalse();
  }

  @Test
  void hugeAndHostileInputs_neverThrow() {
    String huge = "lorem ipsum dolor sit amet ".repeat(20_000);
    assertThat(counter.count(huge, "openai", "gpt-4o").count()).isEqualTo(O200K.countTokensOrdinary(huge));
    assertThat(counter.count("x", "openai", "g".repeat(10_000)).estimate()).isTrue();
    assertThat(counter.count("\uD800 lone surrogate", "openai", "gpt-4o").count()).isPositive();
  }

  @Test
  void count_isThreadSafe() throws Exception {
    String text = "The quick brown fox jumps over the lazy dog. ".repeat(50);
    long expected = O200K.countTokensOrdinary(text);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Long>> futures = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        JtokkitTokenCounter fresh = new JtokkitTokenCounter();
        futures.add(pool.submit(() -> fresh.count(text, "openai", "gpt-4o").count()));
      }
      for (Future<Long> f : futures) {
        assertThat(f.get()).isEqualTo(expected);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void tokenCount_rejectsBelowMinusOne() {
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
        .isThrownBy(() -> new TokenCount(-2, "o200k_base", false))
        .withMessage("count < -1");
  }

  /** A registry whose encodings cannot be loaded. */
  private static final class FailingRegistry implements EncodingRegistry {
    @Override
    public Optional<Encoding> getEncoding(String encodingName) {
      throw new IllegalStateException("vocabulary missing");
    }

    @Override
    public Encoding getEncoding(EncodingType encodingType) {
      throw new IllegalStateException("vocabulary missing");
    }

    @Override
    public Optional<Encoding> getEncodingForModel(String modelName) {
      throw new IllegalStateException("vocabulary missing");
    }

    @Override
    public Encoding getEncodingForModel(ModelType modelType) {
      throw new IllegalStateException("vocabulary missing");
    }

    @Override
    public EncodingRegistry registerGptBytePairEncoding(GptBytePairEncodingParams parameters) {
      return this;
    }

    @Override
    public EncodingRegistry registerCustomEncoding(Encoding encoding) {
      return this;
    }
  }
}
