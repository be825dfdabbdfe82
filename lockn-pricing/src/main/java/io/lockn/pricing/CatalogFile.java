package io.lockn.pricing;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lockn.pricing.internal.JsonFields;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;


/**
 * Reads LockN's catalog format (the format of the bundled {@code catalog.json}); see docs/cost.md for the schema. The
 * whole file is validated before anything is returned, so a bad file loads nothing.
 */
final class CatalogFile {

  static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private static final Set<String> TOP = Set.of("schema_version", "currency", "price_unit", "notes", "providers",
      "models");
  private static final Set<String> PROVIDER = Set.of("service_tiers", "regions");
  private static final Set<String> MODEL = Set.of("provider", "model", "aliases", "mode", "context_window",
      "max_output_tokens", "source", "checked", "notes", "prices", "same_as", "service_tiers", "regions");
  private static final Set<String> PERIOD = Set.of("effective_from", "effective_to", "input", "output", "cache_read",
      "cache_write_5m", "cache_write_1h", "reasoning", "tiers");
  private static final Set<String> TIER = Set.of("above_input_tokens", "input", "output", "cache_read",
      "cache_write_5m", "cache_write_1h", "reasoning");

  /** What a file holds. */
  record Contents(List<ModelPrice> models, Set<String> derived,
      Map<String, Map<String, BigDecimal>> providerServiceTiers, Map<String, Map<String, BigDecimal>> providerRegions) {}

  private CatalogFile() {}

  static Contents read(InputStream in, String name, Map<String, ModelPrice> known) {
    JsonNode root;
    try {
      root = JSON.readTree(in);
    } catch (IOException | NumberFormatException e) {
      // Jackson reports a number it cannot represent ("1e1000000128000") as a NumberFormatException, not an
      // IOException.
      throw new PriceCatalogException(name + ": not valid JSON: " + jsonError(e), e);
    }
    JsonFields top = new JsonFields(root, name);
    top.onlyFields(TOP);
    Long version = top.optionalLong("schema_version");
    if (version == null || version != 1) {
      throw new PriceCatalogException(name + ": schema_version must be 1");
    }
    String currency = top.optionalString("currency");
    if (currency != null && !currency.equals("USD")) {
      throw new PriceCatalogException(name + ": currency must be USD, was " + JsonFields.quote(currency));
    }
    Map<String, Map<String, BigDecimal>> tiers = new LinkedHashMap<>();
    Map<String, Map<String, BigDecimal>> regions = new LinkedHashMap<>();
    JsonNode providers = top.get("providers");
    if (providers != null) {
      for (Iterator<Map.Entry<String, JsonNode>> it = providers.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonFields p = new JsonFields(e.getValue(), name + ": providers." + JsonFields.quote(e.getKey()));
        p.onlyFields(PROVIDER);
        tiers.put(e.getKey(), multipliers(p, "service_tiers"));
        regions.put(e.getKey(), multipliers(p, "regions"));
      }
    }
    JsonNode models = top.get("models");
    if (models == null || !models.isArray()) {
      throw new PriceCatalogException(name + ": models must be an array");
    }
    Map<String, ModelPrice> byId = new LinkedHashMap<>(known);
    List<ModelPrice> result = new ArrayList<>();
    Set<String> derived = new java.util.HashSet<>();
    for (int i = 0; i < models.size(); i++) {
      JsonNode node = models.get(i);
      String label = name + ": models[" + i + "]";
      if (node.isObject() && node.hasNonNull("provider") && node.hasNonNull("model")) {
        label += " (" + JsonFields.quote(node.get("provider").asText()) + "/"
            + JsonFields.quote(node.get("model").asText()) + ")";
      }
      ModelPrice model = model(new JsonFields(node, label), byId);
      byId.put(model.id(), model);
      result.add(model);
      if (node.hasNonNull("same_as")) {
        derived.add(model.id());
      }
    }
    return new Contents(result, derived, tiers, regions);
  }

  private static ModelPrice model(JsonFields m, Map<String, ModelPrice> known) {
    m.onlyFields(MODEL);
    ModelPrice.Builder b;
    String sameAs = m.optionalString("same_as");
    String provider = m.string("provider");
    String model = m.string("model");
    try {
      if (sameAs != null) {
        if (m.get("prices") != null) {
          throw new PriceCatalogException(m.where() + ": give either prices or same_as, not both");
        }
        ModelPrice base = known.get(sameAs);
        if (base == null) {
          throw new PriceCatalogException(
              m.where() + ": same_as '" + JsonFields.quote(sameAs) + "' is not an entry defined before it");
        }
        b = ModelPrice.builder(provider, model).setMode(base.mode());
        base.periods().forEach(b::addPeriod);
        if (base.contextWindow() != null) {
          b.setContextWindow(base.contextWindow());
        }
        if (base.maxOutputTokens() != null) {
          b.setMaxOutputTokens(base.maxOutputTokens());
        }
      } else {
        b = ModelPrice.builder(provider, model);
        JsonNode prices = m.get("prices");
        if (prices == null || !prices.isArray() || prices.isEmpty()) {
          throw new PriceCatalogException(m.where() + ": prices must be a non-empty array (or give same_as)");
        }
        for (int i = 0; i < prices.size(); i++) {
          String where = m.where() + ": prices[" + i + "]";
          PricePeriod period = period(new JsonFields(prices.get(i), where));
          try {
            b.addPeriod(period);
          } catch (IllegalArgumentException e) {
            throw new PriceCatalogException(where + ": " + e.getMessage(), e);
          }
        }
      }
      JsonNode aliases = m.get("aliases");
      if (aliases != null) {
        if (!aliases.isArray()) {
          throw new PriceCatalogException(m.where() + ": aliases must be an array of strings");
        }
        for (JsonNode a : aliases) {
          // A number or object would otherwise become an alias through its text ("5", "").
          if (!a.isTextual()) {
            throw new PriceCatalogException(m.where() + ": aliases must be an array of strings");
          }
          b.addAlias(a.asText());
        }
      }
      String mode = m.optionalString("mode");
      if (mode != null) {
        b.setMode(mode);
      }
      Long window = m.optionalLong("context_window");
      if (window != null) {
        b.setContextWindow(window);
      }
      Long maxOutput = m.optionalLong("max_output_tokens");
      if (maxOutput != null) {
        b.setMaxOutputTokens(maxOutput);
      }
      String source = m.optionalString("source");
      if (source != null) {
        b.setSource(source, m.optionalLocalDate("checked"));
      }
      multipliers(m, "service_tiers").forEach(b::putServiceTier);
      multipliers(m, "regions").forEach(b::putRegion);
      return b.build();
    } catch (PriceCatalogException e) {
      throw e;
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new PriceCatalogException(m.where() + ": " + e.getMessage(), e);
    }
  }

  private static PricePeriod period(JsonFields p) {
    p.onlyFields(PERIOD);
    Instant from = p.optionalDate("effective_from");
    Instant to = p.optionalDate("effective_to");
    Rates rates = rates(p);
    List<Tier> tiers = new ArrayList<>();
    JsonNode tierNodes = p.get("tiers");
    if (tierNodes != null) {
      if (!tierNodes.isArray()) {
        throw new PriceCatalogException(p.where() + ": tiers must be an array");
      }
      for (int i = 0; i < tierNodes.size(); i++) {
        JsonFields t = new JsonFields(tierNodes.get(i), p.where() + ".tiers[" + i + "]");
        t.onlyFields(TIER);
        Long above = t.optionalLong("above_input_tokens");
        if (above == null) {
          throw new PriceCatalogException(t.where() + ": above_input_tokens is missing");
        }
        tiers.add(new Tier(above, rates(t)));
      }
    }
    try {
      return new PricePeriod(from, to, rates, tiers);
    } catch (IllegalArgumentException e) {
      throw new PriceCatalogException(p.where() + ": " + e.getMessage(), e);
    }
  }

  private static Rates rates(JsonFields p) {
    String input = p.optionalPrice("input");
    String output = p.optionalPrice("output");
    if (input == null) {
      throw new PriceCatalogException(p.where() + ": input is missing");
    }
    if (output == null) {
      throw new PriceCatalogException(p.where() + ": output is missing");
    }
    return Rates.perMillionTokens(input, output, p.optionalPrice("cache_read"), p.optionalPrice("cache_write_5m"),
        p.optionalPrice("cache_write_1h"), p.optionalPrice("reasoning"));
  }

  /**
   * A JSON syntax error (or a number Jackson cannot represent) as one bounded line with its position: Jackson's
   * message quotes up to 256 characters of the offending token and spans lines.
   */
  static String jsonError(Exception e) {
    if (e instanceof JsonProcessingException j) {
      JsonLocation at = j.getLocation();
      String where = at == null ? "" : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": ";
      return where + JsonFields.quote(j.getOriginalMessage(), 200);
    }
    return JsonFields.quote(e.getMessage(), 200);
  }

  private static Map<String, BigDecimal> multipliers(JsonFields owner, String field) {
    JsonNode node = owner.get(field);
    Map<String, BigDecimal> result = new LinkedHashMap<>();
    if (node == null) {
      return result;
    }
    JsonFields fields = new JsonFields(node, owner.where() + ": " + field);
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      BigDecimal value = fields.optionalDecimal(key);
      if (value == null || value.signum() <= 0) {
        throw new PriceCatalogException(fields.where() + "." + JsonFields.quote(key) + " must be a positive decimal");
      }
      result.put(key, value);
    }
    return result;
  }

}
