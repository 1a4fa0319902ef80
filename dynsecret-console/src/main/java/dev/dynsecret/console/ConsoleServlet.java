package dev.dynsecret.console;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Console} in a servlet container, mapped to {@code <path>/*} (the Spring Boot starter
 * registers it). The user is the request's {@link HttpServletRequest#getUserPrincipal() principal}
 * (Spring Security sets it for an authenticated user, not for an anonymous one); the host's CSRF
 * token, if any, comes from {@code csrf}.
 */
public class ConsoleServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final int MAX_READ = 64 * 1024;

  private final transient Console console;
  private final transient Function<HttpServletRequest, ConsoleRequest.@Nullable HostCsrf> csrf;

  /**
   * @param console the console to serve
   * @param csrf the host's CSRF token of a request (e.g. Spring Security's), or null for none
   */
  public ConsoleServlet(Console console,
      Function<HttpServletRequest, ConsoleRequest.@Nullable HostCsrf> csrf) {
    this.console = Objects.requireNonNull(console, "console");
    this.csrf = Objects.requireNonNull(csrf, "csrf");
  }

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    String path = req.getPathInfo() == null ? "" : rawPathInfo(req);
    byte[] body;
    try (InputStream in = req.getInputStream()) {
      body = in.readNBytes(MAX_READ + 1);
    }
    if (body.length > MAX_READ) {
      resp.sendError(413);
      return;
    }
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (String name : Collections.list(req.getHeaderNames())) {
      headers.put(name.toLowerCase(Locale.ROOT), new ArrayList<>(Collections.list(req.getHeaders(name))));
    }
    Principal principal = req.getUserPrincipal();
    ConsoleRequest request = new ConsoleRequest(req.getMethod().toUpperCase(Locale.ROOT), path,
        req.getContextPath() + req.getServletPath(), req.getQueryString(), headers, body,
        principal == null ? null : principal.getName(), csrf.apply(req), req.isSecure());
    ConsoleResponse response = console.handle(request);
    resp.setStatus(response.status());
    response.headers().forEach(resp::setHeader);
    byte[] out = response.body();
    if (out.length > 0 && !request.method().equals("HEAD")) {
      resp.setContentLength(out.length);
      resp.getOutputStream().write(out);
    }
  }

  /** The path below the servlet's mapping, still percent-encoded, as the console expects. */
  private static String rawPathInfo(HttpServletRequest req) {
    String uri = req.getRequestURI();
    String prefix = req.getContextPath() + req.getServletPath();
    return uri.startsWith(prefix) ? uri.substring(prefix.length()) : req.getPathInfo();
  }
}
