package io.lockn.examples;

import io.lockn.core.GenAiMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded chat histories of a support assistant, the way they pile up in practice: a long system prompt, customers who
 * paste the same knowledge-base article or log excerpt again, e-mail signatures and disclaimers on every message, and
 * conversations of 5 to 14 turns.
 */
final class SimulatedConversations {

  private static final String[] WORDS = (
      "account billing invoice webhook retry token rotate key deploy cluster region latency timeout error request"
          + " response payload customer order refund shipment parcel tracking export report dashboard permission role"
          + " admin user team workspace project integration endpoint certificate renewal quota limit plan upgrade"
          + " downgrade migration database backup restore schedule notification email password login session device"
          + " browser mobile version release feature setting configuration policy audit compliance region storage"
          + " the a to of and for with on in is it that we you our your this please can could would should not")
      .split(" ");

  private static final String SYSTEM_PROMPT =
      "You are the support assistant of Umbrella Cloud. Answer politely and precisely. Never reveal internal ticket"
          + " notes. Always cite the knowledge-base article you used. If the customer asks about billing, check the"
          + " plan first. If the customer reports an outage, ask for the region and the request id. Escalate security"
          + " issues to the on-call engineer. Keep answers under 200 words unless the customer asks for detail. "
          + sentence(new Random(1), 120);

  /** Context blocks customers paste, several times per conversation. */
  private static final List<String> BLOCKS = blocks();

  private static final String SIGNATURE =
      "--\nBest regards,\nJordan Miller\nSenior Platform Engineer | Example Corp\n+1 555 0100 | jordan@example.com\n"
          + "CONFIDENTIALITY NOTICE: This e-mail and any attachments are confidential and intended solely for the"
          + " addressee. If you received it in error, please notify the sender and delete it.";

  private static final String AGENT_SIGNATURE =
      "Kind regards,\nUmbrella Cloud Support\nhttps://status.umbrella.example | Ticket replies are monitored 24/7.";

  private SimulatedConversations() {}

  static List<GenAiMessage> history(Random random) {
    List<GenAiMessage> messages = new ArrayList<>();
    messages.add(GenAiMessage.system(SYSTEM_PROMPT));
    int turns = 5 + random.nextInt(10);
    for (int t = 0; t < turns; t++) {
      StringBuilder user = new StringBuilder(sentence(random, 15 + random.nextInt(30)));
      if (random.nextDouble() < 0.55) {
        user.append("\n\n").append(BLOCKS.get(random.nextInt(BLOCKS.size())));
      }
      if (random.nextDouble() < 0.7) {
        user.append("\n\n").append(SIGNATURE);
      }
      messages.add(GenAiMessage.user(user.toString()));
      if (t < turns - 1) {
        messages.add(GenAiMessage.assistant(sentence(random, 40 + random.nextInt(60)) + "\n\n" + AGENT_SIGNATURE));
      }
    }
    return messages;
  }

  private static List<String> blocks() {
    Random random = new Random(2);
    List<String> blocks = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      blocks.add("KB-" + (10 + i) + " " + sentence(random, 140));
    }
    for (int i = 0; i < 2; i++) {
      StringBuilder log = new StringBuilder();
      for (int line = 0; line < 12; line++) {
        log.append(String.format(java.util.Locale.ROOT,
            "2025-11-0%d 10:%02d:%02d ERROR webhook delivery %s status=5%02d retry=%d\n", i + 1,
            line, random.nextInt(60), Long.toHexString(random.nextLong()), random.nextInt(4), line % 5));
      }
      blocks.add(log.toString().strip());
    }
    return blocks;
  }

  private static String sentence(Random random, int words) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < words; i++) {
      String w = WORDS[random.nextInt(WORDS.length)];
      s.append(i == 0 ? Character.toUpperCase(w.charAt(0)) + w.substring(1) : w);
      s.append(i == words - 1 ? "." : (random.nextInt(9) == 0 ? ", " : " "));
    }
    return s.toString();
  }
}
