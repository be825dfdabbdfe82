package io.lockn.budget;

import java.time.Instant;

/**
 * One account's balances now, for reports and status endpoints. Amounts are in the budget's unit: nano-USD or tokens.
 *
 * @param budget the budget's name
 * @param scope the account's scope, {@code global} or {@code key=value}
 * @param unit the unit
 * @param limit the budget's limit
 * @param spent what calls that ended spent in the period
 * @param reserved what calls in flight have reserved
 * @param remaining {@code max(0, limit - spent - reserved)}
 * @param periodStart the period's first instant
 * @param periodEnd the first instant after the period
 */
public record BudgetStatus(
    String budget,
    String scope,
    BudgetUnit unit,
    long limit,
    long spent,
    long reserved,
    long remaining,
    Instant periodStart,
    Instant periodEnd) {}
