package io.planpulse.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.planpulse.avro.KpiSnapshot;
import io.planpulse.broker.EmbeddedBroker;
import io.planpulse.app.Config;
import io.planpulse.app.PipelineApp;
import io.planpulse.app.PlanLoad;
import io.planpulse.app.Progress;
import io.planpulse.app.Replay;
import io.planpulse.app.TopicAdmin;
import io.planpulse.base.Topics;
import io.planpulse.plan.Plan;
import io.planpulse.plan.PlanLoader;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The life of a plan against a real broker (CONTRACT sections 2 and 3): a year's events arrive before its plan is
 * approved and loaded; versions are loaded while events flow, and nothing served (HTTP table, scrape, the KPI topic)
 * ever mixes two versions; the facts of every open year survive a wiped state directory.
 */
class PlanLifecycleIT {
    static final Clock CLOCK = Clock.fixed(OffsetDateTime.parse(Scenario.AS_OF).toInstant(), ZoneOffset.UTC);

    private static String yaml() throws Exception {
        return new String(PlanLifecycleIT.class.getResourceAsStream("/plans/test-2025.yaml").readAllBytes(),
                StandardCharsets.UTF_8);
    }

    private static Plan plan(String yaml) throws Exception {
        return PlanLoader.load("test.yaml", new StringReader(yaml));
    }

    /** The test plan plus one extra cumulative flow target, {@code extra}, so two versions differ in their targets. */
    private static Plan withExtra(String extra) throws Exception {
        return plan(yaml() + """
                  - id: %s
                    name_zh: 额外
                    name_en: Extra
                    category: logistics_trade
                    unit: trips
                    kind: cumulative_flow
                    comparator: at_least
                    target: 100
                    source: truck_departures:count
                    filter: {destination_country: LA}
                """.formatted(extra));
    }

    @Test
    void shouldCountEveryEventSentBeforeThePlanOnceThePlanIsLoaded(@TempDir Path dir) throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(null)) {
            Config a = config(broker, dir.resolve("a"));
            TopicAdmin.ensureTopics(a.clients(), 3, 1);
            try (PipelineApp app = PipelineApp.start(a, CLOCK)) {
                Replay.run(List.of(Scenario.write(dir)), a.clients(), Progress.quiet(), quiet());
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(app::hostsKpiStage);
                app.awaitReflected(Duration.ofMinutes(2));
                assertThat(app.ready()).as("no plan in force: not ready").isFalse();
                assertThat(Http.get(app.url() + "/api/kpis?year=2025").json()).isEmpty();
                assertThat(Http.get(app.url() + "/api/unplanned?year=2025").json()).extracting(n -> n.get("subject")
                        .asText()).containsExactlyInAnyOrder("p1", "p2", "p3", "p9", "gdp_growth");

                PlanLoad.publish(plan(yaml()), a.clients(), "test-2025.yaml"); // approved weeks into the year
                app.awaitReady(Duration.ofMinutes(1));
                app.awaitReflected(Duration.ofMinutes(2));
                var trucks = Http.get(app.url() + "/api/kpis/2025/trucks").json();
                assertThat(trucks.get("actual").asDouble()).isEqualTo(Scenario.TRUCKS);
                assertThat(Http.get(app.url() + "/api/kpis/2025/trucks_vn").json().path("actual").asDouble())
                        .isEqualTo(Scenario.TRUCKS_VN);
                assertThat(Http.get(app.url() + "/api/kpis/2025/cargo_value").json().path("actual").asDouble())
                        .isEqualTo(Scenario.CARGO_YI);
                assertThat(Http.get(app.url() + "/api/kpis/2025/p1").json().path("actual").asDouble())
                        .isEqualTo(Scenario.P1_YI);
                assertThat(Http.get(app.url() + "/api/kpis/2025/all_projects").json().path("actual").asDouble())
                        .isCloseTo(Scenario.P1_YI + Scenario.P2_YI + Scenario.P3_YI, within(1e-12));
                assertThat(Http.get(app.url() + "/api/unplanned?year=2025").json()).extracting(n -> n.get("subject")
                        .asText()).containsExactly("p9");
                var plans = Http.get(app.url() + "/api/plans").json();
                assertThat(plans.get(0).get("in_force").get("source").asText()).isEqualTo("test-2025.yaml");
            }
        }
    }

    @Test
    void shouldNeverServeOrPublishHalfAPlanVersionWhileVersionsAreLoadedUnderLoad(@TempDir Path dir) throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(null)) {
            Config a = config(broker, dir.resolve("a"));
            TopicAdmin.ensureTopics(a.clients(), 3, 1);
            Plan planA = withExtra("only_a");
            Plan planB = withExtra("only_b");
            PlanLoad.publish(planA, a.clients());
            try (PipelineApp app = PipelineApp.start(a, CLOCK)) {
                app.awaitReady(Duration.ofMinutes(2));
                AtomicBoolean loading = new AtomicBoolean(true);
                AtomicInteger checks = new AtomicInteger();
                List<String> mixed = java.util.Collections.synchronizedList(new ArrayList<>());
                CompletableFuture<Void> watcher = CompletableFuture.runAsync(() -> {
                    while (loading.get()) {
                        try {
                            Set<String> versions = app.view().all().stream().map(KpiSnapshot::getPlanVersion)
                                    .collect(Collectors.toSet());
                            if (versions.size() > 1) {
                                mixed.add("table: " + versions);
                            }
                            String m = Http.get(app.url() + "/metrics").body();
                            if (m.contains("indicator=\"only_a\"") && m.contains("indicator=\"only_b\"")) {
                                mixed.add("scrape with both only_a and only_b");
                            }
                            checks.incrementAndGet();
                        } catch (Exception e) {
                            mixed.add(e.toString());
                        }
                    }
                });
                CompletableFuture<Replay.Result> replay = CompletableFuture.supplyAsync(() -> {
                    try {
                        return Replay.run(List.of(Scenario.write(dir)), a.clients(), Progress.quiet(), quiet());
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                for (int i = 0; i < 8; i++) {
                    PlanLoad.publish(i % 2 == 0 ? planB : planA, a.clients());
                    String expect = i % 2 == 0 ? "only_b" : "only_a";
                    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                            .until(() -> !app.view().get(2025, expect).isEmpty());
                }
                replay.get();
                app.awaitReflected(Duration.ofMinutes(2));
                loading.set(false);
                watcher.get();
                assertThat(mixed).isEmpty();
                assertThat(checks.get()).isGreaterThan(20);
                assertThat(app.view().get(2025, "only_a")).isNotEmpty();
                assertThat(app.view().get(2025, "only_b")).isEmpty();
                assertThat(Http.get(app.url() + "/api/kpis/2025/trucks").json().path("actual").asDouble())
                        .isEqualTo(Scenario.TRUCKS);
                assertThat(Http.get(app.url() + "/api/kpis/2025/only_a").json().path("actual").asDouble())
                        .isEqualTo(Scenario.TRUCKS - Scenario.TRUCKS_VN);

                // on the topic itself: every snapshot names the version it was computed from, and every version that
                // was published at all was published whole (every target of it)
                Map<String, Set<String>> idsByVersion = new HashMap<>();
                Map<String, Integer> sizeByVersion = new HashMap<>();
                TopicAdmin.readAll(a.clients(), Topics.KPI.name(), new ByteArrayDeserializer(), r -> {
                    if (r.value() == null) {
                        return;
                    }
                    try {
                        KpiSnapshot s = Topics.KPI_SNAPSHOT.decode(r.value());
                        assertThat(s.getPlanVersion()).isNotNull();
                        idsByVersion.computeIfAbsent(s.getPlanVersion(), v -> new HashSet<>()).add(s.getId());
                        sizeByVersion.put(s.getPlanVersion(), s.getPlanSize());
                    } catch (java.io.IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                assertThat(idsByVersion).hasSizeGreaterThanOrEqualTo(2);
                idsByVersion.forEach((v, ids) -> assertThat(ids).as("version %s", v).hasSize(sizeByVersion.get(v)));
            }
        }
    }

    @Test
    void shouldBringBackTheFactsOfEveryOpenYearIntoAWipedStateDirectory(@TempDir Path dir) throws Exception {
        // 2026-01-05: 2025 is still open (until the end of 10 January), 2026 has begun; each has a plan
        Clock clock = Clock.fixed(OffsetDateTime.parse("2026-01-05T12:00:00+08:00").toInstant(), ZoneOffset.UTC);
        try (EmbeddedBroker broker = EmbeddedBroker.start(null)) {
            Config a = config(broker, dir.resolve("a"));
            TopicAdmin.ensureTopics(a.clients(), 3, 1);
            PlanLoad.publish(plan(yaml()), a.clients());
            PlanLoad.publish(plan(yaml().replace("year: 2025", "year: 2026")), a.clients());
            Path events = Scenario.write(dir);
            List<String> lines = new ArrayList<>(Files.readAllLines(events));
            for (int i = 0; i < 40; i++) {
                lines.add(("{\"type\":\"truck_departure\",\"departure_id\":\"n%d\",\"route_id\":\"cq-hanoi\","
                        + "\"destination_country\":\"VN\",\"exit_port\":\"youyiguan\",\"departed_at\":\"2026-01-0%dT10:00:00+08:00\","
                        + "\"cargo_value_cny\":1000000.01,\"cargo_weight_t\":20}").formatted(i, 1 + i % 4));
            }
            lines.add("{\"type\":\"project_progress\",\"report_id\":\"late-dec\",\"project_id\":\"p2\",\"period\":\"2025-12\","
                    + "\"investment_cny\":12345678.91,\"reported_at\":\"2026-01-04T09:00:00+08:00\"}");
            Files.write(events, lines);
            String before2025;
            String before2026;
            try (PipelineApp app = PipelineApp.start(a, clock)) {
                app.awaitReady(Duration.ofMinutes(2));
                Replay.run(List.of(events), a.clients(), Progress.quiet(), quiet());
                app.awaitReflected(Duration.ofMinutes(2));
                before2025 = Http.get(app.url() + "/api/kpis?year=2025").body();
                before2026 = Http.get(app.url() + "/api/kpis?year=2026").body();
                assertThat(Http.get(app.url() + "/api/kpis/2026/trucks").json().path("actual").asDouble()).isEqualTo(40.0);
                assertThat(Http.get(app.url() + "/api/kpis/2025/p2").json().path("actual").asDouble())
                        .isCloseTo(Scenario.P2_YI + 0.1234567891, within(1e-12));
            }
            Config wiped = config(broker, dir.resolve("wiped"));
            try (PipelineApp app = PipelineApp.start(wiped, clock)) {
                app.awaitReady(Duration.ofMinutes(2));
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(app::hostsKpiStage);
                app.awaitReflected(Duration.ofMinutes(2));
                assertThat(Http.get(app.url() + "/api/kpis?year=2025").body()).isEqualTo(before2025);
                assertThat(Http.get(app.url() + "/api/kpis?year=2026").body()).isEqualTo(before2026);
                // a new version after the restore is computed from the restored facts of the whole year
                PlanLoad.publish(plan(yaml().replace("year: 2025", "year: 2026").replace("filter: {destination_country: VN}",
                        "filter: {destination_country: LA}")), a.clients());
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                        assertThat(Http.get(app.url() + "/api/kpis/2026/trucks_vn").json().path("actual").isNull())
                                .as("no truck to Laos in 2026").isTrue());
            }
        }
    }

    private static PrintStream quiet() {
        return new PrintStream(java.io.OutputStream.nullOutputStream());
    }

    private static Config config(EmbeddedBroker broker, Path state) throws Exception {
        return TestConfigs.local(broker.bootstrapServers(), state);
    }
}
