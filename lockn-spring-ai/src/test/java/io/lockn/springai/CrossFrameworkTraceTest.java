package io.lockn.springai;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.service.AiServices;
import io.lockn.core.LockN;
import io.lockn.langchain4j.LockNLangChain4j;
import io.lockn.pricing.CostAttributes;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * One trace across frameworks: a Spring AI agent calls a LangChain4j agent over HTTP (W3C trace context and Baggage
 * headers). Both services' model calls land in one trace, the tenant set on the Spring side reaches the LangChain4j
 * side's spans through Baggage, and each service's cost roll-up adds up to the trace's exact total.
 */
@SpringBootTest(
    classes = SpringAiOpenAiTest.App.class,
    properties = {
      "lockn.enabled=false",
      "spring.ai.openai.api-key=test",
      "spring.ai.openai.chat.model=gpt-4o",
      "spring.ai.openai.max-retries=0",
      "management.tracing.sampling.probability=1.0"
    })
class CrossFrameworkTraceTest {

  interface Researcher {
    String research(String question);
  }

  static final TextMapPropagator W3C =
      TextMapPropagator.composite(W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance());

  static final OpenAiStub LANGCHAIN4J_PROVIDER = new OpenAiStub();

  @DynamicPropertySource
  static void stub(DynamicPropertyRegistry registry) {
    registry.add("spring.ai.openai.base-url", SpringAiOpenAiTest.STUB::baseUrl);
  }

  @AfterAll
  static void stop() {
    LANGCHAIN4J_PROVIDER.close();
  }

  @Autowired ChatClient.Builder chatClientBuilder;
  @Autowired LockN lockn;
  @Autowired OpenTelemetry openTelemetry;

  @BeforeEach
  void reset() {
    SpringAiOpenAiTest.STUB.reset();
    LANGCHAIN4J_PROVIDER.reset();
    SpringAiOpenAiTest.SPANS.reset();
  }

  /** The LangChain4j service: extracts the caller's context, runs its AI Service, answers the text. */
  private HttpServer langChain4jService(LockN serviceLockN) {
    LockNLangChain4j lc = LockNLangChain4j.create(serviceLockN);
    Researcher researcher = lc.instrument(AiServices.builder(Researcher.class))
        .chatModel(lc.decorate(OpenAiChatModel.builder().baseUrl(LANGCHAIN4J_PROVIDER.baseUrl()).apiKey("test")
            .modelName("gpt-4o-mini").maxRetries(0).build()))
        .build();
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext("/research", exchange -> {
        Context extracted = W3C.extract(Context.root(), exchange, new TextMapGetter<>() {
          @Override
          public Iterable<String> keys(com.sun.net.httpserver.HttpExchange carrier) {
            return carrier.getRequestHeaders().keySet();
          }

          @Override
          public @Nullable String get(com.sun.net.httpserver.@Nullable HttpExchange carrier, String key) {
            return carrier == null ? null : carrier.getRequestHeaders().getFirst(key);
          }
        });
        String answer;
        try (Scope ignored = extracted.makeCurrent()) {
          answer = researcher.research(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        }
        byte[] body = answer.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      });
      server.start();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long nanos(long tokens, String usdPerMillion) {
    return new BigDecimal(usdPerMillion).multiply(BigDecimal.valueOf(tokens)).movePointLeft(6).movePointRight(9)
        .longValueExact();
  }

  @Test
  void springAiCallsLangChain4j_oneTraceTenantInBaggageAndExactRollUps() throws Exception {
    SpringAiOpenAiTest.STUB.json(OpenAiStub.completion("gpt-4o-2024-08-06", "Ask research.", 100, 0, 20, 0));
    LANGCHAIN4J_PROVIDER.json(OpenAiStub.completion("gpt-4o-mini-2024-07-18", "Invoices are due in 30 days.",
        400, 0, 50, 0));
    HttpServer service = langChain4jService(LockN.create(openTelemetry));
    HttpClient http = HttpClient.newHttpClient();
    try {
      String answer = lockn.attribution().tenant("acme").supply(() -> lockn.agent("concierge").supply(() -> {
        String plan = chatClientBuilder.build().prompt("When are invoices due?").call().content();
        HttpRequest.Builder request = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + service.getAddress().getPort() + "/research"))
            .POST(HttpRequest.BodyPublishers.ofString(plan));
        W3C.inject(Context.current(), request, HttpRequest.Builder::header);
        try {
          return http.send(request.build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException | InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }));

      assertThat(answer).isEqualTo("Invoices are due in 30 days.");
    } finally {
      service.stop(0);
    }

    List<SpanData> spans = SpringAiOpenAiTest.SPANS.getFinishedSpanItems();
    SpanData concierge = only(spans, "invoke_agent concierge");
    SpanData researcher = only(spans, "invoke_agent Researcher.research");
    SpanData springChat = only(spans, "chat gpt-4o");
    SpanData langChain4jChat = only(spans, "chat gpt-4o-mini");
    assertThat(spans).extracting(SpanData::getTraceId).containsOnly(concierge.getTraceId());
    assertThat(researcher.getParentSpanContext().isRemote()).isTrue();
    AttributeKey<String> tenant = AttributeKey.stringKey("app.tenant_id");
    assertThat(springChat.getAttributes().get(tenant)).isEqualTo("acme");
    assertThat(langChain4jChat.getAttributes().get(tenant)).isEqualTo("acme");

    long springCost = nanos(100, "2.50") + nanos(20, "10.00");
    long langChain4jCost = nanos(400, "0.15") + nanos(50, "0.60");
    assertThat(springChat.getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(springCost);
    assertThat(langChain4jChat.getAttributes().get(CostAttributes.TOTAL_NANOS)).isEqualTo(langChain4jCost);
    // Each service rolls up its own calls (the LangChain4j agent's parent is remote); together, the trace's total.
    assertThat(concierge.getAttributes().get(CostAttributes.ROLLUP_TOTAL_NANOS)).isEqualTo(springCost);
    assertThat(researcher.getAttributes().get(CostAttributes.ROLLUP_TOTAL_NANOS)).isEqualTo(langChain4jCost);
  }

  private static SpanData only(List<SpanData> spans, String name) {
    List<SpanData> named = spans.stream().filter(s -> s.getName().equals(name)).toList();
    assertThat(named).as("spans named %s among %s", name, spans.stream().map(SpanData::getName).toList()).hasSize(1);
    return named.get(0);
  }
}
