package dev.dynsecret.spring.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynsecret.testkit.RecordingProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.security.web.csrf.CsrfToken;

/** When the console is mounted, where, and what it refuses to start with. */
class ConsoleAutoConfigurationTest {
  private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(DynsecretAutoConfiguration.class,
          DynsecretConsoleAutoConfiguration.class))
      .withBean(RecordingProvider.class, RecordingProvider::new)
      .withPropertyValues("dynsecret.secrets.orders-api.provider=recording",
          "dynsecret.secrets.orders-api.default-ttl=10m");

  @Test
  void offByDefault() {
    runner.run(context -> {
      assertFalse(context.containsBean("dynsecretConsoleServlet"));
      assertTrue(context.getBeansOfType(DynsecretConsoleProperties.class).isEmpty());
    });
  }

  @Test
  void oneOfPropertyMountsItAtItsPathBehindSpringSecurity() {
    runner.withPropertyValues("dynsecret.console.enabled=true").run(context -> {
      ServletRegistrationBean<?> servlet =
          context.getBean("dynsecretConsoleServlet", ServletRegistrationBean.class);
      assertEquals(List.of("/dynsecret/*"), List.copyOf(servlet.getUrlMappings()));
    });
    runner.withPropertyValues("dynsecret.console.enabled=true", "dynsecret.console.path=/ops/leases")
        .run(context -> assertEquals(List.of("/ops/leases/*"), List.copyOf(context.getBean(
            "dynsecretConsoleServlet", ServletRegistrationBean.class).getUrlMappings())));
  }

  @Test
  void aBadPathStopsStartUpNamingTheProperty() {
    for (String path : List.of("/", "dynsecret", "/dynsecret/", "/dyn*")) {
      runner.withPropertyValues("dynsecret.console.enabled=true", "dynsecret.console.path=" + path)
          .run(context -> {
            Throwable failure = rootOf(context.getStartupFailure());
            InvalidDynsecretPropertyException e =
                assertInstanceOf(InvalidDynsecretPropertyException.class, failure);
            assertEquals("dynsecret.console.path", e.property());
          });
    }
  }

  @Test
  void withoutSpringSecurityItNeedsATokenFileOrReadOnly(@TempDir Path dir) throws Exception {
    WebApplicationContextRunner noSecurity = runner
        .withClassLoader(new FilteredClassLoader(CsrfToken.class))
        .withPropertyValues("dynsecret.console.enabled=true");
    noSecurity.run(context -> {
      InvalidDynsecretPropertyException e = assertInstanceOf(
          InvalidDynsecretPropertyException.class, rootOf(context.getStartupFailure()));
      assertEquals("dynsecret.console.enabled", e.property());
      assertTrue(e.rule().contains("dynsecret.console.token-file")
          && e.rule().contains("read-only"), e.rule());
    });
    noSecurity.withPropertyValues("dynsecret.console.read-only=true")
        .run(context -> assertTrue(context.containsBean("dynsecretConsoleServlet")));

    Path shortToken = Files.writeString(dir.resolve("short"), "tiny\n");
    noSecurity.withPropertyValues("dynsecret.console.token-file=" + shortToken).run(context -> {
      InvalidDynsecretPropertyException e = assertInstanceOf(
          InvalidDynsecretPropertyException.class, rootOf(context.getStartupFailure()));
      assertEquals("dynsecret.console.token-file", e.property());
      assertFalse(e.getMessage().contains("tiny"));
    });
    noSecurity.withPropertyValues("dynsecret.console.token-file=" + dir.resolve("missing"))
        .run(context -> assertEquals("dynsecret.console.token-file",
            ((InvalidDynsecretPropertyException) rootOf(context.getStartupFailure())).property()));
    Path token = Files.writeString(dir.resolve("token"), "a-long-enough-console-token-0123\n");
    noSecurity.withPropertyValues("dynsecret.console.token-file=" + token)
        .run(context -> assertTrue(context.containsBean("dynsecretConsoleServlet")));
  }

  private static Throwable rootOf(Throwable failure) {
    Throwable t = failure;
    while (t != null && !(t instanceof InvalidDynsecretPropertyException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
