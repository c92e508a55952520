package io.planpulse.cli;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.planpulse.pipeline.PlanCatalog;
import io.planpulse.pipeline.PlanpulseTopology;
import io.planpulse.pipeline.Topics;
import io.planpulse.serve.HttpApi;
import io.planpulse.serve.KpiView;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One planpulse instance: the Kafka Streams pipeline, the KPI view, the HTTP API and the metrics. */
public final class PipelineApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineApp.class);

    private final Config config;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final KafkaStreams streams;
    private final KafkaStreamsMetrics streamsMetrics;
    private final KpiView view;
    private final HttpApi http;
    private final PlanCatalog catalog;

    private PipelineApp(Config config, Clock clock) throws Exception {
        this.config = config;
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        TopicAdmin.ensureTopics(config.clients(), config.getInt(Config.PARTITIONS), config.getInt(Config.REPLICATION));
        Properties props = streamsDefaults();
        props.putAll(config.kafka());
        PlanpulseTopology.Settings settings = PlanpulseTopology.Settings.defaults(clock, config.zone());
        catalog = settings.catalog();
        streams = new KafkaStreams(PlanpulseTopology.build(settings, registry), props);
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("stream thread failed; replacing it", e);
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(registry);
        streams.start();
        view = new KpiView(config.clients(), registry).start();
        http = new HttpApi(config.get(Config.HTTP_HOST), config.getInt(Config.HTTP_PORT), view, registry, this::ready)
                .plans(catalog).start();
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
        LOG.info("starting planpulse with {}", config);
        return new PipelineApp(config, clock);
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

    /** Kafka Streams is RUNNING and a plan is loaded. */
    public boolean ready() {
        return streams.state() == KafkaStreams.State.RUNNING && planLoaded();
    }

    /** A plan version is in force for some year. */
    private boolean planLoaded() {
        return !catalog.years().isEmpty();
    }

    /** The plans in force (and refused), as this instance's pipeline sees them. */
    public PlanCatalog catalog() {
        return catalog;
    }

    public void awaitReady(Duration timeout) throws TimeoutException, InterruptedException {
        await("ready", timeout, this::ready);
    }

    /** This instance runs the (single-partition) KPI stage, the one that evaluates and publishes KPIs. */
    public boolean hostsKpiStage() {
        String prefix = config.get("application.id") + "-" + Topics.KPI_INPUT_REPARTITION + "-";
        return streams.metadataForLocalThreads().stream().flatMap(t -> t.activeTasks().stream())
                .anyMatch(task -> task.topicPartitions().stream().anyMatch(tp -> tp.topic().startsWith(prefix)));
    }

    /** Waits until this instance's KPI view has read planpulse.kpi up to its current (committed) end. */
    public void awaitViewCaughtUp(Duration timeout) throws Exception {
        try (Admin admin = Admin.create(config.clients())) {
            Map<TopicPartition, Long> end = endOffsets(admin, List.of(Topics.KPI, Topics.UNPLANNED));
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
        List<String> repartitions = java.util.Arrays.stream(io.planpulse.plan.Stream.values())
                .map(s -> appId + "-" + Topics.kpiInputRepartition(s) + "-repartition").toList();
        try (Admin admin = Admin.create(config.clients())) {
            awaitCommitted(admin, appId, Topics.INPUTS, deadline);
            awaitCommitted(admin, appId, repartitions, deadline);
            Counter evaluations = registry.find("planpulse.kpi.evaluations").counter();
            double seen = evaluations == null ? 0 : evaluations.count();
            await("KPI evaluation", remaining(deadline), () -> {
                Counter c = registry.find("planpulse.kpi.evaluations").counter();
                return c != null && c.count() >= seen + 3;
            });
        }
        awaitViewCaughtUp(remaining(deadline));
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
        Map<TopicPartition, OffsetSpec> req = new HashMap<>();
        admin.describeTopics(topics).allTopicNames().get().forEach((name, d) ->
                d.partitions().forEach(p -> req.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
        Map<TopicPartition, Long> out = new HashMap<>();
        ListOffsetsResult r = admin.listOffsets(req,
                new org.apache.kafka.clients.admin.ListOffsetsOptions(IsolationLevel.READ_COMMITTED));
        r.all().get().forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
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
        http.close();
        view.close();
        streams.close(Duration.ofSeconds(30));
        streamsMetrics.close();
        registry.close();
    }
}
