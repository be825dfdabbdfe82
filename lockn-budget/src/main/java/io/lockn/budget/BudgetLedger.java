package io.lockn.budget;

/**
 * Where budgets keep their balances: spent amounts and reservations for calls in flight, per {@link BudgetAccount}.
 * Amounts are integers in the budget's unit (nano-USD or tokens); ledgers add and subtract them exactly.
 *
 * <p>The contract that bounds overspending: {@link #reserve} is atomic per account. It grants the reservation only
 * if {@code spent + reserved + amount <= limit}, and then adds the amount to the reserved balance in the same atomic
 * step, so concurrent reservations can never together pass the limit. {@link #commit} replaces a reservation with the
 * actual amount and {@link #release} drops it.
 *
 * <p>Implementations must be thread-safe. {@link InMemoryBudgetLedger} is the default; a shared ledger (Redis) lets
 * several JVMs enforce one budget.
 */
public interface BudgetLedger {

  /**
   * Atomically reserves {@code amount} if the account stays within {@code limit}.
   *
   * @param account the account
   * @param amount the amount to reserve, {@code >= 0}
   * @param limit the most {@code spent + reserved} may reach; {@link Long#MAX_VALUE} for no limit
   * @return whether it was granted, and the balances after the operation (before it, when refused)
   */
  Reservation reserve(BudgetAccount account, long amount, long limit);

  /**
   * Replaces a reservation with the actual amount spent.
   *
   * @param account the account, as given to {@link #reserve}
   * @param reserved the amount that was reserved
   * @param actual the amount actually spent
   */
  void commit(BudgetAccount account, long reserved, long actual);

  /**
   * Drops a reservation: the call failed and spent nothing that is counted.
   *
   * @param account the account, as given to {@link #reserve}
   * @param amount the amount that was reserved
   */
  void release(BudgetAccount account, long amount);

  /**
   * The account's balances now.
   *
   * @param account the account
   * @return the balances; zero for an unknown account
   */
  Balance snapshot(BudgetAccount account);

  /**
   * {@link #commit} then {@link #snapshot}: what {@code Budgets} does after every call with alerts or a forecast to
   * update. The default makes the two calls; a ledger that can do both in one step (one lookup, one round trip)
   * overrides it.
   *
   * @param account the account, as given to {@link #reserve}
   * @param reserved the amount that was reserved
   * @param actual the amount actually spent
   * @return the balances after the commit
   */
  default Balance commitAndSnapshot(BudgetAccount account, long reserved, long actual) {
    commit(account, reserved, actual);
    return snapshot(account);
  }

  /**
   * The outcome of {@link BudgetLedger#reserve}.
   *
   * @param granted whether the amount was reserved
   * @param spent the spent balance
   * @param reserved the reserved balance, including this reservation when granted
   */
  record Reservation(boolean granted, long spent, long reserved) {

    /**
     * Spent plus reserved.
     *
     * @return the sum
     */
    public long used() {
      return spent + reserved;
    }
  }

  /**
   * An account's balances.
   *
   * @param spent the amount spent (committed) in the period
   * @param reserved the amount reserved by calls in flight
   */
  record Balance(long spent, long reserved) {

    /** The balance of an account with no activity. */
    public static final Balance ZERO = new Balance(0, 0);

    /**
     * Spent plus reserved.
     *
     * @return the sum
     */
    public long used() {
      return spent + reserved;
    }
  }
}
