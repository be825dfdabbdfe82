package io.lockn.langchain4j;

import dev.langchain4j.model.chat.listener.ChatModelErrorContext;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelRequestContext;
import dev.langchain4j.model.chat.listener.ChatModelResponseContext;
import io.lockn.core.LlmCall;
import io.lockn.core.LockN;
import io.lockn.core.spi.UsageLogger;
import io.lockn.langchain4j.internal.Providers;

/**
 * Records every call of the chat or streaming model it is registered on as a LockN inference span.
 *
 * <p>A listener cannot stop or change LangChain4j's call, so the call is recorded {@link
 * io.lockn.core.LlmCallSpec#unenforced() unenforced}: a budget block shows on the span ({@code
 * lockn.budget.enforced=false}) and the call's usage and cost are still recorded. Only the decorator enforces blocks.
 *
 * <p>The span is started detached in {@link #onRequest} and kept in the call's listener attributes, never in a
 * thread-bound scope: a streaming response completes on another thread. When the model is also wrapped by {@link
 * LockNLangChain4j#decorate}, the decorator owns the span and this listener does nothing.
 */
final class LockNChatModelListener implements ChatModelListener {

  private final LockN lockn;

  LockNChatModelListener(LockN lockn) {
    this.lockn = lockn;
  }

  @Override
  public void onRequest(ChatModelRequestContext context) {
    try {
      if (context.attributes().containsKey(ModelCalls.CALL_KEY)) {
        return;
      }
      LlmCall call =
          ModelCalls.spec(lockn, Providers.name(context.modelProvider()), context.chatRequest(), null, false)
              .unenforced()
              .startDetached();
      context.attributes().put(ModelCalls.CALL_KEY, new OwnedByListener(call));
    } catch (Throwable t) {
      UsageLogger.failed("LangChain4j onRequest", t);
    }
  }

  @Override
  public void onResponse(ChatModelResponseContext context) {
    try {
      if (context.attributes().get(ModelCalls.CALL_KEY) instanceof OwnedByListener owned) {
        LlmCall call = owned.call;
        ModelCalls.recordResponse(call, context.chatResponse());
        call.close();
      }
    } catch (Throwable t) {
      UsageLogger.failed("LangChain4j onResponse", t);
    }
  }

  @Override
  public void onError(ChatModelErrorContext context) {
    try {
      if (context.attributes().get(ModelCalls.CALL_KEY) instanceof OwnedByListener owned) {
        owned.call.recordException(context.error());
        owned.call.close();
      }
    } catch (Throwable t) {
      UsageLogger.failed("LangChain4j onError", t);
    }
  }

  /** The call this listener started, told apart from a decorator's, which the decorator finishes itself. */
  record OwnedByListener(LlmCall call) {}

  @Override
  public String toString() {
    return "LockNChatModelListener{" + lockn + "}";
  }
}
