package io.lockn.pricing;

import io.lockn.core.ModelIds;
import io.lockn.core.TokenUsage;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What one span says about one model call, whichever instrumentation wrote it, as {@link SpanPricing#read} reads it:
 * the dialect it was read in, the operation, the provider, the model requested and the model that answered, and the
 * usage in LockN's canonical form ({@link TokenUsage}: input includes cache reads and writes, output includes
 * reasoning, whatever the source's own convention), with what the source did not report.
 *
 * <p><b>Partial usage.</b> A source that reports input and output but no cache counts (or no reasoning count) leaves
 * LockN unable to split them: the call is priced as if nothing was cached (cache reads at the full input price: the
 * cost is an upper bound, except for cache writes, which some providers charge above the input price) and as if no
 * output was reasoning (exact wherever reasoning costs the output price). {@link #isPartial()} flags such calls; the
 * per-source table in {@code docs/sources.md} says which sources drop what. Immutable.
 */
public final class ModelCall {

  /** The attribute dialect a call was read in. */
  public enum Source {
    /**
     * The OpenTelemetry GenAI conventions, every version since 1.26 ({@code gen_ai.*}, deprecated names included):
     * LockN, the OpenTelemetry Java agent and JS instrumentation, Spring AI, LangChain4j, the Anthropic SDK's own
     * tracing, the Vercel AI SDK 7 integration, OpenLLMetry's JS instrumentations.
     */
    OTEL_GENAI,
    /** OpenLLMetry (Traceloop) spans that name the operation in {@code llm.request.type}. */
    OPENLLMETRY,
    /** OpenInference ({@code openinference.span.kind}, {@code llm.*}). */
    OPENINFERENCE,
    /** The Vercel AI SDK's own {@code ai.*} spans (AI SDK 4 to 6, and 7's legacy integration). */
    VERCEL_AI,
    /** Langfuse's generations ({@code langfuse.observation.*}). */
    LANGFUSE,
    /** The LiteLLM proxy's OpenTelemetry callback (instrumentation scope {@code litellm}). */
    LITELLM
  }

  private final Source source;
  private final String operation;
  private final String provider;
  private final @Nullable String requestModel;
  private final @Nullable String responseModel;
  private final @Nullable TokenUsage usage;
  private final boolean cacheReported;
  private final boolean reasoningReported;
  private final boolean inputExcludedCache;

  ModelCall(
      Source source,
      String operation,
      String provider,
      @Nullable String requestModel,
      @Nullable String responseModel,
      @Nullable TokenUsage usage,
      boolean cacheReported,
      boolean reasoningReported,
      boolean inputExcludedCache) {
    this.source = source;
    this.operation = operation;
    this.provider = provider;
    this.requestModel = requestModel;
    this.responseModel = responseModel;
    this.usage = usage;
    this.cacheReported = cacheReported;
    this.reasoningReported = reasoningReported;
    this.inputExcludedCache = inputExcludedCache;
  }

  /**
   * The dialect the call was read in.
   *
   * @return the source
   */
  public Source source() {
    return source;
  }

  /**
   * The operation in the conventions' spelling.
   *
   * @return {@code chat}, {@code text_completion}, {@code generate_content} or {@code embeddings}
   */
  public String operation() {
    return operation;
  }

  /**
   * The provider, in the conventions' spelling ({@code openai}, {@code anthropic}, {@code aws.bedrock}, ...): the
   * Vercel AI SDK's {@code openai.responses} reads as {@code openai}, LiteLLM's {@code vertex_ai} as {@code
   * gcp.vertex_ai}.
   *
   * @return the provider; for a span that names none (Langfuse), the model's own vendor when the model id says (the
   *     price is then found by the model id across providers); {@code ""} when unknown
   */
  public String provider() {
    return provider;
  }

  /**
   * The model the call was sent with.
   *
   * @return the model, or {@code null} when the span does not say
   */
  public @Nullable String requestModel() {
    return requestModel;
  }

  /**
   * The model that answered (some sources record the requested model here, OpenInference's streamed calls and
   * Langfuse's streamed generations among them).
   *
   * @return the model, or {@code null} when the span does not say
   */
  public @Nullable String responseModel() {
    return responseModel;
  }

  /**
   * The usage, in LockN's canonical form.
   *
   * @return the usage, or {@code null} when the span carries none (a failed call, a streamed call whose usage was not
   *     captured, a wrapper span)
   */
  public @Nullable TokenUsage usage() {
    return usage;
  }

  /**
   * Whether the source reported how much of the input was cache reads and writes (a count of 0 included). Absent
   * counts are unknown, not zero, except on LockN's own spans, which leave zero counts out.
   *
   * @return {@code false} when the cache split is unknown
   */
  public boolean cacheReported() {
    return cacheReported;
  }

  /**
   * Whether the source reported how much of the output was reasoning (a count of 0 included).
   *
   * @return {@code false} when the reasoning split is unknown
   */
  public boolean reasoningReported() {
    return reasoningReported;
  }

  /**
   * Whether the span's input count left the cache out and LockN added it back: OpenLLMetry's JS Anthropic spans, and
   * any span whose cache counts exceed its input count (the source followed Anthropic's convention rather than the
   * semantic conventions').
   *
   * @return {@code true} when the input count was read as excluding cache reads and writes
   */
  public boolean inputExcludedCache() {
    return inputExcludedCache;
  }

  /**
   * Whether the usage is partial: a chat or completion call whose source did not report the cache split or the
   * reasoning split, so that its cost is an upper bound for cache reads (see the class comment).
   *
   * @return {@code true} for a call with usage and an unknown cache or reasoning split; never for embeddings
   */
  public boolean isPartial() {
    return usage != null && !operation.equals("embeddings") && !(cacheReported && reasoningReported);
  }

  /**
   * Whether this call and another, read from two spans of one trace, one enclosing the other, can describe the same
   * provider call: compatible providers (the same, one unknown, Azure OpenAI as OpenAI, or either being the model's
   * own vendor, as for a gateway that reports {@code openai} for a Claude model) and the same model family (one of the
   * requested or answering models of each, by {@link ModelIds#family}; compatible when either names no model).
   *
   * @param other the other call
   * @return {@code true} when they may be one call
   */
  public boolean mayBeSameCallAs(ModelCall other) {
    Objects.requireNonNull(other, "other");
    if (operation.equals("embeddings") != other.operation.equals("embeddings")) {
      return false;
    }
    String a = family(requestModel);
    String b = family(responseModel);
    String c = family(other.requestModel);
    String d = family(other.responseModel);
    boolean models = (a.isEmpty() && b.isEmpty()) || (c.isEmpty() && d.isEmpty())
        || (!a.isEmpty() && (a.equals(c) || a.equals(d))) || (!b.isEmpty() && (b.equals(c) || b.equals(d)));
    if (!models) {
      return false;
    }
    String p = providerFamily(provider);
    String q = providerFamily(other.provider);
    if (p.isEmpty() || q.isEmpty() || p.equals(q)) {
      return true;
    }
    String vendor = vendor(!b.isEmpty() ? b : !a.isEmpty() ? a : !d.isEmpty() ? d : c);
    return vendor.equals(p) || vendor.equals(q);
  }

  /**
   * How much of the call the span describes, to keep the most complete of several spans of one call: usage first,
   * then the cache split, then the reasoning split.
   */
  int detail() {
    return (usage != null ? 4 : 0) + (cacheReported ? 2 : 0) + (reasoningReported ? 1 : 0);
  }

  /** A copy whose missing models are filled from another span of the same call. */
  ModelCall withModelsFrom(ModelCall other) {
    if ((requestModel != null || other.requestModel == null) && (responseModel != null || other.responseModel == null)
        && (!provider.isEmpty() || other.provider.isEmpty())) {
      return this;
    }
    return new ModelCall(source, operation, provider.isEmpty() ? other.provider : provider,
        requestModel != null ? requestModel : other.requestModel,
        responseModel != null ? responseModel : other.responseModel, usage, cacheReported, reasoningReported,
        inputExcludedCache);
  }

  private static String family(@Nullable String model) {
    return model == null ? "" : ModelIds.family(model);
  }

  private static String providerFamily(String provider) {
    return provider.equals("azure.ai.openai") ? "openai" : provider;
  }

  /**
   * The first-party vendor of a model family ({@code claude-*}: Anthropic; {@code gpt-*}, {@code o1}..., {@code
   * text-embedding-*}: OpenAI; {@code gemini-*}: Google), for the gateway case and for sources that name no provider;
   * {@code ""} when not recognised.
   */
  static String vendor(String family) {
    String f = family.toLowerCase(Locale.ROOT);
    if (f.startsWith("claude")) {
      return "anthropic";
    }
    if (f.startsWith("gpt-") || f.startsWith("chatgpt") || f.startsWith("text-embedding") || f.startsWith("davinci")
        || (f.length() > 1 && f.charAt(0) == 'o' && Character.isDigit(f.charAt(1)))) {
      return "openai";
    }
    if (f.startsWith("gemini")) {
      return "gcp.gemini";
    }
    return "";
  }

  @Override
  public String toString() {
    return "ModelCall{" + source + ' ' + operation + ' ' + provider + '/' + requestModel + "->" + responseModel
        + ", usage=" + usage + (cacheReported ? "" : ", cache unknown") + (reasoningReported ? ""
            : ", reasoning unknown") + (inputExcludedCache ? ", input excluded cache" : "") + '}';
  }
}
