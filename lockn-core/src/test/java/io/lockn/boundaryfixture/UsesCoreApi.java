package io.lockn.boundaryfixture;

import io.lockn.core.AttributionKeys;
import io.lockn.core.spi.UsageLogger;

/** A class of "another module" that uses lockn-core's API and spi only: what the first rule must accept. */
final class UsesCoreApi {

  private UsesCoreApi() {}

  static String tenantKey() {
    UsageLogger.warn("fixture");
    return AttributionKeys.defaults().tenantKey();
  }
}
