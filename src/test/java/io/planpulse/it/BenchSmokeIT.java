package io.planpulse.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keeps {@code bench} working: a tiny run of the shipped jar writes every figure CONTRACT §7 names. */
class BenchSmokeIT {

    @Test
    void shouldPrintTheTableAndWriteTheJsonOfTheContract(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("bench.json");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-jar", "target/planpulse.jar", "bench", "--heap", "640m", "--events", "3000", "--warmup-seconds", "0", "--passes", "1",
                "--freshness-seconds", "2", "--rate", "200", "--plan-targets", "300", "--districts", "3", "--json", json.toString()).redirectError(dir.resolve("bench.err").toFile()).start();
        String table = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(table).isZero();
        assertThat(table).contains("raw consumer (read + decode)").contains("planpulse pipeline exactly_once_v2")
                .contains("freshness at 200 events/s");
        JsonNode r = Http.JSON.readTree(json.toFile());
        assertThat(r.get("raw_consumer_eps").asDouble()).isPositive();
        for (String g : new String[] {"at_least_once", "exactly_once_v2"}) {
            assertThat(r.get("bare_count_eps").get(g).asDouble()).isPositive();
            assertThat(r.get("pipeline_eps").get(g).asDouble()).isPositive();
        }
        for (String q : new String[] {"p50", "p99", "max"}) {
            assertThat(r.get("freshness_ms").get(q).isNumber()).as(q).isTrue();
        }
        assertThat(r.get("freshness_ms").get("rate_eps").asInt()).isEqualTo(200);
        assertThat(r.get("settings").get("events").asLong()).isEqualTo(3000);
        assertThat(r.get("settings").get("kafka").asText()).isEqualTo("4.3.1");
        assertThat(r.get("raw_consumer_passes_eps")).hasSize(3);
        assertThat(r.get("raw_consumer_avro_eps").asDouble()).isPositive();
        assertThat(r.get("raw_consumer_avro_passes_eps")).hasSize(3);
        assertThat(table).contains("same, Avro's generic decoder");
        // the same events as JSON values, beside the Avro runs
        assertThat(r.get("raw_consumer_json_eps").asDouble()).isPositive();
        assertThat(r.get("raw_consumer_json_passes_eps")).hasSize(3);
        for (String g : new String[] {"at_least_once", "exactly_once_v2"}) {
            assertThat(r.get("pipeline_json_eps").get(g).asDouble()).isPositive();
        }
        assertThat(r.get("json_ratios").get("pipeline_json_eos_vs_avro").asDouble()).isPositive();
        assertThat(table).contains("same, JSON values");
        // a plan of 300 targets loaded over the facts: every KPI of the new version on planpulse.kpi, and the CPU
        JsonNode scale = r.get("plan_scale");
        assertThat(scale.get("targets").asInt()).isEqualTo(300);
        assertThat(scale.get("plan_load_to_all_kpis_s").asDouble()).isPositive();
        assertThat(scale.get("apply_rounds_cpu_ms").asDouble()).isPositive();
        // three districts' plans and the city's loaded at once: every KPI on planpulse.kpi, one scrape of them all
        JsonNode districts = r.get("districts");
        assertThat(districts.get("districts").asInt()).isEqualTo(3);
        assertThat(districts.get("targets").asInt()).isGreaterThan(3 * 260);
        assertThat(districts.get("plan_load_to_all_kpis_s").asDouble()).isPositive();
        assertThat(districts.get("metrics_series").asLong()).isGreaterThan(3 * 260 * 10);
        assertThat(districts.get("metrics_scrape_s").asDouble()).isPositive();
        assertThat(districts.get("freshness_p99_ms").isNumber()).as("freshness over the districts").isTrue();
        assertThat(districts.get("freshness_ms").get("rate_eps").asInt()).isEqualTo(200);
        JsonNode eos = r.get("pipeline_runs").get("exactly_once_v2");
        assertThat(eos.get("eps").asDouble()).isEqualTo(r.get("pipeline_eps").get("exactly_once_v2").asDouble());
        assertThat(eos.get("startup_s").asDouble()).isPositive();
        assertThat(eos.get("wall_eps").asDouble()).isLessThan(eos.get("eps").asDouble());
        assertThat(eos.get("stream_threads_cpu_us_per_event").asDouble()).isPositive();
        assertThat(r.get("peak_heap_after_gc_mb").asLong()).isPositive();
        // the runs happened in a forked JVM with the fixed, pre-touched heap of --heap
        assertThat(r.get("settings").get("jvm_args").toString()).contains("-Xms640m", "-Xmx640m", "-XX:+AlwaysPreTouch");
        assertThat(r.get("settings").get("machine").get("max_heap_mb").asLong()).isBetween(600L, 640L);
    }
}
