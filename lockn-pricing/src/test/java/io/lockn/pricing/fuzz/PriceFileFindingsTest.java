package io.lockn.pricing.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lockn.pricing.PriceCatalog;
import io.lockn.pricing.PriceCatalogException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * What the price-file fuzz targets found, minimized, as plain tests: each input was rejected with something other
 * than a short {@link PriceCatalogException} (or took unbounded time or memory) before the fix.
 */
class PriceFileFindingsTest {

  private static InputStream json(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String catalogWithPrice(String input) {
    return "{\"schema_version\":1,\"models\":[{\"provider\":\"a\",\"model\":\"m\",\"prices\":[{\"input\":" + input
        + ",\"output\":1}]}]}";
  }

  private static String liteLlm(String extraFields) {
    return "{\"m\":{\"litellm_provider\":\"openai\",\"input_cost_per_token\":1e-6,\"output_cost_per_token\":2e-6"
        + extraFields + "}}";
  }

  @Test
  void hugeExponent_isOutOfRange_notAMillionCharacterMessage() {
    // Found by CatalogFileFuzzTest: "output": 1e1000000 gave a 1,000,110-character message (the number printed in
    // full); 1e999999999 (eleven characters) would have printed a billion digits.
    for (String price : new String[] {"1e1000000", "1e999999999", "\"1e999999999\"", "\"1e-999999999\""}) {
      assertThatThrownBy(() -> PriceCatalog.builder().addJson(json(catalogWithPrice(price)), "f.json"))
          .isExactlyInstanceOf(PriceCatalogException.class)
          .hasMessageStartingWith("f.json: models[0] (a/m): prices[0]: input is out of range: '")
          .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(120));
    }
  }

  @Test
  void zeroWithAHugeScale_isZero() {
    // 0E-999999999 is a valid zero; printing it as a plain string would write a billion zeros.
    PriceCatalog catalog = PriceCatalog.builder().addJson(json(catalogWithPrice("\"0E-999999999\"")), "f.json").build();
    assertThat(catalog.entries()).hasSize(1);
  }

  @Test
  void longDecimalText_isRejectedBeforeParsing() {
    // A 100,000-digit price string: BigDecimal parsing is quadratic in its length.
    String digits = "\"1" + "0".repeat(100_000) + "\"";
    assertThatThrownBy(() -> PriceCatalog.builder().addJson(json(catalogWithPrice(digits)), "f.json"))
        .isExactlyInstanceOf(PriceCatalogException.class)
        .hasMessageContaining("prices[0]: input is not a decimal number: '1000")
        .hasMessageContaining("(100001 chars)")
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(200));
  }

  @Test
  void numberJacksonCannotRepresent_isAPriceCatalogException_notANumberFormatException() {
    // Found by CatalogFileFuzzTest: Jackson throws NumberFormatException ("Too many nonzero exponent digits") from
    // readTree, which is not an IOException, so it escaped both parsers unwrapped.
    assertThatThrownBy(() -> PriceCatalog.builder().addJson(json("[1e1000000128000]"), "f.json"))
        .isExactlyInstanceOf(PriceCatalogException.class)
        .hasMessageStartingWith("f.json: not valid JSON: ");
    assertThatThrownBy(() -> PriceCatalog.builder().addLiteLlm(json("[1e1000000128000]"), "l.json"))
        .isExactlyInstanceOf(PriceCatalogException.class)
        .hasMessageStartingWith("l.json: not valid JSON: ");
  }

  @Test
  void jsonSyntaxError_isOneShortLineWithItsPosition() {
    // Jackson's message quotes up to 256 characters of the bad token and continues on a second line.
    String token = "x".repeat(5_000);
    assertThatThrownBy(() -> PriceCatalog.builder().addJson(json("{\"schema_version\":1,\n\"a\":" + token + "}"),
        "f.json"))
        .isExactlyInstanceOf(PriceCatalogException.class)
        .hasMessageStartingWith("f.json: not valid JSON: line 2, column ")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").hasSizeLessThan(300));
  }

  @Test
  void liteLlmHugeCost_isOutOfRange_withTheNumberQuotedShort() {
    // Found by LiteLlmFileFuzzTest: "cache_read_input_token_cost": 2.8e300 gave a 799-character message.
    assertThatThrownBy(() -> PriceCatalog.builder().addLiteLlm(json(liteLlm(",\"cache_read_input_token_cost\":2.8e300")),
        "l.json"))
        .isExactlyInstanceOf(PriceCatalogException.class)
        .hasMessage("l.json: \"m\": cache_read_input_token_cost is out of range: '2.8E+300'");
  }

  @Test
  void liteLlmTierThresholdBeyondLong_isAPriceCatalogException() {
    // "..._above_99999999999999999999k_tokens" threw NumberFormatException from Long.parseLong; 10 digits or more
    // overflowed the k-token multiplication silently.
    assertThatThrownBy(() -> PriceCatalog.builder().addLiteLlm(
        json(liteLlm(",\"input_cost_per_token_above_99999999999999999999k_tokens\":2e-6")), "l.json"))
        .isExactlyInstanceOf(PriceCatalogException.class)
        .hasMessage("l.json: \"m\": input_cost_per_token_above_99999999999999999999k_tokens names a threshold out of"
            + " range");
  }

  @Test
  void longModelId_isQuotedShortInTheEntryLabel() {
    // An entry's label quoted its provider and model in full: a 100,000-character id, a 100,000-character message.
    String id = "m".repeat(100_000);
    assertThatThrownBy(() -> PriceCatalog.builder().addJson(json(
        "{\"schema_version\":1,\"models\":[{\"provider\":\"a\",\"model\":\"" + id + "\"}]}"), "f.json"))
        .isExactlyInstanceOf(PriceCatalogException.class)
        .hasMessageStartingWith("f.json: models[0] (a/mmm")
        .hasMessageContaining("... (100000 chars))")
        .hasMessageEndingWith("prices must be a non-empty array (or give same_as)")
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(200));
  }

  @Test
  void controlCharactersInQuotedInput_cannotForgeLogLines() {
    assertThatThrownBy(() -> PriceCatalog.builder().addJson(json(
        "{\"schema_version\":1,\"models\":[],\"x\\nERROR forged\":1}"), "f.json"))
        .isExactlyInstanceOf(PriceCatalogException.class)
        .hasMessageContaining("unknown field 'x?ERROR forged'");
  }

  @Test
  void nonStringAlias_isRejected() {
    // Found reading the parser for the fuzz target: [5] became the alias "5", and {} the blank alias.
    assertThatThrownBy(() -> PriceCatalog.builder().addJson(json(
        "{\"schema_version\":1,\"models\":[{\"provider\":\"a\",\"model\":\"m\",\"aliases\":[5],"
            + "\"prices\":[{\"input\":1,\"output\":1}]}]}"), "f.json"))
        .isExactlyInstanceOf(PriceCatalogException.class)
        .hasMessage("f.json: models[0] (a/m): aliases must be an array of strings");
  }
}
