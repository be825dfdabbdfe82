package io.lockn.cli;

import io.lockn.cli.audit.AuditCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code lockn} command: {@code java -jar lockn-cli.jar <command> ...}. */
@Command(
    name = "lockn",
    mixinStandardHelpOptions = true,
    versionProvider = LocknCommand.Version.class,
    description = "LockN: FinOps for AI agents on the JVM.",
    subcommands = {AuditCommand.class, CommandLine.HelpCommand.class})
public final class LocknCommand implements Runnable {

  @SuppressWarnings("NullAway.Init") // picocli injects it before run()
  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  private LocknCommand() {}

  /**
   * Runs the command line and exits with its exit code.
   *
   * @param args the arguments
   */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /**
   * Runs the command line without exiting, for tests and embedding.
   *
   * @param args the arguments
   * @return the exit code: 0 success, 1 nothing could be read, 2 usage or input error
   */
  public static int run(String... args) {
    return new CommandLine(new LocknCommand()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The version from the jar's manifest or LockN's build properties. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = LocknCommand.class.getPackage().getImplementationVersion();
      return new String[] {"lockn " + (v != null ? v : "0.1.0-SNAPSHOT")};
    }
  }
}
