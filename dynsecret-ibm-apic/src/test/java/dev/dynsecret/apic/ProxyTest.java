package dev.dynsecret.apic;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import dev.dynsecret.spi.ProviderConnection;

/** A proxy given to the builder carries every request. */
class ProxyTest {
  @RegisterExtension
  static WireMockExtension proxy = WireMockExtension.newInstance()
      .options(wireMockConfig().dynamicPort()).build();

  @Test
  void requestsGoThroughTheGivenProxy() {
    Apic.stubToken(proxy);
    Apic.stubCreate(proxy);
    ApiConnectProvider provider = ApiConnectProvider.builder()
        .proxy(ProxySelector.of(new InetSocketAddress("localhost", proxy.getPort())))
        .build();
    // Nothing listens on port 9: only the proxy can answer.
    ProviderConnection handle = provider.connect(Apic.config(proxy)
        .put("url", "http://localhost:9").build());
    try {
      assertEquals("cred-id-1", handle.create(Apic.lease()).externalId());
    } finally {
      handle.close();
    }

    proxy.verify(1, postRequestedFor(urlEqualTo("/api/token")));
    proxy.verify(1, postRequestedFor(urlEqualTo(Apic.CREDENTIALS)));
  }
}
