package io.lockn.langchain4j;

import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatRequestOptions;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.PartialThinkingContext;
import dev.langchain4j.model.chat.response.PartialToolCall;
import dev.langchain4j.model.chat.response.PartialToolCallContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import io.lockn.core.LlmCall;
import io.lockn.core.LockN;
import io.lockn.core.spi.UsageLogger;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * A {@link StreamingChatModel} that records each call, its time to first chunk and its final usage, and asks the
 * budget before it (see {@link InstrumentedChatModel}). The span is never bound to a thread: chunks and completion
 * arrive on the HTTP client's threads.
 */
final class InstrumentedStreamingChatModel implements StreamingChatModel {

  private final StreamingChatModel delegate;
  private final LockN lockn;

  InstrumentedStreamingChatModel(StreamingChatModel delegate, LockN lockn) {
    this.delegate = delegate;
    this.lockn = lockn;
  }

  @Override
  public void chat(ChatRequest request, ChatRequestOptions options, StreamingChatResponseHandler handler) {
    LlmCall call = start(request);
    if (call == null) {
      delegate.chat(request, options, handler);
      return;
    }
    ObservingHandler observing = new ObservingHandler(handler, call);
    try {
      delegate.chat(
          ModelDecorators.admitted(request, call, defaults()), ModelDecorators.withCall(options, call), observing);
    } catch (RuntimeException | Error e) {
      observing.failed(e);
      throw e;
    }
  }

  private @Nullable LlmCall start(ChatRequest request) {
    return ModelDecorators.start(lockn, delegate.provider(), request, defaults(), true);
  }

  private @Nullable ChatRequestParameters defaults() {
    return ModelDecorators.defaults(delegate::defaultRequestParameters);
  }


  @Override
  public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
    delegate.doChat(request, handler);
  }

  @Override
  public ChatRequestParameters defaultRequestParameters() {
    return delegate.defaultRequestParameters();
  }

  @Override
  public List<ChatModelListener> listeners() {
    return delegate.listeners();
  }

  @Override
  public ModelProvider provider() {
    return delegate.provider();
  }

  @Override
  public Set<Capability> supportedCapabilities() {
    return delegate.supportedCapabilities();
  }

  @Override
  public String toString() {
    return "LockN(" + delegate + ")";
  }

  /**
   * Forwards every callback unchanged, noting the first chunk and finishing the span exactly once on completion or
   * error. The application's handler runs after LockN has recorded, and its exceptions pass through untouched.
   */
  static final class ObservingHandler implements StreamingChatResponseHandler {

    private final StreamingChatResponseHandler delegate;
    private final LlmCall call;
    private final AtomicBoolean firstChunk = new AtomicBoolean();
    private final AtomicBoolean finished = new AtomicBoolean();

    ObservingHandler(StreamingChatResponseHandler delegate, LlmCall call) {
      this.delegate = delegate;
      this.call = call;
    }

    private void chunk() {
      if (!firstChunk.get() && firstChunk.compareAndSet(false, true)) {
        try {
          call.firstChunkReceived();
        } catch (Throwable t) {
          UsageLogger.failed("recording the first chunk", t);
        }
      }
    }

    void failed(Throwable error) {
      if (finished.compareAndSet(false, true)) {
        try {
          call.recordException(error);
        } catch (Throwable t) {
          UsageLogger.failed("recording a LangChain4j stream error", t);
        }
        call.close();
      }
    }

    @Override
    public void onPartialResponse(String partialResponse) {
      chunk();
      delegate.onPartialResponse(partialResponse);
    }

    @Override
    public void onPartialResponse(PartialResponse partialResponse, PartialResponseContext context) {
      chunk();
      delegate.onPartialResponse(partialResponse, context);
    }

    @Override
    public void onPartialThinking(PartialThinking partialThinking) {
      chunk();
      delegate.onPartialThinking(partialThinking);
    }

    @Override
    public void onPartialThinking(PartialThinking partialThinking, PartialThinkingContext context) {
      chunk();
      delegate.onPartialThinking(partialThinking, context);
    }

    @Override
    public void onPartialToolCall(PartialToolCall partialToolCall) {
      chunk();
      delegate.onPartialToolCall(partialToolCall);
    }

    @Override
    public void onPartialToolCall(PartialToolCall partialToolCall, PartialToolCallContext context) {
      chunk();
      delegate.onPartialToolCall(partialToolCall, context);
    }

    @Override
    public void onCompleteToolCall(CompleteToolCall completeToolCall) {
      chunk();
      delegate.onCompleteToolCall(completeToolCall);
    }

    @Override
    public void onUnmappedRawEvent(Object event) {
      delegate.onUnmappedRawEvent(event);
    }

    @Override
    public void onCompleteResponse(ChatResponse response) {
      if (finished.compareAndSet(false, true)) {
        try {
          ModelCalls.recordResponse(call, response);
        } catch (Throwable t) {
          UsageLogger.failed("recording a LangChain4j streamed response", t);
        }
        call.close();
      }
      delegate.onCompleteResponse(response);
    }

    @Override
    public void onError(Throwable error) {
      failed(error);
      delegate.onError(error);
    }
  }
}
