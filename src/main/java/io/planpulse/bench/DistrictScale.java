package io.planpulse.bench;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.planpulse.app.PipelineApp;
import io.planpulse.app.PlanLoad;
import io.planpulse.base.Topics;
import io.planpulse.pipeline.PlanpulseTopology;
import io.planpulse.plan.Plan;
import io.planpulse.serve.KpiView;
import io.planpulse.simulate.CitySimulation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;

/**
 * Districts at scale (issue 19, item 9): {@code --districts N} plans derived from the shipped one and the city's,
 * loaded at once over the bench's facts. Measured: plan load until every KPI of every plan is on planpulse.kpi, the KPI
 * stage's CPU per round over every plan, and one full {@code /metrics} scrape (its time and series) of a KPI view that
 * holds them all. The KPI stage is one task today (not yet partitioned by district): its figure is that task's.
 */
final class DistrictScale {
    private DistrictScale() {
    }

    static Map<String, Object> measure(BenchOptions o, StreamsRuns runs, Map<String, Object> clients, Plan shipped,
                                       Instant asOf) throws Exception {
        List<Plan> plans = CitySimulation.plans(shipped, o.districts());
        int targets = plans.stream().mapToInt(p -> p.targets().size()).sum();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        StreamsBuilder b = new StreamsBuilder();
        Clock running = Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), asOf));
        PlanpulseTopology.build(b, PlanpulseTopology.Settings.defaults(running), registry);
        String appId = "bench-districts-" + UUID.randomUUID();
        Map<String, Object> out = new LinkedHashMap<>();
        try (KafkaStreams streams = new KafkaStreams(b.build(), runs.props(clients, appId, StreamsRuns.EOS));
             Admin admin = Admin.create(clients)) {
            Map<TopicPartition, Long> end = Input.endOffsets(admin);
            streams.start();
            PlanScale.awaitCommitted(admin, appId, end, streams, "the input topics");
            Thread.sleep(1000); // let the rounds over the shipped plan settle
            Timer all = registry.find("planpulse.kpi.evaluation.cpu").tag("scope", "all").timer();
            Map<TopicPartition, Long> kpiEnd = PipelineApp.endOffsets(admin, List.of(Topics.KPI.name()));
            long start = System.nanoTime();
            Set<String> versions = PlanLoad.publishAll(plans, clients, "bench-districts", io.planpulse.base.Districts.DEFAULT)
                    .stream().map(PlanLoad.Published::version).collect(java.util.stream.Collectors.toSet());
            double reflected = PlanScale.awaitSnapshots(clients, kpiEnd, versions, targets, start,
                    Duration.ofMinutes(5), "districts");
            long rounds1 = all.count();
            double cpu1 = all.totalTime(TimeUnit.MILLISECONDS);
            System.err.printf("districts: %d districts and the city, %,d targets: plan load -> every KPI on "
                    + "planpulse.kpi in %.2f s%n", o.districts(), targets, reflected);
            long until = System.nanoTime() + 20_000_000_000L;
            while (all.count() < rounds1 + 3 && System.nanoTime() < until) {
                Thread.sleep(100);
            }
            long rounds2 = all.count();
            double perRound = rounds2 > rounds1 ? (all.totalTime(TimeUnit.MILLISECONDS) - cpu1) / (rounds2 - rounds1)
                    : Double.NaN;
            System.err.printf("districts: KPI stage CPU per round over every plan: %.1f ms (%d rounds, 1 task)%n",
                    perRound, rounds2 - rounds1);

            Map<String, Object> freshness = freshness(o, clients, shipped);

            // one scrape of a view holding every KPI, as /metrics serves it
            PrometheusMeterRegistry viewRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            double scrapeSecs;
            long series;
            try (KpiView view = new KpiView(clients, viewRegistry, io.planpulse.base.Districts.DEFAULT).start()) {
                long deadline = System.nanoTime() + 120_000_000_000L;
                while (view.size() < targets && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                viewRegistry.scrape(); // once untimed: the first builds the meters' descriptions
                long s0 = System.nanoTime();
                String text = view.read(viewRegistry::scrape);
                scrapeSecs = (System.nanoTime() - s0) / 1e9;
                series = text.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).count();
            }
            System.err.printf("districts: one /metrics scrape of %,d series in %.3f s%n", series, scrapeSecs);
            out.put("districts", o.districts());
            out.put("targets", targets);
            out.put("plan_load_to_all_kpis_s", reflected);
            out.put("kpi_partitions", 1);
            out.put("kpi_round_cpu_ms", Map.of("0", perRound));
            out.put("kpi_rounds_measured", rounds2 - rounds1);
            out.put("metrics_scrape_s", scrapeSecs);
            out.put("metrics_series", series);
            out.put("freshness_p99_ms", freshness.get("p99"));
            out.put("freshness_ms", freshness);
            streams.close(Duration.ofSeconds(30));
        } finally {
            PlanLoad.publish(shipped, clients, "banan-2025.yaml"); // the shipped plan in force again
        }
        return out;
    }

    /**
     * Freshness with every plan in force: a steady load at {@code --rate} for {@code --freshness-seconds}, spread over
     * the districts (each district's simulated events in turn), from each batch's newest event to its KPI update.
     */
    private static Map<String, Object> freshness(BenchOptions o, Map<String, Object> clients, Plan shipped)
            throws Exception {
        List<Long> samples = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread watcher = new Thread(() -> Freshness.watchKpis(clients, samples, running), "bench-kpi-watch");
        watcher.start();
        Thread.sleep(1000);
        samples.clear();
        CitySimulation sim = CitySimulation.forBench(shipped, o.districts(), 7);
        long sent = 0;
        try (org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> p = Load.producer(clients)) {
            long t0 = System.nanoTime();
            long intervalNanos = 1_000_000_000L / o.rate();
            long endAt = t0 + o.freshnessSeconds() * 1_000_000_000L;
            Instant eventTime = Instant.parse("2025-11-30T00:00:00Z");
            while (System.nanoTime() < endAt) {
                long wait = t0 + sent * intervalNanos - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                io.planpulse.app.SimulatedFeed.send(p, sim.live(eventTime));
                sent++;
            }
            p.flush();
        }
        Thread.sleep(2000);
        running.set(false);
        watcher.join(10_000);
        List<Long> s = new java.util.ArrayList<>(samples);
        java.util.Collections.sort(s);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("p50", s.isEmpty() ? null : s.get(s.size() / 2));
        out.put("p99", s.isEmpty() ? null : s.get(Math.min(s.size() - 1, (int) Math.ceil(s.size() * 0.99) - 1)));
        out.put("max", s.isEmpty() ? null : s.get(s.size() - 1));
        out.put("samples", s.size());
        out.put("rate_eps", o.rate());
        out.put("seconds", o.freshnessSeconds());
        out.put("events", sent);
        System.err.printf("districts: freshness at %,d events/s over %d districts: p50 %s ms, p99 %s ms, max %s ms%n",
                o.rate(), o.districts(), out.get("p50"), out.get("p99"), out.get("max"));
        return out;
    }
}
