package io.lockn.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelIdsTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    // OpenAI: dated snapshots, legacy 4-digit versions, provider paths and case
    "gpt-4o-2024-08-06, gpt-4o",
    "openai/gpt-4o, gpt-4o",
    "GPT-4o, gpt-4o",
    "gpt-4o, gpt-4o",
    "gpt-4-0613, gpt-4",
    "gpt-3.5-turbo-0125, gpt-3.5-turbo",
    "gpt-4o-mini, gpt-4o-mini",
    "gpt-4o-mini-2024-07-18, gpt-4o-mini",
    "gpt-4-turbo-2024-04-09, gpt-4-turbo",
    "o3-2025-04-16, o3",
    "o3-mini-2025-01-31, o3-mini",
    "o1, o1",
    // Anthropic, Vertex AI and Bedrock spellings of the same model
    "claude-3-5-sonnet-20241022, claude-3-5-sonnet",
    "claude-3-5-sonnet@20240620, claude-3-5-sonnet",
    "claude-3-5-sonnet-latest, claude-3-5-sonnet",
    "us.anthropic.claude-3-5-sonnet-20241022-v2:0, claude-3-5-sonnet",
    "anthropic.claude-3-haiku-20240307-v1:0, claude-3-haiku",
    "claude-sonnet-4-5-20250929, claude-sonnet-4-5",
    // Gemini
    "models/gemini-1.5-pro-002, gemini-1.5-pro",
    "gemini-2.5-pro-preview-05-06, gemini-2.5-pro",
    "gemini-2.0-flash-001, gemini-2.0-flash",
    "gemini-2.0-flash-exp, gemini-2.0-flash",
    "projects/p/locations/us-central1/publishers/google/models/gemini-1.5-flash-002, gemini-1.5-flash",
  })
  void family_normalisesToTheFamily(String modelId, String family) {
    assertThat(ModelIds.family(modelId)).isEqualTo(family);
  }

  @Test
  void family_stripsSurroundingWhitespace() {
    assertThat(ModelIds.family("  gpt-4o-2024-08-06\t")).isEqualTo("gpt-4o");
  }

  /** The fuzzer's findings: stacked prefixes and suffixes, whitespace after a path. The family of a family is itself. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "openai/ gpt-4o|gpt-4o",
    "us.eu.claude-3-haiku|claude-3-haiku",
    "anthropic.us.claude-3-haiku|claude-3-haiku",
    "gpt-4o-001-001-001-001-001|gpt-4o",
    "claude-3-haiku-v1:0@001|claude-3-haiku",
    "gpt-4o:latest-2024-08-06|gpt-4o",
  })
  void family_isIdempotent(String modelId, String family) {
    assertThat(ModelIds.family(modelId)).isEqualTo(family);
    assertThat(ModelIds.family(family)).isEqualTo(family);
    assertThat(ModelIds.sameFamily(modelId, family)).isTrue();
  }

  @Test
  void family_nullOrBlankIsEmpty() {
    assertThat(ModelIds.family(null)).isEmpty();
    assertThat(ModelIds.family("")).isEmpty();
    assertThat(ModelIds.family("   ")).isEmpty();
  }

  @Test
  void family_keepsAtLeastOneCharacterWhenTheWholeIdLooksLikeASuffix() {
    assertThat(ModelIds.family("-latest")).isEqualTo("-latest");
  }

  @Test
  void family_tenThousandCharacterIdIsCutAndHandledFast() {
    String huge = "a".repeat(10_000);
    String hostile = "gpt-" + "-0".repeat(5_000) + "-2024-08-06";
    String digits = "1".repeat(10_000);

    String family =
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
          String result = null;
          for (int i = 0; i < 100; i++) {
            result = ModelIds.family(huge);
            ModelIds.family(hostile);
            ModelIds.family(digits);
          }
          return result;
        });

    assertThat(family).isEqualTo("a".repeat(256));
    assertThat(ModelIds.family(hostile)).hasSizeLessThanOrEqualTo(256);
    assertThat(ModelIds.family(digits)).isEqualTo("1".repeat(256));
  }

  @Test
  void sameFamily_snapshotOfTheRequestedModelIsNotASubstitution() {
    assertThat(ModelIds.sameFamily("gpt-4o", "gpt-4o-2024-08-06")).isTrue();
    assertThat(ModelIds.sameFamily("claude-3-5-sonnet-20241022", "us.anthropic.claude-3-5-sonnet-20241022-v2:0"))
        .isTrue();
    assertThat(ModelIds.sameFamily("gemini-1.5-pro", "models/gemini-1.5-pro-002")).isTrue();
    assertThat(ModelIds.sameFamily("GPT-4o", "openai/gpt-4o")).isTrue();
  }

  @Test
  void sameFamily_differentModelIsASubstitution() {
    assertThat(ModelIds.sameFamily("gpt-4", "gpt-3.5-turbo")).isFalse();
    assertThat(ModelIds.sameFamily("gpt-4o", "gpt-4o-mini")).isFalse();
    assertThat(ModelIds.sameFamily("gpt-4o", "gpt-4")).isFalse();
    assertThat(ModelIds.sameFamily("claude-3-5-sonnet", "claude-3-haiku-20240307")).isFalse();
    assertThat(ModelIds.sameFamily("gemini-2.5-pro", "gemini-2.5-flash")).isFalse();
  }

  @Test
  void sameFamily_unknownSideIsNotASubstitution() {
    assertThat(ModelIds.sameFamily(null, "gpt-4o")).isTrue();
    assertThat(ModelIds.sameFamily("gpt-4o", null)).isTrue();
    assertThat(ModelIds.sameFamily("gpt-4o", " ")).isTrue();
  }
}
