package io.planpulse.bench;

import static io.planpulse.bench.StreamsRuns.ALOS;
import static io.planpulse.bench.StreamsRuns.EOS;

import io.planpulse.app.PlanLoad;
import io.planpulse.app.Trees;
import io.planpulse.bench.StreamsRuns.Timed;
import io.planpulse.broker.EmbeddedBroker;
import io.planpulse.plan.Plan;
import io.planpulse.plan.PlanLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Throughput and freshness, measured in one run on the same records: a raw consumer that reads and decodes
 * everything (the limit of this machine), a bare Kafka Streams {@code groupByKey().count()}, and the full planpulse
 * pipeline, each under at_least_once and exactly_once_v2; then a steady load at a fixed rate through the pipeline
 * with exactly_once_v2, timing each event from its Kafka timestamp to the KPI update that reflects it. This class
 * makes the runs in order and collects their results; each run is measured by its own class.
 */
public final class Bench {
    private static final Instant AS_OF = Instant.parse("2025-12-01T00:00:00Z");

    private final BenchOptions o;
    private final Map<String, Object> results = new LinkedHashMap<>();

    private Bench(BenchOptions o) {
        this.o = o;
    }

    /**
     * Makes the runs of {@code o} in this JVM, on an embedded broker unless {@code o} names a cluster: prints the
     * table of a full run on stdout, its progress on stderr, and writes the results to {@code o.json()} if set.
     * Returns the exit code (0).
     */
    public static int run(BenchOptions o) throws Exception {
        return new Bench(o).run();
    }

    private int run() throws Exception {
        Path work = Files.createTempDirectory("planpulse-bench");
        EmbeddedBroker broker = o.bootstrap() == null ? EmbeddedBroker.start(null) : null;
        String servers = o.bootstrap() != null ? o.bootstrap() : broker.bootstrapServers();
        Heap heap = new Heap().watch();
        try {
            Map<String, Object> clients = Map.of("bootstrap.servers", servers);
            Load.createTopics(clients, o.partitions());
            Plan plan = PlanLoader.loadDefault();
            PlanLoad.publish(plan, clients);
            StreamsRuns streams = new StreamsRuns(o, work);

            long t0 = System.nanoTime();
            Load.produce(clients, plan, o.events());
            double produceSecs = (System.nanoTime() - t0) / 1e9;
            System.err.printf("produced %,d events in %.1f s%n", o.events(), produceSecs);

            Input avro = Input.fromStart(clients);
            RawConsumer rawConsumer = new RawConsumer(o.events());
            double raw = o.has("raw") ? raw(rawConsumer.fastest(avro, RawConsumer.PLANPULSE, "raw consumer"),
                    "raw_consumer_passes_eps") : Double.NaN;
            results.put("raw_consumer_eps", raw);
            double rawAvro = o.has("raw") ? raw(rawConsumer.fastest(avro, RawConsumer.AVRO,
                    "raw consumer, Avro's generic decoder"), "raw_consumer_avro_passes_eps") : Double.NaN;
            results.put("raw_consumer_avro_eps", rawAvro);
            Map<String, Timed> bare = new LinkedHashMap<>();
            Map<String, Timed> pipeline = new LinkedHashMap<>();
            for (String guarantee : List.of(ALOS, EOS)) {
                String g = StreamsRuns.shortName(guarantee);
                if (o.has("bare-" + g)) {
                    bare.put(guarantee, timed(streams.run(avro, guarantee, StreamsRuns::bareCount),
                            "bare count " + guarantee));
                }
                if (o.has("pipeline-" + g)) {
                    pipeline.put(guarantee, timed(streams.run(avro, guarantee, () -> StreamsRuns.pipeline(AS_OF)),
                            "pipeline " + guarantee));
                }
            }
            putRuns("bare_count", bare); // a partial run's JSON has what it ran, too
            putRuns("pipeline", pipeline);
            // ---- JSON values: the same events again, as JSON, read from where they start ----
            double rawJson = Double.NaN;
            Map<String, Timed> pipelineJson = new LinkedHashMap<>();
            if (o.has("raw-json") || o.has("pipeline-json-alos") || o.has("pipeline-json-eos")) {
                Input json = avro.fromEnd();
                t0 = System.nanoTime();
                Load.produceJson(clients, plan, o.events());
                System.err.printf("produced the same %,d events as JSON in %.1f s%n", o.events(),
                        (System.nanoTime() - t0) / 1e9);
                if (o.has("raw-json")) {
                    rawJson = raw(rawConsumer.fastest(json, RawConsumer.BY_CONTENT_TYPE, "raw consumer, JSON values"),
                            "raw_consumer_json_passes_eps");
                    results.put("raw_consumer_json_eps", rawJson);
                }
                for (String guarantee : List.of(ALOS, EOS)) {
                    if (o.has("pipeline-json-" + StreamsRuns.shortName(guarantee))) {
                        pipelineJson.put(guarantee, timed(streams.run(json, guarantee,
                                () -> StreamsRuns.pipeline(AS_OF)), "pipeline " + guarantee + ", JSON values"));
                    }
                }
                putRuns("pipeline_json", pipelineJson);
            }
            if (!o.runs().containsAll(BenchOptions.STANDARD_RUNS)) {
                if (o.has("plan-scale")) {
                    results.put("plan_scale", PlanScale.measure(o, streams, clients, plan, AS_OF));
                }
                if (o.has("districts")) {
                    results.put("districts", DistrictScale.measure(o, streams, clients, plan, AS_OF));
                }
                if (o.json() != null) { // a partial run: its figures, without the table
                    Report.writeJson(o.json(), results);
                }
                return 0;
            }
            results.put("freshness_ms", Freshness.measure(o, streams, clients, plan, AS_OF));
            if (o.has("plan-scale")) { // last: it adds project reports and loads a big plan
                results.put("plan_scale", PlanScale.measure(o, streams, clients, plan, AS_OF));
            }
            if (o.has("districts")) { // after it: every district's plan and the city's loaded at once
                results.put("districts", DistrictScale.measure(o, streams, clients, plan, AS_OF));
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
            pipelineJson.forEach((g, t) -> jsonRatios.put("pipeline_json_" + StreamsRuns.shortName(g) + "_vs_avro",
                    t.eps() / pipeline.get(g).eps()));
            results.put("json_ratios", jsonRatios);
            heap.stop();
            results.put("peak_heap_mb", heap.peakMb());
            results.put("peak_heap_after_gc_mb", heap.peakLiveMb());
            results.put("settings", Report.settings(o, produceSecs));
            Report.printTable(results, o.bootstrap() == null);
            if (o.json() != null) {
                Report.writeJson(o.json(), results);
            }
        } finally {
            heap.stop();
            if (broker != null) {
                broker.close();
            }
            Trees.deleteTree(work);
        }
        return 0;
    }

    /** Keeps a raw consumer's passes under {@code passesKey}; its rate. */
    private double raw(RawConsumer.Rate rate, String passesKey) {
        results.put(passesKey, rate.passes());
        return rate.eps();
    }

    /** Reports a Streams run on stderr as {@code what}; the run. */
    private static Timed timed(Timed t, String what) {
        t.report(what);
        return t;
    }

    /** The runs of a kind, if any: each guarantee's rate under {@code <kind>_eps}, and its figures under {@code <kind>_runs}. */
    private void putRuns(String kind, Map<String, Timed> runs) {
        if (!runs.isEmpty()) {
            results.put(kind + "_eps", byGuarantee(runs, Timed::eps));
            results.put(kind + "_runs", byGuarantee(runs, Timed::json));
        }
    }

    /** Each guarantee's run, as {@code part} of it. */
    private static <T> Map<String, T> byGuarantee(Map<String, Timed> runs, Function<Timed, T> part) {
        Map<String, T> out = new LinkedHashMap<>();
        runs.forEach((g, t) -> out.put(g, part.apply(t)));
        return out;
    }
}
