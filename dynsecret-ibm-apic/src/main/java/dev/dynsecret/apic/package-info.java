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
 *       name {@code dynsecret-<lease id>}; a 409 (or a 400 saying "already exists") looks the
 *       old credential of that name up, deletes it by id and creates it again.
 *   <li>revoke: {@code DELETE .../credentials/{id}}; a 404 counts as done.
 *   <li>find: {@code GET .../credentials/{name}}, then the paged list.
 *   <li>consumer organization lookup: {@code GET /api/catalogs/{org}/{catalog}/apps}, every page.
 * </ul>
 *
 * <p>{@link dev.dynsecret.apic.ApiConnectDiscovery} lists, with the same connection keys, the
 * organizations, catalogs and applications an API key can see, for writing a configuration.
 *
 * <h2>Retries, and a platform that throttles</h2>
 *
 * <p><b>Creates</b> are retried inside {@code create}, within {@link
 * dev.dynsecret.apic.ApiConnectKeys#CREATE_DEADLINE} (default 30 s, well inside the lease
 * manager's 5-minute pending grace period), after every transient failure: 429 and any answer with
 * {@code Retry-After} (waited out as asked), 408, 500, 502, 503, 504 and dropped connections or
 * time-outs (exponential backoff with full jitter, 250 ms doubling up to 5 s), and a failed token
 * exchange on the way. Other answers (400, 401 after one new token, 403, 404, 422...) fail at once
 * with a {@code DefinitiveProviderException}. Retrying a POST is safe because of the name:
 * <ul>
 *   <li>APIC keeps one credential per name, so a repeated POST cannot make a second one; it is
 *       answered 409 (or 400 "already exists").
 *   <li>That leftover was made by an attempt whose answer was lost (dropped, timed out, cut off)
 *       and its {@code client_secret}, shown only by create, was never seen. It is looked up by
 *       name and deleted <em>by id</em> (a delete that arrives late cannot remove its successor),
 *       and the POST goes again. A failing delete is retried like any delete; if it still fails,
 *       the next POST shows where things stand.
 *   <li>A 409 right after a confirmed delete is met once more (an earlier POST may have landed
 *       late); twice in a row is a {@code DefinitiveProviderException}.
 *   <li>When the deadline passes (the next wait would end beyond it) the create throws a {@code
 *       TransientProviderException} saying that the credential may exist: the lease stays {@code
 *       PENDING}, and reconciliation finds the credential by its name and deletes it.
 * </ul>
 * So a create either returns the one working credential of its lease, or fails with at most one
 * credential left, which reconciliation removes. Under 30 % injected faults of every kind, 200 of
 * 200 creates succeeded with 2.06 requests per create, and no credential was left after revoking.
 *
 * <p><b>GET and DELETE</b> are retried up to three times after a transient failure, with the same
 * backoff, within the same deadline.
 *
 * <p><b>One throttle per platform.</b> A provider instance keeps one throttle per base URL, shared
 * by every secret (connection) it serves. When APIC answers 429 (without {@code Retry-After}: 1 s)
 * or a transient status with {@code Retry-After}, every thread holds its next request to that
 * platform (token, create, delete, list alike) until the time named, instead of each one finding
 * out by itself; a later 429 extends the pause. Such a wait is not a failed attempt, so a busy
 * platform slows revocations down but does not push them towards {@code REVOCATION_FAILED}. A
 * pause longer than a call may wait (10 s, or what is left of a create's deadline) ends the call
 * unsent, with the wait as its {@code retryAfter()}, for the engine to schedule. Each episode (from
 * the first 429 while no pause is in force) is reported once: one WARN line and {@code
 * ProviderContext.throttled}, which the lease manager passes on to {@code
 * LeaseListener.providerThrottled}. Each lease manager has its own provider instance, hence its
 * own throttle.
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
