package io.lockn.pricing.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.lockn.core.TokenUsage;
import io.lockn.pricing.Cost;
import io.lockn.pricing.ModelMatch;
import io.lockn.pricing.ModelPrice;
import io.lockn.pricing.PriceCatalog;
import io.lockn.pricing.PricingConfig;
import io.lockn.pricing.PricingConfigException;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CostPipelineFactory#catalog}: the catalog every wiring builds from the pricing properties is the one the
 * wirings built by hand before (bundled, LiteLLM file, price files in order, aliases, discounts), and a file, alias or
 * discount that cannot apply is an error naming its property.
 */
class CostPipelineFactoryTest {

  private static final Instant AT = Instant.parse("2026-11-01T12:00:00Z");
  private static final TokenUsage USAGE = TokenUsage.of(100_000, 100_000);

  @TempDir Path dir;

  private Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
  }

  /** One gpt-4o-mini entry in LockN's format at the given USD-per-1M input and output prices. */
  private static String miniAt(String input, String output) {
    return "{\"schema_version\": 1, \"models\": [{\"provider\": \"openai\", \"model\": \"gpt-4o-mini\", "
        + "\"prices\": [{\"input\": \"" + input + "\", \"output\": \"" + output + "\"}]}]}";
  }

  private static PricingConfig.Builder config() {
    return PricingConfig.builder().setFailOnError("true");
  }

  private static PricingConfigException error(PricingConfig.Builder config) {
    return catchThrowableOfType(PricingConfigException.class,
        () -> CostPipelineFactory.catalog(CostPipelineFactory.config(config)));
  }

  @Test
  void noOverride_isTheBundledCatalogItself() {
    assertThat(CostPipelineFactory.catalog(PricingConfig.defaults())).isSameAs(PriceCatalog.bundled());
  }

  @Test
  void catalog_isWhatTheWiringsBuiltByHand_inTheSameOrderOfPrecedence() throws IOException {
    Path liteLlm = Path.of("src/test/resources/litellm/model_prices_excerpt.json");
    Path house = write("house.json", "{\"schema_version\": 1, \"models\": [{\"provider\": \"acme\", \"model\": "
        + "\"house\", \"prices\": [{\"input\": \"1\", \"output\": \"2\"}]}]}");
    Path first = write("first.json", miniAt("1", "2"));
    Path second = write("second.json", miniAt("0.3", "1.2"));
    PricingConfig config = CostPipelineFactory.config(config()
        .setLiteLlm(liteLlm.toString())
        .addCatalog(house.toString()).addCatalog(first.toString()).addCatalog(second.toString())
        .addAlias("prod-eu", "azure.ai.openai", "gpt-4o", "eu")
        .addDiscount("anthropic", "12.5")
        .addDiscount("openai/gpt-4o", "20"));

    PriceCatalog built = CostPipelineFactory.catalog(config);
    // What the SDK customizer (bundled, LiteLLM, files) and Spring (bundled, files, aliases, discounts) built.
    PriceCatalog byHand = PriceCatalog.builder()
        .addAll(PriceCatalog.bundled())
        .addLiteLlm(liteLlm)
        .addJson(house).addJson(first).addJson(second)
        .alias("azure.ai.openai", "prod-eu", "gpt-4o", "eu")
        .discount("anthropic", null, new BigDecimal("12.5"))
        .discount("openai", "gpt-4o", new BigDecimal("20"))
        .build();

    assertThat(ids(built)).isEqualTo(ids(byHand));
    Set<String[]> probes = new LinkedHashSet<>();
    for (ModelPrice e : byHand.entries()) {
      probes.add(new String[] {e.provider(), e.model()});
    }
    probes.add(new String[] {"azure.ai.openai", "prod-eu"});
    for (String[] p : probes) {
      assertThat(built.cost(p[0], p[1], USAGE, AT, null)).as(p[0] + "/" + p[1])
          .isEqualTo(byHand.cost(p[0], p[1], USAGE, AT, null));
    }
    // The last file listed wins: 0.3 and 1.2 USD per 1M tokens, a tenth of a million tokens each: $0.03 + $0.12.
    assertThat(built.cost("openai", "gpt-4o-mini", USAGE, AT, null).totalNanos()).isEqualTo(150_000_000L);
    ModelMatch alias = built.resolve("azure.ai.openai", "prod-eu");
    assertThat(alias.entry().model()).isEqualTo("gpt-4o");
    assertThat(built.resolve("openai", "gpt-4o").multiplier()).isEqualByComparingTo("0.8");
  }

  private static List<String> ids(PriceCatalog catalog) {
    List<String> ids = new ArrayList<>();
    catalog.entries().forEach(e -> ids.add(e.id()));
    return ids;
  }

  @Test
  void liteLlm_isBelowThePriceFiles() throws IOException {
    // LiteLLM: gpt-4o-mini at twice the bundled price ($0.30/$1.20); the file: the bundled price ($0.15/$0.60).
    Path liteLlm = write("litellm.json", "{\"gpt-4o-mini\": {\"litellm_provider\": \"openai\", \"mode\": \"chat\", "
        + "\"input_cost_per_token\": 3e-7, \"output_cost_per_token\": 1.2e-6}}");
    Path mine = write("mine.json", miniAt("0.15", "0.60"));

    PriceCatalog catalog = CostPipelineFactory.catalog(CostPipelineFactory.config(config()
        .setLiteLlm(liteLlm.toString()).addCatalog(mine.toString())));

    // 100,000 x 150 + 100,000 x 600 nano-USD.
    assertThat(catalog.cost("openai", "gpt-4o-mini", USAGE, AT, null).totalNanos()).isEqualTo(75_000_000L);
  }

  @Test
  void locations_classpathFileAndGzip() throws IOException {
    Path gz = dir.resolve("mine.json.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write(miniAt("1", "2").getBytes(StandardCharsets.UTF_8));
    }
    Path plain = write("house.json", "{\"schema_version\": 1, \"models\": [{\"provider\": \"acme\", \"model\": "
        + "\"house\", \"prices\": [{\"input\": \"1\", \"output\": \"2\"}]}]}");

    PriceCatalog catalog = CostPipelineFactory.catalog(CostPipelineFactory.config(config()
        .addCatalog("classpath:prices/negotiated.json")
        .addCatalog("file:" + gz)
        .addCatalog("file://" + plain)));

    assertThat(catalog.resolve("acme", "acme-llama-70b")).isNotNull();  // from the classpath resource
    // $1 and $2 per 1M tokens, a tenth of a million each: $0.10 + $0.20.
    assertThat(catalog.cost("openai", "gpt-4o-mini", USAGE, AT, null).totalNanos()).isEqualTo(300_000_000L);
    assertThat(catalog.resolve("acme", "house")).isNotNull();
  }

  @Test
  void malformedFile_namesThePropertyTheFileTheEntryAndTheField() throws IOException {
    Path bad = write("bad.json", "{\"schema_version\": 1, \"models\": [{\"provider\": \"openai\", \"model\": \"x\", "
        + "\"prices\": [{\"input\": \"0.1\"}]}]}");

    PricingConfigException e =
        error(config().addCatalog("classpath:prices/negotiated.json").addCatalog(bad.toString()));

    assertThat(e.property()).isEqualTo("lockn.pricing.catalog[1]");
    assertThat(e.value()).isEqualTo(bad.toString());
    assertThat(e).hasMessageStartingWith("lockn.pricing.catalog[1]: cannot load " + bad + ": models[0] (openai/x)")
        .hasMessageContaining("output is missing");
  }

  @Test
  void missingFiles_areNamed() {
    Path missing = dir.resolve("nope.json");

    assertThat(error(config().addCatalog(missing.toString())))
        .hasMessage("lockn.pricing.catalog[0]: cannot load " + missing + ": no such file");
    assertThat(error(config().addCatalog("classpath:nope/prices.json")))
        .hasMessage("lockn.pricing.catalog[0]: cannot load classpath:nope/prices.json: no such classpath resource");
    assertThat(error(config().setLiteLlm(missing.toString())))
        .hasMessage("lockn.pricing.litellm: cannot load " + missing + ": no such file");
  }

  @Test
  void aliasToAnUnknownModel_isAnError() {
    assertThat(error(config().addAlias("prod", "azure.ai.openai", "gpt-4oo", null))).hasMessage(
        "lockn.pricing.aliases[prod].model: no catalog entry for model gpt-4oo (provider azure.ai.openai)");
  }

  @Test
  void discountOnAnUnknownProviderOrModel_isAnError() {
    assertThat(error(config().addDiscount("opneai", "10")))
        .hasMessage("lockn.pricing.discounts[opneai]: no catalog entry has provider opneai");
    assertThat(error(config().addDiscount("openai/gpt-4oo", "10"))).hasMessage(
        "lockn.pricing.discounts[openai/gpt-4oo]: no catalog entry for openai/gpt-4oo (a discount names an entry's"
            + " provider and model)");
  }

  @Test
  void withoutFailOnError_aFileThatCannotLoad_leavesTheBundledCatalog() {
    PricingConfig config = CostPipelineFactory.config(PricingConfig.builder().addCatalog("classpath:nope.json")
        .addAlias("prod", "azure.ai.openai", "gpt-4o", null));

    assertThat(CostPipelineFactory.catalog(config)).isSameAs(PriceCatalog.bundled());
  }

  @Test
  void pipeline_carriesTheConfiguredCatalog() {
    PriceCatalog catalog = PriceCatalog.bundled();

    assertThat(CostPipelineFactory.pipeline(PricingConfig.defaults(), catalog).build().catalog()).isSameAs(catalog);
  }

  @Test
  void theBundledEntryStillPrices_whenAFileAddsAnother() throws IOException {
    // A file adds to the bundled catalog, it does not replace it.
    Path house = write("house.json", "{\"schema_version\": 1, \"models\": [{\"provider\": \"acme\", \"model\": "
        + "\"house\", \"prices\": [{\"input\": \"1\", \"output\": \"2\"}]}]}");

    PriceCatalog catalog =
        CostPipelineFactory.catalog(CostPipelineFactory.config(config().addCatalog(house.toString())));

    Cost bundled = PriceCatalog.bundled().cost("openai", "gpt-4o", USAGE, AT, null);
    assertThat(catalog.cost("openai", "gpt-4o", USAGE, AT, null)).isEqualTo(bundled);
  }
}
