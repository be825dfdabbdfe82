package io.lockn.benchmarks;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import io.lockn.compression.Compression;
import io.lockn.compression.CompressionStrategy;
import io.lockn.compression.tokens.JtokkitTokenCounter;
import io.lockn.core.GenAiMessage;
import io.lockn.core.MessagePart;
import io.lockn.core.spi.TokenCounter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What {@link Compression#measure} adds around a compression step, and LockN's token counting against jtokkit's.
 *
 * <ul>
 *   <li>{@code directStep} against {@code measureStep}: the step called directly, and through {@code measure} with a
 *       {@link TokenCounter} that answers a constant, so only LockN's own work is measured (its span with the stub
 *       exporter and always-on sampler of {@link LlmCallOverheadBenchmark}, attributes, and the step metrics).
 *       Target: at most 1 µs of overhead.
 *   <li>{@code jtokkitText} against {@code lockNText}: one 1.1 kB English prompt counted with jtokkit's {@code
 *       o200k_base} {@link Encoding#countTokensOrdinary}, and with {@link JtokkitTokenCounter#count(String, String,
 *       String)} for {@code gpt-4o} (which picks the same encoding). Target: LockN at least 0.9x jtokkit's
 *       throughput.
 *   <li>{@code jtokkitMessages} against {@code lockNMessages}: a four-message chat, counted by hand on jtokkit with
 *       OpenAI's per-message overhead (3 tokens a message plus its role, 3 for the reply priming), and with {@link
 *       JtokkitTokenCounter#countInputTokens}. Same target.
 * </ul>
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar CompressionBenchmark -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(2)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CompressionBenchmark {

  static final String PROMPT =
      "You are a support assistant for an online bookshop. A customer writes: I ordered three paperbacks on Monday "
          + "with express delivery, paid 14.90 EUR for shipping, and the tracking page has said 'label created' for "
          + "four days. Two of the books are gifts for a birthday on Saturday. Can you tell me where the parcel is, "
          + "whether it will arrive before the weekend, and if not, whether you can refund the express shipping or "
          + "send replacements by courier? My order number is 58-22190-B and the postcode is 75011. Please answer "
          + "in French if you can, and keep it short; I am reading this on my phone. Previous conversation summary: "
          + "the customer contacted us last month about a damaged dust jacket and accepted a 5 EUR voucher, which "
          + "has not been used yet. Policy reminders: express shipping is refunded when a parcel is more than two "
          + "business days late; replacements by courier need a supervisor's approval above 40 EUR; vouchers can "
          + "be combined with refunds. Tools available: order_lookup(order_id), carrier_status(tracking_id), "
          + "refund_shipping(order_id, reason), escalate(order_id, note).";

  private OpenTelemetrySdk sdk;
  private Compression compression;
  private Function<String, String> step;
  private String compressed;
  private JtokkitTokenCounter counter;
  private Encoding o200k;
  private List<GenAiMessage> messages;

  /** Builds the SDK, the compression and the inputs once; loads the o200k_base vocabulary before measuring. */
  @Setup(Level.Trial)
  public void setUp() {
    sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .setSampler(Sampler.alwaysOn())
                    .addSpanProcessor(
                        SimpleSpanProcessor.create(new LlmCallOverheadBenchmark.StubSpanExporter()))
                    .build())
            .setMeterProvider(
                SdkMeterProvider.builder()
                    .registerMetricReader(
                        PeriodicMetricReader.builder(new LlmCallOverheadBenchmark.StubMetricExporter())
                            .setInterval(Duration.ofHours(1))
                            .build())
                    .build())
            .build();
    compression = Compression.builder(sdk).setTokenCounter(new ConstantTokenCounter(300)).build();
    compressed = PROMPT.substring(0, PROMPT.length() / 2);
    String result = compressed;
    step = input -> result;
    counter = new JtokkitTokenCounter();
    o200k = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
    messages =
        List.of(
            GenAiMessage.system("You are a support assistant for an online bookshop. Answer briefly."),
            GenAiMessage.user(PROMPT),
            GenAiMessage.assistant("Je regarde votre commande 58-22190-B tout de suite."),
            GenAiMessage.user("Merci. Et le bon de 5 EUR, je peux l'utiliser aussi ?"));
    if (counter.count(PROMPT, "openai", "gpt-4o").count() != o200k.countTokensOrdinary(PROMPT)
        || counter.countInputTokens("openai", "gpt-4o", messages) != jtokkitMessages()) {
      throw new IllegalStateException("LockN and jtokkit disagree on the count; the comparison would be unfair");
    }
  }

  /** Flushes and closes the SDK. */
  @TearDown(Level.Trial)
  public void tearDown() {
    sdk.shutdown().join(10, TimeUnit.SECONDS);
  }

  /**
   * The baseline: the compression step called directly.
   *
   * @return the step's output
   */
  @Benchmark
  public String directStep() {
    return step.apply(PROMPT);
  }

  /**
   * The same step through {@link Compression#measure}, with a constant token counter.
   *
   * @return the step's output
   */
  @Benchmark
  public String measureStep() {
    return compression.measure(CompressionStrategy.CONTEXT_DISTILLATION, "gpt-4o", PROMPT, step);
  }

  /**
   * jtokkit alone on the prompt.
   *
   * @return the token count
   */
  @Benchmark
  public long jtokkitText() {
    return o200k.countTokensOrdinary(PROMPT);
  }

  /**
   * LockN's counter on the prompt.
   *
   * @return the token count
   */
  @Benchmark
  public long lockNText() {
    return counter.count(PROMPT, "openai", "gpt-4o").count();
  }

  /**
   * jtokkit alone on the chat, with OpenAI's per-message overhead written by hand.
   *
   * @return the token count
   */
  @Benchmark
  public long jtokkitMessages() {
    long tokens = JtokkitTokenCounter.TOKENS_REPLY_PRIMING;
    for (int i = 0; i < messages.size(); i++) {
      GenAiMessage message = messages.get(i);
      tokens += JtokkitTokenCounter.TOKENS_PER_MESSAGE + o200k.countTokensOrdinary(message.role());
      for (MessagePart part : message.parts()) {
        tokens += o200k.countTokensOrdinary(((MessagePart.Text) part).content());
      }
    }
    return tokens;
  }

  /**
   * LockN's counter on the chat.
   *
   * @return the token count
   */
  @Benchmark
  public long lockNMessages() {
    return counter.countInputTokens("openai", "gpt-4o", messages);
  }

  /** Answers the same count for everything: measurement without tokenization. */
  static final class ConstantTokenCounter implements TokenCounter {
    private final long tokens;

    ConstantTokenCounter(long tokens) {
      this.tokens = tokens;
    }

    @Override
    public long countInputTokens(String provider, String model, List<GenAiMessage> messages) {
      return tokens;
    }
  }
}
