package io.planpulse.bench;

import static io.planpulse.bench.StreamsRuns.ALOS;
import static io.planpulse.bench.StreamsRuns.EOS;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.AppInfoParser;

/** What the runs measured, told: the table printed on stdout, the settings they ran with, and the JSON written. */
final class Report {
    private Report() {
    }

    /** Writes the results, indented, to {@code json}. */
    static void writeJson(Path json, Map<String, Object> results) throws IOException {
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), results);
        System.err.println("wrote " + json);
    }

    /** What the runs ran with, on what: the knobs, the broker, the machine, the JVM and the versions. */
    static Map<String, Object> settings(BenchOptions o, double produceSecs) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("events", o.events());
        s.put("partitions", o.partitions());
        s.put("warmup_seconds", o.warmupSeconds());
        s.put("timed_passes", o.passes());
        s.put("num_stream_threads", o.threads());
        s.put("instances", o.instances());
        s.put("mix", "25% truck_departure, 45% trade_declaration, 30% hub_throughput (simulator proportions)");
        s.put("produce_seconds", produceSecs);
        s.put("commit_interval_ms", o.commitIntervalMs());
        s.put("streams_producer_compression", o.compression());
        s.put("streams_settings", "planpulse's (PipelineApp.streamsDefaults), Kafka's defaults otherwise");
        s.put("streams_config_overrides", o.streamsConfig());
        s.put("broker", o.bootstrap() == null ? "embedded single-node KRaft (same JVM)" : o.bootstrap());
        s.put("machine", Map.of("cpus", Runtime.getRuntime().availableProcessors(),
                "os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                "max_heap_mb", Runtime.getRuntime().maxMemory() / (1024 * 1024)));
        s.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        s.put("jvm_args", ManagementFactory.getRuntimeMXBean().getInputArguments());
        s.put("kafka", AppInfoParser.getVersion());
        s.put("planpulse", "0.1.0");
        return s;
    }

    /** The table of a full run: each run's events/s against the raw consumer's, freshness and heap. */
    @SuppressWarnings("unchecked")
    static void printTable(Map<String, Object> results, boolean embeddedBroker) {
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
                embeddedBroker ? "embedded broker included" : "bench process", results.get("peak_heap_mb"),
                results.get("peak_heap_after_gc_mb"), Runtime.getRuntime().maxMemory() / (1024 * 1024));
    }

    private static void row(String what, Map<String, Object> run, double raw) {
        double eps = (double) run.get("eps");
        System.out.printf("%-34s %,14.0f %8.2f %,16.0f %11.1f%n", what, eps, eps / raw, (double) run.get("wall_eps"),
                (double) run.get("startup_s"));
    }
}
