package io.lockn.pricing;

import io.lockn.core.CallCost;
import io.lockn.core.TokenUsage;
import io.lockn.core.spi.EndedCall;
import io.lockn.core.spi.UsageLogger;
import io.lockn.pricing.internal.Decimals;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.zip.GZIPInputStream;
import org.jspecify.annotations.Nullable;

/**
 * Model prices, and the cost of a model call computed from them.
 *
 * <pre>{@code
 * PriceCatalog catalog = PriceCatalog.bundled();                       // the catalog in the jar
 * PriceCatalog mine = PriceCatalog.builder()
 *     .addAll(PriceCatalog.bundled())
 *     .addLiteLlm(Path.of("model_prices_and_context_window.json"))     // newest community prices
 *     .addJson(Path.of("negotiated.json"))                             // your own entries win
 *     .alias("azure.ai.openai", "prod-gpt4o-eu", "gpt-4o", "eu")       // a deployment name
 *     .discount("openai", null, new BigDecimal("15"))                  // 15% off list
 *     .build();
 * Cost cost = mine.cost("openai", "gpt-4o-2024-08-06", usage, Instant.now(), null);
 * }</pre>
 *
 * <p>Entries added later replace earlier entries with the same provider and model. A catalog is immutable and
 * thread-safe; {@link #cost} allocates only the returned {@link Cost} once a model id has been resolved, and never
 * throws: anything it cannot price is {@link Cost#UNPRICED}.
 */
public final class PriceCatalog {

  /** The classpath location of the bundled catalog. */
  public static final String BUNDLED_RESOURCE = "/io/lockn/pricing/catalog.json";

  private static volatile @Nullable PriceCatalog bundled;

  private final List<ModelPrice> entries;
  // Entries that repeat another provider's prices (same_as): not used to answer ids reported under other providers.
  private final java.util.Set<String> derived;
  private final Map<String, Map<String, BigDecimal>> providerServiceTiers;
  private final Map<String, Map<String, BigDecimal>> providerRegions;
  private final ModelResolver resolver;

  private PriceCatalog(Builder b) {
    this.entries = List.copyOf(b.entries.values());
    this.derived = java.util.Set.copyOf(b.derived);
    this.providerServiceTiers = Map.copyOf(b.providerServiceTiers);
    this.providerRegions = Map.copyOf(b.providerRegions);
    Map<String, Map<String, ModelPrice>> byProvider = new LinkedHashMap<>();
    Map<String, ModelPrice> anyProvider = new LinkedHashMap<>();
    for (ModelPrice e : entries) {
      Map<String, ModelPrice> ids = byProvider.computeIfAbsent(lower(e.provider()), p -> new LinkedHashMap<>());
      ids.put(lower(e.model()), e);
      for (String alias : e.aliases()) {
        ids.putIfAbsent(lower(alias), e);
      }
    }
    // First-party entries (those that define prices, not those that repeat another provider's) answer ids reported
    // under an unexpected provider; the first defined wins.
    for (ModelPrice e : entries) {
      if (!derived.contains(e.id())) {
        anyProvider.putIfAbsent(lower(e.model()), e);
        for (String alias : e.aliases()) {
          anyProvider.putIfAbsent(lower(alias), e);
        }
      }
    }
    this.resolver =
        new ModelResolver(byProvider, anyProvider, copyAliases(b.aliases), Map.copyOf(b.discounts), providerRegions);
  }

  /**
   * The catalog bundled in the jar ({@value #BUNDLED_RESOURCE}), loaded once.
   *
   * @return the bundled catalog
   */
  public static PriceCatalog bundled() {
    PriceCatalog c = bundled;
    if (c == null) {
      synchronized (PriceCatalog.class) {
        c = bundled;
        if (c == null) {
          c = builder().addClasspath(BUNDLED_RESOURCE).build();
          bundled = c;
        }
      }
    }
    return c;
  }

  /**
   * An empty builder.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The {@code gen_ai.provider.name} for other spellings of a provider: deprecated {@code gen_ai.system} values and
   * gateway names ({@code azure}, {@code bedrock}, {@code vertex_ai}, {@code gemini}, {@code mistral}, ...); lower
   * case; unknown names are returned lower-cased.
   *
   * @param provider the provider as reported, or {@code null}
   * @return the canonical name, or {@code ""}
   */
  public static String canonicalProvider(@Nullable String provider) {
    return ModelResolver.canonicalProvider(provider);
  }

  /**
   * Every entry.
   *
   * @return the entries, in the order they were added
   */
  public List<ModelPrice> entries() {
    return entries;
  }

  /**
   * Resolves a model id as a client reports it.
   *
   * @param provider {@code gen_ai.provider.name} (or {@code gen_ai.system})
   * @param model the request or response model
   * @return the match, or {@code null} when the model is unpriced
   */
  public @Nullable ModelMatch resolve(String provider, String model) {
    try {
      return resolver.resolve(provider == null ? "" : provider, model == null ? "" : model);
    } catch (RuntimeException e) {
      UsageLogger.failed("resolving " + provider + "/" + model, e);
      return null;
    }
  }

  /**
   * The cost of a model call.
   *
   * @param provider {@code gen_ai.provider.name}
   * @param model the model id, preferably the response model
   * @param usage the call's usage
   * @param at when the call started; prices in force then apply
   * @param serviceTier {@code batch}, {@code flex}, {@code priority}, or {@code null} for standard
   * @return the cost, or {@link Cost#UNPRICED}
   */
  public Cost cost(String provider, String model, TokenUsage usage, Instant at, @Nullable String serviceTier) {
    long epochMillis;
    try {
      epochMillis = at.toEpochMilli();
    } catch (RuntimeException e) {
      UsageLogger.warn("cannot price a call dated " + at + "; it is unpriced");
      return Cost.UNPRICED;
    }
    return cost(provider, model, usage, epochMillis, serviceTier);
  }

  /**
   * The cost of a model call, with the time in epoch milliseconds.
   *
   * @param provider {@code gen_ai.provider.name}
   * @param model the model id
   * @param usage the call's usage
   * @param epochMillis when the call started
   * @param serviceTier the service tier, or {@code null}
   * @return the cost, or {@link Cost#UNPRICED}
   */
  public Cost cost(String provider, String model, TokenUsage usage, long epochMillis, @Nullable String serviceTier) {
    ModelMatch match = resolve(provider, model);
    if (match == null || usage == null) {
      return Cost.UNPRICED;
    }
    return cost(match, usage, epochMillis, serviceTier);
  }

  /**
   * The cost of a model call whose model is already resolved.
   *
   * @param match the resolved model
   * @param usage the usage
   * @param epochMillis when the call started
   * @param serviceTier the service tier, or {@code null}
   * @return the cost, or {@link Cost#UNPRICED} if no price was in force then
   */
  public Cost cost(ModelMatch match, TokenUsage usage, long epochMillis, @Nullable String serviceTier) {
    try {
      ModelPrice entry = match.entry();
      PricePeriod period = entry.periodAt(epochMillis);
      if (period == null) {
        return Cost.UNPRICED;
      }
      Rates r = period.ratesFor(usage.inputTokens());
      BigDecimal tier = serviceTier == null ? null : serviceTierMultiplier(entry, serviceTier);
      BigDecimal effective = times(match.multiplier(), tier);
      BigDecimal list = times(match.listMultiplier(), tier);
      long input = Decimals.costNanos(usage.uncachedInputTokens(), r.input(), effective);
      long output = Decimals.costNanos(usage.nonReasoningOutputTokens(), r.output(), effective);
      long cacheRead = Decimals.costNanos(usage.cacheReadTokens(), r.cacheRead(), effective);
      long cacheWrite =
          Decimals.add(
              Decimals.costNanos(usage.cacheWrite5mTokens(), r.cacheWrite5m(), effective),
              Decimals.costNanos(usage.cacheWrite1hTokens(), r.cacheWrite1h(), effective));
      long reasoning = Decimals.costNanos(usage.reasoningTokens(), r.reasoning(), effective);
      long listTotal = Objects.equals(effective, list) ? -1 : total(usage, r, list);
      return Cost.local(input, output, cacheRead, cacheWrite, reasoning, listTotal, pricingId(match, period));
    } catch (RuntimeException e) {
      UsageLogger.failed("pricing " + match.entry().id(), e);
      return Cost.UNPRICED;
    }
  }

  /**
   * The cost of one ended model call, by LockN's one rule set for pricing a call ({@link #priceCall}): what {@code
   * CostPipeline} charges LockN's own calls, and what a budget charges when no pricing is configured.
   *
   * @param call the call
   * @return the cost; {@link CallCost#notPriced()} when the call recorded no usage and no reported cost
   */
  public CallCost price(EndedCall call) {
    Cost cost = priceCall(call.provider(), call.responseModel(), call.admittedModel(),
        call.hasUsage() ? call.usage() : null, call.serviceTier(), call.reportedCostNanos(),
        Math.floorDiv(call.startEpochNanos(), 1_000_000L));
    return cost != null ? cost : CallCost.notPriced();
  }

  /**
   * The cost of one model call by LockN's one rule set, the same for LockN's own calls, for other instrumentations'
   * spans and for {@code lockn audit}:
   *
   * <ol>
   *   <li>a cost the provider reported with the response wins over the catalog;
   *   <li>else the model that answered ({@code gen_ai.response.model}), when the catalog knows it;
   *   <li>else the model the call was sent with: the request model, or the cheaper model a budget throttled the call
   *       to ({@code lockn.budget.admitted_model});
   * </ol>
   *
   * <p>at the prices in force when the call started, for its service tier, with the model's long-context tier chosen
   * by the input tokens and a regional or cross-region inference profile's multiplier taken from the model id.
   *
   * @param provider {@code gen_ai.provider.name}
   * @param responseModel the model that answered, or {@code null}
   * @param sentModel the model the call was sent with, or {@code null}
   * @param usage the usage, or {@code null} when the call recorded none
   * @param serviceTier the service tier, or {@code null}
   * @param reportedCostNanos a cost the provider reported, in nano-USD, or -1
   * @param epochMillis when the call started
   * @return the cost ({@link Cost#UNPRICED} when no price is known); {@code null} when there is nothing to price (no
   *     usage and no reported cost)
   */
  public @Nullable Cost priceCall(
      String provider,
      @Nullable String responseModel,
      @Nullable String sentModel,
      @Nullable TokenUsage usage,
      @Nullable String serviceTier,
      long reportedCostNanos,
      long epochMillis) {
    if (reportedCostNanos >= 0) {
      return Cost.providerReported(BigDecimal.valueOf(reportedCostNanos, 9), provider + "/reported");
    }
    if (usage == null) {
      return null;
    }
    String sent = sentModel == null || sentModel.isEmpty() ? null : sentModel;
    String model = responseModel != null && !responseModel.isEmpty() ? responseModel : sent;
    if (model == null) {
      return Cost.UNPRICED;
    }
    Cost cost = cost(provider, model, usage, epochMillis, serviceTier);
    if (!cost.isPriced() && sent != null && !sent.equals(model)) {
      // A response model the catalog does not know (a new snapshot, a deployment name) is priced as the model sent.
      cost = cost(provider, sent, usage, epochMillis, serviceTier);
    }
    return cost;
  }

  /**
   * What {@link #totalNanos} and {@link #maxCostNanos} return for a call that cannot be priced (never a cost: costs
   * are never negative).
   */
  public static final long UNPRICED_NANOS = -1;

  /**
   * The total of {@link #cost(String, String, TokenUsage, long, String)}, without building a {@link Cost}.
   *
   * @param provider {@code gen_ai.provider.name}
   * @param model the model id
   * @param usage the call's usage
   * @param epochMillis when the call started
   * @param serviceTier the service tier, or {@code null}
   * @return the total in nano-USD, or {@link #UNPRICED_NANOS} for an unknown model or no price in force
   */
  public long totalNanos(String provider, String model, TokenUsage usage, long epochMillis,
      @Nullable String serviceTier) {
    ModelMatch match = resolve(provider, model);
    return match == null || usage == null ? UNPRICED_NANOS : totalNanos(match, usage, epochMillis, serviceTier);
  }

  /**
   * The total of {@link #cost(ModelMatch, TokenUsage, long, String)}, without building a {@link Cost}: for hot paths
   * that need only the amount (budget reconciliation). Allocation-free unless a discount or service-tier multiplier
   * applies.
   *
   * @param match the resolved model
   * @param usage the usage
   * @param epochMillis when the call started
   * @param serviceTier the service tier, or {@code null}
   * @return the total in nano-USD, exactly {@code cost(match, usage, epochMillis, serviceTier).totalNanos()}, or
   *     {@link #UNPRICED_NANOS} if no price was in force then
   */
  public long totalNanos(ModelMatch match, TokenUsage usage, long epochMillis, @Nullable String serviceTier) {
    try {
      ModelPrice entry = match.entry();
      PricePeriod period = entry.periodAt(epochMillis);
      if (period == null) {
        return UNPRICED_NANOS;
      }
      Rates r = period.ratesFor(usage.inputTokens());
      BigDecimal tier = serviceTier == null ? null : serviceTierMultiplier(entry, serviceTier);
      return total(usage, r, times(match.multiplier(), tier));
    } catch (RuntimeException e) {
      UsageLogger.failed("pricing " + match.entry().id(), e);
      return UNPRICED_NANOS;
    }
  }

  /**
   * The most a call can cost before it is sent: every input token uncached, and {@code maxOutputTokens} priced at the
   * higher of the output and reasoning prices (a reasoning model may spend the whole output budget thinking). Budget
   * admission reserves this amount. It equals the larger of the costs of {@code TokenUsage.of(inputTokens,
   * maxOutputTokens)} and of the same usage with every output token reasoning, without building either.
   *
   * @param match the resolved model
   * @param inputTokens the estimated input tokens (negative counts as 0)
   * @param maxOutputTokens the output token limit (negative counts as 0)
   * @param epochMillis when the call starts
   * @return the upper bound in nano-USD, or {@link #UNPRICED_NANOS} if no price is in force then
   */
  public long maxCostNanos(ModelMatch match, long inputTokens, long maxOutputTokens, long epochMillis) {
    try {
      PricePeriod period = match.entry().periodAt(epochMillis);
      if (period == null) {
        return UNPRICED_NANOS;
      }
      long in = Math.max(0, inputTokens);
      long out = Math.max(0, maxOutputTokens);
      Rates r = period.ratesFor(in);
      BigDecimal effective = match.multiplier();
      long input = Decimals.costNanos(in, r.input(), effective);
      long asOutput = Decimals.costNanos(out, r.output(), effective);
      long asReasoning = Decimals.costNanos(out, r.reasoning(), effective);
      // Both costs share the input part; each is summed as Cost sums its parts.
      return Math.max(Cost.sum(input, asOutput, 0, 0, 0), Cost.sum(input, 0, 0, 0, asReasoning));
    } catch (RuntimeException e) {
      UsageLogger.failed("pricing " + match.entry().id(), e);
      return UNPRICED_NANOS;
    }
  }

  /**
   * A usage's total at these rates and multiplier: each part rounded as {@link Cost} rounds it, summed saturating
   * (non-negative parts, so the order of the additions does not matter).
   */
  private static long total(TokenUsage usage, Rates r, @Nullable BigDecimal multiplier) {
    return Cost.sum(
        Decimals.costNanos(usage.uncachedInputTokens(), r.input(), multiplier),
        Decimals.costNanos(usage.nonReasoningOutputTokens(), r.output(), multiplier),
        Decimals.costNanos(usage.cacheReadTokens(), r.cacheRead(), multiplier),
        Decimals.add(
            Decimals.costNanos(usage.cacheWrite5mTokens(), r.cacheWrite5m(), multiplier),
            Decimals.costNanos(usage.cacheWrite1hTokens(), r.cacheWrite1h(), multiplier)),
        Decimals.costNanos(usage.reasoningTokens(), r.reasoning(), multiplier));
  }

  /** A multiplier times a service tier's, either possibly absent ({@code null}: 1). */
  private static @Nullable BigDecimal times(@Nullable BigDecimal multiplier, @Nullable BigDecimal tier) {
    return tier == null ? multiplier : multiplier == null ? tier : multiplier.multiply(tier);
  }

  private @Nullable BigDecimal serviceTierMultiplier(ModelPrice entry, String serviceTier) {
    String tier = serviceTier.toLowerCase(Locale.ROOT);
    if (tier.equals("default") || tier.equals("standard") || tier.equals("auto") || tier.equals("on_demand")) {
      return null;
    }
    BigDecimal m = entry.serviceTiers().get(tier);
    if (m == null) {
      Map<String, BigDecimal> defaults = providerServiceTiers.get(entry.provider());
      m = defaults == null ? null : defaults.get(tier);
    }
    return m;
  }

  private static String pricingId(ModelMatch match, PricePeriod period) {
    // The entry builds its ids once per period; only a region makes one per call.
    String id = match.entry().pricingId(period);
    return match.region() == null ? id : id + '[' + match.region() + ']';
  }

  private static Map<String, Map<String, ModelResolver.Alias>> copyAliases(
      Map<String, Map<String, ModelResolver.Alias>> aliases) {
    Map<String, Map<String, ModelResolver.Alias>> copy = new LinkedHashMap<>();
    aliases.forEach((p, m) -> copy.put(p, Map.copyOf(m)));
    return Map.copyOf(copy);
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  /** Builds a {@link PriceCatalog}; every add validates fully and fails fast, naming the file and entry. */
  public static final class Builder {
    private final Map<String, ModelPrice> entries = new LinkedHashMap<>();
    private final java.util.Set<String> derived = new java.util.HashSet<>();
    private final Map<String, Map<String, BigDecimal>> providerServiceTiers = new LinkedHashMap<>();
    private final Map<String, Map<String, BigDecimal>> providerRegions = new LinkedHashMap<>();
    private final Map<String, Map<String, ModelResolver.Alias>> aliases = new LinkedHashMap<>();
    private final Map<String, BigDecimal> discounts = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Adds every entry and setting of another catalog.
     *
     * @param catalog the catalog
     * @return this builder
     */
    public Builder addAll(PriceCatalog catalog) {
      for (ModelPrice e : catalog.entries) {
        entries.put(e.id(), e);
      }
      derived.addAll(catalog.derived);
      catalog.providerServiceTiers.forEach((p, m) -> providerServiceTiers.computeIfAbsent(p,
          k -> new LinkedHashMap<>()).putAll(m));
      catalog.providerRegions.forEach((p, m) -> providerRegions.computeIfAbsent(p,
          k -> new LinkedHashMap<>()).putAll(m));
      return this;
    }

    /**
     * Adds an entry, replacing one with the same provider and model.
     *
     * @param entry the entry
     * @return this builder
     */
    public Builder add(ModelPrice entry) {
      entries.put(Objects.requireNonNull(entry, "entry").id(), entry);
      derived.remove(entry.id());
      return this;
    }

    /**
     * Adds the entries of a file in LockN's catalog format ({@code .gz} accepted).
     *
     * @param file the file
     * @return this builder
     * @throws PriceCatalogException if the file is unreadable or invalid; nothing of it is added
     */
    public Builder addJson(Path file) {
      try (InputStream in = open(file)) {
        return addJson(in, file.toString());
      } catch (IOException e) {
        throw new PriceCatalogException(file + ": cannot read: " + e.getMessage(), e);
      }
    }

    /**
     * Adds the entries of a stream in LockN's catalog format.
     *
     * @param in the stream; not closed
     * @param name the name to use in error messages
     * @return this builder
     * @throws PriceCatalogException if the content is invalid; nothing of it is added
     */
    public Builder addJson(InputStream in, String name) {
      CatalogFile.Contents contents = CatalogFile.read(in, name, entries);
      contents.providerServiceTiers().forEach((p, m) -> providerServiceTiers.computeIfAbsent(p,
          k -> new LinkedHashMap<>()).putAll(m));
      contents.providerRegions().forEach((p, m) -> providerRegions.computeIfAbsent(p,
          k -> new LinkedHashMap<>()).putAll(m));
      for (ModelPrice e : contents.models()) {
        entries.put(e.id(), e);
      }
      derived.addAll(contents.derived());
      return this;
    }

    /**
     * Adds the entries of a classpath resource in LockN's catalog format.
     *
     * @param resource the resource path, e.g. {@code /prices/negotiated.json}
     * @return this builder
     * @throws PriceCatalogException if the resource is missing or invalid
     */
    public Builder addClasspath(String resource) {
      try (InputStream in = PriceCatalog.class.getResourceAsStream(resource)) {
        if (in == null) {
          throw new PriceCatalogException(resource + ": no such classpath resource");
        }
        return addJson(in, resource);
      } catch (IOException e) {
        throw new PriceCatalogException(resource + ": cannot read: " + e.getMessage(), e);
      }
    }

    /**
     * Adds the priced entries of a LiteLLM {@code model_prices_and_context_window.json} ({@code .gz} accepted).
     *
     * @param file the file
     * @return this builder
     * @throws PriceCatalogException if the file is unreadable or an entry is malformed; nothing of it is added
     */
    public Builder addLiteLlm(Path file) {
      try (InputStream in = open(file)) {
        return addLiteLlm(in, file.toString());
      } catch (IOException e) {
        throw new PriceCatalogException(file + ": cannot read: " + e.getMessage(), e);
      }
    }

    /**
     * Adds the priced entries of a LiteLLM cost map read from a stream.
     *
     * @param in the stream; not closed
     * @param name the name to use in error messages
     * @return this builder
     * @throws PriceCatalogException if an entry is malformed; nothing of it is added
     */
    public Builder addLiteLlm(InputStream in, String name) {
      for (ModelPrice e : LiteLlmFile.read(in, name)) {
        entries.put(e.id(), e);
        derived.remove(e.id());
      }
      return this;
    }

    /**
     * Maps a deployment or gateway name to a catalog model, for example an Azure OpenAI deployment.
     *
     * @param provider the provider the name is reported under
     * @param name the deployment name
     * @param model the catalog model it serves
     * @param region the region or data zone ({@code eu}, {@code us}), or {@code null}
     * @return this builder
     */
    public Builder alias(String provider, String name, String model, @Nullable String region) {
      String p = ModelResolver.canonicalProvider(Objects.requireNonNull(provider, "provider"));
      aliases.computeIfAbsent(p, k -> new LinkedHashMap<>())
          .put(lower(Objects.requireNonNull(name, "name")),
              new ModelResolver.Alias(p, Objects.requireNonNull(model, "model"),
                  region == null ? null : lower(region)));
      return this;
    }

    /**
     * Sets a negotiated discount, in percent off list price, for a provider or one of its models. The cost's total
     * is then the effective (discounted) cost, and its list total the cost at list prices.
     *
     * @param provider the provider
     * @param model the model (the catalog entry's model id), or {@code null} for every model of the provider
     * @param percentOff the discount, from 0 to 100
     * @return this builder
     * @throws IllegalArgumentException if the percentage is out of range
     */
    public Builder discount(String provider, @Nullable String model, BigDecimal percentOff) {
      Objects.requireNonNull(percentOff, "percentOff");
      if (percentOff.signum() < 0 || percentOff.compareTo(BigDecimal.valueOf(100)) > 0) {
        throw new IllegalArgumentException("percentOff not in [0, 100]: " + percentOff);
      }
      BigDecimal factor = BigDecimal.ONE.subtract(percentOff.divide(BigDecimal.valueOf(100), 10, RoundingMode.UNNECESSARY)
          .stripTrailingZeros());
      String p = ModelResolver.canonicalProvider(Objects.requireNonNull(provider, "provider"));
      discounts.put(model == null ? p : p + "/" + model, factor);
      return this;
    }

    /**
     * Builds the catalog.
     *
     * @return the immutable catalog
     */
    public PriceCatalog build() {
      return new PriceCatalog(this);
    }

    private static InputStream open(Path file) throws IOException {
      InputStream in = Files.newInputStream(file);
      return file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(in) : in;
    }
  }
}
