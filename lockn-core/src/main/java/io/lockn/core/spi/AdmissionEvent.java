package io.lockn.core.spi;

import io.opentelemetry.api.common.Attributes;
import java.util.Objects;

/**
 * A span event an {@link Admission} asks LockN to add to the call's span, for example a budget alert or throttle.
 *
 * @param name the event's name, for example {@code lockn.budget.alert}
 * @param attributes the event's attributes
 */
public record AdmissionEvent(String name, Attributes attributes) {

  /**
   * Creates an event.
   *
   * @param name the name
   * @param attributes the attributes
   */
  public AdmissionEvent {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(attributes, "attributes");
  }
}
