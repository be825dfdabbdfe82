package io.lockn.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.lockn.core.AttributionKeys;
import java.math.BigDecimal;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link PricingConfig.Builder}, the one parser of the pricing properties: defaults, both forms of aliases and
 * discounts, and one exact message per mistake, naming the property.
 */
class PricingConfigTest {

  @Test
  void defaults() {
    PricingConfig c = PricingConfig.builder().build();

    assertThat(c.enabled()).isTrue();
    assertThat(c.failOnError()).isFalse();
    assertThat(c.catalog()).isEmpty();
    assertThat(c.liteLlm()).isNull();
    assertThat(c.aliases()).isEmpty();
    assertThat(c.discounts()).isEmpty();
    assertThat(c.metricAttributionKeys()).isEmpty();
    assertThat(c.metricCardinalityLimit()).isEqualTo(100);
    assertThat(c.attributionKeys().allKeys()).isEqualTo(AttributionKeys.defaults().allKeys());
    assertThat(c.attributionKeys().maxValueLength()).isEqualTo(128);
    assertThat(c.changesPrices()).isFalse();
    assertThat(PricingConfig.defaults().toString()).isEqualTo(c.toString());
  }

  @Test
  void values_areParsed_trimmed_andKeptInOrder() {
    PricingConfig c = PricingConfig.builder()
        .setEnabled(" FALSE ")
        .setFailOnError("True")
        .addCatalog(" a.json ").addCatalog("classpath:b.json")
        .setLiteLlm(" litellm.json ")
        .addMetricAttributionKey("app.tenant_id")
        .setMetricCardinalityLimit(" 7 ")
        .setTenantKey("org.id").setCostCenterKey("org.cc").setWorkflowIdKey("org.wf").setFeatureKey("org.feature")
        .setPlanKey("org.plan").setUserIdKey("org.user").addExtraAttributionKey("app.env")
        .setMaxValueLength("16")
        .build();

    assertThat(c.enabled()).isFalse();
    assertThat(c.failOnError()).isTrue();
    assertThat(c.catalog()).containsExactly("a.json", "classpath:b.json");
    assertThat(c.liteLlm()).isEqualTo("litellm.json");
    assertThat(c.metricAttributionKeys()).containsExactly("app.tenant_id");
    assertThat(c.metricCardinalityLimit()).isEqualTo(7);
    assertThat(c.attributionKeys().allKeys())
        .containsExactly("org.id", "org.cc", "org.wf", "org.feature", "org.plan", "org.user", "app.session_id",
            "app.env");
    assertThat(c.attributionKeys().maxValueLength()).isEqualTo(16);
    assertThat(c.changesPrices()).isTrue();
  }

  @Test
  void blankFlagsAndNumbers_areUnset() {
    PricingConfig c = PricingConfig.builder().setEnabled(" ").setFailOnError("").setLiteLlm(" ")
        .setMetricCardinalityLimit("").setMaxValueLength(" ").build();

    assertThat(c.enabled()).isTrue();
    assertThat(c.failOnError()).isFalse();
    assertThat(c.liteLlm()).isNull();
    assertThat(c.metricCardinalityLimit()).isEqualTo(100);
    assertThat(c.attributionKeys().maxValueLength()).isEqualTo(128);
  }

  @Test
  void failOnErrorDefault_isTheHosts() {
    assertThat(PricingConfig.builder().setFailOnErrorDefault(true).build().failOnError()).isTrue();
    assertThat(PricingConfig.builder().setFailOnErrorDefault(true).setFailOnError("false").build().failOnError())
        .isFalse();
    // failsOnError() cannot fail on the flag itself: an invalid value gives the host's default.
    assertThat(PricingConfig.builder().setFailOnErrorDefault(true).setFailOnError("yes").failsOnError()).isTrue();
    assertThat(PricingConfig.builder().setFailOnError("yes").failsOnError()).isFalse();
  }

  @Test
  void buildDefaults_keepsAValidEnabledFalse() {
    assertThat(PricingConfig.builder().setEnabled("false").addDiscounts("x").buildDefaults().enabled()).isFalse();
    assertThat(PricingConfig.builder().setEnabled("maybe").buildDefaults().enabled()).isTrue();
    assertThat(PricingConfig.builder().addDiscounts("x").buildDefaults()).isSameAs(PricingConfig.defaults());
  }

  @Test
  void aliasesAndDiscounts_oneLineAndStructuredForms_areTheSame() {
    PricingConfig oneLine = PricingConfig.builder()
        .addAliases("prod-gpt4o-eu=azure.ai.openai/gpt-4o;region=eu, batch = openai/gpt-4o-mini ,")
        .addAliases("router=openrouter/meta-llama/llama-3-70b")
        .addDiscounts("openai=15, anthropic/claude-sonnet-4-5=12.5")
        .build();
    PricingConfig structured = PricingConfig.builder()
        .addAlias("prod-gpt4o-eu", "azure.ai.openai", "gpt-4o", "eu")
        .addAlias("batch", "openai", "gpt-4o-mini", null)
        .addAlias("router", "openrouter", "meta-llama/llama-3-70b", null)
        .addDiscount("openai", "15")
        .addDiscount("anthropic/claude-sonnet-4-5", "12.5")
        .build();

    assertThat(oneLine.aliases()).isEqualTo(structured.aliases()).containsExactly(
        new PricingConfig.Alias("prod-gpt4o-eu", "azure.ai.openai", "gpt-4o", "eu"),
        new PricingConfig.Alias("batch", "openai", "gpt-4o-mini", null),
        // The provider ends at the first slash; the model keeps the rest.
        new PricingConfig.Alias("router", "openrouter", "meta-llama/llama-3-70b", null));
    assertThat(oneLine.discounts()).isEqualTo(structured.discounts()).containsExactly(
        new PricingConfig.Discount("openai", "openai", null, new BigDecimal("15")),
        new PricingConfig.Discount("anthropic/claude-sonnet-4-5", "anthropic", "claude-sonnet-4-5",
            new BigDecimal("12.5")));
    assertThat(oneLine.aliases().get(0).property("model")).isEqualTo("lockn.pricing.aliases[prod-gpt4o-eu].model");
    assertThat(oneLine.discounts().get(1).property()).isEqualTo("lockn.pricing.discounts[anthropic/claude-sonnet-4-5]");
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        bad(b -> b.setEnabled("yes"), "lockn.pricing.enabled", "must be true or false, was \"yes\""),
        bad(b -> b.setFailOnError("1"), "lockn.pricing.fail-on-error", "must be true or false, was \"1\""),
        bad(b -> b.setSpanCostBreakdown("all"), "lockn.pricing.span.cost-breakdown",
            "must be true or false, was \"all\""),
        bad(b -> b.addCatalog("a.json").addCatalog(" "), "lockn.pricing.catalog[1]", "must not be blank"),
        bad(b -> b.addAlias("prod", null, "gpt-4o", null), "lockn.pricing.aliases[prod].provider",
            "must not be blank"),
        bad(b -> b.addAlias("prod", "azure.ai.openai", " ", null), "lockn.pricing.aliases[prod].model",
            "must not be blank"),
        bad(b -> b.addAlias("prod", "azure.ai.openai", "gpt-4o", ""), "lockn.pricing.aliases[prod].region",
            "must not be blank"),
        bad(b -> b.addAliases("prod=azure.ai.openai/gpt-4o,prod=openai/gpt-4o"), "lockn.pricing.aliases[prod]",
            "the name prod is given twice"),
        bad(b -> b.addAliases("prod=gpt-4o"), "lockn.pricing.aliases",
            "must be NAME=PROVIDER/MODEL or NAME=PROVIDER/MODEL;region=REGION, was \"prod=gpt-4o\""),
        bad(b -> b.addAliases("prod=openai/gpt-4o;eu"), "lockn.pricing.aliases",
            "must be NAME=PROVIDER/MODEL or NAME=PROVIDER/MODEL;region=REGION, was \"prod=openai/gpt-4o;eu\""),
        bad(b -> b.addAliases("prod=openai/"), "lockn.pricing.aliases[prod].model", "must not be blank"),
        bad(b -> b.addDiscount("openai", "150"), "lockn.pricing.discounts[openai]",
            "must be a percent from 0 to 100, was \"150\""),
        bad(b -> b.addDiscount("openai", "-1"), "lockn.pricing.discounts[openai]",
            "must be a percent from 0 to 100, was \"-1\""),
        bad(b -> b.addDiscount("openai", "lots"), "lockn.pricing.discounts[openai]",
            "must be a percent from 0 to 100, was \"lots\""),
        bad(b -> b.addDiscount("openai", null), "lockn.pricing.discounts[openai]",
            "a percent off list price is required"),
        bad(b -> b.addDiscount("openai", "12.123456789"), "lockn.pricing.discounts[openai]",
            "has more than 8 decimal places, was \"12.123456789\""),
        bad(b -> b.addDiscount("/gpt-4o", "10"), "lockn.pricing.discounts[/gpt-4o]",
            "the key must be a provider or provider/model, was \"/gpt-4o\""),
        bad(b -> b.addDiscounts("openai=10,openai=20"), "lockn.pricing.discounts[openai]",
            "the key openai is given twice"),
        bad(b -> b.addDiscounts("openai"), "lockn.pricing.discounts",
            "must be KEY=PERCENT, KEY a provider or provider/model, was \"openai\""),
        bad(b -> b.addMetricAttributionKey(" "), "lockn.pricing.metric.attribution-keys[0]", "must not be blank"),
        bad(b -> b.setMetricCardinalityLimit("0"), "lockn.pricing.metric.cardinality-limit",
            "must be a whole number from 1 to 2147483647, was \"0\""),
        bad(b -> b.setMetricCardinalityLimit("lots"), "lockn.pricing.metric.cardinality-limit",
            "must be a whole number from 1 to 2147483647, was \"lots\""),
        bad(b -> b.setMetricCardinalityLimit("2147483648"), "lockn.pricing.metric.cardinality-limit",
            "must be a whole number from 1 to 2147483647, was \"2147483648\""),
        bad(b -> b.setTenantKey(" "), "lockn.attribution.tenant", "must not be blank"),
        bad(b -> b.setUserIdKey(""), "lockn.attribution.user-id", "must not be blank"),
        bad(b -> b.addExtraAttributionKey("app.env").addExtraAttributionKey(null), "lockn.attribution.extra-keys[1]",
            "must not be blank"),
        bad(b -> b.setMaxValueLength("0"), "lockn.attribution.max-value-length",
            "must be a whole number from 1 to 2147483647, was \"0\""));
  }

  private static Arguments bad(UnaryOperator<PricingConfig.Builder> values, String property, String problem) {
    return Arguments.of(values, property, problem);
  }

  @ParameterizedTest(name = "{1}: {2}")
  @MethodSource("invalid")
  void invalidValue_namesTheProperty(UnaryOperator<PricingConfig.Builder> values, String property, String problem) {
    PricingConfigException e =
        catchThrowableOfType(PricingConfigException.class, () -> values.apply(PricingConfig.builder()).build());

    assertThat(e.property()).isEqualTo(property);
    assertThat(e.problem()).isEqualTo(problem);
    assertThat(e).hasMessage(property + ": " + problem);
  }

  @Test
  void theFirstProblemReported_doesNotDependOnTheOrderValuesWereSetIn() {
    List<PricingConfig.Builder> both = List.of(
        PricingConfig.builder().setMetricCardinalityLimit("0").setEnabled("yes"),
        PricingConfig.builder().setEnabled("yes").setMetricCardinalityLimit("0"));

    for (PricingConfig.Builder b : both) {
      assertThat(catchThrowableOfType(PricingConfigException.class, b::build).property())
          .isEqualTo(PricingConfig.ENABLED);
    }
  }

  @Test
  void spanCostBreakdown_offByDefault_onWhenSet() {
    assertThat(PricingConfig.defaults().spanCostBreakdown()).isFalse();
    assertThat(PricingConfig.builder().setSpanCostBreakdown(" TRUE ").build().spanCostBreakdown()).isTrue();
  }

  @Test
  void parseBoolean() {
    assertThat(PricingConfig.parseBoolean("p", null, true)).isTrue();
    assertThat(PricingConfig.parseBoolean("p", " ", false)).isFalse();
    assertThat(PricingConfig.parseBoolean("p", " False", true)).isFalse();
    assertThat(catchThrowableOfType(PricingConfigException.class, () -> PricingConfig.parseBoolean("p", "on", true)))
        .hasMessage("p: must be true or false, was \"on\"");
  }

  @Test
  void attributionSources_sessionKey_andDefaultSources() {
    PricingConfig c = PricingConfig.builder()
        .setSessionIdKey("chat.session")
        .addAttributionSources(" app.tenant_id = org.id , app.tenant_id=metadata#org ")
        .setDefaultAttributionSources("false")
        .build();
    assertThat(c.attributionKeys().sessionIdKey()).isEqualTo("chat.session");
    assertThat(c.attributionKeys().sources()).containsOnlyKeys("app.tenant_id");
    assertThat(c.attributionKeys().sources("app.tenant_id")).containsExactly("org.id", "metadata#org");
    assertThat(PricingConfig.builder().build().attributionKeys().sources("app.tenant_id")).contains("tenant.id");

    PricingConfigException bad = catchThrowableOfType(PricingConfigException.class,
        () -> PricingConfig.builder().addAttributionSources("app.tenant_id").build());
    assertThat(bad.property()).isEqualTo(PricingConfig.ATTRIBUTION_SOURCES);
    assertThat(bad).hasMessageContaining("KEY=SOURCE").hasMessageContaining("app.tenant_id");
    assertThat(catchThrowableOfType(PricingConfigException.class,
        () -> PricingConfig.builder().addAttributionSources("app.tenant_id=metadata#").build()).property())
        .isEqualTo(PricingConfig.ATTRIBUTION_SOURCES);
    assertThat(catchThrowableOfType(PricingConfigException.class,
        () -> PricingConfig.builder().setDefaultAttributionSources("maybe").build()).property())
        .isEqualTo(PricingConfig.ATTRIBUTION_DEFAULT_SOURCES);
  }
}
