package io.planpulse.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.planpulse.broker.EmbeddedBroker;
import io.planpulse.app.Config;
import io.planpulse.app.PipelineApp;
import io.planpulse.app.PlanLoad;
import io.planpulse.app.Progress;
import io.planpulse.app.Replay;
import io.planpulse.pipeline.MutableClock;
import io.planpulse.plan.Plan;
import io.planpulse.plan.PlanLoader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, "done means": two years of facts, a target on schedule but {@code off_course}, and its early warning
 * reaching a webhook through a real Prometheus and Alertmanager.
 *
 * <p>The 2025 plan ({@code plans/early-warning-2025.yaml}) has three truck targets on the default linear schedule.
 * No plan is loaded for 2024; its trucks are kept anyway (CONTRACT section 3, "Facts outlive plans") and shape the
 * projection profile of section 5b:
 * <pre>
 *              2024 (last year)                      2025 (plan year, as of 1 July 00:00 Asia/Shanghai)
 *   to VN      150 a month Jan-Jun, 50 Jul-Dec: 1200  100 a month Jan-Jun: 600
 *   to LA      50 a month all year: 600               50 a month Jan-Jun: 300
 * </pre>
 * As of 2025-07-01T00:00+08:00 the schedule's share f(t) is 6/12 = 0.5 and last year's share p(t) is the share of
 * 2024 in by the end of June:
 * <pre>
 *   target      target  actual  completion  gap      status    p(t)             projected        proj. completion  outlook
 *   trucks_vn   1200    600     0.5         0        on_track  900/1200 = 0.75  600/0.75 = 800   800/1200 = 0.667  off_course (h = -0.333 &lt; -0.15)
 *   trucks_la    600    300     0.5         0        on_track  300/600 = 0.5    300/0.5 = 600    600/600 = 1       on_course
 *   trucks_all  1550    900     0.5806      +0.0806  on_track  1200/1800 = 2/3  900/(2/3) = 1350 1350/1550 = 0.871 at_risk (-0.15 &le; h &lt; -0.05)
 * </pre>
 * So trucks_vn is an early warning and must reach the owner's receiver as {@code PlanTargetProjectedMiss};
 * trucks_la (on schedule and on course, the control) and trucks_all (at risk, not off course) must not alert.
 *
 * <p>The pipeline runs in this JVM on an embedded broker with an as-of clock the test moves, as time would: 2024's
 * trucks are replayed on 5 January 2025, while 2024 is still open (it closes at the end of 10 January; with the clock
 * already in July they would be refused as {@code late}), then the clock moves to 1 July and 2025's trucks are
 * replayed. Prometheus and Alertmanager are started only once those figures are served, with the shipped rules and
 * routing; only their waits are cut (every {@code for:} to 0s, see {@link Tools.AlertStack}).
 */
class EarlyWarningIT {
    static final int YEAR = 2025;
    static final OffsetDateTime WHILE_2024_IS_OPEN = OffsetDateTime.parse("2025-01-05T12:00:00+08:00");
    static final OffsetDateTime AS_OF = OffsetDateTime.parse("2025-07-01T00:00:00+08:00");
    static final String OWNER = "区商务委";
    /** The receiver that the shipped Alertmanager configuration routes OWNER's target alerts to. */
    static final String RECEIVER = "commerce";

    static EmbeddedBroker broker;
    static PipelineApp app;
    static Tools.AlertStack stack;
    static String url;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        broker = EmbeddedBroker.start(null);
        Config config = config(broker, dir.resolve("state"));
        MutableClock clock = new MutableClock(WHILE_2024_IS_OPEN.toInstant());
        app = PipelineApp.start(config, clock);
        url = app.url();
        Plan plan;
        try (var in = EarlyWarningIT.class.getResourceAsStream("/plans/early-warning-2025.yaml")) {
            plan = PlanLoader.load("early-warning-2025.yaml", new InputStreamReader(in, StandardCharsets.UTF_8));
        }
        PlanLoad.publish(plan, config.clients());
        app.awaitReady(Duration.ofMinutes(2));

        // Last year's trucks arrive while last year is still open.
        List<String> lastYear = new ArrayList<>();
        for (int m = 1; m <= 12; m++) {
            trucks(lastYear, 2024, m, "VN", m <= 6 ? 150 : 50);
            trucks(lastYear, 2024, m, "LA", 50);
        }
        Replay.Result r2024 = Replay.run(List.of(write(dir.resolve("trucks-2024.jsonl"), lastYear)), config.clients(),
                Progress.quiet(), quiet());
        assertThat(r2024.sent()).isEqualTo(1800);
        assertThat(r2024.badLines()).isZero();
        app.awaitReflected(Duration.ofMinutes(2));

        // Half a year later: this year's trucks on the linear schedule.
        clock.set(AS_OF.toInstant());
        List<String> thisYear = new ArrayList<>();
        for (int m = 1; m <= 6; m++) {
            trucks(thisYear, YEAR, m, "VN", 100);
            trucks(thisYear, YEAR, m, "LA", 50);
        }
        Replay.Result r2025 = Replay.run(List.of(write(dir.resolve("trucks-2025.jsonl"), thisYear)), config.clients(),
                Progress.quiet(), quiet());
        assertThat(r2025.sent()).isEqualTo(900);
        assertThat(r2025.badLines()).isZero();
        app.awaitReflected(Duration.ofMinutes(2));

        Path ops = Files.createDirectories(dir.resolve("ops"));
        stack = Tools.AlertStack.start(ops, URI.create(url).getAuthority());
    }

    @AfterAll
    static void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
        if (app != null) {
            app.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void keepsLastYearsFactsWithoutAPlanAndRejectsNothing() throws Exception {
        String metrics = Tools.get(url + "/metrics").body();
        for (String line : metrics.split("\n")) {
            if (line.startsWith("planpulse_events_rejected_total{")) {
                assertThat(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).as(line).isZero();
            }
        }
        assertThat(metric(metrics, "planpulse_events_total", "stream=\"truck_departure\"")).isEqualTo(2700.0);
        JsonNode plans = json(url + "/api/plans");
        assertThat(plans).as("a plan for %d only", YEAR).hasSize(1);
        assertThat(plans.get(0).get("year").asInt()).isEqualTo(YEAR);
    }

    @Test
    void servesTheEarlyWarningOverHttp() throws Exception {
        JsonNode vn = json(url + "/api/kpis/" + YEAR + "/trucks_vn");
        assertThat(vn.get("actual").asDouble()).isEqualTo(600.0);
        assertThat(vn.get("target").asDouble()).isEqualTo(1200.0);
        assertThat(vn.get("completion").asDouble()).isCloseTo(0.5, within(1e-12));
        assertThat(vn.get("expected").asDouble()).as("f(t) at the end of June, linear").isCloseTo(0.5, within(1e-12));
        assertThat(vn.get("gap").asDouble()).isCloseTo(0.0, within(1e-12));
        assertThat(vn.get("status").asText()).isEqualTo("on_track");
        assertThat(vn.get("projected").asDouble()).as("600 / p(t), p(t) = 900/1200 of 2024 by the end of June")
                .isCloseTo(800.0, within(1e-9));
        assertThat(vn.get("projected_completion").asDouble()).isCloseTo(800.0 / 1200.0, within(1e-12));
        assertThat(vn.get("outlook").asText()).isEqualTo("off_course");
        assertThat(vn.get("owner").asText()).isEqualTo(OWNER);
        for (int m = 0; m < 12; m++) {
            JsonNode month = vn.get("months").get(m);
            assertThat(month.get("month").asText()).isEqualTo("%d-%02d".formatted(YEAR, m + 1));
            if (m < 6) {
                assertThat(month.get("value").asDouble()).isEqualTo(100.0);
                assertThat(month.get("cumulative").asDouble()).isEqualTo(100.0 * (m + 1));
            } else {
                assertThat(month.get("value").isNull()).as(month.toString()).isTrue();
            }
        }

        JsonNode la = json(url + "/api/kpis/" + YEAR + "/trucks_la");
        assertThat(la.get("actual").asDouble()).isEqualTo(300.0);
        assertThat(la.get("status").asText()).isEqualTo("on_track");
        assertThat(la.get("projected").asDouble()).as("300 / p(t), p(t) = 300/600").isCloseTo(600.0, within(1e-9));
        assertThat(la.get("projected_completion").asDouble()).isCloseTo(1.0, within(1e-12));
        assertThat(la.get("outlook").asText()).isEqualTo("on_course");

        JsonNode all = json(url + "/api/kpis/" + YEAR + "/trucks_all");
        assertThat(all.get("actual").asDouble()).isEqualTo(900.0);
        assertThat(all.get("completion").asDouble()).isCloseTo(900.0 / 1550.0, within(1e-12));
        assertThat(all.get("gap").asDouble()).isCloseTo(900.0 / 1550.0 - 0.5, within(1e-12));
        assertThat(all.get("status").asText()).isEqualTo("on_track");
        assertThat(all.get("projected").asDouble()).as("900 / p(t), p(t) = 1200/1800").isCloseTo(1350.0, within(1e-9));
        assertThat(all.get("projected_completion").asDouble()).isCloseTo(1350.0 / 1550.0, within(1e-12));
        assertThat(all.get("outlook").asText()).isEqualTo("at_risk");

        // Worst projected completion first; only the off-course target on schedule is an early warning.
        JsonNode outlook = json(url + "/api/outlook?year=" + YEAR);
        assertThat(outlook).hasSize(2);
        assertThat(outlook.get(0).get("id").asText()).isEqualTo("trucks_vn");
        assertThat(outlook.get(0).get("outlook").asText()).isEqualTo("off_course");
        assertThat(outlook.get(0).get("early_warning").asBoolean()).isTrue();
        assertThat(outlook.get(1).get("id").asText()).isEqualTo("trucks_all");
        assertThat(outlook.get(1).get("outlook").asText()).isEqualTo("at_risk");
        assertThat(outlook.get(1).get("early_warning").asBoolean()).isFalse();

        JsonNode offCourse = json(url + "/api/kpis?year=" + YEAR + "&outlook=off_course");
        assertThat(offCourse).hasSize(1);
        assertThat(offCourse.get(0).get("id").asText()).isEqualTo("trucks_vn");
        assertThat(json(url + "/api/lagging?year=" + YEAR)).as("nothing lags its schedule").isEmpty();
    }

    @Test
    void exportsTheProjectionAndOutlookToPrometheus() throws Exception {
        String metrics = Tools.get(url + "/metrics").body();
        String vn = "indicator=\"trucks_vn\"";
        assertThat(metric(metrics, "planpulse_kpi_outlook", vn, "outlook=\"off_course\"")).isEqualTo(1.0);
        assertThat(metric(metrics, "planpulse_kpi_outlook", vn, "outlook=\"at_risk\"")).isEqualTo(0.0);
        assertThat(metric(metrics, "planpulse_kpi_outlook", vn, "outlook=\"on_course\"")).isEqualTo(0.0);
        assertThat(metric(metrics, "planpulse_kpi_status", vn, "status=\"on_track\"")).isEqualTo(1.0);
        assertThat(metric(metrics, "planpulse_kpi_projected", vn, "unit=\"trips\"", "year=\"2025\"")).isCloseTo(800.0, within(1e-9));
        assertThat(metric(metrics, "planpulse_kpi_projected_completion_ratio", vn)).isCloseTo(800.0 / 1200.0, within(1e-12));
        assertThat(metric(metrics, "planpulse_kpi_info", vn, "owner=\"" + OWNER + "\"")).isEqualTo(1.0);

        String la = "indicator=\"trucks_la\"";
        assertThat(metric(metrics, "planpulse_kpi_outlook", la, "outlook=\"on_course\"")).isEqualTo(1.0);
        assertThat(metric(metrics, "planpulse_kpi_outlook", la, "outlook=\"off_course\"")).isEqualTo(0.0);
        assertThat(metric(metrics, "planpulse_kpi_projected", la)).isCloseTo(600.0, within(1e-9));
        String all = "indicator=\"trucks_all\"";
        assertThat(metric(metrics, "planpulse_kpi_outlook", all, "outlook=\"at_risk\"")).isEqualTo(1.0);
        assertThat(metric(metrics, "planpulse_kpi_projected_completion_ratio", all)).isCloseTo(1350.0 / 1550.0, within(1e-12));
    }

    @Test
    void theEarlyWarningReachesTheOwnersWebhookAndNothingElseAlerts() throws Exception {
        List<Tools.AlertStack.Delivered> miss = new ArrayList<>();
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            miss.clear();
            stack.delivered("PlanTargetProjectedMiss").stream()
                    .filter(d -> d.alert().path("labels").path("indicator").asText().equals("trucks_vn"))
                    .filter(d -> d.alert().path("status").asText().equals("firing"))
                    .forEach(miss::add);
            assertThat(miss).as("PlanTargetProjectedMiss for trucks_vn at the webhook; so far: %s", stack.notifications)
                    .isNotEmpty();
        });
        Tools.AlertStack.Delivered d = miss.get(0);
        assertThat(d.notification().path()).as("routed by owner").isEqualTo("/" + RECEIVER);
        assertThat(d.notification().body().path("receiver").asText()).isEqualTo(RECEIVER);
        JsonNode labels = d.alert().path("labels");
        assertThat(labels.path("year").asText()).isEqualTo(String.valueOf(YEAR));
        assertThat(labels.path("indicator").asText()).isEqualTo("trucks_vn");
        assertThat(labels.path("owner").asText()).isEqualTo(OWNER);
        assertThat(labels.path("severity").asText()).isEqualTo("warning");
        assertThat(labels.path("category").asText()).isEqualTo("logistics_trade");
        assertThat(labels.path("name_en").asText()).isEqualTo("Trucks to Vietnam");
        JsonNode annotations = d.alert().path("annotations");
        assertThat(Double.parseDouble(annotations.path("projected").asText())).isCloseTo(800.0, within(1e-9));
        assertThat(Double.parseDouble(annotations.path("projected_completion").asText()))
                .isCloseTo(800.0 / 1200.0, within(1e-12));
        assertThat(Double.parseDouble(annotations.path("completion").asText())).isCloseTo(0.5, within(1e-12));
        assertThat(Double.parseDouble(annotations.path("expected").asText())).isCloseTo(0.5, within(1e-12));
        assertThat(annotations.path("summary").asText())
                .isEqualTo("越南班车 (Trucks to Vietnam) in 500113 巴南区 is on schedule but heading for a miss of its 2025 "
                        + "target");
        assertThat(annotations.path("description").asText()).contains("projected year-end 800 trips")
                .contains("while today it is on_track").contains("Owner: " + OWNER);

        // Prometheus evaluated the rule over all three targets at once: only trucks_vn is firing, and it did see the
        // control on course and trucks_all at risk (so their silence is the rule's answer, not missing data).
        JsonNode firing = stack.query("ALERTS{alertname=\"PlanTargetProjectedMiss\",alertstate=\"firing\"}");
        assertThat(firing).hasSize(1);
        assertThat(firing.get(0).path("metric").path("indicator").asText()).isEqualTo("trucks_vn");
        assertThat(stack.query("planpulse_kpi_outlook{indicator=\"trucks_la\",outlook=\"on_course\"} == 1")).hasSize(1);
        assertThat(stack.query("planpulse_kpi_status{indicator=\"trucks_la\",status=\"on_track\"} == 1")).hasSize(1);
        assertThat(stack.query("planpulse_kpi_outlook{indicator=\"trucks_all\",outlook=\"at_risk\"} == 1")).hasSize(1);
        assertThat(stack.query("ALERTS{indicator=~\"trucks_la|trucks_all\"}")).as("no alert, not even pending").isEmpty();

        // And for several more evaluations and notification rounds (1 s each), nothing about them reaches the
        // webhook, and trucks_vn gets no lagging alert.
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500))
                .until(() -> stack.notifications.stream().flatMap(n -> iterable(n.body().path("alerts")).stream())
                        .noneMatch(a -> a.path("labels").path("indicator").asText().matches("trucks_la|trucks_all")
                                || a.path("labels").path("alertname").asText().matches("PlanTarget(Severely)?Lagging")));
    }

    private static List<JsonNode> iterable(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    /** Trucks leaving in month {@code m} of {@code year} (Asia/Shanghai), spread over its first 28 days. */
    private static void trucks(List<String> lines, int year, int m, String country, int n) {
        String route = country.equals("VN") ? "cq-hanoi" : "cq-vientiane";
        String port = country.equals("VN") ? "youyiguan" : "mohan";
        for (int i = 0; i < n; i++) {
            lines.add(String.format("{\"type\":\"truck_departure\",\"departure_id\":\"%d-%02d-%s-%03d\",\"route_id\":\"%s\","
                    + "\"destination_country\":\"%s\",\"exit_port\":\"%s\",\"departed_at\":\"%d-%02d-%02dT%02d:%02d:00+08:00\","
                    + "\"cargo_value_cny\":250000,\"cargo_weight_t\":18}",
                    year, m, country, i, route, country, port, year, m, 1 + i % 28, 6 + i % 14, i % 60));
        }
    }

    private static Path write(Path file, List<String> lines) throws Exception {
        Files.write(file, lines);
        return file;
    }

    private static JsonNode json(String u) throws Exception {
        var r = Tools.get(u);
        assertThat(r.statusCode()).as(u).isEqualTo(200);
        return Tools.JSON.readTree(r.body());
    }

    /** The value of the series with that name whose labels include all of {@code labels}, or null. */
    private static Double metric(String exposition, String name, String... labels) {
        for (String line : exposition.split("\n")) {
            if (!line.startsWith(name + "{")) {
                continue;
            }
            String set = line.substring(name.length(), line.lastIndexOf('}') + 1);
            boolean all = true;
            for (String l : labels) {
                all &= set.contains("{" + l + ",") || set.contains("," + l + ",") || set.contains("," + l + "}")
                        || set.contains("{" + l + "}");
            }
            if (all) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return null;
    }

    private static PrintStream quiet() {
        return new PrintStream(OutputStream.nullOutputStream());
    }

    private static Config config(EmbeddedBroker broker, Path state) throws Exception {
        return io.planpulse.it.TestConfigs.local(broker.bootstrapServers(), state);
    }
}
