package io.lockn.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.lockn.compression.roi.NonInferiority;
import io.lockn.compression.roi.RoiResult;
import io.lockn.compression.roi.Verdict;
import io.lockn.core.GenAiMessage;
import io.lockn.core.MessagePart;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the demo and checks the OTLP JSON it writes: the whole hierarchy, with the attributes the issue names. */
class SupportDemoTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  static String console;
  static List<JsonNode> spans;
  static Map<String, JsonNode> byId;
  static List<JsonNode> metrics;
  static DemoSummary summary;

  record Span(JsonNode node, Map<String, Object> attributes) {}

  @BeforeAll
  static void runDemo() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    summary = SupportDemo.run(dir, new PrintStream(out, true, StandardCharsets.UTF_8), null, null);
    console = out.toString(StandardCharsets.UTF_8);
    spans = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve("traces.jsonl"))) {
      for (JsonNode rs : JSON.readTree(line).get("resourceSpans")) {
        for (JsonNode ss : rs.get("scopeSpans")) {
          ss.get("spans").forEach(spans::add);
        }
      }
    }
    byId = spans.stream().collect(Collectors.toMap(s -> s.get("spanId").asText(), s -> s));
    metrics = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve("metrics.jsonl"))) {
      for (JsonNode rm : JSON.readTree(line).get("resourceMetrics")) {
        for (JsonNode sm : rm.get("scopeMetrics")) {
          sm.get("metrics").forEach(metrics::add);
        }
      }
    }
  }

  static Map<String, Object> attributes(JsonNode span) {
    Map<String, Object> map = new HashMap<>();
    for (JsonNode a : span.get("attributes")) {
      JsonNode v = a.get("value");
      Object value =
          v.has("stringValue") ? v.get("stringValue").asText()
              : v.has("intValue") ? v.get("intValue").asLong()
              : v.has("boolValue") ? v.get("boolValue").asBoolean()
              : v.has("doubleValue") ? v.get("doubleValue").asDouble()
              : v.toString();
      map.put(a.get("key").asText(), value);
    }
    return map;
  }

  static List<JsonNode> named(String name) {
    return spans.stream().filter(s -> s.get("name").asText().equals(name)).toList();
  }

  static JsonNode parent(JsonNode span) {
    return byId.get(span.get("parentSpanId").asText());
  }

  static boolean isExperiment(JsonNode span) {
    return attributes(span).containsKey("lockn.experiment.name")
        || span.get("name").asText().startsWith("compress ");
  }

  static boolean isLangChain4jPart(JsonNode span) {
    return "billing-chat".equals(attributes(span).get("app.feature"));
  }

  @Test
  void langChain4jPart_aRealAiServiceWithAToolIsRecordedAndPricedExactly() {
    JsonNode agent = named("invoke_agent BillingAssistant.answer").get(0);
    List<JsonNode> children = spans.stream().filter(s -> agent.get("spanId").asText()
        .equals(s.path("parentSpanId").asText())).toList();
    assertThat(children).extracting(s -> s.get("name").asText())
        .containsExactlyInAnyOrder("chat gpt-4o-mini", "execute_tool invoice", "chat gpt-4o-mini");
    assertThat(spans.stream().filter(SupportDemoTest::isLangChain4jPart)).hasSize(4)
        .allSatisfy(s -> assertThat(tenant(s)).isEqualTo("umbrella"));
    // gpt-4o-mini: $0.15 input, $0.075 cached input, $0.60 output per 1M tokens.
    long first = 1180 * 150 + 22 * 600;
    long second = (1260 - 1152) * 150 + 1152 * 75 + 31 * 600;
    assertThat(attributes(agent)).containsEntry("lockn.cost.rollup.total_nanos", first + second);
    assertThat(console).contains("LangChain4j: the billing question", "USD 0.000311400 (roll-up)",
        "answer: Yes: invoice INV-1042 (1290.00 EUR) was paid on 2026-11-03.");
  }

  static String tenant(JsonNode span) {
    return (String) attributes(span).get("app.tenant_id");
  }

  @Test
  void run_printsSummaryAndPaths() {
    assertThat(console)
        .contains("Spans per agent")
        .contains("Tokens per tenant")
        .contains("acme")
        .contains("globex")
        .contains("initech")
        .contains("Traces:  " + dir.resolve("traces.jsonl"))
        .contains("Metrics: " + dir.resolve("metrics.jsonl"))
        .contains("gpt-4 -> gpt-3.5-turbo-0125");
  }

  @Test
  void traces_holdTheFullHierarchyForEveryTenant() {
    // 15 spans per full ticket (acme, globex) and 3 per starter ticket (workflow, agent, model call; initech); the
    // A/B experiment adds 3 per session (workflow, agent, model call) and a compress span per compressed session.
    RoiResult roi = summary.experimentResult();
    // The LangChain4j part adds its agent, two model calls and a tool.
    assertThat(spans).hasSize(30 + 9 + 3 * ContextTrimmingExperiment.SESSIONS + roi.treatmentCalls() + 4);
    assertThat(spans.stream().filter(s -> !isExperiment(s) && !isLangChain4jPart(s))).hasSize(30 + 9);
    List<JsonNode> workflows = named("invoke_workflow customer-support");
    assertThat(workflows).hasSize(5);
    assertThat(workflows).extracting(SupportDemoTest::tenant)
        .containsExactlyInAnyOrder("acme", "globex", "initech", "initech", "initech");
    for (JsonNode workflow : workflows) {
      assertThat(workflow.path("parentSpanId").asText()).isEmpty();
      assertThat(workflow.get("kind").asInt()).isEqualTo(1); // INTERNAL
    }
    for (String agent : List.of("pii-guard", "triage-agent", "resolver-agent", "reply-writer")) {
      List<JsonNode> agentSpans = named("invoke_agent " + agent);
      assertThat(agentSpans).hasSize(2);
      assertThat(agentSpans).allSatisfy(s -> assertThat(parent(s).get("name").asText())
          .isEqualTo("invoke_workflow customer-support"));
    }
    JsonNode refund = named("invoke_agent refund-agent").get(0);
    assertThat(parent(refund).get("name").asText()).isEqualTo("invoke_agent resolver-agent");
    assertThat(parent(named("chat o3").get(0))).isEqualTo(refund);
    assertThat(named("embeddings text-embedding-3-small"))
        .allSatisfy(s -> assertThat(parent(s).get("name").asText()).isEqualTo("execute_tool search_kb"));
    assertThat(parent(named("execute_tool lookup_order").get(0)).get("name").asText())
        .isEqualTo("invoke_agent resolver-agent");
    // Every span carries the business attribution and belongs to one of the five workflows' traces.
    // (The compression step's spans are recorded by lockn-compression, which does not copy Baggage.)
    assertThat(spans).filteredOn(s -> !s.get("name").asText().startsWith("compress ")).allSatisfy(s -> {
      Map<String, Object> a = attributes(s);
      assertThat(a).containsKeys("app.tenant_id", "app.cost_center", "app.workflow_id", "app.feature", "app.plan",
          "app.user_id");
    });
    Map<String, Long> traces = spans.stream().filter(s -> !isExperiment(s) && !isLangChain4jPart(s))
        .collect(Collectors.groupingBy(s -> s.get("traceId").asText(), Collectors.counting()));
    assertThat(traces).hasSize(5);
  }

  @Test
  void inferenceSpans_carryGenAiAttributes() {
    JsonNode chat = named("chat o3").get(0);
    assertThat(chat.get("kind").asInt()).isEqualTo(3); // CLIENT
    assertThat(attributes(chat))
        .containsEntry("gen_ai.operation.name", "chat")
        .containsEntry("gen_ai.provider.name", "openai")
        .containsEntry("gen_ai.request.model", "o3")
        .containsEntry("gen_ai.response.model", "o3-2025-04-16")
        .containsEntry("gen_ai.request.max_tokens", 4096L)
        .containsEntry("server.address", "api.openai.com")
        .containsEntry("server.port", 443L)
        .containsEntry("gen_ai.usage.input_tokens", 950L)
        .containsEntry("gen_ai.usage.output_tokens", 640L)
        .containsEntry("gen_ai.usage.reasoning.output_tokens", 512L)
        .containsEntry("lockn.agent.name", "refund-agent")
        .containsEntry("lockn.task.name", "check_refund")
        .containsEntry("app.tenant_id", "acme")
        .containsKey("gen_ai.response.id");
    assertThat(chat.toString()).contains("\"gen_ai.response.finish_reasons\"").contains("stop");
  }

  @Test
  void retry_after429_isItsOwnSpanLinkedToTheFirstAttempt() {
    List<JsonNode> acmeTriage = named("chat gpt-4o-mini").stream().filter(s -> tenant(s).equals("acme")).toList();
    assertThat(acmeTriage).hasSize(2);
    JsonNode first = acmeTriage.stream().filter(s -> attributes(s).containsKey("error.type")).findFirst().orElseThrow();
    JsonNode retry = acmeTriage.stream().filter(s -> s != first).findFirst().orElseThrow();
    assertThat(attributes(first)).containsEntry("error.type", "429").doesNotContainKey("lockn.retry.attempt")
        .doesNotContainKey("lockn.retry.first_span_id");
    assertThat(first.get("status").get("code").asInt()).isEqualTo(2); // ERROR
    assertThat(attributes(retry))
        .containsEntry("lockn.retry.attempt", 2L)
        .containsEntry("lockn.retry.first_span_id", first.get("spanId").asText());
    assertThat(parent(first)).isEqualTo(parent(retry));
    assertThat(attributes(parent(first))).containsEntry("lockn.task.name", "classify")
        .containsEntry("app.ticket_id", "T-1001");
  }

  @Test
  void fallback_keepsTheFailedAttemptAndNamesItsModel() {
    assertThat(named("chat gpt-4.1")).hasSize(2)
        .allSatisfy(s -> assertThat(attributes(s)).containsEntry("error.type", "503"));
    assertThat(named("chat gpt-4.1-mini")).hasSize(2).allSatisfy(s -> assertThat(attributes(s))
        .containsEntry("lockn.fallback.depth", 1L)
        .containsEntry("lockn.fallback.from_model", "gpt-4.1")
        .containsEntry("gen_ai.usage.cache_read.input_tokens", 1024L));
  }

  @Test
  void providerCache_writeThenRead() {
    JsonNode acme = named("chat claude-sonnet-4-5").stream().filter(s -> tenant(s).equals("acme")).findFirst()
        .orElseThrow();
    JsonNode globex = named("chat claude-sonnet-4-5").stream().filter(s -> tenant(s).equals("globex")).findFirst()
        .orElseThrow();
    assertThat(attributes(acme))
        .containsEntry("gen_ai.provider.name", "anthropic")
        .containsEntry("gen_ai.usage.cache_creation.input_tokens", 2048L)
        .containsEntry("gen_ai.usage.input_tokens", 180L + 2048L)
        .doesNotContainKey("lockn.cache.hit");
    assertThat(attributes(globex))
        .containsEntry("gen_ai.usage.cache_read.input_tokens", 2048L)
        .containsEntry("gen_ai.usage.input_tokens", 150L + 2048L)
        .containsEntry("lockn.cache.hit", true)
        .containsEntry("lockn.cache.type", "provider");
  }

  @Test
  void modelSubstitution_isFlagged() {
    JsonNode gpt4 = named("chat gpt-4").get(0);
    assertThat(attributes(gpt4))
        .containsEntry("gen_ai.response.model", "gpt-3.5-turbo-0125")
        .containsEntry("lockn.model.substituted", true)
        .containsEntry("server.address", "llm-gateway.internal");
    assertThat(named("chat o3").get(0).toString()).doesNotContain("lockn.model.substituted");
  }

  @Test
  void tools_andAnnotatedAgent() {
    JsonNode lookup = named("execute_tool lookup_order").get(0);
    assertThat(attributes(lookup))
        .containsEntry("gen_ai.operation.name", "execute_tool")
        .containsEntry("gen_ai.tool.name", "lookup_order")
        .containsEntry("gen_ai.tool.type", "datastore")
        .containsEntry("gen_ai.tool.description", "Fetches an order's status")
        .containsEntry("app.order_id", "A-553")
        .containsEntry("lockn.agent.name", "resolver-agent");
    assertThat(attributes(named("invoke_agent triage-agent").get(0)))
        .containsEntry("gen_ai.agent.name", "triage-agent")
        .containsEntry("gen_ai.agent.description", "Routes a support ticket to a category");
  }

  @Test
  void run_printsCostTablesPerTenantAndAgent() {
    assertThat(console)
        .contains("Cost per tenant (USD):")
        .containsPattern("acme\\s+0\\.019106922")
        .containsPattern("globex\\s+0\\.004604322")
        .contains("Cost per agent (USD):")
        .containsPattern("resolver-agent\\s+0\\.015435360")
        .containsPattern("pii-guard\\s+0\\.000144484")
        .containsPattern("initech\\s+0\\.025500000")
        .containsPattern("total\\s+0\\.049211244")
        .contains("unpriced calls (no price known, not counted above): 1");
  }

  @Test
  void inferenceSpans_carryExactCost() {
    // o3 after its 2025-06-10 price cut: 950 x $2 + 128 x $8 + 512 reasoning x $8, per 1M tokens.
    assertThat(attributes(named("chat o3").get(0)))
        .containsEntry("lockn.cost.total_nanos", 7_020_000L)
        .containsEntry("lockn.cost.input", 0.0019)
        .containsEntry("lockn.cost.output", 0.001024)
        .containsEntry("lockn.cost.reasoning", 0.004096)
        .containsEntry("lockn.cost.currency", "USD")
        .containsEntry("lockn.cost.source", "local")
        .containsEntry("lockn.pricing.id", "openai/o3@2025-06-10");
    // Every span of the support workflow (priced with the parts by token class; a part that costs nothing is not
    // written) has parts that add up to its total.
    List<String> partKeys = List.of("lockn.cost.input", "lockn.cost.output", "lockn.cost.cache_read",
        "lockn.cost.cache_write", "lockn.cost.reasoning");
    int withParts = 0;
    for (JsonNode s : spans) {
      Map<String, Object> a = attributes(s);
      if (a.containsKey("lockn.cost.total_nanos") && partKeys.stream().anyMatch(a::containsKey)) {
        withParts++;
        double parts = partKeys.stream().mapToDouble(k -> (double) a.getOrDefault(k, 0.0)).sum();
        assertThat(parts).isCloseTo((double) (long) a.get("lockn.cost.total_nanos") / 1e9,
            org.assertj.core.data.Offset.offset(1e-12));
      }
    }
    assertThat(withParts).isGreaterThanOrEqualTo(10);
  }

  @Test
  void selfHostedModel_isPricedByTco_unknownModelIsUnpriced() {
    assertThat(named("chat llama-3.1-8b-instruct")).hasSize(2).allSatisfy(s -> assertThat(attributes(s))
        .containsEntry("gen_ai.provider.name", "vllm")
        .containsEntry("lockn.pricing.id", "vllm/llama-3.1-8b-instruct")
        // 380 x $0.180605 + 3 x $1.204037 per 1M tokens (the TCO prices), rounded per part to the nano-USD
        .containsEntry("lockn.cost.total_nanos", 68_630L + 3_612L));
    JsonNode fineTuned = named("chat ft:gpt-4o-mini:acme:tone:v2").get(0);
    assertThat(attributes(fineTuned)).containsEntry("lockn.cost.unpriced", true)
        .doesNotContainKey("lockn.cost.total_nanos")
        .containsEntry("gen_ai.usage.input_tokens", 260L);
  }

  @Test
  void rollups_onAgentsAndWorkflows() {
    JsonNode acme = named("invoke_workflow customer-support").stream().filter(s -> tenant(s).equals("acme"))
        .findFirst().orElseThrow();
    assertThat(attributes(acme))
        .containsEntry("lockn.cost.rollup.total_nanos", 19_106_922L)
        .containsEntry("lockn.cost.rollup.unpriced_calls", 1L);
    JsonNode resolver = named("invoke_agent resolver-agent").stream().filter(s -> tenant(s).equals("acme"))
        .findFirst().orElseThrow();
    // Claude (with the cache write), the embeddings call and the nested refund agent's o3 call.
    assertThat(attributes(resolver)).containsEntry("lockn.cost.rollup.calls", 3L);
  }

  @Test
  void metrics_haveSemconvNamesUnitsAndBuckets() {
    JsonNode tokens = metric("gen_ai.client.token.usage");
    assertThat(tokens.get("unit").asText()).isEqualTo("{token}");
    JsonNode point = tokens.get("histogram").get("dataPoints").get(0);
    assertThat(bounds(point))
        .containsExactly(1.0, 4.0, 16.0, 64.0, 256.0, 1024.0, 4096.0, 16384.0, 65536.0, 262144.0, 1048576.0,
            4194304.0, 16777216.0, 67108864.0);
    long inputTokens = 0;
    for (JsonNode p : tokens.get("histogram").get("dataPoints")) {
      if (p.toString().contains("\"input\"")) {
        inputTokens += p.get("sum").asLong();
      }
    }
    // Every tenant's input tokens: the listener-based summary and the metric agree.
    assertThat(inputTokens).isEqualTo(5454 + 4454 + 6000);
    JsonNode duration = metric("gen_ai.client.operation.duration");
    assertThat(duration.get("unit").asText()).isEqualTo("s");
    assertThat(bounds(duration.get("histogram").get("dataPoints").get(0)))
        .containsExactly(0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92);
    assertThat(metric("lockn.client.retries").toString()).contains("\"asInt\":\"1\"");
    assertThat(metric("lockn.client.model_substitutions").toString()).contains("gpt-3.5-turbo-0125");
    long costNanos = 0;
    for (JsonNode p : metric("lockn.client.cost").get("sum").get("dataPoints")) {
      costNanos += p.get("asInt").asLong();
    }
    assertThat(costNanos).isEqualTo(49_211_244L);
    assertThat(metric("lockn.client.unpriced_calls").toString()).contains("ft:gpt-4o-mini:acme:tone:v2");
  }

  static List<JsonNode> starterCalls() {
    List<JsonNode> calls = named("chat claude-sonnet-4-5").stream().filter(s -> tenant(s).equals("initech")).toList();
    assertThat(calls).hasSize(3);
    return calls;
  }

  static JsonNode starterCall(String ticket) {
    return starterCalls().stream()
        .filter(s -> attributes(s).get("app.workflow_id").equals(ticket)).findFirst().orElseThrow();
  }

  static List<String> eventNames(JsonNode span) {
    List<String> names = new ArrayList<>();
    span.path("events").forEach(e -> names.add(e.get("name").asText()));
    return names;
  }

  @Test
  void budget_nearlySpentTenant_alertsThenThrottlesThenBlocks() {
    assertThat(console)
        .contains("budget ALERT    initech-starter [app.tenant_id=initech]: 80% reached, 0.442440 of 0.500000")
        .contains("budget THROTTLE initech-starter [app.tenant_id=initech]: claude-sonnet-4-5 -> claude-haiku-4-5")
        .contains("T-3001 [initech] answered by claude-sonnet-4-5")
        .contains("T-3002 [initech] answered by claude-haiku-4-5")
        .contains("T-3003 [initech] BLOCKED before the provider was called: Budget 'initech-starter' exceeded");
    // The alert comes with the first starter ticket, before its answer; the other tenants raise none.
    assertThat(console.indexOf("budget ALERT")).isGreaterThan(console.indexOf("T-2001"))
        .isLessThan(console.indexOf("T-3001"));
    assertThat(console.lines().filter(l -> l.contains("budget ALERT")).count()).isEqualTo(1);

    JsonNode alerted = starterCall("T-3001");
    assertThat(eventNames(alerted)).containsExactly("lockn.budget.alert");
    assertThat(attributes(alerted)).doesNotContainKey("lockn.budget.admitted_model")
        .containsEntry("gen_ai.response.model", "claude-sonnet-4-5");

    JsonNode throttled = starterCall("T-3002");
    assertThat(eventNames(throttled)).containsExactly("lockn.budget.throttle");
    assertThat(attributes(throttled))
        .containsEntry("gen_ai.request.model", "claude-sonnet-4-5")
        .containsEntry("lockn.budget.admitted_model", "claude-haiku-4-5")
        .containsEntry("gen_ai.response.model", "claude-haiku-4-5")
        .containsEntry("lockn.pricing.id", "anthropic/claude-haiku-4-5")
        .doesNotContainKey("lockn.model.substituted");

    // Blocked before the simulated provider was called: no response, no usage, no cost.
    JsonNode blocked = starterCall("T-3003");
    assertThat(attributes(blocked))
        .containsEntry("error.type", "budget_exceeded")
        .containsEntry("gen_ai.request.max_tokens", 4096L)
        .doesNotContainKeys("gen_ai.response.model", "gen_ai.response.id", "gen_ai.usage.input_tokens",
            "lockn.cost.total_nanos");
    assertThat(blocked.get("status").get("code").asInt()).isEqualTo(2); // ERROR
    assertThat(eventNames(blocked)).contains("lockn.budget.exceeded");
    // The exception went up through the agent and the workflow, which record it too.
    assertThat(parent(blocked).get("name").asText()).isEqualTo("invoke_agent answer-bot");
    assertThat(parent(parent(blocked)).get("status").get("code").asInt()).isEqualTo(2);
  }

  @Test
  void budget_statusTable_showsEveryTenantsBalance() {
    assertThat(console)
        .contains("Budget status this month (USD):")
        .containsPattern("budget\\s+scope\\s+spent\\s+reserved\\s+remaining\\s+limit")
        // $0.375 spent earlier this month, then T-3001 on Sonnet ($0.018) and T-3002 on Haiku ($0.0075).
        .containsPattern("initech-starter\\s+app\\.tenant_id=initech\\s+0\\.400500\\s+0\\.000000\\s+0\\.099500"
            + "\\s+0\\.500000")
        .containsPattern("tenant-monthly\\s+app\\.tenant_id=initech\\s+0\\.400500\\s+0\\.000000\\s+49\\.599500"
            + "\\s+50\\.000000")
        .containsPattern("tenant-monthly\\s+app\\.tenant_id=acme\\s+0\\.019107\\s+0\\.000000\\s+49\\.980893")
        .containsPattern("tenant-monthly\\s+app\\.tenant_id=globex\\s+\\d+\\.\\d{6}\\s+0\\.000000");
  }

  @Test
  void otlpEndpoint_receivesTracesAndMetrics(@TempDir Path otherDir) throws IOException {
    Map<String, Integer> received = new ConcurrentHashMap<>();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      received.merge(exchange.getRequestURI().getPath() + " " + exchange.getRequestHeaders()
          .getFirst("Content-Type"), body.length, Integer::sum);
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    server.start();
    try {
      String endpoint = "http://127.0.0.1:" + server.getAddress().getPort();
      SupportDemo.run(otherDir, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), endpoint,
          null);
    } finally {
      server.stop(0);
    }
    assertThat(received).containsKeys("/v1/traces application/x-protobuf", "/v1/metrics application/x-protobuf");
    assertThat(received.get("/v1/traces application/x-protobuf")).isGreaterThan(1000);
  }

  @Test
  void experiment_printsRoiSummaryWithConfidenceIntervals() {
    RoiResult r = summary.experimentResult();
    assertThat(r.controlCalls() + r.treatmentCalls()).isEqualTo(ContextTrimmingExperiment.SESSIONS);
    // GrowthBook hashing splits the sessions roughly in half.
    assertThat(r.controlCalls()).isBetween(120, 180);
    assertThat(r.tokenSavingsRate().lower()).isGreaterThan(0.3);
    assertThat(r.inputTokensSent()).isLessThan(r.inputTokensOriginal());
    assertThat(r.costSavingsUsd()).isPositive();
    assertThat(r.costSavingsPercent()).isPositive();
    assertThat(r.costVerdict()).isEqualTo(Verdict.SAVES);
    assertThat(r.latencyVerdict()).isEqualTo(Verdict.SAVES);
    assertThat(r.latencyP50Ratio().upper()).isLessThan(1);
    assertThat(r.qualityRetention()).isNotNull();
    assertThat(r.qualityRetention().value()).isLessThan(1).isGreaterThan(0.95);
    assertThat(r.nonInferiority()).isEqualTo(NonInferiority.PASS);
    assertThat(console)
        .contains("A/B experiment \"context-trimming\"")
        .containsPattern("token savings rate\\s+\\d+\\.\\d{2}% \\[\\d+\\.\\d{2}%, \\d+\\.\\d{2}%\\]")
        .containsPattern("cost savings\\s+" + r.costSavingsUsd().toPlainString().replace(".", "\\.") + " USD on "
            + r.treatmentCalls() + " calls")
        .containsPattern("cost savings per call\\s+0\\.\\d+ \\[0\\.\\d+, 0\\.\\d+\\] USD\\s+SAVES")
        .containsPattern("latency p50 ratio\\s+0\\.\\d+ \\[0\\.\\d+, 0\\.\\d+\\]\\s+SAVES")
        .containsPattern("quality retention\\s+0\\.\\d+ \\[0\\.\\d+, [01]\\.\\d+\\]\\s+non-inferiority \\(margin 5%\\): PASS");
    // The experiment section comes after the support workflow's tables.
    assertThat(console.indexOf("A/B experiment")).isGreaterThan(console.indexOf("Model substitutions"));
  }

  @Test
  void experiment_spansCarryExperimentAndCompressionAttributes() {
    RoiResult r = summary.experimentResult();
    List<JsonNode> compress = named("compress " + ContextTrimmingExperiment.STRATEGY);
    assertThat(compress).hasSize(r.treatmentCalls());
    assertThat(summary.compressSpans()).isEqualTo(r.treatmentCalls());
    long original = 0;
    long compressed = 0;
    for (JsonNode s : compress) {
      Map<String, Object> a = attributes(s);
      assertThat(a).containsEntry("lockn.compression.strategy", "context_trimming")
          .containsEntry("lockn.compression.tokenizer", "o200k_base")
          .containsEntry("gen_ai.request.model", "gpt-4o")
          .containsKeys("lockn.compression.ratio", "lockn.compression.duration_ms");
      assertThat((long) a.get("lockn.compression.input_tokens_compressed"))
          .isLessThan((long) a.get("lockn.compression.input_tokens_original"));
      original += (long) a.get("lockn.compression.input_tokens_original");
      compressed += (long) a.get("lockn.compression.input_tokens_compressed");
      // The step runs inside the model call it prepares.
      JsonNode chat = parent(s);
      assertThat(chat.get("name").asText()).isEqualTo("chat gpt-4o");
      // The provider billed exactly what the compressor left, as counted by jtokkit.
      assertThat(attributes(chat)).containsEntry("gen_ai.usage.input_tokens",
          a.get("lockn.compression.input_tokens_compressed"));
    }
    assertThat(original).isEqualTo(r.inputTokensOriginal());
    assertThat(compressed).isEqualTo(r.inputTokensSent());
    List<JsonNode> chats = named("chat gpt-4o");
    assertThat(chats).hasSize(ContextTrimmingExperiment.SESSIONS).allSatisfy(s -> assertThat(attributes(s))
        .containsEntry("lockn.experiment.name", "context-trimming")
        .containsKey("lockn.experiment.group")
        .containsKey("lockn.cost.total_nanos")
        .containsEntry("app.tenant_id", ContextTrimmingExperiment.TENANT));
    assertThat(chats.stream().map(s -> attributes(s).get("lockn.experiment.group")).distinct())
        .containsExactlyInAnyOrder("control", "compressed");
    long controlNanos = chats.stream().filter(s -> attributes(s).get("lockn.experiment.group").equals("control"))
        .mapToLong(s -> (long) attributes(s).get("lockn.cost.total_nanos")).sum();
    assertThat(controlNanos).isEqualTo(r.controlCostNanos());
    assertThat(named("invoke_workflow assistant-chat")).hasSize(ContextTrimmingExperiment.SESSIONS)
        .allSatisfy(s -> assertThat(attributes(s)).containsKeys("feature_flag.key", "feature_flag.result.variant"));
  }

  @Test
  void contextTrimmer_dedupsStripsSignaturesAndKeepsTheLastTurns() {
    String block = "KB-12 " + "Refunds for lost parcels are issued within five business days of the claim. ".repeat(3);
    List<GenAiMessage> history = List.of(
        GenAiMessage.system("be nice"),
        GenAiMessage.user("first\n\n" + block),
        GenAiMessage.assistant("ok\n\nKind regards,\nSupport"),
        GenAiMessage.user("second\n\n" + block + "\n\n--\nJordan\nCONFIDENTIAL"),
        GenAiMessage.assistant("done"),
        GenAiMessage.user("third"));
    List<GenAiMessage> out = new ContextTrimmer(2).compress(history);
    assertThat(out).extracting(GenAiMessage::role).containsExactly("system", "user", "assistant", "user");
    assertThat(text(out.get(1))).isEqualTo("second\n\n" + block.strip());
    assertThat(text(out.get(3))).isEqualTo("third");
    List<GenAiMessage> all = new ContextTrimmer(10).compress(history);
    assertThat(text(all.get(2))).isEqualTo("ok");
    assertThat(text(all.get(3))).isEqualTo("second");
  }

  private static String text(GenAiMessage m) {
    return ((MessagePart.Text) m.parts().get(0)).content();
  }

  private static List<Double> bounds(JsonNode point) {
    List<Double> bounds = new ArrayList<>();
    point.get("explicitBounds").forEach(b -> bounds.add(b.asDouble()));
    return bounds;
  }

  private static JsonNode metric(String name) {
    return metrics.stream().filter(m -> m.get("name").asText().equals(name)).findFirst().orElseThrow();
  }
}
