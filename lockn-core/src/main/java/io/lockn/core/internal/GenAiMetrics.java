package io.lockn.core.internal;

import static io.lockn.core.GenAiAttributes.ERROR_TYPE;
import static io.lockn.core.GenAiAttributes.GEN_AI_OPERATION_NAME;
import static io.lockn.core.GenAiAttributes.GEN_AI_PROVIDER_NAME;
import static io.lockn.core.GenAiAttributes.GEN_AI_REQUEST_MODEL;
import static io.lockn.core.GenAiAttributes.GEN_AI_RESPONSE_MODEL;
import static io.lockn.core.GenAiAttributes.GEN_AI_TOKEN_MODALITY;
import static io.lockn.core.GenAiAttributes.GEN_AI_TOKEN_TYPE;
import static io.lockn.core.GenAiAttributes.SERVER_ADDRESS;
import static io.lockn.core.GenAiAttributes.SERVER_PORT;

import io.lockn.core.CacheType;
import io.lockn.core.GenAiAttributes;
import io.lockn.core.GenAiOperation;
import io.lockn.core.LockNAttributes;
import io.lockn.core.SemconvProfile;
import io.lockn.core.TokenUsage;
import io.lockn.core.spi.CardinalityLimiter;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.context.Context;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * LockN's instruments, created once per LockN instance, with the semantic conventions' names, units and explicit
 * bucket boundaries for the configured {@link SemconvProfile}.
 *
 * <p>Metric attributes are bounded: model names, server addresses and the configured attribution keys each pass a
 * {@link CardinalityLimiter}; user ids, prompts and request ids never become metric attributes.
 */
final class GenAiMetrics {

  static final List<Long> TOKEN_BUCKETS =
      List.of(1L, 4L, 16L, 64L, 256L, 1024L, 4096L, 16384L, 65536L, 262144L, 1048576L, 4194304L, 16777216L,
          67108864L);
  static final List<Double> DURATION_BUCKETS =
      List.of(0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92);
  static final List<Double> AGENT_DURATION_BUCKETS =
      List.of(0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 12.8, 25.6, 51.2, 102.4, 204.8, 409.6);
  static final List<Double> WORKFLOW_DURATION_BUCKETS =
      List.of(1.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0, 7200.0);

  private static final Attributes INPUT = Attributes.of(GEN_AI_TOKEN_TYPE, "input");
  private static final Attributes OUTPUT = Attributes.of(GEN_AI_TOKEN_TYPE, "output");
  private static final String UNKNOWN_MODALITY = "unknown";
  /** Distinct model-call attribute sets kept by {@link #callAttributes}; a few hundred bytes each. */
  static final int MAX_CACHED_CALL_ATTRIBUTES = 1024;
  /** Distinct finish reasons kept per cached attribute set; providers define a handful. */
  static final int MAX_CACHED_FINISH_REASONS = 16;

  private final List<String> metricAttributionKeys;
  private final List<AttributeKey<String>> metricAttributionAttributeKeys;
  private final CardinalityLimiter[] attributionLimiters;
  // One limiter per metric attribute, so that one noisy attribute cannot push another's values into _OTHER.
  private final CardinalityLimiter providerLimiter;
  private final CardinalityLimiter requestModelLimiter;
  private final CardinalityLimiter responseModelLimiter;
  private final CardinalityLimiter serverLimiter;
  private final CardinalityLimiter agentLimiter;
  private final CardinalityLimiter toolLimiter;
  private final CardinalityLimiter toolTypeLimiter;
  private final CardinalityLimiter workflowLimiter;
  private final CardinalityLimiter finishReasonLimiter;
  // error.type is the application's text when it calls recordError (an HTTP status, a request id in a message...).
  private final CardinalityLimiter errorTypeLimiter;
  private final int maxValueLength;
  // Keyed by CallKey, or by AttributedKey with metric attribution keys.
  private final ConcurrentHashMap<Object, CallAttributes> callAttributesCache = new ConcurrentHashMap<>();

  // The instruments only one SemconvProfile defines; the other profile's are never created.
  private final ProfileInstruments profileInstruments;
  // Both profiles
  private final LongCounter retries;
  private final LongCounter fallbacks;
  private final LongCounter substitutions;
  private final LongCounter finishReasons;
  private final LongCounter cacheHits;

  GenAiMetrics(Meter meter, LockNConfig config) {
    this.metricAttributionKeys = config.metricAttributionKeys();
    this.metricAttributionAttributeKeys = metricAttributionKeys.stream().map(AttributeKey::stringKey).toList();
    this.attributionLimiters = new CardinalityLimiter[metricAttributionKeys.size()];
    for (int i = 0; i < attributionLimiters.length; i++) {
      attributionLimiters[i] = CardinalityLimiter.of(config.metricCardinalityLimit());
    }
    int limit = config.metricCardinalityLimit();
    this.providerLimiter = CardinalityLimiter.of(limit);
    this.requestModelLimiter = CardinalityLimiter.of(limit);
    this.responseModelLimiter = CardinalityLimiter.of(limit);
    this.serverLimiter = CardinalityLimiter.of(limit);
    this.agentLimiter = CardinalityLimiter.of(limit);
    this.toolLimiter = CardinalityLimiter.of(limit);
    this.toolTypeLimiter = CardinalityLimiter.of(limit);
    this.workflowLimiter = CardinalityLimiter.of(limit);
    this.finishReasonLimiter = CardinalityLimiter.of(limit);
    this.errorTypeLimiter = CardinalityLimiter.of(limit);
    this.maxValueLength = config.attributionKeys().maxValueLength();

    this.profileInstruments =
        config.semconvProfile() == SemconvProfile.LATEST_EXPERIMENTAL
            ? new LatestInstruments(meter)
            : new V141Instruments(meter);

    this.retries = counter(meter, "lockn.client.retries", "{retry}", "Retried model calls.");
    this.fallbacks = counter(meter, "lockn.client.fallbacks", "{fallback}", "Model calls that fell back.");
    this.substitutions =
        counter(
            meter,
            "lockn.client.model_substitutions",
            "{substitution}",
            "Model calls answered by another model family than requested.");
    this.finishReasons =
        counter(
            meter,
            "lockn.client.finish_reasons",
            "{choice}",
            "Choices by finish reason; the share of 'length' is the truncation rate.");
    this.cacheHits = counter(meter, "lockn.client.cache_hits", "{call}", "Model calls served from a cache.");
  }

  private static LongHistogram tokenHistogram(Meter meter, String name, String description) {
    return meter
        .histogramBuilder(name)
        .ofLongs()
        .setUnit("{token}")
        .setDescription(description)
        .setExplicitBucketBoundariesAdvice(TOKEN_BUCKETS)
        .build();
  }

  private static DoubleHistogram durationHistogram(
      Meter meter, String name, String description, List<Double> buckets) {
    return meter
        .histogramBuilder(name)
        .setUnit("s")
        .setDescription(description)
        .setExplicitBucketBoundariesAdvice(buckets)
        .build();
  }

  private static LongCounter tokenCounter(Meter meter, String name) {
    return counter(meter, name, "{token}", "Tokens used by inference operations.");
  }

  private static LongCounter counter(Meter meter, String name, String unit, String description) {
    return meter.counterBuilder(name).setUnit(unit).setDescription(description).build();
  }

  /** The instruments one {@link SemconvProfile} defines and the other does not, and how a call is recorded in them. */
  private interface ProfileInstruments {

    void recordModelCall(
        boolean embeddings,
        CallAttributes call,
        double seconds,
        @Nullable TokenUsage usage,
        boolean failed,
        Context context);

    /** The duration histogram of an agent, tool or workflow operation, or {@code null} when it has none. */
    @Nullable DoubleHistogram operationDuration(GenAiOperation operation);
  }

  /** {@link SemconvProfile#V1_41}: one token histogram and one duration histogram for every model call. */
  private static final class V141Instruments implements ProfileInstruments {
    private final LongHistogram tokenUsage;
    private final DoubleHistogram operationDuration;

    V141Instruments(Meter meter) {
      this.tokenUsage = tokenHistogram(meter, "gen_ai.client.token.usage", "Number of input and output tokens used.");
      this.operationDuration =
          durationHistogram(meter, "gen_ai.client.operation.duration", "GenAI operation duration.", DURATION_BUCKETS);
    }

    @Override
    public void recordModelCall(
        boolean embeddings,
        CallAttributes call,
        double seconds,
        @Nullable TokenUsage usage,
        boolean failed,
        Context context) {
      operationDuration.record(seconds, call.base, context);
      if (usage != null) {
        tokenUsage.record(usage.inputTokens(), call.input(), context);
        if (!embeddings) {
          tokenUsage.record(usage.outputTokens(), call.output(), context);
        }
      }
    }

    @Override
    public @Nullable DoubleHistogram operationDuration(GenAiOperation operation) {
      return null;
    }
  }

  /**
   * {@link SemconvProfile#LATEST_EXPERIMENTAL}: inference and embeddings apart, usage counters, and the agent, tool and
   * workflow durations.
   */
  private static final class LatestInstruments implements ProfileInstruments {
    private final DoubleHistogram inferenceDuration;
    private final DoubleHistogram embeddingsDuration;
    private final LongCounter usageInput;
    private final LongCounter usageOutput;
    private final LongCounter usageCacheRead;
    private final LongCounter usageCacheWrite;
    private final LongCounter usageReasoning;
    private final LongHistogram operationInputTokens;
    private final LongHistogram operationOutputTokens;
    private final LongHistogram embeddingsInputTokens;
    private final DoubleHistogram agentDuration;
    private final DoubleHistogram toolDuration;
    private final DoubleHistogram workflowDuration;

    LatestInstruments(Meter meter) {
      this.inferenceDuration =
          durationHistogram(meter, "gen_ai.client.inference.duration", "GenAI inference duration.", DURATION_BUCKETS);
      this.embeddingsDuration =
          durationHistogram(
              meter, "gen_ai.client.embeddings.duration", "GenAI embeddings duration.", DURATION_BUCKETS);
      this.usageInput = tokenCounter(meter, "gen_ai.client.inference.usage.input_tokens");
      this.usageOutput = tokenCounter(meter, "gen_ai.client.inference.usage.output_tokens");
      this.usageCacheRead = tokenCounter(meter, "gen_ai.client.inference.usage.cache_read.input_tokens");
      this.usageCacheWrite = tokenCounter(meter, "gen_ai.client.inference.usage.cache_write.input_tokens");
      this.usageReasoning = tokenCounter(meter, "gen_ai.client.inference.usage.reasoning.output_tokens");
      this.operationInputTokens =
          tokenHistogram(
              meter, "gen_ai.client.inference.operation.input_tokens", "Input tokens per inference operation.");
      this.operationOutputTokens =
          tokenHistogram(
              meter, "gen_ai.client.inference.operation.output_tokens", "Output tokens per inference operation.");
      this.embeddingsInputTokens =
          tokenHistogram(
              meter, "gen_ai.client.embeddings.operation.input_tokens", "Input tokens per embeddings operation.");
      this.agentDuration =
          durationHistogram(
              meter, "gen_ai.invoke_agent.duration", "GenAI agent invocation duration.", AGENT_DURATION_BUCKETS);
      this.toolDuration =
          durationHistogram(
              meter, "gen_ai.execute_tool.duration", "GenAI tool execution duration.", DURATION_BUCKETS);
      this.workflowDuration =
          durationHistogram(
              meter, "gen_ai.workflow.duration", "GenAI workflow duration.", WORKFLOW_DURATION_BUCKETS);
    }

    @Override
    public void recordModelCall(
        boolean embeddings,
        CallAttributes call,
        double seconds,
        @Nullable TokenUsage usage,
        boolean failed,
        Context context) {
      Attributes attributes = call.base;
      if (embeddings) {
        embeddingsDuration.record(seconds, attributes, context);
        if (usage != null && !failed) {
          embeddingsInputTokens.record(usage.inputTokens(), attributes, context);
        }
        return;
      }
      inferenceDuration.record(seconds, attributes, context);
      // Counters are recorded for failed operations too (0 when no usage came back); histograms only on success.
      TokenUsage u = usage != null ? usage : TokenUsage.EMPTY;
      Attributes counted = call.counted();
      usageInput.add(u.inputTokens(), counted, context);
      usageOutput.add(u.outputTokens(), counted, context);
      usageCacheRead.add(u.cacheReadTokens(), counted, context);
      usageCacheWrite.add(u.cacheWriteTokens(), counted, context);
      usageReasoning.add(u.reasoningTokens(), counted, context);
      if (usage != null && !failed) {
        operationInputTokens.record(usage.inputTokens(), attributes, context);
        operationOutputTokens.record(usage.outputTokens(), attributes, context);
      }
    }

    @Override
    public @Nullable DoubleHistogram operationDuration(GenAiOperation operation) {
      return switch (operation) {
        case INVOKE_AGENT, CREATE_AGENT -> agentDuration;
        case EXECUTE_TOOL -> toolDuration;
        case INVOKE_WORKFLOW -> workflowDuration;
        default -> null;
      };
    }
  }

  /**
   * The attributes shared by every metric of one model call, and the variants derived from them.
   *
   * <p>Why a cache: building an {@link Attributes} sorts and copies its entries, and one call needs up to five of them
   * (the base set, input and output token types, a finish reason, a cache hit), which was most of LockN's overhead
   * over a hand-instrumented call. The attributes depend on the arguments here and, with metric attribution keys, on
   * the call's Baggage values for those keys; they are built once per distinct combination and then reused. The
   * cache is keyed by the raw values (a Baggage value longer than the recorded maximum is never a key: such a call
   * is built uncached): a {@link
   * CardinalityLimiter} maps a value to the same result every time once it has seen it, and the entry was built
   * through the limiters, so a cached entry is what a fresh build would give. It holds at most {@link
   * #MAX_CACHED_CALL_ATTRIBUTES} entries; past that, calls are built uncached, which bounds the memory whatever the
   * application sends.
   */
  CallAttributes callAttributes(
      GenAiOperation operation,
      String provider,
      String requestModel,
      @Nullable String responseModel,
      @Nullable String serverAddress,
      long serverPort,
      @Nullable String errorType,
      Context context) {
    boolean attributed = !metricAttributionKeys.isEmpty();
    if (!attributed) {
      // Most calls repeat the previous call's operation, provider, models, server and outcome: compared field by
      // field, no key built.
      LastCall last = lastCall;
      if (last != null && last.key.matches(operation, provider, requestModel, responseModel, serverAddress, serverPort,
          errorType)) {
        return last.attributes;
      }
    }
    CallKey call = new CallKey(operation, provider, requestModel, responseModel, serverAddress, serverPort, errorType);
    Object key = call;
    if (attributed) {
      key = AttributedKey.of(call, Baggage.fromContext(context), metricAttributionKeys, maxValueLength);
      if (key == null) {
        return new CallAttributes(buildCallAttributes(call, context));
      }
    }
    CallAttributes cached = callAttributesCache.get(key);
    if (cached == null) {
      CallAttributes built = new CallAttributes(buildCallAttributes(call, context));
      if (callAttributesCache.size() >= MAX_CACHED_CALL_ATTRIBUTES) {
        return built;
      }
      CallAttributes raced = callAttributesCache.putIfAbsent(key, built);
      cached = raced != null ? raced : built;
    }
    if (!attributed) {
      lastCall = new LastCall(call, cached);
    }
    return cached;
  }

  /** The last call's key and its cached attributes: a racy hint, right whichever thread's call it holds. */
  private record LastCall(CallKey key, CallAttributes attributes) {}

  private volatile @Nullable LastCall lastCall;

  /** The cache key of {@link #callAttributes} with metric attribution keys: the call's and the raw Baggage values. */
  private static final class AttributedKey {
    private final CallKey call;
    private final @Nullable String[] values;
    private final int hash;

    private AttributedKey(CallKey call, @Nullable String[] values) {
      this.call = call;
      this.values = values;
      this.hash = 31 * call.hashCode() + Arrays.hashCode(values);
    }

    /** The key, or {@code null} when a value is too long to be kept as one (the call is then built uncached). */
    static @Nullable AttributedKey of(CallKey call, Baggage baggage, List<String> keys, int maxValueLength) {
      @Nullable String[] values = new String[keys.size()];
      for (int i = 0; i < values.length; i++) {
        String v = baggage.getEntryValue(keys.get(i));
        if (v != null && v.length() > maxValueLength) {
          return null;
        }
        values[i] = v;
      }
      return new AttributedKey(call, values);
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof AttributedKey k && hash == k.hash && call.equals(k.call) && Arrays.equals(values, k.values);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  private Attributes buildCallAttributes(CallKey k, Context context) {
    AttributesBuilder b =
        Attributes.builder()
            .put(GEN_AI_OPERATION_NAME, k.operation().value())
            .put(GEN_AI_PROVIDER_NAME, providerLimiter.limit(k.provider()));
    if (!k.requestModel().isEmpty()) {
      b.put(GEN_AI_REQUEST_MODEL, requestModelLimiter.limit(k.requestModel()));
    }
    String responseModel = k.responseModel();
    if (responseModel != null) {
      b.put(GEN_AI_RESPONSE_MODEL, responseModelLimiter.limit(responseModel));
    }
    String serverAddress = k.serverAddress();
    if (serverAddress != null) {
      b.put(SERVER_ADDRESS, serverLimiter.limit(serverAddress));
      if (k.serverPort() > 0) {
        b.put(SERVER_PORT, k.serverPort());
      }
    }
    String errorType = k.errorType();
    if (errorType != null) {
      b.put(ERROR_TYPE, errorTypeLimiter.limit(errorType));
    }
    putAttribution(b, context);
    return b.build();
  }

  /** The cache key of {@link #callAttributes}: the raw arguments the attributes are built from. */
  private record CallKey(
      GenAiOperation operation,
      String provider,
      String requestModel,
      @Nullable String responseModel,
      @Nullable String serverAddress,
      long serverPort,
      @Nullable String errorType) {

    boolean matches(GenAiOperation operation, String provider, String requestModel, @Nullable String responseModel,
        @Nullable String serverAddress, long serverPort, @Nullable String errorType) {
      return this.operation == operation && this.serverPort == serverPort && this.provider.equals(provider)
          && this.requestModel.equals(requestModel) && Objects.equals(this.responseModel, responseModel)
          && Objects.equals(this.serverAddress, serverAddress) && Objects.equals(this.errorType, errorType);
    }
  }

  /**
   * One model call's metric attributes and their derived variants, each built on first use and then kept: the
   * variants are immutable and a racing double build gives equal values, so plain (racy) lazy fields are safe.
   */
  final class CallAttributes {
    final Attributes base;
    private @Nullable Attributes input;
    private @Nullable Attributes output;
    private @Nullable Attributes counted;
    /** Indexed by {@code cacheType.ordinal() * 2 + (inferred ? 1 : 0)}. */
    private final @Nullable Attributes[] cacheHits = new Attributes[CacheType.values().length * 2];
    /** Keyed by the raw finish reason; bounded by {@link #MAX_CACHED_FINISH_REASONS}. */
    private final ConcurrentHashMap<String, Attributes> finishReasons = new ConcurrentHashMap<>(4);

    CallAttributes(Attributes base) {
      this.base = base;
    }

    Attributes input() {
      Attributes a = input;
      if (a == null) {
        input = a = with(base, INPUT);
      }
      return a;
    }

    Attributes output() {
      Attributes a = output;
      if (a == null) {
        output = a = with(base, OUTPUT);
      }
      return a;
    }

    Attributes counted() {
      Attributes a = counted;
      if (a == null) {
        counted = a = base.toBuilder().put(GEN_AI_TOKEN_MODALITY, UNKNOWN_MODALITY).build();
      }
      return a;
    }

    Attributes finishReason(String reason) {
      Attributes a = finishReasons.get(reason);
      if (a == null) {
        a = base.toBuilder().put(LockNAttributes.FINISH_REASON, finishReasonLimiter.limit(reason)).build();
        if (finishReasons.size() < MAX_CACHED_FINISH_REASONS) {
          finishReasons.putIfAbsent(reason, a);
        }
      }
      return a;
    }

    Attributes cacheHit(CacheType cacheType, boolean inferred) {
      int i = cacheType.ordinal() * 2 + (inferred ? 1 : 0);
      Attributes a = cacheHits[i];
      if (a == null) {
        cacheHits[i] =
            a =
                base.toBuilder()
                    .put(LockNAttributes.CACHE_TYPE, cacheType.value())
                    .put(LockNAttributes.CACHE_HIT_INFERRED, inferred)
                    .build();
      }
      return a;
    }
  }

  /** The attributes of an agent, tool or workflow duration. */
  private Attributes operationAttributes(
      GenAiOperation operation,
      @Nullable String name,
      @Nullable String errorType,
      @Nullable String enclosingAgent,
      @Nullable String toolType,
      @Nullable String requestModel,
      Context context) {
    AttributesBuilder b = Attributes.builder().put(GEN_AI_OPERATION_NAME, operation.value());
    if (enclosingAgent != null) {
      b.put(GenAiAttributes.GEN_AI_AGENT_NAME, agentLimiter.limit(enclosingAgent));
    }
    if (toolType != null) {
      b.put(GenAiAttributes.GEN_AI_TOOL_TYPE, toolTypeLimiter.limit(toolType));
    }
    if (requestModel != null) {
      b.put(GEN_AI_REQUEST_MODEL, requestModelLimiter.limit(requestModel));
    }
    if (name != null) {
      switch (operation) {
        case EXECUTE_TOOL -> b.put(GenAiAttributes.GEN_AI_TOOL_NAME, toolLimiter.limit(name));
        case INVOKE_WORKFLOW -> b.put(GenAiAttributes.GEN_AI_WORKFLOW_NAME, workflowLimiter.limit(name));
        default -> b.put(GenAiAttributes.GEN_AI_AGENT_NAME, agentLimiter.limit(name));
      }
    }
    if (errorType != null) {
      b.put(ERROR_TYPE, errorTypeLimiter.limit(errorType));
    }
    putAttribution(b, context);
    return b.build();
  }

  private void putAttribution(AttributesBuilder b, Context context) {
    if (metricAttributionKeys.isEmpty()) {
      return;
    }
    Baggage baggage = Baggage.fromContext(context);
    for (int i = 0; i < metricAttributionKeys.size(); i++) {
      String value =
          attributionLimiters[i].limitUntrusted(baggage.getEntryValue(metricAttributionKeys.get(i)), maxValueLength);
      if (value != null) {
        b.put(metricAttributionAttributeKeys.get(i), value);
      }
    }
  }

  void recordModelCall(
      GenAiOperation operation,
      CallAttributes call,
      double seconds,
      @Nullable TokenUsage usage,
      boolean failed,
      Context context) {
    profileInstruments.recordModelCall(operation == GenAiOperation.EMBEDDINGS, call, seconds, usage, failed, context);
  }

  /** Records an agent, tool or workflow duration; only the latest conventions define these. */
  void recordOperation(
      GenAiOperation operation,
      @Nullable String name,
      @Nullable String errorType,
      @Nullable String enclosingAgent,
      @Nullable String toolType,
      @Nullable String requestModel,
      double seconds,
      Context context) {
    DoubleHistogram histogram = profileInstruments.operationDuration(operation);
    if (histogram != null) {
      histogram.record(
          seconds,
          operationAttributes(operation, name, errorType, enclosingAgent, toolType, requestModel, context),
          context);
    }
  }

  void countRetry(Attributes attributes, Context context) {
    retries.add(1, attributes, context);
  }

  void countFallback(Attributes attributes, Context context) {
    fallbacks.add(1, attributes, context);
  }

  void countSubstitution(Attributes attributes, Context context) {
    substitutions.add(1, attributes, context);
  }

  void countFinishReason(CallAttributes call, String reason, Context context) {
    finishReasons.add(1, call.finishReason(reason), context);
  }

  void countCacheHit(CallAttributes call, CacheType cacheType, boolean inferred, Context context) {
    cacheHits.add(1, call.cacheHit(cacheType, inferred), context);
  }

  private static Attributes with(Attributes base, Attributes extra) {
    return base.toBuilder().putAll(extra).build();
  }
}
