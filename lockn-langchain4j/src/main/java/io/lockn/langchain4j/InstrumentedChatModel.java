package io.lockn.langchain4j;

import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.ChatRequestOptions;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.lockn.core.LlmCall;
import io.lockn.core.LockN;
import io.lockn.core.spi.UsageLogger;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A {@link ChatModel} that records each call and asks the budget before it: a block throws {@link
 * io.lockn.core.BudgetExceededException} before any request leaves, a downgrade sends the admitted model instead.
 */
final class InstrumentedChatModel implements ChatModel {

  private final ChatModel delegate;
  private final LockN lockn;

  InstrumentedChatModel(ChatModel delegate, LockN lockn) {
    this.delegate = delegate;
    this.lockn = lockn;
  }

  @Override
  public ChatResponse chat(ChatRequest request, ChatRequestOptions options) {
    LlmCall call = start(request);
    if (call == null) {
      return delegate.chat(request, options);
    }
    ChatResponse response;
    try {
      response = delegate.chat(admitted(request, call), ModelDecorators.withCall(options, call));
    } catch (RuntimeException | Error e) {
      call.recordException(e);
      call.close();
      throw e;
    }
    try {
      ModelCalls.recordResponse(call, response);
    } catch (Throwable t) {
      UsageLogger.failed("recording a LangChain4j response", t);
    }
    call.close();
    return response;
  }

  private @Nullable LlmCall start(ChatRequest request) {
    return ModelDecorators.start(lockn, delegate.provider(), request, defaults(), false);
  }

  private @Nullable ChatRequestParameters defaults() {
    return ModelDecorators.defaults(delegate::defaultRequestParameters);
  }


  private ChatRequest admitted(ChatRequest request, LlmCall call) {
    return ModelDecorators.admitted(request, call, defaults());
  }

  @Override
  public ChatResponse doChat(ChatRequest request) {
    return delegate.doChat(request);
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
}
