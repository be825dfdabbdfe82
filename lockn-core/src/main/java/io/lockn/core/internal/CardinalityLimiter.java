package io.lockn.core.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps the first {@code limit} distinct values of a metric attribute and maps every later value to {@link #OVERFLOW},
 * so that metric cardinality stays bounded whatever the application sends. Concurrent first sightings may admit a
 * few values beyond the limit (at most one per racing thread), never more.
 */
final class CardinalityLimiter {

  /** The value recorded once the limit is reached. */
  static final String OVERFLOW = "_OTHER";

  private final int limit;
  private final Set<String> seen = ConcurrentHashMap.newKeySet();

  CardinalityLimiter(int limit) {
    this.limit = limit;
  }

  String limit(String value) {
    if (seen.contains(value)) {
      return value;
    }
    if (seen.size() < limit) {
      seen.add(value);
      return value;
    }
    return OVERFLOW;
  }
}
