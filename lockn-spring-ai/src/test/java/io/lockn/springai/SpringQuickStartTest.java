package io.lockn.springai;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockn.budget.Budgets;
import io.lockn.quickstart.SupportAgent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;

/**
 * The README's Spring Boot quick start, run as a user would copy it: its {@link SupportAgent} (the README's code,
 * verbatim) and its {@code application.yaml}, read from the README itself, in a Spring Boot application with every
 * auto-configuration on this module's test classpath (Spring AI's OpenAI starter, LockN's). Only the OpenAI endpoint
 * and key are the test's: the real Spring AI OpenAI client talks to a loopback stub.
 */
class SpringQuickStartTest {

  private static final Pattern YAML_BLOCK = Pattern.compile("(?ms)^```yaml\\n(.*?)^```$");

  @Test
  void readmeQuickStart_answers_recordsTheAgentTask_andChargesTheTenantsBudgetTheExactCost() throws IOException {
    List<PropertySource<?>> readmeYaml = new YamlPropertySourceLoader().load("README.md application.yaml",
        new ByteArrayResource(readmeYaml().getBytes(StandardCharsets.UTF_8)));
    try (OpenAiStub stub = new OpenAiStub()) {
      stub.json(OpenAiStub.completion("gpt-4o-mini-2024-07-18", "Your refund is on its way.", 1200, 1024, 300, 0));
      try (ConfigurableApplicationContext ctx = new SpringApplicationBuilder(App.class)
          .web(WebApplicationType.NONE)
          .initializers(c -> {
            MutablePropertySources sources = c.getEnvironment().getPropertySources();
            sources.addFirst(new MapPropertySource("test", Map.of(
                "spring.ai.openai.base-url", stub.baseUrl(),
                "spring.ai.openai.api-key", "test",
                "spring.ai.openai.max-retries", "0")));
            readmeYaml.forEach(sources::addLast);
          })
          .run()) {
        SupportAgent agent = ctx.getBean(SupportAgent.class);
        assertThat(AopUtils.isAopProxy(agent)).as("@AgentTask recorded through LockN's advisor").isTrue();

        assertThat(agent.answer("acme", "Where is my refund?")).isEqualTo("Your refund is on its way.");

        // gpt-4o-mini in the bundled catalog: $0.15 input, $0.075 cache read, $0.60 output per 1M tokens, that is 150,
        // 75 and 600 nano-USD per token. 1,200 prompt tokens of which 1,024 cached, 300 completion tokens:
        //   176 x 150 = 26,400;  1,024 x 75 = 76,800;  300 x 600 = 180,000;  total 283,200 nano-USD.
        assertThat(ctx.getBean(Budgets.class).status("tenant-daily", "app.tenant_id=acme").spent())
            .isEqualTo(283_200L);
        assertThat(stub.requests()).singleElement().asString().contains("\"model\":\"gpt-4o-mini\"");
      }
    }
  }

  /** The one {@code yaml} block of the README: the Spring Boot quick start's {@code application.yaml}. */
  private static String readmeYaml() throws IOException {
    Path readme = Path.of("").toAbsolutePath().getParent().resolve("README.md");
    Matcher m = YAML_BLOCK.matcher(Files.readString(readme));
    assertThat(m.find()).as("a yaml block in %s", readme).isTrue();
    String yaml = m.group(1);
    assertThat(m.find()).as("a second yaml block in %s", readme).isFalse();
    return yaml;
  }

  /** The user's application: no component scan, every auto-configuration, and the README's service. */
  @SpringBootConfiguration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  @Import(SupportAgent.class)
  static class App {}
}
