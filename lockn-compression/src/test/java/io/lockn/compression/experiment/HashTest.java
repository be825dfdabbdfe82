package io.lockn.compression.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class HashTest {

  /** Reference FNV-1a 32-bit values (draft-eastlake-fnv test vectors) for ASCII input. */
  @ParameterizedTest(name = "fnv32a(\"{0}\") = {1}")
  @CsvSource({"'', 811c9dc5", "a, e40c292c", "foobar, bf9cf968"})
  void fnv32aMatchesReferenceVectors(String input, String hex) {
    assertThat(GrowthBookHashing.fnv32a(input)).isEqualTo(Long.parseLong(hex, 16));
  }

  @Test
  void fnv32aHashesUtf16CodeUnitsNotBytes() {
    // U+00FC is one UTF-16 code unit (0xFC) but two UTF-8 bytes; U+1F600 is a surrogate pair, two code units.
    assertThat(GrowthBookHashing.fnv32a("\u00fc")).isEqualTo(manual(new int[] {0xFC}));
    assertThat(GrowthBookHashing.fnv32a("\uD83D\uDE00")).isEqualTo(manual(new int[] {0xD83D, 0xDE00}));
    assertThat(GrowthBookHashing.fnv32a("\u00fc")).isNotEqualTo(manual(new int[] {0xC3, 0xBC}));
  }

  /** GrowthBook's JavaScript loop, in longs: h ^= c; h += (h<<1)+(h<<4)+(h<<7)+(h<<8)+(h<<24); h >>> 0. */
  private static long manual(int[] codeUnits) {
    long h = 0x811c9dc5L;
    for (int c : codeUnits) {
      h ^= c;
      h += (h << 1) + (h << 4) + (h << 7) + (h << 8) + (h << 24);
      h &= 0xffffffffL;
    }
    return h;
  }

  @Test
  void v2HashesTheDecimalStringOfTheInnerHash() {
    long inner = GrowthBookHashing.fnv32a("seed" + "a");
    long outer = GrowthBookHashing.fnv32a(Long.toString(inner));
    assertThat(GrowthBookHashing.hash("seed", "a", 2)).hasValue((outer % 10000) / 10000.0);
  }

  @Test
  void hashesStayInUnitInterval() {
    for (int i = 0; i < 10_000; i++) {
      String id = "u" + i;
      assertThat(GrowthBookHashing.hash("s", id, 2).orElseThrow()).isBetween(0.0, 0.9999);
      assertThat(GrowthBookHashing.hash("s", id, 1).orElseThrow()).isBetween(0.0, 0.999);
    }
  }
}
