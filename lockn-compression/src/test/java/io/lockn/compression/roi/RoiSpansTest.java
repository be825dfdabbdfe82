package io.lockn.compression.roi;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockn.pricing.PriceCatalog;
import io.opentelemetry.api.common.AttributeKey;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The span-to-sample rules shared by the audit and the in-process collector. */
class RoiSpansTest {

  /** A span as plain values. */
  record View(String name, Map<String, Object> attributes, long startEpochNanos, long endEpochNanos,
      @Nullable View parent, Map<String, String> outer) implements RoiSpans.SpanView {

    View(String name, long start, @Nullable View parent, Object... keyValues) {
      this(name, new HashMap<>(), start, start + 1_000, parent, new HashMap<>());
      for (int i = 0; i < keyValues.length; i += 2) {
        attributes.put((String) keyValues[i], keyValues[i + 1]);
      }
    }

    @Override
    public long count(AttributeKey<Long> key) {
      return attributes.get(key.getKey()) instanceof Long l ? l : -1;
    }

    @Override
    public @Nullable String string(AttributeKey<String> key) {
      return attributes.get(key.getKey()) instanceof String s ? s : null;
    }

    @Override
    public @Nullable Double number(AttributeKey<Double> key) {
      return attributes.get(key.getKey()) instanceof Double d ? d : null;
    }

    @Override
    public @Nullable String outerString(AttributeKey<String> key) {
      return outer.get(key.getKey());
    }
  }

  private static final PriceCatalog CATALOG = PriceCatalog.bundled();

  private static View agent(String name) {
    return new View("invoke_agent " + name, 0, null, "gen_ai.operation.name", "invoke_agent", "gen_ai.agent.name",
        name, "lockn.experiment.name", "exp", "lockn.experiment.group", "compressed");
  }

  private static View call(View parent, long start, Object... more) {
    Object[] kv = {"gen_ai.operation.name", "chat", "gen_ai.provider.name", "openai", "gen_ai.request.model", "gpt-4o",
        "gen_ai.usage.input_tokens", 400L, "gen_ai.usage.output_tokens", 100L};
    Object[] all = new Object[kv.length + more.length];
    System.arraycopy(kv, 0, all, 0, kv.length);
    System.arraycopy(more, 0, all, kv.length, more.length);
    return new View("chat gpt-4o", start, parent, all);
  }

  private static View step(View parent, long start, Object... kv) {
    return new View("compress trim", start, parent, kv);
  }

  @Test
  void sample_takesTheExperimentAndAgentFromAncestorsAndTheStepsCounts() {
    View agent = agent("bot");
    View call = call(agent, 100);
    View earlier = step(agent, 10, "lockn.compression.input_tokens_original", 900L,
        "lockn.compression.quality_score", 0.5);
    View latest = step(agent, 50, "lockn.compression.input_tokens_original", 1000L,
        "lockn.compression.quality_score", 0.8, "lockn.compression.cost_nanos", 7L);
    View after = step(agent, 200, "lockn.compression.input_tokens_original", 5000L);

    RoiSample s = RoiSpans.sample(call, List.of(), List.of(earlier, after, latest), 2_000_000, CATALOG);

    assertThat(s).isEqualTo(RoiSample.builder().setExperiment("exp").setGroup("compressed").setAgent("bot")
        .setInputTokensOriginal(1000).setInputTokensSent(400).setOutputTokens(100).setCostNanos(2_000_000)
        .setCompressionCostNanos(7).setLatencyNanos(1_000).setQualityScore(0.8).setContextWindow(128_000)
        .setEpochNanos(100).build());
  }

  @Test
  void sample_skipsTheModelCallsACompressionStepMakesItself() {
    View agent = agent("bot");
    View summariser = step(agent, 10, "lockn.compression.cost_nanos", 210_000L);
    View summariserCall = call(summariser, 20);
    View nested = call(new View("execute_tool fetch", 30, summariser), 40);

    assertThat(RoiSpans.sample(summariserCall, List.of(), List.of(), 210_000, CATALOG)).isNull();
    assertThat(RoiSpans.sample(nested, List.of(), List.of(), 210_000, CATALOG)).isNull();
    assertThat(RoiSpans.sample(call(agent, 100), List.of(), List.of(summariser), 2_000_000, CATALOG).compressionCostNanos())
        .isEqualTo(210_000);
  }

  @Test
  void step_prefersAChildThenACountedStepThenTheLatest() {
    View agent = agent("bot");
    View call = call(agent, 100);
    View child = step(call, 150);
    View counted = step(agent, 10, "lockn.compression.input_tokens_original", 900L);
    View uncounted = step(agent, 60);
    View notAStep = new View("chat other", 90, agent, "lockn.compression.input_tokens_original", 1L);

    assertThat(RoiSpans.step(call, List.of(child), List.of(counted, uncounted))).isSameAs(child);
    assertThat(RoiSpans.step(call, List.of(), List.of(uncounted, counted, notAStep))).isSameAs(counted);
    assertThat(RoiSpans.step(call, List.of(), List.of(uncounted, step(agent, 70)))).isEqualTo(step(agent, 70));
    assertThat(RoiSpans.step(call, List.of(), List.of(step(agent, 101)))).isNull();
  }

  @Test
  void sample_ownAttributesWinAndOuterValuesAreTheLastResort() {
    View root = new View("root", 0, null);
    View call = call(root, 100, "lockn.compression.input_tokens_original", 3000L, "lockn.compression.quality_score",
        0.9, "lockn.agent.name", "own-agent");
    call.outer().put("lockn.experiment.name", "from-baggage");
    call.outer().put("lockn.experiment.group", "control");
    View step = step(root, 50, "lockn.compression.input_tokens_original", 1000L, "lockn.compression.quality_score",
        0.1, "lockn.cost.total_nanos", 55L);

    RoiSample s = RoiSpans.sample(call, List.of(), List.of(step), 9, CATALOG);

    assertThat(s.experiment()).isEqualTo("from-baggage");
    assertThat(s.group()).isEqualTo("control");
    assertThat(s.agent()).isEqualTo("own-agent");
    assertThat(s.inputTokensOriginal()).isEqualTo(3000);
    assertThat(s.qualityScore()).isEqualTo(0.9);
    assertThat(s.compressionCostNanos()).isEqualTo(55); // a step that was itself a priced model call
    // No experiment, or no price: no sample.
    assertThat(RoiSpans.sample(call(root, 1), List.of(), List.of(), 9, CATALOG)).isNull();
    assertThat(RoiSpans.sample(call, List.of(), List.of(), -1, CATALOG)).isNull();
  }

  @Test
  void contextWindow_fromTheResponseModelElseTheRequestModel() {
    assertThat(RoiSpans.contextWindow(CATALOG, "openai", "gpt-4o-2024-08-06", "gpt-4o")).isEqualTo(128_000);
    assertThat(RoiSpans.contextWindow(CATALOG, "openai", "my-deployment", "gpt-4o")).isEqualTo(128_000);
    assertThat(RoiSpans.contextWindow(CATALOG, "openai", null, null)).isZero();
    assertThat(RoiSpans.contextWindow(CATALOG, "openai", "unknown", "unknown-too")).isZero();
  }
}
