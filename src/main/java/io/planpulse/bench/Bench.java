package io.planpulse.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.planpulse.broker.EmbeddedBroker;
import io.planpulse.app.PipelineApp;
import io.planpulse.app.PlanLoad;
import io.planpulse.app.Trees;
import io.planpulse.events.EventDecoder;
import io.planpulse.events.JsonEvents;
import io.planpulse.events.Rejection;
import io.planpulse.pipeline.PlanpulseTopology;
import io.planpulse.base.Topics;
import io.planpulse.plan.Plan;
import io.planpulse.plan.PlanLoader;
import io.planpulse.base.Stream;
import io.planpulse.plan.Target;
import io.planpulse.simulate.Simulator;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Throughput and freshness, measured in one run on the same records: a raw consumer that reads and decodes
 * everything (the limit of this machine), a bare Kafka Streams {@code groupByKey().count()}, and the full planpulse
 * pipeline, each under at_least_once and exactly_once_v2; then a steady load at a fixed rate through the pipeline
 * with exactly_once_v2, timing each event from its Kafka timestamp to the KPI update that reflects it.
 */
@Command(name = "bench", description = "Throughput against the raw-consumer limit, and freshness, in one run.")
public final class Bench implements Callable<Integer> {
    static final List<Stream> FLOWS = List.of(Stream.TRUCK_DEPARTURE, Stream.TRADE_DECLARATION, Stream.HUB_THROUGHPUT);
    static final String EOS = "exactly_once_v2";
    static final String ALOS = "at_least_once";
    /** The command line the fork runs as {@code planpulse bench} (by name: the bench does not depend on it). */
    static final String MAIN = "io.planpulse.Planpulse";

    @Option(names = "--events", description = "Events to produce (default ${DEFAULT-VALUE}).")
    long events = 2_000_000;
    @Option(names = "--partitions", description = "Partitions of each input topic (default ${DEFAULT-VALUE}).")
    int partitions = 6;
    @Option(names = "--rate", description = "Events/s of the freshness run (default ${DEFAULT-VALUE}).")
    int rate = 5_000;
    @Option(names = "--freshness-seconds", description = "Length of the freshness run (default ${DEFAULT-VALUE}).")
    int freshnessSeconds = 30;
    @Option(names = "--threads", description = "num.stream.threads of each Streams client in the timed runs "
            + "(default: the number of CPUs, ${DEFAULT-VALUE} here).")
    int threads = Runtime.getRuntime().availableProcessors();
    @Option(names = "--runs", split = ",", description = "Runs to make (default: all): raw (the raw consumer with "
            + "planpulse's decoder, then with Avro's generic one), bare-alos, pipeline-alos, bare-eos, pipeline-eos, "
            + "freshness, plan-scale (a plan of --plan-targets loaded over a year of facts); and on JSON copies of the "
            + "same events: raw-json, pipeline-json-alos, pipeline-json-eos. The table and JSON need the first six.")
    java.util.Set<String> runs = new java.util.LinkedHashSet<>(List.of("raw", "bare-alos", "pipeline-alos", "bare-eos",
            "pipeline-eos", "freshness", "raw-json", "pipeline-json-alos", "pipeline-json-eos", "plan-scale"));
    static final List<String> STANDARD_RUNS = List.of("raw", "bare-alos", "pipeline-alos", "bare-eos", "pipeline-eos",
            "freshness");
    @Option(names = "--plan-targets", description = "Targets of the large plan of the plan-scale run: mostly projects "
            + "with a year of monthly reports each, and flow targets with filters (default ${DEFAULT-VALUE}).")
    int planTargets = 10_000;
    @Option(names = "--warmup-seconds", description = "Before each timed Streams run, run the same topology with the "
            + "same guarantee under throw-away application ids at least this long and until the JIT is quiet, so the "
            + "timed run measures code compiled for it (default ${DEFAULT-VALUE}; 0 = no warm-up).")
    int warmupSeconds = 10;
    @Option(names = "--passes", description = "Timed passes of each Streams run, after its warm-up; the median "
            + "counts and every pass is kept in the JSON (default ${DEFAULT-VALUE}).")
    int passes = 3;
    @Option(names = "--instances", description = "Kafka Streams clients of the application in the timed runs "
            + "(default ${DEFAULT-VALUE}); each has --threads stream threads.")
    int instances = 1;
    @Option(names = "--commit-interval-ms", description = "commit.interval.ms of every Streams run, both guarantees "
            + "(default ${DEFAULT-VALUE}, as planpulse runs).")
    int commitIntervalMs = 100;
    @Option(names = "--compression", description = "compression.type of the Streams runs' producers "
            + "(default ${DEFAULT-VALUE}).")
    String compression = "none";
    @Option(names = "--streams-config", split = ",", paramLabel = "KEY=VALUE", description = "Kafka Streams settings "
            + "for every Streams run, over planpulse's and the options above (to try a setting; the JSON lists them).")
    Map<String, String> streamsConfig = new LinkedHashMap<>();
    @Option(names = "--trace", description = "Print, for each timed pass: both threads' progress every 250 ms, CPU "
            + "per event by thread group, with the embedded broker its requests by type, and the pass's window in JVM "
            + "uptime (to read beside -XX:+PrintCompilation).")
    boolean trace;
    @Option(names = "--json", description = "Write the results here.")
    Path json;
    @Option(names = "--bootstrap-servers", description = "Use this cluster instead of an embedded broker "
            + "(a dedicated one: the bench writes to the planpulse topics).")
    String bootstrap;
    @Option(names = "--fork", negatable = true, defaultValue = "true", fallbackValue = "true", description = "Run in a "
            + "new JVM with a fixed heap of --heap, touched in full at start (-Xms = -Xmx, -XX:+AlwaysPreTouch), as "
            + "JMH forks; --no-fork runs in this JVM, with its own flags (default: fork).")
    boolean fork;
    @Option(names = "--heap", description = "Heap of the forked JVM (default ${DEFAULT-VALUE}).")
    String heap = "3g";
    @Spec
    CommandSpec spec;

    private final Map<String, Object> results = new LinkedHashMap<>();
    private long peakHeap;
    private long peakLiveHeap;
    private final java.util.Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName)
            .collect(java.util.stream.Collectors.toSet());

    @Override
    public Integer call() throws Exception {
        if (fork) {
            return forked();
        }
        Path work = Files.createTempDirectory("planpulse-bench");
        EmbeddedBroker broker = bootstrap == null ? EmbeddedBroker.start(null) : null;
        String servers = bootstrap != null ? bootstrap : broker.bootstrapServers();
        Thread heapWatch = heapWatcher();
        try {
            Map<String, Object> clients = Map.of("bootstrap.servers", servers);
            createTopics(clients);
            Plan plan = PlanLoader.loadDefault();
            PlanLoad.publish(plan, clients);
            Instant asOf = Instant.parse("2025-12-01T00:00:00Z");

            long t0 = System.nanoTime();
            produce(clients, plan, events);
            double produceSecs = (System.nanoTime() - t0) / 1e9;
            System.err.printf("produced %,d events in %.1f s%n", events, produceSecs);

            double raw = runs.contains("raw") ? rawLimit(clients) : Double.NaN;
            result("raw_consumer_eps", raw);
            double rawAvro = runs.contains("raw") ? rawAvro(clients) : Double.NaN;
            result("raw_consumer_avro_eps", rawAvro);
            Map<String, Timed> bare = new LinkedHashMap<>();
            Map<String, Timed> pipeline = new LinkedHashMap<>();
            for (String guarantee : List.of(ALOS, EOS)) {
                String g = guarantee.equals(EOS) ? "eos" : "alos";
                if (runs.contains("bare-" + g)) {
                    bare.put(guarantee, streamsRun(clients, guarantee, this::bareCount, work));
                    report("bare count " + guarantee, bare.get(guarantee));
                }
                if (runs.contains("pipeline-" + g)) {
                    pipeline.put(guarantee, streamsRun(clients, guarantee, () -> pipelineTopology(asOf), work));
                    report("pipeline " + guarantee, pipeline.get(guarantee));
                }
            }
            if (!bare.isEmpty()) { // a partial run's JSON has what it ran, too
                results.put("bare_count_eps", byGuarantee(bare, Timed::eps));
                results.put("bare_count_runs", byGuarantee(bare, Timed::json));
            }
            if (!pipeline.isEmpty()) {
                results.put("pipeline_eps", byGuarantee(pipeline, Timed::eps));
                results.put("pipeline_runs", byGuarantee(pipeline, Timed::json));
            }
            // ---- JSON values: the same events again, as JSON, read from where they start ----
            double rawJson = Double.NaN;
            Map<String, Timed> pipelineJson = new LinkedHashMap<>();
            if (runs.contains("raw-json") || runs.contains("pipeline-json-alos") || runs.contains("pipeline-json-eos")) {
                try (Admin admin = Admin.create(clients)) {
                    startAt = endOffsets(admin);
                }
                t0 = System.nanoTime();
                produceJson(clients, plan, events);
                System.err.printf("produced the same %,d events as JSON in %.1f s%n", events, (System.nanoTime() - t0) / 1e9);
                if (runs.contains("raw-json")) {
                    rawJson = fastestRaw(clients, EventDecoder::decode, "raw consumer, JSON values",
                            "raw_consumer_json_passes_eps");
                    result("raw_consumer_json_eps", rawJson);
                }
                for (String guarantee : List.of(ALOS, EOS)) {
                    if (runs.contains("pipeline-json-" + (guarantee.equals(EOS) ? "eos" : "alos"))) {
                        pipelineJson.put(guarantee, streamsRun(clients, guarantee, () -> pipelineTopology(asOf), work));
                        report("pipeline " + guarantee + ", JSON values", pipelineJson.get(guarantee));
                    }
                }
                startAt = null;
                if (!pipelineJson.isEmpty()) {
                    results.put("pipeline_json_eps", byGuarantee(pipelineJson, Timed::eps));
                    results.put("pipeline_json_runs", byGuarantee(pipelineJson, Timed::json));
                }
            }
            if (!runs.containsAll(STANDARD_RUNS)) {
                if (runs.contains("plan-scale")) {
                    results.put("plan_scale", planScale(clients, plan, asOf, work));
                }
                if (json != null) { // a partial run: its figures, without the table
                    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), results);
                    System.err.println("wrote " + json);
                }
                return 0;
            }
            results.put("freshness_ms", freshness(clients, plan, asOf, work));
            if (runs.contains("plan-scale")) { // last: it adds project reports and loads a big plan
                results.put("plan_scale", planScale(clients, plan, asOf, work));
            }
            results.put("ratios", Map.of(
                    "pipeline_eos_vs_raw", pipeline.get(EOS).eps() / raw,
                    "pipeline_alos_vs_raw", pipeline.get(ALOS).eps() / raw,
                    "bare_eos_vs_raw", bare.get(EOS).eps() / raw,
                    "pipeline_eos_vs_raw_avro", pipeline.get(EOS).eps() / rawAvro,
                    "pipeline_alos_vs_raw_avro", pipeline.get(ALOS).eps() / rawAvro,
                    "pipeline_eos_vs_bare_eos", pipeline.get(EOS).eps() / bare.get(EOS).eps(),
                    "pipeline_alos_vs_bare_alos", pipeline.get(ALOS).eps() / bare.get(ALOS).eps()));
            Map<String, Double> jsonRatios = new LinkedHashMap<>();
            if (!Double.isNaN(rawJson)) {
                jsonRatios.put("raw_json_vs_raw", rawJson / raw);
            }
            pipelineJson.forEach((g, t) -> jsonRatios.put("pipeline_json_" + (g.equals(EOS) ? "eos" : "alos") + "_vs_avro",
                    t.eps() / pipeline.get(g).eps()));
            results.put("json_ratios", jsonRatios);
            heapWatch.interrupt();
            results.put("peak_heap_mb", peakHeap / (1024 * 1024));
            synchronized (this) {
                results.put("peak_heap_after_gc_mb", peakLiveHeap / (1024 * 1024));
            }
            results.put("settings", settings(produceSecs));
            printTable();
            if (json != null) {
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), results);
                System.err.println("wrote " + json);
            }
        } finally {
            heapWatch.interrupt();
            if (broker != null) {
                broker.close();
            }
            Trees.deleteTree(work);
        }
        return 0;
    }

    /**
     * Runs this bench again, {@code --no-fork}, in a new JVM whose heap is fixed and touched in full at start. A JVM
     * that grows its heap as it goes faults in and zeroes fresh pages inside the timed passes: on this 2-core machine
     * that was 8 to 17 % of the stream threads' time (perf: clear_page_erms under the Java allocation paths) and moved
     * a pass's rate by a third from one JVM to the next.
     */
    private int forked() throws Exception {
        String javaBin = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>(List.of(javaBin, "-Xms" + heap, "-Xmx" + heap, "-XX:+AlwaysPreTouch",
                "-cp", System.getProperty("java.class.path"), MAIN, "bench"));
        for (String a : spec.commandLine().getParseResult().expandedArgs()) {
            if (!a.equals("--fork") && !a.startsWith("--fork=")) {
                cmd.add(a);
            }
        }
        cmd.add("--no-fork");
        System.err.println("bench: running in a new JVM with -Xms" + heap + " -Xmx" + heap
                + " -XX:+AlwaysPreTouch (--no-fork runs in this one)");
        Process child = new ProcessBuilder(cmd).inheritIO().start();
        Thread stop = new Thread(child::destroy, "bench-fork-stop");
        Runtime.getRuntime().addShutdownHook(stop);
        try {
            return child.waitFor();
        } finally {
            Runtime.getRuntime().removeShutdownHook(stop);
        }
    }

    private static void report(String what, Timed t) {
        System.err.printf("%s: %,.0f events/s processing (%,.0f from start(), start-up %.1f s); CPU per event: "
                + "%.2f us process, %.2f us Streams threads%n", what, t.eps(), t.wallEps(), t.startupSeconds(),
                t.cpuUsPerEvent(), t.streamCpuUsPerEvent());
    }

    /** Each guarantee's run, as {@code part} of it. */
    private static <T> Map<String, T> byGuarantee(Map<String, Timed> runs, java.util.function.Function<Timed, T> part) {
        Map<String, T> out = new LinkedHashMap<>();
        runs.forEach((g, t) -> out.put(g, part.apply(t)));
        return out;
    }

    private void result(String key, Object value) {
        results.put(key, value);
    }

    /**
     * Samples the used heap every 100 ms, garbage included, and records the heap left after each collection (the
     * live set, an upper bound of what the runs need). The embedded broker shares the heap: both figures are upper
     * bounds for planpulse.
     */
    private Thread heapWatcher() {
        for (java.lang.management.GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof javax.management.NotificationEmitter emitter) {
                emitter.addNotificationListener((n, h) -> {
                    if (n.getUserData() instanceof javax.management.openmbean.CompositeData cd) {
                        var info = com.sun.management.GarbageCollectionNotificationInfo.from(cd);
                        long live = 0;
                        for (var e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                            if (heapPools.contains(e.getKey())) {
                                live += e.getValue().getUsed();
                            }
                        }
                        synchronized (this) {
                            peakLiveHeap = Math.max(peakLiveHeap, live);
                        }
                    }
                }, null, null);
            }
        }
        Thread t = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                long used = 0;
                for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
                    if (p.getType() == MemoryType.HEAP) {
                        used += p.getUsage().getUsed();
                    }
                }
                peakHeap = Math.max(peakHeap, used);
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "bench-heap");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void createTopics(Map<String, Object> clients) throws Exception {
        try (Admin admin = Admin.create(clients)) {
            List<NewTopic> topics = new ArrayList<>();
            for (Stream s : Stream.values()) {
                topics.add(new NewTopic(s.topic(), Optional.of(partitions), Optional.empty()));
            }
            for (String t : Topics.COMPACTED) {
                topics.add(new NewTopic(t, Optional.of(1), Optional.empty()).configs(Map.of("cleanup.policy", "compact")));
            }
            for (String t : List.of(Topics.REJECTED.name(), Topics.STATUS_CHANGES.name())) {
                topics.add(new NewTopic(t, Optional.of(partitions), Optional.empty()));
            }
            for (NewTopic t : topics) {
                try {
                    admin.createTopics(List.of(t)).all().get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
                        throw e;
                    }
                }
            }
        }
    }

    /** A realistic mix of flow events spread over 2025, unique ids, Avro single-object encoding. */
    private void produce(Map<String, Object> clients, Plan plan, long n) {
        Simulator sim = new Simulator(plan, 42);
        long start = Instant.parse("2025-01-01T00:00:00Z").toEpochMilli();
        long step = Math.max(1, (Instant.parse("2025-11-30T00:00:00Z").toEpochMilli() - start) / Math.max(n, 1));
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(producerConfig(clients), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (long i = 0; i < n; i++) {
                JsonEvents.Event e = sim.live(Instant.ofEpochMilli(start + i * step));
                p.send(new ProducerRecord<>(e.stream().topic(), e.key().getBytes(StandardCharsets.UTF_8), e.encode()));
            }
        }
    }

    private static Map<String, Object> producerConfig(Map<String, Object> clients) {
        Map<String, Object> c = new HashMap<>(clients);
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        c.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(512 * 1024));
        c.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        return c;
    }

    /** How a raw pass decodes a record. */
    private interface Decoder {
        void decode(Stream stream, byte[] value, org.apache.kafka.common.header.Headers headers) throws Rejection;
    }

    /**
     * Where the JSON runs start reading: the end of the Avro input, where the JSON copies begin (null: from the
     * beginning). A Streams run gets it as its group's committed offsets before it starts.
     */
    private Map<TopicPartition, Long> startAt;

    /** The same events as {@link #produce} (same seed, same times), as JSON values with a content-type header. */
    private void produceJson(Map<String, Object> clients, Plan plan, long n) {
        Simulator sim = new Simulator(plan, 42);
        long start = Instant.parse("2025-01-01T00:00:00Z").toEpochMilli();
        long step = Math.max(1, (Instant.parse("2025-11-30T00:00:00Z").toEpochMilli() - start) / Math.max(n, 1));
        List<org.apache.kafka.common.header.Header> json = List.of(new org.apache.kafka.common.header.internals.RecordHeader(
                "content-type", "application/json".getBytes(StandardCharsets.UTF_8)));
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(producerConfig(clients), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (long i = 0; i < n; i++) {
                JsonEvents.Event e = sim.live(Instant.ofEpochMilli(start + i * step));
                byte[] value = JsonEvents.toJson(e.stream(), e.value(), false).toString().getBytes(StandardCharsets.UTF_8);
                p.send(new ProducerRecord<>(e.stream().topic(), null, e.key().getBytes(StandardCharsets.UTF_8), value, json));
            }
        }
    }

    /** A new application's group starts at {@link #startAt} (nothing to do when null). */
    private void seedOffsets(Admin admin, String appId) throws Exception {
        if (startAt != null) {
            Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> offsets = new HashMap<>();
            startAt.forEach((tp, o) -> offsets.put(tp, new org.apache.kafka.clients.consumer.OffsetAndMetadata(o)));
            admin.alterConsumerGroupOffsets(appId, offsets).all().get();
        }
    }

    /** (a) One raw pass: a consumer reading every record and decoding it with {@code decoder}; its events/s. */
    private double rawConsumer(Map<String, Object> clients, Decoder decoder, String what) throws Rejection {
        Map<String, Object> c = new HashMap<>(clients);
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        c.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, "1");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            Map<String, Stream> streamOf = new HashMap<>();
            for (Stream s : FLOWS) {
                streamOf.put(s.topic(), s);
                consumer.partitionsFor(s.topic()).forEach(i -> parts.add(new TopicPartition(i.topic(), i.partition())));
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            if (startAt != null) {
                startAt.forEach(consumer::seek);
            }
            // timed from the first record received, as the Streams runs are from their first record processed
            long t0 = 0;
            long seen = 0;
            while (seen < events) {
                var batch = consumer.poll(Duration.ofMillis(500));
                if (seen == 0 && !batch.isEmpty()) {
                    t0 = System.nanoTime();
                }
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    decoder.decode(streamOf.get(r.topic()), r.value(), r.headers());
                    seen++;
                }
            }
            double eps = seen / ((System.nanoTime() - t0) / 1e9);
            System.err.printf("%s: %,.0f events/s%n", what, eps);
            return eps;
        }
    }

    private Topology bareCount() {
        StreamsBuilder b = new StreamsBuilder();
        for (Stream s : FLOWS) {
            b.stream(s.topic(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                    .groupByKey(Grouped.with("bare-" + s.type(), Serdes.ByteArray(), Serdes.ByteArray()))
                    .count(Materialized.<byte[], Long, org.apache.kafka.streams.state.KeyValueStore<org.apache.kafka.common.utils.Bytes, byte[]>>as(
                            "bare-count-" + s.type()).withKeySerde(Serdes.ByteArray()).withValueSerde(Serdes.Long()));
        }
        return b.build();
    }

    /**
     * Plans grow (a city holds dozens of district plans, thousands of projects): a plan of {@code --plan-targets}
     * targets (nine in ten projects under ten rollups, each project with eleven monthly reports; the rest flow targets
     * with filters and scales) is loaded over a year of facts already in the pipeline. Measured: the time from
     * {@code plan load} until every target's KPI of the new version is on planpulse.kpi, and the KPI stage's CPU per
     * evaluation round (the round that applies the version, then the clock's rounds over every target).
     */
    private Map<String, Object> planScale(Map<String, Object> clients, Plan shipped, Instant asOf, Path work)
            throws Exception {
        Plan big = bigPlan(shipped, planTargets);
        List<Target> projects = big.targets().stream().filter(t -> t.source() == io.planpulse.plan.Source.PROJECT_PROGRESS)
                .toList();
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(producerConfig(clients), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            java.util.Random rnd = new java.util.Random(7);
            for (Target t : projects) {
                for (int m = 1; m <= 11; m++) {
                    String id = "bench-" + t.id() + "-" + m;
                    io.planpulse.avro.ProjectProgress r = io.planpulse.avro.ProjectProgress.newBuilder().setReportId(id)
                            .setProjectId(t.id()).setPeriod(String.format("2025-%02d", m))
                            .setInvestmentCny(Math.round(rnd.nextDouble() * 1e9) / 100.0)
                            .setReportedAt(Instant.parse(String.format("2025-%02d-05T01:00:00Z", m + 1))).build();
                    p.send(new ProducerRecord<>(Stream.PROJECT_PROGRESS.topic(), id.getBytes(StandardCharsets.UTF_8),
                            io.planpulse.base.Topics.PROJECT_PROGRESS.encode(r)));
                }
            }
        }
        System.err.printf("plan-scale: %,d project reports produced; starting the pipeline over all facts%n",
                projects.size() * 11);
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        StreamsBuilder b = new StreamsBuilder();
        // a clock that runs from asOf, so the 5 s clock rounds over every target happen as in production
        Clock running = Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), asOf));
        PlanpulseTopology.build(b, PlanpulseTopology.Settings.defaults(running), registry);
        String appId = "bench-plan-" + UUID.randomUUID();
        Map<String, Object> out = new LinkedHashMap<>();
        try (KafkaStreams streams = new KafkaStreams(b.build(), streamsProps(clients, appId, EOS, work));
             Admin admin = Admin.create(clients)) {
            Map<TopicPartition, Long> end = endOffsets(admin);
            end.putAll(PipelineApp.endOffsets(admin, List.of(Stream.PROJECT_PROGRESS.topic())));
            streams.start();
            long t0 = System.nanoTime();
            awaitCommitted(admin, appId, end, streams, "the input topics");
            // ...and until the KPI stage has taken in every fact the intake handed it: its single-partition input
            // topics committed through their end. Each transaction there ends with one commit marker, which a
            // consumer's position may not have passed yet, so one offset short of the end is through the last record.
            Map<TopicPartition, Long> kpiInputEnd = new HashMap<>();
            PipelineApp.endOffsets(admin, io.planpulse.base.Topics.kpiInputTopics(appId))
                    .forEach((tp, o) -> kpiInputEnd.put(tp, Math.max(0, o - 1)));
            awaitCommitted(admin, appId, kpiInputEnd, streams, "the KPI stage's input topics");
            System.err.printf("plan-scale: %,d events of facts read and taken in by the KPI stage in %.1f s%n",
                    end.values().stream().mapToLong(Long::longValue).sum(), (System.nanoTime() - t0) / 1e9);
            Thread.sleep(1000); // let the rounds over the shipped plan settle
            io.micrometer.core.instrument.Timer all = registry.find("planpulse.kpi.evaluation.cpu").tag("scope", "all")
                    .timer();
            long rounds0 = all.count();
            double cpu0 = all.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS);
            Map<TopicPartition, Long> kpiEnd = PipelineApp.endOffsets(admin, List.of(io.planpulse.base.Topics.KPI.name()));
            long start = System.nanoTime();
            PlanLoad.Published published = PlanLoad.publish(big, clients, "bench-" + planTargets + ".yaml");
            double reflected = awaitVersion(clients, kpiEnd, published.version(), big.targets().size(), start);
            long rounds1 = all.count();
            double cpu1 = all.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS);
            System.err.printf("plan-scale: %,d targets: plan load -> every KPI on planpulse.kpi in %.2f s "
                    + "(%d full rounds, %.1f ms CPU)%n", big.targets().size(), reflected, rounds1 - rounds0, cpu1 - cpu0);
            // the clock's rounds (every 5 s) evaluate every target again
            long until = System.nanoTime() + 16_000_000_000L;
            while (all.count() < rounds1 + 3 && System.nanoTime() < until) {
                Thread.sleep(100);
            }
            long rounds2 = all.count();
            double cpu2 = all.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS);
            double perRound = rounds2 > rounds1 ? (cpu2 - cpu1) / (rounds2 - rounds1) : Double.NaN;
            System.err.printf("plan-scale: KPI stage CPU per evaluation round of every target: %.1f ms (%d rounds)%n",
                    perRound, rounds2 - rounds1);
            out.put("targets", big.targets().size());
            out.put("projects", projects.size());
            out.put("plan_load_to_all_kpis_s", reflected);
            out.put("apply_rounds", rounds1 - rounds0);
            out.put("apply_rounds_cpu_ms", cpu1 - cpu0);
            out.put("cpu_ms_per_full_round", perRound);
            out.put("full_rounds_measured", rounds2 - rounds1);
            streams.close(Duration.ofSeconds(30));
        } finally {
            PlanLoad.publish(shipped, clients, "banan-2025.yaml"); // the shipped plan in force again
        }
        return out;
    }

    /** Waits (at most 5 minutes) until the application has committed through {@code end}; fails if it stops. */
    private static void awaitCommitted(Admin admin, String appId, Map<TopicPartition, Long> end, KafkaStreams streams,
                                       String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (!PipelineApp.committedThrough(admin, appId, end)) {
            failed(List.of(streams), EOS);
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("plan-scale: " + what + " not committed through " + end
                        + " after 5 minutes; committed: "
                        + admin.listConsumerGroupOffsets(appId).partitionsToOffsetAndMetadata().get());
            }
            Thread.sleep(50);
        }
    }

    /** Seconds from {@code start} until every one of {@code size} targets has a snapshot of {@code version}. */
    private static double awaitVersion(Map<String, Object> clients, Map<TopicPartition, Long> from, String version,
                                       int size, long start) throws Exception {
        Map<String, Object> c = new HashMap<>(clients);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        java.util.Set<String> seen = new java.util.HashSet<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c,
                new org.apache.kafka.common.serialization.StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(from.keySet());
            from.forEach(consumer::seek);
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (seen.size() < size) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("plan-scale: only " + seen.size() + " of " + size
                            + " KPIs of the new version after 120 s");
                }
                for (var r : consumer.poll(Duration.ofMillis(20))) {
                    if (r.value() != null) {
                        io.planpulse.avro.KpiSnapshot s = io.planpulse.base.Topics.KPI_SNAPSHOT.decode(r.value());
                        if (version.equals(s.getPlanVersion())) {
                            seen.add(s.getId());
                        }
                    }
                }
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /**
     * A plan of {@code n} targets for 2025: nine in ten are projects under ten rollups; the rest are flow targets
     * with a filter on one dimension (the countries, channels and terminals the simulator sends) and a scale.
     */
    public static Plan bigPlan(Plan shipped, int n) {
        Target model = shipped.targets().get(0);
        List<Target> out = new ArrayList<>();
        int projects = n * 9 / 10;
        int rollups = 10;
        for (int r = 0; r < rollups; r++) {
            out.add(target(model, "rollup_" + r, "investment_projects", "CNY_100M", null, 1, null,
                    io.planpulse.plan.Source.CHILDREN, Map.of()));
        }
        for (int i = 0; i < projects - rollups; i++) {
            out.add(target(model, String.format("proj_%05d", i), "investment_projects", "CNY_100M", 1.0 + i % 7, 1e8,
                    "rollup_" + i % rollups, io.planpulse.plan.Source.PROJECT_PROGRESS, Map.of()));
        }
        String[] countries = {"VN", "LA", "TH", "MM", "KH", "MY", "SG", "KZ", "RU"};
        String[] channels = {"nanpeng_b", "road_port", "rail"};
        for (int i = 0; out.size() < n; i++) {
            io.planpulse.plan.Source src = switch (i % 4) {
                case 0 -> io.planpulse.plan.Source.TRUCK_COUNT;
                case 1 -> io.planpulse.plan.Source.TRUCK_CARGO_VALUE;
                case 2 -> io.planpulse.plan.Source.TRADE_VALUE;
                default -> io.planpulse.plan.Source.HUB_TONNES;
            };
            Map<String, String> filter = switch (i % 4) {
                case 0, 1 -> Map.of("destination_country", countries[i % countries.length]);
                case 2 -> Map.of("channel", channels[i % channels.length]);
                default -> Map.of("terminal", new String[] {"road_port", "nanpeng_rail", "foeryan_port"}[i % 3]);
            };
            double scale = src == io.planpulse.plan.Source.TRUCK_COUNT ? 1 : src == io.planpulse.plan.Source.HUB_TONNES
                    ? 1e4 : 1e8;
            out.add(target(model, String.format("flow_%05d", i), "logistics_trade", "x", 10.0 + i % 13, scale, null,
                    src, filter));
        }
        return new Plan(2025, shipped.timezone(), shipped.reportDeadlineDay(), shipped.thresholds(), out, List.of());
    }

    private static Target target(Target m, String id, String category, String unit, Double target, double scale,
                                 String parent, io.planpulse.plan.Source source, Map<String, String> filter) {
        return new Target(2025, id, id, id, category, unit, io.planpulse.plan.Kind.CUMULATIVE_FLOW,
                io.planpulse.plan.Comparator.AT_LEAST, target, scale, null, Target.LINEAR, parent, source, filter,
                "bench", false, m.timezone(), m.reportDeadlineDay(), m.thresholds());
    }

    private Topology pipelineTopology(Instant asOf) {
        // The production topology, so the bench writes to the real input topic names (on its own broker by default).
        StreamsBuilder b = new StreamsBuilder();
        PlanpulseTopology.build(b, PlanpulseTopology.Settings.defaults(Clock.fixed(asOf, ZoneOffset.UTC)),
                new SimpleMeterRegistry());
        return b.build();
    }

    /**
     * The raw consumer's rate: two untimed passes (JIT), then the fastest of three timed passes, the conservative
     * choice for the ratios (a slow pass would flatter them); every pass is kept in the JSON.
     */
    private double rawLimit(Map<String, Object> clients) throws Rejection {
        return fastestRaw(clients, (s, v, h) -> EventDecoder.decode(s, v), "raw consumer", "raw_consumer_passes_eps");
    }

    /**
     * The same raw consumer decoding every record with Avro's generic decoder instead of planpulse's fast path for the
     * current schema versions: not the limit, but the yardstick the ratio goals were set against, reported
     * beside it so that a decoder gain (which raises the limit as much as the pipeline) can be told apart.
     */
    private double rawAvro(Map<String, Object> clients) throws Rejection {
        return fastestRaw(clients, (s, v, h) -> EventDecoder.decodeWithAvro(s, v), "raw consumer, Avro's generic decoder",
                "raw_consumer_avro_passes_eps");
    }

    /** Two untimed passes, then the fastest of three timed ones (a slow pass would flatter the ratios). */
    private double fastestRaw(Map<String, Object> clients, Decoder decoder, String what, String passesKey)
            throws Rejection {
        rawConsumer(clients, decoder, what);
        rawConsumer(clients, decoder, what);
        List<Double> passes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            passes.add(rawConsumer(clients, decoder, what));
        }
        results.put(passesKey, List.copyOf(passes));
        return Collections.max(passes);
    }

    /**
     * Runs the topology untimed, under throw-away application ids, just before its timed run, until the JIT is quiet
     * (less than 5 % of one core compiling over the last 3 s) and at least {@code --warmup-seconds} have passed, or
     * for at most 60 s. A fresh JVM holding a broker, clients and Streams compiles for well over a minute (measured:
     * 60 s of compilation in a 90 s bench without warm-up, a third of the CPU during the timed runs with a fixed
     * 12 s warm-up), and code compiled for another topology deoptimises when this one starts: without this, the JIT
     * is charged to whichever run comes first.
     */
    private void warmUp(Map<String, Object> clients, String guarantee, Supplier<Topology> topology, Path work)
            throws Exception {
        java.lang.management.CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        long start = System.nanoTime();
        long minEnd = start + warmupSeconds * 1_000_000_000L;
        long maxEnd = start + 60 * 1_000_000_000L;
        java.util.ArrayDeque<long[]> window = new java.util.ArrayDeque<>();
        boolean quiet = false;
        try (Admin admin = Admin.create(clients)) {
            Map<TopicPartition, Long> end = endOffsets(admin);
            while (!quiet && System.nanoTime() < maxEnd) {
                String appId = "bench-warmup-" + UUID.randomUUID();
                seedOffsets(admin, appId);
                try (KafkaStreams streams = new KafkaStreams(topology.get(), streamsProps(clients, appId, guarantee, work))) {
                    streams.start();
                    boolean done = false;
                    while (!done && !quiet && System.nanoTime() < maxEnd) {
                        Thread.sleep(500);
                        long now = System.nanoTime();
                        window.addLast(new long[] {now, jit.getTotalCompilationTime()});
                        while (now - window.peekFirst()[0] > 3_000_000_000L) {
                            window.removeFirst();
                        }
                        long spanMs = (now - window.peekFirst()[0]) / 1_000_000;
                        long compiledMs = window.peekLast()[1] - window.peekFirst()[1];
                        quiet = now >= minEnd && spanMs >= 2_500 && compiledMs < spanMs / 20;
                        done = streams.state() == KafkaStreams.State.ERROR || PipelineApp.committedThrough(admin, appId, end);
                    }
                    streams.close(Duration.ofSeconds(30));
                }
            }
        }
        System.err.printf("warm-up %s: %.0f s, JIT %s%n", guarantee, (System.nanoTime() - start) / 1e9,
                quiet ? "quiet" : "still compiling (60 s limit)");
    }

    /** One timed Streams run: the processing rate, the rate from {@code start()}, and the start-up time. */
    record Timed(double eps, double wallEps, double startupSeconds, double cpuUsPerEvent, double streamCpuUsPerEvent,
                 List<Timed> passes) {
        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            if (!passes.isEmpty()) {
                m.put("passes_eps", passes.stream().map(Timed::eps).toList());
            }
            m.put("eps", eps);
            m.put("wall_eps", wallEps);
            m.put("startup_s", startupSeconds);
            m.put("process_cpu_us_per_event", cpuUsPerEvent);
            m.put("stream_threads_cpu_us_per_event", streamCpuUsPerEvent);
            return m;
        }

        Timed withPasses(List<Timed> all) {
            return new Timed(eps, wallEps, startupSeconds, cpuUsPerEvent, streamCpuUsPerEvent, all);
        }
    }

    private static Map<String, Double> requestCounts() {
        Map<String, Double> out = new java.util.TreeMap<>();
        try {
            javax.management.MBeanServer mbs = ManagementFactory.getPlatformMBeanServer();
            for (javax.management.ObjectName n : mbs.queryNames(new javax.management.ObjectName(
                    "kafka.network:type=RequestMetrics,name=RequestsPerSec,*"), null)) {
                out.merge("count " + n.getKeyProperty("request"), ((Number) mbs.getAttribute(n, "Count")).doubleValue(),
                        Double::sum);
            }
            for (String t : List.of("LocalTimeMs", "TotalTimeMs")) {
                for (javax.management.ObjectName n : mbs.queryNames(new javax.management.ObjectName(
                        "kafka.network:type=RequestMetrics,name=" + t + ",*"), null)) {
                    double c = ((Number) mbs.getAttribute(n, "Count")).doubleValue();
                    double m = ((Number) mbs.getAttribute(n, "Mean")).doubleValue();
                    out.merge(t + " sum " + n.getKeyProperty("request"), c * m, Double::sum);
                }
            }
        } catch (Exception e) {
            System.err.println("no broker metrics: " + e);
        }
        return out;
    }

    /** CPU time of every live thread, summed by name with this pass's ids and thread numbers taken out. */
    private static Map<String, Long> threadCpuByGroup(String appId) {
        Map<String, Long> out = new HashMap<>();
        forEachThreadCpu((name, nanos) -> out.merge(name.replace(appId, "APP")
                .replaceAll("[0-9a-f]{8}-[0-9a-f-]{27}", "ID").replaceAll("-?[0-9]+$", "").replaceAll("-[0-9]+-", "-N-"),
                nanos, Long::sum));
        return out;
    }

    private static void forEachThreadCpu(java.util.function.ObjLongConsumer<String> action) {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (java.lang.management.ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (t != null) {
                action.accept(t.getThreadName(), Math.max(0, mx.getThreadCpuTime(t.getThreadId())));
            }
        }
    }

    /** CPU time of this process (broker included when embedded), in nanoseconds. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** CPU time of the live threads whose names contain {@code part}, in nanoseconds. */
    private static long threadsCpuNanos(String part) {
        long[] sum = {0};
        forEachThreadCpu((name, nanos) -> {
            if (name.contains(part)) {
                sum[0] += nanos;
            }
        });
        return sum[0];
    }

    /**
     * Runs a topology over the input from the start. The processing rate counts from the first record a stream
     * thread processed (its {@code process-total} leaves 0) until every input offset is committed, as the raw
     * consumer counts from its first record to its last: group formation, internal topic creation and task set-up
     * are reported apart, as the start-up time, and in the rate from {@code start()}.
     */
    private Timed streamsRun(Map<String, Object> clients, String guarantee, Supplier<Topology> topology, Path work)
            throws Exception {
        if (warmupSeconds > 0) {
            warmUp(clients, guarantee, topology, work);
        }
        List<Timed> all = new ArrayList<>();
        for (int i = 0; i < passes; i++) {
            all.add(timedPass(clients, guarantee, topology, work));
        }
        List<Timed> sorted = new ArrayList<>(all);
        sorted.sort(java.util.Comparator.comparingDouble(Timed::eps));
        return sorted.get((sorted.size() - 1) / 2).withPasses(all);
    }

    private Timed timedPass(Map<String, Object> clients, String guarantee, Supplier<Topology> topology, Path work)
            throws Exception {
        String appId = "bench-" + UUID.randomUUID();
        List<KafkaStreams> group = new ArrayList<>();
        try (Admin admin = Admin.create(clients)) {
            Map<TopicPartition, Long> end = endOffsets(admin);
            seedOffsets(admin, appId);
            long t0 = System.nanoTime();
            List<org.apache.kafka.common.Metric> processed = new ArrayList<>();
            // --instances clients of one application (as separate processes would be), each with its own state dir
            for (int i = 0; i < instances; i++) {
                Properties p = streamsProps(clients, appId, guarantee, work);
                p.put(StreamsConfig.STATE_DIR_CONFIG, work.resolve(appId + "-" + i).toString());
                KafkaStreams streams = new KafkaStreams(topology.get(), p);
                group.add(streams);
                streams.metrics().forEach((name, m) -> {
                    if (name.name().equals("process-total") && name.group().equals("stream-thread-metrics")) {
                        processed.add(m);
                    }
                });
                streams.start();
            }
            if (processed.isEmpty()) {
                throw new IllegalStateException("no stream-thread process-total metric to time the run by");
            }
            while (processed.stream().noneMatch(m -> ((Number) m.metricValue()).doubleValue() > 0)) {
                failed(group, guarantee);
                Thread.sleep(2);
            }
            long first = System.nanoTime();
            long cpu0 = processCpuNanos();
            long streamCpu0 = threadsCpuNanos(appId + "-");
            PassTrace passTrace = trace ? new PassTrace(appId, first, processed) : null;
            while (!PipelineApp.committedThrough(admin, appId, end)) {
                failed(group, guarantee);
                Thread.sleep(20);
                if (passTrace != null) {
                    passTrace.progress();
                }
            }
            long done = System.nanoTime();
            if (passTrace != null) {
                passTrace.print(done);
            }
            double cpu = (processCpuNanos() - cpu0) / 1e3 / events;
            // stream threads are named <client id>-StreamThread-<n>; the client id starts with the application id
            double streamCpu = (threadsCpuNanos(appId + "-") - streamCpu0) / 1e3 / events;
            Timed t = new Timed(events / ((done - first) / 1e9), events / ((done - t0) / 1e9), (first - t0) / 1e9,
                    cpu, streamCpu, List.of());
            report("  pass " + guarantee, t);
            return t;
        } finally {
            group.forEach(k -> k.close(Duration.ofSeconds(30)));
        }
    }

    /** What {@code --trace} prints of one timed pass, from its first record processed on. */
    private final class PassTrace {
        private final String appId;
        private final long first;
        private final List<org.apache.kafka.common.Metric> processed;
        private final Map<String, Long> cpu0;
        private final Map<String, Double> requests0;
        private long lastProgress;

        PassTrace(String appId, long first, List<org.apache.kafka.common.Metric> processed) {
            this.appId = appId;
            this.first = first;
            this.processed = processed;
            this.cpu0 = threadCpuByGroup(appId);
            this.requests0 = requestCounts();
            this.lastProgress = first;
        }

        /** Every 250 ms: seconds since the first record, wall time, and each stream thread's records processed. */
        void progress() {
            long now = System.nanoTime();
            if (now - lastProgress > 250_000_000L) {
                lastProgress = now;
                StringBuilder sb = new StringBuilder(String.format("t=%.2f %s", (now - first) / 1e9,
                        java.time.LocalTime.now()));
                processed.forEach(m -> sb.append(String.format(" %,.0f", ((Number) m.metricValue()).doubleValue())));
                System.err.println(sb);
            }
        }

        /** The broker's requests by type, CPU per event by thread group, and the pass's window in JVM uptime. */
        void print(long done) {
            requestCounts().forEach((k, v) -> {
                double d = v - requests0.getOrDefault(k, 0.0);
                if (d > 0) {
                    System.err.printf("  broker %-40s %,12.0f%n", k, d);
                }
            });
            Map<String, Long> cpu = threadCpuByGroup(appId);
            cpu.replaceAll((k, v) -> v - cpu0.getOrDefault(k, 0L));
            cpu.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(14)
                    .forEach(e -> System.err.printf("  cpu %-50s %6.2f us/event%n", e.getKey(),
                            e.getValue() / 1e3 / events));
            long uptime = ManagementFactory.getRuntimeMXBean().getUptime();
            System.err.printf("timed window: JVM uptime %d ms to %d ms%n", uptime - (done - first) / 1_000_000, uptime);
        }
    }

    private static void failed(List<KafkaStreams> group, String guarantee) {
        if (group.stream().anyMatch(k -> k.state() == KafkaStreams.State.ERROR)) {
            throw new IllegalStateException("streams failed during the " + guarantee + " run");
        }
    }

    /** planpulse's own Streams settings (the bare count gets them too), the run's guarantee and the bench's knobs. */
    private Properties streamsProps(Map<String, Object> clients, String appId, String guarantee, Path work) {
        Properties p = PipelineApp.streamsDefaults();
        p.putAll(clients);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
        p.put(StreamsConfig.STATE_DIR_CONFIG, work.resolve(appId).toString());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, String.valueOf(threads));
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, String.valueOf(commitIntervalMs));
        p.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), compression);
        p.putAll(streamsConfig);
        return p;
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin) throws Exception {
        return PipelineApp.endOffsets(admin, FLOWS.stream().map(Stream::topic).toList());
    }

    /** Steady load at {@code rate} for {@code freshnessSeconds}; the time from each batch's newest event to its KPI. */
    private Map<String, Object> freshness(Map<String, Object> clients, Plan plan, Instant asOf, Path work)
            throws Exception {
        String appId = "bench-fresh-" + UUID.randomUUID();
        List<Long> samples = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean running = new AtomicBoolean(true);
        try (KafkaStreams streams = new KafkaStreams(pipelineTopology(asOf), streamsProps(clients, appId, EOS, work))) {
            // Start from the end of the inputs: only the steady load counts.
            streams.start();
            while (streams.state() != KafkaStreams.State.RUNNING) {
                Thread.sleep(50);
            }
            Thread watcher = new Thread(() -> watchKpis(clients, samples, running), "bench-kpi-watch");
            watcher.start();
            try (Admin admin = Admin.create(clients)) {
                // let the first run of the pipeline catch up with the bulk input before timing
                Map<TopicPartition, Long> end = endOffsets(admin);
                while (!PipelineApp.committedThrough(admin, appId, end)) {
                    Thread.sleep(100);
                }
            }
            Thread.sleep(1000);
            samples.clear();
            Simulator sim = new Simulator(plan, 7);
            long sent = 0;
            try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(producerConfig(clients), new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                long t0 = System.nanoTime();
                long intervalNanos = 1_000_000_000L / rate;
                long endAt = t0 + freshnessSeconds * 1_000_000_000L;
                Instant eventTime = Instant.parse("2025-11-30T00:00:00Z");
                while (System.nanoTime() < endAt) {
                    long due = t0 + sent * intervalNanos;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    JsonEvents.Event e = sim.live(eventTime);
                    p.send(new ProducerRecord<>(e.stream().topic(), e.key().getBytes(StandardCharsets.UTF_8), e.encode()));
                    sent++;
                }
                p.flush();
            }
            Thread.sleep(2000);
            running.set(false);
            watcher.join(10_000);
            streams.close(Duration.ofSeconds(30));
            List<Long> s = new ArrayList<>(samples);
            Collections.sort(s);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("p50", s.isEmpty() ? null : s.get(s.size() / 2));
            out.put("p99", s.isEmpty() ? null : s.get(Math.min(s.size() - 1, (int) Math.ceil(s.size() * 0.99) - 1)));
            out.put("max", s.isEmpty() ? null : s.get(s.size() - 1));
            out.put("samples", s.size());
            out.put("rate_eps", rate);
            out.put("seconds", freshnessSeconds);
            out.put("events", sent);
            System.err.printf("freshness at %,d events/s: p50 %s ms, p99 %s ms, max %s ms (%d KPI updates)%n", rate,
                    out.get("p50"), out.get("p99"), out.get("max"), s.size());
            return out;
        }
    }

    private static void watchKpis(Map<String, Object> clients, List<Long> samples, AtomicBoolean running) {
        Map<String, Object> c = new HashMap<>(clients);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(Topics.KPI.name()).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            consumer.assign(parts);
            consumer.seekToEnd(parts);
            Map<String, Long> lastSeen = new HashMap<>();
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    if (r.value() == null) {
                        continue;
                    }
                    long now = System.currentTimeMillis();
                    try {
                        var s = Topics.KPI_SNAPSHOT.decode(r.value());
                        if (s.getLastEventAt() != null) {
                            long ev = s.getLastEventAt().toEpochMilli();
                            Long prev = lastSeen.put(r.key(), ev);
                            if (prev == null || ev > prev) {
                                samples.add(now - ev);
                            }
                        }
                    } catch (Exception ignored) {
                        // not a snapshot of ours
                    }
                }
            }
        }
    }

    private Map<String, Object> settings(double produceSecs) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("events", events);
        s.put("partitions", partitions);
        s.put("warmup_seconds", warmupSeconds);
        s.put("timed_passes", passes);
        s.put("num_stream_threads", threads);
        s.put("instances", instances);
        s.put("mix", "25% truck_departure, 45% trade_declaration, 30% hub_throughput (simulator proportions)");
        s.put("produce_seconds", produceSecs);
        s.put("commit_interval_ms", commitIntervalMs);
        s.put("streams_producer_compression", compression);
        s.put("streams_settings", "planpulse's (PipelineApp.streamsDefaults), Kafka's defaults otherwise");
        s.put("streams_config_overrides", streamsConfig);
        s.put("broker", bootstrap == null ? "embedded single-node KRaft (same JVM)" : bootstrap);
        s.put("machine", Map.of("cpus", Runtime.getRuntime().availableProcessors(),
                "os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                "max_heap_mb", Runtime.getRuntime().maxMemory() / (1024 * 1024)));
        s.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        s.put("jvm_args", ManagementFactory.getRuntimeMXBean().getInputArguments());
        s.put("kafka", org.apache.kafka.common.utils.AppInfoParser.getVersion());
        s.put("planpulse", "0.1.0");
        return s;
    }

    private static void row(String what, Map<String, Object> run, double raw) {
        double eps = (double) run.get("eps");
        System.out.printf("%-34s %,14.0f %8.2f %,16.0f %11.1f%n", what, eps, eps / raw, (double) run.get("wall_eps"),
                (double) run.get("startup_s"));
    }

    @SuppressWarnings("unchecked")
    private void printTable() {
        double raw = (double) results.get("raw_consumer_eps");
        Map<String, Map<String, Object>> bare = (Map<String, Map<String, Object>>) results.get("bare_count_runs");
        Map<String, Map<String, Object>> pipe = (Map<String, Map<String, Object>>) results.get("pipeline_runs");
        Map<String, Object> fresh = (Map<String, Object>) results.get("freshness_ms");
        System.out.printf("%-34s %14s %8s %16s %11s%n", "run", "events/s", "vs raw", "from start()", "start-up s");
        System.out.printf("%-34s %,14.0f %8.2f%n", "raw consumer (read + decode)", raw, 1.0);
        double rawAvro = (double) results.get("raw_consumer_avro_eps");
        System.out.printf("%-34s %,14.0f %8.2f%n", "  same, Avro's generic decoder", rawAvro, rawAvro / raw);
        if (results.get("raw_consumer_json_eps") instanceof Double rawJson) {
            System.out.printf("%-34s %,14.0f %8.2f%n", "  same, JSON values", rawJson, rawJson / raw);
        }
        Map<String, Map<String, Object>> json = (Map<String, Map<String, Object>>) results.get("pipeline_json_runs");
        for (String g : List.of(ALOS, EOS)) {
            row("bare count() " + g, bare.get(g), raw);
            row("planpulse pipeline " + g, pipe.get(g), raw);
            if (json != null && json.get(g) != null) {
                row("  same, JSON values", json.get(g), raw);
            }
        }
        System.out.printf("freshness at %s events/s (%s): p50 %s ms, p99 %s ms, max %s ms%n", fresh.get("rate_eps"), EOS,
                fresh.get("p50"), fresh.get("p99"), fresh.get("max"));
        System.out.printf("heap (%s): peak used %d MB, peak after GC %d MB, max %d MB%n",
                bootstrap == null ? "embedded broker included" : "bench process", results.get("peak_heap_mb"), results.get("peak_heap_after_gc_mb"),
                Runtime.getRuntime().maxMemory() / (1024 * 1024));
    }

}
