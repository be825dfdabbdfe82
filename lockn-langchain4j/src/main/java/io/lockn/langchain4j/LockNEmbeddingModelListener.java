package io.lockn.langchain4j;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.listener.EmbeddingModelErrorContext;
import dev.langchain4j.model.embedding.listener.EmbeddingModelListener;
import dev.langchain4j.model.embedding.listener.EmbeddingModelRequestContext;
import dev.langchain4j.model.embedding.listener.EmbeddingModelResponseContext;
import dev.langchain4j.model.output.Response;
import io.lockn.core.LlmCall;
import io.lockn.core.LockN;
import io.lockn.core.TokenUsage;
import io.lockn.core.spi.UsageLogger;
import io.lockn.langchain4j.internal.CallParents;
import io.lockn.langchain4j.internal.Providers;
import io.lockn.langchain4j.internal.Usages;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Records every call of the embedding model it is registered on as a LockN {@code embeddings} span. */
final class LockNEmbeddingModelListener implements EmbeddingModelListener {

  private static final Object CALL_KEY = new Object();

  private final LockN lockn;

  LockNEmbeddingModelListener(LockN lockn) {
    this.lockn = lockn;
  }

  @Override
  public void onRequest(EmbeddingModelRequestContext context) {
    try {
      EmbeddingModel model = context.embeddingModel();
      String modelName = context.embeddingRequest() != null ? context.embeddingRequest().modelName() : null;
      if (modelName == null && model != null) {
        modelName = model.modelName();
      }
      LlmCall call =
          lockn
              .embeddings(Providers.name(context.modelProvider()), modelName == null ? ModelCalls.UNKNOWN_MODEL : modelName)
              .parent(CallParents.forSpan())
              .unenforced()
              .startDetached();
      context.attributes().put(CALL_KEY, call);
    } catch (Throwable t) {
      UsageLogger.failed("LangChain4j embedding onRequest", t);
    }
  }

  @Override
  public void onResponse(EmbeddingModelResponseContext context) {
    try {
      if (!(context.attributes().get(CALL_KEY) instanceof LlmCall call)) {
        return;
      }
      dev.langchain4j.model.output.TokenUsage lc4jUsage = null;
      String responseModel = null;
      if (context.embeddingResponse() != null) {
        lc4jUsage = context.embeddingResponse().tokenUsage();
        responseModel = context.embeddingResponse().modelName();
      }
      Response<List<Embedding>> response = context.response();
      if (lc4jUsage == null && response != null) {
        lc4jUsage = response.tokenUsage();
      }
      TokenUsage usage = Usages.from(lc4jUsage);
      if (usage != null) {
        call.recordUsage(usage);
      }
      if (responseModel != null) {
        call.responseModel(responseModel);
      }
      int dimensions = dimensions(response);
      if (dimensions > 0) {
        call.embeddingDimensions(dimensions);
      }
      call.close();
    } catch (Throwable t) {
      UsageLogger.failed("LangChain4j embedding onResponse", t);
    }
  }

  private static int dimensions(@Nullable Response<List<Embedding>> response) {
    if (response == null || response.content() == null || response.content().isEmpty()) {
      return 0;
    }
    Embedding first = response.content().get(0);
    return first == null ? 0 : first.dimension();
  }

  @Override
  public void onError(EmbeddingModelErrorContext context) {
    try {
      if (context.attributes().get(CALL_KEY) instanceof LlmCall call) {
        call.recordException(context.error());
        call.close();
      }
    } catch (Throwable t) {
      UsageLogger.failed("LangChain4j embedding onError", t);
    }
  }
}
