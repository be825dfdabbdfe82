package io.lockn.core.internal;

import io.lockn.core.LlmCallRecord;
import io.lockn.core.LockNListener;
import io.lockn.core.ModelSubstitution;
import io.lockn.core.spi.UsageLogger;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link LockNListener} that contains its delegate's failures, one callback at a time: a listener that throws on
 * one event is logged through {@link UsageLogger} (which lets {@link VirtualMachineError}s pass) and still receives
 * the next, and never costs the application's call anything.
 */
final class GuardedLockNListener implements LockNListener {

  private final LockNListener delegate;

  private GuardedLockNListener(LockNListener delegate) {
    this.delegate = delegate;
  }

  /** The listeners to call from the call path, each guarded; the same (empty, immutable) list when there is none. */
  static List<LockNListener> wrapAll(List<LockNListener> listeners) {
    if (listeners.isEmpty()) {
      return listeners;
    }
    List<LockNListener> guarded = new ArrayList<>(listeners.size());
    for (LockNListener l : listeners) {
      guarded.add(l instanceof GuardedLockNListener ? l : new GuardedLockNListener(l));
    }
    return List.copyOf(guarded);
  }

  @Override
  public void onModelSubstitution(ModelSubstitution substitution) {
    try {
      delegate.onModelSubstitution(substitution);
    } catch (Throwable t) {
      UsageLogger.failed("listener " + delegate.getClass().getName() + ".onModelSubstitution", t);
    }
  }

  @Override
  public void onLlmCallEnded(LlmCallRecord call) {
    try {
      delegate.onLlmCallEnded(call);
    } catch (Throwable t) {
      UsageLogger.failed("listener " + delegate.getClass().getName() + ".onLlmCallEnded", t);
    }
  }

  @Override
  public String toString() {
    return "Guarded{" + delegate + "}";
  }
}
