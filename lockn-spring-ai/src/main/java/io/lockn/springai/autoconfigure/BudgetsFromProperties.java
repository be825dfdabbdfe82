package io.lockn.springai.autoconfigure;

import io.lockn.budget.Action;
import io.lockn.budget.ApprovalPolicy;
import io.lockn.budget.Budget;
import io.lockn.budget.BudgetConfigException;
import io.lockn.budget.BudgetListener;
import io.lockn.budget.BudgetSpec;
import io.lockn.budget.Budgets;
import io.lockn.pricing.PriceCatalog;
import io.opentelemetry.api.metrics.MeterProvider;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Builds {@link Budgets} from {@code lockn.budgets.*}. Loaded only when {@code lockn-budget} is on the classpath.
 *
 * <p>The properties are not checked when they are bound: each item goes through {@link BudgetSpec}, lockn-budget's one
 * home of the budget rules (the budget file goes through it too), and a problem fails start-up as an {@link
 * InvalidConfigurationPropertyValueException} that names the item's property ({@code lockn.budgets.items[0].scope})
 * with the message a budget file gets for the same mistake.
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
      Budget budget = budget(item, property);
      try {
        builder.addBudget(budget);
      } catch (IllegalArgumentException e) {
        // The name of an earlier item or of a budget in the file.
        throw new InvalidConfigurationPropertyValueException(property + ".name", item.getName(), e.getMessage());
      }
    }
    outputReserve(properties.getOutputReserve(), builder);
    for (Map.Entry<String, String> e : properties.getDowngrades().entrySet()) {
      try {
        builder.addDowngrade(e.getKey(), Objects.toString(e.getValue(), ""));
      } catch (IllegalArgumentException ex) {
        throw new InvalidConfigurationPropertyValueException(
            "lockn.budgets.downgrades[" + e.getKey() + "]", e.getValue(), ex.getMessage());
      }
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

  /** {@code lockn.budgets.output-reserve.*}, checked by lockn-budget's rules and named by property. */
  private static void outputReserve(LockNProperties.OutputReserve reserve, Budgets.Builder builder) {
    Long tokens = reserve.getTokens();
    if (tokens != null) {
      try {
        builder.setOutputReserve(tokens);
      } catch (BudgetConfigException e) {
        throw new InvalidConfigurationPropertyValueException("lockn.budgets.output-reserve.tokens", tokens,
            e.problem());
      }
    }
    for (Map.Entry<String, Long> e : reserve.getModels().entrySet()) {
      String property = "lockn.budgets.output-reserve.models[" + e.getKey() + "]";
      if (e.getValue() == null) {
        throw new InvalidConfigurationPropertyValueException(property, null, "is required");
      }
      try {
        builder.addOutputReserve(e.getKey(), e.getValue());
      } catch (BudgetConfigException ex) {
        throw new InvalidConfigurationPropertyValueException(property, e.getValue(), ex.problem());
      }
    }
  }

  /**
   * The budget of one item.
   *
   * @param property the item's property, {@code lockn.budgets.items[i]}
   * @throws InvalidConfigurationPropertyValueException naming the item's invalid property
   */
  static Budget budget(LockNProperties.BudgetItem item, String property) {
    Long tokens = item.getLimitTokens();
    BudgetSpec spec = BudgetSpec.named(item.getName())
        .scope(item.getScope())
        .limitUsd(item.getLimitUsd())
        .limitTokens(tokens == null ? null : BigDecimal.valueOf(tokens))
        .period(item.getPeriod())
        .zone(item.getZone())
        .defaultZone(ZoneOffset.UTC)
        .window(item.getWindow())
        .idle(item.getIdle())
        .maxReservationPercent(item.getMaxReservationPercent())
        .origin(property);
    // The property of each threshold, in the order they are added: spec field thresholds[i] is thresholds.get(i).
    List<Property> thresholds = new ArrayList<>();
    List<Integer> alertAt = item.getAlertAt();
    for (int j = 0; j < alertAt.size(); j++) {
      spec.threshold(percent(alertAt.get(j)), Action.ALERT);
      thresholds.add(new Property("alert-at[" + j + "]", alertAt.get(j)));
    }
    if (item.getThrottleAt() != null) {
      spec.threshold(percent(item.getThrottleAt()), Action.THROTTLE);
      thresholds.add(new Property("throttle-at", item.getThrottleAt()));
    }
    spec.threshold(percent(item.getBlockAt()), Action.BLOCK);
    thresholds.add(new Property("block-at", item.getBlockAt()));
    try {
      return spec.toBudget();
    } catch (BudgetConfigException e) {
      Property p = property(item, e.field(), thresholds);
      throw new InvalidConfigurationPropertyValueException(property + "." + p.name(), p.value(), e.problem());
    }
  }

  private static @Nullable BigDecimal percent(@Nullable Integer percent) {
    return percent == null ? null : BigDecimal.valueOf(percent);
  }

  /** A property of an item, relative to {@code lockn.budgets.items[i]}, and its value. */
  private record Property(String name, @Nullable Object value) {}

  /** The item's property of a {@link BudgetSpec} field. */
  private static Property property(
      LockNProperties.BudgetItem item, @Nullable String field, List<Property> thresholds) {
    if (field != null && field.startsWith("thresholds[")) {
      return thresholds.get(Integer.parseInt(field.substring("thresholds[".length(), field.length() - 1)));
    }
    return switch (String.valueOf(field)) {
      case "name" -> new Property("name", item.getName());
      case "scope" -> new Property("scope", item.getScope());
      case "limit-usd" -> new Property("limit-usd", item.getLimitUsd());
      case "limit-tokens" -> new Property("limit-tokens", item.getLimitTokens());
      case "period" -> new Property("period", item.getPeriod());
      case "period.zone" -> new Property("zone", item.getZone());
      case "period.window" -> new Property("window", item.getWindow());
      case "period.idle" -> new Property("idle", item.getIdle());
      case "max-reservation-percent" -> new Property("max-reservation-percent", item.getMaxReservationPercent());
      // Only alert-at lists several thresholds of one action, so only it can repeat one.
      case "thresholds" -> new Property("alert-at", item.getAlertAt());
      default -> new Property(String.valueOf(field), null);
    };
  }
}
