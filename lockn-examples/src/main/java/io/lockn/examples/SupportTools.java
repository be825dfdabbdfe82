package io.lockn.examples;

import io.lockn.core.annotation.AgentTool;
import io.lockn.core.annotation.SpanAttribute;

/** Tools the resolver agent calls, instrumented with {@code @AgentTool}. */
interface SupportTools {

  /**
   * Looks an order up in the order system.
   *
   * @param orderId the order
   * @return the order status
   */
  @AgentTool(name = "lookup_order", description = "Fetches an order's status", type = "datastore")
  String lookupOrder(@SpanAttribute("app.order_id") String orderId);

  /**
   * Searches the knowledge base.
   *
   * @param query the query
   * @return the best article
   */
  @AgentTool(name = "search_kb", description = "Searches the support knowledge base")
  String searchKnowledgeBase(String query);
}
