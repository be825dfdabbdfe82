package io.lockn.springai.autoconfigure;

import io.lockn.budget.Action;
import io.lockn.budget.Budget;
import io.lockn.budget.BudgetStatus;
import io.lockn.budget.BudgetUnit;
import io.lockn.budget.Budgets;
import io.lockn.budget.Threshold;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;

/**
 * The endpoint's view of {@link Budgets#status()}. Loaded only when {@code lockn-budget} is on the classpath, so that
 * {@link LockNEndpoint} itself does not depend on it.
 */
final class BudgetReports implements Supplier<List<LockNEndpoint.BudgetReport>> {

  private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

  private final ObjectProvider<Budgets> budgets;

  BudgetReports(ObjectProvider<Budgets> budgets) {
    this.budgets = budgets;
  }

  @Override
  public List<LockNEndpoint.BudgetReport> get() {
    Budgets b = budgets.getIfUnique();
    return b == null ? List.of() : reports(b);
  }

  static List<LockNEndpoint.BudgetReport> reports(Budgets budgets) {
    Map<String, Budget> byName = new HashMap<>();
    budgets.budgets().forEach(b -> byName.put(b.name(), b));
    List<LockNEndpoint.BudgetReport> result = new ArrayList<>();
    for (BudgetStatus s : budgets.status()) {
      result.add(report(s, byName.get(s.budget())));
    }
    return result;
  }

  static LockNEndpoint.BudgetReport report(BudgetStatus s, @Nullable Budget budget) {
    long used = saturatedAdd(s.spent(), s.reserved());
    return new LockNEndpoint.BudgetReport(
        s.budget(),
        s.scope(),
        s.unit().name().toLowerCase(Locale.ROOT),
        amount(s.unit(), s.limit()),
        amount(s.unit(), s.spent()),
        amount(s.unit(), s.reserved()),
        amount(s.unit(), s.remaining()),
        percent(used, s.limit()),
        action(budget, used),
        s.periodStart().toString(),
        s.periodEnd().toString());
  }

  private static String amount(BudgetUnit unit, long amount) {
    if (unit == BudgetUnit.TOKENS) {
      return Long.toString(amount);
    }
    return amount == 0 ? "0" : BigDecimal.valueOf(amount, 9).stripTrailingZeros().toPlainString();
  }

  private static String percent(long used, long limit) {
    if (limit <= 0) {
      return "100.00";
    }
    return BigDecimal.valueOf(used).multiply(HUNDRED).divide(BigDecimal.valueOf(limit), 2, RoundingMode.HALF_UP)
        .toPlainString();
  }

  /** The strongest action among the thresholds {@code used} has reached. */
  private static String action(@Nullable Budget budget, long used) {
    if (budget == null) {
      return "none";
    }
    Action strongest = null;
    for (Threshold t : budget.thresholds()) {
      if (used >= t.amountOf(budget.limit()) && (strongest == null || t.action().compareTo(strongest) > 0)) {
        strongest = t.action();
      }
    }
    return strongest == null ? "none" : strongest.name().toLowerCase(Locale.ROOT);
  }

  private static long saturatedAdd(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
  }
}
