package io.lockn.cli.audit;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A progress bar on stderr, shown only once the input has taken more than {@value #DELAY_MILLIS} ms, so that quick
 * runs stay quiet; redrawn at most four times a second.
 */
final class Progress {

  static final long DELAY_MILLIS = 2000;

  private final PrintStream err;
  private final long totalBytes;
  private final long start = System.nanoTime();
  private long lastDraw;
  private boolean drawn;

  Progress(PrintStream err, long totalBytes) {
    this.err = err;
    this.totalBytes = Math.max(1, totalBytes);
  }

  void update(long bytes) {
    long now = System.nanoTime();
    long elapsedMillis = (now - start) / 1_000_000;
    if (elapsedMillis < DELAY_MILLIS || now - lastDraw < 250_000_000L) {
      return;
    }
    lastDraw = now;
    drawn = true;
    int percent = (int) Math.min(100, bytes * 100 / totalBytes);
    int width = 30;
    int filled = percent * width / 100;
    double mbPerSecond = bytes / 1e6 / Math.max(0.001, elapsedMillis / 1000.0);
    err.print(String.format(Locale.ROOT, "\r[%s%s] %3d%% %,.1f MB of %,.1f MB, %.1f MB/s", "=".repeat(filled),
        " ".repeat(width - filled), percent, bytes / 1e6, totalBytes / 1e6, mbPerSecond));
    err.flush();
  }

  void done() {
    if (drawn) {
      err.println();
    }
  }
}
