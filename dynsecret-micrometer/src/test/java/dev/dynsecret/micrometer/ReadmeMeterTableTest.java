package dev.dynsecret.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dynsecret.DynamicSecret;
import dev.dynsecret.LeaseManager;
import dev.dynsecret.ProviderConfig;
import dev.dynsecret.memory.MemoryLeaseStore;
import dev.dynsecret.testkit.RecordingProvider;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's table of meters is the list of meters the module registers, names, types and tags. */
class ReadmeMeterTableTest {
  private static final Pattern ROW =
      Pattern.compile("^\\| `(dynsecret\\.[a-z.]+)` \\| (\\w+) \\| ([^|]*) \\|", Pattern.MULTILINE);

  @Test
  void theReadmeTableListsEveryMeterWithItsTypeAndTags() throws IOException {
    Map<String, String> documented = new TreeMap<>();
    Matcher row = ROW.matcher(Files.readString(Path.of("README.md")));
    while (row.find()) {
      TreeSet<String> tags = new TreeSet<>();
      for (String tag : row.group(3).split(",")) {
        tags.add(tag.strip().replace("`", ""));
      }
      documented.put(row.group(1), row.group(2) + " " + tags);
    }

    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    DynsecretMetrics metrics = DynsecretMetrics.of(registry);
    try (LeaseManager leases = LeaseManager.builder()
        .store(new MemoryLeaseStore())
        .listener(metrics.listener())
        .provider(metrics.timed(new RecordingProvider()))
        .secret(DynamicSecret.builder("orders-api")
            .provider(RecordingProvider.TYPE, ProviderConfig.empty())
            .defaultTtl(Duration.ofMinutes(5)).build())
        .build()) {
      metrics.bind(leases);
      leases.revoke(leases.create("orders-api").lease().id());
      Map<String, String> registered = new TreeMap<>();
      for (Meter meter : registry.getMeters()) {
        TreeSet<String> tags = new TreeSet<>();
        meter.getId().getTags().stream().map(Tag::getKey).forEach(tags::add);
        registered.put(meter.getId().getName(),
            meter.getId().getType().name().toLowerCase(Locale.ROOT) + " " + tags);
      }
      assertEquals(registered, documented);
    }
  }
}
