package io.lockn.springai.autoconfigure;

import io.lockn.budget.ApprovalPolicy;
import io.lockn.budget.Budget;
import io.lockn.budget.BudgetListener;
import io.lockn.budget.Budgets;
import io.lockn.budget.Period;
import io.lockn.budget.Scope;
import io.lockn.pricing.PriceCatalog;
import io.opentelemetry.api.metrics.MeterProvider;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Builds {@link Budgets} from {@code lockn.budgets.*}. Loaded only when {@code lockn-budget} is on the classpath. The
 * properties were validated already; a builder exception that still escapes (a file budget with the same name as an
 * item, say) is reported with the property it came from.
 */
final class BudgetsFromProperties {

  private BudgetsFromProperties() {}

  static Budgets create(
      LockNProperties.Budgets properties,
      PriceCatalog catalog,
      MeterProvider meterProvider,
      List<BudgetListener> listeners,
      @Nullable ApprovalPolicy approvalPolicy) {
    Budgets.Builder builder = Budgets.builder(catalog).setMeterProvider(meterProvider);
    Path file = properties.getFile();
    if (file != null) {
      try {
        builder.addConfig(file);
      } catch (IllegalArgumentException | UncheckedIOException e) {
        // BudgetConfigException names the budget and the field inside the file.
        throw new InvalidConfigurationPropertyValueException("lockn.budgets.file", file, e.getMessage());
      }
    }
    List<LockNProperties.BudgetItem> items = properties.getItems();
    for (int i = 0; i < items.size(); i++) {
      LockNProperties.BudgetItem item = items.get(i);
      String property = "lockn.budgets.items[" + i + "]";
      try {
        builder.addBudget(budget(item));
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw new InvalidConfigurationPropertyValueException(property, item.getName(), e.getMessage());
      }
    }
    try {
      builder.addDowngrades(properties.getDowngrades());
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigurationPropertyValueException(
          "lockn.budgets.downgrades", properties.getDowngrades(), e.getMessage());
    }
    listeners.forEach(builder::addListener);
    if (approvalPolicy != null) {
      builder.setApprovalPolicy(approvalPolicy);
    }
    try {
      return builder.build();
    } catch (IllegalStateException e) {
      // An approval threshold without an ApprovalPolicy bean: only a budget file can set one.
      throw new InvalidConfigurationPropertyValueException("lockn.budgets.file", file, e.getMessage()
          + "; define an io.lockn.budget.ApprovalPolicy bean");
    }
  }

  static Budget budget(LockNProperties.BudgetItem item) {
    Budget.Builder b = Budget.builder(Objects.requireNonNull(item.getName(), "name"))
        .scope(scope(item.getScope()))
        .period(period(item));
    if (item.getLimitUsd() != null) {
      b.limitUsd(item.getLimitUsd());
    } else {
      b.limitTokens(Objects.requireNonNull(item.getLimitTokens(), "limit-tokens"));
    }
    item.getAlertAt().forEach(b::alertAt);
    if (item.getThrottleAt() != null) {
      b.throttleAt(item.getThrottleAt());
    }
    return b.blockAt(item.getBlockAt()).build();
  }

  /** A scope expression, as in LockN's budget files: global, each KEY, KEY=VALUE, with agent and model special. */
  static Scope scope(String expression) {
    String s = expression.trim();
    if (s.equals("global")) {
      return Scope.global();
    }
    if (s.startsWith("each ")) {
      String key = s.substring("each ".length()).trim();
      return switch (key) {
        case "agent" -> Scope.eachAgent();
        case "model" -> Scope.eachModel();
        default -> Scope.each(key);
      };
    }
    int eq = s.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException("scope: " + LockNProperties.scopeProblem(expression));
    }
    String key = s.substring(0, eq).trim();
    String value = s.substring(eq + 1).trim();
    return switch (key) {
      case "agent" -> Scope.agent(value);
      case "model" -> Scope.model(value);
      default -> Scope.attribute(key, value);
    };
  }

  private static Period period(LockNProperties.BudgetItem item) {
    String period = Objects.requireNonNull(item.getPeriod(), "period").trim().toLowerCase(Locale.ROOT);
    ZoneId zone = item.getZone() != null ? item.getZone() : ZoneOffset.UTC;
    return switch (period) {
      case "day" -> Period.day(zone);
      case "week" -> Period.week(zone);
      case "month" -> Period.month(zone);
      case "rolling" -> Period.rolling(Objects.requireNonNull(item.getWindow(), "window"));
      case "per-call" -> Period.perCall();
      case "per-trace" -> item.getIdle() == null ? Period.perTrace() : Period.perTrace(item.getIdle());
      default -> throw new IllegalArgumentException("period: unknown period " + item.getPeriod());
    };
  }
}
