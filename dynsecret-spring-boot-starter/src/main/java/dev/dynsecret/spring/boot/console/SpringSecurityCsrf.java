package dev.dynsecret.spring.boot.console;

import dev.dynsecret.console.ConsoleRequest;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.springframework.security.web.csrf.CsrfToken;

/**
 * Spring Security's CSRF token of a request, for the console's page to send back on writes.
 * Loaded only when Spring Security is on the class path.
 */
public final class SpringSecurityCsrf {
  private SpringSecurityCsrf() {}

  /**
   * {@return the request's token, or null where Spring Security's CSRF protection is off}
   *
   * @param request the request being served
   */
  public static ConsoleRequest.@Nullable HostCsrf of(HttpServletRequest request) {
    Object attribute = request.getAttribute(CsrfToken.class.getName());
    if (attribute instanceof CsrfToken token) {
      return new ConsoleRequest.HostCsrf(token.getHeaderName(), token.getToken());
    }
    return null;
  }
}
