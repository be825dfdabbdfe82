package io.lockn.examples;

import io.lockn.core.annotation.AgentTask;
import io.lockn.core.annotation.SpanAttribute;

/** The triage agent, instrumented with {@code @AgentTask} through {@code LockN.instrument}. */
interface SupportAgents {

  /**
   * Classifies a ticket.
   *
   * @param ticketId the ticket
   * @param text the customer's message
   * @return the category
   */
  @AgentTask(agent = "triage-agent", task = "classify", description = "Routes a support ticket to a category")
  String classify(@SpanAttribute("app.ticket_id") String ticketId, String text);
}
