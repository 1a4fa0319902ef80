package dev.dynsecret.spring.boot;

import dev.dynsecret.LeaseManager;
import dev.dynsecret.Secret;
import dev.dynsecret.console.Console;
import dev.dynsecret.console.ConsoleRequest;
import dev.dynsecret.console.ConsoleServlet;
import dev.dynsecret.spring.boot.console.SpringSecurityCsrf;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.ResourceLoader;
import org.springframework.util.ClassUtils;

/**
 * Mounts the web console ({@code dynsecret-console}) at {@code dynsecret.console.path} when
 * {@code dynsecret.console.enabled=true}, in a servlet web application.
 *
 * <p>With Spring Security on the class path, the application's security decides who may open the
 * console; writes need an authenticated user and Spring Security's CSRF token, which the page
 * sends back in its header. Without Spring Security, the console signs users in itself with the
 * token in {@code dynsecret.console.token-file}, or is read-only ({@code
 * dynsecret.console.read-only=true}); with neither, the application refuses to start rather than
 * open lease changes to anyone who can reach it.
 */
@AutoConfiguration(after = DynsecretAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "dynsecret.console.enabled")
@ConditionalOnClass({Console.class, Servlet.class, ServletRegistrationBean.class})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBean(LeaseManager.class)
@EnableConfigurationProperties(DynsecretConsoleProperties.class)
public class DynsecretConsoleAutoConfiguration {
  private static final Logger LOG = LoggerFactory.getLogger(DynsecretConsoleAutoConfiguration.class);
  private static final Pattern PATH = Pattern.compile("(/[A-Za-z0-9._-]+)+");
  private static final String CSRF_TOKEN = "org.springframework.security.web.csrf.CsrfToken";

  /**
   * The console servlet, mapped to {@code <path>/*}.
   *
   * @param manager the application's lease manager
   * @param properties the console's settings
   * @param resourceLoader reads the token file
   * @return the servlet's registration
   */
  @Bean
  @ConditionalOnMissingBean(name = "dynsecretConsoleServlet")
  public ServletRegistrationBean<ConsoleServlet> dynsecretConsoleServlet(LeaseManager manager,
      DynsecretConsoleProperties properties, ResourceLoader resourceLoader) {
    String path = properties.getPath() == null ? "" : properties.getPath().strip();
    if (!PATH.matcher(path).matches()) {
      throw new InvalidDynsecretPropertyException("dynsecret.console.path", "must be a path like"
          + " /dynsecret (segments of letters, digits, '.', '_' or '-'; not the root, no trailing"
          + " slash); was '" + path + "'", null);
    }
    Console.Builder console = Console.builder(manager).readOnly(properties.isReadOnly());
    Function<HttpServletRequest, ConsoleRequest.@Nullable HostCsrf> csrf = request -> null;
    if (ClassUtils.isPresent(CSRF_TOKEN, resourceLoader.getClassLoader())) {
      console.hostAuthentication();
      csrf = SpringSecurityCsrf::of;
      if (properties.getTokenFile() != null) {
        LOG.warn("dynsecret.console.token-file is ignored: Spring Security authenticates the"
            + " console's users");
      }
    } else if (properties.getTokenFile() != null) {
      console.tokenAuthentication(token(properties.getTokenFile()));
    } else if (!properties.isReadOnly()) {
      throw new InvalidDynsecretPropertyException("dynsecret.console.enabled", "needs a way to"
          + " authenticate who changes leases: add Spring Security to the application, or set"
          + " dynsecret.console.token-file (a file holding the sign-in token), or set"
          + " dynsecret.console.read-only=true", null);
    }
    ServletRegistrationBean<ConsoleServlet> registration =
        new ServletRegistrationBean<>(new ConsoleServlet(console.build(), csrf), path + "/*");
    registration.setName("dynsecretConsole");
    LOG.info("dynsecret console mounted at {}/{}", path,
        properties.isReadOnly() ? " (read-only)" : "");
    return registration;
  }

  private static Secret token(String file) {
    String content;
    try {
      content = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new InvalidDynsecretPropertyException("dynsecret.console.token-file", "must name a"
          + " readable file; " + file + " cannot be read (" + e.getClass().getSimpleName() + ")",
          e);
    }
    if (content.length() < 16) {
      // The content is not repeated: it is meant to be a secret.
      throw new InvalidDynsecretPropertyException("dynsecret.console.token-file", "must hold a"
          + " token of at least 16 characters; " + file + " holds " + content.length(), null);
    }
    return Secret.of(content);
  }
}
