package io.planpulse;

import io.planpulse.app.Logging;
import io.planpulse.base.AvroCodec;
import io.planpulse.cli.AccuracyCommand;
import io.planpulse.cli.BadInput;
import io.planpulse.cli.BenchCommand;
import io.planpulse.cli.BrokerCommand;
import io.planpulse.cli.DemoCommand;
import io.planpulse.cli.ImportCommand;
import io.planpulse.cli.NotifyRelayCommand;
import io.planpulse.cli.PlanCommand;
import io.planpulse.cli.ReplayCommand;
import io.planpulse.cli.ReportCommand;
import io.planpulse.cli.RunCommand;
import io.planpulse.cli.SchemasCommand;
import io.planpulse.cli.SimulateCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The command line of CONTRACT section 7: the root command only; each subcommand is its own class in {@code cli/}. Exit codes: 0 success, 2 bad arguments or input file, 1 anything else. */
@Command(name = "planpulse", mixinStandardHelpOptions = true, version = "planpulse 0.1.0",
        description = "Live plan completion rates from Kafka Streams.",
        subcommands = {DemoCommand.class, RunCommand.class, BrokerCommand.class, PlanCommand.class,
                ReplayCommand.class, SimulateCommand.class, BenchCommand.class,
                SchemasCommand.class, AccuracyCommand.class, ReportCommand.class, NotifyRelayCommand.class,
                ImportCommand.class})
public final class Planpulse {
    public static final int BAD_INPUT = BadInput.EXIT_CODE;

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Log everything from INFO up, including the start-up warnings of Kafka's internals that are "
                    + "left out by default (main reads it before anything logs).")
    boolean verbose;

    public static void main(String[] args) {
        Logging.install(java.util.Arrays.asList(args).contains("--verbose"));
        AvroCodec.trustGeneratedClasses();
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Planpulse());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof BadInput b) {
                cmd.getErr().println(b.getMessage());
                return BAD_INPUT;
            }
            cmd.getErr().println("planpulse: " + ex);
            ex.printStackTrace(cmd.getErr());
            return 1;
        });
        withHelp(cl);
        return cl;
    }

    /** Every subcommand answers {@code --help} (and {@code -h}) with its usage, as the top command does. */
    private static void withHelp(CommandLine cl) {
        for (CommandLine sub : cl.getSubcommands().values()) {
            sub.getCommandSpec().mixinStandardHelpOptions(true);
            withHelp(sub);
        }
    }
}
