package io.lockn.pricing.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.lockn.pricing.PriceCatalog;
import io.lockn.pricing.PriceCatalogException;
import java.io.ByteArrayInputStream;

/**
 * Fuzzes the LiteLLM cost-map importer ({@code PriceCatalog.Builder.addLiteLlm}). Seeds: the LiteLLM excerpt the
 * import tests use, in {@code LiteLlmFileFuzzTestInputs/liteLlmFile/}.
 */
class LiteLlmFileFuzzTest {

  private static final String NAME = "fuzz-litellm.json";

  /**
   * Any input is either imported or rejected with a {@link PriceCatalogException} that names the file and is short;
   * a rejected file adds nothing. Any other throwable is a finding.
   */
  @FuzzTest(maxDuration = "15s")
  void liteLlmFile(byte[] data) {
    PriceCatalog.Builder builder =
        FuzzChecks.loadOrReject(b -> b.addLiteLlm(new ByteArrayInputStream(data), NAME), NAME);
    if (builder == null) {
      return;
    }
    builder.build();
  }
}
