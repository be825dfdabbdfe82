package io.lockn.budget;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.lockn.core.spi.UsageLogger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A {@link BudgetLedger} in Redis, so that many JVMs enforce one budget: give the same ledger configuration (Redis
 * address and {@linkplain Builder#setKeyPrefix key prefix}) to every replica's {@link Budgets}. Uses Lettuce, an
 * optional dependency of this module: add {@code io.lettuce:lettuce-core} to use this class.
 *
 * <pre>{@code
 * RedisBudgetLedger ledger = RedisBudgetLedger.builder("redis://redis.internal:6379")
 *     .setFailureMode(RedisBudgetLedger.FailureMode.FAIL_CLOSED)
 *     .build();                                  // once; close() at shutdown
 * Budgets budgets = Budgets.builder(catalog).setLedger(ledger).addBudget(...).build();
 * }</pre>
 *
 * <p><b>Design.</b> Each account is one Redis hash at {@code prefix + account.key()}; the key of a calendar account
 * includes its period's start ({@link BudgetAccount}), so a new period is a new, empty hash. Fields: {@code u}, used
 * (spent plus reserved), and {@code r}, reserved; spent is {@code u - r}. A rolling account also has {@code l}, the
 * newest bucket index seen, and {@code b<index>}, the amount spent in each bucket still in the window {@code (l - n,
 * l]}; when {@code l} advances, the buckets that left the window are subtracted from {@code u} and deleted, as in
 * {@link InMemoryBudgetLedger}. Reserve, commit, release and snapshot are each one Lua script run with {@code
 * EVALSHA} (loaded with {@code SCRIPT LOAD} on the first {@code NOSCRIPT}, for example after Redis restarted), so
 * each is atomic: Redis runs one script at a time, and a reservation's check of {@code u + amount <= limit} and its
 * update are one step for every JVM. The scripts never do arithmetic on Lua numbers, which are doubles: amounts are
 * added by {@code HINCRBY} (exact 64-bit integers; an overflow refuses the reservation), read back as strings, and
 * compared with the limit as decimal strings, so every amount up to {@link Long#MAX_VALUE} is exact. The overshoot
 * bound documented on {@link Budgets} therefore holds across all the JVMs that share the ledger.
 *
 * <p><b>Expiry.</b> Every write sets the hash's time to live: a calendar account lives until its period ends plus
 * the {@linkplain Builder#setExpiryMargin expiry margin} (measured with the ledger's clock), so late commits of calls
 * admitted just before the end still count; a rolling account lives for its window plus the margin after its last
 * write. Redis therefore holds only the accounts of current periods. A commit or release for an account that expired
 * is ignored, as {@link InMemoryBudgetLedger} ignores it. A reservation whose JVM died before committing it stays
 * reserved until its account expires.
 *
 * <p><b>When Redis is unreachable.</b> Every command runs on the calling thread and waits at most the {@linkplain
 * Builder#setCommandTimeout command timeout}; while the connection is down, commands are not sent at all and fail at
 * once, so an outage costs the call path no waiting. {@link FailureMode#FAIL_OPEN} then grants reservations
 * (unchecked: nothing limits spending until Redis returns); {@link FailureMode#FAIL_CLOSED} refuses them, the way the
 * SPI reports a refusal ({@code granted == false}), so {@link Budgets} throws its {@code BudgetExceededException}
 * before the provider is called. Either way the ledger never throws. The first failure of an outage is reported once
 * to the {@link ConnectionListener} and to {@link UsageLogger}; the first success afterwards to {@link
 * ConnectionListener#onRecovered()}. Lettuce reconnects in the background (and the ledger retries a connection that
 * never opened), so normal behaviour resumes by itself. Commits and releases that could not be sent are kept (at most
 * {@value #MAX_PENDING}) and applied when Redis returns, so an outage leaks no reservation; one that was sent but
 * whose reply was lost is not retried, since Redis may have applied it. A hung Redis (one that accepts commands
 * but answers late) may apply a reservation after the call gave up waiting for it; when its late reply shows it was
 * granted, the ledger gives it back, so a slow spell leaks no reservation either. A reservation granted without
 * Redis (fail open) is later committed as spending only: its reserved amount was never added, so it is not
 * subtracted.
 *
 * <p>Thread-safe; build once, share, and {@link #close()} at shutdown. Each operation is one round trip to Redis and
 * allocates its command.
 */
public final class RedisBudgetLedger implements BudgetLedger, AutoCloseable {

  /** What a reservation gets while Redis cannot be reached. */
  public enum FailureMode {
    /** Grant it, unchecked, and report the outage: availability over the limit. */
    FAIL_OPEN,
    /** Refuse it: the limit over availability. */
    FAIL_CLOSED
  }

  /**
   * Hears when the ledger loses and regains Redis. Called on the thread of the operation that noticed, at most once
   * per transition; implementations must be fast and should not throw (a thrown exception is logged and ignored).
   */
  public interface ConnectionListener {

    /** A listener that does nothing. */
    ConnectionListener NONE = new ConnectionListener() {};

    /**
     * Redis could not be reached; reservations now follow the {@link FailureMode}.
     *
     * @param mode the configured behaviour
     * @param cause the first failure
     */
    default void onUnavailable(FailureMode mode, Throwable cause) {}

    /** Redis answered again after an outage; reservations are checked again. */
    default void onRecovered() {}
  }

  /** The most commits and releases kept for replay while Redis is unreachable. */
  public static final int MAX_PENDING = 100_000;

  private static final int MAX_UNBACKED = 100_000;

  // Lua. Never arithmetic on Lua numbers (doubles) for amounts: HINCRBY adds exactly and cmp compares decimal strings.
  private static final String PRELUDE = String.join("\n",
      "local function cmp(a, b)",
      "  local na, nb = string.sub(a, 1, 1) == '-', string.sub(b, 1, 1) == '-'",
      "  if na ~= nb then if na then return -1 else return 1 end end",
      "  if a == b then return 0 end",
      "  local r",
      "  if #a ~= #b then if #a < #b then r = -1 else r = 1 end",
      "  elseif a < b then r = -1 else r = 1 end",
      "  if na then return -r end",
      "  return r",
      "end",
      "local function neg(v)",
      "  if string.sub(v, 1, 1) == '-' then return string.sub(v, 2) end",
      "  if v == '0' then return v end",
      "  return '-' .. v",
      "end",
      // Adds a non-negative amount, saturating at 2^63-1: HINCRBY refuses to overflow, which aborted the commit
      // after its reservation was already dropped, so an absurd actual cost was not counted at all.
      "local function addsat(key, f, v)",
      "  local r = redis.pcall('HINCRBY', key, f, v)",
      "  if type(r) == 'table' and r.err then redis.call('HSET', key, f, '9223372036854775807') end",
      "end",
      "local function get(key, f)",
      "  local v = redis.call('HGET', key, f)",
      "  if not v then return '0' end",
      "  return v",
      "end",
      // Makes `bucket` the newest bucket of a rolling window of n; drops the buckets that left it from u.
      "local function advance(key, n, bucket)",
      "  local l = redis.call('HGET', key, 'l')",
      "  local latest = bucket",
      "  if l then latest = tonumber(l) end",
      "  if l and bucket <= latest then return latest end",
      "  redis.call('HSET', key, 'l', string.format('%d', bucket))",
      "  if not l then return bucket end",
      "  local fields = redis.call('HKEYS', key)",
      "  for _, f in ipairs(fields) do",
      "    if string.sub(f, 1, 1) == 'b' and tonumber(string.sub(f, 2)) <= bucket - n then",
      "      redis.call('HINCRBY', key, 'u', neg(redis.call('HGET', key, f)))",
      "      redis.call('HDEL', key, f)",
      "    end",
      "  end",
      "  return bucket",
      "end",
      "");

  // KEYS[1] account; ARGV amount, limit, n, bucket, ttlMillis -> {granted, u, r}
  private static final String RESERVE = PRELUDE + String.join("\n",
      "local key, amount, limit, n = KEYS[1], ARGV[1], ARGV[2], tonumber(ARGV[3])",
      "if n > 1 then advance(key, n, tonumber(ARGV[4])) end",
      "local granted = 0",
      "local added = redis.pcall('HINCRBY', key, 'u', amount)",
      "if type(added) ~= 'table' or not added.err then",
      "  if cmp(redis.call('HGET', key, 'u'), limit) > 0 then",
      "    redis.call('HINCRBY', key, 'u', neg(amount))",
      "  else",
      "    redis.call('HINCRBY', key, 'r', amount)",
      "    granted = 1",
      "  end",
      "end",
      "redis.call('PEXPIRE', key, ARGV[5])",
      "return {granted, get(key, 'u'), get(key, 'r')}");

  // KEYS[1] account; ARGV reserved, actual, n, bucket, ttlMillis, backed -> 1 if applied, 0 if the account is gone
  private static final String COMMIT = PRELUDE + String.join("\n",
      "local key, reserved, actual, n = KEYS[1], ARGV[1], ARGV[2], tonumber(ARGV[3])",
      "if redis.call('EXISTS', key) == 0 then return 0 end",
      "if ARGV[6] == '1' and reserved ~= '0' then",
      "  redis.call('HINCRBY', key, 'r', neg(reserved))",
      "  redis.call('HINCRBY', key, 'u', neg(reserved))",
      "end",
      "if actual ~= '0' then",
      "  if n > 1 then",
      "    local b = tonumber(ARGV[4])",
      "    local latest = advance(key, n, b)",
      "    if b > latest - n then",
      "      addsat(key, 'b' .. ARGV[4], actual)",
      "      addsat(key, 'u', actual)",
      "    end",
      "  else",
      "    addsat(key, 'u', actual)",
      "  end",
      "end",
      "if n > 1 then redis.call('PEXPIRE', key, ARGV[5]) end",
      "return 1");

  // KEYS[1] account; ARGV n, bucket -> {u, r}
  private static final String SNAPSHOT = PRELUDE + String.join("\n",
      "local key, n = KEYS[1], tonumber(ARGV[1])",
      "if redis.call('EXISTS', key) == 0 then return {'0', '0'} end",
      "if n > 1 then advance(key, n, tonumber(ARGV[2])) end",
      "return {get(key, 'u'), get(key, 'r')}");

  private final RedisURI uri;
  private final String keyPrefix;
  private final FailureMode failureMode;
  private final Duration commandTimeout;
  private final Duration expiryMargin;
  private final Duration reconnectDelay;
  private final Clock clock;
  private final ConnectionListener listener;
  private final ClientResources resources;
  private final RedisClient client;
  private final Script reserveScript = new Script(RESERVE);
  private final Script commitScript = new Script(COMMIT);
  private final Script snapshotScript = new Script(SNAPSHOT);

  private volatile @Nullable StatefulRedisConnection<String, String> connection;
  private final AtomicBoolean connecting = new AtomicBoolean();
  private final AtomicLong lastConnectAttemptNanos = new AtomicLong();
  private final AtomicBoolean unavailable = new AtomicBoolean();
  private volatile boolean closed;

  // Commits and releases that were not sent, for replay; guarded by itself.
  private final Deque<Pending> pending = new ArrayDeque<>();
  private final AtomicBoolean draining = new AtomicBoolean();
  private final ExecutorService drainer;
  // key|amount -> the number of reservations of that amount granted without Redis (fail open), not yet settled.
  private final ConcurrentHashMap<String, Integer> unbacked = new ConcurrentHashMap<>();

  private RedisBudgetLedger(Builder b) {
    this.uri = b.uri;
    this.keyPrefix = b.keyPrefix;
    this.failureMode = b.failureMode;
    this.commandTimeout = b.commandTimeout;
    this.expiryMargin = b.expiryMargin;
    this.reconnectDelay = b.reconnectDelay;
    this.clock = b.clock;
    this.listener = b.listener;
    // Lettuce bounds its connection handshake by the URI's timeout; commands are bounded by commandTimeout in
    // await(). With the command timeout here (250 ms by default) the first handshake of a cold JVM on a loaded host
    // timed out, and the ledger started in its failure mode although Redis was up.
    this.uri.setTimeout(b.connectTimeout);
    this.resources = DefaultClientResources.builder()
        .ioThreadPoolSize(2)
        .computationThreadPoolSize(2)
        .reconnectDelay(() -> Delay.exponential(
            Duration.ofMillis(10), reconnectDelay, 2, TimeUnit.MILLISECONDS))
        .build();
    this.client = RedisClient.create(resources, uri);
    client.setOptions(ClientOptions.builder()
        .autoReconnect(true)
        // While disconnected, fail at once instead of queueing: the call path never waits for an outage.
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .socketOptions(SocketOptions.builder().connectTimeout(b.connectTimeout).keepAlive(true).build())
        // The calling thread waits at most commandTimeout (see await); Lettuce keeps the command a while longer so
        // that a late reply of a hung Redis is still seen and a reservation it applied late can be given back.
        .timeoutOptions(TimeoutOptions.enabled(lateReplyWindow(commandTimeout)))
        .build());
    this.drainer = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "lockn-redis-ledger-replay");
      t.setDaemon(true);
      return t;
    });
    try {
      connection = client.connect(StringCodec.UTF8, uri);
    } catch (RuntimeException e) {
      // Start anyway: the failure mode applies until Redis can be reached.
      markUnavailable(e);
    }
  }

  /**
   * A builder for a ledger on the Redis at {@code uri}.
   *
   * @param uri a Redis URI, for example {@code redis://localhost:6379/0} or {@code rediss://user:pw@host:6380}
   * @return the builder
   * @throws IllegalArgumentException if the URI is malformed
   */
  public static Builder builder(String uri) {
    Objects.requireNonNull(uri, "uri");
    try {
      return new Builder(RedisURI.create(uri));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("uri: not a Redis URI: " + uri, e);
    }
  }

  /**
   * A builder for a ledger on the Redis at {@code uri}. The ledger sets the URI's timeout to the connect timeout.
   *
   * @param uri the Redis URI
   * @return the builder
   */
  public static Builder builder(RedisURI uri) {
    return new Builder(Objects.requireNonNull(uri, "uri"));
  }

  /**
   * The configured behaviour while Redis is unreachable.
   *
   * @return the failure mode
   */
  public FailureMode failureMode() {
    return failureMode;
  }

  /**
   * The prefix of every key this ledger writes.
   *
   * @return the prefix
   */
  public String keyPrefix() {
    return keyPrefix;
  }

  /**
   * Whether the last operation reached Redis. Non-blocking.
   *
   * @return {@code false} during an outage, from its first failed operation to the first successful one
   */
  public boolean isAvailable() {
    return !unavailable.get();
  }

  /**
   * The Redis key of an account.
   *
   * @param account the account
   * @return {@code keyPrefix + account.key()}
   */
  public String redisKey(BudgetAccount account) {
    return keyPrefix + account.key();
  }

  /**
   * {@inheritDoc}
   *
   * <p>One round trip, waiting at most the command timeout. If Redis cannot be reached the reservation is granted
   * ({@link FailureMode#FAIL_OPEN}) or refused ({@link FailureMode#FAIL_CLOSED}); either way the balances returned
   * are unknown and reported as zero, plus the amount when granted. Never throws except for a negative amount.
   */
  @Override
  public Reservation reserve(BudgetAccount account, long amount, long limit) {
    if (amount < 0) {
      throw new IllegalArgumentException("amount < 0");
    }
    Object[] reply;
    try {
      List<Object> r = eval(reserveScript, ScriptOutputType.MULTI, late -> giveBackIfGrantedLate(late, account, amount),
          account, Long.toString(amount), Long.toString(limit), Integer.toString(account.buckets()),
          Long.toString(account.bucket()), Long.toString(ttlMillis(account)));
      reply = r.toArray();
    } catch (RuntimeException e) {
      markUnavailable(e);
      if (failureMode == FailureMode.FAIL_CLOSED) {
        return new Reservation(false, 0, 0);
      }
      // Even if the command reached Redis before failing, treating the grant as unbacked errs towards a leaked
      // reservation (which expires with the account), never towards headroom that was not there.
      String k = account.key() + '|' + amount;
      if (unbacked.size() < MAX_UNBACKED || unbacked.containsKey(k)) {
        unbacked.merge(k, 1, Integer::sum);
      }
      return new Reservation(true, 0, amount);
    }
    markAvailable();
    long u = Long.parseLong((String) reply[1]);
    long r = Long.parseLong((String) reply[2]);
    return new Reservation(((Long) reply[0]) == 1L, u - r, r);
  }

  /**
   * {@inheritDoc}
   *
   * <p>One round trip, waiting at most the command timeout; kept for replay if Redis cannot be reached. Never throws.
   */
  @Override
  public void commit(BudgetAccount account, long reserved, long actual) {
    settle(account, reserved, Math.max(0, actual));
  }

  /**
   * {@inheritDoc}
   *
   * <p>One round trip, waiting at most the command timeout; kept for replay if Redis cannot be reached. Never throws.
   */
  @Override
  public void release(BudgetAccount account, long amount) {
    settle(account, amount, 0);
  }

  /**
   * {@inheritDoc}
   *
   * <p>One round trip, waiting at most the command timeout. Returns {@link Balance#ZERO} if Redis cannot be reached.
   */
  @Override
  public Balance snapshot(BudgetAccount account) {
    try {
      List<Object> r = eval(snapshotScript, account,
          Integer.toString(account.buckets()), Long.toString(account.bucket()));
      markAvailable();
      long u = Long.parseLong((String) r.get(0));
      long res = Long.parseLong((String) r.get(1));
      return new Balance(u - res, res);
    } catch (RuntimeException e) {
      markUnavailable(e);
      return Balance.ZERO;
    }
  }

  /** Closes the connection and the client's threads. Operations afterwards follow the failure mode. */
  @Override
  public void close() {
    closed = true;
    drainer.shutdownNow();
    StatefulRedisConnection<String, String> c = connection;
    connection = null;
    try {
      if (c != null) {
        c.close();
      }
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      resources.shutdown(0, 2, TimeUnit.SECONDS);
    } catch (RuntimeException e) {
      UsageLogger.failed("closing the Redis budget ledger", e);
    }
  }

  /** The number of commits and releases waiting for Redis; for tests. */
  int pendingCount() {
    synchronized (pending) {
      return pending.size();
    }
  }

  private void settle(BudgetAccount account, long reserved, long actual) {
    boolean backed = !takeUnbacked(account, reserved);
    Pending p = new Pending(account, reserved, actual, backed);
    if (!isOpen()) {
      enqueue(p);
      markUnavailable(new IllegalStateException("not connected to Redis"));
      return;
    }
    try {
      apply(p);
      markAvailable();
    } catch (RuntimeException e) {
      // Sent, perhaps applied: not retried.
      markUnavailable(e);
      UsageLogger.failed("settling budget account " + account.key() + " in Redis", e);
    }
  }

  private boolean takeUnbacked(BudgetAccount account, long amount) {
    if (unbacked.isEmpty()) {
      return false;
    }
    // Reservations of one amount on one account are interchangeable: settling any of them as unbacked is exact.
    boolean[] taken = new boolean[1];
    unbacked.computeIfPresent(account.key() + '|' + amount, (k, n) -> {
      taken[0] = true;
      return n == 1 ? null : n - 1;
    });
    return taken[0];
  }

  private void apply(Pending p) {
    Long unused = eval(commitScript, ScriptOutputType.INTEGER, p.account, Long.toString(p.reserved), Long.toString(p.actual),
        Integer.toString(p.account.buckets()), Long.toString(p.account.bucket()), Long.toString(ttlMillis(p.account)),
        p.backed ? "1" : "0");
  }

  private void enqueue(Pending p) {
    synchronized (pending) {
      if (pending.size() >= MAX_PENDING) {
        pending.pollFirst();
        UsageLogger.warn("Redis budget ledger: more than " + MAX_PENDING
            + " commits waiting for Redis; the oldest are dropped and their reservations expire with their accounts");
      }
      pending.addLast(p);
    }
  }

  private void drain() {
    try {
      while (!closed) {
        Pending p;
        synchronized (pending) {
          p = pending.pollFirst();
        }
        if (p == null) {
          return;
        }
        if (!isOpen()) {
          synchronized (pending) {
            pending.addFirst(p);
          }
          return;
        }
        try {
          apply(p);
        } catch (RuntimeException e) {
          UsageLogger.failed("replaying a budget commit to Redis", e);
          return;
        }
      }
    } finally {
      draining.set(false);
      if (!closed && isOpen() && pendingCount() > 0 && draining.compareAndSet(false, true)) {
        drainer.execute(this::drain);
      }
    }
  }

  private long ttlMillis(BudgetAccount account) {
    long margin = expiryMargin.toMillis();
    if (account.isRolling()) {
      return account.periodEnd().toEpochMilli() - account.periodStart().toEpochMilli() + margin;
    }
    long left = account.periodEnd().toEpochMilli() - clock.millis();
    return Math.max(1, left + margin);
  }

  private boolean isOpen() {
    StatefulRedisConnection<String, String> c = connection;
    if (c == null) {
      connectInBackground();
      return false;
    }
    return c.isOpen();
  }

  private List<Object> eval(Script script, BudgetAccount account, String... args) {
    return eval(script, ScriptOutputType.MULTI, null, account, args);
  }

  private <T> T eval(Script script, ScriptOutputType type, BudgetAccount account, String... args) {
    return eval(script, type, null, account, args);
  }

  /**
   * Runs a script, waiting at most the command timeout on the calling thread. When that wait times out the command
   * may still be executed by a hung Redis: {@code onTimeout}, if given, receives the still-pending reply.
   */
  private <T> T eval(Script script, ScriptOutputType type, @Nullable Consumer<RedisFuture<T>> onTimeout,
      BudgetAccount account, String... args) {
    StatefulRedisConnection<String, String> c = connection;
    if (c == null || !c.isOpen()) {
      if (c == null) {
        connectInBackground();
      }
      throw new IllegalStateException("not connected to Redis at " + uri.getHost() + ':' + uri.getPort());
    }
    RedisAsyncCommands<String, String> commands = c.async();
    String[] keys = {redisKey(account)};
    try {
      return await(commands.evalsha(script.sha, type, keys, args), onTimeout);
    } catch (RedisNoScriptException e) {
      await(commands.scriptLoad(script.source), null);
      return await(commands.evalsha(script.sha, type, keys, args), onTimeout);
    }
  }

  /** Waits at most the command timeout; a failure is rethrown as the unchecked exception Lettuce reported. */
  private <T> T await(RedisFuture<T> reply, @Nullable Consumer<RedisFuture<T>> onTimeout) {
    try {
      return reply.get(commandTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      if (onTimeout != null) {
        onTimeout.accept(reply);
      }
      throw new RedisCommandTimeoutException("Redis did not answer within " + commandTimeout.toMillis() + " ms");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof RuntimeException r ? r : new RedisException(cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RedisException("interrupted while waiting for Redis", e);
    }
  }

  /**
   * A reservation whose reply did not come in time was refused (fail closed) or granted unbacked (fail open), but a
   * hung Redis may still apply it when it wakes up; then it would stay reserved until its account expires (up to a
   * month), eating the budget. When the late reply shows it was granted, give it back exactly once: fail closed, by
   * releasing it; fail open, by marking the grant backed (its settle then subtracts it) or, if that grant was already
   * settled as unbacked, by releasing it. Runs on a Lettuce thread, so the release is queued for the replay thread.
   */
  private void giveBackIfGrantedLate(RedisFuture<List<Object>> late, BudgetAccount account, long amount) {
    late.whenComplete((reply, error) -> {
      try {
        if (error != null || reply == null || closed || !(reply.get(0) instanceof Long g) || g != 1L) {
          return; // not applied, or not known to be: nothing to give back
        }
        if (failureMode == FailureMode.FAIL_OPEN && takeUnbacked(account, amount)) {
          return; // its settle will now subtract the reservation
        }
        enqueue(new Pending(account, amount, 0, true));
        if (draining.compareAndSet(false, true)) {
          drainer.execute(this::drain);
        }
      } catch (RuntimeException e) {
        draining.set(false);
        UsageLogger.failed("giving back a late Redis reservation", e);
      }
    });
  }

  /** How long Lettuce keeps a command for a late reply: ten command timeouts, at least 5 s. */
  private static Duration lateReplyWindow(Duration commandTimeout) {
    Duration ten = commandTimeout.multipliedBy(10);
    return ten.compareTo(Duration.ofSeconds(5)) < 0 ? Duration.ofSeconds(5) : ten;
  }

  /** Opens the first connection if it could not be opened at build time; Lettuce reconnects it afterwards. */
  private void connectInBackground() {
    long now = System.nanoTime();
    long last = lastConnectAttemptNanos.get();
    if (closed || now - last < reconnectDelay.toNanos() || !lastConnectAttemptNanos.compareAndSet(last, now)
        || !connecting.compareAndSet(false, true)) {
      return;
    }
    client.connectAsync(StringCodec.UTF8, uri).whenComplete((c, e) -> {
      if (c != null) {
        if (closed) {
          c.closeAsync();
        } else {
          connection = c;
        }
      }
      connecting.set(false);
    });
  }

  private void markUnavailable(Throwable e) {
    if (unavailable.compareAndSet(false, true)) {
      UsageLogger.failed("Redis budget ledger at " + uri.getHost() + ':' + uri.getPort() + " unreachable; "
          + (failureMode == FailureMode.FAIL_OPEN ? "admitting calls unchecked" : "refusing reservations"), e);
      try {
        listener.onUnavailable(failureMode, e);
      } catch (RuntimeException t) {
        UsageLogger.failed("Redis budget ledger listener onUnavailable", t);
      }
    }
  }

  private void markAvailable() {
    if (unavailable.get() && unavailable.compareAndSet(true, false)) {
      try {
        listener.onRecovered();
      } catch (RuntimeException t) {
        UsageLogger.failed("Redis budget ledger listener onRecovered", t);
      }
    }
    if (!closed && pendingCount() > 0 && draining.compareAndSet(false, true)) {
      try {
        drainer.execute(this::drain);
      } catch (RuntimeException e) {
        draining.set(false);
      }
    }
  }

  private static final class Script {
    final String source;
    final String sha;

    Script(String source) {
      this.source = source;
      try {
        byte[] d = MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
        StringBuilder sb = new StringBuilder(40);
        for (byte x : d) {
          sb.append(Character.forDigit((x >> 4) & 0xF, 16)).append(Character.forDigit(x & 0xF, 16));
        }
        this.sha = sb.toString();
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-1 is unavailable", e);
      }
    }
  }

  private record Pending(BudgetAccount account, long reserved, long actual, boolean backed) {}

  /** Builds a {@link RedisBudgetLedger}; fails fast, naming the field. Not thread-safe. */
  public static final class Builder {
    private final RedisURI uri;
    private String keyPrefix = "lockn:budget:";
    private FailureMode failureMode = FailureMode.FAIL_OPEN;
    private Duration commandTimeout = Duration.ofMillis(250);
    private Duration connectTimeout = Duration.ofSeconds(1);
    private Duration expiryMargin = Duration.ofHours(1);
    private Duration reconnectDelay = Duration.ofSeconds(1);
    private Clock clock = Clock.systemUTC();
    private ConnectionListener listener = ConnectionListener.NONE;

    private Builder(RedisURI uri) {
      this.uri = uri;
    }

    /**
     * The prefix of every key, so that several applications or environments can share one Redis. Default {@code
     * lockn:budget:}. Every JVM that shares a budget must use the same prefix.
     *
     * @param keyPrefix the prefix, possibly empty
     * @return this builder
     */
    public Builder setKeyPrefix(String keyPrefix) {
      this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
      return this;
    }

    /**
     * What reservations get while Redis cannot be reached. Default {@link FailureMode#FAIL_OPEN}.
     *
     * @param failureMode the behaviour
     * @return this builder
     */
    public Builder setFailureMode(FailureMode failureMode) {
      this.failureMode = Objects.requireNonNull(failureMode, "failureMode");
      return this;
    }

    /**
     * The longest an operation waits for Redis's reply on the calling thread. Default 250 ms.
     *
     * @param commandTimeout the timeout, positive
     * @return this builder
     * @throws IllegalArgumentException if it is not positive
     */
    public Builder setCommandTimeout(Duration commandTimeout) {
      this.commandTimeout = positive(commandTimeout, "commandTimeout");
      return this;
    }

    /**
     * The longest a connection attempt waits; {@link #build()} waits for the first one. Default 1 s.
     *
     * @param connectTimeout the timeout, positive
     * @return this builder
     * @throws IllegalArgumentException if it is not positive
     */
    public Builder setConnectTimeout(Duration connectTimeout) {
      this.connectTimeout = positive(connectTimeout, "connectTimeout");
      return this;
    }

    /**
     * How long an account outlives its period in Redis, so that commits of calls admitted near the end still count.
     * Default 1 hour.
     *
     * @param expiryMargin the margin, {@code >= 0}
     * @return this builder
     * @throws IllegalArgumentException if it is negative
     */
    public Builder setExpiryMargin(Duration expiryMargin) {
      Objects.requireNonNull(expiryMargin, "expiryMargin");
      if (expiryMargin.isNegative()) {
        throw new IllegalArgumentException("expiryMargin < 0");
      }
      this.expiryMargin = expiryMargin;
      return this;
    }

    /**
     * The longest wait between two reconnection attempts (they back off exponentially from 10 ms). Default 1 s.
     *
     * @param reconnectDelay the delay, positive
     * @return this builder
     * @throws IllegalArgumentException if it is not positive
     */
    public Builder setReconnectDelay(Duration reconnectDelay) {
      this.reconnectDelay = positive(reconnectDelay, "reconnectDelay");
      return this;
    }

    /**
     * The clock that tells how long a calendar account has left, for its expiry. Default the system clock.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder setClock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Hears of outages and recoveries. Default {@link ConnectionListener#NONE}.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder setConnectionListener(ConnectionListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Builds the ledger and opens its connection, waiting at most the connect timeout. If Redis cannot be reached
     * the ledger is still built, follows its failure mode, and keeps trying to connect.
     *
     * @return the ledger
     */
    public RedisBudgetLedger build() {
      return new RedisBudgetLedger(this);
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " <= 0");
      }
      return d;
    }
  }
}
