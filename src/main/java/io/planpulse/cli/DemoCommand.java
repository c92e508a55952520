package io.planpulse.cli;

import static io.planpulse.app.Trees.deleteTree;

import io.planpulse.app.Config;
import io.planpulse.app.HeldClock;
import io.planpulse.app.PipelineApp;
import io.planpulse.app.PlanLoad;
import io.planpulse.app.Progress;
import io.planpulse.app.Replay;
import io.planpulse.app.Shutdown;
import io.planpulse.app.SimulatedFeed;
import io.planpulse.app.TopicAdmin;
import io.planpulse.broker.EmbeddedBroker;
import io.planpulse.plan.Plan;
import io.planpulse.simulate.CitySimulation;
import io.planpulse.simulate.Simulator;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code demo}: an in-process broker, the pipeline, the shipped plan, simulated events and the HTTP server. */
@Command(name = "demo", description = "An in-process broker, the pipeline, the shipped plan, simulated events and the HTTP server.")
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--plan", description = "Plan file (repeatable); default: the 2025 Banan plan in the jar.")
    List<Path> plans = new ArrayList<>();
    @Option(names = "--replay", description = "JSON Lines file to replay (repeatable).")
    List<Path> replays = new ArrayList<>();
    @Option(names = "--as-of", description = "Fixed as-of instant: a date (its start in the plan's zone) or an ISO instant.")
    String asOf;
    @Option(names = "--no-simulate", description = "Do not simulate events.")
    boolean noSimulate;
    @Option(names = "--rate", description = "Live simulated events per second (default ${DEFAULT-VALUE}).")
    double rate = 5;
    @Option(names = "--http-port", description = "HTTP port, 0 for any free port (default ${DEFAULT-VALUE}).")
    int httpPort = 8080;
    @Option(names = "--http-host", description = "Address the HTTP server binds (default ${DEFAULT-VALUE}).")
    String httpHost = "127.0.0.1";
    @Option(names = "--data-dir", description = "Keep broker data and state here (default: a temporary directory, removed on exit).")
    Path dataDir;
    @Option(names = "--seed", description = "Simulation seed (default ${DEFAULT-VALUE}).")
    long seed = 2025;
    @Option(names = "--quiet", description = "No progress output.")
    boolean quiet;
    @Option(names = "--districts", paramLabel = "N", description = "N districts (the first N of Chongqing's 38, Banan "
            + "first), each with a plan derived from the shipped one, plus the city's aggregate plan (500000), and "
            + "their events. Without it: Banan alone.")
    Integer districts;

    @Override
    public Integer call() throws Exception {
        if (districts != null && !plans.isEmpty()) {
            throw new BadInput("demo: --districts derives every plan from the shipped one: give it without --plan");
        }
        List<Plan> loaded = Inputs.plans(plans);
        CitySimulation city = null;
        if (districts != null) {
            try {
                city = new CitySimulation(loaded.get(0), districts, seed);
            } catch (IllegalArgumentException e) {
                throw new BadInput("demo: " + e.getMessage());
            }
            loaded = city.plans();
        }
        Inputs.checkFiles(replays);
        // the demo deploys in its first plan's zone (the default zone when the plan names none)
        ZoneId zone = ZoneId.of(loaded.get(0).timezone());
        Clock clock = SimulatedFeed.demoClock(loaded, asOf == null ? null : Inputs.asOf(asOf, zone), zone);
        Inputs.checkPortFree(httpHost, httpPort);
        Path dir = dataDir != null ? dataDir : Files.createTempDirectory("planpulse-demo");
        Files.createDirectories(dir);
        PrintStream err = System.err;
        Shutdown shutdown = new Shutdown();
        // The broker lives in our directory (removed below once everything is closed), not in the kit's own
        // temporary one, which the kit deletes from a shutdown hook of its own while the broker still writes.
        try (EmbeddedBroker broker = EmbeddedBroker.start(dir.resolve("broker"))) {
            Map<String, String> flags = new HashMap<>();
            flags.put("bootstrap.servers", broker.bootstrapServers());
            flags.put("state.dir", dir.resolve("state").toString());
            flags.put(Config.HTTP_PORT, String.valueOf(httpPort));
            flags.put(Config.HTTP_HOST, httpHost);
            flags.put(Config.TIMEZONE, zone.getId());
            flags.put(Config.PARTITIONS, "3");
            flags.put(Config.REPLICATION, "1");
            flags.put("replication.factor", "1");
            Config config = Config.load(null, Map.of(), flags);
            TopicAdmin.ensureTopics(config.clients(), 3, 1);
            for (int i = 0; i < loaded.size(); i++) {
                Plan p = loaded.get(i);
                // GET /api/plans names the file; the default plan is the one shipped in the jar
                String source = city != null ? "derived from banan-2025.yaml (demo --districts)"
                        : plans == null || plans.isEmpty() ? "banan-2025.yaml (shipped)"
                        : plans.get(i).getFileName().toString();
                PlanLoad.Published n = PlanLoad.publish(p, config.clients(), source, config.get(Config.DISTRICT));
                err.printf("plan %d%s: version %s, %d targets loaded%n", p.year(),
                        p.district() == null ? "" : " of " + p.district() + " " + p.districtName(), n.version(),
                        n.targets());
            }
            Plan simulated = city != null ? loaded.get(0) : loaded.get(loaded.size() - 1);
            Simulator single = noSimulate || city != null ? null : new Simulator(simulated, seed);
            CitySimulation many = noSimulate ? null : city;
            Feed sim = single != null ? new Feed(single::lastYear, single::history, single::live)
                    : many != null ? new Feed(many::lastYear, many::history, many::live) : null;
            // Last year's simulated facts reach the pipeline before last year closes, as they would have.
            Instant lastYearFeed = Collections.min(List.of(clock.instant(),
                    SimulatedFeed.lastYearCloses(loaded, simulated, zone).minusMillis(1)));
            HeldClock pipelineClock = new HeldClock(clock, sim == null ? null : lastYearFeed);
            try (PipelineApp app = start(config, pipelineClock)) {
                app.onFailure(shutdown::request);
                app.awaitReady(Duration.ofMinutes(3));
                KafkaProducer<byte[], byte[]> producer = sim == null ? null : SimulatedFeed.producer(config.clients());
                if (sim != null) {
                    long[] n = {0};
                    sim.lastYear(lastYearFeed, e -> {
                        SimulatedFeed.send(producer, e);
                        n[0]++;
                    });
                    producer.flush();
                    err.printf("simulated %,d events of %d (to %s)%n", n[0], simulated.year() - 1, lastYearFeed);
                    app.awaitIntake(Duration.ofMinutes(10)); // they have passed the intake's closed-year check
                }
                pipelineClock.release();
                long bad = 0;
                if (!replays.isEmpty()) {
                    Replay.Result r = Replay.run(replays, config.clients(),
                            quiet ? Progress.quiet() : new Progress("replay", err), err);
                    bad = r.badLines();
                }
                if (sim != null) {
                    long[] n = {0};
                    sim.history(clock.instant(), e -> {
                        SimulatedFeed.send(producer, e);
                        n[0]++;
                    });
                    producer.flush();
                    err.printf("simulated %,d events of the year so far (to %s)%n", n[0], clock.instant());
                }
                app.awaitReflected(Duration.ofMinutes(10));
                if (bad > 0) {
                    err.printf("%d bad replay lines (see above); they are in planpulse.rejected%n", bad);
                }
                System.out.println("ready " + app.url());
                System.out.flush();
                if (sim != null && rate > 0) {
                    SimulatedFeed.live(producer, sim.live(), clock, rate, Long.MAX_VALUE, shutdown, Progress.quiet(), 0);
                } else {
                    shutdown.await();
                }
                if (producer != null) {
                    producer.close(Duration.ofSeconds(5));
                }
                if (app.failure() != null) {
                    err.println("planpulse: " + app.failure());
                    return 1;
                }
            }
        } finally {
            if (dataDir == null) {
                deleteTree(dir);
            }
            shutdown.finished();
        }
        return 0;
    }

    /** One district's simulator or a city's: last year, the year so far, live events. */
    record Feed(java.util.function.BiConsumer<Instant, java.util.function.Consumer<io.planpulse.events.JsonEvents.Event>> lastYear,
                java.util.function.BiConsumer<Instant, java.util.function.Consumer<io.planpulse.events.JsonEvents.Event>> history,
                java.util.function.Function<Instant, io.planpulse.events.JsonEvents.Event> live) {
        void lastYear(Instant until, java.util.function.Consumer<io.planpulse.events.JsonEvents.Event> sink) {
            lastYear.accept(until, sink);
        }

        void history(Instant until, java.util.function.Consumer<io.planpulse.events.JsonEvents.Event> sink) {
            history.accept(until, sink);
        }
    }

    /** The pipeline on this configuration; a port that cannot be bound is a bad argument. */
    static PipelineApp start(Config config, Clock clock) throws Exception {
        try {
            return PipelineApp.start(config, clock);
        } catch (io.planpulse.app.CannotListen e) {
            throw new BadInput(e.getMessage());
        }
    }
}
