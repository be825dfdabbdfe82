package io.lockn.cli.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockn.pricing.PriceCatalog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunawayAgentTest {

  private static final String TRACE = "0af7651916cd43dd8448eb211c80319c";
  private long clock = 1_760_000_000_000_000_000L;

  private AuditSpan span(String id, String parent, String name, Map<String, Object> attributes) {
    clock += 1_000_000;
    return new AuditSpan(TRACE, id, parent, name, clock, clock + 500_000, false, attributes, Map.of());
  }

  private static Map<String, Object> attrs(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  private List<AuditSpan> agentCallingTool(int times, String arguments) {
    List<AuditSpan> spans = new ArrayList<>();
    spans.add(span("a000000000000001", null, "invoke_agent researcher",
        attrs("gen_ai.operation.name", "invoke_agent", "gen_ai.agent.name", "researcher")));
    for (int i = 0; i < times; i++) {
      spans.add(span(String.format("b%015d", i), "a000000000000001", "execute_tool search",
          attrs("gen_ai.operation.name", "execute_tool", "gen_ai.tool.name", "search",
              "gen_ai.tool.call.arguments", arguments)));
      spans.add(span(String.format("c%015d", i), "a000000000000001", "chat gpt-4o-mini",
          attrs("gen_ai.operation.name", "chat", "gen_ai.provider.name", "openai", "gen_ai.request.model",
              "gpt-4o-mini", "gen_ai.usage.input_tokens", 100_000L, "gen_ai.usage.output_tokens", 0L)));
    }
    return spans;
  }

  private static AuditReport audit(List<AuditSpan> spans, int repeats, int maxCalls) {
    Audit audit = Audit.builder(PriceCatalog.bundled()).setRunawayRules(repeats, maxCalls).build();
    audit.accept(spans);
    return audit.finish();
  }

  @Test
  void sameToolSameArgumentsNTimes_isARunawayWithTheInvocationsCost() {
    AuditReport report = audit(agentCallingTool(5, "{\"q\":\"refund policy\"}"), 5, 100);
    assertThat(report.findingCounts()).containsEntry(Finding.RUNAWAY_AGENT, 1L);
    Finding f = report.findings().stream().filter(x -> x.type().equals(Finding.RUNAWAY_AGENT)).findFirst()
        .orElseThrow();
    // 5 calls x 100,000 input tokens x $0.15 per 1M
    assertThat(f.costNanos()).isEqualTo(75_000_000L);
    assertThat(f.detail()).contains("researcher called search 5 times in a row");
    assertThat(f.spanIds()).startsWith("a000000000000001");
  }

  @Test
  void fewerRepeats_isNoRunaway() {
    assertThat(audit(agentCallingTool(4, "{\"q\":\"x\"}"), 5, 100).findingCounts())
        .doesNotContainKey(Finding.RUNAWAY_AGENT);
  }

  @Test
  void tooManyCalls_isARunaway() {
    AuditReport report = audit(agentCallingTool(3, "{}"), 10, 5);
    assertThat(report.findings()).filteredOn(f -> f.type().equals(Finding.RUNAWAY_AGENT)).singleElement()
        .satisfies(f -> assertThat(f.detail()).contains("made 6 model and tool calls"));
  }

  @Test
  void differentArguments_breakTheRun() {
    List<AuditSpan> spans = agentCallingTool(3, "{\"q\":\"a\"}");
    List<AuditSpan> more = new ArrayList<>(spans);
    more.add(span("d000000000000001", "a000000000000001", "execute_tool search",
        attrs("gen_ai.operation.name", "execute_tool", "gen_ai.tool.name", "search", "gen_ai.tool.call.arguments",
            "{\"q\":\"b\"}")));
    more.add(span("d000000000000002", "a000000000000001", "execute_tool search",
        attrs("gen_ai.operation.name", "execute_tool", "gen_ai.tool.name", "search", "gen_ai.tool.call.arguments",
            "{\"q\":\"a\"}")));
    assertThat(audit(more, 4, 100).findingCounts()).doesNotContainKey(Finding.RUNAWAY_AGENT);
  }
}
