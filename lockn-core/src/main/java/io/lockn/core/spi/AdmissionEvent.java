package io.lockn.core.spi;

import io.lockn.core.BudgetExceededException;
import io.lockn.core.LockNAttributes;
import io.opentelemetry.api.common.Attributes;
import java.util.Locale;
import java.util.Objects;

/**
 * A span event an {@link Admission} asks LockN to add to the call's span, for example a budget alert or throttle.
 *
 * @param name the event's name, for example {@code lockn.budget.alert}
 * @param attributes the event's attributes
 */
public record AdmissionEvent(String name, Attributes attributes) {

  /**
   * Creates an event.
   *
   * @param name the name
   * @param attributes the attributes
   */
  public AdmissionEvent {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(attributes, "attributes");
  }

  /**
   * The {@code lockn.budget.exceeded} event of a blocked call, which LockN records on the call's span (or its nearest
   * recording ancestor) and an adapter that admits calls itself records the same way: the budget's name, the scope,
   * the unit ({@code nano_usd} or {@code tokens}), the limit, what was spent and reserved, and what the call asked
   * for. The exception's own {@link BudgetExceededException#spanAttributes()} go on the span beside it.
   *
   * @param blocked the block
   * @return the event
   */
  public static AdmissionEvent blocked(BudgetExceededException blocked) {
    return new AdmissionEvent(LockNAttributes.BUDGET_EXCEEDED_EVENT, Attributes.builder()
        .put(LockNAttributes.BUDGET_NAME, blocked.budgetName())
        .put(LockNAttributes.BUDGET_SCOPE, blocked.scope())
        .put(LockNAttributes.BUDGET_UNIT, blocked.unit().name().toLowerCase(Locale.ROOT))
        .put(LockNAttributes.BUDGET_LIMIT, blocked.limit())
        .put(LockNAttributes.BUDGET_SPENT, blocked.spent())
        .put(LockNAttributes.BUDGET_REQUESTED, blocked.requested())
        .build());
  }
}
