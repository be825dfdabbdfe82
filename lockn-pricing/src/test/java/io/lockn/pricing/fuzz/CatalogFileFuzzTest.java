package io.lockn.pricing.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.lockn.pricing.PriceCatalog;
import io.lockn.pricing.PriceCatalogException;
import java.io.ByteArrayInputStream;

/**
 * Fuzzes LockN's price-file parser ({@code PriceCatalog.Builder.addJson}). Seeds: the bundled catalog and the test
 * catalogs, in {@code CatalogFileFuzzTestInputs/catalogFile/}; findings are saved there too and replayed in every
 * build.
 */
class CatalogFileFuzzTest {

  private static final String NAME = "fuzz.json";

  /**
   * Any input is either loaded or rejected with a {@link PriceCatalogException} that names the file and is short;
   * a rejected file adds nothing to the builder. Any other throwable (NPE, ClassCastException, StackOverflowError,
   * OutOfMemoryError, or a hang caught by Jazzer's timeout) is a finding.
   */
  @FuzzTest(maxDuration = "15s")
  void catalogFile(byte[] data) {
    PriceCatalog.Builder builder =
        FuzzChecks.loadOrReject(b -> b.addJson(new ByteArrayInputStream(data), NAME), NAME);
    if (builder == null) {
      return;
    }
    PriceCatalog catalog = builder.build();
    // A loaded entry resolves to itself under its own provider and id.
    catalog.entries().forEach(entry -> {
      var match = catalog.resolve(entry.provider(), entry.model());
      if (match == null || !match.entry().id().equals(entry.id())) {
        throw new AssertionError(entry.id() + " resolves to " + (match == null ? null : match.entry().id()));
      }
    });
  }
}
