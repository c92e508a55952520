package io.planpulse.app;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.planpulse.events.ConfluentRegistry;
import io.planpulse.events.EventDecoder;
import io.planpulse.pipeline.PlanpulseTopology;
import io.planpulse.base.Topics;
import io.planpulse.plan.PlanCatalog;
import io.planpulse.serve.Health;
import io.planpulse.report.ReportRoute;
import io.planpulse.serve.HttpApi;
import io.planpulse.serve.KpiView;
import java.net.BindException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One planpulse instance: the Kafka Streams pipeline, the KPI view, the HTTP API and the metrics. */
public final class PipelineApp implements AutoCloseable {
    /** How long {@link #close()} takes at most, every part included; well within {@link Shutdown#WAIT}. */
    public static final Duration CLOSE_BUDGET = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(PipelineApp.class);

    private final Config config;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Health health = new Health();
    /** /ready needs the KPI view caught up with end offsets read at most this long ago. */
    static final Duration VIEW_FRESH = Duration.ofSeconds(5);
    private final List<Runnable> onFailure = new CopyOnWriteArrayList<>();
    private final KpiView view;
    private final HttpApi http;
    /** The plans in force as this instance's pipeline sees them (null around a test topology). */
    private final PlanCatalog catalog;
    private volatile KafkaStreams streams;
    /** The registry Confluent-framed records are read through, or null. */
    private final ConfluentRegistry schemaRegistry;
    private KafkaStreamsMetrics streamsMetrics;

    /**
     * Binds the HTTP port first: a port in use is a bad argument (exit code 2) before anything else has started.
     * Then the topics, Kafka Streams (an uncaught error in a stream thread replaces the thread a bounded number of
     * times, then shuts the instance down) and the KPI view.
     */
    private PipelineApp(Config config, Function<PrometheusMeterRegistry, Topology> topology, PlanCatalog catalog,
                        ConfluentRegistry schemaRegistry) throws Exception {
        this.config = config;
        this.catalog = catalog;
        this.schemaRegistry = schemaRegistry;
        view = new KpiView(config.clients(), registry, config.get(Config.DISTRICT));
        String host = config.get(Config.HTTP_HOST);
        int port = config.getInt(Config.HTTP_PORT);
        try {
            http = new HttpApi(host, port, view, registry, this::ready).health(health::up)
                    .plans(catalog == null ? List::of : catalog::statuses).report(this::report).start();
        } catch (BindException e) {
            view.close();
            registry.close();
            throw cannotListen(host, port, e);
        }
        try {
            new JvmMemoryMetrics().bindTo(registry);
            new JvmGcMetrics().bindTo(registry);
            new JvmThreadMetrics().bindTo(registry);
            new ClassLoaderMetrics().bindTo(registry);
            new ProcessorMetrics().bindTo(registry);
            new UptimeMetrics().bindTo(registry);
            if (schemaRegistry != null) {
                // Only with a registry configured: without one there is nothing to be down.
                Gauge.builder("planpulse.schema.registry.up", schemaRegistry, r -> r.up() ? 1 : 0)
                        .description("1 while the schema registry answers, 0 from a request it did not answer until "
                                + "one it does (Confluent-framed records wait meanwhile)").register(registry);
            }
            TopicAdmin.ensureTopics(config.clients(), config.getInt(Config.PARTITIONS), config.getInt(Config.REPLICATION));
            if (catalog != null) {
                // planpulse.kpi.partitions changed since the last start: the KPI stage's state moves first
                new io.planpulse.pipeline.KpiRelayout(config.clients(), config.get("application.id"),
                        config.getInt(Config.KPI_PARTITIONS), config.get(Config.DISTRICT),
                        config.get("replication.factor")).run();
            }
            Properties props = streamsDefaults();
            props.putAll(config.kafka());
            KafkaStreams ks = new KafkaStreams(topology.apply(registry), props);
            Counter replacements = Counter.builder("planpulse.stream.thread.replacements")
                    .description("Stream threads replaced after an uncaught error").register(registry);
            ks.setUncaughtExceptionHandler(new StreamThreadFailures(config.getInt(Config.THREAD_REPLACEMENTS),
                    Duration.ofSeconds(config.getInt(Config.THREAD_REPLACEMENT_WINDOW)), System::nanoTime, replacements,
                    this::fail));
            ks.setStateListener((now, before) -> {
                if (now == KafkaStreams.State.ERROR) {
                    fail("Kafka Streams stopped with an error (state " + before + " -> ERROR)");
                }
            });
            streams = ks;
            streamsMetrics = new KafkaStreamsMetrics(ks);
            streamsMetrics.bindTo(registry);
            ks.start();
            view.onFailure(this::fail);
            view.start();
        } catch (Exception | Error e) {
            try {
                close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** A port in use, or an address not of this host: a bad argument, said in one line. */
    public static CannotListen cannotListen(String host, int port, java.io.IOException e) {
        return new CannotListen("cannot listen on " + host + ":" + port + ": " + e.getMessage() + " (--http-port, "
                + Config.HTTP_PORT + ")");
    }

    /**
     * planpulse's Kafka Streams settings, before the configuration's own (which win): the bench runs the pipeline
     * with exactly these.
     */
    public static Properties streamsDefaults() {
        Properties props = new Properties();
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
        props.put("processing.exception.handler.global.enabled", "true");
        // Streams never wait on one another: nothing here depends on the order across topics.
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, "-1");
        // A journal record carries up to 16 KiB of ids: with the default 16 KiB batches each one filled a batch and
        // sent a produce request of its own (5,000 requests a run in the bench, the broker's main cost).
        props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), String.valueOf(256 * 1024));
        return props;
    }

    public static PipelineApp start(Config config, Clock clock) throws Exception {
        PlanpulseTopology.Settings settings = PlanpulseTopology.Settings.defaults(clock, config.zone())
                .withMaxCells(config.getInt(Config.FACTS_MAX_CELLS)).withDistrict(config.get(Config.DISTRICT))
                .withKpiPartitions(config.getInt(Config.KPI_PARTITIONS));
        LOG.info("starting planpulse with {}", config);
        ConfluentRegistry schemaRegistry = ConfluentRegistry.of(config.schemaRegistry());
        EventDecoder.useRegistry(schemaRegistry);
        return new PipelineApp(config, registry -> PlanpulseTopology.build(settings, registry), settings.catalog(),
                schemaRegistry);
    }

    /** The same instance around another topology (no plan catalogue): the wiring itself, for a topology of your own. */
    public static PipelineApp start(Config config, Function<PrometheusMeterRegistry, Topology> topology) throws Exception {
        LOG.info("starting planpulse with {}", config);
        return new PipelineApp(config, topology, null, null);
    }

    /**
     * This instance cannot go on: /health fails from now on, and whoever waits on {@link #onFailure(Runnable)} is
     * told (the commands then close everything and exit non-zero).
     */
    private void fail(String reason) {
        if (!health.up()) {
            return;
        }
        health.fail(reason);
        LOG.error("planpulse cannot go on: {}", reason);
        onFailure.forEach(Runnable::run);
    }

    /** Runs {@code r} once this instance has failed (at once if it already has). */
    public void onFailure(Runnable r) {
        onFailure.add(r);
        if (!health.up()) {
            r.run();
        }
    }

    /** Why this instance failed, or null while it is healthy. */
    public String failure() {
        return health.failure();
    }

    /** The Kafka Streams client's state (null before it was created). */
    public KafkaStreams.State streamsState() {
        KafkaStreams ks = streams;
        return ks == null ? null : ks.state();
    }

    public String url() {
        return http.url();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public KpiView view() {
        return view;
    }

    /**
     * Kafka Streams is RUNNING, a plan version is in force, the KPI view is alive and caught up (VIEW_FRESH), and no
     * record is waiting for the schema registry, nor did its last request go unanswered (a stream thread that waits
     * reflects nothing newer).
     */
    public boolean ready() {
        KafkaStreams ks = streams;
        return ks != null && ks.state() == KafkaStreams.State.RUNNING && planLoaded() && view.caughtUp(VIEW_FRESH)
                && (schemaRegistry == null || schemaRegistry.up() && !schemaRegistry.waiting());
    }

    /** A plan version is in force for some year. */
    private boolean planLoaded() {
        if (catalog != null) {
            return !catalog.plans().isEmpty();
        }
        try {
            ReadOnlyKeyValueStore<String, byte[]> store = streams.store(
                    StoreQueryParameters.fromNameAndType(Topics.PLAN_STORE, QueryableStoreTypes.keyValueStore()));
            try (var it = store.all()) {
                return it.hasNext();
            }
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The plans in force (and refused), as this instance's pipeline sees them. */
    /** GET /report: the monthly dispatch report from this instance's KPI view and plans. */
    private HttpApi.Document report(Map<String, String> query) {
        ReportRoute.Response r = ReportRoute.answer(query, view.all(), catalog);
        return new HttpApi.Document(r.status(), r.contentType(), r.disposition(), r.body());
    }

    public PlanCatalog catalog() {
        return catalog;
    }


    public void awaitReady(Duration timeout) throws TimeoutException, InterruptedException {
        await("ready", timeout, this::ready);
    }

    /** The KPI stage's topics and stores for planpulse.kpi.partitions. */
    private io.planpulse.base.KpiLayout layout() {
        return io.planpulse.base.KpiLayout.of(config.getInt(Config.KPI_PARTITIONS));
    }

    /** This instance runs at least one partition of the KPI stage, which evaluates and publishes KPIs. */
    public boolean hostsKpiStage() {
        return !kpiPartitions().isEmpty();
    }

    /** The partitions of the KPI stage this instance runs now (of planpulse.kpi.partitions). */
    public java.util.Set<Integer> kpiPartitions() {
        return activePartitions(streams, io.planpulse.base.KpiLayout.kpiInputPrefix(config.get("application.id")));
    }

    /** This instance runs at least one partition of the aggregate stage (the aggregate plans of some provinces). */
    public boolean hostsAggregateStage() {
        return !activePartitions(streams, layout().contributionsTopic(config.get("application.id"))).isEmpty();
    }

    /** The partitions of the topics whose name starts with {@code prefix} that a client's active tasks read now. */
    public static java.util.Set<Integer> activePartitions(KafkaStreams streams, String prefix) {
        java.util.Set<Integer> out = new java.util.TreeSet<>();
        streams.metadataForLocalThreads().stream().flatMap(t -> t.activeTasks().stream())
                .flatMap(task -> task.topicPartitions().stream()).filter(tp -> tp.topic().startsWith(prefix))
                .forEach(tp -> out.add(tp.partition()));
        return out;
    }

    /** Waits until this instance's KPI view has read planpulse.kpi up to its current (committed) end. */
    public void awaitViewCaughtUp(Duration timeout) throws Exception {
        try (Admin admin = Admin.create(config.clients())) {
            Map<TopicPartition, Long> end = endOffsets(admin, List.of(Topics.KPI.name(), Topics.UNPLANNED.name(),
                    Topics.DISTRICTS.name()));
            await("KPI view", timeout, () -> end.entrySet().stream()
                    .allMatch(e -> view.positions().getOrDefault(e.getKey(), 0L) >= e.getValue()));
        }
    }

    /**
     * Waits until everything on the input topics now is reflected in the KPI table served here: the pipeline has
     * committed past the current end of every input topic and of the KPI stage's repartition topic, the KPI stage
     * has evaluated (and so committed) after that, and this instance's view has read planpulse.kpi to its end.
     * Call it on the instance that {@link #hostsKpiStage() hosts the KPI stage}, then
     * {@link #awaitViewCaughtUp(Duration)} on the others.
     */
    public void awaitReflected(Duration timeout) throws Exception {
        if (!hostsKpiStage()) {
            throw new IllegalStateException("this instance does not run the KPI stage; wait on the one that does");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        String appId = config.get("application.id");
        List<String> repartitions = layout().kpiInputTopics(appId);
        try (Admin admin = Admin.create(config.clients())) {
            awaitCommitted(admin, appId, Topics.INPUTS, deadline);
            awaitCommitted(admin, appId, repartitions, deadline);
            awaitRounds("planpulse.kpi.evaluations", "KPI evaluation", deadline);
            // what those rounds contributed to the aggregate plans, and the aggregate stage's rounds after it
            awaitCommitted(admin, appId, List.of(layout().contributionsTopic(appId)), deadline);
            if (hostsAggregateStage()) {
                awaitRounds("planpulse.kpi.aggregations", "aggregate evaluation", deadline);
            }
        }
        awaitViewCaughtUp(remaining(deadline));
    }

    /** Waits for three more rounds of this instance's counter (so one began after everything committed so far). */
    private void awaitRounds(String counter, String what, long deadline) throws Exception {
        Counter rounds = registry.find(counter).counter();
        double seen = rounds == null ? 0 : rounds.count();
        await(what, remaining(deadline), () -> {
            Counter c = registry.find(counter).counter();
            return c != null && c.count() >= seen + 3;
        });
    }

    /**
     * Waits until the intake has committed past the current end of every input topic: every record there has been
     * checked (closed years, out of range) and kept or rejected, though its sums may not have reached the KPI
     * stage yet.
     */
    public void awaitIntake(Duration timeout) throws Exception {
        try (Admin admin = Admin.create(config.clients())) {
            awaitCommitted(admin, config.get("application.id"), Topics.INPUTS, System.nanoTime() + timeout.toNanos());
        }
    }

    private void awaitCommitted(Admin admin, String group, List<String> topics, long deadline) throws Exception {
        Map<TopicPartition, Long> end = endOffsets(admin, topics);
        await("pipeline to consume " + topics, remaining(deadline), () -> {
            try {
                return committedThrough(admin, group, end);
            } catch (Exception e) {
                return false;
            }
        });
    }

    /** The consumer group has committed every partition up to the given offsets (empty partitions need nothing). */
    public static boolean committedThrough(Admin admin, String group, Map<TopicPartition, Long> end) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed =
                admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        return end.entrySet().stream().allMatch(e -> e.getValue() == 0 || (committed.get(e.getKey()) != null
                && committed.get(e.getKey()).offset() >= e.getValue()));
    }

    /** The end offsets (committed records only) of every partition of the topics. */
    public static Map<TopicPartition, Long> endOffsets(Admin admin, List<String> topics) throws Exception {
        return io.planpulse.base.Offsets.endOffsets(admin, topics);
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    private void await(String what, Duration timeout, BooleanSupplier condition) throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (failure() != null) {
                throw new IllegalStateException("gave up waiting for " + what + ": " + failure());
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    @Override
    public void close() throws Exception {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        // One budget for everything, so that a stop ends within the shutdown hook's wait (Shutdown.WAIT): the HTTP
        // server (at most 2 s), the view (at most 5 s), then Kafka Streams with whatever is left of it.
        long deadline = System.nanoTime() + CLOSE_BUDGET.toNanos();
        http.close();
        view.close();
        if (schemaRegistry != null) {
            // A record waiting for the registry would hold its stream thread past the close timeout.
            schemaRegistry.close();
        }
        KafkaStreams ks = streams;
        if (ks != null) {
            Duration left = Duration.ofNanos(Math.max(deadline - System.nanoTime(), Duration.ofSeconds(1).toNanos()));
            // Leave the consumer group at once rather than after the session timeout, so that a reset
            // (StreamsResetter) can follow a stop, and the other instances take over the tasks without waiting.
            ks.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(left));
        }
        if (streamsMetrics != null) {
            streamsMetrics.close();
        }
        registry.close();
    }
}
