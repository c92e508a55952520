package io.planpulse.cli;

import io.planpulse.app.Config;
import io.planpulse.app.Progress;
import io.planpulse.app.Shutdown;
import io.planpulse.app.SimulatedFeed;
import io.planpulse.app.TopicAdmin;
import io.planpulse.plan.Plan;
import io.planpulse.simulate.CitySimulation;
import io.planpulse.simulate.Simulator;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code simulate}: last year, the year so far, then live events, onto the input topics. */
@Command(name = "simulate", description = "Simulate last year and the year so far, then live events, onto the input topics.")
public final class SimulateCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster = new ClusterOptions();
    @Option(names = "--rate", description = "Live events per second (default ${DEFAULT-VALUE}; a multiple of real scale for load).")
    double rate = 5;
    @Option(names = "--plan", description = "Plan to simulate (default: the shipped 2025 plan).")
    Path plan;
    @Option(names = "--as-of", description = "Simulate up to this instant, then live at it (default: now, moved into the plan year).")
    String asOf;
    @Option(names = "--seed", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed = 2025;
    @Option(names = "--no-history", description = "Skip the history (last year's and the year to date).")
    boolean noHistory;
    @Option(names = "--no-last-year", description = "Skip last year's history (the year before the plan's).")
    boolean noLastYear;
    @Option(names = "--duration", description = "Stop after this many seconds of live events (default: run until stopped).")
    Long duration;
    @Option(names = "--quiet", description = "No progress output.")
    boolean quiet;
    @Option(names = "--districts", paramLabel = "N", description = "Events of N districts (the first N of Chongqing's "
            + "38, Banan first), each following a plan derived from the shipped one (demo --districts N loads those "
            + "plans and the city's). Without it: Banan alone.")
    Integer districts;

    @Override
    public Integer call() throws Exception {
        Config config = cluster.config(Map.of());
        ZoneId zone = config.zone();
        List<Plan> loaded = Inputs.plans(plan == null ? List.of() : List.of(plan), zone);
        Clock clock = SimulatedFeed.demoClock(loaded, asOf == null ? null : Inputs.asOf(asOf, zone), zone);
        TopicAdmin.ensureTopics(config.clients(), config.getInt(Config.PARTITIONS), config.getInt(Config.REPLICATION));
        if (districts != null && plan != null) {
            throw new BadInput("simulate: --districts derives every plan from the shipped one: give it without --plan");
        }
        Simulator single = districts == null ? new Simulator(loaded.get(0), seed) : null;
        CitySimulation city;
        try {
            city = districts == null ? null : new CitySimulation(loaded.get(0), districts, seed);
        } catch (IllegalArgumentException e) {
            throw new BadInput("simulate: " + e.getMessage());
        }
        DemoCommand.Feed sim = single != null ? new DemoCommand.Feed(single::lastYear, single::history, single::live)
                : new DemoCommand.Feed(city::lastYear, city::history, city::live);
        Progress progress = quiet ? Progress.quiet() : new Progress("simulate", System.err);
        long[] n = {0};
        Shutdown shutdown = new Shutdown();
        try (KafkaProducer<byte[], byte[]> producer = SimulatedFeed.producer(config.clients())) {
            Instant lastYearClosed = SimulatedFeed.lastYearCloses(loaded, loaded.get(0), zone);
            boolean lastYearOpen = clock.instant().isBefore(lastYearClosed);
            if (!noHistory && !noLastYear && !lastYearOpen) {
                // a pipeline on the same clock would reject all of it as late
                System.err.printf("simulate: last year closed on %s by this clock: not sent (demo sends it while "
                        + "it is open)%n", lastYearClosed);
            }
            if (!noHistory && !noLastYear && lastYearOpen) {
                Instant lastYearFeed = Collections.min(List.of(clock.instant(), lastYearClosed.minusMillis(1)));
                sim.lastYear(lastYearFeed, e -> {
                    SimulatedFeed.send(producer, e);
                    progress.tick(++n[0]);
                });
            }
            if (!noHistory) {
                sim.history(clock.instant(), e -> {
                    SimulatedFeed.send(producer, e);
                    progress.tick(++n[0]);
                });
                producer.flush();
            }
            long end = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration * 1_000_000_000L;
            n[0] = SimulatedFeed.live(producer, sim.live(), clock, Math.max(rate, 0.001), end, shutdown, progress, n[0]);
        } finally {
            shutdown.finished();
        }
        progress.done(n[0]);
        return 0;
    }
}
