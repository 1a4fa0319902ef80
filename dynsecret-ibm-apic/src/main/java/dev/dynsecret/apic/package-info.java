/**
 * The IBM API Connect provider, type {@code ibm-api-connect}: each lease is a client ID / client
 * secret pair on one APIC application.
 *
 * <h2>Configuration</h2>
 *
 * <p>A dynamic secret's {@link dev.dynsecret.ProviderConfig} holds these keys (constants in
 * {@link dev.dynsecret.apic.ApiConnectKeys}); any other key is rejected:
 *
 * <table>
 *   <caption>Configuration keys</caption>
 *   <tr><th>key</th><th>required</th><th>meaning</th></tr>
 *   <tr><td>{@code url}</td><td>yes</td><td>platform API URL, e.g.
 *       {@code https://platform-api.example.com}; https, except for loopback hosts</td></tr>
 *   <tr><td>{@code apiKey}</td><td>yes, secret</td><td>API key ("My API Keys" page)</td></tr>
 *   <tr><td>{@code clientId}</td><td>yes</td><td>toolkit client ID shown with the key</td></tr>
 *   <tr><td>{@code clientSecret}</td><td>yes, secret</td><td>toolkit client secret</td></tr>
 *   <tr><td>{@code org}</td><td>yes</td><td>provider organization, name or id</td></tr>
 *   <tr><td>{@code catalog}</td><td>yes</td><td>catalog, name or id</td></tr>
 *   <tr><td>{@code app}</td><td>yes</td><td>application, name or id</td></tr>
 *   <tr><td>{@code consumerOrg}</td><td>no</td><td>the application's consumer organization;
 *       looked up once from the catalog's application list when absent</td></tr>
 *   <tr><td>{@code connectTimeout}</td><td>no</td><td>e.g. {@code 500ms}, {@code 10s},
 *       {@code 1m} (units ms, s, m; 1ms to 10m); default {@code 10s}</td></tr>
 *   <tr><td>{@code requestTimeout}</td><td>no</td><td>per HTTP request, same format;
 *       default {@code 20s}</td></tr>
 *   <tr><td>{@code trustStore}</td><td>no</td><td>PKCS#12 or JKS file of CA certificates to
 *       trust (private CA)</td></tr>
 *   <tr><td>{@code trustStorePassword}</td><td>no, secret</td><td>its password</td></tr>
 * </table>
 *
 * <p>A missing or malformed key fails {@link dev.dynsecret.LeaseManager#register} with an {@link
 * dev.dynsecret.InvalidRequestException} naming it. A custom {@link javax.net.ssl.SSLContext}, a
 * proxy or a clock are set on {@link dev.dynsecret.apic.ApiConnectProvider#builder()} instead.
 *
 * <h2>What it does on the wire</h2>
 *
 * <ul>
 *   <li>{@code POST /api/token} with the API-key grant, once; the token is reused until shortly
 *       before {@code expires_in}, and fetched again after a 401.
 *   <li>create: {@code POST /api/apps/{org}/{catalog}/{consumerOrg}/{app}/credentials} with the
 *       name {@code dynsecret-<lease id>}; a 409 (or a 400 saying "already exists") deletes the
 *       old credential of that name and creates it again.
 *   <li>revoke: {@code DELETE .../credentials/{id}}; a 404 counts as done.
 *   <li>find: {@code GET .../credentials/{name}}, then the paged list.
 *   <li>consumer organization lookup: {@code GET /api/catalogs/{org}/{catalog}/apps}, every page.
 * </ul>
 *
 * <p>Failures are {@link dev.dynsecret.TransientProviderException}s (429, 408, 500, 502-504,
 * timeouts, dropped connections; with {@code retryAfter()} when the server sent
 * {@code Retry-After}) or {@link dev.dynsecret.DefinitiveProviderException}s (other 4xx, a
 * rejected API key, an unknown application). Messages hold the method, the path, the status and
 * APIC's own messages, never a secret.
 *
 * <p>Null is not allowed unless a type says {@code @Nullable}.
 */
@NullMarked
package dev.dynsecret.apic;

import org.jspecify.annotations.NullMarked;
