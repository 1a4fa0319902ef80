/**
 * Helpers only dynsecret's own build uses; this module is not published.
 * {@link dev.dynsecret.buildsupport.SecretsUsed} records the secret values tests handle, so that
 * {@code dynsecret-security-tests} can check that none of them reached a log; {@link
 * dev.dynsecret.buildsupport.RecordIssuedSecrets} feeds it every value the test kit's tools issue.
 */
package dev.dynsecret.buildsupport;
