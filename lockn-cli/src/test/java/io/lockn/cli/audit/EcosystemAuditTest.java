package io.lockn.cli.audit;

import static io.lockn.cli.audit.AuditTestSupport.auditJson;
import static io.lockn.cli.audit.AuditTestSupport.resource;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code lockn audit} on the recordings of real GenAI instrumentations ({@code otlp/ecosystem}): the command reads
 * through LockN's one reader of model calls, so each recording's total is the exact cost its spans allow, each call is
 * counted once whatever wraps it, and the tenant comes from the ecosystem's own keys. The reader's rules per call are
 * tested in lockn-pricing ({@code EcosystemTraceCallsTest}); this is the wiring.
 *
 * <p>Expected totals, from the recordings' ground truth with the bundled catalog (gpt-4o: $2.50 in, $1.25 cache reads,
 * $10 out per 1M; text-embedding-3-small $0.02; claude-sonnet-4-5 $3 in, $0.30 cache reads, $3.75 writes, $15 out) and
 * o3-mini from the price file below ($1.10, $0.55, $4.40):
 *
 * <ul>
 *   <li>the Anthropic set: 0.041634 (312 x 3 + 2,048 x 0.30 + 1,536 x 3.75 + 176 x 15; 21 x 3 + 3,072 x 0.30 + 241 x
 *       15; 58 x 3 + 1,480 x 15; 380 x 3 + 64 x 15; 455 x 3 + 83 x 15, micro-USD);
 *   <li>the OpenAI set: 0.020981880: chat and Responses 268 x 2.50 + 1,536 x 1.25 + 96 x 10 = 3,550 each; stream 290 x
 *       2.50 + 1,920 x 1.25 + 187 x 10 = 4,995; o3-mini 316 x 1.10 + 1,024 x 0.55 + 1,186 x 4.40 = 6,129.2; tool call
 *       412 x 2.50 + 19 x 10 = 1,220; tool result 463 x 2.50 + 38 x 10 = 1,537.5; embeddings 9 x 0.02 = 0.18;
 *   <li>OpenInference on OpenAI: the set less the stream and the embeddings, which carry no usage (unpriced):
 *       0.015986700; Langfuse on OpenAI: less the embeddings: 0.020981700;
 *   <li>the OpenTelemetry instrumentation (no cache counts: every input token at the full price, an upper bound): chat
 *       and Responses 1,804 x 2.50 + 960 = 5,470 each, stream 2,210 x 2.50 + 1,870 = 7,395, o3-mini 1,340 x 1.10 +
 *       1,186 x 4.40 = 6,692.4, tool calls 2,757.5, embeddings 0.18: 0.027785080;
 *   <li>OpenLLMetry on OpenAI: the same without cache counts, no embeddings span, and the stream's own estimate (37 x
 *       2.50 + 13 x 10 = 222.5) for the stream: 0.020612400.
 * </ul>
 */
class EcosystemAuditTest {

  @TempDir Path tmp;

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    // recording,                  cost,          calls, unpriced
    "anthropic-sdk-otel-on,        0.041634000,   5,     0",
    "traceloop-anthropic,          0.041634000,   5,     0",
    "openinference-anthropic,      0.041634000,   5,     0",
    "langfuse-anthropic,           0.041634000,   5,     0",
    "vercel-ai6-anthropic,         0.041634000,   5,     0",
    "vercel-ai7-anthropic,         0.041634000,   5,     0",
    "vercel-ai7-usage-anthropic,   0.041634000,   5,     0",
    "vercel-ai7-legacy-anthropic,  0.041634000,   5,     0",
    "vercel-ai6-openai,            0.020981880,   7,     0",
    "vercel-ai7-openai,            0.020981880,   7,     0",
    "vercel-ai7-usage-openai,      0.020981880,   7,     0",
    "vercel-ai7-legacy-openai,     0.020981880,   7,     0",
    "openinference-openai,         0.015986700,   7,     2",
    "langfuse-openai,              0.020981700,   7,     1",
    "otel-instrumentation-openai,  0.027785080,   7,     0",
    "traceloop-openai,             0.020612400,   6,     0",
  })
  void eachRecording_isPricedExactly_onceACall_forItsTenant(String recording, String cost, int calls, int unpriced)
      throws IOException {
    Path prices = Files.writeString(tmp.resolve("o3-mini.json"), """
        {"schema_version": 1, "models": [{"provider": "openai", "model": "o3-mini",
                                            "prices": [{"input": "1.10", "output": "4.40", "cache_read": "0.55"}]}]}
        """);
    JsonNode r = auditJson(tmp, "--input", resource("ecosystem/" + recording + ".jsonl").toString(), "--prices",
        prices.toString());
    JsonNode totals = r.get("totals");

    assertThat(totals.get("costUsd").asText()).isEqualTo(cost);
    assertThat(r.get("spans")).hasSize(calls);
    assertThat(totals.get("unpricedSpans").asLong()).isEqualTo(unpriced);
    assertThat(totals.get("byTenant").size()).isEqualTo(1);
    assertThat(totals.get("byTenant").get("acme").asText()).isEqualTo(cost);
  }
}
