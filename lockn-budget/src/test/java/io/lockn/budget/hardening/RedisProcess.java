package io.lockn.budget.hardening;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real {@code redis-server} on 127.0.0.1 for the hardening suite, which lives in another package than {@code
 * io.lockn.budget.RedisTestServer} (package-private) and also needs to <em>hang</em> the server: {@link #pause()}
 * sends SIGSTOP, so the TCP connection stays open but nothing answers, the hardest case for a client's timeouts (a
 * stopped server refuses connections at once; a hung one does not). No persistence unless {@code stop(true)} asks
 * for one snapshot, which the next {@link #start()} loads. Skipped when {@code LOCKN_SKIP_REDIS_TESTS=true}, like the
 * other Redis tests.
 */
final class RedisProcess implements AutoCloseable {

  private final int port;
  private final Path dir;
  private Process process;

  private RedisProcess(int port, Path dir) {
    this.port = port;
    this.dir = dir;
  }

  static RedisProcess startNew() throws Exception {
    Assumptions.assumeFalse("true".equals(System.getenv("LOCKN_SKIP_REDIS_TESTS")), "LOCKN_SKIP_REDIS_TESTS=true");
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    RedisProcess redis = new RedisProcess(port, Files.createTempDirectory("lockn-redis-hardening"));
    redis.start();
    return redis;
  }

  String uri() {
    return "redis://127.0.0.1:" + port;
  }

  void start() throws Exception {
    process = new ProcessBuilder(List.of("redis-server", "--bind", "127.0.0.1", "--port", Integer.toString(port),
        "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--dbfilename", "dump.rdb",
        "--daemonize", "no", "--loglevel", "warning"))
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("redis.log").toFile())
        .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      try {
        if (command("PING").startsWith("+PONG")) {
          return;
        }
      } catch (IOException e) {
        if (!process.isAlive()) {
          throw new IllegalStateException("redis-server exited: " + Files.readString(dir.resolve("redis.log")));
        }
        Thread.sleep(20);
      }
    }
    throw new IllegalStateException("redis-server did not answer on port " + port);
  }

  /** Stops the server; with {@code save}, writes a snapshot first that the next start loads. */
  void stop(boolean save) throws Exception {
    if (process == null) {
      return;
    }
    resume(); // a stopped process cannot shut down
    try {
      command(save ? "SHUTDOWN SAVE" : "SHUTDOWN NOSAVE");
    } catch (IOException expected) {
      // The server closes the connection as it exits.
    }
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    process = null;
  }

  /** Hangs the server (SIGSTOP): connections stay open, nothing is answered until {@link #resume()}. */
  void pause() throws Exception {
    signal("-STOP");
  }

  /** Lets a paused server go on (SIGCONT); the commands it received meanwhile are then executed. */
  void resume() throws Exception {
    if (process != null) {
      signal("-CONT");
    }
  }

  private void signal(String signal) throws Exception {
    Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IllegalStateException("kill " + signal + " failed");
    }
  }

  /** Sends one inline command and returns the first line of the reply. */
  String command(String inline) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = s.getInputStream();
      StringBuilder line = new StringBuilder();
      int c;
      while ((c = in.read()) != -1 && c != '\n') {
        line.append((char) c);
      }
      if (c == -1 && line.length() == 0) {
        throw new IOException("closed");
      }
      return line.toString().trim();
    }
  }

  @Override
  public void close() throws Exception {
    stop(false);
  }
}
