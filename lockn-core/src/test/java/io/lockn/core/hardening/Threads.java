package io.lockn.core.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Thread-leak checks for the hardening suites: take {@link #live()} before, close what was started, then {@link
 * #awaitNoNewThreads}. Shared with other modules' tests through lockn-core's test-jar.
 */
public final class Threads {

  private Threads() {}

  /**
   * The threads alive now.
   *
   * @return the live threads
   */
  public static Set<Thread> live() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).collect(Collectors.toSet());
  }

  /**
   * Waits (generously, for a loaded machine) until every thread started since {@code before} has ended, and fails
   * naming those still running after 30 s.
   *
   * @param before the threads alive before the code under test started any
   * @throws InterruptedException if interrupted while waiting
   */
  public static void awaitNoNewThreads(Set<Thread> before) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    List<String> leaked;
    do {
      leaked = live().stream().filter(t -> !before.contains(t))
          // JVM-wide pools that outlive any library (common pool, attach listener) are not leaks.
          .filter(t -> !t.getName().startsWith("ForkJoinPool.commonPool"))
          .filter(t -> !t.getName().startsWith("Attach Listener"))
          .map(Thread::getName).toList();
      if (leaked.isEmpty()) {
        return;
      }
      Thread.sleep(20);
    } while (System.nanoTime() < deadline);
    assertThat(leaked).as("threads left running").isEmpty();
  }
}
