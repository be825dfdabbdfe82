package io.lockn.springai;

import io.lockn.compression.Compression;
import io.lockn.compression.CompressionSpec;
import io.lockn.core.spi.UsageLogger;
import io.lockn.springai.internal.SpringAiMessages;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.springframework.ai.chat.client.ChatClientRequest;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.client.advisor.api.CallAdvisor;
import org.springframework.ai.chat.client.advisor.api.CallAdvisorChain;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisor;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisorChain;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.core.Ordered;
import reactor.core.publisher.Flux;

/**
 * A ChatClient advisor (needs {@code lockn-compression}) that compresses the prompt's messages before each model
 * round trip and measures the step with {@link Compression}: a {@code compress {strategy}} span with the input tokens
 * before and after, the ratio and the step's duration, and the compression metrics.
 *
 * <pre>{@code
 * LockNCompressionAdvisor.builder(compression, "context_trimming", messages -> trimmer.trim(messages))
 *     .when(request -> "compressed".equals(request.context().get(LockNExperimentAdvisor.GROUP)))   // A/B
 *     .build();
 * }</pre>
 *
 * <p>Its {@link #DEFAULT_ORDER} runs it inside Spring AI's tool loop (the history grows with every round trip) and
 * before {@link LockNBudgetAdvisor}, so that the budget reserves for the compressed prompt. The compressor's
 * exception fails the call unchanged; LockN's own failures leave the prompt as it was.
 */
public final class LockNCompressionAdvisor implements CallAdvisor, StreamAdvisor {

  /** After Spring AI's ToolCallingAdvisor ({@code +300}), before {@link LockNBudgetAdvisor} ({@code +400}). */
  public static final int DEFAULT_ORDER = Ordered.HIGHEST_PRECEDENCE + 350;

  private final Compression compression;
  private final String strategy;
  private final UnaryOperator<List<Message>> compressor;
  private final Predicate<ChatClientRequest> when;
  private final String provider;
  private final int order;

  private LockNCompressionAdvisor(Builder b) {
    this.compression = b.compression;
    this.strategy = b.strategy;
    this.compressor = b.compressor;
    this.when = b.when;
    this.provider = b.provider;
    this.order = b.order;
  }

  /**
   * A builder.
   *
   * @param compression the measuring instance (its token counter counts the messages)
   * @param strategy the strategy name, e.g. {@code context_distillation}
   * @param compressor the compression of the prompt's messages
   * @return the builder
   */
  public static Builder builder(
      Compression compression, String strategy, UnaryOperator<List<Message>> compressor) {
    return new Builder(compression, strategy, compressor);
  }

  @Override
  public String getName() {
    return "LockN Compression Advisor " + strategy;
  }

  @Override
  public int getOrder() {
    return order;
  }

  @Override
  public ChatClientResponse adviseCall(ChatClientRequest request, CallAdvisorChain chain) {
    return chain.nextCall(compress(request));
  }

  @Override
  public Flux<ChatClientResponse> adviseStream(ChatClientRequest request, StreamAdvisorChain chain) {
    return Flux.defer(() -> chain.nextStream(compress(request)));
  }

  private ChatClientRequest compress(ChatClientRequest request) {
    if (!when.test(request)) {
      return request;
    }
    List<Message> original = request.prompt().getInstructions();
    ChatOptions options = request.prompt().getOptions();
    String model = options != null && options.getModel() != null ? options.getModel() : "unknown";
    CompressionSpec spec = compression.step(strategy).provider(provider).model(model);
    List<Message> compressed = spec.measure(original, compressor,
        messages -> SpringAiMessages.from(messages == null ? List.of() : messages));
    if (compressed == null || compressed == original) {
      return request;
    }
    try {
      return request.mutate().prompt(request.prompt().mutate().messages(compressed).build()).build();
    } catch (RuntimeException e) {
      UsageLogger.failed("replacing the compressed prompt", e);
      return request;
    }
  }

  @Override
  public String toString() {
    return "LockNCompressionAdvisor{" + strategy + ", order=" + order + "}";
  }

  /** Builds a {@link LockNCompressionAdvisor}. */
  public static final class Builder {
    private final Compression compression;
    private final String strategy;
    private final UnaryOperator<List<Message>> compressor;
    private Predicate<ChatClientRequest> when = r -> true;
    private String provider = "openai";
    private int order = DEFAULT_ORDER;

    private Builder(Compression compression, String strategy, UnaryOperator<List<Message>> compressor) {
      this.compression = Objects.requireNonNull(compression, "compression");
      this.strategy = Objects.requireNonNull(strategy, "strategy");
      this.compressor = Objects.requireNonNull(compressor, "compressor");
      if (strategy.isBlank()) {
        throw new IllegalArgumentException("strategy is blank");
      }
    }

    /**
     * Compresses only the requests that pass, for example the {@code compressed} group of an experiment.
     *
     * @param when the condition
     * @return this builder
     */
    public Builder when(Predicate<ChatClientRequest> when) {
      this.when = Objects.requireNonNull(when, "when");
      return this;
    }

    /**
     * The provider passed to the token counter ({@code openai} by default).
     *
     * @param provider {@code gen_ai.provider.name}
     * @return this builder
     */
    public Builder provider(String provider) {
      this.provider = Objects.requireNonNull(provider, "provider");
      return this;
    }

    /**
     * The advisor order.
     *
     * @param order the order
     * @return this builder
     */
    public Builder order(int order) {
      this.order = order;
      return this;
    }

    /**
     * Builds the advisor.
     *
     * @return the advisor
     */
    public LockNCompressionAdvisor build() {
      return new LockNCompressionAdvisor(this);
    }
  }
}
