package io.lockn.budget;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * What a budget did to one account, as {@link BudgetListener}s receive it. Amounts are in the budget's unit.
 *
 * @param budget the budget's name
 * @param scope the account's scope, {@code global} or {@code key=value}
 * @param action what happened
 * @param threshold the threshold that was reached, or {@code null} for a block by a per-call budget without one
 * @param unit the unit of the amounts
 * @param limit the budget's limit
 * @param used spent plus reserved in the account, including the call's reservation when it was granted
 * @param requested the call's estimated maximum
 * @param requestModel the model the call requested
 * @param admittedModel the model the call was admitted with (the request model unless throttled)
 * @param periodStart the start of the account's period
 * @param periodEnd the end of the account's period
 */
public record BudgetEvent(
    String budget,
    String scope,
    Action action,
    @Nullable Threshold threshold,
    BudgetUnit unit,
    long limit,
    long used,
    long requested,
    String requestModel,
    String admittedModel,
    Instant periodStart,
    Instant periodEnd) {}
