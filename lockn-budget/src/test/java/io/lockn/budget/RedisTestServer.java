package io.lockn.budget;

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
 * A real {@code redis-server} (the Debian package) on 127.0.0.1 and a free port, with no persistence unless asked
 * ({@code SHUTDOWN SAVE} writes one snapshot that the next {@link #start()} loads, to model an outage that keeps
 * data). Skipped only when {@code LOCKN_SKIP_REDIS_TESTS=true}; a missing server fails with an install hint.
 */
public final class RedisTestServer implements AutoCloseable {

  private final int port;
  private final Path dir;
  private Process process;

  private RedisTestServer(int port, Path dir) {
    this.port = port;
    this.dir = dir;
  }

  /**
   * Starts a server on a free loopback port.
   *
   * @return the running server
   * @throws Exception if it cannot start
   */
  public static RedisTestServer startNew() throws Exception {
    Assumptions.assumeFalse("true".equals(System.getenv("LOCKN_SKIP_REDIS_TESTS")),
        "LOCKN_SKIP_REDIS_TESTS=true");
    if (!onPath("redis-server")) {
      throw new AssertionError("redis-server is not installed: run `apt-get install -y redis-server` "
          + "(bash .ci/run does), or set LOCKN_SKIP_REDIS_TESTS=true to skip the Redis tests");
    }
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    RedisTestServer server = new RedisTestServer(port, Files.createTempDirectory("lockn-redis"));
    server.start();
    return server;
  }

  /**
   * The server's port.
   *
   * @return the port
   */
  public int port() {
    return port;
  }

  /**
   * The server's Redis URI.
   *
   * @return {@code redis://127.0.0.1:port}
   */
  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  /**
   * Starts (or restarts) the server on its port.
   *
   * @throws Exception if it does not answer within 10 s
   */
  public void start() throws Exception {
    process = new ProcessBuilder(List.of("redis-server", "--bind", "127.0.0.1", "--port", Integer.toString(port),
        "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--dbfilename", "dump.rdb",
        "--daemonize", "no", "--loglevel", "warning"))
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("redis.log").toFile())
        .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
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
  public void stop(boolean save) throws Exception {
    if (process == null) {
      return;
    }
    resume(); // a paused (SIGSTOP) process cannot shut down
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
  public void pause() throws Exception {
    signal("-STOP");
  }

  /** Lets a paused server go on (SIGCONT); the commands it received meanwhile are then executed. */
  public void resume() throws Exception {
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
  public String command(String inline) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(2000);
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

  private static boolean onPath(String command) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String d : path.split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(d, command))) {
        return true;
      }
    }
    return false;
  }
}
