package io.planpulse.bench;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.planpulse.app.PipelineApp;
import io.planpulse.app.PlanLoad;
import io.planpulse.avro.ProjectProgress;
import io.planpulse.base.Stream;
import io.planpulse.base.Topics;
import io.planpulse.pipeline.PlanpulseTopology;
import io.planpulse.plan.Comparator;
import io.planpulse.plan.Kind;
import io.planpulse.plan.Plan;
import io.planpulse.plan.Source;
import io.planpulse.plan.Target;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;

/**
 * Plan scale: how long a plan of {@code --plan-targets} targets, loaded over a year of facts, takes to reach every
 * KPI, and the KPI stage's CPU per evaluation round of every target.
 */
final class PlanScale {
    private PlanScale() {
    }

    /**
     * Plans grow (a city holds dozens of district plans, thousands of projects): a plan of {@code --plan-targets}
     * targets (nine in ten projects under ten rollups, each project with eleven monthly reports; the rest flow targets
     * with filters and scales) is loaded over a year of facts already in the pipeline. Measured: the time from
     * {@code plan load} until every target's KPI of the new version is on planpulse.kpi, and the KPI stage's CPU per
     * evaluation round (the round that applies the version, then the clock's rounds over every target).
     */
    static Map<String, Object> measure(BenchOptions o, StreamsRuns runs, Map<String, Object> clients, Plan shipped,
                                       Instant asOf) throws Exception {
        Plan big = bigPlan(shipped, o.planTargets());
        List<Target> projects = big.targets().stream().filter(t -> t.source() == Source.PROJECT_PROGRESS).toList();
        produceReports(clients, projects);
        System.err.printf("plan-scale: %,d project reports produced; starting the pipeline over all facts%n",
                projects.size() * 11);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        StreamsBuilder b = new StreamsBuilder();
        // a clock that runs from asOf, so the 5 s clock rounds over every target happen as in production
        Clock running = Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), asOf));
        PlanpulseTopology.build(b, PlanpulseTopology.Settings.defaults(running), registry);
        String appId = "bench-plan-" + UUID.randomUUID();
        Map<String, Object> out = new LinkedHashMap<>();
        try (KafkaStreams streams = new KafkaStreams(b.build(), runs.props(clients, appId, StreamsRuns.EOS));
             Admin admin = Admin.create(clients)) {
            Map<TopicPartition, Long> end = Input.endOffsets(admin);
            end.putAll(PipelineApp.endOffsets(admin, List.of(Stream.PROJECT_PROGRESS.topic())));
            streams.start();
            long t0 = System.nanoTime();
            awaitCommitted(admin, appId, end, streams, "the input topics");
            // ...and until the KPI stage has taken in every fact the intake handed it: its single-partition input
            // topics committed through their end. Each transaction there ends with one commit marker, which a
            // consumer's position may not have passed yet, so one offset short of the end is through the last record.
            Map<TopicPartition, Long> kpiInputEnd = new HashMap<>();
            PipelineApp.endOffsets(admin, io.planpulse.base.KpiLayout.of(1).kpiInputTopics(appId))
                    .forEach((tp, off) -> kpiInputEnd.put(tp, Math.max(0, off - 1)));
            awaitCommitted(admin, appId, kpiInputEnd, streams, "the KPI stage's input topics");
            System.err.printf("plan-scale: %,d events of facts read and taken in by the KPI stage in %.1f s%n",
                    end.values().stream().mapToLong(Long::longValue).sum(), (System.nanoTime() - t0) / 1e9);
            Thread.sleep(1000); // let the rounds over the shipped plan settle
            Timer all = registry.find("planpulse.kpi.evaluation.cpu").tag("scope", "all").timer();
            long rounds0 = all.count();
            double cpu0 = all.totalTime(TimeUnit.MILLISECONDS);
            Map<TopicPartition, Long> kpiEnd = PipelineApp.endOffsets(admin, List.of(Topics.KPI.name()));
            long start = System.nanoTime();
            PlanLoad.Published published = PlanLoad.publish(big, clients, "bench-" + o.planTargets() + ".yaml");
            double reflected = awaitVersion(clients, kpiEnd, published.version(), big.targets().size(), start);
            long rounds1 = all.count();
            double cpu1 = all.totalTime(TimeUnit.MILLISECONDS);
            System.err.printf("plan-scale: %,d targets: plan load -> every KPI on planpulse.kpi in %.2f s "
                    + "(%d full rounds, %.1f ms CPU)%n", big.targets().size(), reflected, rounds1 - rounds0, cpu1 - cpu0);
            // the clock's rounds (every 5 s) evaluate every target again
            long until = System.nanoTime() + 16_000_000_000L;
            while (all.count() < rounds1 + 3 && System.nanoTime() < until) {
                Thread.sleep(100);
            }
            long rounds2 = all.count();
            double cpu2 = all.totalTime(TimeUnit.MILLISECONDS);
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

    /** Eleven monthly reports (January to November 2025) of each project. */
    private static void produceReports(Map<String, Object> clients, List<Target> projects) {
        try (KafkaProducer<byte[], byte[]> p = Load.producer(clients)) {
            Random rnd = new Random(7);
            for (Target t : projects) {
                for (int m = 1; m <= 11; m++) {
                    String id = "bench-" + t.id() + "-" + m;
                    ProjectProgress r = ProjectProgress.newBuilder().setReportId(id)
                            .setProjectId(t.id()).setPeriod(String.format("2025-%02d", m))
                            .setInvestmentCny(Math.round(rnd.nextDouble() * 1e9) / 100.0)
                            .setReportedAt(Instant.parse(String.format("2025-%02d-05T01:00:00Z", m + 1))).build();
                    p.send(new ProducerRecord<>(Stream.PROJECT_PROGRESS.topic(), id.getBytes(StandardCharsets.UTF_8),
                            Topics.PROJECT_PROGRESS.encode(r)));
                }
            }
        }
    }

    /** Waits (at most 5 minutes) until the application has committed through {@code end}; fails if it stops. */
    static void awaitCommitted(Admin admin, String appId, Map<TopicPartition, Long> end, KafkaStreams streams,
                                       String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (!PipelineApp.committedThrough(admin, appId, end)) {
            StreamsRuns.failed(List.of(streams), StreamsRuns.EOS);
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
        return awaitSnapshots(clients, from, Set.of(version), size, start, Duration.ofSeconds(120), "plan-scale");
    }

    /**
     * Seconds from {@code start} until {@code size} KPIs (by key) have a snapshot of one of {@code versions} on
     * planpulse.kpi, read from {@code from}; fails after {@code limit}.
     */
    static double awaitSnapshots(Map<String, Object> clients, Map<TopicPartition, Long> from, Set<String> versions,
                                 int size, long start, Duration limit, String what) throws Exception {
        Set<String> seen = new HashSet<>();
        try (KafkaConsumer<String, byte[]> consumer = Freshness.kpiReader(clients)) {
            consumer.assign(from.keySet());
            from.forEach(consumer::seek);
            long deadline = System.nanoTime() + limit.toNanos();
            while (seen.size() < size) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(what + ": only " + seen.size() + " of " + size
                            + " KPIs of the new version(s) after " + limit.toSeconds() + " s");
                }
                for (var r : consumer.poll(Duration.ofMillis(20))) {
                    if (r.value() != null && versions.contains(Topics.KPI_SNAPSHOT.decode(r.value()).getPlanVersion())) {
                        seen.add(r.key());
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
                    Source.CHILDREN, Map.of()));
        }
        for (int i = 0; i < projects - rollups; i++) {
            out.add(target(model, String.format("proj_%05d", i), "investment_projects", "CNY_100M", 1.0 + i % 7, 1e8,
                    "rollup_" + i % rollups, Source.PROJECT_PROGRESS, Map.of()));
        }
        String[] countries = {"VN", "LA", "TH", "MM", "KH", "MY", "SG", "KZ", "RU"};
        String[] channels = {"nanpeng_b", "road_port", "rail"};
        for (int i = 0; out.size() < n; i++) {
            Source src = switch (i % 4) {
                case 0 -> Source.TRUCK_COUNT;
                case 1 -> Source.TRUCK_CARGO_VALUE;
                case 2 -> Source.TRADE_VALUE;
                default -> Source.HUB_TONNES;
            };
            Map<String, String> filter = switch (i % 4) {
                case 0, 1 -> Map.of("destination_country", countries[i % countries.length]);
                case 2 -> Map.of("channel", channels[i % channels.length]);
                default -> Map.of("terminal", new String[] {"road_port", "nanpeng_rail", "foeryan_port"}[i % 3]);
            };
            double scale = src == Source.TRUCK_COUNT ? 1 : src == Source.HUB_TONNES ? 1e4 : 1e8;
            out.add(target(model, String.format("flow_%05d", i), "logistics_trade", "x", 10.0 + i % 13, scale, null,
                    src, filter));
        }
        return new Plan(2025, shipped.timezone(), shipped.reportDeadlineDay(), shipped.thresholds(), out, List.of());
    }

    private static Target target(Target m, String id, String category, String unit, Double target, double scale,
                                 String parent, Source source, Map<String, String> filter) {
        return new Target(2025, id, id, id, category, unit, Kind.CUMULATIVE_FLOW, Comparator.AT_LEAST, target, scale,
                null, Target.LINEAR, parent, source, filter, "bench", false, m.timezone(), m.reportDeadlineDay(),
                m.thresholds());
    }
}
