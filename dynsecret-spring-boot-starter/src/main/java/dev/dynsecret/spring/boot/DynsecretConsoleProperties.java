package dev.dynsecret.spring.boot;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code dynsecret.console.*} properties: whether and where the web console
 * ({@code dynsecret-console}) is mounted, and who may change leases through it.
 */
@ConfigurationProperties(prefix = "dynsecret.console")
public class DynsecretConsoleProperties {
  /** Whether to mount the web console (needs dev.dynsecret:dynsecret-console). */
  private boolean enabled;

  /** Where the console is mounted, e.g. /dynsecret (the page is then /dynsecret/). */
  private String path = "/dynsecret";

  /** Whether the console refuses every write (create, renew, revoke, reconcile, sweep). */
  private boolean readOnly;

  /**
   * Without Spring Security only: a file holding the token users sign in to the console with
   * (at least 16 characters). Ignored when Spring Security is present, which then authenticates.
   */
  private @Nullable String tokenFile;

  /** {@return whether the console is mounted ({@code dynsecret.console.enabled})} */
  public boolean isEnabled() {
    return enabled;
  }

  /**
   * Sets {@code enabled}.
   *
   * @param enabled the new value
   */
  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  /** {@return the path the console is mounted under ({@code dynsecret.console.path})} */
  public String getPath() {
    return path;
  }

  /**
   * Sets {@code path}.
   *
   * @param path the new value
   */
  public void setPath(String path) {
    this.path = path;
  }

  /** {@return whether the console only shows and refuses every change} */
  public boolean isReadOnly() {
    return readOnly;
  }

  /**
   * Sets {@code readOnly}.
   *
   * @param readOnly the new value
   */
  public void setReadOnly(boolean readOnly) {
    this.readOnly = readOnly;
  }

  /** {@return the file holding the sign-in token, without Spring Security; or null} */
  public @Nullable String getTokenFile() {
    return tokenFile;
  }

  /**
   * Sets {@code tokenFile}.
   *
   * @param tokenFile the new value
   */
  public void setTokenFile(@Nullable String tokenFile) {
    this.tokenFile = tokenFile;
  }
}
