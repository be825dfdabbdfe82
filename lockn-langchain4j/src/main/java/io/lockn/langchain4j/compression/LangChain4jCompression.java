package io.lockn.langchain4j.compression;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.memory.ChatMemory;
import dev.langchain4j.model.chat.request.ChatRequest;
import io.lockn.compression.Compression;
import io.lockn.compression.CompressionSpec;
import io.lockn.core.GenAiMessage;
import io.lockn.langchain4j.internal.CallParents;
import io.lockn.langchain4j.internal.Messages;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Measures LangChain4j's two compression points with {@link Compression}: a {@code chatRequestTransformer} (prompt
 * compression, context distillation, de-duplication) and a chat memory's trimming (for example {@code
 * TokenWindowChatMemory}).
 *
 * <pre>{@code
 * LangChain4jCompression measured = LangChain4jCompression.create(compression, "openai", "gpt-4o");
 * Assistant assistant = lc.instrument(AiServices.builder(Assistant.class))
 *     .chatModel(model)
 *     .chatRequestTransformer(measured.transformer("semantic_dedup", dedup))
 *     .chatMemoryProvider(id -> measured.memory(
 *         TokenWindowChatMemory.builder().id(id).maxTokens(4000, estimator).build()))
 *     .build();
 * }</pre>
 *
 * <p>Each measurement is a {@code compress {strategy}} span under the AI Service invocation it belongs to (sibling of
 * the model call it prepares, which is where {@code lockn audit --experiments} and the in-process ROI look for it).
 */
public final class LangChain4jCompression {

  /** The strategy name of a chat memory's window trimming. */
  public static final String MEMORY_WINDOW = "memory_window";

  /** How many messages of untrimmed history a measured memory keeps, at most. */
  public static final int MAX_HISTORY = 10_000;

  private final Compression compression;
  private final String provider;
  private final String model;

  private LangChain4jCompression(Compression compression, String provider, String model) {
    this.compression = compression;
    this.provider = provider;
    this.model = model;
  }

  /**
   * Creates the measurement.
   *
   * @param compression the compression instance (its token counter counts the messages)
   * @param provider {@code gen_ai.provider.name} of the model the messages are for
   * @param model the model the messages are for, used to count tokens
   * @return the measurement
   */
  public static LangChain4jCompression create(Compression compression, String provider, String model) {
    return new LangChain4jCompression(
        Objects.requireNonNull(compression, "compression"),
        Objects.requireNonNull(provider, "provider"),
        Objects.requireNonNull(model, "model"));
  }

  /**
   * A measured request transformer, for {@code AiServices.chatRequestTransformer(UnaryOperator)}.
   *
   * @param strategy the strategy name, e.g. {@code context_distillation}
   * @param transformer the transformer to measure
   * @return the measured transformer
   */
  public UnaryOperator<ChatRequest> transformer(String strategy, UnaryOperator<ChatRequest> transformer) {
    Objects.requireNonNull(strategy, "strategy");
    Objects.requireNonNull(transformer, "transformer");
    return request -> measureRequest(strategy, request, () -> transformer.apply(request));
  }

  /**
   * A measured request transformer that also receives the chat memory id, for {@code
   * AiServices.chatRequestTransformer(BiFunction)}.
   *
   * @param strategy the strategy name
   * @param transformer the transformer to measure
   * @return the measured transformer
   */
  public BiFunction<ChatRequest, Object, ChatRequest> transformer(
      String strategy, BiFunction<ChatRequest, Object, ChatRequest> transformer) {
    Objects.requireNonNull(strategy, "strategy");
    Objects.requireNonNull(transformer, "transformer");
    return (request, memoryId) -> measureRequest(strategy, request, () -> transformer.apply(request, memoryId));
  }

  private ChatRequest measureRequest(String strategy, ChatRequest request, Supplier<ChatRequest> step) {
    return measure(strategy, request, r -> step.get(), r -> r == null ? List.of() : Messages.from(r.messages()));
  }

  /**
   * Wraps a chat memory so that each read of its messages measures its trimming: the original is every message
   * added since it was created or cleared (up to {@link #MAX_HISTORY}), the compressed is what it kept.
   *
   * @param memory the memory, e.g. a {@code TokenWindowChatMemory}
   * @return the measured memory
   */
  public ChatMemory memory(ChatMemory memory) {
    return new MeasuredChatMemory(Objects.requireNonNull(memory, "memory"));
  }

  /** Runs {@code step} measured, under the AI Service invocation working on this thread. */
  private <T> T measure(
      String strategy, T input, UnaryOperator<T> step, Function<? super T, List<GenAiMessage>> asMessages) {
    CompressionSpec spec = compression.step(strategy).provider(provider).model(model);
    Context parent = CallParents.forInvocationStep();
    try (Scope ignored = parent == Context.current() ? Scope.noop() : parent.makeCurrent()) {
      return spec.measure(input, step, asMessages);
    }
  }

  private final class MeasuredChatMemory implements ChatMemory {

    private final ChatMemory delegate;
    private final List<ChatMessage> history = new ArrayList<>();

    MeasuredChatMemory(ChatMemory delegate) {
      this.delegate = delegate;
    }

    @Override
    public Object id() {
      return delegate.id();
    }

    @Override
    public void add(ChatMessage message) {
      synchronized (history) {
        if (history.size() >= MAX_HISTORY) {
          history.remove(0);
        }
        history.add(message);
      }
      delegate.add(message);
    }

    @Override
    public void set(Iterable<ChatMessage> messages) {
      synchronized (history) {
        history.clear();
        for (ChatMessage m : messages) {
          if (history.size() < MAX_HISTORY) {
            history.add(m);
          }
        }
      }
      delegate.set(messages);
    }

    @Override
    public List<ChatMessage> messages() {
      List<ChatMessage> original;
      synchronized (history) {
        original = new ArrayList<>(history);
      }
      // Measured against every message added, not against what the memory kept: that is what trimming saved.
      List<ChatMessage> kept = measure(MEMORY_WINDOW, original, all -> delegate.messages(),
          m -> m == null ? List.of() : Messages.from(m));
      return kept == null ? delegate.messages() : kept;
    }

    @Override
    public void clear() {
      synchronized (history) {
        history.clear();
      }
      delegate.clear();
    }

    @Override
    public String toString() {
      return "Measured(" + delegate + ")";
    }
  }
}
