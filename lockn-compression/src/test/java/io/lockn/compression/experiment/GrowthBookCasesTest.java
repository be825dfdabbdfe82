package io.lockn.compression.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** GrowthBook's cross-language cases, copied into {@code src/test/resources/growthbook/cases.json}. */
class GrowthBookCasesTest {

  private static final JsonNode CASES = load();

  private static JsonNode load() {
    try (InputStream in = GrowthBookCasesTest.class.getResourceAsStream("/growthbook/cases.json")) {
      if (in == null) {
        throw new IllegalStateException("growthbook/cases.json is missing");
      }
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Stream<JsonNode> section(String name) {
    JsonNode section = CASES.get(name);
    assertThat(section).as(name).isNotNull();
    List<JsonNode> rows = new ArrayList<>();
    section.forEach(rows::add);
    return rows.stream();
  }

  private static List<BucketRange> ranges(JsonNode node) {
    List<BucketRange> ranges = new ArrayList<>();
    node.forEach(r -> ranges.add(new BucketRange(r.get(0).asDouble(), r.get(1).asDouble())));
    return ranges;
  }

  private static double @Nullable [] doubles(JsonNode node) {
    if (node.isNull()) {
      return null;
    }
    double[] values = new double[node.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = node.get(i).asDouble();
    }
    return values;
  }

  static Stream<Arguments> hashCases() {
    return section("hash")
        .map(
            c ->
                Arguments.of(
                    c.get(0).asText(),
                    c.get(1).asText(),
                    c.get(2).asInt(),
                    c.get(3).isNull() ? null : c.get(3).asDouble()));
  }

  @ParameterizedTest(name = "hash(\"{0}\", \"{1}\", v{2}) = {3}")
  @MethodSource("hashCases")
  void hash(String seed, String value, int version, @Nullable Double expected) {
    OptionalDouble actual = GrowthBookHashing.hash(seed, value, version);
    if (expected == null) {
      assertThat(actual).isEmpty();
    } else {
      // (x % 10000) / 10000 is correctly rounded, like parsing the decimal, so the doubles are equal exactly.
      assertThat(actual).hasValue(expected);
    }
  }

  static Stream<Arguments> bucketRangeCases() {
    return section("getBucketRange")
        .map(
            c ->
                Arguments.of(
                    c.get(0).asText(),
                    c.get(1).get(0).asInt(),
                    c.get(1).get(1).asDouble(),
                    doubles(c.get(1).get(2)),
                    ranges(c.get(2))));
  }

  @ParameterizedTest(name = "getBucketRange: {0}")
  @MethodSource("bucketRangeCases")
  void getBucketRanges(
      String name, int numVariations, double coverage, double @Nullable [] weights, List<BucketRange> expected) {
    List<BucketRange> actual = GrowthBookHashing.getBucketRanges(numVariations, coverage, weights);
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      // GrowthBook's own test rounds to 6 decimals, since 0.2 * 0.2 is 0.04000000000000001 in any IEEE language.
      assertThat(actual.get(i).start()).as("range %d start", i).isCloseTo(expected.get(i).start(), within(1e-9));
      assertThat(actual.get(i).end()).as("range %d end", i).isCloseTo(expected.get(i).end(), within(1e-9));
    }
  }

  @Test
  void getBucketRangesDefaultsToFullCoverage() {
    assertThat(GrowthBookHashing.getBucketRanges(2, null, null))
        .containsExactly(new BucketRange(0, 0.5), new BucketRange(0.5, 1));
  }

  static Stream<Arguments> chooseVariationCases() {
    return section("chooseVariation")
        .map(c -> Arguments.of(c.get(0).asText(), c.get(1).asDouble(), ranges(c.get(2)), c.get(3).asInt()));
  }

  @ParameterizedTest(name = "chooseVariation: {0}")
  @MethodSource("chooseVariationCases")
  void chooseVariation(String name, double n, List<BucketRange> ranges, int expected) {
    assertThat(GrowthBookHashing.chooseVariation(n, ranges)).isEqualTo(expected);
  }

  static Stream<Arguments> inNamespaceCases() {
    return section("inNamespace")
        .map(
            c ->
                Arguments.of(
                    c.get(0).asText(),
                    c.get(1).asText(),
                    new Namespace(c.get(2).get(0).asText(), c.get(2).get(1).asDouble(), c.get(2).get(2).asDouble()),
                    c.get(3).asBoolean()));
  }

  @ParameterizedTest(name = "inNamespace: {0}")
  @MethodSource("inNamespaceCases")
  void inNamespace(String name, String unitId, Namespace namespace, boolean expected) {
    assertThat(GrowthBookHashing.inNamespace(unitId, namespace)).isEqualTo(expected);
  }

  static Stream<Arguments> equalWeightsCases() {
    return section("getEqualWeights").map(c -> Arguments.of(c.get(0).asInt(), doubles(c.get(1))));
  }

  @ParameterizedTest(name = "getEqualWeights({0})")
  @MethodSource("equalWeightsCases")
  void getEqualWeights(int n, double[] expected) {
    double[] actual = GrowthBookHashing.getEqualWeights(n);
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < expected.length; i++) {
      assertThat(actual[i]).isCloseTo(expected[i], within(1e-8));
    }
  }

  static Stream<Arguments> experimentCases() {
    return section("lockn:experimentBuckets")
        .map(
            c ->
                Arguments.of(
                    c.get(0).asText(),
                    c.get(1).asText(),
                    c.get(2).asInt(),
                    c.get(3).asText(),
                    doubles(c.get(4)),
                    c.get(5).asDouble(),
                    c.get(6).asDouble(),
                    c.get(7).asInt()));
  }

  @ParameterizedTest(name = "Experiment.assign as GrowthBook case \"{0}\"")
  @MethodSource("experimentCases")
  void experimentAssignsAsGrowthBook(
      String name,
      String seed,
      int hashVersion,
      String unitId,
      double[] weights,
      double coverage,
      double bucket,
      int variation) {
    Experiment.Builder builder =
        Experiment.builder("lockn-" + seed).setSeed(seed).setHashVersion(hashVersion).setCoverage(coverage);
    for (int i = 0; i < weights.length; i++) {
      builder.addVariation("v" + i, weights[i]);
    }
    Assignment assignment = builder.build().assign(unitId);

    assertThat(assignment.bucket()).isEqualTo(bucket);
    assertThat(assignment.variationIndex()).isEqualTo(variation);
    assertThat(assignment.variationKey()).isEqualTo("v" + variation);
    assertThat(assignment.inExperiment()).isTrue();
  }

  @Test
  void sectionSizesAsCopied() {
    assertThat(CASES.get("hash")).hasSize(15);
    assertThat(CASES.get("getBucketRange")).hasSize(13);
    assertThat(CASES.get("chooseVariation")).hasSize(13);
    assertThat(CASES.get("inNamespace")).hasSize(16);
    assertThat(CASES.get("getEqualWeights")).hasSize(6);
    assertThat(CASES.get("lockn:experimentBuckets")).hasSize(8);
  }
}
