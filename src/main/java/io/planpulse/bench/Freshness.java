package io.planpulse.bench;

import io.planpulse.app.PipelineApp;
import io.planpulse.app.SimulatedFeed;
import io.planpulse.base.Topics;
import io.planpulse.plan.Plan;
import io.planpulse.simulate.Simulator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Freshness: under a steady load at {@code --rate} through the pipeline with exactly_once_v2, the time from each
 * event's Kafka timestamp to the KPI update that reflects it.
 */
final class Freshness {
    private Freshness() {
    }

    /**
     * Steady load at {@code rate} for {@code freshnessSeconds}; the time from each batch's newest event to its KPI,
     * as p50, p99 and max in milliseconds, with the load's rate, length and events.
     */
    static Map<String, Object> measure(BenchOptions o, StreamsRuns runs, Map<String, Object> clients, Plan plan,
                                       Instant asOf) throws Exception {
        String appId = "bench-fresh-" + UUID.randomUUID();
        List<Long> samples = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean running = new AtomicBoolean(true);
        try (KafkaStreams streams = new KafkaStreams(StreamsRuns.pipeline(asOf),
                runs.props(clients, appId, StreamsRuns.EOS))) {
            // Start from the end of the inputs: only the steady load counts.
            streams.start();
            while (streams.state() != KafkaStreams.State.RUNNING) {
                Thread.sleep(50);
            }
            Thread watcher = new Thread(() -> watchKpis(clients, samples, running), "bench-kpi-watch");
            watcher.start();
            try (Admin admin = Admin.create(clients)) {
                // let the first run of the pipeline catch up with the bulk input before timing
                Map<TopicPartition, Long> end = Input.endOffsets(admin);
                while (!PipelineApp.committedThrough(admin, appId, end)) {
                    Thread.sleep(100);
                }
            }
            Thread.sleep(1000);
            samples.clear();
            long sent = steadyLoad(o, clients, new Simulator(plan, 7)::live);
            Thread.sleep(2000);
            running.set(false);
            watcher.join(10_000);
            streams.close(Duration.ofSeconds(30));
            Map<String, Object> out = summary(o, samples, sent);
            System.err.printf("freshness at %,d events/s: p50 %s ms, p99 %s ms, max %s ms (%s KPI updates)%n", o.rate(),
                    out.get("p50"), out.get("p99"), out.get("max"), out.get("samples"));
            return out;
        }
    }

    /**
     * Sends {@code live} events (each for the same event time) at {@code --rate} for {@code --freshness-seconds}, as
     * evenly as the clock allows; returns how many it sent.
     */
    static long steadyLoad(BenchOptions o, Map<String, Object> clients,
                           java.util.function.Function<Instant, io.planpulse.events.JsonEvents.Event> live)
            throws Exception {
        long sent = 0;
        try (KafkaProducer<byte[], byte[]> p = Load.producer(clients)) {
            long t0 = System.nanoTime();
            long intervalNanos = 1_000_000_000L / o.rate();
            long endAt = t0 + o.freshnessSeconds() * 1_000_000_000L;
            Instant eventTime = Instant.parse("2025-11-30T00:00:00Z");
            while (System.nanoTime() < endAt) {
                long wait = t0 + sent * intervalNanos - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                SimulatedFeed.send(p, live.apply(eventTime));
                sent++;
            }
            p.flush();
        }
        return sent;
    }

    /** The freshness samples (ms) as p50, p99 and max, with their number and the load's rate, length and events. */
    static Map<String, Object> summary(BenchOptions o, List<Long> samples, long sent) {
        List<Long> s = new ArrayList<>(samples);
        Collections.sort(s);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("p50", s.isEmpty() ? null : s.get(s.size() / 2));
        out.put("p99", s.isEmpty() ? null : s.get(Math.min(s.size() - 1, (int) Math.ceil(s.size() * 0.99) - 1)));
        out.put("max", s.isEmpty() ? null : s.get(s.size() - 1));
        out.put("samples", s.size());
        out.put("rate_eps", o.rate());
        out.put("seconds", o.freshnessSeconds());
        out.put("events", sent);
        return out;
    }

    /** A consumer of committed KPI snapshots (read_committed), by target id. */
    static KafkaConsumer<String, byte[]> kpiReader(Map<String, Object> clients) {
        Map<String, Object> c = new HashMap<>(clients);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** Until stopped: for each KPI whose newest event is newer than before, how long ago that event happened. */
    static void watchKpis(Map<String, Object> clients, List<Long> samples, AtomicBoolean running) {
        try (KafkaConsumer<String, byte[]> consumer = kpiReader(clients)) {
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
}
