package io.planpulse;

import static io.planpulse.cli.Trees.deleteTree;

import io.planpulse.broker.EmbeddedBroker;
import io.planpulse.cli.Config;
import io.planpulse.cli.HeldClock;
import io.planpulse.cli.PipelineApp;
import io.planpulse.cli.PlanLoad;
import io.planpulse.cli.Progress;
import io.planpulse.cli.QuietLogging;
import io.planpulse.cli.Replay;
import io.planpulse.cli.Shutdown;
import io.planpulse.cli.TopicAdmin;
import io.planpulse.events.AvroCodec;
import io.planpulse.events.JsonEvents;
import io.planpulse.plan.Plan;
import io.planpulse.plan.PlanException;
import io.planpulse.plan.PlanLoader;
import io.planpulse.simulate.Simulator;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The command line of CONTRACT section 7. Exit codes: 0 success, 2 bad arguments or input file, 1 anything else. */
@Command(name = "planpulse", mixinStandardHelpOptions = true, version = "planpulse 0.1.0",
        description = "Live plan completion rates from Kafka Streams.",
        subcommands = {Planpulse.Demo.class, Planpulse.Run.class, Planpulse.Broker.class, Planpulse.PlanCmd.class,
                Planpulse.ReplayCmd.class, Planpulse.Simulate.class, io.planpulse.bench.Bench.class,
                io.planpulse.cli.SchemasCommand.class, io.planpulse.accuracy.Accuracy.class,
                io.planpulse.cli.ImportCommand.class})
public final class Planpulse {
    public static final int BAD_INPUT = 2;

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Log everything from INFO up, including the start-up warnings of Kafka's internals that are "
                    + "left out by default (main reads it before anything logs).")
    boolean verbose;

    public static void main(String[] args) {
        QuietLogging.install(java.util.Arrays.asList(args).contains("--verbose"));
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

    /** A bad input file or value: reported on stderr, exit code 2. */
    public static final class BadInput extends Exception {
        public BadInput(String message) {
            super(message, null, false, false);
        }
    }

    static List<Plan> plans(List<Path> files) throws BadInput {
        List<Plan> out = new ArrayList<>();
        if (files == null || files.isEmpty()) {
            out.add(PlanLoader.loadDefault());
            return out;
        }
        for (Path f : files) {
            try {
                Plan p = PlanLoader.load(f);
                p.warnings().forEach(w -> System.err.println("warning: " + w));
                out.add(p);
            } catch (PlanException e) {
                throw new BadInput("plan refused:\n" + e.getMessage());
            } catch (java.io.IOException e) {
                throw new BadInput(f + ": cannot read: " + e.getMessage());
            }
        }
        return out;
    }

    /** A date means its start in the plan's zone; anything else must be an ISO instant or offset date-time. */
    static Instant asOf(String value, ZoneId zone) throws BadInput {
        try {
            if (value.length() == 10) {
                return LocalDate.parse(value).atStartOfDay(zone).toInstant();
            }
            return value.endsWith("Z") ? Instant.parse(value) : OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw new BadInput("--as-of: '" + value + "' is neither a date (2025-06-30) nor an ISO instant (2025-06-30T12:00:00+08:00)");
        }
    }

    static void checkFiles(List<Path> files) throws BadInput {
        for (Path f : files) {
            if (!Files.isReadable(f)) {
                throw new BadInput(f + ": no such file or not readable");
            }
        }
    }

    static Map<String, String> env() {
        return System.getenv();
    }

    @Command(name = "demo", description = "An in-process broker, the pipeline, the shipped plan, simulated events and the HTTP server.")
    static final class Demo implements Callable<Integer> {
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

        @Override
        public Integer call() throws Exception {
            List<Plan> loaded = plans(plans);
            checkFiles(replays);
            ZoneId zone = ZoneId.of(loaded.get(0).timezone());
            Clock clock = demoClock(loaded, asOf == null ? null : Planpulse.asOf(asOf, zone));
            checkPortFree(httpHost, httpPort);
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
                flags.put(Config.TIMEZONE, zone.getId()); // the demo deploys in its plans' zone
                flags.put(Config.PARTITIONS, "3");
                flags.put(Config.REPLICATION, "1");
                flags.put("replication.factor", "1");
                Config config = Config.load(null, Map.of(), flags);
                TopicAdmin.ensureTopics(config.clients(), 3, 1);
                for (int i = 0; i < loaded.size(); i++) {
                    Plan p = loaded.get(i);
                    // GET /api/plans names the file; the default plan is the one shipped in the jar
                    String source = plans == null || plans.isEmpty() ? "banan-2025.yaml (shipped)"
                            : plans.get(i).getFileName().toString();
                    PlanLoad.Published n = PlanLoad.publish(p, config.clients(), source);
                    err.printf("plan %d: version %s, %d targets loaded%n", p.year(), n.version(), n.targets());
                }
                Plan simulated = loaded.get(loaded.size() - 1);
                Simulator sim = noSimulate ? null : new Simulator(simulated, seed);
                // Last year's simulated facts reach the pipeline before last year closes, as they would have.
                Instant lastYearFeed = Collections.min(List.of(clock.instant(), lastYearCloses(loaded, simulated).minusMillis(1)));
                HeldClock pipelineClock = new HeldClock(clock, sim == null ? null : lastYearFeed);
                try (PipelineApp app = PipelineApp.start(config, pipelineClock)) {
                    app.onFailure(shutdown::request);
                    app.awaitReady(Duration.ofMinutes(3));
                    KafkaProducer<byte[], byte[]> producer = sim == null ? null : producer(config.clients());
                    if (sim != null) {
                        long[] n = {0};
                        sim.lastYear(lastYearFeed, e -> {
                            send(producer, e);
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
                            send(producer, e);
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
                        live(producer, sim, clock, rate, Long.MAX_VALUE, shutdown, Progress.quiet(), 0);
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

        /** When the year before {@code plan}'s closes: its own plan's deadline day if one is loaded, else 10. */
        static Instant lastYearCloses(List<Plan> plans, Plan plan) {
            int day = plans.stream().filter(p -> p.year() == plan.year() - 1).mapToInt(Plan::reportDeadlineDay)
                    .findFirst().orElse(10);
            return Simulator.closes(plan.year() - 1, day, ZoneId.of(plan.timezone()));
        }

        /**
         * --as-of fixes the clock. Without it the demo runs on the wall clock, unless now is outside every loaded
         * plan year: then it runs on the wall clock moved by whole years into the latest plan year, so the shipped
         * 2025 plan shows a live year in progress whenever the demo is started.
         */
        static Clock demoClock(List<Plan> plans, Instant asOf) {
            if (asOf != null) {
                return Clock.fixed(asOf, ZoneId.of("UTC"));
            }
            Plan latest = plans.stream().max(java.util.Comparator.comparingInt(Plan::year)).orElseThrow();
            ZoneId zone = ZoneId.of(latest.timezone());
            if (plans.stream().anyMatch(p -> p.year() == ZonedDateTime.now(zone).getYear())) {
                return Clock.systemUTC();
            }
            return clockInYear(latest.year(), zone);
        }
    }

    /**
     * The wall clock moved by whole years into {@code year} (in the plan's zone): today's date and time, in that
     * year, and running. What {@code demo} and {@code simulate} do for a plan year that is not this one, and what
     * {@code run --clock-year} does.
     */
    public static Clock clockInYear(int year, ZoneId zone) {
        ZonedDateTime now = ZonedDateTime.now(zone);
        if (now.getYear() == year) {
            return Clock.systemUTC();
        }
        Instant shifted = now.withYear(year).toInstant();
        return Clock.offset(Clock.systemUTC(), Duration.between(now.toInstant(), shifted));
    }

    /** Fails at once, before a broker or anything else starts, when the HTTP port is taken (port 0 always works). */
    static void checkPortFree(String host, int port) throws BadInput {
        if (port == 0) {
            return;
        }
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.bind(new java.net.InetSocketAddress(host, port));
        } catch (java.io.IOException e) {
            throw PipelineApp.cannotListen(host, port, e);
        }
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

    static KafkaProducer<byte[], byte[]> producer(Map<String, Object> clients) {
        Map<String, Object> p = new HashMap<>(clients);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "10");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * Live simulated events at {@code rate} per second, stamped with the clock's now, until a stop is requested or
     * {@code endNanos} (System.nanoTime) passes. Progress counts on from {@code sentBefore}; returns the new total.
     */
    static long live(KafkaProducer<byte[], byte[]> producer, Simulator sim, Clock clock, double rate, long endNanos,
                     Shutdown shutdown, Progress progress, long sentBefore) throws InterruptedException {
        long interval = (long) (1e9 / rate);
        long next = System.nanoTime();
        long sent = sentBefore;
        while (!shutdown.requested() && System.nanoTime() < endNanos) {
            send(producer, sim.live(clock.instant()));
            progress.tick(++sent);
            next += interval;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                shutdown.await(wait);
            }
        }
        return sent;
    }

    static void send(KafkaProducer<byte[], byte[]> producer, JsonEvents.Event e) {
        producer.send(new ProducerRecord<>(e.stream().topic(), e.key().getBytes(StandardCharsets.UTF_8), e.encode()));
    }

    /** Connection options shared by the commands that talk to a cluster. */
    static final class ClusterOptions {
        @Option(names = "--bootstrap-servers", description = "Kafka bootstrap servers (or PLANPULSE_BOOTSTRAP_SERVERS).")
        String bootstrap;
        @Option(names = "--config", description = "Properties file: Kafka client/Streams keys and planpulse.* keys.")
        Path configFile;

        Config config(Map<String, String> flags) throws Exception {
            if (configFile != null && !Files.isReadable(configFile)) {
                throw new BadInput(configFile + ": no such file or not readable");
            }
            Map<String, String> f = new HashMap<>(flags);
            f.put("bootstrap.servers", bootstrap);
            Config c = Config.load(configFile, env(), f);
            if (c.get("bootstrap.servers") == null) {
                throw new BadInput("--bootstrap-servers (or PLANPULSE_BOOTSTRAP_SERVERS) is required");
            }
            return c;
        }
    }

    @Command(name = "run", description = "The pipeline and HTTP server against a real Kafka cluster.")
    static final class Run implements Callable<Integer> {
        @CommandLine.Mixin
        ClusterOptions cluster = new ClusterOptions();
        @Option(names = "--as-of", description = "Fixed as-of instant (a date or an ISO instant).")
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
            try (PipelineApp app = PipelineApp.start(config, clock)) {
                return serve(app, shutdown, System.out, System.err);
            } finally {
                shutdown.finished();
            }
        }

        /** --as-of fixes the clock; --clock-year moves the wall clock into that year; else the wall clock. */
        static Clock clock(Config config) throws BadInput {
            String t = config.get(Config.AS_OF);
            String year = config.get(Config.CLOCK_YEAR);
            ZoneId zone = ZoneId.of("Asia/Shanghai");
            if (t != null && year != null) {
                throw new BadInput("--as-of and --clock-year (" + Config.AS_OF + ", " + Config.CLOCK_YEAR
                        + ") both set the clock: give one");
            }
            if (t != null) {
                return Clock.fixed(Planpulse.asOf(t, zone), ZoneId.of("UTC"));
            }
            if (year != null) {
                try {
                    return clockInYear(Integer.parseInt(year.trim()), zone);
                } catch (NumberFormatException e) {
                    throw new BadInput("--clock-year: '" + year + "' is not a year");
                }
            }
            return Clock.systemUTC();
        }
    }

    @Command(name = "broker", description = "A standalone single-node KRaft broker for development, without Docker.")
    static final class Broker implements Callable<Integer> {
        @Option(names = "--port", description = "Client port (default ${DEFAULT-VALUE}).")
        int port = 9092;
        @Option(names = "--data-dir", description = "Persistent data directory (default: ./planpulse-broker-data).")
        Path dataDir = Path.of("planpulse-broker-data");

        @Override
        public Integer call() throws Exception {
            Files.createDirectories(dataDir);
            Shutdown shutdown = new Shutdown();
            try (io.planpulse.broker.StandaloneBroker broker = io.planpulse.broker.StandaloneBroker.start(port, dataDir)) {
                awaitReachable(broker.bootstrapServers());
                System.out.println("broker ready " + broker.bootstrapServers() + " (data in " + dataDir.toAbsolutePath() + ")");
                System.out.flush();
                shutdown.await();
            } finally {
                shutdown.finished();
            }
            return 0;
        }
    }

    /** The broker answers a client (its listener is up and it has joined its own quorum). */
    static void awaitReachable(String bootstrap) throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of("bootstrap.servers", bootstrap))) {
            admin.describeCluster().nodes().get(2, java.util.concurrent.TimeUnit.MINUTES);
        }
    }

    @Command(name = "plan", description = "Plan catalogue commands.", subcommands = {PlanLoadCmd.class, PlanValidateCmd.class})
    static final class PlanCmd {
    }

    @Command(name = "load", description = "Validate a plan file and publish it to planpulse.plan (replacing that year's plan).")
    static final class PlanLoadCmd implements Callable<Integer> {
        @Parameters(arity = "1", paramLabel = "FILE")
        Path file;
        @CommandLine.Mixin
        ClusterOptions cluster = new ClusterOptions();

        @Override
        public Integer call() throws Exception {
            Plan plan = plans(List.of(file)).get(0);
            Config config = cluster.config(Map.of());
            if (!plan.timezone().equals(config.zone().getId())) {
                System.err.printf("%s: timezone %s is not the deployment's (planpulse.timezone = %s): the pipeline would "
                        + "refuse this version%n", file, plan.timezone(), config.zone().getId());
                return 2;
            }
            TopicAdmin.ensureTopics(config.clients(), config.getInt(Config.PARTITIONS), config.getInt(Config.REPLICATION));
            PlanLoad.Published n = PlanLoad.publish(plan, config.clients(), file.getFileName().toString());
            System.out.printf("plan %d: version %s published with %d targets (%d records of older versions removed)%n",
                    plan.year(), n.version(), n.targets(), n.removed());
            return 0;
        }
    }

    @Command(name = "validate", description = "Validate a plan file without publishing it.")
    static final class PlanValidateCmd implements Callable<Integer> {
        @Parameters(arity = "1", paramLabel = "FILE")
        Path file;

        @Override
        public Integer call() throws Exception {
            Plan plan = plans(List.of(file)).get(0);
            System.out.printf("%s: plan %d is valid (%d targets)%n", file, plan.year(), plan.targets().size());
            return 0;
        }
    }

    @Command(name = "replay", description = "Produce JSON Lines event files onto the input topics.")
    static final class ReplayCmd implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "FILE")
        List<Path> files;
        @CommandLine.Mixin
        ClusterOptions cluster = new ClusterOptions();
        @Option(names = "--quiet", description = "No progress output.")
        boolean quiet;

        @Override
        public Integer call() throws Exception {
            checkFiles(files);
            Config config = cluster.config(Map.of());
            TopicAdmin.ensureTopics(config.clients(), config.getInt(Config.PARTITIONS), config.getInt(Config.REPLICATION));
            Replay.Result r = Replay.run(files, config.clients(), quiet ? Progress.quiet() : new Progress("replay", System.err),
                    System.err);
            System.out.printf("replayed %d records, %d bad lines%n", r.sent(), r.badLines());
            return r.badLines() > 0 ? BAD_INPUT : 0;
        }
    }

    @Command(name = "simulate", description = "Simulate last year and the year so far, then live events, onto the input topics.")
    static final class Simulate implements Callable<Integer> {
        @CommandLine.Mixin
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

        @Override
        public Integer call() throws Exception {
            List<Plan> loaded = plans(plan == null ? List.of() : List.of(plan));
            ZoneId zone = ZoneId.of(loaded.get(0).timezone());
            Clock clock = Demo.demoClock(loaded, asOf == null ? null : Planpulse.asOf(asOf, zone));
            Config config = cluster.config(Map.of());
            TopicAdmin.ensureTopics(config.clients(), config.getInt(Config.PARTITIONS), config.getInt(Config.REPLICATION));
            Simulator sim = new Simulator(loaded.get(0), seed);
            Progress progress = quiet ? Progress.quiet() : new Progress("simulate", System.err);
            long[] n = {0};
            Shutdown shutdown = new Shutdown();
            try (KafkaProducer<byte[], byte[]> producer = producer(config.clients())) {
                Instant lastYearClosed = Demo.lastYearCloses(loaded, loaded.get(0));
                boolean lastYearOpen = clock.instant().isBefore(lastYearClosed);
                if (!noHistory && !noLastYear && !lastYearOpen) {
                    // a pipeline on the same clock would reject all of it as late
                    System.err.printf("simulate: last year closed on %s by this clock: not sent (demo sends it while "
                            + "it is open)%n", lastYearClosed);
                }
                if (!noHistory && !noLastYear && lastYearOpen) {
                    Instant lastYearFeed = Collections.min(List.of(clock.instant(), lastYearClosed.minusMillis(1)));
                    sim.lastYear(lastYearFeed, e -> {
                        send(producer, e);
                        progress.tick(++n[0]);
                    });
                }
                if (!noHistory) {
                    sim.history(clock.instant(), e -> {
                        send(producer, e);
                        progress.tick(++n[0]);
                    });
                    producer.flush();
                }
                long end = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration * 1_000_000_000L;
                n[0] = live(producer, sim, clock, Math.max(rate, 0.001), end, shutdown, progress, n[0]);
            } finally {
                shutdown.finished();
            }
            progress.done(n[0]);
            return 0;
        }
    }
}
