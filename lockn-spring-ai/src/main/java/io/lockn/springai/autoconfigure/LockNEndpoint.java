package io.lockn.springai.autoconfigure;

import io.lockn.pricing.CostLedger;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The {@code lockn} actuator endpoint ({@code GET /actuator/lockn} once exposed with {@code
 * management.endpoints.web.exposure.include=lockn}): today's spend by tenant, agent and model from the {@link
 * CostLedger}, and the status of every budget account. Amounts are exact decimal strings, never floating point.
 *
 * <pre>{@code
 * {
 *   "periodStart": "2026-05-04T00:00:00Z", "periodEnd": "2026-05-04T13:37:00.123Z", "currency": "USD",
 *   "total": "1.234567",
 *   "byTenant": {"acme": "1.2", "(none)": "0.034567"}, "byAgent": {...}, "byModel": {"gpt-4o": "1.234567"},
 *   "budgets": [{"name": "tenant-daily", "scope": "app.tenant_id=acme", "unit": "usd", "limit": "5",
 *                "spent": "1.2", "reserved": "0", "remaining": "3.8", "percent": "24.00", "action": "none",
 *                "periodStart": "...", "periodEnd": "..."}]
 * }
 * }</pre>
 *
 * <p>The period is the current day in the configured zone ({@code lockn.ledger.zone}), from its first instant until
 * now, or the ledger's retention window if that is shorter. Costs are those of calls whose span started in the period
 * and has ended. Thread-safe; each read walks the ledger's buckets once per dimension.
 */
@Endpoint(id = "lockn")
public final class LockNEndpoint {

  private final CostLedger ledger;
  private final Supplier<List<BudgetReport>> budgets;
  private final ZoneId zone;
  private final Duration retention;
  private final Clock clock;

  /**
   * Creates the endpoint.
   *
   * @param ledger the ledger the cost span processor feeds
   * @param budgets the budget accounts to report, for example from {@code io.lockn.budget.Budgets#status()}
   * @param zone the zone whose current day is reported
   * @param retention how far back the ledger keeps costs
   */
  public LockNEndpoint(
      CostLedger ledger, Supplier<List<BudgetReport>> budgets, ZoneId zone, Duration retention) {
    this(ledger, budgets, zone, retention, Clock.systemUTC());
  }

  LockNEndpoint(
      CostLedger ledger, Supplier<List<BudgetReport>> budgets, ZoneId zone, Duration retention, Clock clock) {
    this.ledger = Objects.requireNonNull(ledger, "ledger");
    this.budgets = Objects.requireNonNull(budgets, "budgets");
    this.zone = Objects.requireNonNull(zone, "zone");
    this.retention = Objects.requireNonNull(retention, "retention");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Today's spend and the budgets' status.
   *
   * @return the report
   */
  @ReadOperation
  public Report report() {
    Instant now = clock.instant();
    Instant dayStart = now.atZone(zone).toLocalDate().atStartOfDay(zone).toInstant();
    Instant kept = now.minus(retention);
    Instant from = dayStart.isBefore(kept) ? kept : dayStart;
    // The ledger's end is exclusive: include calls that started in the current millisecond.
    Instant to = now.plusMillis(1);
    return new Report(
        from.toString(),
        now.toString(),
        "USD",
        plain(ledger.total(from, to)),
        totals(CostLedger.Dimension.TENANT, from, to),
        totals(CostLedger.Dimension.AGENT, from, to),
        totals(CostLedger.Dimension.MODEL, from, to),
        budgets.get());
  }

  private Map<String, String> totals(CostLedger.Dimension dimension, Instant from, Instant to) {
    Map<String, String> result = new LinkedHashMap<>();
    ledger.totals(dimension, from, to).forEach((k, v) -> result.put(k, plain(v)));
    return result;
  }

  private static String plain(BigDecimal usd) {
    return usd.signum() == 0 ? "0" : usd.stripTrailingZeros().toPlainString();
  }

  /**
   * Spend in the reporting period.
   *
   * @param periodStart the first instant counted (ISO-8601)
   * @param periodEnd now (ISO-8601)
   * @param currency {@code USD}
   * @param total the total, in USD, exact
   * @param byTenant USD by tenant (the attribution tenant key's value; {@code (none)} when absent), largest first
   * @param byAgent USD by nearest agent, largest first
   * @param byModel USD by response model (else request model), largest first
   * @param budgets every budget account LockN tracks, by budget then scope
   */
  public record Report(
      String periodStart,
      String periodEnd,
      String currency,
      String total,
      Map<String, String> byTenant,
      Map<String, String> byAgent,
      Map<String, String> byModel,
      List<BudgetReport> budgets) {}

  /**
   * One budget account now. Amounts are in the budget's unit: exact USD decimals, or whole tokens.
   *
   * @param name the budget's name
   * @param scope {@code global} or {@code key=value}, for example {@code app.tenant_id=acme}
   * @param unit {@code usd} or {@code tokens}
   * @param limit the limit
   * @param spent what ended calls spent in the period
   * @param reserved what calls in flight reserved
   * @param remaining {@code max(0, limit - spent - reserved)}
   * @param percent {@code (spent + reserved) / limit} in percent, two decimals ({@code 100.00} for a zero limit)
   * @param action the strongest threshold reached by {@code spent + reserved}: {@code none}, {@code alert}, {@code
   *     throttle} or {@code block} (further calls are refused)
   * @param periodStart the period's first instant (ISO-8601)
   * @param periodEnd the first instant after the period (ISO-8601)
   */
  public record BudgetReport(
      String name,
      String scope,
      String unit,
      String limit,
      String spent,
      String reserved,
      String remaining,
      String percent,
      String action,
      String periodStart,
      String periodEnd) {}

  @Override
  public String toString() {
    return "LockNEndpoint{zone=" + zone + "}";
  }
}
