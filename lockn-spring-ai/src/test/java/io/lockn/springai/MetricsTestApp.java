package io.lockn.springai;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * The Spring Boot web application of the metrics tests, as a user writes it: Spring MVC on a real loopback port, the
 * actuator, Spring AI's OpenAI starter pointed at an {@link OpenAiStub}, Spring Boot's OpenTelemetry tracing, and
 * LockN's auto-configuration from {@code lockn.*} properties, with no meter provider of its own. {@code GET
 * /ask?tenant=T[&model=M]} asks the auto-configured {@code ChatClient} with the tenant as an advisor parameter, which
 * LockN carries as the {@code app.tenant_id} attribution.
 */
final class MetricsTestApp implements AutoCloseable {

  /** A per-tenant budget that blocks tenant {@code blocked-co} at $0, and the tenant as a cost metric attribute. */
  static final List<String> PROPERTIES = List.of(
      "server.address=127.0.0.1",
      "server.port=0",
      "spring.ai.openai.api-key=test",
      "spring.ai.openai.chat.model=gpt-4o",
      "spring.ai.openai.max-retries=0",
      "management.tracing.sampling.probability=1.0",
      "management.endpoints.web.exposure.include=health,metrics,prometheus",
      "lockn.pricing.metric.attribution-keys=app.tenant_id",
      "lockn.budgets.items[0].name=blocked-co-zero",
      "lockn.budgets.items[0].scope=app.tenant_id=blocked-co",
      "lockn.budgets.items[0].limit-usd=0",
      "lockn.budgets.items[0].period=day");

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  final ConfigurableApplicationContext context;
  final int port;

  private MetricsTestApp(ConfigurableApplicationContext context) {
    this.context = context;
    this.port = ((WebServerApplicationContext) context).getWebServer().getPort();
  }

  /**
   * Starts the application.
   *
   * @param stub the OpenAI stub
   * @param sources more configuration classes (beans of the application), none for the default set-up
   * @param args command-line arguments, which win over the surefire system properties
   */
  static MetricsTestApp start(OpenAiStub stub, List<Class<?>> sources, String... args) {
    List<Class<?>> all = new ArrayList<>(sources);
    all.add(0, App.class);
    List<String> properties = new ArrayList<>(PROPERTIES);
    properties.add("spring.ai.openai.base-url=" + stub.baseUrl());
    return new MetricsTestApp(new SpringApplicationBuilder(all.toArray(Class<?>[]::new))
        .properties(properties.toArray(String[]::new))
        .run(args));
  }

  /** {@code GET path} on the application; the response. */
  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Asks as {@code tenant}; the model's answer, checking that the call succeeded. */
  String ask(String tenant) throws IOException, InterruptedException {
    HttpResponse<String> r = get("/ask?tenant=" + tenant);
    assertThat(r.statusCode()).as("GET /ask?tenant=%s: %s", tenant, r.body()).isEqualTo(200);
    return r.body();
  }

  @Override
  public void close() {
    context.close();
  }

  /**
   * Auto-configuration and the one endpoint. Neither a {@code @Configuration} nor a {@code @Controller}, so that the
   * component scans of other tests in this package do not pick it up.
   */
  @EnableAutoConfiguration
  static class App {
    @Bean
    RouterFunction<ServerResponse> ask(ChatClient.Builder builder) {
      ChatClient chatClient = builder.build();
      return RouterFunctions.route().GET("/ask", request -> {
        String tenant = request.param("tenant").orElseThrow();
        ChatClient.ChatClientRequestSpec spec = chatClient.prompt("What does LockN do?")
            .advisors(a -> a.param("app.tenant_id", tenant));
        String model = request.param("model").orElse(null);
        if (model != null) {
          spec = spec.options(ChatOptions.builder().model(model));
        }
        return ServerResponse.ok().body(String.valueOf(spec.call().content()));
      }).build();
    }
  }
}
