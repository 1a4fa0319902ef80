/**
 * Test-run hygiene: {@link dev.dynsecret.testkit.logs.SecretsUsed} records the secret values tests
 * handle, so the build can check that none of them reached a log.
 */
package dev.dynsecret.testkit.logs;
