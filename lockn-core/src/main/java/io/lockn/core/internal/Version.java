package io.lockn.core.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** LockN's version, from the build-time filtered {@code lockn-version.properties}. */
final class Version {

  private static final String VERSION = load();

  private Version() {}

  static String get() {
    return VERSION;
  }

  private static String load() {
    try (InputStream in = Version.class.getResourceAsStream("/io/lockn/core/internal/lockn-version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }
}
