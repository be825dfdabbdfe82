package io.lockn.pricing.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.lockn.core.spi.UsageLogger;
import io.lockn.pricing.ModelMatch;
import io.lockn.pricing.PriceCatalog;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Fuzzes the model-id normaliser of pricing ({@code ModelResolver}, through {@link PriceCatalog#resolve}) against
 * the bundled catalog. An input is {@code provider\nmodel} (UTF-8, malformed bytes replaced); seeds in {@code
 * ModelResolverFuzzTestInputs/resolve/} are real reported ids (dated, versioned, provider paths, Bedrock profiles).
 */
class ModelResolverFuzzTest {

  private static final PriceCatalog CATALOG = PriceCatalog.bundled();
  // PriceCatalog.resolve never throws into the host: it logs the failure and answers "unpriced". A failure it logs
  // is still a finding, so the fuzz target listens on LockN's usage logger for logged throwables.
  private static final Logger USAGE = Logger.getLogger(UsageLogger.LOGGER_NAME);
  private static final List<Throwable> LOGGED = new ArrayList<>();

  static {
    USAGE.setLevel(Level.ALL);
    USAGE.addHandler(new Handler() {
      @Override
      public void publish(LogRecord record) {
        if (record.getThrown() != null) {
          synchronized (LOGGED) {
            LOGGED.add(record.getThrown());
          }
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    });
  }

  /**
   * Total: any (provider, model) resolves or is unpriced, without a logged failure. Idempotent: what a reported id
   * resolves to, resolved again by its own provider and id, is the same entry.
   */
  @FuzzTest(maxDuration = "15s")
  void resolve(byte[] data) {
    String text = new String(data, StandardCharsets.UTF_8);
    int nl = text.indexOf('\n');
    String provider = nl < 0 ? "" : text.substring(0, nl);
    String model = nl < 0 ? text : text.substring(nl + 1);
    ModelMatch match = CATALOG.resolve(provider, model);
    synchronized (LOGGED) {
      if (!LOGGED.isEmpty()) {
        Throwable t = LOGGED.get(0);
        LOGGED.clear();
        throw new AssertionError("resolve(" + FuzzChecks.clip(provider) + ", " + FuzzChecks.clip(model)
            + ") failed inside", t);
      }
    }
    if (match == null) {
      return;
    }
    ModelMatch again = CATALOG.resolve(match.entry().provider(), match.entry().model());
    if (again == null || !again.entry().id().equals(match.entry().id())) {
      throw new AssertionError("resolve(" + FuzzChecks.clip(provider) + ", " + FuzzChecks.clip(model) + ") = "
          + match.entry().id() + ", but that id resolves to " + (again == null ? null : again.entry().id()));
    }
  }
}
