package io.lockn.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockn.core.AttributionKeys;
import io.lockn.core.TokenUsage;
import io.opentelemetry.api.common.AttributeKey;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The rules of LockN's reader of model calls ({@link SpanPricing#read}, {@link TraceCalls}) that the recordings of real
 * instrumentations ({@code EcosystemTraceCallsTest}) do not reach: older convention versions and dialects, counting
 * conventions detected from the data, LiteLLM's spans, the dedupe's edge cases and the attribution sources.
 */
class ModelCallReaderTest {

  /** A span as a map of attributes, with its place in a trace. */
  static final class TestSpan implements TraceCalls.Span {
    final Map<String, Object> attributes = new HashMap<>();
    final Map<String, Object> resource = new HashMap<>();
    final String id;
    final @Nullable String parent;
    final long start;
    final long end;
    String name = "span";

    TestSpan(String id, @Nullable String parent, long start, long end) {
      this.id = id;
      this.parent = parent;
      this.start = start;
      this.end = end;
    }

    TestSpan(Object... keyValues) {
      this("s", null, 0, 10);
      put(keyValues);
    }

    TestSpan put(Object... keyValues) {
      for (int i = 0; i < keyValues.length; i += 2) {
        attributes.put((String) keyValues[i], keyValues[i + 1]);
      }
      return this;
    }

    @Override
    public long count(AttributeKey<Long> key) {
      Object v = attributes.get(key.getKey());
      if (v instanceof Long l) {
        return l;
      }
      return v instanceof String s ? SpanPricing.parseCount(s) : -1;
    }

    @Override
    public @Nullable String string(AttributeKey<String> key) {
      return attributes.get(key.getKey()) instanceof String s ? s : null;
    }

    @Override
    public String spanId() {
      return id;
    }

    @Override
    public @Nullable String parentSpanId() {
      return parent;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public long startEpochNanos() {
      return start;
    }

    @Override
    public long endEpochNanos() {
      return end;
    }

    @Override
    public @Nullable String outerString(AttributeKey<String> key) {
      return resource.get(key.getKey()) instanceof String s ? s : null;
    }
  }

  private static ModelCall read(Object... keyValues) {
    ModelCall call = SpanPricing.read(new TestSpan(keyValues));
    assertThat(call).isNotNull();
    return call;
  }

  private static TokenUsage usage(long uncached, long read, long write, long output, long reasoning) {
    return TokenUsage.builder().uncachedInputTokens(uncached).cacheReadTokens(read).cacheWrite5mTokens(write)
        .nonReasoningOutputTokens(output - reasoning).reasoningTokens(reasoning).build();
  }

  // ---------------------------------------------------------------- conventions, every version

  @Test
  void conventions126_deprecatedSystemAndPromptCompletionTokens() {
    ModelCall call = read("gen_ai.operation.name", "chat", "gen_ai.system", "openai",
        "gen_ai.request.model", "gpt-4o", "gen_ai.usage.prompt_tokens", 1000L, "gen_ai.usage.completion_tokens", 200L);
    assertThat(call.source()).isEqualTo(ModelCall.Source.OTEL_GENAI);
    assertThat(call.provider()).isEqualTo("openai");
    assertThat(call.usage()).isEqualTo(TokenUsage.of(1000, 200));
    // Neither cache nor reasoning counts: the cost is an upper bound.
    assertThat(call.cacheReported()).isFalse();
    assertThat(call.isPartial()).isTrue();
  }

  @Test
  void cacheWrites_underTheReleasedAndTheLatestName_andTheLatestWins() {
    Object[] base = {"gen_ai.operation.name", "chat", "gen_ai.provider.name", "anthropic",
        "gen_ai.usage.input_tokens", 1000L, "gen_ai.usage.output_tokens", 10L, "gen_ai.usage.reasoning.output_tokens",
        0L};
    ModelCall released = SpanPricing.read(new TestSpan(base).put("gen_ai.usage.cache_creation.input_tokens", 300L));
    ModelCall latest = SpanPricing.read(new TestSpan(base).put("gen_ai.usage.cache_write.input_tokens", 300L));
    ModelCall both = SpanPricing.read(new TestSpan(base).put("gen_ai.usage.cache_write.input_tokens", 300L,
        "gen_ai.usage.cache_creation.input_tokens", 999L));
    assertThat(released.usage()).isEqualTo(usage(700, 0, 300, 10, 0));
    assertThat(latest.usage()).isEqualTo(usage(700, 0, 300, 10, 0));
    assertThat(both.usage()).isEqualTo(usage(700, 0, 300, 10, 0));
    assertThat(latest.isPartial()).isFalse();
  }

  @Test
  void anthropicSdkOneHourWrites_arePricedAtTheirRate() {
    ModelCall call = read("gen_ai.operation.name", "chat", "gen_ai.provider.name", "anthropic",
        "gen_ai.usage.input_tokens", 1000L, "gen_ai.usage.cache_write.input_tokens", 400L,
        "anthropic.usage.cache_creation.ephemeral_1h_input_tokens", 100L, "gen_ai.usage.output_tokens", 10L);
    assertThat(call.usage().cacheWrite1hTokens()).isEqualTo(100);
    assertThat(call.usage().cacheWrite5mTokens()).isEqualTo(300);
  }

  @Test
  void openLlmetryAnthropicInJs_inputExcludesTheCache_evenWhenTheCacheIsTheSmallerPart() {
    Object[] span = {"gen_ai.operation.name", "chat", "gen_ai.provider.name", "anthropic",
        "gen_ai.usage.input_tokens", 5000L, "gen_ai.usage.cache_read.input_tokens", 2000L,
        "gen_ai.usage.output_tokens", 10L};
    // The data alone cannot tell (2,000 < 5,000): the conventions' reading, input includes the cache.
    assertThat(read(span).usage().uncachedInputTokens()).isEqualTo(3000);
    // OpenLLMetry's JS Anthropic instrumentation writes Anthropic's own input_tokens, which leave the cache out.
    ModelCall traceloop = SpanPricing.read(new TestSpan(span).put("otel.scope.name",
        "@traceloop/instrumentation-anthropic"));
    assertThat(traceloop.usage().uncachedInputTokens()).isEqualTo(5000);
    assertThat(traceloop.usage().inputTokens()).isEqualTo(7000);
    assertThat(traceloop.inputExcludedCache()).isTrue();
  }

  @Test
  void cacheLargerThanTheInput_meansTheInputLeftItOut_inAnyDialect() {
    ModelCall call = read("openinference.span.kind", "LLM", "llm.provider", "anthropic",
        "llm.model_name", "claude-sonnet-4-5", "llm.token_count.prompt", 100L,
        "llm.token_count.prompt_details.cache_read", 300L, "llm.token_count.completion", 5L);
    assertThat(call.usage()).isEqualTo(usage(100, 300, 0, 5, 0));
    assertThat(call.inputExcludedCache()).isTrue();
  }

  @Test
  void reasoningLargerThanTheOutput_meansTheOutputLeftItOut() {
    ModelCall call = read("gen_ai.operation.name", "generate_content", "gen_ai.provider.name", "gcp.gemini",
        "gen_ai.usage.input_tokens", 100L, "gen_ai.usage.output_tokens", 50L,
        "gen_ai.usage.reasoning.output_tokens", 200L);
    assertThat(call.usage()).isEqualTo(usage(100, 0, 0, 250, 200));
  }

  @Test
  void lockNsOwnSpans_leaveZeroCountsOut_soTheyAreNotPartial() {
    ModelCall call = read("otel.scope.name", "io.lockn.core", "gen_ai.operation.name", "chat",
        "gen_ai.provider.name", "openai", "gen_ai.usage.input_tokens", 100L, "gen_ai.usage.output_tokens", 5L);
    assertThat(call.cacheReported()).isTrue();
    assertThat(call.isPartial()).isFalse();
  }

  @Test
  void aggregatesAndNonCalls_areNotCalls() {
    assertThat(SpanPricing.read(new TestSpan("gen_ai.operation.name", "invoke_agent",
        "gen_ai.usage.input_tokens", 1000L))).isNull();
    assertThat(SpanPricing.read(new TestSpan("gen_ai.operation.name", "agent_step"))).isNull();
    assertThat(SpanPricing.read(new TestSpan("ai.operationId", "ai.generateText", "ai.usage.inputTokens", 9L)))
        .isNull();
    assertThat(SpanPricing.read(new TestSpan("openinference.span.kind", "CHAIN"))).isNull();
    assertThat(SpanPricing.read(new TestSpan("langfuse.observation.type", "span"))).isNull();
    assertThat(SpanPricing.read(new TestSpan("http.request.method", "POST"))).isNull();
  }

  // ---------------------------------------------------------------- other dialects and versions

  @Test
  void liteLlmProxy_callTypesAndProviderNames() {
    ModelCall call = read("otel.scope.name", "litellm", "gen_ai.operation.name", "acompletion",
        "llm.request.type", "acompletion", "gen_ai.system", "vertex_ai",
        "gen_ai.request.model", "vertex_ai/gemini-2.5-pro", "gen_ai.response.model", "gemini-2.5-pro",
        "gen_ai.usage.input_tokens", 100L, "gen_ai.usage.output_tokens", 20L, "gen_ai.usage.total_tokens", 120L);
    assertThat(call.source()).isEqualTo(ModelCall.Source.LITELLM);
    assertThat(call.operation()).isEqualTo("chat");
    assertThat(call.provider()).isEqualTo("gcp.vertex_ai");
    assertThat(call.usage()).isEqualTo(TokenUsage.of(100, 20));
    assertThat(read("otel.scope.name", "litellm", "gen_ai.operation.name", "aembedding", "gen_ai.system", "bedrock",
        "gen_ai.usage.input_tokens", 8L).operation()).isEqualTo("embeddings");
    assertThat(read("gen_ai.operation.name", "chat", "gen_ai.system", "bedrock").provider()).isEqualTo("aws.bedrock");
  }

  @Test
  void openLlmetryPython_andItsEarliestNames() {
    ModelCall python = read("llm.request.type", "chat", "gen_ai.system", "Anthropic",
        "gen_ai.usage.prompt_tokens", "3000", "gen_ai.usage.completion_tokens", "100",
        "gen_ai.usage.cache_read_input_tokens", 2000L, "gen_ai.usage.cache_creation_input_tokens", 0L);
    assertThat(python.source()).isEqualTo(ModelCall.Source.OPENLLMETRY);
    assertThat(python.provider()).isEqualTo("anthropic");
    assertThat(python.usage()).isEqualTo(usage(1000, 2000, 0, 100, 0));
    ModelCall earliest = read("llm.request.type", "completion", "llm.vendor", "OpenAI",
        "llm.request.model", "gpt-3.5-turbo-instruct", "llm.usage.prompt_tokens", 10L,
        "llm.usage.completion_tokens", 2L);
    assertThat(earliest.operation()).isEqualTo("text_completion");
    assertThat(earliest.provider()).isEqualTo("openai");
    assertThat(earliest.requestModel()).isEqualTo("gpt-3.5-turbo-instruct");
    assertThat(earliest.usage()).isEqualTo(TokenUsage.of(10, 2));
  }

  @Test
  void vercelAiSdk4And5Names_andProviderIds() {
    ModelCall v4 = read("ai.operationId", "ai.generateText.doGenerate", "ai.model.provider", "openai.chat",
        "ai.model.id", "gpt-4o", "ai.usage.promptTokens", 100L, "ai.usage.completionTokens", 10L);
    assertThat(v4.source()).isEqualTo(ModelCall.Source.VERCEL_AI);
    assertThat(v4.provider()).isEqualTo("openai");
    assertThat(v4.usage()).isEqualTo(TokenUsage.of(100, 10));
    assertThat(v4.cacheReported()).isFalse();
    ModelCall v5 = read("ai.operationId", "ai.streamText.doStream", "ai.model.provider", "amazon-bedrock",
        "ai.usage.inputTokens", 100L, "ai.usage.cachedInputTokens", 40L, "ai.usage.outputTokens", 10L,
        "ai.usage.reasoningTokens", 4L);
    assertThat(v5.provider()).isEqualTo("aws.bedrock");
    assertThat(v5.usage()).isEqualTo(usage(60, 40, 0, 10, 4));
    assertThat(v5.isPartial()).isFalse();
    // Chat Completions carry no cache-write count: the rest of the input after the uncached part and the reads.
    ModelCall derived = read("ai.operationId", "ai.generateText.doGenerate", "ai.model.provider",
        "anthropic.messages", "ai.usage.inputTokens", 1000L, "ai.usage.inputTokenDetails.noCacheTokens", 100L,
        "ai.usage.inputTokenDetails.cacheReadTokens", 600L, "ai.usage.outputTokens", 10L);
    assertThat(derived.usage()).isEqualTo(usage(100, 600, 300, 10, 0));
    assertThat(read("ai.operationId", "ai.embed.doEmbed", "ai.model.provider", "google.generative-ai",
        "ai.usage.tokens", 9L).provider()).isEqualTo("gcp.gemini");
  }

  @Test
  void langfuseUsageDetails_disjointBuckets_orInclusiveWhenTheTotalSaysSo() {
    ModelCall disjoint = read("langfuse.observation.type", "generation", "langfuse.observation.model.name",
        "gpt-4o-2024-08-06", "langfuse.observation.usage_details",
        "{\"input\":100,\"input_audio_tokens\":10,\"input_cached_tokens\":50,\"output\":20,"
            + "\"output_reasoning_tokens\":30,\"total\":210}");
    assertThat(disjoint.provider()).isEqualTo("openai"); // no provider attribute: the model's vendor
    assertThat(disjoint.usage()).isEqualTo(usage(110, 50, 0, 50, 30));
    // An application that wrote inclusive counts: total = input + output although there are cache reads.
    ModelCall inclusive = read("langfuse.observation.type", "generation", "langfuse.observation.model.name",
        "gpt-4o", "langfuse.observation.usage_details", "{\"input\":1804,\"output\":96,\"total\":1900,"
            + "\"input_cached_tokens\":1536}");
    assertThat(inclusive.usage()).isEqualTo(usage(268, 1536, 0, 96, 0));
    // Not JSON, or no usage: a call without usage, not an error.
    assertThat(read("langfuse.observation.type", "generation", "langfuse.observation.usage_details", "{oops")
        .usage()).isNull();
  }

  // ---------------------------------------------------------------- one call, one count

  @Test
  void sameCall_needsCompatibleProvidersAndTheSameModelFamily() {
    ModelCall viaGateway = read("gen_ai.operation.name", "chat", "gen_ai.provider.name", "openai",
        "gen_ai.request.model", "claude-sonnet-4-5");
    ModelCall anthropic = read("gen_ai.operation.name", "chat", "gen_ai.provider.name", "anthropic",
        "gen_ai.response.model", "claude-sonnet-4-5-20250929");
    ModelCall gpt = read("gen_ai.operation.name", "chat", "gen_ai.provider.name", "openai",
        "gen_ai.request.model", "gpt-4o");
    ModelCall embeddings = read("gen_ai.operation.name", "embeddings", "gen_ai.provider.name", "anthropic",
        "gen_ai.request.model", "claude-sonnet-4-5");
    assertThat(viaGateway.mayBeSameCallAs(anthropic)).isTrue();
    assertThat(gpt.mayBeSameCallAs(anthropic)).isFalse();
    assertThat(embeddings.mayBeSameCallAs(anthropic)).isFalse();
  }

  private static TestSpan chat(String id, @Nullable String parent, long start, long end, long input) {
    TestSpan s = new TestSpan(id, parent, start, end);
    s.put("gen_ai.operation.name", "chat", "gen_ai.provider.name", "openai", "gen_ai.request.model", "gpt-4o");
    if (input >= 0) {
      s.put("gen_ai.usage.input_tokens", input, "gen_ai.usage.output_tokens", 1L);
    }
    return s;
  }

  @Test
  void aSpanOverSeveralCalls_addsThemUp_andIsNoCall() {
    // A framework span with the retry's usage over two attempts: the failed one (no usage) and the one that answered.
    TestSpan framework = chat("w", null, 0, 100, 500);
    TraceCalls<TestSpan> calls = TraceCalls.of(List.of(framework, chat("a", "w", 1, 10, -1), chat("b", "w", 11, 90,
        500)), AttributionKeys.defaults());
    assertThat(calls.calls()).extracting(c -> c.span().spanId()).containsExactly("a", "b");
    assertThat(calls.duplicatesRemoved()).isEqualTo(1);
  }

  @Test
  void theMostCompleteSpanRepresentsTheCall_lowerOnATie() {
    // LockN's own span (complete) around the Java agent's (no cache or reasoning counts).
    TestSpan lockn = chat("l", null, 0, 100, 1000).put("otel.scope.name", "io.lockn.core",
        "gen_ai.usage.cache_read.input_tokens", 600L);
    TestSpan agent = chat("j", "l", 1, 99, 1000);
    TraceCalls.Call<TestSpan> call = TraceCalls.of(List.of(lockn, agent), AttributionKeys.defaults()).calls().get(0);
    assertThat(call.span().spanId()).isEqualTo("l");
    assertThat(call.duplicates()).extracting(TestSpan::spanId).containsExactly("j");
    // Two spans that say as much: the one nearer the provider.
    TraceCalls.Call<TestSpan> tie = TraceCalls.of(List.of(chat("p", null, 0, 100, 1000), chat("c", "p", 1, 99, 1000)),
        AttributionKeys.defaults()).calls().get(0);
    assertThat(tie.span().spanId()).isEqualTo("c");
  }

  @Test
  void twoCostsLockNRecorded_areTwoCalls_andCallsThatDoNotOverlapAreTwoCalls() {
    TestSpan outer = chat("o", null, 0, 100, 1000).put("lockn.cost.total_nanos", 5L);
    TestSpan inner = chat("i", "o", 1, 99, 1000).put("lockn.cost.total_nanos", 5L);
    assertThat(TraceCalls.of(List.of(outer, inner), AttributionKeys.defaults()).calls()).hasSize(2);
    // A child started after its parent ended (a fire-and-forget call).
    assertThat(TraceCalls.of(List.of(chat("p", null, 0, 10, 1000), chat("c", "p", 20, 30, 1000)),
        AttributionKeys.defaults()).calls()).hasSize(2);
  }

  @Test
  void aMalformedTraceWhoseParentsFormACycle_losesNoCall() {
    TestSpan a = chat("a", "b", 0, 10, 100);
    TestSpan b = chat("b", "a", 0, 10, 100).put("gen_ai.request.model", "gpt-4o-mini");
    assertThat(TraceCalls.of(List.of(a, b), AttributionKeys.defaults()).calls()).extracting(c -> c.span().spanId())
        .containsExactlyInAnyOrder("a", "b");
  }

  // ---------------------------------------------------------------- attribution

  @Test
  void attribution_lockNsKeyWins_thenSourcesInOrder_thenAncestors_thenTheResource() {
    AttributionKeys keys = AttributionKeys.builder().addSource("app.tenant_id", "metadata#org.id").build();
    TestSpan root = new TestSpan("r", null, 0, 100).put("app.user_id", "from-root", "session.id", "s-root");
    TestSpan call = chat("c", "r", 1, 99, 10).put(
        "traceloop.association.properties.tenant_id", "from-traceloop",
        "metadata", "{\"org\":{\"id\":\"from-json\"},\"user_id\":\"u-json\"}");
    call.resource.put("app.cost_center", "cc-resource");
    TraceCalls.Call<TestSpan> c = TraceCalls.of(List.of(root, call), keys).calls().get(0);
    // The source added first is read first (a nested JSON path), before the defaults.
    assertThat(c.attribution("app.tenant_id")).isEqualTo("from-json");
    assertThat(c.attribution("app.user_id")).isEqualTo("u-json"); // the call's own source before the root's key
    assertThat(c.attribution("app.session_id")).isEqualTo("s-root"); // inherited
    assertThat(c.attribution("app.cost_center")).isEqualTo("cc-resource"); // from the resource
    call.put("app.tenant_id", "from-lockn");
    assertThat(TraceCalls.of(List.of(root, call), keys).calls().get(0).attribution("app.tenant_id"))
        .isEqualTo("from-lockn");
    AttributionKeys none = AttributionKeys.builder().setDefaultSources(false).build();
    assertThat(TraceCalls.of(List.of(root, call), none).calls().get(0).attribution("app.session_id")).isNull();
  }

  @Test
  void agent_isTheNearestAgentAncestorInAnyDialect() {
    TestSpan workflow = new TestSpan("w", null, 0, 100).put("traceloop.span.kind", "workflow");
    TestSpan agent = new TestSpan("a", "w", 1, 99).put("traceloop.span.kind", "agent",
        "traceloop.entity.name", "researcher");
    TestSpan call = chat("c", "a", 2, 98, 10);
    assertThat(TraceCalls.of(List.of(workflow, agent, call), AttributionKeys.defaults()).calls().get(0).agent())
        .isEqualTo("researcher");
    TestSpan oi = new TestSpan("o", null, 0, 100).put("openinference.span.kind", "AGENT");
    oi.name = "planner";
    assertThat(TraceCalls.of(List.of(oi, chat("c", "o", 1, 99, 10)), AttributionKeys.defaults()).calls().get(0)
        .agent()).isEqualTo("planner");
  }
}
