package io.lockn.springai.internal;

import io.lockn.core.spi.UsageLogger;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatResponse;

/**
 * The provider's own usage of streamed responses, kept from the moment a stream's usage chunk passes until the chat
 * observation of that stream stops, keyed by response id.
 *
 * <p>Why: Spring AI 2.0.1 sets a streamed call's observation response to what {@code MessageAggregator} builds, whose
 * usage keeps only the prompt, completion and total counts (no cache reads or writes, no native usage). A chunk's
 * {@code doOnNext} downstream of the model's {@code Flux} runs on the producing thread before the aggregate completes
 * and the observation stops, so what it keeps here is there when {@code LockNObservationHandler} reads it.
 *
 * <p>Bounded: at most {@value #MAX_ENTRIES} entries, the oldest dropped first (a stream whose observation never
 * stops, or a decorated model without the handler, cannot grow it).
 *
 * <p>This class is internal and is hence not for public use. Its APIs are unstable and can change at any time.
 */
public final class StreamedUsages {

  /** Streams in flight at once whose usage chunk passed and whose observation has not stopped yet. */
  static final int MAX_ENTRIES = 1024;

  private static final Map<String, Usage> USAGES =
      new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Usage> eldest) {
          return size() > MAX_ENTRIES;
        }
      };

  private StreamedUsages() {}

  /**
   * Keeps a streamed chunk's usage when it has any (OpenAI sends it in a last, usage-only chunk). Never throws.
   *
   * @param chunk one streamed response
   */
  public static void capture(ChatResponse chunk) {
    try {
      if (chunk.getMetadata() == null) {
        return;
      }
      Usage usage = chunk.getMetadata().getUsage();
      String id = chunk.getMetadata().getId();
      if (usage == null || id == null || id.isEmpty() || SpringAiUsages.from(usage) == null) {
        return;
      }
      synchronized (USAGES) {
        USAGES.put(id, usage);
      }
    } catch (Throwable t) {
      UsageLogger.failed("capturing a streamed usage", t);
    }
  }

  /**
   * Takes (and forgets) the usage captured for a streamed response.
   *
   * @param responseId the aggregated response's id
   * @return the provider's usage of that stream, or {@code null} when none was captured
   */
  public static @Nullable Usage take(@Nullable String responseId) {
    if (responseId == null || responseId.isEmpty()) {
      return null;
    }
    synchronized (USAGES) {
      return USAGES.remove(responseId);
    }
  }

  /** Entries held now; for tests. */
  static int size() {
    synchronized (USAGES) {
      return USAGES.size();
    }
  }
}
