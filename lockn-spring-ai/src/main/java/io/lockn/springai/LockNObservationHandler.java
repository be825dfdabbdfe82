package io.lockn.springai;

import io.lockn.core.AttributionKeys;
import io.lockn.core.GenAiAttributes;
import io.lockn.core.GenAiOperation;
import io.lockn.core.LlmCall;
import io.lockn.core.LlmCallSpec;
import io.lockn.core.LockN;
import io.lockn.core.LockNAttributes;
import io.lockn.core.LockNScope;
import io.lockn.core.ModelIds;
import io.lockn.core.TokenUsage;
import io.lockn.core.ToolScope;
import io.lockn.core.spi.CallPricing;
import io.lockn.core.spi.EndedCall;
import io.lockn.core.spi.EndedCallBuilder;
import io.lockn.core.spi.UsageLogger;
import io.lockn.springai.internal.SpringAiNames;
import io.lockn.springai.internal.SpringAiUsages;
import io.lockn.springai.internal.StreamedUsages;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.Span;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.observation.ChatModelObservationContext;
import org.springframework.ai.embedding.EmbeddingResponse;
import org.springframework.ai.embedding.observation.EmbeddingModelObservationContext;
import org.springframework.ai.tool.observation.ToolCallingObservationContext;
import org.springframework.util.ClassUtils;

/**
 * Adds LockN to Spring AI's own chat, embedding and tool-calling observations, without replacing the application's
 * observation conventions.
 *
 * <ul>
 *   <li><b>With a tracing bridge</b> (Micrometer Tracing on OpenTelemetry), Spring AI's observation already has a
 *       span: LockN enriches it before it ends, adding only what Spring AI does not emit, so that no attribute is
 *       written twice with two types: {@code gen_ai.provider.name} (Spring AI still emits the deprecated {@code
 *       gen_ai.system}), reasoning tokens and cache writes from the provider's native usage, {@code
 *       lockn.model.substituted}, the budget's admitted model, and {@code gen_ai.tool.name} / {@code
 *       gen_ai.tool.call.id} on tool spans. Usage, cost and attribution are then completed by LockN's span
 *       processors ({@code CostSpanProcessor} reads Spring AI's string usage attributes). Inside a LockN agent, task
 *       or tool ({@link LockNObservations}), chat, embedding and tool spans also get {@code lockn.agent.name} and
 *       {@code lockn.task.name}, as LockN's own spans below an agent do. A call whose span is not sampled (so no span
 *       processor sees it) is priced all the same, with the {@link CallPricing} given: its cost reaches the ledger
 *       and the cost metric whether its trace was sampled or not.
 *   <li><b>Without one</b>, Spring AI's observations have no span; LockN records its own {@code chat}, {@code
 *       embeddings} and {@code execute_tool} spans from them, with the normalised usage.
 * </ul>
 *
 * <p>A streamed call's observation ends with Spring AI's aggregate of the stream, which has no cache or native usage;
 * when the model is decorated with {@link LockNChatModel}, the handler uses the provider's own usage chunk instead.
 *
 * <p>Register it as a bean (Spring Boot adds handler beans to the {@code ObservationRegistry}); the LockN Spring Boot
 * starter does. It must stay a plain handler: a tracing or meter handler would be folded into Boot's handler groups.
 * It never throws into Spring AI.
 */
public final class LockNObservationHandler implements ObservationHandler<Observation.Context> {

  private static final boolean TRACING_BRIDGE =
      ClassUtils.isPresent("io.micrometer.tracing.otel.bridge.OtelSpan", LockNObservationHandler.class.getClassLoader());
  private static final boolean CHAT_CLIENT =
      ClassUtils.isPresent(
          "org.springframework.ai.chat.client.advisor.observation.AdvisorObservationContext",
          LockNObservationHandler.class.getClassLoader());

  /** The key under which LockN keeps its own span in an observation context (no tracing bridge). */
  private static final Class<OwnSpan> OWN_SPAN = OwnSpan.class;
  /** The key under which LockN keeps what it needs to price a model call whose bridged span is not sampled. */
  private static final Class<Unsampled> UNSAMPLED = Unsampled.class;

  private final LockN lockn;
  private final AttributionKeys keys;
  private final CallPricing pricing;

  /**
   * Creates the handler with LockN's default attribution keys.
   *
   * @param lockn the LockN to record with
   */
  public LockNObservationHandler(LockN lockn) {
    this(lockn, AttributionKeys.defaults());
  }

  /**
   * Creates the handler.
   *
   * @param lockn the LockN to record with
   * @param keys the Baggage keys copied onto Spring AI's spans (the tracing bridge starts them without the
   *     caller's Baggage, so {@code AttributionSpanProcessor} cannot see it)
   */
  public LockNObservationHandler(LockN lockn, AttributionKeys keys) {
    this(lockn, keys, CallPricing.none());
  }

  /**
   * Creates the handler.
   *
   * @param lockn the LockN to record with
   * @param keys the Baggage keys copied onto Spring AI's spans (the tracing bridge starts them without the
   *     caller's Baggage, so {@code AttributionSpanProcessor} cannot see it)
   * @param pricing prices the model calls whose bridged span is not sampled, which no span processor sees: the
   *     application's {@code CostPipeline}, the one that prices the sampled spans (the LockN Spring Boot starter
   *     gives it)
   */
  public LockNObservationHandler(LockN lockn, AttributionKeys keys, CallPricing pricing) {
    this.lockn = Objects.requireNonNull(lockn, "lockn");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.pricing = Objects.requireNonNull(pricing, "pricing");
  }

  @Override
  public boolean supportsContext(Observation.Context context) {
    return context instanceof ChatModelObservationContext
        || context instanceof EmbeddingModelObservationContext
        || context instanceof ToolCallingObservationContext;
  }

  @Override
  public void onStart(Observation.Context context) {
    try {
      Span bridged = bridgedSpan(context);
      if (bridged != null) {
        attribute(bridged);
        String agent = null;
        String task = null;
        LockNObservations.OperationContext scope = Bridge.enclosingScope(context);
        if (scope != null) {
          agent = scope.getAgentName();
          task = scope.getTaskName();
          // As on LockN's own spans below an agent (set before the span ends, so the ledger groups it by agent).
          if (agent != null) {
            bridged.setAttribute(LockNAttributes.AGENT_NAME, agent);
          }
          if (task != null) {
            bridged.setAttribute(LockNAttributes.TASK_NAME, task);
          }
        }
        if (!bridged.isRecording() && !(context instanceof ToolCallingObservationContext)) {
          // Not sampled: no span processor will see this call, so it is priced from the observation when it stops.
          Instant now = Instant.now();
          context.put(UNSAMPLED, new Unsampled(now.getEpochSecond() * 1_000_000_000L + now.getNano(),
              keys.toMap(Baggage.current()), agent, task));
        }
        return;
      }
      LockNScope scope = startOwn(context);
      if (scope != null) {
        context.put(OWN_SPAN, new OwnSpan(scope));
      }
    } catch (Throwable t) {
      UsageLogger.failed("Spring AI observation start", t);
    }
  }

  @Override
  public void onError(Observation.Context context) {
    try {
      OwnSpan own = context.get(OWN_SPAN);
      if (own != null && context.getError() != null) {
        own.scope.recordException(context.getError());
      }
    } catch (Throwable t) {
      UsageLogger.failed("Spring AI observation error", t);
    }
  }

  @Override
  public void onStop(Observation.Context context) {
    try {
      OwnSpan own = context.get(OWN_SPAN);
      if (own != null) {
        finishOwn(context, own.scope);
        return;
      }
      Span span = bridgedSpan(context);
      if (span != null) {
        // Read once: for a stream it is taken from what LockNChatModel kept, and both uses below need it.
        Usage usage = context instanceof ChatModelObservationContext chat && chat.getResponse() != null
            && chat.getResponse().getMetadata() != null ? providerUsage(chat, chat.getResponse()) : null;
        enrich(context, span, usage);
        Unsampled unsampled = context.get(UNSAMPLED);
        if (unsampled != null) {
          priceUnsampled(context, span, unsampled, usage);
        }
      }
    } catch (Throwable t) {
      UsageLogger.failed("Spring AI observation stop", t);
    }
  }

  // ---- with a tracing bridge ----

  /** The caller's Baggage attribution (allowlisted, sanitised as on LockN's own spans), onto a bridged span. */
  private void attribute(Span span) {
    keys.copy(Baggage.current(), span);
  }


  private void enrich(Observation.Context context, Span span, @Nullable Usage provided) {
    if (context instanceof ChatModelObservationContext chat) {
      span.setAttribute(GenAiAttributes.GEN_AI_PROVIDER_NAME,
          SpringAiNames.provider(chat.getOperationMetadata().provider()));
      ChatResponse response = chat.getResponse();
      if (response != null && response.getMetadata() != null) {
        // What Spring AI's convention wrote on the span comes from `emitted`; LockN adds only what it lacks.
        Usage emitted = response.getMetadata().getUsage();
        TokenUsage usage = SpringAiUsages.from(provided);
        if (usage != null) {
          if (usage.reasoningTokens() > 0) {
            span.setAttribute(GenAiAttributes.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, usage.reasoningTokens());
          }
          if (usage.cacheReadTokens() > 0 && (emitted == null || emitted.getCacheReadInputTokens() == null)) {
            span.setAttribute(GenAiAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, usage.cacheReadTokens());
          }
          if (usage.cacheWriteTokens() > 0 && (emitted == null || emitted.getCacheWriteInputTokens() == null)) {
            span.setAttribute(GenAiAttributes.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS, usage.cacheWriteTokens());
          }
        }
        String requestModel = requestModel(chat);
        String responseModel = response.getMetadata().getModel();
        if (requestModel != null && responseModel != null && !responseModel.isEmpty()
            && !ModelIds.sameFamily(requestModel, responseModel)) {
          span.setAttribute(LockNAttributes.MODEL_SUBSTITUTED, true);
        }
      }
      String admitted = AdmissionMarks.admittedModel(context);
      if (admitted != null) {
        span.setAttribute(LockNAttributes.BUDGET_ADMITTED_MODEL, admitted);
      }
    } else if (context instanceof EmbeddingModelObservationContext embedding) {
      span.setAttribute(GenAiAttributes.GEN_AI_PROVIDER_NAME,
          SpringAiNames.provider(embedding.getOperationMetadata().provider()));
    } else if (context instanceof ToolCallingObservationContext tool) {
      span.setAttribute(GenAiAttributes.GEN_AI_TOOL_NAME, tool.getToolDefinition().name());
      if (!tool.getToolCallId().isEmpty()) {
        span.setAttribute(GenAiAttributes.GEN_AI_TOOL_CALL_ID, tool.getToolCallId());
      }
      span.setAttribute(GenAiAttributes.GEN_AI_TOOL_TYPE, tool.getToolType());
    }
  }

  /**
   * Prices a model call whose bridged span is not sampled, as the cost pipeline prices a sampled one from its
   * attributes: by the usage Spring AI reported (the provider's own for a stream through {@link LockNChatModel}), the
   * response model, else the admitted or requested one, and the Baggage attribution and LockN agent it ran under.
   * Budgets are not charged here: the budget advisor settles its own admissions, sampled or not.
   */
  private void priceUnsampled(Observation.Context context, Span span, Unsampled unsampled, @Nullable Usage usage) {
    EndedCallBuilder call;
    String responseModel = null;
    TokenUsage tokens = null;
    if (context instanceof ChatModelObservationContext chat) {
      String model = requestModel(chat);
      call = EndedCall.builder(GenAiOperation.CHAT, SpringAiNames.provider(chat.getOperationMetadata().provider()),
          model == null ? "" : model);
      String admitted = AdmissionMarks.admittedModel(context);
      if (admitted != null) {
        call.admittedModel(admitted);
      }
      ChatResponse response = chat.getResponse();
      if (response != null && response.getMetadata() != null) {
        tokens = SpringAiUsages.from(usage);
        responseModel = response.getMetadata().getModel();
      }
    } else if (context instanceof EmbeddingModelObservationContext embedding) {
      String model = embedding.getRequest().getOptions() != null
          ? embedding.getRequest().getOptions().getModel() : null;
      call = EndedCall.builder(GenAiOperation.EMBEDDINGS,
          SpringAiNames.provider(embedding.getOperationMetadata().provider()), model == null ? "" : model);
      EmbeddingResponse response = embedding.getResponse();
      if (response != null && response.getMetadata() != null) {
        tokens = SpringAiUsages.from(response.getMetadata().getUsage());
        responseModel = response.getMetadata().getModel();
      }
    } else {
      return;
    }
    Throwable error = context.getError();
    pricing.price(call
        .usage(tokens)
        .responseModel(responseModel == null || responseModel.isEmpty() ? null : responseModel)
        .errorType(error == null ? null : error.getClass().getName())
        .startEpochNanos(unsampled.startEpochNanos())
        .agentName(unsampled.agent())
        .taskName(unsampled.task())
        .attribution(unsampled.attribution())
        .span(span)
        .build());
  }

  // ---- without one ----

  private @Nullable LockNScope startOwn(Observation.Context context) {
    if (context instanceof ChatModelObservationContext chat) {
      String model = requestModel(chat);
      LlmCallSpec spec = lockn.chat(SpringAiNames.provider(chat.getOperationMetadata().provider()),
          model == null ? "unknown" : model);
      if (chat.isStreaming()) {
        spec.stream(true);
      }
      // The budget advisor admitted this call already (and settles it); otherwise record the policy's decision
      // without enforcing it: a handler cannot stop the call.
      String admitted = AdmissionMarks.admittedModel(context);
      if (admitted != null) {
        spec.admittedElsewhere();
      } else {
        spec.unenforced();
      }
      LlmCall call = spec.startDetached();
      if (admitted != null) {
        // As on a bridged span: the request already carries the admitted model, so the core sets none itself.
        call.span().setAttribute(LockNAttributes.BUDGET_ADMITTED_MODEL, admitted);
      }
      return call;
    }
    if (context instanceof EmbeddingModelObservationContext embedding) {
      String model = embedding.getRequest().getOptions() != null
          ? embedding.getRequest().getOptions().getModel() : null;
      return lockn.embeddings(SpringAiNames.provider(embedding.getOperationMetadata().provider()),
          model == null ? "unknown" : model).unenforced().startDetached();
    }
    if (context instanceof ToolCallingObservationContext tool) {
      io.lockn.core.ToolSpec spec = lockn.tool(tool.getToolDefinition().name()).type(tool.getToolType());
      if (!tool.getToolCallId().isEmpty()) {
        spec.callId(tool.getToolCallId());
      }
      spec.arguments(tool.getToolCallArguments());
      return spec.startDetached();
    }
    return null;
  }

  private static void finishOwn(Observation.Context context, LockNScope scope) {
    try {
      if (context instanceof ChatModelObservationContext chat && scope instanceof LlmCall call) {
        ChatResponse response = chat.getResponse();
        if (response != null && response.getMetadata() != null) {
          TokenUsage usage = SpringAiUsages.from(providerUsage(chat, response));
          if (usage != null) {
            call.recordUsage(usage);
          }
          String model = response.getMetadata().getModel();
          if (model != null && !model.isEmpty()) {
            call.responseModel(model);
          }
          String id = response.getMetadata().getId();
          if (id != null && !id.isEmpty()) {
            call.responseId(id);
          }
          List<String> reasons = finishReasons(response);
          if (!reasons.isEmpty()) {
            call.finishReasons(reasons);
          }
        }
      } else if (context instanceof EmbeddingModelObservationContext embedding && scope instanceof LlmCall call) {
        EmbeddingResponse response = embedding.getResponse();
        if (response != null && response.getMetadata() != null) {
          TokenUsage usage = SpringAiUsages.from(response.getMetadata().getUsage());
          if (usage != null) {
            call.recordUsage(usage);
          }
          String model = response.getMetadata().getModel();
          if (model != null && !model.isEmpty()) {
            call.responseModel(model);
          }
        }
      } else if (context instanceof ToolCallingObservationContext tool && scope instanceof ToolScope toolScope) {
        String result = tool.getToolCallResult();
        if (result != null) {
          toolScope.result(result);
        }
      }
    } finally {
      scope.close();
    }
  }

  private static List<String> finishReasons(ChatResponse response) {
    List<String> reasons = new ArrayList<>(1);
    for (Generation g : response.getResults()) {
      String reason = g.getMetadata() != null ? g.getMetadata().getFinishReason() : null;
      if (reason != null && !reason.isEmpty()) {
        reasons.add(SpringAiNames.finishReason(reason));
      }
    }
    return reasons;
  }

  /**
   * The provider's own usage of a call: the response's, or for a stream the one {@link LockNChatModel} kept from
   * the provider's usage chunk (Spring AI's aggregate of a stream drops cache and native usage).
   */
  private static @Nullable Usage providerUsage(ChatModelObservationContext chat, ChatResponse response) {
    Usage aggregated = response.getMetadata().getUsage();
    if (!chat.isStreaming()) {
      return aggregated;
    }
    Usage captured = StreamedUsages.take(response.getMetadata().getId());
    return captured != null ? captured : aggregated;
  }

  private static @Nullable String requestModel(ChatModelObservationContext chat) {
    return chat.getRequest().getOptions() != null ? chat.getRequest().getOptions().getModel() : null;
  }

  /** Spring AI's span for this observation, when a tracing bridge made one. */
  private static @Nullable Span bridgedSpan(Observation.Context context) {
    return TRACING_BRIDGE ? Bridge.span(context) : null;
  }

  /** Loaded only when Micrometer Tracing's OpenTelemetry bridge is on the classpath. */
  private static final class Bridge {
    static LockNObservations.@Nullable OperationContext enclosingScope(Observation.Context context) {
      return LockNObservations.enclosing(context);
    }

    static @Nullable Span span(Observation.Context context) {
      io.micrometer.tracing.handler.TracingObservationHandler.TracingContext tracing =
          context.get(io.micrometer.tracing.handler.TracingObservationHandler.TracingContext.class);
      io.micrometer.tracing.Span span = tracing == null ? null : tracing.getSpan();
      return span instanceof io.micrometer.tracing.otel.bridge.OtelSpan
          ? io.micrometer.tracing.otel.bridge.OtelSpan.toOtel(span) : null;
    }
  }

  /** What LockN's budget advisor left in the ChatClient request the model call belongs to. */
  static final class AdmissionMarks {
    private AdmissionMarks() {}

    static @Nullable String admittedModel(Observation.Context context) {
      return CHAT_CLIENT ? ChatClientMarks.admittedModel(context) : null;
    }
  }

  /** Loaded only when spring-ai-client-chat is on the classpath. */
  private static final class ChatClientMarks {
    static @Nullable String admittedModel(Observation.Context context) {
      int hops = 0;
      for (io.micrometer.observation.ObservationView parent = context.getParentObservation();
          parent != null && hops < 32;
          parent = parent.getContextView().getParentObservation(), hops++) {
        if (parent.getContextView()
            instanceof org.springframework.ai.chat.client.advisor.observation.AdvisorObservationContext advisor) {
          Object admitted = advisor.getChatClientRequest().context().get(LockNBudgetAdvisor.ADMITTED_MODEL);
          if (admitted instanceof String s) {
            return s;
          }
        }
      }
      return null;
    }
  }

  /** LockN's own span of an observation, kept in its context. */
  private record OwnSpan(LockNScope scope) {}

  /** What pricing an unsampled call needs from the start of its observation. */
  private record Unsampled(
      long startEpochNanos, Map<String, String> attribution, @Nullable String agent, @Nullable String task) {}

  @Override
  public String toString() {
    return "LockNObservationHandler{" + lockn + "}";
  }
}
