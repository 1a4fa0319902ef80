package dev.dynsecret.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.dynsecret.InvalidRequestException;
import dev.dynsecret.ProviderConfig;
import dev.dynsecret.apic.ApiConnectDiscovery;
import dev.dynsecret.apic.ApiConnectProvider;
import dev.dynsecret.cli.CliConfig.SecretEntry;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code dynsecret apic orgs | catalogs | apps}: what an API key can see, to fill in {@code org},
 * {@code catalog}, {@code app} and {@code consumerOrg}. Discovery calls go through {@link
 * ApiConnectDiscovery} in dynsecret-ibm-apic, so they share the provider's token handling,
 * retries and secret-free error messages.
 */
@Command(name = "apic", mixinStandardHelpOptions = true, footer = ExitCodes.FOOTER,
    description = {"Explores IBM API Connect, for writing the configuration.",
        "Lists the organizations an API key can see, the catalogs of one, the applications of a"
            + " catalog. The API key is the discovery section's, else --secret's, else that of the"
            + " only ibm-api-connect secret."},
    subcommands = {ApicCommand.Orgs.class, ApicCommand.Catalogs.class, ApicCommand.Apps.class})
final class ApicCommand implements Runnable {
  @ParentCommand
  DynsecretCommand root;

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The API key to explore with, from the configuration file. */
  ProviderConfig credentials(String secretName) {
    CliConfig config = root.config();
    if (secretName != null) {
      SecretEntry secret = config.secret(secretName);
      if (!secret.definition().providerType().equals(ApiConnectProvider.TYPE)) {
        throw new ConfigException("--secret " + secretName + ": its provider is "
            + secret.definition().providerType() + ", not " + ApiConnectProvider.TYPE);
      }
      return secret.definition().providerConfig();
    }
    if (config.discovery().isPresent()) {
      return config.discovery().get().config();
    }
    List<SecretEntry> apic = config.secrets().stream()
        .filter(s -> s.definition().providerType().equals(ApiConnectProvider.TYPE)).toList();
    if (apic.size() == 1) {
      return apic.get(0).definition().providerConfig();
    }
    throw new ConfigException(config.file() + ": "
        + (apic.isEmpty() ? "has no ibm-api-connect secret and no discovery section"
            : "has " + apic.size() + " ibm-api-connect secrets; choose one with --secret")
        + "; add a 'discovery:' section with url, apiKey, clientId and clientSecret");
  }

  ApiConnectDiscovery connect(String secretName) {
    try {
      return ApiConnectDiscovery.connect(credentials(secretName));
    } catch (InvalidRequestException e) {
      throw new ConfigException(root.config().file() + ", the API key's settings: "
          + e.getMessage());
    }
  }

  /** Shared by the three: the parent, the output, {@code --secret} and {@code --json}. */
  abstract static class Listing implements Callable<Integer> {
    @ParentCommand
    ApicCommand apic;

    @Spec
    CommandSpec spec;

    @Option(names = "--secret", paramLabel = "SECRET",
        description = "Use this ibm-api-connect secret's API key.")
    String secret;

    @Option(names = "--json", description = "A JSON array, for scripts.")
    boolean json;

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    void print(Table table, ArrayNode array, String none) {
      if (json) {
        Json.print(out(), array);
      } else if (table.isEmpty()) {
        out().println(none);
      } else {
        table.print(out());
      }
    }
  }

  @Command(name = "orgs", mixinStandardHelpOptions = true, footer = ExitCodes.FOOTER,
      description = "The provider organizations the API key can see.")
  static final class Orgs extends Listing {
    @Override
    public Integer call() {
      try (ApiConnectDiscovery discovery = apic.connect(secret)) {
        Table table = new Table("NAME", "ID", "TITLE");
        ArrayNode array = Json.array();
        for (ApiConnectDiscovery.Organization org : discovery.organizations()) {
          table.row(org.name(), org.id(), org.title());
          array.addObject().put("name", org.name()).put("id", org.id()).put("title", org.title());
        }
        print(table, array, "No organizations are visible to this API key.");
        return ExitCodes.OK;
      }
    }
  }

  @Command(name = "catalogs", mixinStandardHelpOptions = true, footer = ExitCodes.FOOTER,
      description = "The catalogs of an organization.")
  static final class Catalogs extends Listing {
    @Option(names = "--org", paramLabel = "ORG", required = true,
        description = "The organization, by name or id.")
    String org;

    @Override
    public Integer call() {
      try (ApiConnectDiscovery discovery = apic.connect(secret)) {
        Table table = new Table("NAME", "ID", "TITLE");
        ArrayNode array = Json.array();
        for (ApiConnectDiscovery.Catalog catalog : discovery.catalogs(org)) {
          table.row(catalog.name(), catalog.id(), catalog.title());
          array.addObject().put("name", catalog.name()).put("id", catalog.id())
              .put("title", catalog.title());
        }
        print(table, array, "Organization " + org + " has no catalogs visible to this API key.");
        return ExitCodes.OK;
      }
    }
  }

  @Command(name = "apps", mixinStandardHelpOptions = true, footer = ExitCodes.FOOTER,
      description = {"The applications of a catalog, with their consumer organizations.",
          "The consumer organization is what the consumerOrg key takes."})
  static final class Apps extends Listing {
    @Option(names = "--org", paramLabel = "ORG", required = true,
        description = "The organization, by name or id.")
    String org;

    @Option(names = "--catalog", paramLabel = "CATALOG", required = true,
        description = "The catalog, by name or id.")
    String catalog;

    @Override
    public Integer call() {
      try (ApiConnectDiscovery discovery = apic.connect(secret)) {
        Table table = new Table("NAME", "ID", "CONSUMER ORG", "STATE");
        ArrayNode array = Json.array();
        for (ApiConnectDiscovery.Application app : discovery.applications(org, catalog)) {
          table.row(app.name(), app.id(),
              app.consumerOrgName() != null ? app.consumerOrgName() : app.consumerOrgId(),
              app.state());
          array.addObject().put("name", app.name()).put("id", app.id())
              .put("title", app.title()).put("state", app.state())
              .put("consumerOrg", app.consumerOrgName()).put("consumerOrgId", app.consumerOrgId());
        }
        print(table, array, "Catalog " + catalog + " has no applications.");
        return ExitCodes.OK;
      }
    }
  }

}
