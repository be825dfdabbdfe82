package io.lockn.springai;

import io.lockn.springai.internal.StreamedUsages;
import java.util.Objects;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import reactor.core.publisher.Flux;

/**
 * A {@link ChatModel} that gives LockN the provider's own usage of <b>streamed</b> responses, so that a streamed
 * call's span is priced with its cache reads and writes and reasoning tokens, exactly as a blocking call's.
 *
 * <p>Why it exists: Spring AI 2.0.1 ends a streamed call's observation with the response {@code MessageAggregator}
 * builds, which keeps only the prompt, completion and total counts. Without this decorator, {@link
 * LockNObservationHandler} prices a streamed span as if every prompt token were uncached input (the budget advisor
 * settles exactly either way, from the provider's last chunk). Provider models such as {@code OpenAiChatModel} are
 * final classes, so LockN cannot do this behind the application's back: build the {@code ChatClient} on the
 * decorated model.
 *
 * <pre>{@code
 * ChatClient client = chatClientBuilderConfigurer.configure(
 *     ChatClient.builder(LockNChatModel.decorate(openAiChatModel), observationRegistry, null, null)).build();
 * }</pre>
 *
 * <p>Blocking calls and options pass through unchanged; a stream's chunks, errors and cancellation pass through
 * unchanged too (LockN only looks at each chunk's usage, bounded, and never throws into the stream).
 */
public final class LockNChatModel implements ChatModel {

  private final ChatModel delegate;

  private LockNChatModel(ChatModel delegate) {
    this.delegate = delegate;
  }

  /**
   * Decorates a chat model; decorating twice returns the same decorator.
   *
   * @param model the provider's chat model
   * @return a chat model whose streamed usage LockN sees in full
   */
  public static ChatModel decorate(ChatModel model) {
    Objects.requireNonNull(model, "model");
    return model instanceof LockNChatModel ? model : new LockNChatModel(model);
  }

  @Override
  public ChatResponse call(Prompt prompt) {
    return delegate.call(prompt);
  }

  @Override
  public Flux<ChatResponse> stream(Prompt prompt) {
    return delegate.stream(prompt).doOnNext(StreamedUsages::capture);
  }

  @Override
  public ChatOptions getOptions() {
    return delegate.getOptions();
  }

  @Override
  @SuppressWarnings("removal")
  public ChatOptions getDefaultOptions() {
    return delegate.getDefaultOptions();
  }

  @Override
  public String toString() {
    return "LockNChatModel{" + delegate + "}";
  }
}
