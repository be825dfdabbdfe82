package io.lockn.examples;

import com.sun.net.httpserver.HttpServer;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.SystemMessage;
import dev.langchain4j.service.UserMessage;
import io.lockn.core.LockN;
import io.lockn.langchain4j.LockNLangChain4j;
import io.lockn.pricing.CostAttributes;
import io.lockn.pricing.CostLedger;
import io.lockn.pricing.sdk.CostPipeline;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The demo's LangChain4j part: the billing question answered by a real LangChain4j AI Service with a tool, its
 * OpenAI client pointed at a local server that answers like OpenAI (first a tool call, then the answer, with cached
 * prompt tokens), recorded with {@link LockNLangChain4j}: an agent span, both model round trips and the tool, each
 * model call priced exactly and the cost rolled up to the agent.
 */
final class LangChain4jPart {

  /** The AI Service: LangChain4j implements it. */
  interface BillingAssistant {
    @SystemMessage("You are Umbrella's billing assistant. Use the tools; answer in one sentence.")
    String answer(@MemoryId String customer, @UserMessage String question);
  }

  /** The tool LangChain4j calls when the model asks for it. */
  static final class BillingTools {
    @Tool("Looks an invoice up by its id")
    String invoice(String id) {
      return "{\"id\":\"" + id + "\",\"amount\":\"1290.00 EUR\",\"status\":\"paid\",\"paid_on\":\"2026-11-03\"}";
    }
  }

  /** The part's answer and spans, in the order they ended. */
  record Result(String answer, List<SpanData> spans) {}

  private LangChain4jPart() {}

  /**
   * Runs the part on a tracer provider of its own, writing to the demo's trace file (and OTLP endpoint, if any).
   *
   * @return the part's spans
   */
  static Result run(Resource resource, OutputStream traceFile, @Nullable SpanExporter otlp) {
    HttpServer openAi = openAiShapedServer();
    List<SpanData> ended = new CopyOnWriteArrayList<>();
    CostPipeline costs = CostPipeline.builder(SupportDemo.catalog()).setLedger(CostLedger.create())
        .setAttributionKeys(SupportDemo.ATTRIBUTION_KEYS).build();
    SdkTracerProviderBuilder tracing =
        SdkTracerProvider.builder()
            .setResource(resource)
            .addSpanProcessor(costs)
            .addSpanProcessor(new Collector(ended))
            .addSpanProcessor(BatchSpanProcessor.builder(OtlpJsonLines.spans(traceFile)).build());
    if (otlp != null) {
      tracing.addSpanProcessor(BatchSpanProcessor.builder(otlp).build());
    }
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(tracing.build()).build();
    String answer;
    try {
      LockN lockn = LockN.builder().setOpenTelemetry(sdk).setAttributionKeys(SupportDemo.ATTRIBUTION_KEYS)
          .setCallPricing(costs).build();
      LockNLangChain4j lc = LockNLangChain4j.create(lockn);
      BillingAssistant assistant =
          lc.instrument(AiServices.builder(BillingAssistant.class))
              .chatModel(lc.decorate(OpenAiChatModel.builder()
                  .baseUrl("http://127.0.0.1:" + openAi.getAddress().getPort() + "/v1")
                  .apiKey("demo")
                  .modelName("gpt-4o-mini")
                  .build()))
              .tools(new BillingTools())
              .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(20))
              .build();
      answer = lockn.attribution().tenant("umbrella").costCenter("cc-billing").workflowId("B-77").feature("billing-chat")
          .plan("pro").user("customer-7").supply(() ->
          assistant.answer("customer-7", "Has invoice INV-1042 been paid?"));
    } finally {
      sdk.shutdown().join(30, TimeUnit.SECONDS);
      openAi.stop(0);
    }
    return new Result(answer, List.copyOf(ended));
  }

  /**
   * Prints the part: the agent with its rolled-up cost, then its model calls and tool with tokens and cost.
   *
   * @return the agent's rolled-up cost in nano-USD
   */
  static long print(PrintStream console, Result result) {
    List<SpanData> spans = result.spans();
    String answer = result.answer();
    console.println("LangChain4j: the billing question through a real LangChain4j AI Service with a tool (its OpenAI");
    console.println("client against a local OpenAI-shaped server), recorded with LockNLangChain4j:");
    SpanData agent = null;
    for (SpanData s : spans) {
      if (s.getName().startsWith("invoke_agent")) {
        agent = s;
      }
    }
    long rolledUp = 0;
    if (agent != null) {
      Long r = agent.getAttributes().get(CostAttributes.ROLLUP_TOTAL_NANOS);
      rolledUp = r == null ? 0 : r;
      console.printf(Locale.ROOT, "  %-38s %30s  USD %s (roll-up)%n", agent.getName(), "", usd(rolledUp));
      List<SpanData> children = new ArrayList<>();
      for (SpanData s : spans) {
        if (s.getParentSpanId().equals(agent.getSpanId())) {
          children.add(s);
        }
      }
      children.sort((a, b) -> Long.compare(a.getStartEpochNanos(), b.getStartEpochNanos()));
      for (SpanData s : children) {
        Long cost = s.getAttributes().get(CostAttributes.TOTAL_NANOS);
        Long in = s.getAttributes().get(AttributeKey.longKey("gen_ai.usage.input_tokens"));
        Long cached = s.getAttributes().get(AttributeKey.longKey("gen_ai.usage.cache_read.input_tokens"));
        Long out = s.getAttributes().get(AttributeKey.longKey("gen_ai.usage.output_tokens"));
        String tokens = in == null ? String.format(Locale.ROOT, "%.1f ms",
            (s.getEndEpochNanos() - s.getStartEpochNanos()) / 1e6)
            : String.format(Locale.ROOT, "in %d (%d cached) out %d", in, cached == null ? 0 : cached,
                out == null ? 0 : out);
        console.printf(Locale.ROOT, "    %-36s %30s  %s%n", s.getName(), tokens,
            cost == null ? "" : "USD " + usd(cost));
      }
    }
    console.println("  answer: " + answer);
    return rolledUp;
  }

  private static String usd(long nanos) {
    return BigDecimal.valueOf(nanos, 9).setScale(9, RoundingMode.UNNECESSARY).toPlainString();
  }

  /**
   * A stateless OpenAI-shaped server: a request that already carries a tool result gets the final answer, any other
   * gets a call of the invoice tool. The second request's prompt is mostly cached by the provider.
   */
  static HttpServer openAiShapedServer() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext("/v1/chat/completions", exchange -> {
        String request = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String body = request.contains("\"tool_call_id\"") ? ANSWER : TOOL_CALL;
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      });
      server.start();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the demo's local OpenAI-shaped server", e);
    }
  }

  static final String TOOL_CALL = """
      {"id":"chatcmpl-demo-1","object":"chat.completion","created":1763800000,"model":"gpt-4o-mini-2024-07-18",
       "choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","content":null,
         "tool_calls":[{"id":"call_inv_1042","type":"function",
           "function":{"name":"invoice","arguments":"{\\"arg0\\":\\"INV-1042\\"}"}}]}}],
       "usage":{"prompt_tokens":1180,"completion_tokens":22,"total_tokens":1202,
         "prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}}
      """;

  static final String ANSWER = """
      {"id":"chatcmpl-demo-2","object":"chat.completion","created":1763800001,"model":"gpt-4o-mini-2024-07-18",
       "choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant",
         "content":"Yes: invoice INV-1042 (1290.00 EUR) was paid on 2026-11-03."}}],
       "usage":{"prompt_tokens":1260,"completion_tokens":31,"total_tokens":1291,
         "prompt_tokens_details":{"cached_tokens":1152},"completion_tokens_details":{"reasoning_tokens":0}}}
      """;

  /** Keeps the part's ended spans for the printed tree. */
  private record Collector(List<SpanData> ended) implements SpanProcessor {
    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {}

    @Override
    public boolean isStartRequired() {
      return false;
    }

    @Override
    public void onEnd(ReadableSpan span) {
      ended.add(span.toSpanData());
    }

    @Override
    public boolean isEndRequired() {
      return true;
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
