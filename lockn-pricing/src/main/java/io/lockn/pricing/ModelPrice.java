package io.lockn.pricing;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One catalog entry: the prices of one model at one provider over time, with the ids it is known by. Immutable.
 */
public final class ModelPrice {

  private final String provider;
  private final String model;
  private final List<String> aliases;
  private final String mode;
  private final @Nullable Long contextWindow;
  private final @Nullable Long maxOutputTokens;
  private final @Nullable String source;
  private final @Nullable LocalDate checked;
  private final List<PricePeriod> periods;
  private final Map<String, BigDecimal> serviceTiers;
  private final Map<String, BigDecimal> regions;
  // Built once: the cost of every call names its entry, and of its price period when the entry has history.
  private final String id;
  private final String[] periodIds;

  private ModelPrice(Builder b) {
    this.provider = b.provider;
    this.model = b.model;
    this.aliases = List.copyOf(b.aliases);
    this.mode = b.mode;
    this.contextWindow = b.contextWindow;
    this.maxOutputTokens = b.maxOutputTokens;
    this.source = b.source;
    this.checked = b.checked;
    List<PricePeriod> sorted = new ArrayList<>(b.periods);
    sorted.sort(Comparator.comparing(p -> p.effectiveFrom() == null ? Long.MIN_VALUE : p.effectiveFrom().toEpochMilli()));
    this.periods = List.copyOf(sorted);
    this.serviceTiers = Map.copyOf(b.serviceTiers);
    this.regions = Map.copyOf(b.regions);
    this.id = provider + "/" + model;
    this.periodIds = new String[periods.size()];
    for (int i = 0; i < periodIds.length; i++) {
      periodIds[i] = periodId(periods.get(i));
    }
  }

  /**
   * A builder for an entry.
   *
   * @param provider the {@code gen_ai.provider.name}, e.g. {@code openai}
   * @param model the model id, e.g. {@code gpt-4o}
   * @return the builder
   */
  public static Builder builder(String provider, String model) {
    return new Builder(provider, model);
  }

  /**
   * A builder starting from this entry.
   *
   * @return the builder
   */
  public Builder toBuilder() {
    Builder b = new Builder(provider, model);
    b.aliases.addAll(aliases);
    b.mode = mode;
    b.contextWindow = contextWindow;
    b.maxOutputTokens = maxOutputTokens;
    b.source = source;
    b.checked = checked;
    b.periods.addAll(periods);
    b.serviceTiers.putAll(serviceTiers);
    b.regions.putAll(regions);
    return b;
  }

  /**
   * The provider.
   *
   * @return the {@code gen_ai.provider.name}
   */
  public String provider() {
    return provider;
  }

  /**
   * The model id.
   *
   * @return the id
   */
  public String model() {
    return model;
  }

  /**
   * {@code provider/model}.
   *
   * @return the entry id
   */
  public String id() {
    return id;
  }

  /**
   * The pricing id of one of this entry's periods: the entry id, followed by {@code @} and the period's first day
   * (UTC) when the period has a start; built once per period.
   */
  String pricingId(PricePeriod period) {
    for (int i = 0; i < periodIds.length; i++) {
      if (periods.get(i) == period) {
        return periodIds[i];
      }
    }
    return periodId(period);
  }

  private String periodId(PricePeriod period) {
    Instant from = period.effectiveFrom();
    return from == null ? id : id + '@' + from.atZone(ZoneOffset.UTC).toLocalDate();
  }

  /**
   * Other ids of the same model at the same provider, such as dated snapshots that share its price.
   *
   * @return the aliases
   */
  public List<String> aliases() {
    return aliases;
  }

  /**
   * {@code chat}, {@code embedding} or another mode.
   *
   * @return the mode
   */
  public String mode() {
    return mode;
  }

  /**
   * The maximum context window in tokens, if known.
   *
   * @return the window, or {@code null}
   */
  public @Nullable Long contextWindow() {
    return contextWindow;
  }

  /**
   * The most output tokens one response of the model can have, as its provider publishes it (catalog field {@code
   * max_output_tokens}): what a budget reserves for a call that sets no {@code max_tokens}. For a provider that
   * publishes only a context window (output may fill it), the context window.
   *
   * @return the limit, or {@code null} when unknown or not applicable (embeddings)
   */
  public @Nullable Long maxOutputTokens() {
    return maxOutputTokens;
  }

  /**
   * Where the prices come from.
   *
   * @return the source URL, or {@code null}
   */
  public @Nullable String source() {
    return source;
  }

  /**
   * When the prices were last checked against the source.
   *
   * @return the date, or {@code null}
   */
  public @Nullable LocalDate checked() {
    return checked;
  }

  /**
   * The price periods, oldest first.
   *
   * @return the periods
   */
  public List<PricePeriod> periods() {
    return periods;
  }

  /**
   * Multipliers by service tier ({@code batch}, {@code flex}, {@code priority}), beside the provider's defaults.
   *
   * @return the multipliers
   */
  public Map<String, BigDecimal> serviceTiers() {
    return serviceTiers;
  }

  /**
   * Multipliers by region or inference profile ({@code eu}, {@code us}, {@code global}).
   *
   * @return the multipliers
   */
  public Map<String, BigDecimal> regions() {
    return regions;
  }

  /**
   * The prices in force at an instant.
   *
   * @param epochMillis the instant
   * @return the period, or {@code null} if no price was in force then
   */
  public @Nullable PricePeriod periodAt(long epochMillis) {
    for (int i = periods.size() - 1; i >= 0; i--) {
      PricePeriod p = periods.get(i);
      if (p.appliesAt(epochMillis)) {
        return p;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return "ModelPrice{" + id() + ", " + periods.size() + " period(s)}";
  }

  /** Builds a {@link ModelPrice}; fails fast on invalid values. Not thread-safe. */
  public static final class Builder {
    private final String provider;
    private final String model;
    private final List<String> aliases = new ArrayList<>();
    private String mode = "chat";
    private @Nullable Long contextWindow;
    private @Nullable Long maxOutputTokens;
    private @Nullable String source;
    private @Nullable LocalDate checked;
    private final List<PricePeriod> periods = new ArrayList<>();
    private final Map<String, BigDecimal> serviceTiers = new LinkedHashMap<>();
    private final Map<String, BigDecimal> regions = new LinkedHashMap<>();

    private Builder(String provider, String model) {
      this.provider = requireId(provider, "provider");
      this.model = requireId(model, "model");
    }

    /**
     * Adds an alias.
     *
     * @param alias another id of the model
     * @return this builder
     */
    public Builder addAlias(String alias) {
      aliases.add(requireId(alias, "alias"));
      return this;
    }

    /**
     * Sets the mode.
     *
     * @param mode {@code chat}, {@code embedding}, ...
     * @return this builder
     */
    public Builder setMode(String mode) {
      this.mode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /**
     * Sets the context window.
     *
     * @param tokens the maximum context in tokens
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder setContextWindow(long tokens) {
      if (tokens <= 0) {
        throw new IllegalArgumentException("context_window <= 0");
      }
      this.contextWindow = tokens;
      return this;
    }

    /**
     * Sets the most output tokens one response can have ({@link ModelPrice#maxOutputTokens()}).
     *
     * @param tokens the limit in tokens
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder setMaxOutputTokens(long tokens) {
      if (tokens <= 0) {
        throw new IllegalArgumentException("max_output_tokens <= 0");
      }
      this.maxOutputTokens = tokens;
      return this;
    }

    /**
     * Sets the source and the date it was checked.
     *
     * @param source the source URL
     * @param checked the date, or {@code null}
     * @return this builder
     */
    public Builder setSource(String source, @Nullable LocalDate checked) {
      this.source = Objects.requireNonNull(source, "source");
      this.checked = checked;
      return this;
    }

    /**
     * Adds a price period.
     *
     * @param period the period
     * @return this builder
     * @throws IllegalArgumentException if it overlaps a period already added
     */
    public Builder addPeriod(PricePeriod period) {
      Objects.requireNonNull(period, "period");
      for (PricePeriod other : periods) {
        if (overlap(period, other)) {
          throw new IllegalArgumentException(
              "price periods overlap: " + describe(period) + " and " + describe(other));
        }
      }
      periods.add(period);
      return this;
    }

    /**
     * Adds prices in force at all times.
     *
     * @param rates the rates
     * @return this builder
     */
    public Builder addPrices(Rates rates) {
      return addPeriod(new PricePeriod(null, null, rates, List.of()));
    }

    /**
     * Sets a service-tier multiplier.
     *
     * @param tier {@code batch}, {@code flex}, {@code priority}, ...
     * @param multiplier e.g. {@code 0.5}
     * @return this builder
     */
    public Builder putServiceTier(String tier, BigDecimal multiplier) {
      serviceTiers.put(tier.toLowerCase(Locale.ROOT), positive(multiplier, "service tier " + tier));
      return this;
    }

    /**
     * Sets a regional multiplier.
     *
     * @param region {@code eu}, {@code us}, {@code global}, ...
     * @param multiplier e.g. {@code 1.1}
     * @return this builder
     */
    public Builder putRegion(String region, BigDecimal multiplier) {
      regions.put(region.toLowerCase(Locale.ROOT), positive(multiplier, "region " + region));
      return this;
    }

    /**
     * Builds the entry.
     *
     * @return the entry
     * @throws IllegalStateException if it has no prices
     */
    public ModelPrice build() {
      if (periods.isEmpty()) {
        throw new IllegalStateException(provider + "/" + model + " has no prices");
      }
      return new ModelPrice(this);
    }

    private static boolean overlap(PricePeriod a, PricePeriod b) {
      long aFrom = a.effectiveFrom() == null ? Long.MIN_VALUE : a.effectiveFrom().toEpochMilli();
      long aTo = a.effectiveTo() == null ? Long.MAX_VALUE : a.effectiveTo().toEpochMilli();
      long bFrom = b.effectiveFrom() == null ? Long.MIN_VALUE : b.effectiveFrom().toEpochMilli();
      long bTo = b.effectiveTo() == null ? Long.MAX_VALUE : b.effectiveTo().toEpochMilli();
      return aFrom < bTo && bFrom < aTo;
    }

    private static String describe(PricePeriod p) {
      return "[" + (p.effectiveFrom() == null ? "-" : p.effectiveFrom()) + ", "
          + (p.effectiveTo() == null ? "-" : p.effectiveTo()) + ")";
    }

    private static BigDecimal positive(BigDecimal multiplier, String what) {
      Objects.requireNonNull(multiplier, what);
      if (multiplier.signum() <= 0) {
        throw new IllegalArgumentException(what + " multiplier <= 0");
      }
      return multiplier;
    }

    private static String requireId(String id, String what) {
      Objects.requireNonNull(id, what);
      if (id.isBlank()) {
        throw new IllegalArgumentException(what + " is blank");
      }
      return id.strip();
    }
  }
}
