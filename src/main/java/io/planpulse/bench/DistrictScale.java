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
 * holds them all. The KPI work runs in {@code --kpi-partitions} partitions over {@code --instances} clients: the CPU is
 * given per partition, and per instance (the sum of its partitions').
 */
final class DistrictScale {
    private DistrictScale() {
    }

    static Map<String, Object> measure(BenchOptions o, StreamsRuns runs, Map<String, Object> clients, Plan shipped,
                                       Instant asOf) throws Exception {
        List<Plan> plans = CitySimulation.plans(shipped, o.districts());
        int targets = plans.stream().mapToInt(p -> p.targets().size()).sum();
        int partitions = o.kpiPartitions();
        Clock running = Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), asOf));
        String appId = "bench-districts-" + UUID.randomUUID();
        // --instances clients of one application, as separate machines would run it: each its own registry and state
        List<PrometheusMeterRegistry> registries = new java.util.ArrayList<>();
        List<KafkaStreams> group = new java.util.ArrayList<>();
        for (int i = 0; i < o.instances(); i++) {
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            StreamsBuilder b = new StreamsBuilder();
            PlanpulseTopology.build(b, PlanpulseTopology.Settings.defaults(running).withKpiPartitions(partitions),
                    registry);
            java.util.Properties props = runs.props(clients, appId, StreamsRuns.EOS);
            props.put(org.apache.kafka.streams.StreamsConfig.STATE_DIR_CONFIG,
                    props.getProperty(org.apache.kafka.streams.StreamsConfig.STATE_DIR_CONFIG) + "-" + i);
            registries.add(registry);
            group.add(new KafkaStreams(b.build(), props));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        try (Admin admin = Admin.create(clients)) {
            Map<TopicPartition, Long> end = Input.endOffsets(admin);
            group.forEach(KafkaStreams::start);
            PlanScale.awaitCommitted(admin, appId, end, group.get(0), "the input topics");
            awaitSpread(group, appId, partitions);
            Thread.sleep(1000); // let the rounds over the shipped plan settle
            Map<TopicPartition, Long> kpiEnd = PipelineApp.endOffsets(admin, List.of(Topics.KPI.name()));
            long start = System.nanoTime();
            Set<String> versions = PlanLoad.publishAll(plans, clients, "bench-districts", io.planpulse.base.Districts.DEFAULT)
                    .stream().map(PlanLoad.Published::version).collect(java.util.stream.Collectors.toSet());
            double reflected = PlanScale.awaitSnapshots(clients, kpiEnd, versions, targets, start,
                    Duration.ofMinutes(5), "districts");
            System.err.printf("districts: %d districts and the city, %,d targets, %d KPI partitions on %d instance(s): "
                    + "plan load -> every KPI on planpulse.kpi in %.2f s%n", o.districts(), targets, partitions,
                    o.instances(), reflected);
            Map<String, Double> perPartition = roundCpu(registries, partitions);
            List<Map<String, Object>> instances = new java.util.ArrayList<>();
            for (int i = 0; i < group.size(); i++) {
                Set<Integer> mine = kpiPartitions(group.get(i), appId);
                double sum = mine.stream().mapToDouble(p -> perPartition.getOrDefault(String.valueOf(p), 0.0)).sum();
                Map<String, Object> inst = new LinkedHashMap<>();
                inst.put("kpi_partitions", mine);
                inst.put("kpi_round_cpu_ms", sum);
                instances.add(inst);
                System.err.printf("districts: instance %d runs KPI partitions %s: KPI stage CPU per round %.1f ms%n",
                        i, mine, sum);
            }

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
            out.put("kpi_partitions", partitions);
            out.put("instances", instances.size());
            out.put("kpi_round_cpu_ms", perPartition);
            out.put("kpi_round_cpu_ms_by_instance", instances);
            out.put("metrics_scrape_s", scrapeSecs);
            out.put("metrics_series", series);
            out.put("freshness_p99_ms", freshness.get("p99"));
            out.put("freshness_ms", freshness);
        } finally {
            group.forEach(k -> k.close(Duration.ofSeconds(30)));
            PlanLoad.publish(shipped, clients, "banan-2025.yaml"); // the shipped plan in force again
        }
        return out;
    }

    /** The KPI-stage partitions a client runs now. */
    private static Set<Integer> kpiPartitions(KafkaStreams streams, String appId) {
        return PipelineApp.activePartitions(streams, io.planpulse.base.KpiLayout.kpiInputPrefix(appId));
    }

    /** Waits until every KPI partition runs somewhere, and every client runs one if there are enough. */
    private static void awaitSpread(List<KafkaStreams> group, String appId, int partitions) throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            Set<Integer> all = new java.util.TreeSet<>();
            boolean everyOne = true;
            for (KafkaStreams k : group) {
                Set<Integer> mine = kpiPartitions(k, appId);
                all.addAll(mine);
                everyOne &= !mine.isEmpty() || group.size() > partitions;
            }
            if (all.size() == partitions && everyOne) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("districts: the KPI partitions were not spread over the instances in 2 minutes");
    }

    /**
     * Each KPI partition's CPU per full round (every plan of its districts, and its contributions to the city's), over
     * three rounds after the plan load, from the timer of the instance that runs it.
     */
    private static Map<String, Double> roundCpu(List<PrometheusMeterRegistry> registries, int partitions)
            throws Exception {
        Map<Integer, Timer> timers = new java.util.TreeMap<>();
        for (int p = 0; p < partitions; p++) {
            for (PrometheusMeterRegistry r : registries) {
                Timer found = r.find("planpulse.kpi.evaluation.cpu").tag("scope", "all")
                        .tag("partition", String.valueOf(p)).timer();
                if (found != null) {
                    timers.put(p, found);
                }
            }
        }
        Map<Integer, long[]> rounds1 = new java.util.TreeMap<>();
        Map<Integer, Double> cpu1 = new java.util.TreeMap<>();
        timers.forEach((p, t) -> {
            rounds1.put(p, new long[] {t.count()});
            cpu1.put(p, t.totalTime(TimeUnit.MILLISECONDS));
        });
        long until = System.nanoTime() + 30_000_000_000L;
        while (timers.entrySet().stream().anyMatch(e -> e.getValue().count() < rounds1.get(e.getKey())[0] + 3)
                && System.nanoTime() < until) {
            Thread.sleep(100);
        }
        Map<String, Double> out = new java.util.TreeMap<>();
        timers.forEach((p, t) -> {
            long n = t.count() - rounds1.get(p)[0];
            double perRound = n > 0 ? (t.totalTime(TimeUnit.MILLISECONDS) - cpu1.get(p)) / n : Double.NaN;
            out.put(String.valueOf(p), perRound);
            System.err.printf("districts: KPI partition %d: CPU per round %.1f ms (%d rounds)%n", p, perRound, n);
        });
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
        long sent = Freshness.steadyLoad(o, clients, CitySimulation.forBench(shipped, o.districts(), 7)::live);
        Thread.sleep(2000);
        running.set(false);
        watcher.join(10_000);
        Map<String, Object> out = Freshness.summary(o, samples, sent);
        System.err.printf("districts: freshness at %,d events/s over %d districts: p50 %s ms, p99 %s ms, max %s ms%n",
                o.rate(), o.districts(), out.get("p50"), out.get("p99"), out.get("max"));
        return out;
    }
}
