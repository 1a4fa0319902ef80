package dev.dynsecret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynsecret.ProviderConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretTest {
  @Test
  void neverShowsItsValue() {
    Secret secret = Secret.of("s3cr3t-value");

    assertFalse(secret.toString().contains("s3cr3t"));
    assertFalse(String.valueOf(secret).contains("s3cr3t"));
    assertEquals("s3cr3t-value", secret.reveal());
  }

  @Test
  void masksAllButAFewCharacters() {
    assertEquals("************1234", Secret.of("abcdefghijkl1234").masked(4));
    assertEquals("*********234", Secret.of("abcdefghi234").masked(4), "never more than a quarter");
    assertFalse(Secret.of("short").masked(4).contains("sho"));
  }

  @Test
  void comparesByValue() {
    assertEquals(Secret.of("a"), Secret.of("a"));
    assertNotEquals(Secret.of("a"), Secret.of("b"));
  }

  @Test
  void rejectsEmptyValues() {
    assertThrows(InvalidRequestException.class, () -> Secret.of(""));
    assertThrows(InvalidRequestException.class, () -> Secret.of(null));
  }

  @Test
  void secretDataListsKeysOnly() {
    SecretData data = SecretData.of("CLIENT_ID", "id-1", "CLIENT_SECRET", "very-secret");

    assertEquals("SecretData[CLIENT_ID, CLIENT_SECRET] (values redacted)", data.toString());
    NotFoundException e = assertThrows(NotFoundException.class, () -> data.get("PASSWORD"));
    assertTrue(e.getMessage().contains("[CLIENT_ID, CLIENT_SECRET]"));
  }

  @Test
  void providerConfigNamesMissingKeys() {
    ProviderConfig config = ProviderConfig.of(Map.of("url", "https://x", "blank", "  "));

    assertEquals("https://x", config.require("url"));
    assertEquals("apiKey: is required",
        assertThrows(InvalidRequestException.class, () -> config.requireSecret("apiKey")).getMessage());
    assertEquals("blank", assertThrows(InvalidRequestException.class, () -> config.require("blank")).field());
  }
}
