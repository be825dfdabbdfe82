package io.lockn.core.internal;

/**
 * Infers unreported cache hits: for each prompt key it keeps a running expectation (an exponentially weighted mean)
 * of the input tokens, and reports a hit when a call's input tokens fall below {@code ratio} times that expectation
 * after at least two earlier observations.
 *
 * <p>Memory is fixed: a direct-mapped table of {@link #SLOTS} entries indexed by a 64-bit hash of the key. A
 * colliding key evicts the older one, which costs at most a missed inference, never a false one for an unseen key.
 * Access is striped over small locks; no allocation per observation.
 */
final class PromptCacheInference {

  static final int SLOTS = 4096;
  private static final int STRIPES = 64;
  // Weight of a new observation in the running expectation.
  private static final double ALPHA = 0.3;

  private final double ratio;
  private final long[] keys = new long[SLOTS];
  private final double[] expected = new double[SLOTS];
  private final int[] observations = new int[SLOTS];
  private final Object[] locks = new Object[STRIPES];

  PromptCacheInference(double ratio) {
    this.ratio = ratio;
    for (int i = 0; i < STRIPES; i++) {
      locks[i] = new Object();
    }
  }

  /**
   * Records an observation and tells whether it looks like a cache hit.
   *
   * @param keyHash the 64-bit hash of the prompt key
   * @param inputTokens the call's input tokens
   * @return {@code true} when a hit is inferred
   */
  boolean observe(long keyHash, long inputTokens) {
    int slot = (int) (keyHash ^ (keyHash >>> 32)) & (SLOTS - 1);
    synchronized (locks[slot & (STRIPES - 1)]) {
      if (keys[slot] != keyHash || observations[slot] == 0) {
        keys[slot] = keyHash;
        expected[slot] = inputTokens;
        observations[slot] = 1;
        return false;
      }
      boolean hit = observations[slot] >= 2 && inputTokens < ratio * expected[slot];
      if (!hit) {
        // Hits are kept out of the expectation so that a run of hits does not lower the bar.
        expected[slot] = (1 - ALPHA) * expected[slot] + ALPHA * inputTokens;
        if (observations[slot] < Integer.MAX_VALUE) {
          observations[slot]++;
        }
      }
      return hit;
    }
  }

  /** FNV-1a over the UTF-16 chars: stable across runs, no allocation. */
  static long hash(String key) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < key.length(); i++) {
      h ^= key.charAt(i);
      h *= 0x100000001b3L;
    }
    return h == 0 ? 1 : h;
  }
}
