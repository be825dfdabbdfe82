package io.lockn.examples.quickstart;

// BEGIN docs snippet: README.md
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.service.AiServices;
import io.lockn.langchain4j.LockNLangChain4j;
// END docs snippet: README.md

/**
 * The README's LangChain4j quick start, verbatim between the markers; compiled, not run (it would call OpenAI). The
 * application's own pieces, which the README names, are the parameter and the nested types.
 */
final class LangChain4jQuickStart {

  /** The README's AI Service interface. */
  interface Assistant {
    String chat(String question);
  }

  /** The README's tools. */
  static final class BillingTools {
    @dev.langchain4j.agent.tool.Tool("Looks up the status of a refund")
    String refundStatus(String orderId) {
      return "sent";
    }
  }

  private LangChain4jQuickStart() {}

  static String run(io.lockn.core.LockN lockn) {
    // BEGIN docs snippet: README.md
    LockNLangChain4j lc = LockNLangChain4j.create(lockn);        // lockn: as in the plain-Java quick start
    ChatModel model = lc.decorate(OpenAiChatModel.builder()      // priced once per call, admitted by the budget
        .apiKey(System.getenv("OPENAI_API_KEY")).modelName("gpt-4o-mini").build());
    Assistant assistant = lc.instrument(AiServices.builder(Assistant.class))   // agent and tool spans
        .chatModel(model).tools(new BillingTools()).build();

    String answer = lockn.attribution().tenant("acme").supply(() -> assistant.chat("Where is my refund?"));
    // END docs snippet: README.md
    return answer;
  }
}
