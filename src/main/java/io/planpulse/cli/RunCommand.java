package io.planpulse.cli;

import io.planpulse.app.Config;
import io.planpulse.app.PipelineApp;
import io.planpulse.app.Shutdown;
import io.planpulse.app.SimulatedFeed;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code run}: the pipeline and the HTTP server against a real cluster. */
@Command(name = "run", description = "The pipeline and HTTP server against a real Kafka cluster.")
public final class RunCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster = new ClusterOptions();
    @Option(names = "--as-of", description = "Fixed as-of instant (a date, meaning its start in planpulse.timezone, or an ISO instant).")
    String asOf;
    @Option(names = "--clock-year", description = "Run on the wall clock moved by whole years into this year, as "
            + "demo and simulate do for the shipped 2025 plan (default: the wall clock as it is).")
    Integer clockYear;
    @Option(names = "--http-port", description = "HTTP port (default 8080; 0 for any free port).")
    Integer httpPort;
    @Option(names = "--http-host", description = "Address the HTTP server binds (default 127.0.0.1).")
    String httpHost;
    @Option(names = "--state-dir", description = "Kafka Streams state directory.")
    Path stateDir;

    @Override
    public Integer call() throws Exception {
        Map<String, String> flags = new HashMap<>();
        flags.put(Config.HTTP_PORT, httpPort == null ? null : String.valueOf(httpPort));
        flags.put(Config.HTTP_HOST, httpHost);
        flags.put("state.dir", stateDir == null ? null : stateDir.toString());
        flags.put(Config.AS_OF, asOf);
        flags.put(Config.CLOCK_YEAR, clockYear == null ? null : String.valueOf(clockYear));
        Config config = cluster.config(flags);
        Clock clock = clock(config);
        Shutdown shutdown = new Shutdown();
        try (PipelineApp app = DemoCommand.start(config, clock)) {
            return serve(app, shutdown, System.out, System.err);
        } finally {
            shutdown.finished();
        }
    }

    /**
     * --as-of fixes the clock; --clock-year moves the wall clock into that year; else the wall clock. Dates and
     * years are taken in the deployment's zone (planpulse.timezone).
     */
    static Clock clock(Config config) throws BadInput {
        String t = config.get(Config.AS_OF);
        String year = config.get(Config.CLOCK_YEAR);
        ZoneId zone = config.zone();
        if (t != null && year != null) {
            throw new BadInput("--as-of and --clock-year (" + Config.AS_OF + ", " + Config.CLOCK_YEAR
                    + ") both set the clock: give one");
        }
        if (t != null) {
            return Clock.fixed(Inputs.asOf(t, zone), ZoneId.of("UTC"));
        }
        if (year != null) {
            try {
                return SimulatedFeed.clockInYear(Integer.parseInt(year.trim()), zone);
            } catch (NumberFormatException e) {
                throw new BadInput("--clock-year: '" + year + "' is not a year");
            }
        }
        return Clock.systemUTC();
    }

    /**
     * The rest of {@code run} once the instance has started: prints {@code ready URL} once it serves with a plan
     * loaded, then waits for Ctrl-C / SIGTERM or for the instance to fail. Returns the exit code: 0 after a stop, 1
     * after a failure, whose reason goes to {@code err} in one line.
     */
    public static int serve(PipelineApp app, Shutdown shutdown, PrintStream out, PrintStream err) throws InterruptedException {
        app.onFailure(shutdown::request);
        while (!app.ready() && !shutdown.await(100_000_000L)) {
            continue;
        }
        if (app.ready() && app.failure() == null) {
            out.println("ready " + app.url());
            out.flush();
        }
        shutdown.await();
        if (app.failure() != null) {
            err.println("planpulse: " + app.failure());
            return 1;
        }
        return 0;
    }
}
