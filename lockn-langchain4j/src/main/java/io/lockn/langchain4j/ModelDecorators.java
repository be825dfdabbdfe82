package io.lockn.langchain4j;

import dev.langchain4j.model.chat.ChatRequestOptions;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.ModelProvider;
import io.lockn.core.BudgetExceededException;
import io.lockn.core.LlmCall;
import io.lockn.core.LockN;
import io.lockn.langchain4j.internal.Providers;
import io.lockn.core.spi.UsageLogger;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/** What the chat and streaming decorators share: the admitted model and the hand-over to the listener. */
final class ModelDecorators {

  private ModelDecorators() {}

  /**
   * Starts a decorated call's span.
   *
   * @return the call; {@code null} when LockN itself failed (the call then runs unrecorded)
   * @throws io.lockn.core.BudgetExceededException when the budget blocks the call
   */
  static @Nullable LlmCall start(
      LockN lockn, ModelProvider provider, ChatRequest request, @Nullable ChatRequestParameters defaults,
      boolean stream) {
    try {
      return ModelCalls.spec(lockn, Providers.name(provider), request, defaults, stream).startDetached();
    } catch (BudgetExceededException blocked) {
      throw blocked;
    } catch (Throwable t) {
      UsageLogger.failed("starting a LangChain4j call", t);
      return null;
    }
  }

  /**
   * A model's default parameters, or {@code null} when it fails to give them.
   *
   * @param defaults the model's {@code defaultRequestParameters}
   * @return the parameters
   */
  static @Nullable ChatRequestParameters defaults(Supplier<ChatRequestParameters> defaults) {
    try {
      return defaults.get();
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * The options with the decorator's call in the listener attributes, so that a LockN listener registered on the
   * same model does not record the call a second time.
   */
  static ChatRequestOptions withCall(@Nullable ChatRequestOptions options, LlmCall call) {
    Map<Object, Object> attributes =
        options == null ? new HashMap<>(2) : new HashMap<>(options.listenerAttributes());
    attributes.put(ModelCalls.CALL_KEY, call);
    return ChatRequestOptions.builder().listenerAttributes(attributes).build();
  }

  /**
   * The request to send: unchanged, or with the model the budget admitted instead (a THROTTLE downgrade).
   */
  static ChatRequest admitted(ChatRequest request, LlmCall call, @Nullable ChatRequestParameters defaults) {
    try {
      String admitted = call.admittedModel();
      if (admitted.equals(ModelCalls.requestModel(request, defaults))) {
        return request;
      }
      return request.toBuilder().modelName(admitted).build();
    } catch (Throwable t) {
      UsageLogger.failed("applying the admitted model", t);
      return request;
    }
  }
}
