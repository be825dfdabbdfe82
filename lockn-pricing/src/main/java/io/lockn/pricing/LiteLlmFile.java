package io.lockn.pricing;

import com.fasterxml.jackson.databind.JsonNode;
import io.lockn.pricing.internal.Decimals;
import io.lockn.pricing.internal.JsonFields;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads LiteLLM's {@code model_prices_and_context_window.json}: every entry priced per token becomes a catalog
 * entry under the matching {@code gen_ai.provider.name}. Its USD-per-token floats are read as exact decimals (never
 * through {@code double}) and rounded HALF_EVEN to the pico-USD. The map keeps no price history, so imported prices
 * apply at all times. Entries priced otherwise (per image, per second, per character) are skipped; a priced entry
 * with a malformed field fails the whole file, naming the entry and the field.
 */
final class LiteLlmFile {

  private static final Pattern ABOVE = Pattern.compile("^(.+)_above_(\\d+)k_tokens$");
  private LiteLlmFile() {}

  static List<ModelPrice> read(InputStream in, String name) {
    JsonNode root;
    try {
      root = CatalogFile.JSON.readTree(in);
    } catch (IOException | NumberFormatException e) {
      // A number Jackson cannot represent ("1e1000000128000") is a NumberFormatException, not an IOException.
      throw new PriceCatalogException(name + ": not valid JSON: " + CatalogFile.jsonError(e), e);
    }
    if (root == null || !root.isObject()) {
      throw new PriceCatalogException(name + ": expected a JSON object keyed by model id");
    }
    List<ModelPrice> result = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      JsonNode node = e.getValue();
      if (key.equals("sample_spec") || !node.isObject() || !node.has("litellm_provider")) {
        continue;
      }
      JsonFields fields = new JsonFields(node, name + ": \"" + JsonFields.quote(key) + "\"");
      ModelPrice price;
      try {
        price = entry(key, fields);
      } catch (PriceCatalogException ex) {
        throw ex;
      } catch (IllegalArgumentException | IllegalStateException | ArithmeticException ex) {
        // Tiers and rates are built before the entry; whatever they reject is this entry's error too.
        throw new PriceCatalogException(fields.where() + ": " + ex.getMessage(), ex);
      }
      if (price != null) {
        result.add(price);
      }
    }
    return result;
  }

  private static @Nullable ModelPrice entry(String key, JsonFields f) {
    BigDecimal input = f.optionalDecimal("input_cost_per_token");
    if (input == null) {
      return null;
    }
    String litellmProvider = f.string("litellm_provider");
    String provider = ModelResolver.fromGatewayName(litellmProvider);
    String model = key;
    String prefix = litellmProvider + "/";
    if (model.startsWith(prefix)) {
      model = model.substring(prefix.length());
    } else if (model.startsWith("bedrock/") || model.startsWith("vertex_ai/") || model.startsWith("azure/")) {
      model = model.substring(model.indexOf('/') + 1);
    }
    String mode = f.optionalString("mode");
    boolean embedding = "embedding".equals(mode);
    BigDecimal output = f.optionalDecimal("output_cost_per_token");
    if (output == null && !embedding) {
      if (mode == null || mode.equals("chat") || mode.equals("completion") || mode.equals("responses")) {
        throw new PriceCatalogException(f.where() + ": output_cost_per_token is missing");
      }
      // Image, audio, moderation and rerank entries priced partly per token: not model calls LockN prices.
      return null;
    }
    Rates base = rates(f, "", input, output == null ? BigDecimal.ZERO : output);
    Map<Long, String> thresholds = new TreeMap<>();
    for (Iterator<String> it = f.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      Matcher m = ABOVE.matcher(field);
      if (m.matches()) {
        // At most 9 digits (a billion k tokens): a longer number overflows, and the field name is quoted in errors.
        if (m.group(2).length() > 9) {
          throw new PriceCatalogException(f.where() + ": " + JsonFields.quote(field) + " names a threshold out of range");
        }
        long threshold = Long.parseLong(m.group(2)) * 1000;
        thresholds.put(threshold, "_above_" + m.group(2) + "k_tokens");
      }
    }
    List<Tier> tiers = new ArrayList<>();
    for (Map.Entry<Long, String> t : thresholds.entrySet()) {
      String suffix = t.getValue();
      BigDecimal tierInput = f.optionalDecimal("input_cost_per_token" + suffix);
      BigDecimal tierOutput = f.optionalDecimal("output_cost_per_token" + suffix);
      tiers.add(new Tier(t.getKey(), rates(f, suffix, tierInput != null ? tierInput : input,
          tierOutput != null ? tierOutput : (output == null ? BigDecimal.ZERO : output))));
    }
    try {
      ModelPrice.Builder b = ModelPrice.builder(provider, model)
          .setMode(mode == null ? "chat" : mode)
          .addPeriod(new PricePeriod(null, null, base, tiers));
      if (!model.equals(key)) {
        b.addAlias(key);
      }
      Long window = f.optionalLong("max_input_tokens");
      if (window != null && window > 0) {
        b.setContextWindow(window);
      }
      // What a budget reserves for a call without max_tokens; LiteLLM's max_tokens is an older name of either limit.
      Long maxOutput = f.optionalLong("max_output_tokens");
      if (maxOutput != null && maxOutput > 0) {
        b.setMaxOutputTokens(maxOutput);
      }
      String source = f.optionalString("source");
      b.setSource(source != null ? source : "LiteLLM model_prices_and_context_window.json", null);
      return b.build();
    } catch (PriceCatalogException e) {
      throw e;
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new PriceCatalogException(f.where() + ": " + e.getMessage(), e);
    }
  }

  private static Rates rates(JsonFields f, String suffix, BigDecimal input, BigDecimal output) {
    long in = picos(f, "input_cost_per_token" + suffix, input);
    long out = picos(f, "output_cost_per_token" + suffix, output);
    BigDecimal cacheRead = f.optionalDecimal("cache_read_input_token_cost" + suffix);
    if (cacheRead == null && !suffix.isEmpty()) {
      cacheRead = f.optionalDecimal("cache_read_input_token_cost");
    }
    BigDecimal write = f.optionalDecimal("cache_creation_input_token_cost" + suffix);
    if (write == null && !suffix.isEmpty()) {
      write = f.optionalDecimal("cache_creation_input_token_cost");
    }
    BigDecimal write1h = f.optionalDecimal("cache_creation_input_token_cost_above_1hr" + suffix);
    if (write1h == null && !suffix.isEmpty()) {
      write1h = f.optionalDecimal("cache_creation_input_token_cost_above_1hr");
    }
    BigDecimal reasoning = f.optionalDecimal("output_cost_per_reasoning_token" + suffix);
    long w5m = write == null ? in : picos(f, "cache_creation_input_token_cost" + suffix, write);
    return new Rates(
        in,
        out,
        cacheRead == null ? in : picos(f, "cache_read_input_token_cost" + suffix, cacheRead),
        w5m,
        write1h == null ? w5m : picos(f, "cache_creation_input_token_cost_above_1hr" + suffix, write1h),
        reasoning == null ? out : picos(f, "output_cost_per_reasoning_token" + suffix, reasoning));
  }

  private static long picos(JsonFields f, String field, BigDecimal usdPerToken) {
    if (usdPerToken.signum() < 0) {
      throw new PriceCatalogException(
          f.where() + ": " + field + " is negative: " + JsonFields.quote(usdPerToken.toPlainString()));
    }
    try {
      return Decimals.picosFromUsdPerToken(usdPerToken);
    } catch (ArithmeticException e) {
      throw new PriceCatalogException(
          f.where() + ": " + field + " is out of range: " + JsonFields.quote(usdPerToken.toPlainString()));
    }
  }
}
