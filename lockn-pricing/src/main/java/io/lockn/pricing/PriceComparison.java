package io.lockn.pricing;

import io.lockn.core.TokenUsage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Prices one workload on several models side by side, for example a self-hosted model against API models.
 *
 * <pre>{@code
 * List<PriceComparison.Row> rows = PriceComparison.compare(catalog, monthlyUsage, Instant.now(),
 *     List.of("vllm/llama-3.1-8b-instruct", "openai/gpt-4o-mini", "anthropic/claude-haiku-4-5"));
 * }</pre>
 */
public final class PriceComparison {

  /**
   * One model's price for the workload.
   *
   * @param model the {@code provider/model} compared
   * @param cost its cost, {@link Cost#UNPRICED} if unknown
   */
  public record Row(String model, Cost cost) {}

  private PriceComparison() {}

  /**
   * Prices the workload on each model, cheapest first; unpriced models last.
   *
   * @param catalog the prices
   * @param usage the workload's usage
   * @param at when (which prices apply)
   * @param models {@code provider/model} ids
   * @return the rows
   */
  public static List<Row> compare(PriceCatalog catalog, TokenUsage usage, Instant at, List<String> models) {
    List<Row> rows = new ArrayList<>();
    for (String id : models) {
      int slash = id.indexOf('/');
      String provider = slash > 0 ? id.substring(0, slash) : "";
      String model = slash > 0 ? id.substring(slash + 1) : id;
      rows.add(new Row(id, catalog.cost(provider, model, usage, at, null)));
    }
    rows.sort(Comparator.comparing((Row r) -> !r.cost().isPriced()).thenComparingLong(r -> r.cost().totalNanos()));
    return rows;
  }
}
