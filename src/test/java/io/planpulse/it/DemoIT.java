package io.planpulse.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped jar's {@code demo}, as a user runs it, with a small plan and a replay: the first answers after the
 * "ready" line already reflect every replayed record, through /api and /metrics.
 */
class DemoIT {
    static Process demo;
    static String url;
    static final List<String> stderr = new ArrayList<>();

    @BeforeAll
    static void startDemo(@TempDir Path dir) throws Exception {
        Path plan = dir.resolve("plan.yaml");
        try (var in = DemoIT.class.getResourceAsStream("/plans/test-2025.yaml")) {
            Files.copy(in, plan);
        }
        Path events = Scenario.write(dir);
        demo = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx768m", "-jar", "target/planpulse.jar", "demo", "--plan", plan.toString(), "--replay",
                events.toString(), "--as-of", Scenario.AS_OF, "--no-simulate", "--http-port", "0", "--quiet").start();
        CompletableFuture.runAsync(() -> new BufferedReader(new InputStreamReader(demo.getErrorStream(),
                StandardCharsets.UTF_8)).lines().forEach(l -> {
                    synchronized (stderr) {
                        stderr.add(l);
                    }
                }));
        BufferedReader out = new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8));
        String line = CompletableFuture.supplyAsync(() -> {
            try {
                String l;
                while ((l = out.readLine()) != null) {
                    if (l.startsWith("ready ")) {
                        return l;
                    }
                }
                return null;
            } catch (java.io.IOException e) {
                return null;
            }
        }).get(4, TimeUnit.MINUTES);
        assertThat(line).as("ready line; stderr: %s", stderr).isNotNull().matches("ready http://127\\.0\\.0\\.1:\\d+");
        url = line.substring("ready ".length());
    }

    @AfterAll
    static void stopDemo() throws Exception {
        if (demo != null) {
            demo.destroy();
            assertThat(demo.waitFor(60, TimeUnit.SECONDS)).as("demo stops on SIGTERM").isTrue();
        }
    }

    @Test
    void shouldKeepStderrToPlanpulsesOwnLinesWithoutWarningsOfKafkaInternals() {
        synchronized (stderr) {
            assertThat(stderr).as("demo's stderr").isNotEmpty()
                    .noneMatch(l -> l.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} (WARN|ERROR) .*"))
                    .noneMatch(l -> l.startsWith("Bootstrap metadata") || l.startsWith("Formatting metadata directory"))
                    .noneMatch(l -> l.startsWith("SLF4J"));
        }
    }

    @Test
    void shouldServeKpisThatReflectTheWholeReplayAsSoonAsItIsReady() throws Exception {
        JsonNode trucks = Http.get(url + "/api/kpis/2025/trucks").json();
        assertThat(trucks.get("actual").asDouble()).isEqualTo(Scenario.TRUCKS);
        assertThat(trucks.get("completion").asDouble()).isEqualTo(Scenario.TRUCKS / 1200.0);
        assertThat(trucks.get("months").get(1).get("month").asText()).isEqualTo("2025-02");
        assertThat(Http.get(url + "/api/kpis/2025/trucks_vn").json().path("actual").asDouble()).isEqualTo(Scenario.TRUCKS_VN);
        assertThat(Http.get(url + "/api/kpis/2025/cargo_value").json().path("actual").asDouble()).isEqualTo(Scenario.CARGO_YI);
        JsonNode p1 = Http.get(url + "/api/kpis/2025/p1").json();
        assertThat(p1.get("actual").asDouble()).isEqualTo(Scenario.P1_YI);
        assertThat(p1.get("data_through").asText()).isEqualTo("2025-02");
        JsonNode all = Http.get(url + "/api/kpis/2025/all_projects").json();
        assertThat(all.get("actual").asDouble()).isCloseTo(Scenario.P1_YI + Scenario.P2_YI + Scenario.P3_YI, within(1e-12));
        assertThat(all.get("children").toString()).isEqualTo("[\"gov_projects\",\"p3\"]");
        assertThat(Http.get(url + "/api/kpis/2025/gdp_growth").json().path("status").asText()).isEqualTo("on_track");
    }

    @Test
    void shouldListFilterAndRankKpis() throws Exception {
        JsonNode list = Http.get(url + "/api/kpis?year=2025").json();
        assertThat(list.size()).isEqualTo(11);
        assertThat(list.get(0).fieldNames()).toIterable().containsExactly("district", "district_name", "id", "year",
                "name_zh", "name_en", "category", "unit", "kind", "comparator", "target", "actual", "completion", "expected", "gap", "status", "overdue",
                "parent", "owner", "data_through", "projected", "projected_completion", "outlook", "updated_at");
        JsonNode logistics = Http.get(url + "/api/kpis?year=2025&category=logistics_trade").json();
        assertThat(logistics.size()).isEqualTo(5);
        JsonNode noData = Http.get(url + "/api/kpis?year=2025&status=no_data").json();
        assertThat(noData).extracting(n -> n.get("id").asText()).containsExactlyInAnyOrder("hub_tonnes", "trade_value");
        JsonNode lagging = Http.get(url + "/api/lagging?year=2025").json();
        List<Double> gaps = new ArrayList<>();
        lagging.forEach(n -> {
            assertThat(n.get("status").asText().contains("lagging") || n.get("overdue").asBoolean()).isTrue();
            if (!n.get("gap").isNull()) {
                gaps.add(n.get("gap").asDouble());
            }
        });
        assertThat(gaps).isSorted();
        assertThat(Http.get(url + "/api/kpis/2025/nope").status()).isEqualTo(404);
        assertThat(Http.get(url + "/api/kpis?year=twenty").status()).isEqualTo(400);
        assertThat(Http.get(url + "/api/kpis?year=2025&status=meh").status()).isEqualTo(400);
        assertThat(Http.post(url + "/api/kpis").status()).isEqualTo(405);
        assertThat(Http.get(url + "/health").status()).isEqualTo(200);
        assertThat(Http.get(url + "/ready").status()).isEqualTo(200);
    }

    @Test
    void shouldExposeTheSameFiguresAndThePipelineCountersOnMetrics() throws Exception {
        String m = Http.get(url + "/metrics").body();
        String trucks = "indicator=\"trucks\"";
        assertThat(Http.metric(m, "planpulse_kpi_actual", trucks, "unit=\"trips\"", "year=\"2025\"",
                "category=\"logistics_trade\"", "kind=\"cumulative_flow\"")).isEqualTo(300.0);
        assertThat(Http.metric(m, "planpulse_kpi_target", trucks)).isEqualTo(1200.0);
        assertThat(Http.metric(m, "planpulse_kpi_completion_ratio", trucks)).isEqualTo(0.25);
        assertThat(Http.metric(m, "planpulse_kpi_status", trucks, "status=\"" + Http.get(url + "/api/kpis/2025/trucks")
                .json().path("status").asText() + "\"")).isEqualTo(1.0);
        assertThat(Http.metric(m, "planpulse_kpi_overdue", "indicator=\"p1\"")).isEqualTo(0.0);
        assertThat(Http.metric(m, "planpulse_events_total", "stream=\"truck_departure\"")).isEqualTo(311.0);
        assertThat(Http.metric(m, "planpulse_events_duplicate_total", "stream=\"truck_departure\"")).isEqualTo(10.0);
        assertThat(Http.metric(m, "planpulse_events_duplicate_total", "stream=\"project_progress\"")).isEqualTo(1.0);
        assertThat(Http.metric(m, "planpulse_events_rejected_total", "stream=\"project_progress\"",
                "reason=\"negative_amount\"")).isEqualTo(1.0);
        assertThat(m).doesNotContain("reason=\"unknown_id\"");
        assertThat(Http.metric(m, "planpulse_unplanned_subjects", "year=\"2025\"", "stream=\"project_progress\""))
                .as("p9, which no target names").isEqualTo(1.0);
        assertThat(Http.metric(m, "planpulse_unplanned_subjects", "year=\"2025\"", "stream=\"indicator_report\""))
                .isEqualTo(0.0);
        JsonNode unplanned = Http.get(url + "/api/unplanned?year=2025").json();
        assertThat(unplanned).hasSize(1);
        assertThat(unplanned.get(0).get("subject").asText()).isEqualTo("p9");
        assertThat(unplanned.get(0).get("stream").asText()).isEqualTo("project_progress");
        assertThat(unplanned.get(0).get("reports").asLong()).isEqualTo(1);
        assertThat(unplanned.get(0).get("last_period").asText()).isEqualTo("2025-02");
        JsonNode plans = Http.get(url + "/api/plans").json();
        assertThat(plans).hasSize(1);
        assertThat(plans.get(0).get("year").asInt()).isEqualTo(2025);
        assertThat(plans.get(0).get("in_force").get("targets").asInt()).isEqualTo(11);
        assertThat(plans.get(0).get("in_force").get("source").asText()).as("the file the demo loaded").isEqualTo("plan.yaml");
        assertThat(plans.get(0).get("last_refused").isNull()).isTrue();
        assertThat(Http.metric(m, "planpulse_events_rejected_total", "stream=\"truck_departure\"",
                "reason=\"missing_field\"")).isEqualTo(1.0);
        assertThat(Http.metric(m, "planpulse_processing_latency_seconds_count")).isGreaterThan(0.0);
        assertThat(m).contains("kafka_stream_").contains("jvm_memory_used_bytes");
        synchronized (stderr) {
            assertThat(stderr).anySatisfy(l -> assertThat(l).matches(".*events\\.jsonl:\\d+: missing required field \"departed_at\""));
            assertThat(stderr).anySatisfy(l -> assertThat(l).matches(".*events\\.jsonl:\\d+: not valid JSON.*"));
        }
    }
}
