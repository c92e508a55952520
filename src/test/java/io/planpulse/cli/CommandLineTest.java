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
                List.of("plan", "validate"), List.of("replay"), List.of("simulate"), List.of("bench"), List.of("schemas"),
                List.of("schemas", "export"), List.of("schemas", "register"), List.of("accuracy"))) {
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
    void shouldRunOnTheWallClockMovedIntoTheClockYear() {
        java.time.ZoneId zone = java.time.ZoneId.of("Asia/Shanghai");
        java.time.ZonedDateTime now = java.time.ZonedDateTime.now(zone);
        java.time.ZonedDateTime moved = java.time.ZonedDateTime.now(io.planpulse.app.SimulatedFeed.clockInYear(2025, zone)).withZoneSameInstant(zone);
        assertThat(moved.getYear()).isEqualTo(2025);
        assertThat(moved.getMonth()).isEqualTo(now.getMonth());
        assertThat(java.time.Duration.between(now.withYear(2025), moved).abs()).isLessThan(java.time.Duration.ofMinutes(1));
    }

    @Test
    void shouldRefuseTwoClocksForRun() {
        CommandLine cl = Planpulse.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        assertThat(cl.execute("run", "--bootstrap-servers", "127.0.0.1:1", "--as-of", "2025-06-15", "--clock-year", "2025"))
                .isEqualTo(Planpulse.BAD_INPUT);
        assertThat(err.toString()).contains("--as-of and --clock-year");
    }

    @Test
    void shouldExitWithTwoOnAnUnknownOption() {
        CommandLine cl = Planpulse.commandLine();
        cl.setErr(new PrintWriter(new StringWriter()));
        assertThat(cl.execute("bench", "--no-such-option")).isEqualTo(Planpulse.BAD_INPUT);
    }

    /** --as-of and --clock-year are read in the deployment's zone (planpulse.timezone), whatever it is. */
    @Test
    void shouldReadAsOfInTheDeploymentsZone() throws Exception {
        io.planpulse.app.Config berlin = io.planpulse.app.Config.load(null, java.util.Map.of(), java.util.Map.of(
                "bootstrap.servers", "x:1", io.planpulse.app.Config.TIMEZONE, "Europe/Berlin",
                io.planpulse.app.Config.AS_OF, "2024-03-31"));
        assertThat(RunCommand.clock(berlin).instant()).isEqualTo(java.time.Instant.parse("2024-03-30T23:00:00Z"));
        io.planpulse.app.Config newYork = io.planpulse.app.Config.load(null, java.util.Map.of(), java.util.Map.of(
                "bootstrap.servers", "x:1", io.planpulse.app.Config.TIMEZONE, "America/New_York",
                io.planpulse.app.Config.CLOCK_YEAR, "2025"));
        assertThat(java.time.ZonedDateTime.ofInstant(RunCommand.clock(newYork).instant(),
                java.time.ZoneId.of("America/New_York")).getYear()).isEqualTo(2025);
    }
}
