package io.planpulse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.planpulse.Planpulse;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The command line answers for itself: every command's --help prints its usage with exit code 0, and an unknown
 * option exits with 2.
 */
class CommandLineTest {

    @Test
    void shouldPrintTheUsageOfEveryCommandOnHelp() {
        for (List<String> cmd : List.of(List.of("demo"), List.of("run"), List.of("broker"), List.of("plan", "load"),
                List.of("plan", "validate"), List.of("replay"), List.of("simulate"), List.of("bench"),
                List.of("accuracy"))) {
            StringWriter out = new StringWriter();
            CommandLine cl = Planpulse.commandLine();
            cl.setOut(new PrintWriter(out));
            List<String> args = new ArrayList<>(cmd);
            args.add("--help");
            assertThat(cl.execute(args.toArray(String[]::new))).as(String.join(" ", cmd)).isZero();
            assertThat(out.toString()).as(String.join(" ", cmd)).startsWith("Usage: planpulse " + String.join(" ", cmd));
        }
    }

    @Test
    void shouldExitWithTwoOnAnUnknownOption() {
        CommandLine cl = Planpulse.commandLine();
        cl.setErr(new PrintWriter(new StringWriter()));
        assertThat(cl.execute("bench", "--no-such-option")).isEqualTo(Planpulse.BAD_INPUT);
    }
}
