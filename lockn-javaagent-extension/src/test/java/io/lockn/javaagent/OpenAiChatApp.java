package io.lockn.javaagent;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.time.Duration;

/**
 * The application {@link JavaagentExtensionIT} runs under the agent: it knows nothing of OpenTelemetry or LockN, and
 * makes one chat completion with the official OpenAI Java SDK against the base URL it is given (a local stub).
 */
public final class OpenAiChatApp {

  /** Printed on success, so the test can tell the call went through. */
  static final String DONE = "LOCKN-IT-APP-DONE";

  private OpenAiChatApp() {}

  /**
   * Makes the call.
   *
   * @param args the base URL, e.g. {@code http://127.0.0.1:1234/v1}
   */
  public static void main(String[] args) {
    chat(args[0]);
    // Shutdown hooks run on exit: the agent flushes its span processors there.
    System.exit(0);
  }

  /**
   * Makes the call and prints {@link #DONE} with the response model.
   *
   * @param baseUrl the base URL, e.g. {@code http://127.0.0.1:1234/v1}
   */
  static void chat(String baseUrl) {
    OpenAIClient client =
        OpenAIOkHttpClient.builder()
            .baseUrl(baseUrl)
            .apiKey("sk-lockn-it-not-a-key")
            .maxRetries(0)
            .timeout(Duration.ofSeconds(20))
            .build();
    try {
      ChatCompletion completion =
          client.chat().completions().create(
              ChatCompletionCreateParams.builder()
                  .model("gpt-4o-mini")
                  .addUserMessage("What does LockN do?")
                  .build());
      System.out.println(DONE + " " + completion.model() + " "
          + completion.choices().get(0).message().content().orElse(""));
    } finally {
      client.close();
    }
  }
}
