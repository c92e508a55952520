package io.planpulse.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.planpulse.app.PipelineApp;
import io.planpulse.base.Stream;
import io.planpulse.pipeline.PlanpulseTopology;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The throughput of a Kafka Streams topology over the whole input (a bare {@code groupByKey().count()}, or the
 * planpulse pipeline) under one guarantee: warmed up, then timed passes, the median counting.
 */
final class StreamsRuns {
    static final String EOS = "exactly_once_v2";
    static final String ALOS = "at_least_once";

    private final BenchOptions o;
    private final Path work;

    /** Runs with the knobs of {@code o}, their state under {@code work}. */
    StreamsRuns(BenchOptions o, Path work) {
        this.o = o;
        this.work = work;
    }

    /** The short name of a guarantee, as in the run names: {@code eos} or {@code alos}. */
    static String shortName(String guarantee) {
        return guarantee.equals(EOS) ? "eos" : "alos";
    }

    /** One timed Streams run: the processing rate, the rate from {@code start()}, the start-up time, the CPU. */
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

        /** One line on stderr: the rates, the start-up and the CPU per event of {@code what}. */
        void report(String what) {
            System.err.printf("%s: %,.0f events/s processing (%,.0f from start(), start-up %.1f s); CPU per event: "
                    + "%.2f us process, %.2f us Streams threads%n", what, eps, wallEps, startupSeconds,
                    cpuUsPerEvent, streamCpuUsPerEvent);
        }
    }

    /** The bare Kafka Streams count of every flow topic by key: what any Streams application costs. */
    static Topology bareCount() {
        StreamsBuilder b = new StreamsBuilder();
        for (Stream s : Input.FLOWS) {
            b.stream(s.topic(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                    .groupByKey(Grouped.with("bare-" + s.type(), Serdes.ByteArray(), Serdes.ByteArray()))
                    .count(Materialized.<byte[], Long, KeyValueStore<Bytes, byte[]>>as(
                            "bare-count-" + s.type()).withKeySerde(Serdes.ByteArray()).withValueSerde(Serdes.Long()));
        }
        return b.build();
    }

    /** The production topology on a clock fixed at {@code asOf}, so the bench writes to the real topic names. */
    static Topology pipeline(Instant asOf) {
        StreamsBuilder b = new StreamsBuilder();
        PlanpulseTopology.build(b, PlanpulseTopology.Settings.defaults(Clock.fixed(asOf, ZoneOffset.UTC)),
                new SimpleMeterRegistry());
        return b.build();
    }

    /** planpulse's own Streams settings (the bare count gets them too), the run's guarantee and the bench's knobs. */
    Properties props(Map<String, Object> clients, String appId, String guarantee) {
        Properties p = PipelineApp.streamsDefaults();
        p.putAll(clients);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
        p.put(StreamsConfig.STATE_DIR_CONFIG, work.resolve(appId).toString());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, String.valueOf(o.threads()));
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, String.valueOf(o.commitIntervalMs()));
        p.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), o.compression());
        p.putAll(o.streamsConfig());
        return p;
    }

    /** Fails when a client of the group has stopped on an error. */
    static void failed(List<KafkaStreams> group, String guarantee) {
        if (group.stream().anyMatch(k -> k.state() == KafkaStreams.State.ERROR)) {
            throw new IllegalStateException("streams failed during the " + guarantee + " run");
        }
    }

    /**
     * Runs a topology over the input from where it starts. The processing rate counts from the first record a
     * stream thread processed (its {@code process-total} leaves 0) until every input offset is committed, as the raw
     * consumer counts from its first record to its last: group formation, internal topic creation and task set-up
     * are reported apart, as the start-up time, and in the rate from {@code start()}.
     */
    Timed run(Input input, String guarantee, Supplier<Topology> topology) throws Exception {
        if (o.warmupSeconds() > 0) {
            warmUp(input, guarantee, topology);
        }
        List<Timed> all = new ArrayList<>();
        for (int i = 0; i < o.passes(); i++) {
            all.add(timedPass(input, guarantee, topology));
        }
        List<Timed> sorted = new ArrayList<>(all);
        sorted.sort(Comparator.comparingDouble(Timed::eps));
        return sorted.get((sorted.size() - 1) / 2).withPasses(all);
    }

    /**
     * Runs the topology untimed, under throw-away application ids, just before its timed run, until the JIT is quiet
     * (less than 5 % of one core compiling over the last 3 s) and at least {@code --warmup-seconds} have passed, or
     * for at most 60 s. A fresh JVM holding a broker, clients and Streams compiles for well over a minute (measured:
     * 60 s of compilation in a 90 s bench without warm-up, a third of the CPU during the timed runs with a fixed
     * 12 s warm-up), and code compiled for another topology deoptimises when this one starts: without this, the JIT
     * is charged to whichever run comes first.
     */
    private void warmUp(Input input, String guarantee, Supplier<Topology> topology) throws Exception {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        long start = System.nanoTime();
        long minEnd = start + o.warmupSeconds() * 1_000_000_000L;
        long maxEnd = start + 60 * 1_000_000_000L;
        ArrayDeque<long[]> window = new ArrayDeque<>();
        boolean quiet = false;
        try (Admin admin = Admin.create(input.clients())) {
            Map<TopicPartition, Long> end = Input.endOffsets(admin);
            while (!quiet && System.nanoTime() < maxEnd) {
                String appId = "bench-warmup-" + UUID.randomUUID();
                input.seedOffsets(admin, appId);
                try (KafkaStreams streams = new KafkaStreams(topology.get(),
                        props(input.clients(), appId, guarantee))) {
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
                        done = streams.state() == KafkaStreams.State.ERROR
                                || PipelineApp.committedThrough(admin, appId, end);
                    }
                    streams.close(Duration.ofSeconds(30));
                }
            }
        }
        System.err.printf("warm-up %s: %.0f s, JIT %s%n", guarantee, (System.nanoTime() - start) / 1e9,
                quiet ? "quiet" : "still compiling (60 s limit)");
    }

    private Timed timedPass(Input input, String guarantee, Supplier<Topology> topology) throws Exception {
        String appId = "bench-" + UUID.randomUUID();
        List<KafkaStreams> group = new ArrayList<>();
        try (Admin admin = Admin.create(input.clients())) {
            Map<TopicPartition, Long> end = Input.endOffsets(admin);
            input.seedOffsets(admin, appId);
            long t0 = System.nanoTime();
            List<Metric> processed = new ArrayList<>();
            // --instances clients of one application (as separate processes would be), each with its own state dir
            for (int i = 0; i < o.instances(); i++) {
                Properties p = props(input.clients(), appId, guarantee);
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
            long cpu0 = Cpu.processNanos();
            // stream threads are named <client id>-StreamThread-<n>; the client id starts with the application id
            long streamCpu0 = Cpu.threadsNanos(appId + "-");
            PassTrace passTrace = o.trace() ? new PassTrace(appId, o.events(), first, processed) : null;
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
            long events = o.events();
            double cpu = (Cpu.processNanos() - cpu0) / 1e3 / events;
            double streamCpu = (Cpu.threadsNanos(appId + "-") - streamCpu0) / 1e3 / events;
            Timed t = new Timed(events / ((done - first) / 1e9), events / ((done - t0) / 1e9), (first - t0) / 1e9,
                    cpu, streamCpu, List.of());
            t.report("  pass " + guarantee);
            return t;
        } finally {
            group.forEach(k -> k.close(Duration.ofSeconds(30)));
        }
    }
}
