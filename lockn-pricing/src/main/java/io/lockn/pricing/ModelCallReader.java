package io.lockn.pricing;

import com.fasterxml.jackson.databind.JsonNode;
import io.lockn.core.GenAiAttributes;
import io.lockn.core.LockNAttributes;
import io.lockn.core.ModelIds;
import io.lockn.core.TokenUsage;
import io.lockn.core.spi.UsageLogger;
import io.opentelemetry.api.common.AttributeKey;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The dialects behind {@link SpanPricing#read}: which spans are model calls, and how each ecosystem's attributes
 * become one {@link ModelCall}. The rules, per source, are in {@code docs/sources.md}; the comments here say why.
 *
 * <p>Counting conventions are detected, never clamped silently: an input count smaller than the cache reads and writes
 * it should include was written by a source that follows Anthropic's convention (input without cache), so the cache
 * is added to it; a reasoning count larger than the output count means the output left reasoning out (Gemini's
 * convention), so it is added. Counts that still contradict each other are logged through {@code io.lockn.usage}.
 */
final class ModelCallReader {

  private ModelCallReader() {}

  // ------------------------------------------------------------------ keys: the GenAI conventions and OpenLLMetry

  static final AttributeKey<String> OTEL_SCOPE_NAME = AttributeKey.stringKey("otel.scope.name");
  static final AttributeKey<String> LLM_REQUEST_TYPE = AttributeKey.stringKey("llm.request.type");
  static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("gen_ai.system");
  /** Early OpenLLMetry (JS and Python before the conventions existed). */
  private static final AttributeKey<String> LLM_VENDOR = AttributeKey.stringKey("llm.vendor");
  private static final AttributeKey<String> LLM_REQUEST_MODEL = AttributeKey.stringKey("llm.request.model");
  private static final AttributeKey<String> LLM_RESPONSE_MODEL = AttributeKey.stringKey("llm.response.model");
  private static final AttributeKey<Long> LLM_USAGE_PROMPT_TOKENS = AttributeKey.longKey("llm.usage.prompt_tokens");
  private static final AttributeKey<Long> LLM_USAGE_COMPLETION_TOKENS =
      AttributeKey.longKey("llm.usage.completion_tokens");

  /** Conventions 1.26 and 1.27 (renamed to input/output tokens in 1.28). */
  static final AttributeKey<Long> PROMPT_TOKENS = AttributeKey.longKey("gen_ai.usage.prompt_tokens");
  static final AttributeKey<Long> COMPLETION_TOKENS = AttributeKey.longKey("gen_ai.usage.completion_tokens");
  /** Python OpenLLMetry's names, before the conventions had cache and reasoning counts. */
  private static final AttributeKey<Long> OPENLLMETRY_CACHE_READ =
      AttributeKey.longKey("gen_ai.usage.cache_read_input_tokens");
  private static final AttributeKey<Long> OPENLLMETRY_CACHE_CREATION =
      AttributeKey.longKey("gen_ai.usage.cache_creation_input_tokens");
  private static final AttributeKey<Long> OPENLLMETRY_REASONING = AttributeKey.longKey("gen_ai.usage.reasoning_tokens");
  /** The Anthropic SDK's own spans: the 1-hour part of the cache writes. */
  private static final AttributeKey<Long> ANTHROPIC_CACHE_WRITE_1H =
      AttributeKey.longKey("anthropic.usage.cache_creation.ephemeral_1h_input_tokens");

  // ------------------------------------------------------------------ keys: OpenInference

  static final AttributeKey<String> OPENINFERENCE_SPAN_KIND = AttributeKey.stringKey("openinference.span.kind");
  private static final AttributeKey<String> OI_MODEL_NAME = AttributeKey.stringKey("llm.model_name");
  private static final AttributeKey<String> OI_REQUEST_MODEL = AttributeKey.stringKey("llm.request.model_name");
  private static final AttributeKey<String> OI_RESPONSE_MODEL = AttributeKey.stringKey("llm.response.model_name");
  private static final AttributeKey<String> OI_EMBEDDING_MODEL = AttributeKey.stringKey("embedding.model_name");
  private static final AttributeKey<String> OI_PROVIDER = AttributeKey.stringKey("llm.provider");
  private static final AttributeKey<String> OI_SYSTEM = AttributeKey.stringKey("llm.system");
  private static final AttributeKey<String> OI_INVOCATION_PARAMETERS =
      AttributeKey.stringKey("llm.invocation_parameters");
  private static final AttributeKey<Long> OI_PROMPT = AttributeKey.longKey("llm.token_count.prompt");
  private static final AttributeKey<Long> OI_COMPLETION = AttributeKey.longKey("llm.token_count.completion");
  private static final AttributeKey<Long> OI_CACHE_READ =
      AttributeKey.longKey("llm.token_count.prompt_details.cache_read");
  private static final AttributeKey<Long> OI_CACHE_WRITE =
      AttributeKey.longKey("llm.token_count.prompt_details.cache_write");
  private static final AttributeKey<Long> OI_REASONING =
      AttributeKey.longKey("llm.token_count.completion_details.reasoning");

  // ------------------------------------------------------------------ keys: the Vercel AI SDK

  static final AttributeKey<String> AI_OPERATION_ID = AttributeKey.stringKey("ai.operationId");
  private static final AttributeKey<String> AI_MODEL_PROVIDER = AttributeKey.stringKey("ai.model.provider");
  private static final AttributeKey<String> AI_MODEL_ID = AttributeKey.stringKey("ai.model.id");
  private static final AttributeKey<String> AI_RESPONSE_MODEL = AttributeKey.stringKey("ai.response.model");
  private static final AttributeKey<Long> AI_INPUT = AttributeKey.longKey("ai.usage.inputTokens");
  private static final AttributeKey<Long> AI_OUTPUT = AttributeKey.longKey("ai.usage.outputTokens");
  /** AI SDK 4's names. */
  private static final AttributeKey<Long> AI_PROMPT = AttributeKey.longKey("ai.usage.promptTokens");
  private static final AttributeKey<Long> AI_COMPLETION = AttributeKey.longKey("ai.usage.completionTokens");
  /** Embeddings. */
  private static final AttributeKey<Long> AI_TOKENS = AttributeKey.longKey("ai.usage.tokens");
  private static final AttributeKey<Long> AI_NO_CACHE =
      AttributeKey.longKey("ai.usage.inputTokenDetails.noCacheTokens");
  private static final AttributeKey<Long> AI_CACHE_READ =
      AttributeKey.longKey("ai.usage.inputTokenDetails.cacheReadTokens");
  private static final AttributeKey<Long> AI_CACHE_WRITE =
      AttributeKey.longKey("ai.usage.inputTokenDetails.cacheWriteTokens");
  /** AI SDK 5's name for cache reads. */
  private static final AttributeKey<Long> AI_CACHED_INPUT = AttributeKey.longKey("ai.usage.cachedInputTokens");
  private static final AttributeKey<Long> AI_TEXT = AttributeKey.longKey("ai.usage.outputTokenDetails.textTokens");
  private static final AttributeKey<Long> AI_REASONING_DETAIL =
      AttributeKey.longKey("ai.usage.outputTokenDetails.reasoningTokens");
  private static final AttributeKey<Long> AI_REASONING = AttributeKey.longKey("ai.usage.reasoningTokens");

  // ------------------------------------------------------------------ keys: Langfuse

  static final AttributeKey<String> LANGFUSE_TYPE = AttributeKey.stringKey("langfuse.observation.type");
  private static final AttributeKey<String> LANGFUSE_MODEL = AttributeKey.stringKey("langfuse.observation.model.name");
  private static final AttributeKey<String> LANGFUSE_USAGE_DETAILS =
      AttributeKey.stringKey("langfuse.observation.usage_details");
  /** Langfuse's earlier name for the same object. */
  private static final AttributeKey<String> LANGFUSE_USAGE = AttributeKey.stringKey("langfuse.observation.usage");

  // ------------------------------------------------------------------ recognition

  /**
   * The operation of a span, in the conventions' spelling, from whichever dialect names it; the first that does wins,
   * in this order: {@code gen_ai.operation.name} (Spring AI's {@code embedding} and LiteLLM's call types normalised),
   * {@code llm.request.type}, {@code openinference.span.kind}, {@code ai.operationId}, {@code
   * langfuse.observation.type}. A dialect's span that is no model call (an agent, a tool, the Vercel AI SDK's outer
   * totals spans) gives {@code null} or a non-call operation.
   */
  static @Nullable String operation(SpanPricing.SpanAttributes s) {
    String op = s.string(GenAiAttributes.GEN_AI_OPERATION_NAME);
    if (op != null) {
      return conventionOperation(op);
    }
    String type = s.string(LLM_REQUEST_TYPE);
    if (type != null) {
      return requestTypeOperation(type);
    }
    String kind = s.string(OPENINFERENCE_SPAN_KIND);
    if (kind != null) {
      return openInferenceOperation(kind);
    }
    String ai = s.string(AI_OPERATION_ID);
    if (ai != null) {
      return vercelOperation(ai);
    }
    String observation = s.string(LANGFUSE_TYPE);
    return observation == null ? null : langfuseOperation(observation, s.string(LANGFUSE_MODEL));
  }

  /** {@code gen_ai.operation.name}: Spring AI writes {@code embedding}, LiteLLM its call types. */
  static String conventionOperation(String op) {
    return switch (op) {
      case "chat", "text_completion", "generate_content", "embeddings" -> op;
      case "embedding", "aembedding" -> "embeddings";
      case "completion", "acompletion", "responses", "aresponses" -> "chat"; // LiteLLM: a chat completion
      case "atext_completion" -> "text_completion";
      default -> op;
    };
  }

  /** Python OpenLLMetry's {@code llm.request.type}: {@code completion} is the legacy completions API. */
  static String requestTypeOperation(String type) {
    return switch (type) {
      case "chat" -> "chat";
      case "completion" -> "text_completion";
      case "embedding", "embeddings" -> "embeddings";
      default -> type;
    };
  }

  private static @Nullable String openInferenceOperation(String kind) {
    return switch (kind) {
      case "LLM" -> "chat";
      case "EMBEDDING" -> "embeddings";
      default -> null;
    };
  }

  /**
   * The AI SDK's {@code ai.operationId}: the {@code do*} spans are provider calls; the outer {@code ai.generateText},
   * {@code ai.streamText}, {@code ai.embed}, ... spans add up all their steps, so they are not calls.
   */
  private static @Nullable String vercelOperation(String id) {
    if (id.endsWith(".doGenerate") || id.endsWith(".doStream")) {
      return "chat";
    }
    if (id.endsWith(".doEmbed")) {
      return "embeddings";
    }
    return null;
  }

  private static @Nullable String langfuseOperation(String type, @Nullable String model) {
    if (type.equals("embedding")) {
      return "embeddings";
    }
    if (!type.equals("generation")) {
      return null;
    }
    // A generation is any model call; Langfuse's OpenAI integration records embeddings as generations too.
    return model != null && model.toLowerCase(Locale.ROOT).contains("embed") ? "embeddings" : "chat";
  }

  // ------------------------------------------------------------------ reading

  /** The call a span describes, or {@code null} when it is no model call. */
  static @Nullable ModelCall read(SpanPricing.SpanAttributes s) {
    String op = s.string(GenAiAttributes.GEN_AI_OPERATION_NAME);
    if (op != null) {
      String operation = conventionOperation(op);
      return SpanPricing.isModelCall(operation) ? genAi(s, operation, genAiSource(s, false)) : null;
    }
    String type = s.string(LLM_REQUEST_TYPE);
    if (type != null) {
      String operation = requestTypeOperation(type);
      return SpanPricing.isModelCall(operation) ? genAi(s, operation, genAiSource(s, true)) : null;
    }
    String kind = s.string(OPENINFERENCE_SPAN_KIND);
    if (kind != null) {
      String operation = openInferenceOperation(kind);
      return operation == null ? null : openInference(s, operation);
    }
    String ai = s.string(AI_OPERATION_ID);
    if (ai != null) {
      String operation = vercelOperation(ai);
      return operation == null ? null : vercel(s, operation);
    }
    String observation = s.string(LANGFUSE_TYPE);
    if (observation != null) {
      String model = s.string(LANGFUSE_MODEL);
      String operation = langfuseOperation(observation, model);
      return operation == null ? null : langfuse(s, operation, model);
    }
    return null;
  }

  private static ModelCall.Source genAiSource(SpanPricing.SpanAttributes s, boolean requestType) {
    String scope = s.string(OTEL_SCOPE_NAME);
    if (scope != null && scope.equals("litellm")) {
      return ModelCall.Source.LITELLM;
    }
    return requestType ? ModelCall.Source.OPENLLMETRY : ModelCall.Source.OTEL_GENAI;
  }

  /**
   * The conventions' names, every version since 1.26, with the names OpenLLMetry and the Vercel AI SDK 7 add: input
   * includes cache reads and writes and output includes reasoning, as the conventions say, unless the data or the
   * instrumentation says otherwise.
   */
  private static ModelCall genAi(SpanPricing.SpanAttributes s, String operation, ModelCall.Source source) {
    String provider = canonicalProvider(first(s, GenAiAttributes.GEN_AI_PROVIDER_NAME, SYSTEM, LLM_VENDOR));
    String request = first(s, GenAiAttributes.GEN_AI_REQUEST_MODEL, LLM_REQUEST_MODEL);
    String response = first(s, GenAiAttributes.GEN_AI_RESPONSE_MODEL, LLM_RESPONSE_MODEL);
    long input = firstCount(s, GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS, PROMPT_TOKENS, LLM_USAGE_PROMPT_TOKENS);
    long output =
        firstCount(s, GenAiAttributes.GEN_AI_USAGE_OUTPUT_TOKENS, COMPLETION_TOKENS, LLM_USAGE_COMPLETION_TOKENS);
    if (input < 0 && output < 0) {
      return new ModelCall(source, operation, provider, request, response, null, false, false, false);
    }
    long read = firstCount(s, GenAiAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, OPENLLMETRY_CACHE_READ);
    long write = firstCount(s, GenAiAttributes.GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS,
        GenAiAttributes.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS, OPENLLMETRY_CACHE_CREATION);
    long write1h = firstCount(s, LockNAttributes.USAGE_CACHE_WRITE_1H_INPUT_TOKENS, ANTHROPIC_CACHE_WRITE_1H);
    long reasoning = firstCount(s, GenAiAttributes.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, OPENLLMETRY_REASONING,
        AI_REASONING_DETAIL);
    long noCache = s.count(AI_NO_CACHE); // the AI SDK 7 integration with usage: true
    String scope = s.string(OTEL_SCOPE_NAME);
    // LockN leaves zero cache and reasoning counts out: on its spans an absent count is 0, not unknown.
    boolean lockn = "io.lockn.core".equals(scope);
    Boolean excludes = null;
    if (noCache >= 0 && Math.max(0, read) + Math.max(0, write) > 0) {
      excludes = noCache == Math.max(0, input) ? Boolean.TRUE
          : noCache + Math.max(0, read) + Math.max(0, write) == Math.max(0, input) ? Boolean.FALSE : null;
    }
    if (excludes == null && provider.equals("anthropic") && scope != null
        && scope.startsWith("@traceloop/instrumentation-anthropic")) {
      // OpenLLMetry's JS Anthropic instrumentation writes Anthropic's own input_tokens, which leave the cache out.
      excludes = Boolean.TRUE;
    }
    return build(source, operation, provider, request, response, input, output, read, write, write1h, reasoning,
        excludes, lockn || read >= 0 || write >= 0 || noCache >= 0, lockn || reasoning >= 0);
  }

  /**
   * OpenInference: {@code llm.token_count.prompt} includes {@code prompt_details.cache_read} and {@code cache_write}
   * (the Anthropic instrumentation writes those only when not zero), {@code completion} includes {@code
   * completion_details.reasoning}. The model that answered is {@code llm.model_name} ({@code llm.response.model_name}
   * when given); the model sent is {@code llm.request.model_name}, else the {@code model} of {@code
   * llm.invocation_parameters}.
   */
  private static ModelCall openInference(SpanPricing.SpanAttributes s, String operation) {
    String provider = canonicalProvider(first(s, OI_PROVIDER, OI_SYSTEM, GenAiAttributes.GEN_AI_PROVIDER_NAME));
    String response = first(s, OI_RESPONSE_MODEL, OI_MODEL_NAME, OI_EMBEDDING_MODEL);
    String request = s.string(OI_REQUEST_MODEL);
    if (request == null) {
      JsonNode parameters = JsonAttribute.object(s.string(OI_INVOCATION_PARAMETERS));
      request = parameters == null ? null : JsonAttribute.text(parameters, "model");
    }
    long input = s.count(OI_PROMPT);
    long output = s.count(OI_COMPLETION);
    if (input < 0 && output < 0) {
      return new ModelCall(ModelCall.Source.OPENINFERENCE, operation, provider, request, response, null, false, false,
          false);
    }
    long read = s.count(OI_CACHE_READ);
    long write = s.count(OI_CACHE_WRITE);
    long reasoning = s.count(OI_REASONING);
    return build(ModelCall.Source.OPENINFERENCE, operation, provider, request, response, input, output, read, write,
        -1, reasoning, null, read >= 0 || write >= 0, reasoning >= 0);
  }

  /**
   * The AI SDK's {@code ai.*} spans: {@code ai.usage.inputTokens} includes the cache ({@code
   * inputTokenDetails.noCacheTokens} is the rest, which decides when in doubt), {@code outputTokens} includes {@code
   * outputTokenDetails.reasoningTokens}. The provider is {@code ai.model.provider} ({@code openai.responses}: {@code
   * openai}); the model sent {@code ai.model.id}, the model that answered {@code ai.response.model}.
   */
  private static ModelCall vercel(SpanPricing.SpanAttributes s, String operation) {
    String provider = canonicalProvider(first(s, GenAiAttributes.GEN_AI_PROVIDER_NAME, SYSTEM, AI_MODEL_PROVIDER));
    String request = first(s, GenAiAttributes.GEN_AI_REQUEST_MODEL, AI_MODEL_ID);
    String response = first(s, GenAiAttributes.GEN_AI_RESPONSE_MODEL, AI_RESPONSE_MODEL);
    if (operation.equals("embeddings")) {
      long tokens = firstCount(s, AI_TOKENS, AI_INPUT, GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS);
      TokenUsage usage = tokens < 0 ? null : TokenUsage.of(tokens, 0);
      return new ModelCall(ModelCall.Source.VERCEL_AI, operation, provider, request, response, usage, true, true,
          false);
    }
    long input = firstCount(s, AI_INPUT, AI_PROMPT, GenAiAttributes.GEN_AI_USAGE_INPUT_TOKENS);
    long output = firstCount(s, AI_OUTPUT, AI_COMPLETION, GenAiAttributes.GEN_AI_USAGE_OUTPUT_TOKENS);
    if (input < 0 && output < 0) {
      return new ModelCall(ModelCall.Source.VERCEL_AI, operation, provider, request, response, null, false, false,
          false);
    }
    long noCache = s.count(AI_NO_CACHE);
    long read = firstCount(s, AI_CACHE_READ, AI_CACHED_INPUT);
    long write = s.count(AI_CACHE_WRITE);
    Boolean excludes = null;
    if (noCache >= 0 && input >= 0) {
      long cache = Math.max(0, read) + Math.max(0, write);
      if (write < 0 && noCache + Math.max(0, read) <= input) {
        // Chat Completions results have no cache-write count: whatever the rest of the input is, was written.
        write = input - noCache - Math.max(0, read);
        cache = Math.max(0, read) + write;
      }
      if (cache > 0) {
        excludes = noCache == input ? Boolean.TRUE : noCache + cache == input ? Boolean.FALSE : null;
      }
    }
    long reasoning = firstCount(s, AI_REASONING_DETAIL, AI_REASONING);
    long text = s.count(AI_TEXT);
    if (reasoning < 0 && text >= 0 && output >= text) {
      reasoning = output - text;
    }
    return build(ModelCall.Source.VERCEL_AI, operation, provider, request, response, input, output, read, write, -1,
        reasoning, excludes, read >= 0 || write >= 0 || noCache >= 0, reasoning >= 0);
  }

  /**
   * Langfuse: {@code langfuse.observation.usage_details} is a JSON object of disjoint buckets, each of which Langfuse
   * prices on its own: its OpenAI integration subtracts {@code input_cached_tokens} (and audio) from {@code input} and
   * {@code output_reasoning_tokens} from {@code output}; Anthropic's keys ({@code cache_read_input_tokens}, {@code
   * cache_creation_input_tokens}) are disjoint from {@code input} by Anthropic's own convention. When {@code total}
   * equals {@code input + output} although cache or reasoning buckets are not zero, the application wrote inclusive
   * counts, and they are read so. No provider attribute: the model id finds the price.
   */
  private static ModelCall langfuse(SpanPricing.SpanAttributes s, String operation, @Nullable String model) {
    String provider = canonicalProvider(s.string(SYSTEM));
    if (provider.isEmpty() && model != null) {
      provider = ModelCall.vendor(ModelIds.family(model));
    }
    JsonNode details = JsonAttribute.object(first(s, LANGFUSE_USAGE_DETAILS, LANGFUSE_USAGE));
    if (details == null) {
      return new ModelCall(ModelCall.Source.LANGFUSE, operation, provider, null, model, null, false, false, false);
    }
    long input = 0;
    long output = 0;
    long read = -1;
    long write = -1;
    long write1h = -1;
    long reasoning = -1;
    long total = -1;
    boolean any = false;
    Iterator<Map.Entry<String, JsonNode>> fields = details.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> e = fields.next();
      JsonNode v = e.getValue();
      if (!v.isNumber() || v.asLong() < 0) {
        continue;
      }
      long n = v.asLong();
      String key = e.getKey().toLowerCase(Locale.ROOT);
      if (key.equals("total") || key.equals("total_tokens")) {
        total = n;
      } else if (key.contains("cache") && (key.contains("read") || key.contains("cached") || key.contains("hit"))
          || key.equals("input_cached_tokens")) {
        read = Math.max(0, read) + n;
      } else if (key.contains("cache") && (key.contains("creat") || key.contains("write"))) {
        write = Math.max(0, write) + n;
        if (key.contains("1h")) {
          write1h = Math.max(0, write1h) + n;
        }
      } else if (key.contains("reasoning") || key.contains("thinking")) {
        reasoning = Math.max(0, reasoning) + n;
      } else if (key.startsWith("input") || key.startsWith("prompt")) {
        input += n;
        any = true;
      } else if (key.startsWith("output") || key.startsWith("completion")) {
        output += n;
        any = true;
      }
      // Other keys (grounding queries, images) are not tokens LockN prices.
    }
    if (!any && read < 0 && write < 0 && reasoning < 0) {
      return new ModelCall(ModelCall.Source.LANGFUSE, operation, provider, null, model, null, false, false, false);
    }
    long cache = Math.max(0, read) + Math.max(0, write);
    boolean inclusive = total >= 0 && total == input + output && cache + Math.max(0, reasoning) > 0;
    if (!inclusive) {
      // Disjoint buckets: the reasoning bucket back into the output (the cache into the input is done by build).
      output += Math.max(0, reasoning);
    }
    return build(ModelCall.Source.LANGFUSE, operation, provider, null, model, input, output, read, write, write1h,
        reasoning, !inclusive, read >= 0 || write >= 0, reasoning >= 0);
  }

  // ------------------------------------------------------------------ the canonical form

  /**
   * Builds the canonical usage. {@code excludes}: whether {@code input} leaves the cache out ({@code null}: decide
   * from the data). A negative count is absent.
   */
  private static ModelCall build(ModelCall.Source source, String operation, String provider,
      @Nullable String request, @Nullable String response, long input, long output, long read, long write,
      long write1h, long reasoning, @Nullable Boolean excludes, boolean cacheReported, boolean reasoningReported) {
    long in = Math.max(0, input);
    long out = Math.max(0, output);
    long r = Math.max(0, read);
    long w = Math.max(0, write);
    long w1h = Math.max(0, write1h);
    long thinking = Math.max(0, reasoning);
    boolean excluded = excludes != null ? excludes : r + w > in;
    if (excluded) {
      in = add(in, add(r, w));
    }
    if (thinking > out) {
      // The output left reasoning out (Gemini's thoughts beside the candidates): add it.
      out = add(out, thinking);
    }
    if (r + w > in) {
      // Only when told the input includes the cache although it is smaller: keep what the cache counts say.
      UsageLogger.warn(source + " span: cache reads " + r + " and writes " + w + " exceed the input " + in
          + " they are part of; the input is read as " + (r + w));
      in = r + w;
    }
    if (w1h > w) {
      UsageLogger.warn(source + " span: 1-hour cache writes " + w1h + " exceed the cache writes " + w
          + "; read as all 1-hour");
      w1h = w;
    }
    TokenUsage usage = TokenUsage.builder()
        .uncachedInputTokens(in - r - w)
        .cacheReadTokens(r)
        .cacheWrite5mTokens(w - w1h)
        .cacheWrite1hTokens(w1h)
        .nonReasoningOutputTokens(out - thinking)
        .reasoningTokens(thinking)
        .build();
    return new ModelCall(source, operation, provider, request, response, usage,
        cacheReported || operation.equals("embeddings"), reasoningReported || operation.equals("embeddings"),
        excluded && r + w > 0);
  }

  private static long add(long a, long b) {
    long sum = a + b;
    return sum < 0 ? Long.MAX_VALUE : sum;
  }

  // ------------------------------------------------------------------ helpers

  /**
   * A provider in the conventions' spelling: lower case; the Vercel AI SDK's {@code openai.responses} as {@code
   * openai} (the part before the dot, unless the whole is a convention name such as {@code aws.bedrock}); LiteLLM's
   * and gateways' names ({@code bedrock}, {@code vertex_ai}, {@code azure}) as the conventions'.
   */
  static String canonicalProvider(@Nullable String raw) {
    if (raw == null || raw.isBlank()) {
      return "";
    }
    String p = raw.strip().toLowerCase(Locale.ROOT);
    if (p.equals("unknown")) {
      return "";
    }
    if (p.startsWith("aws.") || p.startsWith("gcp.") || p.startsWith("azure.") || p.startsWith("ibm.")) {
      return p;
    }
    int dot = p.indexOf('.');
    if (dot > 0) {
      p = p.substring(0, dot);
    }
    p = switch (p) {
      case "amazon-bedrock" -> "aws.bedrock";
      case "google", "google-generative-ai" -> "gcp.gemini";
      case "google-vertex", "vertex" -> "gcp.vertex_ai";
      case "azure-openai" -> "azure.ai.openai";
      default -> p;
    };
    return ModelResolver.canonicalProvider(ModelResolver.fromGatewayName(p));
  }

  private static @Nullable String first(SpanPricing.SpanAttributes s, AttributeKey<String> a, AttributeKey<String> b) {
    String v = s.string(a);
    return v != null ? v : s.string(b);
  }

  private static @Nullable String first(
      SpanPricing.SpanAttributes s, AttributeKey<String> a, AttributeKey<String> b, AttributeKey<String> c) {
    String v = s.string(a);
    if (v != null) {
      return v;
    }
    v = s.string(b);
    return v != null ? v : s.string(c);
  }

  private static long firstCount(SpanPricing.SpanAttributes s, AttributeKey<Long> a, AttributeKey<Long> b) {
    long v = s.count(a);
    return v >= 0 ? v : s.count(b);
  }

  private static long firstCount(
      SpanPricing.SpanAttributes s, AttributeKey<Long> a, AttributeKey<Long> b, AttributeKey<Long> c) {
    long v = s.count(a);
    if (v >= 0) {
      return v;
    }
    v = s.count(b);
    return v >= 0 ? v : s.count(c);
  }
}
