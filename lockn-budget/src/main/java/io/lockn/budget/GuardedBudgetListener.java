package io.lockn.budget;

import io.lockn.core.spi.UsageLogger;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link BudgetListener} that contains its delegate's failures, one callback at a time: a listener that throws,
 * even an {@link Error} (a listener's {@code NoClassDefFoundError} must not abandon an admission's reservations), is
 * logged through {@link UsageLogger}, which lets {@link VirtualMachineError}s pass, and still hears the next event.
 */
final class GuardedBudgetListener implements BudgetListener {

  private final BudgetListener delegate;

  private GuardedBudgetListener(BudgetListener delegate) {
    this.delegate = delegate;
  }

  /** The listeners to call, each guarded, in order; immutable. */
  static List<BudgetListener> wrapAll(List<BudgetListener> listeners) {
    List<BudgetListener> guarded = new ArrayList<>(listeners.size());
    for (BudgetListener l : listeners) {
      guarded.add(l instanceof GuardedBudgetListener ? l : new GuardedBudgetListener(l));
    }
    return List.copyOf(guarded);
  }

  @Override
  public void onAlert(BudgetEvent event) {
    try {
      delegate.onAlert(event);
    } catch (Throwable e) {
      failed("onAlert", e);
    }
  }

  @Override
  public void onThrottle(BudgetEvent event) {
    try {
      delegate.onThrottle(event);
    } catch (Throwable e) {
      failed("onThrottle", e);
    }
  }

  @Override
  public void onBlock(BudgetEvent event) {
    try {
      delegate.onBlock(event);
    } catch (Throwable e) {
      failed("onBlock", e);
    }
  }

  @Override
  public void onForecast(BudgetForecast forecast) {
    try {
      delegate.onForecast(forecast);
    } catch (Throwable e) {
      failed("onForecast", e);
    }
  }

  @Override
  public void onAnomaly(Anomaly anomaly) {
    try {
      delegate.onAnomaly(anomaly);
    } catch (Throwable e) {
      failed("onAnomaly", e);
    }
  }

  @Override
  public void onRunaway(Runaway runaway) {
    try {
      delegate.onRunaway(runaway);
    } catch (Throwable e) {
      failed("onRunaway", e);
    }
  }

  private void failed(String callback, Throwable e) {
    UsageLogger.failed("budget listener " + delegate.getClass().getName() + "." + callback, e);
  }

  @Override
  public String toString() {
    return "Guarded{" + delegate + "}";
  }
}
