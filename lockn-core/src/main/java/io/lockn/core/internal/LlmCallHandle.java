package io.lockn.core.internal;

import static io.lockn.core.GenAiAttributes.GEN_AI_EMBEDDINGS_DIMENSION_COUNT;
import static io.lockn.core.GenAiAttributes.GEN_AI_OUTPUT_MESSAGES;
import static io.lockn.core.GenAiAttributes.GEN_AI_RESPONSE_FINISH_REASONS;
import static io.lockn.core.GenAiAttributes.GEN_AI_RESPONSE_ID;
import static io.lockn.core.GenAiAttributes.GEN_AI_RESPONSE_MODEL;
import static io.lockn.core.GenAiAttributes.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK;
import static io.lockn.core.GenAiAttributes.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS;
import static io.lockn.core.GenAiAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS;
import static io.lockn.core.GenAiAttributes.GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS;
import static io.lockn.core.GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS;
import static io.lockn.core.GenAiAttributes.GEN_AI_USAGE_OUTPUT_TOKENS;
import static io.lockn.core.GenAiAttributes.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS;

import io.lockn.core.CacheType;
import io.lockn.core.EvaluationResult;
import io.lockn.core.GenAiAttributes;
import io.lockn.core.GenAiMessage;
import io.lockn.core.GenAiOperation;
import io.lockn.core.GenAiProvider;
import io.lockn.core.LlmCall;
import io.lockn.core.LockNAttributes;
import io.lockn.core.LockNListener;
import io.lockn.core.ModelIds;
import io.lockn.core.ModelSubstitution;
import io.lockn.core.SemconvProfile;
import io.lockn.core.TokenUsage;
import io.lockn.core.spi.Admission;
import io.lockn.core.spi.CallPricing;
import io.lockn.core.spi.UsageLogger;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A started model call. Response data may arrive on any thread (streaming), so each field is volatile and written
 * once or last-wins; everything is turned into attributes and metrics once, in {@link #onEnd(long)}.
 */
final class LlmCallHandle extends OperationHandle implements LlmCall {

  private static final int MAX_FINISH_REASONS = 16;

  final GenAiOperation llmOperation;
  final String provider;
  final String requestModel;
  final @Nullable String serverAddress;
  final long serverPort;
  final int attempt;
  final String firstSpanId;
  final int fallbackDepth;
  final long promptKeyHash;
  /** Settled exactly once, in {@link #onEnd}: ending is idempotent. */
  private final Admission admission;
  private final String admittedModel;
  /** The attributes set on the call's spec: attribution set there wins over Baggage, as on the span. */
  final Attributes explicitAttributes;

  private volatile @Nullable TokenUsage usage;
  private volatile @Nullable String responseModel;
  private volatile @Nullable String responseId;
  private volatile @Nullable List<String> finishReasons;
  private volatile @Nullable CacheType cacheType;
  private volatile long firstChunkNanos;
  private volatile int dimensions;
  private volatile @Nullable List<GenAiMessage> outputMessages;
  private volatile long reportedCostNanos = -1;
  private volatile @Nullable String serviceTier;

  LlmCallHandle(
      TracingLockN lockn,
      Span span,
      Context parent,
      GenAiOperation operation,
      String provider,
      String requestModel,
      @Nullable String serverAddress,
      long serverPort,
      @Nullable String agentName,
      @Nullable String taskName,
      int attempt,
      @Nullable String firstSpanId,
      int fallbackDepth,
      long promptKeyHash,
      long startNanos,
      Admission admission,
      String admittedModel,
      Attributes explicitAttributes) {
    super(lockn, span, parent, null, null, agentName, taskName, startNanos);
    this.llmOperation = operation;
    this.provider = provider;
    this.requestModel = requestModel;
    this.serverAddress = serverAddress;
    this.serverPort = serverPort;
    this.attempt = attempt;
    this.firstSpanId = firstSpanId != null ? firstSpanId : span.getSpanContext().getSpanId();
    this.fallbackDepth = fallbackDepth;
    this.promptKeyHash = promptKeyHash;
    this.admission = admission;
    this.admittedModel = admittedModel;
    this.explicitAttributes = explicitAttributes;
  }

  @Override
  public LlmCall recordUsage(TokenUsage usage) {
    if (usage != null) {
      this.usage = usage;
    }
    return this;
  }

  @Override
  public LlmCall providerReportedCost(BigDecimal usd) {
    try {
      if (usd != null && usd.signum() >= 0) {
        this.reportedCostNanos = usd.movePointRight(9).setScale(0, RoundingMode.HALF_EVEN).longValueExact();
      } else {
        UsageLogger.warn("providerReportedCost needs a non-negative amount; ignored");
      }
    } catch (ArithmeticException e) {
      UsageLogger.warn("providerReportedCost " + usd + " is out of range; ignored");
    }
    return this;
  }

  @Override
  public LlmCall serviceTier(String serviceTier) {
    if (serviceTier != null) {
      this.serviceTier = Strings.sanitize(serviceTier, Limits.MAX_ID_LENGTH);
    }
    return this;
  }

  @Override
  public LlmCall responseModel(String responseModel) {
    if (responseModel != null) {
      this.responseModel = Strings.sanitize(responseModel, Limits.MAX_MODEL_LENGTH);
    }
    return this;
  }

  @Override
  public LlmCall responseId(String responseId) {
    if (responseId != null) {
      this.responseId = Strings.sanitize(responseId, Limits.MAX_ID_LENGTH);
    }
    return this;
  }

  @Override
  public LlmCall finishReasons(List<String> finishReasons) {
    try {
      if (finishReasons != null) {
        int n = Math.min(finishReasons.size(), MAX_FINISH_REASONS);
        if (n == finishReasons.size() && clean(finishReasons)) {
          // Nothing to sanitise: List.copyOf keeps an immutable list as it is (the usual List.of) and copies any other.
          this.finishReasons = List.copyOf(finishReasons);
          return this;
        }
        String[] reasons = new String[n];
        int kept = 0;
        for (int i = 0; i < n; i++) {
          String r = Strings.sanitize(finishReasons.get(i), Limits.MAX_ID_LENGTH);
          if (r != null) {
            reasons[kept++] = r;
          }
        }
        this.finishReasons = kept == n ? List.of(reasons) : List.of(java.util.Arrays.copyOf(reasons, kept));
      }
    } catch (Throwable t) {
      UsageLogger.failed("LlmCall.finishReasons", t);
    }
    return this;
  }

  /** Whether every reason is non-null and unchanged by sanitising. */
  private static boolean clean(List<String> reasons) {
    for (int i = 0; i < reasons.size(); i++) {
      String r = reasons.get(i);
      if (r == null || Strings.sanitize(r, Limits.MAX_ID_LENGTH) != r) {
        return false;
      }
    }
    return true;
  }

  @Override
  public LlmCall finishReason(String finishReason) {
    if (finishReason != null) {
      this.finishReasons = List.of(Strings.sanitize(finishReason, Limits.MAX_ID_LENGTH));
    }
    return this;
  }

  @Override
  public LlmCall cacheHit(CacheType type) {
    if (type != null) {
      this.cacheType = type;
    }
    return this;
  }

  @Override
  public LlmCall firstChunkReceived() {
    if (firstChunkNanos == 0) {
      firstChunkNanos = Math.max(1, System.nanoTime());
    }
    return this;
  }

  @Override
  public LlmCall embeddingDimensions(int dimensions) {
    if (dimensions > 0) {
      this.dimensions = dimensions;
    }
    return this;
  }

  @Override
  public LlmCall outputMessages(List<GenAiMessage> messages) {
    try {
      if (messages != null && lockn.contentCapture.isEnabled()) {
        this.outputMessages = MessagesJson.withoutNulls(messages);
      }
    } catch (Throwable t) {
      UsageLogger.failed("LlmCall.outputMessages", t);
    }
    return this;
  }

  @Override
  public LlmCall recordEvaluation(EvaluationResult result) {
    lockn.recordEvaluation(span.getSpanContext(), responseId, result);
    return this;
  }

  @Override
  public String requestModel() {
    return requestModel;
  }

  @Override
  public String admittedModel() {
    return admittedModel;
  }

  @Override
  public @Nullable String responseModel() {
    return responseModel;
  }

  @Override
  public TokenUsage usage() {
    TokenUsage u = usage;
    return u != null ? u : TokenUsage.EMPTY;
  }

  @Override
  public int attempt() {
    return attempt;
  }

  @Override
  public int fallbackDepth() {
    return fallbackDepth;
  }

  @Override
  void onEnd(long endNanos) {
    TokenUsage u = usage;
    String respModel = responseModel;
    String error = errorType;
    String tier = serviceTier;
    CacheType cache = cacheType;
    if (cache == null && u != null && u.cacheReadTokens() > 0) {
      cache = CacheType.PROVIDER;
    }
    // One snapshot for pricing, the budget and the listeners, so that all three see the same call; priced once,
    // sampled or not, before the budget is settled with that cost. Not built when none of them is configured.
    List<LockNListener> listeners = lockn.listeners;
    EndedModelCall ended = null;
    if (lockn.callPricing != CallPricing.none() || admission != Admission.allowed() || !listeners.isEmpty()) {
      ended = new EndedModelCall(this, u, respModel, tier, reportedCostNanos, error, cache, endNanos - startNanos);
      ended.cost(lockn.callPricing.price(ended));
      settleAdmission(ended, u, error);
    }
    List<String> reasons = finishReasons;
    boolean inferred = false;
    if (promptKeyHash != 0 && u != null && error == null) {
      boolean dropped = lockn.cacheInference.observe(promptKeyHash, u.inputTokens());
      inferred = dropped && cache == null;
    }
    // A call a budget throttled to a cheaper model is answered by that model: no substitution.
    boolean substituted = respModel != null && !ModelIds.sameFamily(requestModel, respModel)
        && (admittedModel.equals(requestModel) || !ModelIds.sameFamily(admittedModel, respModel));

    if (span.isRecording()) {
      if (u != null) {
        span.setAttribute(GEN_AI_USAGE_INPUT_TOKENS, u.inputTokens());
        if (llmOperation != GenAiOperation.EMBEDDINGS) {
          span.setAttribute(GEN_AI_USAGE_OUTPUT_TOKENS, u.outputTokens());
        }
        if (u.cacheReadTokens() > 0) {
          span.setAttribute(GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, u.cacheReadTokens());
        }
        if (u.cacheWriteTokens() > 0) {
          span.setAttribute(
              lockn.profile == SemconvProfile.V1_41
                  ? GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS
                  : GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS,
              u.cacheWriteTokens());
        }
        if (u.reasoningTokens() > 0) {
          span.setAttribute(GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, u.reasoningTokens());
        }
        if (u.cacheWrite1hTokens() > 0) {
          span.setAttribute(LockNAttributes.USAGE_CACHE_WRITE_1H_INPUT_TOKENS, u.cacheWrite1hTokens());
        }
      }
      if (respModel != null) {
        span.setAttribute(GEN_AI_RESPONSE_MODEL, respModel);
      }
      long reported = reportedCostNanos;
      if (reported >= 0) {
        span.setAttribute(LockNAttributes.COST_REPORTED_NANOS, reported);
      }
      if (tier != null) {
        span.setAttribute(GenAiProvider.isOpenAiFamily(provider)
            ? GenAiAttributes.OPENAI_RESPONSE_SERVICE_TIER : LockNAttributes.SERVICE_TIER, tier);
      }
      String id = responseId;
      if (id != null) {
        span.setAttribute(GEN_AI_RESPONSE_ID, id);
      }
      if (reasons != null && !reasons.isEmpty()) {
        span.setAttribute(GEN_AI_RESPONSE_FINISH_REASONS, reasons);
      }
      if (cache != null) {
        span.setAttribute(LockNAttributes.CACHE_HIT, true);
        span.setAttribute(LockNAttributes.CACHE_TYPE, cache.value());
      }
      if (inferred) {
        span.setAttribute(LockNAttributes.CACHE_HIT_INFERRED, true);
      }
      if (substituted) {
        span.setAttribute(LockNAttributes.MODEL_SUBSTITUTED, true);
      }
      long chunk = firstChunkNanos;
      if (chunk != 0) {
        span.setAttribute(GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK, (chunk - startNanos) / 1_000_000_000.0);
      }
      if (dimensions > 0) {
        span.setAttribute(GEN_AI_EMBEDDINGS_DIMENSION_COUNT, dimensions);
      }
      List<GenAiMessage> output = outputMessages;
      if (output != null) {
        span.setAttribute(GEN_AI_OUTPUT_MESSAGES, MessagesJson.write(output, lockn.contentCapture));
      }
    }

    GenAiMetrics metrics = lockn.metrics;
    GenAiMetrics.CallAttributes attributes =
        metrics.callAttributes(
            llmOperation, provider, requestModel, respModel, serverAddress, serverPort, error, context);
    metrics.recordModelCall(llmOperation, attributes, seconds(endNanos), u, error != null, context);
    if (attempt > 1) {
      metrics.countRetry(attributes.base, context);
    }
    if (fallbackDepth > 0) {
      metrics.countFallback(attributes.base, context);
    }
    if (reasons != null) {
      for (int i = 0; i < reasons.size(); i++) {
        metrics.countFinishReason(attributes, reasons.get(i), context);
      }
    }
    if (cache != null || inferred) {
      metrics.countCacheHit(attributes, cache != null ? cache : CacheType.PROVIDER, inferred, context);
    }
    if (substituted) {
      metrics.countSubstitution(attributes.base, context);
    }
    if (ended != null && !listeners.isEmpty()) {
      notifyListeners(listeners, ended, respModel, substituted);
    }
  }

  /**
   * Settles the budget with the cost the call was priced at: charged when the call recorded usage (a failed call the
   * provider billed still costs money, and its span says so), released when it failed without any. Before the
   * span is recorded, and guarded on its own ({@link GuardedCallAdmission}), so that a failure recording the span
   * cannot leak a budget reservation.
   */
  private void settleAdmission(EndedModelCall ended, @Nullable TokenUsage u, @Nullable String error) {
    if (admission == Admission.allowed()) {
      return;
    }
    if (error == null || u != null) {
      GuardedCallAdmission.complete(admission, ended, ended.cost());
    } else {
      GuardedCallAdmission.release(admission);
    }
  }

  /** The listeners are guarded ({@link GuardedLockNListener}): one failing on one event still receives the next. */
  private void notifyListeners(
      List<LockNListener> listeners, EndedModelCall ended, @Nullable String respModel, boolean substituted) {
    ModelSubstitution substitution =
        substituted && respModel != null
            ? new ModelSubstitution(provider, requestModel, respModel, span.getSpanContext())
            : null;
    for (LockNListener listener : listeners) {
      if (substitution != null) {
        listener.onModelSubstitution(substitution);
      }
      listener.onLlmCallEnded(ended);
    }
  }
}
