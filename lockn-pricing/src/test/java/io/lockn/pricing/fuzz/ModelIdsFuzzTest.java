package io.lockn.pricing.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.lockn.core.ModelIds;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Fuzzes core's model-family normaliser ({@link ModelIds#family}), which the audit's substitution finding and the
 * FOCUS report use. It lives here because lockn-core has no fuzzing dependency; seeds in {@code
 * ModelIdsFuzzTestInputs/family/}.
 *
 */
class ModelIdsFuzzTest {

  /**
   * Total (never throws), bounded (at most 256 characters, the documented cut), lower case, blind to whitespace
   * around the id, and idempotent: the family of a family is itself (else {@code sameFamily} could call one model two
   * families).
   */
  @FuzzTest(maxDuration = "15s")
  void family(byte[] data) {
    String id = new String(data, StandardCharsets.UTF_8);
    String family = ModelIds.family(id);
    if (family.length() > 256) {
      throw new AssertionError("family is " + family.length() + " chars");
    }
    if (!family.equals(family.toLowerCase(Locale.ROOT))) {
      throw new AssertionError("family(" + FuzzChecks.clip(id) + ") = " + FuzzChecks.clip(family) + " is not lower case");
    }
    String again = ModelIds.family(family);
    if (!again.equals(family)) {
      throw new AssertionError("family(" + FuzzChecks.clip(id) + ") = " + FuzzChecks.clip(family)
          + ", but family of that = " + FuzzChecks.clip(again));
    }
    String padded = ModelIds.family(" \t" + id + "\n ");
    if (!padded.equals(family)) {
      throw new AssertionError("family(" + FuzzChecks.clip(id) + ") = " + FuzzChecks.clip(family)
          + ", but with whitespace around it " + FuzzChecks.clip(padded));
    }
  }
}
