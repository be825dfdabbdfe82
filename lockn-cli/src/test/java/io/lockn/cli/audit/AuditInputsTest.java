package io.lockn.cli.audit;

import static io.lockn.cli.audit.AuditTestSupport.auditJson;
import static io.lockn.cli.audit.AuditTestSupport.exportDir;
import static io.lockn.cli.audit.AuditTestSupport.findings;
import static io.lockn.cli.audit.AuditTestSupport.lockn;
import static io.lockn.cli.audit.AuditTestSupport.resource;
import static io.lockn.cli.audit.AuditTestSupport.span;
import static io.lockn.cli.audit.AuditTestSupport.spansWhere;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lockn.pricing.PriceCatalog;
import java.io.BufferedWriter;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lockn audit} on OTLP JSON written the way real instrumentations write it: LockN's demo, the OpenTelemetry
 * Java agent's OpenAI instrumentation, Spring AI's observations bridged to OpenTelemetry, Python OpenLLMetry with
 * the deprecated names, a pretty-printed OTLP/HTTP body, a gzipped file, a directory, and a file with malformed
 * lines. Every amount is compared as an exact decimal string.
 */
class AuditInputsTest {

  @TempDir Path tmp;

  // ---------------------------------------------------------------- (a) LockN's demo output

  @Test
  void locknDemoOutputKeepsTheRecordedCostsAndAttribution() {
    JsonNode r = auditJson(tmp, "--input", resource("lockn-demo-traces.jsonl").toString());
    JsonNode totals = r.get("totals");

    // The demo prints the same totals: acme 0.019106922, globex 0.004604322.
    assertThat(totals.get("costUsd").asText()).isEqualTo("0.023711244");
    assertThat(totals.get("pricedSpans").asLong()).isEqualTo(15);
    assertThat(totals.get("unpricedSpans").asLong()).isEqualTo(1);
    assertThat(money(totals.get("byTenant"))).containsExactly(
        Map.entry("acme", "0.019106922"), Map.entry("globex", "0.004604322"));
    assertThat(money(totals.get("byAgent"))).containsExactly(
        Map.entry("pii-guard", "0.000144484"),
        Map.entry("refund-agent", "0.007020000"),
        Map.entry("reply-writer", "0.000980600"),
        Map.entry("resolver-agent", "0.015435360"),
        Map.entry("triage-agent", "0.000130800"));
    assertThat(money(totals.get("byCostCenter"))).containsExactly(
        Map.entry("cc-support-emea", "0.019106922"), Map.entry("cc-support-us", "0.004604322"));
    assertThat(money(totals.get("byWorkflow"))).containsExactly(
        Map.entry("T-1001", "0.019106922"), Map.entry("T-2001", "0.004604322"));
    assertThat(totals.get("byModel").get("claude-sonnet-4-5-20250929").asText()).isEqualTo("0.015434400");
    assertThat(totals.get("unpricedModels").get("openai/ft:gpt-4o-mini:acme:tone:v2").asLong()).isEqualTo(1);

    // The refund agent is nested in the resolver agent: its call belongs to the nearest one.
    JsonNode o3 = spansWhere(r, "requestModel", "o3").get(0);
    assertThat(o3.get("agent").asText()).isEqualTo("refund-agent");
    assertThat(o3.get("reasoningTokens").asLong()).isEqualTo(512);
    assertThat(o3.get("costUsd").asText()).isEqualTo("0.007020000");
    // The self-hosted model keeps the TCO price LockN recorded in-process.
    JsonNode vllm = spansWhere(r, "provider", "vllm").get(0);
    assertThat(vllm.get("costUsd").asText()).isEqualTo("0.000072242");
    assertThat(vllm.get("pricingId").asText()).isEqualTo("vllm/llama-3.1-8b-instruct");

    assertThat(findings(r, Finding.RETRY_CHAIN)).hasSize(1);
    assertThat(findings(r, Finding.RETRY_CHAIN).get(0).get("detail").asText()).contains("429");
    assertThat(findings(r, Finding.FALLBACK)).hasSize(2)
        .allSatisfy(f -> assertThat(f.get("detail").asText()).contains("gpt-4.1", "gpt-4.1-mini"));
    List<JsonNode> substitution = findings(r, Finding.MODEL_SUBSTITUTION);
    assertThat(substitution).hasSize(1);
    assertThat(substitution.get(0).get("costUsd").asText()).isEqualTo("0.000123000");
    assertThat(substitution.get(0).get("detail").asText()).contains("gpt-4", "gpt-3.5-turbo-0125");
    assertThat(findings(r, Finding.UNPRICED_MODEL)).singleElement()
        .satisfies(f -> assertThat(f.get("detail").asText()).startsWith("openai/ft:gpt-4o-mini:acme:tone:v2"));
  }

  @Test
  void repricingTheDemoDropsTheRecordedSelfHostedPrice() {
    JsonNode r = auditJson(tmp, "--input", resource("lockn-demo-traces.jsonl").toString(), "--reprice");
    // The bundled catalog has no price for the demo's self-hosted vLLM model (its TCO price lives in the demo).
    assertThat(r.get("totals").get("costUsd").asText()).isEqualTo("0.023566760");
    assertThat(r.get("totals").get("unpricedSpans").asLong()).isEqualTo(3);
    assertThat(spansWhere(r, "provider", "vllm")).hasSize(2).allSatisfy(s -> {
      assertThat(s.get("priced").asBoolean()).isFalse();
      assertThat(s.get("costUsd").isNull()).isTrue();
    });
    assertThat(money(r.get("totals").get("byTenant"))).containsExactly(
        Map.entry("acme", "0.019034680"), Map.entry("globex", "0.004532080"));
  }

  // ---------------------------------------------------------------- (b) OpenTelemetry Java agent, openai-java

  @Test
  void javaAgentOpenAiSpansTakeTheirTenantFromTheResource() {
    JsonNode r = auditJson(tmp, "--input", resource("otel-javaagent-openai.jsonl").toString());
    JsonNode totals = r.get("totals");

    // chat 1200 in / 300 out at 0.15 / 0.60, embeddings 5000 at 0.02, chat 800 / 100; the 429 attempt is free.
    assertThat(totals.get("costUsd").asText()).isEqualTo("0.000640000");
    assertThat(totals.get("pricedSpans").asLong()).isEqualTo(4);
    assertThat(r.get("spans")).hasSize(4); // HTTP server and client spans are not model calls

    JsonNode chat = span(r, "53995c3f42cd8ad8");
    assertThat(chat.get("operation").asText()).isEqualTo("chat");
    assertThat(chat.get("provider").asText()).isEqualTo("openai");
    assertThat(chat.get("requestModel").asText()).isEqualTo("gpt-4o-mini");
    assertThat(chat.get("responseModel").asText()).isEqualTo("gpt-4o-mini-2024-07-18");
    assertThat(chat.get("inputTokens").asLong()).isEqualTo(1200);
    assertThat(chat.get("outputTokens").asLong()).isEqualTo(300);
    assertThat(chat.get("costUsd").asText()).isEqualTo("0.000360000");
    // No span carries a tenant in the first trace: it comes from the resource (app.tenant_id, app.cost_center).
    assertThat(chat.get("tenant").asText()).isEqualTo("initech");
    assertThat(chat.get("costCenter").asText()).isEqualTo("cc-platform");
    assertThat(chat.get("agent").isNull()).isTrue();
    assertThat(span(r, "a1b2c3d4e5f60718").get("costUsd").asText()).isEqualTo("0.000100000");

    // In the second trace the server span carries a tenant, which wins over the resource's.
    JsonNode second = span(r, "8d2a7e4c1f0b3a95");
    assertThat(second.get("tenant").asText()).isEqualTo("umbrella");
    assertThat(second.get("costCenter").asText()).isEqualTo("cc-platform");
    assertThat(money(totals.get("byTenant"))).containsExactly(
        Map.entry("initech", "0.000460000"), Map.entry("umbrella", "0.000180000"));
    assertThat(money(totals.get("byModel"))).containsEntry("gpt-4o-mini-2024-07-18", "0.000540000")
        .containsEntry("text-embedding-3-small", "0.000100000");

    // The rate-limited attempt, retried under the same server span, is a retry chain that wasted nothing.
    JsonNode retry = findings(r, Finding.RETRY_CHAIN).get(0);
    assertThat(retry.get("traceId").asText()).isEqualTo("5c1e8a0d2b6f4c7e9a3b1d0f2e4c6a8b");
    assertThat(texts(retry.get("spanIds"))).containsExactly("6e0c63257de34c92", "8d2a7e4c1f0b3a95");
    assertThat(retry.get("costUsd").asText()).isEqualTo("0.000000000");
    assertThat(retry.get("detail").asText()).contains("RateLimitException");
  }

  // ---------------------------------------------------------------- (c) Spring AI observations

  @Test
  void springAiObservationsWithStringUsageAreRead() {
    JsonNode r = auditJson(tmp, "--input", resource("spring-ai.jsonl").toString());

    // gpt-4o (2.50 / 10.00 since 2024-10-02): 120 / 45 and 1000 / 200; one embedding of 8 tokens at 0.02.
    assertThat(r.get("totals").get("costUsd").asText()).isEqualTo("0.005250160");
    assertThat(r.get("spans")).hasSize(3); // the chat_client "framework" span is not a model call

    JsonNode chat = span(r, "d1e2f3a4b5c6d7e8");
    assertThat(chat.get("provider").asText()).isEqualTo("openai"); // from the deprecated gen_ai.system
    assertThat(chat.get("inputTokens").asLong()).isEqualTo(120); // "120" as a string
    assertThat(chat.get("outputTokens").asLong()).isEqualTo(45);
    assertThat(chat.get("costUsd").asText()).isEqualTo("0.000750000");
    assertThat(chat.get("tenant").asText()).isEqualTo("hooli"); // from the HTTP server span, two levels up
    assertThat(chat.get("workflow").asText()).isEqualTo("trip-42");

    // Spring AI names the operation "embedding"; it is priced as embeddings.
    JsonNode embedding = span(r, "e5f6a7b8c9d0e1f2");
    assertThat(embedding.get("operation").asText()).isEqualTo("embeddings");
    assertThat(embedding.get("costUsd").asText()).isEqualTo("0.000000160");

    assertThat(money(r.get("totals").get("byTenant"))).containsExactly(
        Map.entry("hooli", "0.000750160"), Map.entry("pied-piper", "0.004500000"));
    assertThat(r.get("findings")).isEmpty(); // gpt-4o answered by its own snapshot is no substitution
  }

  // ---------------------------------------------------------------- (d) Python OpenLLMetry, deprecated names

  @Test
  void openLlmetrySpansWithDeprecatedNamesAndStringIntegersArePriced() {
    JsonNode r = auditJson(tmp, "--input", resource("openllmetry.jsonl").toString(), "--group-by",
        "traceloop.association.properties.customer");
    JsonNode totals = r.get("totals");

    assertThat(totals.get("costUsd").asText()).isEqualTo("0.004610000");
    assertThat(totals.get("pricedSpans").asLong()).isEqualTo(6);

    // No gen_ai.operation.name: the operation comes from llm.request.type.
    JsonNode chat = span(r, "5b4a39281706f5e4");
    assertThat(chat.get("operation").asText()).isEqualTo("chat");
    assertThat(chat.get("inputTokens").asLong()).isEqualTo(2000); // gen_ai.usage.prompt_tokens, "2000"
    assertThat(chat.get("outputTokens").asLong()).isEqualTo(500); // gen_ai.usage.completion_tokens
    assertThat(chat.get("costUsd").asText()).isEqualTo("0.000600000");
    assertThat(span(r, "4a3928170605f4e3").get("operation").asText()).isEqualTo("embeddings");
    assertThat(span(r, "4a3928170605f4e3").get("costUsd").asText()).isEqualTo("0.000200000");

    // Anthropic through OpenLLMetry: gen_ai.system "Anthropic", cache reads under OpenLLMetry's name, included in
    // the prompt tokens: 1000 uncached at 0.80, 2000 cache reads at 0.08, 100 out at 4.00.
    JsonNode claude = span(r, "9a8b7c6d5e4f3a2b");
    assertThat(claude.get("cacheReadTokens").asLong()).isEqualTo(2000);
    assertThat(claude.get("costUsd").asText()).isEqualTo("0.001360000");
    // Reasoning under OpenLLMetry's name: 500 in at 1.10, 400 out (300 reasoning) at 4.40.
    JsonNode o4 = span(r, "2123456789abcdef");
    assertThat(o4.get("reasoningTokens").asLong()).isEqualTo(300);
    assertThat(o4.get("costUsd").asText()).isEqualTo("0.002310000");

    // Tenant from the workflow span, cost center from the resource.
    assertThat(claude.get("tenant").asText()).isEqualTo("stark");
    assertThat(claude.get("costCenter").asText()).isEqualTo("cc-py");
    assertThat(chat.get("tenant").asText()).isEqualTo("stark"); // two levels up, through the task span
    assertThat(money(totals.get("byTenant"))).containsExactly(
        Map.entry("stark", "0.002160000"), Map.entry("wayne", "0.002450000"));
    assertThat(money(totals.get("byCostCenter"))).containsExactly(Map.entry("cc-py", "0.004610000"));
    assertThat(money(totals.get("byGroup").get("traceloop.association.properties.customer"))).containsExactly(
        Map.entry("stark-industries", "0.002160000"), Map.entry("wayne-enterprises", "0.002450000"));
    assertThat(chat.get("groups").get("traceloop.association.properties.customer").asText())
        .isEqualTo("stark-industries");

    // A rate-limited gpt-4o-mini (status ERROR, no error.type) followed by gpt-4.1-nano is a fallback.
    JsonNode fallback = findings(r, Finding.FALLBACK).get(0);
    assertThat(texts(fallback.get("spanIds"))).containsExactly("0123456789abcdef", "1123456789abcdef");
    assertThat(fallback.get("costUsd").asText()).isEqualTo("0.000000000");
    assertThat(fallback.get("detail").asText()).isEqualTo("gpt-4o-mini failed; fell back to gpt-4.1-nano");
  }

  // ---------------------------------------------------------------- (e) one pretty-printed OTLP/HTTP document

  @Test
  void prettyPrintedOtlpHttpDocumentWithNestedAgents() {
    JsonNode r = auditJson(tmp, "--input", resource("otlp-http-pretty.json").toString());
    JsonNode totals = r.get("totals");

    assertThat(totals.get("costUsd").asText()).isEqualTo("0.028200000");
    // 1000 uncached at 3.00, 4000 cache writes at 3.75, 200 out at 15.00.
    JsonNode write = span(r, "e100000000000003");
    assertThat(write.get("cacheWriteTokens").asLong()).isEqualTo(4000);
    assertThat(write.get("costUsd").asText()).isEqualTo("0.021000000");
    assertThat(write.get("agent").asText()).isEqualTo("researcher"); // nearest invoke_agent, not the planner
    // 1000 uncached at 3.00, 4000 cache reads at 0.30, 100 out at 15.00.
    JsonNode read = span(r, "e100000000000005");
    assertThat(read.get("cacheReadTokens").asLong()).isEqualTo(4000);
    assertThat(read.get("costUsd").asText()).isEqualTo("0.005700000");
    assertThat(read.get("agent").asText()).isEqualTo("planner");
    // The flex tier halves gpt-5-mini's prices: 4000 in at 0.125, 1000 out (600 reasoning) at 1.00.
    JsonNode flex = span(r, "e200000000000002");
    assertThat(flex.get("costUsd").asText()).isEqualTo("0.001500000");
    assertThat(flex.get("reasoningTokens").asLong()).isEqualTo(600);

    assertThat(money(totals.get("byAgent"))).containsExactly(
        Map.entry("planner", "0.005700000"), Map.entry("researcher", "0.021000000"),
        Map.entry("summarizer", "0.001500000"));
    assertThat(money(totals.get("byTenant"))).containsExactly(
        Map.entry("cyberdyne", "0.026700000"), Map.entry("tyrell", "0.001500000"));
  }

  // ---------------------------------------------------------------- (f) gzip and directories

  @Test
  void gzippedFileIsReadLikeThePlainOne() {
    JsonNode plain = auditJson(tmp, "--input", resource("spring-ai.jsonl").toString());
    JsonNode gzipped = auditJson(tmp, "--input", resource("spring-ai.jsonl.gz").toString());
    assertThat(gzipped.get("totals").get("costUsd").asText()).isEqualTo("0.005250160");
    assertThat(gzipped.get("spans")).isEqualTo(plain.get("spans"));
    assertThat(gzipped.get("totals")).isEqualTo(plain.get("totals"));
  }

  @Test
  void directoryMeansEveryFileInIt() throws IOException {
    Path dir = exportDir(tmp.resolve("export"), "otel-javaagent-openai.jsonl", "spring-ai.jsonl.gz",
        "openllmetry.jsonl", "otlp-http-pretty.json");
    JsonNode r = auditJson(tmp, "--input", dir.toString());
    // 0.000640000 + 0.005250160 + 0.004610000 + 0.028200000
    assertThat(r.get("totals").get("costUsd").asText()).isEqualTo("0.038700160");
    assertThat(r.get("totals").get("pricedSpans").asLong()).isEqualTo(4 + 3 + 6 + 3);
  }

  // ---------------------------------------------------------------- findings, --reprice

  @Test
  void everyFindingTypeWithItsCost() {
    JsonNode r = auditJson(tmp, "--input", resource("lockn-findings.jsonl").toString());
    String trace = "8a2b3c4d5e6f708192a3b4c5d6e7f809";

    // Two overloaded attempts that were billed (1000 in / 50 out, 1000 in / 0 out at 3.00 / 15.00), then success.
    JsonNode retry = findings(r, Finding.RETRY_CHAIN).get(0);
    assertThat(retry.get("traceId").asText()).isEqualTo(trace);
    assertThat(texts(retry.get("spanIds")))
        .containsExactly("f000000000000011", "f000000000000012", "f000000000000013");
    assertThat(retry.get("costUsd").asText()).isEqualTo("0.006750000");
    assertThat(retry.get("detail").asText()).isEqualTo(
        "2 failed attempt(s) of claude-sonnet-4-5 before attempt 3 (overloaded_error)");

    // gpt-4.1 timed out after reading 200 input tokens (at 2.00), then gpt-4.1-mini answered.
    JsonNode fallback = findings(r, Finding.FALLBACK).get(0);
    assertThat(texts(fallback.get("spanIds"))).containsExactly("f000000000000021", "f000000000000022");
    assertThat(fallback.get("costUsd").asText()).isEqualTo("0.000400000");
    assertThat(fallback.get("detail").asText()).isEqualTo("gpt-4.1 failed (timeout); fell back to gpt-4.1-mini");

    // Asked for gpt-4o, answered by gpt-4o-mini: priced as gpt-4o-mini, 1000 / 100.
    JsonNode substitution = findings(r, Finding.MODEL_SUBSTITUTION).get(0);
    assertThat(texts(substitution.get("spanIds"))).containsExactly("f000000000000023");
    assertThat(substitution.get("costUsd").asText()).isEqualTo("0.000210000");
    assertThat(span(r, "f000000000000023").get("costUsd").asText()).isEqualTo("0.000210000");

    JsonNode cacheHit = findings(r, Finding.INFERRED_CACHE_HIT).get(0);
    assertThat(texts(cacheHit.get("spanIds"))).containsExactly("f000000000000014");
    assertThat(cacheHit.get("costUsd").asText()).isEqualTo("0.000021000");

    JsonNode unpriced = findings(r, Finding.UNPRICED_MODEL).get(0);
    assertThat(unpriced.get("traceId").asText()).isEmpty();
    assertThat(unpriced.get("spanIds")).isEmpty();
    assertThat(unpriced.get("detail").asText()).startsWith("self-hosted/acme-llm-7b: 1 call(s)");
    JsonNode unpricedSpan = span(r, "f000000000000031");
    assertThat(unpricedSpan.get("priced").asBoolean()).isFalse();
    assertThat(unpricedSpan.get("costUsd").isNull()).isTrue();
    assertThat(unpricedSpan.get("pricingId").isNull()).isTrue();

    JsonNode totals = r.get("totals");
    assertThat(totals.get("unpricedSpans").asLong()).isEqualTo(1);
    assertThat(totals.get("pricedSpans").asLong()).isEqualTo(10);
    assertThat(money(totals.get("findingCostUsd"))).containsExactly(
        Map.entry("fallback", "0.000400000"), Map.entry("inferred_cache_hit", "0.000021000"),
        Map.entry("model_substitution", "0.000210000"), Map.entry("retry_chain", "0.006750000"),
        Map.entry("unpriced_model", "0.000000000"));
    assertThat(money(totals.get("byAgent"))).containsExactly(
        Map.entry("analyst", "0.001240566"), Map.entry("summarizer", "0.000970000"),
        Map.entry("writer", "0.012771000"));
  }

  @Test
  void recordedAndProviderReportedCostsAreKeptUnlessRepriced() {
    JsonNode kept = auditJson(tmp, "--input", resource("lockn-findings.jsonl").toString());
    // lockn.cost.reported_nanos from a gateway, lockn.cost.* recorded in-process at an old price, a total only.
    assertThat(span(kept, "f000000000000032").get("costUsd").asText()).isEqualTo("0.001234567");
    assertThat(span(kept, "f000000000000032").get("pricingId").asText()).isEqualTo("openrouter/reported");
    assertThat(span(kept, "f000000000000033").get("costUsd").asText()).isEqualTo("0.000000999");
    assertThat(span(kept, "f000000000000033").get("pricingId").asText()).isEqualTo("openai/gpt-4o-mini@2024-01-01");
    assertThat(span(kept, "f000000000000034").get("costUsd").asText()).isEqualTo("0.000005000");
    assertThat(kept.get("totals").get("costUsd").asText()).isEqualTo("0.014981566");
    assertThat(kept.get("totals").get("byTokenClass").get("provider_reported").asText()).isEqualTo("0.001234567");

    JsonNode repriced = auditJson(tmp, "--input", resource("lockn-findings.jsonl").toString(), "--reprice");
    // openrouter's openai/gpt-4o resolves to gpt-4o: 1000 in at 2.50, 100 out at 10.00.
    assertThat(span(repriced, "f000000000000032").get("costUsd").asText()).isEqualTo("0.003500000");
    assertThat(span(repriced, "f000000000000033").get("costUsd").asText()).isEqualTo("0.000210000");
    assertThat(span(repriced, "f000000000000033").get("pricingId").asText()).isEqualTo("openai/gpt-4o-mini");
    assertThat(span(repriced, "f000000000000034").get("costUsd").asText()).isEqualTo("0.000210000");
    assertThat(repriced.get("totals").get("costUsd").asText()).isEqualTo("0.017661000");
    assertThat(repriced.get("totals").get("byTokenClass").get("provider_reported").asText())
        .isEqualTo("0.000000000");
    assertThat(repriced.get("totals").get("byAgent").get("analyst").asText()).isEqualTo("0.003920000");
  }

  // ---------------------------------------------------------------- (g) malformed lines, exit codes

  @Test
  void malformedLinesAreReportedWithFileAndLineAndTheRestIsRead() {
    Path file = resource("malformed.jsonl");
    Path json = tmp.resolve("malformed.json");
    AuditTestSupport.Run run = lockn("audit", "--input", file.toString(), "--json", json.toString());

    assertThat(run.exit()).isZero();
    List<String> problems = run.err().lines().toList();
    assertThat(problems).hasSize(5);
    assertThat(problems.get(0)).startsWith("lockn audit: " + file + ":2: not valid JSON").endsWith("(skipped)");
    assertThat(problems.get(1)).startsWith("lockn audit: " + file + ":3: not valid JSON");
    assertThat(problems.get(2)).isEqualTo("lockn audit: " + file + ":4: resourceSpans is not an array (skipped)");
    assertThat(problems.get(3)).isEqualTo("lockn audit: " + file + ":6: expected a JSON object (skipped)");
    assertThat(problems.get(4)).isEqualTo("lockn audit: " + file + ":7: a span has no traceId or spanId (skipped)");
    assertThat(run.out()).contains("5 problem(s) in the input were reported on stderr and skipped.");

    // Lines 1 and 9 are read: 1000 / 1000 and 2000 / 0 on gpt-4o-mini.
    JsonNode r = AuditTestSupport.read(json);
    assertThat(r.get("totals").get("costUsd").asText()).isEqualTo("0.001050000");
    assertThat(money(r.get("totals").get("byTenant"))).containsExactly(
        Map.entry("good-one", "0.000750000"), Map.entry("good-two", "0.000300000"));
  }

  @Test
  void exitCodes() throws IOException {
    Path good = resource("spring-ai.jsonl");
    assertThat(lockn("audit", "--input", good.toString()).exit()).isZero();

    Path garbage = Files.writeString(tmp.resolve("garbage.jsonl"), "not json\n{\"resourceSpans\":7}\n");
    AuditTestSupport.Run nothing = lockn("audit", "--input", garbage.toString());
    assertThat(nothing.exit()).isEqualTo(1);
    assertThat(nothing.err()).contains(garbage + ":1: not valid JSON", garbage + ":2: resourceSpans is not an array",
        "nothing could be read from " + garbage);
    Path empty = Files.writeString(tmp.resolve("empty.jsonl"), "");
    assertThat(lockn("audit", "--input", empty.toString()).exit()).isEqualTo(1);

    AuditTestSupport.Run unknownFlag = lockn("audit", "--input", good.toString(), "--bogus");
    assertThat(unknownFlag.exit()).isEqualTo(2);
    assertThat(unknownFlag.err()).contains("Unknown option: '--bogus'");

    Path missing = tmp.resolve("no-such-export.jsonl");
    AuditTestSupport.Run unreadable = lockn("audit", "--input", missing.toString());
    assertThat(unreadable.exit()).isEqualTo(2);
    assertThat(unreadable.err()).contains("cannot read " + missing);

    AuditTestSupport.Run badPrices =
        lockn("audit", "--input", good.toString(), "--prices", tmp.resolve("no-prices.json").toString());
    assertThat(badPrices.exit()).isEqualTo(2);
    assertThat(badPrices.err()).contains("cannot read the price file");

    AuditTestSupport.Run help = lockn("audit", "--help");
    assertThat(help.exit()).isZero();
    assertThat(help.out()).contains("--input", "--reprice", "--focus", "--group-by");
  }

  // ---------------------------------------------------------------- the JSON schema

  @Test
  void jsonResultHasTheDocumentedSchema() {
    JsonNode r = auditJson(tmp, "--input", resource("lockn-findings.jsonl").toString(), "--group-by", "app.feature");

    assertThat(r.get("schema").asText()).isEqualTo("lockn.audit/v1");
    assertThat(r.get("pricingVersion").asText()).isEqualTo("lockn-bundled");
    assertThat(fieldNames(r)).startsWith("schema", "pricingVersion", "spans", "totals", "findings");
    for (JsonNode s : r.get("spans")) {
      assertThat(fieldNames(s)).contains("traceId", "spanId", "operation", "provider", "requestModel",
          "responseModel", "inputTokens", "outputTokens", "cacheReadTokens", "cacheWriteTokens", "reasoningTokens",
          "costUsd", "priced", "tenant", "costCenter", "workflow", "agent");
      assertThat(s.get("inputTokens").isIntegralNumber()).isTrue();
      assertThat(s.get("priced").isBoolean()).isTrue();
      if (s.get("priced").asBoolean()) {
        assertThat(s.get("costUsd").isTextual()).isTrue();
        assertThat(s.get("costUsd").asText()).matches("\\d+\\.\\d{9}");
      }
    }
    JsonNode totals = r.get("totals");
    assertThat(fieldNames(totals)).contains("costUsd", "pricedSpans", "unpricedSpans", "byTenant", "byAgent",
        "byModel", "byCostCenter", "byWorkflow");
    assertThat(totals.get("costUsd").asText()).matches("\\d+\\.\\d{9}");
    for (String by : List.of("byTenant", "byAgent", "byModel", "byCostCenter", "byWorkflow")) {
      totals.get(by).forEach(v -> assertThat(v.asText()).matches("\\d+\\.\\d{9}"));
      assertThat(sum(totals.get(by))).isEqualByComparingTo(totals.get("costUsd").asText());
    }
    assertThat(totals.get("byGroup").get("app.feature").get("reports").asText()).isEqualTo("0.014981566");
    for (JsonNode f : r.get("findings")) {
      assertThat(fieldNames(f)).containsExactly("type", "traceId", "spanIds", "costUsd", "detail");
      assertThat(f.get("spanIds").isArray()).isTrue();
      assertThat(f.get("costUsd").asText()).matches("\\d+\\.\\d{9}");
    }
    // The total is the exact sum of the priced spans.
    BigDecimal spans = BigDecimal.ZERO;
    for (JsonNode s : r.get("spans")) {
      if (s.get("priced").asBoolean()) {
        spans = spans.add(new BigDecimal(s.get("costUsd").asText()));
      }
    }
    assertThat(spans.toPlainString()).isEqualTo(totals.get("costUsd").asText());
  }

  @Test
  void csvHasOneRowPerPricedSpan() throws IOException {
    Path csv = tmp.resolve("spans.csv");
    AuditTestSupport.Run run = lockn("audit", "--input", resource("lockn-findings.jsonl").toString(), "--csv",
        csv.toString());
    assertThat(run.exit()).isZero();
    List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    assertThat(lines.get(0)).startsWith("trace_id,span_id,start_time,operation,provider");
    assertThat(lines).hasSize(1 + 10).noneMatch(l -> l.contains("f000000000000031"));
  }

  // ---------------------------------------------------------------- memory

  @Test
  void memoryIsBoundedByTheOpenTracesOverManyTraces() throws IOException {
    int traces = 200_000;
    int perLine = 50;
    int late = 10; // the last roots of each line arrive on the next line, as batches cut traces
    String[] tenants = {"t0", "t1", "t2", "t3", "t4", "t5", "t6"};
    Path file = tmp.resolve("many.jsonl");
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (int line = 0; line * perLine < traces + perLine; line++) {
        StringBuilder sb = new StringBuilder(64 * 1024);
        sb.append("{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",")
            .append("\"value\":{\"stringValue\":\"load\"}}]},\"scopeSpans\":[{\"scope\":{\"name\":\"load\"},\"spans\":[");
        boolean first = true;
        for (int i = line * perLine; i < Math.min(traces, (line + 1) * perLine); i++) {
          first = comma(sb, first);
          sb.append("{\"traceId\":\"").append(traceId(i)).append("\",\"spanId\":\"").append(spanId(i, 2))
              .append("\",\"parentSpanId\":\"").append(spanId(i, 1))
              .append("\",\"name\":\"chat gpt-4o-mini\",\"kind\":3,\"startTimeUnixNano\":\"1749981600000000000\",")
              .append("\"endTimeUnixNano\":\"1749981601000000000\",\"attributes\":[")
              .append("{\"key\":\"gen_ai.operation.name\",\"value\":{\"stringValue\":\"chat\"}},")
              .append("{\"key\":\"gen_ai.provider.name\",\"value\":{\"stringValue\":\"openai\"}},")
              .append("{\"key\":\"gen_ai.request.model\",\"value\":{\"stringValue\":\"gpt-4o-mini\"}},")
              .append("{\"key\":\"gen_ai.usage.input_tokens\",\"value\":{\"intValue\":\"1000\"}},")
              .append("{\"key\":\"gen_ai.usage.output_tokens\",\"value\":{\"intValue\":\"100\"}}],\"status\":{}}");
        }
        for (int i = line * perLine - late; i < Math.min(traces, (line + 1) * perLine - late); i++) {
          if (i < 0) {
            continue;
          }
          first = comma(sb, first);
          sb.append("{\"traceId\":\"").append(traceId(i)).append("\",\"spanId\":\"").append(spanId(i, 1))
              .append("\",\"name\":\"POST /chat\",\"kind\":2,\"startTimeUnixNano\":\"1749981600000000000\",")
              .append("\"endTimeUnixNano\":\"1749981602000000000\",\"attributes\":[")
              .append("{\"key\":\"app.tenant_id\",\"value\":{\"stringValue\":\"").append(tenants[i % tenants.length])
              .append("\"}}],\"status\":{}}");
        }
        sb.append("]}]}]}\n");
        w.write(sb.toString());
      }
    }

    Audit audit = Audit.builder(PriceCatalog.bundled()).build();
    int[] maxOpen = {0};
    OtlpJsonReader reader = new OtlpJsonReader((f, line, message) -> {
      throw new AssertionError(f + ":" + line + ": " + message);
    });
    reader.read(file, spans -> {
      audit.accept(spans);
      maxOpen[0] = Math.max(maxOpen[0], audit.openTraces());
    });
    AuditReport report = audit.finish();

    // Traces are analysed a few batches after their root: never more than ~(settle + 2) lines' worth are held.
    assertThat(maxOpen[0]).isLessThanOrEqualTo((Audit.SETTLE_BATCHES + 2) * perLine);
    assertThat(audit.openTraces()).isZero();
    assertThat(report.pricedSpans()).isEqualTo(traces);
    // 1000 in at 0.15 and 100 out at 0.60 = 0.000210000 per call.
    assertThat(AuditReport.usd(report.totalNanos()).toPlainString()).isEqualTo("42.000000000");
    long perTenantCalls = traces / tenants.length; // 28571, and t0..t2 have one more
    assertThat(report.byTenant()).containsEntry("t0", (perTenantCalls + 1) * 210_000L)
        .containsEntry("t6", perTenantCalls * 210_000L).doesNotContainKey(AuditReport.NONE);
  }

  private static boolean comma(StringBuilder sb, boolean first) {
    if (!first) {
      sb.append(',');
    }
    return false;
  }

  private static String traceId(int i) {
    return String.format("%032x", i + 1L);
  }

  private static String spanId(int i, int n) {
    return String.format("%08x%08x", i + 1, n);
  }

  // ---------------------------------------------------------------- helpers

  private static Map<String, String> money(JsonNode object) {
    Map<String, String> out = new LinkedHashMap<>();
    object.properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static List<String> fieldNames(JsonNode object) {
    List<String> out = new ArrayList<>();
    Iterator<String> it = object.fieldNames();
    it.forEachRemaining(out::add);
    return out;
  }

  private static BigDecimal sum(JsonNode amounts) {
    BigDecimal sum = BigDecimal.ZERO;
    for (JsonNode v : amounts) {
      sum = sum.add(new BigDecimal(v.asText()));
    }
    return sum;
  }
}
