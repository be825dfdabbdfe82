package io.lockn.pricing.fuzz;

import io.lockn.pricing.PriceCatalog;
import io.lockn.pricing.PriceCatalogException;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/** The properties every price-file fuzz target checks on a rejected input. */
final class FuzzChecks {

  /**
   * The longest message a rejected file may produce, beyond the file name: long enough to name the entry and the
   * field, short enough that a hostile file cannot make the error (and the log line it becomes) carry the input.
   */
  static final int MAX_MESSAGE = 500;

  private FuzzChecks() {}

  /**
   * A rejected file must say where (its message starts with the file name) and stay short. Any other exception type
   * is not caught by the caller and so is itself a finding.
   */
  static void checkRejection(PriceCatalogException e, String fileName) {
    String message = e.getMessage();
    if (message == null || !message.startsWith(fileName + ":")) {
      throw new AssertionError("message does not name the file: " + clip(message), e);
    }
    if (message.length() > fileName.length() + MAX_MESSAGE) {
      throw new AssertionError("message is " + message.length() + " chars: " + clip(message), e);
    }
  }

  /**
   * Loads a fuzzed file into a fresh builder: returns the builder when it was accepted, or {@code null} when it was
   * rejected with a short {@link PriceCatalogException} naming the file and leaving nothing in the builder.
   */
  static PriceCatalog.@Nullable Builder loadOrReject(Consumer<PriceCatalog.Builder> load, String fileName) {
    PriceCatalog.Builder builder = PriceCatalog.builder();
    try {
      load.accept(builder);
    } catch (PriceCatalogException e) {
      checkRejection(e, fileName);
      int left = builder.build().entries().size();
      if (left != 0) {
        throw new AssertionError("a rejected file left " + left + " entries in the builder", e);
      }
      return null;
    }
    return builder;
  }

  static String clip(String s) {
    return s == null || s.length() <= 300 ? String.valueOf(s) : s.substring(0, 300) + "...";
  }
}
