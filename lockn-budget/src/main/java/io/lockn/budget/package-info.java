/**
 * Budgets that act before money is spent: {@link io.lockn.budget.Budgets} is a {@link
 * io.lockn.core.spi.CallAdmission} that estimates each model call's maximum cost from the {@link
 * io.lockn.pricing.PriceCatalog}, reserves it atomically in a {@link io.lockn.budget.BudgetLedger} on every matching
 * {@link io.lockn.budget.Budget}, alerts, throttles to a cheaper model or blocks with a {@link
 * io.lockn.core.BudgetExceededException}, and reconciles the reservation with the actual cost when the call ends.
 *
 * <pre>{@code
 * Budgets budgets = Budgets.builder(PriceCatalog.bundled())
 *     .addBudget(Budget.builder("tenant-monthly")
 *         .scope(Scope.each(AttributionKeys.DEFAULT_TENANT_KEY))   // every tenant gets its own account
 *         .limitUsd(new BigDecimal("100"))
 *         .period(Period.month(ZoneId.of("Europe/Paris")))
 *         .alertAt(80).throttleAt(90).blockAt(100)
 *         .build())
 *     .addDowngrade("gpt-4o", "gpt-4o-mini")
 *     .addListener(alert -> log.warn("{}", alert))
 *     .build();
 * LockN lockn = LockN.builder().setOpenTelemetry(otel).setCallAdmission(budgets).build();
 * }</pre>
 *
 * <p>Calls above an approval threshold go to an {@link io.lockn.budget.ApprovalPolicy} (approve, deny, or decide
 * later within a timeout); day, week and month accounts have a linear and an EWMA period-end {@link
 * io.lockn.budget.BudgetForecast}; budgets, downgrades and approval settings can also come from a JSON file ({@link
 * io.lockn.budget.Budgets.Builder#addConfig}). Configuration of any kind (that file, Spring properties, code) describes
 * a budget as a {@link io.lockn.budget.BudgetSpec}, with {@link io.lockn.budget.Scope#parse} and {@link
 * io.lockn.budget.Period#parse} for the scope and the period: one set of rules and messages.
 */
@NullMarked
package io.lockn.budget;

import org.jspecify.annotations.NullMarked;
