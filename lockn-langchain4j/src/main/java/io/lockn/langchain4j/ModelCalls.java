package io.lockn.langchain4j;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import io.lockn.core.GenAiMessage;
import io.lockn.core.LlmCall;
import io.lockn.core.LlmCallSpec;
import io.lockn.core.LockN;
import io.lockn.core.TokenUsage;
import io.lockn.langchain4j.internal.CallParents;
import io.lockn.langchain4j.internal.Messages;
import io.lockn.langchain4j.internal.Usages;
import io.opentelemetry.context.Context;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Starts and finishes the LockN span of one LangChain4j model call: the one place that maps a {@link ChatRequest}
 * and a {@link ChatResponse} onto {@link LlmCall}, shared by the listener and the model decorators.
 */
final class ModelCalls {

  /** The key under which the span of a call travels in LangChain4j's per-call listener attributes. */
  static final Object CALL_KEY = new Object() {
    @Override
    public String toString() {
      return "io.lockn.langchain4j.call";
    }
  };

  /** The request model when neither the request nor the model's defaults name one. */
  static final String UNKNOWN_MODEL = "unknown";

  private ModelCalls() {}

  /**
   * Describes the call, its parent found by {@link CallParents#forModelCall}.
   *
   * @param lockn the LockN to record with
   * @param provider {@code gen_ai.provider.name}
   * @param request the request: with the model's defaults merged in (a listener), or as the application made it (a
   *     decorator, which passes {@code defaults})
   * @param defaults the model's default parameters, which fill in what the request does not set
   * @param stream whether the response is streamed
   * @return the spec, ready to start
   */
  static LlmCallSpec spec(
      LockN lockn,
      String provider,
      ChatRequest request,
      @Nullable ChatRequestParameters defaults,
      boolean stream) {
    String model = requestModel(request, defaults);
    LlmCallSpec spec = lockn.chat(provider, model);
    Context parent = CallParents.forModelCall(request.messages());
    spec.parent(parent);
    spec.inputMessages(Messages.from(request.messages()));
    ChatRequestParameters p = effective(request.parameters(), defaults);
    if (p != null) {
      if (p.temperature() != null) {
        spec.temperature(p.temperature());
      }
      if (p.topP() != null) {
        spec.topP(p.topP());
      }
      if (p.maxOutputTokens() != null) {
        spec.maxTokens(p.maxOutputTokens());
      }
    }
    if (stream) {
      spec.stream(true);
    }
    return spec;
  }

  /**
   * The parameters the model will send: a decorator sees the application's request before LangChain4j merges the
   * model's defaults ({@code .maxTokens(..)} on the builder) into it, and the budget's estimate needs them.
   */
  private static @Nullable ChatRequestParameters effective(
      @Nullable ChatRequestParameters requested, @Nullable ChatRequestParameters defaults) {
    if (defaults == null || requested == null) {
      return requested != null ? requested : defaults;
    }
    try {
      return defaults.overrideWith(requested);
    } catch (RuntimeException e) {
      return requested;
    }
  }

  static String requestModel(ChatRequest request, @Nullable ChatRequestParameters defaults) {
    String model = request.modelName();
    if (model == null && defaults != null) {
      model = defaults.modelName();
    }
    return model == null || model.isEmpty() ? UNKNOWN_MODEL : model;
  }

  /**
   * Records a response on the call; the caller closes it.
   *
   * @param call the call
   * @param response the response
   */
  static void recordResponse(LlmCall call, @Nullable ChatResponse response) {
    if (response == null) {
      return;
    }
    ChatResponseMetadata metadata = response.metadata();
    if (metadata != null) {
      TokenUsage usage = Usages.from(metadata.tokenUsage());
      if (usage != null) {
        call.recordUsage(usage);
      }
      if (metadata.modelName() != null) {
        call.responseModel(metadata.modelName());
      }
      if (metadata.id() != null) {
        call.responseId(metadata.id());
      }
      if (metadata.finishReason() != null) {
        call.finishReason(Messages.finishReason(metadata.finishReason()));
      }
    }
    AiMessage ai = response.aiMessage();
    if (ai != null) {
      GenAiMessage out = Messages.from(ai, metadata != null ? metadata.finishReason() : null);
      if (out != null) {
        call.outputMessages(List.of(out));
      }
    }
  }
}
