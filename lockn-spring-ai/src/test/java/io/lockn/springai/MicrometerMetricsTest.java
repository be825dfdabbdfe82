package io.lockn.springai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A Spring Boot web application with Boot's defaults (no meter provider of its own) and micrometer-registry-prometheus:
 * LockN's cost, unpriced-call and budget-action counters are in the application's Micrometer registry, read over HTTP
 * from {@code /actuator/prometheus} and {@code /actuator/metrics} with exact values and the tenant attribution, under
 * the names the OpenTelemetry Prometheus exporter gives them.
 *
 * <p>Prices: the bundled catalog's gpt-4o, $2.50 and $10 per million input and output tokens, that is 2,500 and 10,000
 * nano-USD per token. The calls, and their costs by hand:
 * <pre>
 * acme    1000 in, 200 out: 1000*2,500 = 2,500,000 in;   200*10,000 =  2,000,000 out
 * acme     400 in,  50 out:  400*2,500 = 1,000,000 in;    50*10,000 =    500,000 out
 * globex  3000 in, 1000 out: 3000*2,500 = 7,500,000 in; 1000*10,000 = 10,000,000 out
 * acme    in-house-llm (no price): 1 unpriced call
 * blocked-co: refused by the $0 budget before the provider is called: 1 block
 * acme: 3,500,000 in + 2,500,000 out = 6,000,000; globex: 17,500,000; total 23,500,000 nano-USD = $0.0235
 * </pre>
 */
class MicrometerMetricsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String COST = "lockn_client_cost_total{app_tenant_id=\"%s\",gen_ai_provider_name=\"openai\","
      + "gen_ai_request_model=\"gpt-4o\",gen_ai_response_model=\"gpt-4o\",lockn_cost_type=\"%s\"}";

  private static OpenAiStub stub;
  private static MetricsTestApp app;

  @BeforeAll
  static void start() throws Exception {
    stub = new OpenAiStub();
    app = MetricsTestApp.start(stub, List.of());
    stub.json(OpenAiStub.completion("gpt-4o", "a", 1000, 0, 200, 0));
    app.ask("acme");
    stub.json(OpenAiStub.completion("gpt-4o", "b", 400, 0, 50, 0));
    app.ask("acme");
    stub.json(OpenAiStub.completion("gpt-4o", "c", 3000, 0, 1000, 0));
    app.ask("globex");
    stub.json(OpenAiStub.completion("in-house-llm", "d", 10, 0, 5, 0));
    assertThat(app.get("/ask?tenant=acme&model=in-house-llm").statusCode()).isEqualTo(200);
    HttpResponse<String> blocked = app.get("/ask?tenant=blocked-co");
    assertThat(blocked.statusCode()).as("a budget block is not a success").isGreaterThanOrEqualTo(400);
    assertThat(stub.requests()).as("the blocked call never reached the provider").hasSize(4);
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
    if (stub != null) {
      stub.close();
    }
  }

  @Test
  void actuatorPrometheus_hasLockNsCountersWithExactValuesAndTenants() throws Exception {
    HttpResponse<String> r = app.get("/actuator/prometheus");
    assertThat(r.statusCode()).isEqualTo(200);
    Map<String, BigDecimal> samples = samples(r.body());

    assertThat(samples.get(COST.formatted("acme", "input"))).isEqualByComparingTo("3500000");
    assertThat(samples.get(COST.formatted("acme", "output"))).isEqualByComparingTo("2500000");
    assertThat(samples.get(COST.formatted("globex", "input"))).isEqualByComparingTo("7500000");
    assertThat(samples.get(COST.formatted("globex", "output"))).isEqualByComparingTo("10000000");
    // Exactly these four cost series: no other tenant, model or token class, and nothing for the blocked call.
    assertThat(samples.keySet().stream().filter(k -> k.startsWith("lockn_client_cost_total")))
        .containsExactlyInAnyOrder(COST.formatted("acme", "input"), COST.formatted("acme", "output"),
            COST.formatted("globex", "input"), COST.formatted("globex", "output"));
    BigDecimal total = samples.entrySet().stream().filter(e -> e.getKey().startsWith("lockn_client_cost_total"))
        .map(Map.Entry::getValue).reduce(BigDecimal.ZERO, BigDecimal::add);
    assertThat(total.longValueExact()).isEqualTo(23_500_000L);
    assertThat(total.movePointLeft(9)).isEqualByComparingTo("0.0235");

    assertThat(samples.get("lockn_client_unpriced_calls_total{app_tenant_id=\"acme\",gen_ai_provider_name=\"openai\","
        + "gen_ai_request_model=\"in-house-llm\",gen_ai_response_model=\"in-house-llm\"}")).isEqualByComparingTo("1");
    assertThat(samples.get(
        "lockn_budget_actions_total{lockn_budget_action=\"block\",lockn_budget_name=\"blocked-co-zero\"}"))
        .isEqualByComparingTo("1");
    // The instruments' descriptions are the Prometheus HELP lines.
    assertThat(r.body()).contains("# HELP lockn_client_cost_total Cost of GenAI model calls in nano-USD");
  }

  @Test
  void actuatorMetrics_hasTheCostByTenantAndTokenClass() throws Exception {
    JsonNode cost = metric("lockn.client.cost");
    assertThat(cost.path("description").asText()).startsWith("Cost of GenAI model calls in nano-USD");
    assertThat(count(cost)).isEqualTo(23_500_000L);
    Map<String, List<String>> tags = new LinkedHashMap<>();
    cost.path("availableTags").forEach(t -> tags.put(t.path("tag").asText(),
        JSON.convertValue(t.path("values"), JSON.getTypeFactory().constructCollectionType(List.class, String.class))));
    assertThat(tags.get("app.tenant_id")).containsExactlyInAnyOrder("acme", "globex");
    assertThat(tags.get("lockn.cost.type")).containsExactlyInAnyOrder("input", "output");
    assertThat(tags.get("gen_ai.request.model")).containsExactly("gpt-4o");

    assertThat(count(metric("lockn.client.cost?tag=app.tenant_id:acme"))).isEqualTo(6_000_000L);
    assertThat(count(metric("lockn.client.cost?tag=app.tenant_id:globex&tag=lockn.cost.type:output")))
        .isEqualTo(10_000_000L);
    assertThat(count(metric("lockn.client.unpriced_calls?tag=gen_ai.request.model:in-house-llm"))).isEqualTo(1L);
    assertThat(count(metric("lockn.budget.actions?tag=lockn.budget.action:block&tag=lockn.budget.name:blocked-co-zero")))
        .isEqualTo(1L);
  }

  @Test
  void lockNsMetricsAreInTheApplicationsRegistry_andNoOpenTelemetryMeterProviderExportsThem() {
    // Spring Boot defines no SdkMeterProvider: the OpenTelemetry bean's meters are the no-op API's, so Micrometer is
    // the only place the metrics can be, and they are recorded once.
    MeterRegistry registry = app.context.getBean(MeterRegistry.class);
    assertThat(registry).isInstanceOf(PrometheusMeterRegistry.class);
    assertThat(registry.get("lockn.client.cost").counters()).hasSize(4);
    assertThat(app.context.getBeanNamesForType(io.opentelemetry.sdk.metrics.SdkMeterProvider.class)).isEmpty();
    io.opentelemetry.api.OpenTelemetry otel = app.context.getBean(io.opentelemetry.api.OpenTelemetry.class);
    assertThat(otel.getMeterProvider().get("probe").counterBuilder("c").build().getClass())
        .isSameAs(io.opentelemetry.api.metrics.MeterProvider.noop().get("probe").counterBuilder("c").build().getClass());
  }

  private static JsonNode metric(String nameAndQuery) throws Exception {
    HttpResponse<String> r = app.get("/actuator/metrics/" + nameAndQuery);
    assertThat(r.statusCode()).as("%s: %s", nameAndQuery, r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  /** The COUNT statistic of a counter from /actuator/metrics, which must be an exact integer. */
  private static long count(JsonNode metric) {
    for (JsonNode m : metric.path("measurements")) {
      if ("COUNT".equals(m.path("statistic").asText())) {
        return new BigDecimal(m.path("value").asText()).longValueExact();
      }
    }
    throw new AssertionError("no COUNT in " + metric);
  }

  /** The samples of a Prometheus text exposition, keyed by name and labels; values exact. */
  static Map<String, BigDecimal> samples(String exposition) {
    Map<String, BigDecimal> result = new LinkedHashMap<>();
    for (String line : exposition.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      String value = line.substring(space + 1);
      if (!value.equals("NaN") && !value.contains("Inf")) {
        result.put(line.substring(0, space), new BigDecimal(value));
      }
    }
    return result;
  }
}
