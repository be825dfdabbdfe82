package io.lockn.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The PromQL of LockN's Grafana dashboards (lockn-compression's {@code grafana/*.json}), as Grafana runs it: each
 * target's {@code expr}, each query variable's {@code label_values(metric, label)}, and Grafana's variables expanded
 * for "All" and a 5-minute dashboard. Shared by the tests that run the dashboards against a real Prometheus.
 */
public final class GrafanaQueries {

  /** {@code label_values(metric, label)}: group 1 is the metric, group 2 the label. */
  public static final Pattern LABEL_VALUES =
      Pattern.compile("label_values\\(\\s*([A-Za-z_:][A-Za-z0-9_:]*)\\s*,\\s*(\\w+)\\s*\\)");

  private GrafanaQueries() {}

  /** Every {@code expr} of a dashboard's panels, in document order; at least one. */
  public static List<String> expressions(JsonNode dashboard) {
    List<String> result = new ArrayList<>();
    collectExpr(dashboard, result);
    assertThat(result).isNotEmpty();
    return result;
  }

  private static void collectExpr(JsonNode node, List<String> out) {
    if (node.isObject()) {
      node.fields().forEachRemaining(e -> {
        if (e.getKey().equals("expr") && e.getValue().isTextual()) {
          out.add(e.getValue().asText());
        } else {
          collectExpr(e.getValue(), out);
        }
      });
    } else if (node.isArray()) {
      node.forEach(n -> collectExpr(n, out));
    }
  }

  /** A query variable's query, whether Grafana stored it as a string or as an object. */
  public static String queryOf(JsonNode variable) {
    JsonNode q = variable.path("query");
    return q.isObject() ? q.path("query").asText() : q.asText();
  }

  /** Grafana's variables as Grafana would expand them for "All" ({@code allValue} {@code .*}) and a 5-minute dashboard. */
  public static String substitute(String expr) {
    return expr
        .replace("$__rate_interval", "1m")
        .replace("$__range", "5m")
        .replace("$__interval", "15s")
        .replaceAll("\\$\\{?[A-Za-z_][A-Za-z0-9_]*}?", ".*");
  }
}
