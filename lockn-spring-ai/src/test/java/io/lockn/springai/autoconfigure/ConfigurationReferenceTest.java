package io.lockn.springai.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lockn.pricing.PricingConfig;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;

/**
 * {@code docs/configuration.md} is the reference of every setting, so it must name each one the code reads: every
 * {@code lockn.*} property of the starter's generated configuration metadata (from {@link LockNProperties} and
 * {@code additional-spring-configuration-metadata.json}), every field of a budget item and of a pricing alias (bound
 * inside a list or a map, which the metadata leaves out), and every property of {@link PricingConfig}, the keys the
 * SDK autoconfigure and the Java agent extension read. A property added without its line in the reference fails here.
 */
class ConfigurationReferenceTest {

  @Test
  void everyPropertyTheCodeReads_isNamedInTheConfigurationReference() throws IOException {
    Path reference = Path.of("").toAbsolutePath().getParent().resolve("docs/configuration.md");
    String doc = Files.readString(reference);

    Set<String> properties = new TreeSet<>();
    properties.addAll(metadataProperties());
    properties.addAll(pricingConfigProperties());
    properties.addAll(elementProperties("lockn.budgets.items[i].", LockNProperties.BudgetItem.class));
    properties.addAll(elementProperties("lockn.pricing.aliases[NAME].", LockNProperties.Alias.class));

    // LockNProperties alone has more than 30; a scan that finds few proves little.
    assertThat(properties).hasSizeGreaterThan(40)
        .contains("lockn.enabled", "lockn.annotations.enabled", "lockn.budgets.items[i].limit-usd")
        .allSatisfy(p -> assertThat(Pattern.compile("`" + Pattern.quote(p) + "[`\\[.]").matcher(doc).find())
            .as("%s names %s as code", reference, p).isTrue());
  }

  /** The {@code lockn.*} properties of every configuration metadata file on the classpath: the starter's. */
  private static Set<String> metadataProperties() throws IOException {
    Set<String> names = new TreeSet<>();
    ObjectMapper json = new ObjectMapper();
    for (URL url : Collections.list(ConfigurationReferenceTest.class.getClassLoader()
        .getResources("META-INF/spring-configuration-metadata.json"))) {
      try (InputStream in = url.openStream()) {
        for (JsonNode property : json.readTree(in).path("properties")) {
          String name = property.path("name").asText();
          if (name.startsWith("lockn.")) {
            names.add(name);
          }
        }
      }
    }
    assertThat(names).as("lockn.* properties in the generated metadata").isNotEmpty();
    return names;
  }

  private static Set<String> pricingConfigProperties() {
    Set<String> names = new TreeSet<>();
    for (Field f : PricingConfig.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
        try {
          String value = (String) f.get(null);
          if (value.startsWith("lockn.")) {
            names.add(value);
          }
        } catch (IllegalAccessException e) {
          throw new AssertionError(e);
        }
      }
    }
    return names;
  }

  /** The properties of a list or map element type, one per setter, as Spring names them after the prefix. */
  private static Set<String> elementProperties(String prefix, Class<?> element) {
    Set<String> names = new TreeSet<>();
    for (Method m : element.getMethods()) {
      if (m.getName().startsWith("set") && m.getParameterCount() == 1) {
        String field = Character.toLowerCase(m.getName().charAt(3)) + m.getName().substring(4);
        names.add(prefix + DataObjectPropertyName.toDashedForm(field));
      }
    }
    assertThat(names).as("setters of %s", element).isNotEmpty();
    return names;
  }
}
