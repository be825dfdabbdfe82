package io.lockn.pricing;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Resolves what a client reports as provider and model to a catalog entry, in stages, and caches the answer.
 *
 * <p>Stages, each tried under the reported provider first: (1) the exact id or an alias; (2) a configured alias such
 * as an Azure deployment name; (3) provider path prefixes ({@code openai/}, {@code azure/eu/}, {@code bedrock/},
 * {@code vertex_ai/}, {@code gemini/}, {@code models/}, ...), which may also name the provider; (4) Bedrock
 * inference-profile prefixes ({@code us.}, {@code eu.}, {@code apac.}, {@code global.}), which name a region; (5)
 * version and date suffixes ({@code -v2:0}, {@code @20241022}, {@code -2024-08-06}, {@code -20241022}, {@code -001},
 * {@code -latest}); (6) dotted versions ({@code claude-3.5-sonnet}). Then every candidate id is tried across
 * providers, first-party entries first, so that a gateway reporting {@code openai} for a Claude model still prices
 * it. Nothing matched means unpriced.
 *
 * <p>The cache holds at most {@value #MAX_CACHED} answers; beyond that, answers are computed every time rather than
 * letting hostile model ids grow memory.
 */
final class ModelResolver {

  static final int MAX_CACHED = 10_000;
  private static final int MAX_ID_LENGTH = 256;

  private static final Map<String, String> PROVIDER_PREFIXES =
      Map.ofEntries(
          Map.entry("openai", "openai"),
          Map.entry("azure", "azure.ai.openai"),
          Map.entry("azure_ai", "azure.ai.inference"),
          Map.entry("bedrock", "aws.bedrock"),
          Map.entry("bedrock_converse", "aws.bedrock"),
          Map.entry("vertex_ai", "gcp.vertex_ai"),
          Map.entry("vertex_ai_beta", "gcp.vertex_ai"),
          Map.entry("gemini", "gcp.gemini"),
          Map.entry("anthropic", "anthropic"),
          Map.entry("mistral", "mistral_ai"),
          Map.entry("deepseek", "deepseek"),
          Map.entry("xai", "x_ai"),
          Map.entry("cohere", "cohere"),
          Map.entry("cohere_chat", "cohere"),
          Map.entry("groq", "groq"),
          Map.entry("text-completion-openai", "openai"),
          Map.entry("perplexity", "perplexity"),
          Map.entry("watsonx", "ibm.watsonx.ai"));
  private static final Map<String, String> PROVIDER_NAMES =
      Map.ofEntries(
          Map.entry("azure", "azure.ai.openai"),
          Map.entry("azure_openai", "azure.ai.openai"),
          Map.entry("bedrock", "aws.bedrock"),
          Map.entry("aws_bedrock", "aws.bedrock"),
          Map.entry("aws", "aws.bedrock"),
          Map.entry("vertex_ai", "gcp.vertex_ai"),
          Map.entry("vertexai", "gcp.vertex_ai"),
          Map.entry("gemini", "gcp.gemini"),
          Map.entry("google", "gcp.gemini"),
          Map.entry("google_ai_studio", "gcp.gemini"),
          Map.entry("mistral", "mistral_ai"),
          Map.entry("mistralai", "mistral_ai"),
          Map.entry("xai", "x_ai"));
  private static final Pattern REGION_SEGMENT = Pattern.compile("^(eu|us|global|apac)/");
  private static final Pattern BEDROCK_PROFILE = Pattern.compile("^(us|eu|apac|jp|au|ca|global|us-gov)\\.");
  private static final Pattern BEDROCK_VENDOR =
      Pattern.compile("^(anthropic|meta|amazon|cohere|mistral|ai21|deepseek|openai|qwen|writer)\\.");
  private static final Pattern[] SUFFIXES = {
    Pattern.compile("-v\\d+(:\\d+)?$"),
    Pattern.compile("@[a-z0-9.-]+$"),
    Pattern.compile(":latest$"),
    Pattern.compile("-latest$"),
    Pattern.compile("-\\d{4}-\\d{2}-\\d{2}$"),
    Pattern.compile("-\\d{8}$"),
    Pattern.compile("-\\d{3}$"),
  };
  private static final Pattern DOTTED = Pattern.compile("(\\d)\\.(\\d)");

  /** A configured alias: a deployment or gateway name for a catalog model. */
  record Alias(String provider, String model, @Nullable String region) {}

  private record Candidate(String provider, String id, @Nullable String region, String stage) {}

  private static final ModelMatch NO_MATCH =
      new ModelMatch(ModelPrice.builder("-", "-").addPrices(new Rates(0, 0, 0, 0, 0, 0)).build(), null, null, null,
          "none");

  private final Map<String, Map<String, ModelPrice>> byProvider;
  private final Map<String, ModelPrice> anyProvider;
  private final Map<String, Map<String, Alias>> aliases;
  private final Map<String, BigDecimal> discounts;
  private final Map<String, Map<String, BigDecimal>> providerRegions;
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, ModelMatch>> cache = new ConcurrentHashMap<>();
  private final AtomicInteger cached = new AtomicInteger();

  ModelResolver(
      Map<String, Map<String, ModelPrice>> byProvider,
      Map<String, ModelPrice> anyProvider,
      Map<String, Map<String, Alias>> aliases,
      Map<String, BigDecimal> discounts,
      Map<String, Map<String, BigDecimal>> providerRegions) {
    this.byProvider = byProvider;
    this.anyProvider = anyProvider;
    this.aliases = aliases;
    this.discounts = discounts;
    this.providerRegions = providerRegions;
  }

  /** The last model resolved: most calls repeat it, and a hit skips the cache's two lookups. */
  private record Last(String provider, String model, ModelMatch match) {}

  private volatile @Nullable Last last;

  /** Resolves, using the cache; {@code null} when unpriced. Allocation-free on a cache hit. */
  @Nullable ModelMatch resolve(String provider, String model) {
    Last l = last;
    if (l != null && l.model.equals(model) && l.provider.equals(provider)) {
      return l.match == NO_MATCH ? null : l.match;
    }
    ConcurrentHashMap<String, ModelMatch> perProvider = cache.get(provider);
    if (perProvider != null) {
      ModelMatch hit = perProvider.get(model);
      if (hit != null) {
        last = new Last(provider, model, hit);
        return hit == NO_MATCH ? null : hit;
      }
    }
    ModelMatch match = resolveUncached(provider, model);
    if (cached.get() < MAX_CACHED) {
      if (cache.computeIfAbsent(provider, p -> new ConcurrentHashMap<>())
              .putIfAbsent(model, match == null ? NO_MATCH : match) == null) {
        cached.incrementAndGet();
      }
    }
    return match;
  }

  @Nullable ModelMatch resolveUncached(String reportedProvider, String reportedModel) {
    return resolve(reportedProvider, reportedModel, true);
  }

  /** The stages; configured aliases are followed once (an alias's target is resolved without aliases). */
  private @Nullable ModelMatch resolve(String reportedProvider, String reportedModel, boolean followAliases) {
    if (reportedModel == null || reportedModel.isBlank()) {
      return null;
    }
    String model = reportedModel.strip().toLowerCase(Locale.ROOT);
    if (model.length() > MAX_ID_LENGTH) {
      return null;
    }
    List<Candidate> candidates = candidates(canonicalProvider(reportedProvider), model);
    for (Candidate c : candidates) {
      Alias alias = followAliases ? lookup(aliases, c.provider(), c.id()) : null;
      if (alias != null) {
        ModelMatch target = resolve(alias.provider(), alias.model(), false);
        if (target != null) {
          return match(target.entry(), alias.region() != null ? alias.region() : target.region(), "alias");
        }
      }
      ModelPrice entry = lookup(byProvider, c.provider(), c.id());
      if (entry != null) {
        return match(entry, c.region(), c.stage());
      }
    }
    for (Candidate c : candidates) {
      ModelPrice entry = anyProvider.get(c.id());
      if (entry != null) {
        return match(entry, c.region(), "cross-provider");
      }
    }
    return null;
  }

  private ModelMatch match(ModelPrice entry, @Nullable String region, String stage) {
    BigDecimal regional = null;
    if (region != null) {
      BigDecimal m = entry.regions().get(region);
      if (m == null) {
        Map<String, BigDecimal> defaults = providerRegions.get(entry.provider());
        m = defaults == null ? null : defaults.get(region);
      }
      regional = m == null || m.compareTo(BigDecimal.ONE) == 0 ? null : m;
    }
    BigDecimal discount = discounts.get(entry.provider() + "/" + entry.model());
    if (discount == null) {
      discount = discounts.get(entry.provider());
    }
    BigDecimal effective = regional;
    if (discount != null) {
      effective = effective == null ? discount : effective.multiply(discount);
    }
    return new ModelMatch(entry, region, effective, regional, stage);
  }

  private static List<Candidate> candidates(String provider, String model) {
    List<Candidate> out = new ArrayList<>(8);
    String p = provider;
    String id = model;
    String region = null;
    out.add(new Candidate(p, id, null, "exact"));
    // Provider paths: "openai/gpt-4o", "azure/eu/gpt-4o", "bedrock/us.anthropic...", "models/gemini-1.5-pro".
    for (int i = 0; i < 4 && id.indexOf('/') > 0; i++) {
      int slash = id.indexOf('/');
      String head = id.substring(0, slash);
      String mapped = PROVIDER_PREFIXES.get(head);
      id = id.substring(slash + 1);
      if (mapped != null) {
        p = mapped;
      }
      Matcher r = REGION_SEGMENT.matcher(id);
      if (r.find()) {
        region = r.group(1);
        id = id.substring(r.end());
      }
      out.add(new Candidate(p, id, region, "prefix"));
    }
    int lastSlash = id.lastIndexOf('/');
    if (lastSlash >= 0) {
      id = id.substring(lastSlash + 1);
      out.add(new Candidate(p, id, region, "prefix"));
    }
    Matcher profile = BEDROCK_PROFILE.matcher(id);
    if (profile.find()) {
      region = profile.group(1);
      id = id.substring(profile.end());
      out.add(new Candidate(p, id, region, "profile"));
    }
    String stripped = id;
    Matcher vendor = BEDROCK_VENDOR.matcher(stripped);
    boolean bedrockId = vendor.find();
    // Suffixes stack in any order ("-v2@20241022", "-20241022-v2:0"): strip until none is left.
    boolean changed = true;
    for (int round = 0; changed && round < 6; round++) {
      changed = false;
      for (Pattern suffix : SUFFIXES) {
        Matcher m = suffix.matcher(stripped);
        if (m.find() && m.start() > 0) {
          stripped = stripped.substring(0, m.start());
          out.add(new Candidate(p, stripped, region, "suffix"));
          changed = true;
        }
      }
    }
    if (bedrockId) {
      String bare = id.substring(vendor.end());
      out.add(new Candidate(p, bare, region, "profile"));
      String bareStripped = stripped.substring(Math.min(stripped.length(), vendor.end()));
      out.add(new Candidate(p, bareStripped, region, "suffix"));
    }
    String dotted = DOTTED.matcher(stripped).replaceAll("$1-$2");
    if (!dotted.equals(stripped)) {
      out.add(new Candidate(p, dotted, region, "dotted"));
    }
    return out;
  }

  /**
   * The {@code gen_ai.provider.name} of a provider as LiteLLM and gateways name it in model paths and {@code
   * litellm_provider} ({@code azure}, {@code bedrock}, {@code vertex_ai-language-models}, ...).
   */
  static String fromGatewayName(String name) {
    String mapped = PROVIDER_PREFIXES.get(name);
    if (mapped != null) {
      return mapped;
    }
    return name.startsWith("vertex_ai") ? "gcp.vertex_ai" : name;
  }

  static String canonicalProvider(@Nullable String provider) {
    if (provider == null) {
      return "";
    }
    String p = provider.strip().toLowerCase(Locale.ROOT);
    return PROVIDER_NAMES.getOrDefault(p, p);
  }

  private static <V> @Nullable V lookup(Map<String, Map<String, V>> index, String provider, String id) {
    Map<String, V> m = index.get(provider);
    return m == null ? null : m.get(id);
  }
}
