package dev.dynsecret.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "completion", mixinStandardHelpOptions = true,
    description = {"Prints a bash/zsh completion script for dynsecret.",
        "Load it with:", "  source <(dynsecret completion)",
        "For zsh, run `autoload -U +X bashcompinit && bashcompinit` first."})
final class CompletionCommand extends Subcommand {
  @Override
  public Integer call() {
    CommandLine top = spec.commandLine().getParent();
    out().print(AutoComplete.bash("dynsecret", top));
    out().flush();
    return ExitCodes.OK;
  }
}
