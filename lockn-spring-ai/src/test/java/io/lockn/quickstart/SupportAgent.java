package io.lockn.quickstart;

/*
 * The README's Spring Boot quick start, verbatim between the markers (lockn-examples' DocsTest checks that the README
 * shows it, imports included); compiled here against Spring AI 2.0 and Spring Boot 4.1, and run with the README's
 * application.yaml by io.lockn.springai.SpringQuickStartTest. It sits outside io.lockn.springai so that no test
 * application's component scan picks it up.
 */

// BEGIN docs snippet: README.md
import io.lockn.core.annotation.AgentTask;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.stereotype.Service;

@Service
public class SupportAgent {

  private final ChatClient chat;

  public SupportAgent(ChatClient.Builder builder) {         // Boot's builder: LockN's advisors are on it
    this.chat = builder.build();
  }

  @AgentTask(agent = "support-bot", task = "answer")
  public String answer(String tenant, String question) {
    return chat.prompt(question)
        .advisors(a -> a.param("app.tenant_id", tenant))   // attribution, and the tenant's budget
        .call()
        .content();
  }
}
// END docs snippet: README.md
