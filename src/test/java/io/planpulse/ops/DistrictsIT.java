package io.planpulse.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19, item 6: boards and alerts for many districts, with the real parts. A scrape target serves the KPI series
 * of two districts' plans and the city's own (500000, CONTRACT §1b and §6), all three with the same target ids and
 * each with its own figures; Debian's Prometheus evaluates the shipped rules on them and Debian's Alertmanager routes
 * the alerts with the shipped configuration (waits cut, see {@link Tools.AlertStack}) to a local webhook, one path
 * per receiver. Each district's alerts must reach that district's receivers and no other's, with their own figures,
 * and one district's alert must not inhibit another's; every board query must run on these series for all districts
 * and for each one alone, and the city overview must give each district its own row.
 */
class DistrictsIT {
    static final String YEAR = "2025";
    static final String TRUCKS = "cross_border_truck_departures";
    static final String ROLLUP = "gov_key_projects_annual_investment";
    static final String PROJECT = "kp_gov_001";
    static final List<String> STATUSES = List.of("no_data", "ahead", "on_track", "lagging", "severely_lagging", "completed",
            "missed");
    static final List<String> OUTLOOKS = List.of("on_course", "at_risk", "off_course");

    /** One target of one district's plan, as planpulse's /metrics shows it. */
    record Target(String district, String districtName, String id, String category, String unit, String owner,
            String parent, String status, String outlook, double completion, double expected, double actual,
            double target, boolean overdue) {
        String labels() {
            return "district=\"%s\",year=\"%s\",indicator=\"%s\",category=\"%s\",kind=\"cumulative_flow\"".formatted(
                    district, YEAR, id, category);
        }
    }

    static final List<Target> TARGETS = List.of(
            // 巴南区: the trucks lag (commerce hears of it); the key-project rollup is on schedule but heading for a
            // miss (an early warning, for development and reform).
            new Target("500113", "巴南区", TRUCKS, "logistics_trade", "trips", "区商务委", "", "lagging", "at_risk",
                    0.30, 0.40, 300, 1000, false),
            new Target("500113", "巴南区", ROLLUP, "investment_projects", "CNY_100M", "区发展改革委", "", "on_track",
                    "off_course", 0.30, 0.32, 3, 10, false),
            new Target("500113", "巴南区", PROJECT, "investment_projects", "CNY_100M", "区发展改革委", ROLLUP, "on_track",
                    "on_course", 0.30, 0.32, 3, 10, false),
            // 渝北区: the same ids; the trucks (owned by a department of the same name as Banan's) and the project lag.
            new Target("500112", "渝北区", TRUCKS, "logistics_trade", "trips", "区商务委", "", "lagging", "on_course",
                    0.50, 0.58, 500, 1000, false),
            new Target("500112", "渝北区", ROLLUP, "investment_projects", "CNY_100M", "区发展改革委", "", "on_track",
                    "on_course", 0.60, 0.62, 6, 10, false),
            new Target("500112", "渝北区", PROJECT, "investment_projects", "CNY_100M", "区发展改革委", ROLLUP, "lagging",
                    "at_risk", 0.60, 0.70, 6, 10, false),
            // 重庆市, the city's own plan: the trucks lag severely (the same id as the districts' lagging ones, which it
            // must not inhibit), and the project's report is overdue.
            new Target("500000", "重庆市", TRUCKS, "logistics_trade", "trips", "市商务委", "", "severely_lagging",
                    "off_course", 0.20, 0.40, 2000, 10000, false),
            new Target("500000", "重庆市", ROLLUP, "investment_projects", "CNY_100M", "市发展改革委", "", "on_track",
                    "on_course", 0.45, 0.45, 9, 20, false),
            new Target("500000", "重庆市", PROJECT, "investment_projects", "CNY_100M", "市发展改革委", ROLLUP, "on_track",
                    "on_course", 0.45, 0.45, 9, 20, true));

    /** The alerts these series raise and the one webhook path (receiver) each must reach. */
    static final Map<String, String> EXPECTED = Map.of(
            "PlanTargetLagging 500113 " + TRUCKS, "/commerce",
            "PlanTargetLagging 500112 " + TRUCKS, "/yubei-plan-office",
            "PlanTargetLagging 500112 " + PROJECT, "/yubei-plan-office",
            "PlanTargetSeverelyLagging 500000 " + TRUCKS, "/city-plan-office",
            "PlanReportOverdue 500000 " + PROJECT, "/city-plan-office",
            "PlanTargetProjectedMiss 500113 " + ROLLUP, "/development-reform");

    static HttpServer planpulse;
    static Tools.AlertStack stack;

    static String metrics() {
        Map<String, List<String>> byName = new LinkedHashMap<>();
        for (Target t : TARGETS) {
            String l = t.labels();
            String unit = l + ",unit=\"" + t.unit() + "\"";
            double projected = t.actual() / t.expected();
            add(byName, "planpulse_kpi_info", l + ",district_name=\"%s\",unit=\"%s\",owner=\"%s\",name_zh=\"%s\",name_en=\"%s\",parent=\"%s\",comparator=\"at_least\""
                    .formatted(t.districtName(), t.unit(), t.owner(), t.id() + "（" + t.districtName() + "）", t.id(), t.parent()), 1);
            for (String s : STATUSES) {
                add(byName, "planpulse_kpi_status", l + ",status=\"" + s + "\"", s.equals(t.status()) ? 1 : 0);
            }
            for (String o : OUTLOOKS) {
                add(byName, "planpulse_kpi_outlook", l + ",outlook=\"" + o + "\"", o.equals(t.outlook()) ? 1 : 0);
            }
            add(byName, "planpulse_kpi_completion_ratio", l, t.completion());
            add(byName, "planpulse_kpi_expected_ratio", l, t.expected());
            add(byName, "planpulse_kpi_gap_ratio", l, t.completion() - t.expected());
            add(byName, "planpulse_kpi_overdue", l, t.overdue() ? 1 : 0);
            add(byName, "planpulse_kpi_actual", unit, t.actual());
            add(byName, "planpulse_kpi_target", unit, t.target());
            add(byName, "planpulse_kpi_baseline", unit, t.target() * 0.9);
            add(byName, "planpulse_kpi_projected", unit, projected);
            add(byName, "planpulse_kpi_projected_completion_ratio", l, projected / t.target());
        }
        for (String d : List.of("500113", "500112", "500000")) {
            add(byName, "planpulse_unplanned_subjects", "district=\"%s\",year=\"%s\",stream=\"project_progress\"".formatted(d, YEAR), 0);
        }
        StringBuilder out = new StringBuilder();
        byName.forEach((name, lines) -> {
            out.append("# TYPE ").append(name).append(" gauge\n");
            lines.forEach(line -> out.append(line).append('\n'));
        });
        return out.toString();
    }

    static void add(Map<String, List<String>> byName, String name, String labels, double value) {
        byName.computeIfAbsent(name, n -> new ArrayList<>()).add(name + "{" + labels + "} " + value);
    }

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        byte[] body = metrics().getBytes(StandardCharsets.UTF_8);
        planpulse = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        planpulse.createContext("/metrics", ex -> {
            ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        planpulse.start();
        stack = Tools.AlertStack.start(dir, "127.0.0.1:" + planpulse.getAddress().getPort());
    }

    @AfterAll
    static void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
        if (planpulse != null) {
            planpulse.stop(0);
        }
    }

    static String key(JsonNode alert) {
        JsonNode l = alert.path("labels");
        return l.path("alertname").asText() + " " + l.path("district").asText() + " " + l.path("indicator").asText();
    }

    @Test
    void eachDistrictsAlertsReachThatDistrictsReceiverOnlyWithTheirOwnFigures() {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            Set<String> firing = new HashSet<>();
            for (Tools.Notification n : stack.notifications) {
                n.body().path("alerts").forEach(a -> firing.add(key(a)));
            }
            assertThat(firing).containsAll(EXPECTED.keySet());
        });
        Map<String, Target> byKey = new HashMap<>();
        TARGETS.forEach(t -> byKey.put(t.district() + " " + t.id(), t));
        List<String> misrouted = new ArrayList<>();
        for (Tools.Notification n : stack.notifications) {
            for (JsonNode a : n.body().path("alerts")) {
                String k = key(a);
                if (!n.path().equals(EXPECTED.get(k))) {
                    misrouted.add(k + " reached " + n.path() + ", expected " + EXPECTED.get(k));
                    continue;
                }
                // Every alert of a notification is of the notification's district (grouped by district).
                assertThat(a.path("labels").path("district").asText()).as(k)
                        .isEqualTo(n.body().path("groupLabels").path("district").asText());
                Target t = byKey.get(a.path("labels").path("district").asText() + " " + a.path("labels").path("indicator").asText());
                assertThat(a.path("labels").path("district_name").asText()).as(k).isEqualTo(t.districtName());
                assertThat(a.path("annotations").path("summary").asText()).as(k)
                        .contains(" in " + t.district() + " " + t.districtName());
                if (a.path("annotations").has("completion")) {
                    // The figures are this district's own target's, not the same id's in another district.
                    assertThat(a.path("annotations").path("completion").asDouble()).as(k).isCloseTo(t.completion(), within(1e-9));
                    assertThat(a.path("annotations").path("expected").asDouble()).as(k).isCloseTo(t.expected(), within(1e-9));
                }
            }
        }
        assertThat(misrouted).isEmpty();
    }

    /** Every board's queries with $district at "All" and at each district; results are for the chosen district only. */
    @Test
    void everyBoardQueryRunsForAllDistrictsAndForEachAlone() throws Exception {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                .until(() -> stack.query("planpulse_kpi_target").size() == TARGETS.size());
        assertThat(stack.labelValues("planpulse_kpi_target{year=\"" + YEAR + "\"}", "district"))
                .extracting(JsonNode::asText).containsExactlyInAnyOrder("500000", "500112", "500113");
        // All: every KPI board query has data (the pipeline board's series are not served here).
        List<String> empty = new ArrayList<>();
        for (OpsEndToEndIT.PanelQuery q : OpsEndToEndIT.panelQueries(stack, Map.of())) {
            if (!q.key().startsWith("planpulse-pipeline") && run(q).isEmpty()) {
                empty.add(q.key() + ": " + q.expr());
            }
        }
        assertThat(empty).as("board queries without data for all districts").isEmpty();
        for (String district : List.of("500113", "500112", "500000")) {
            List<String> foreign = new ArrayList<>();
            int labelled = 0;
            for (OpsEndToEndIT.PanelQuery q : OpsEndToEndIT.panelQueries(stack, Map.of("district", district))) {
                // run() fails on a query error: a join that does not tell districts apart matches many to many.
                for (JsonNode series : run(q)) {
                    JsonNode d = series.path("metric").path("district");
                    if (!d.isMissingNode()) {
                        labelled++;
                        if (!d.asText().equals(district)) {
                            foreign.add(q.key() + ": " + series.path("metric"));
                        }
                    }
                }
            }
            assertThat(labelled).as("series of district " + district).isGreaterThan(20);
            assertThat(foreign).as("series of other districts with $district = " + district).isEmpty();
        }
    }

    /** The city overview: one row per district with its own counts, the key projects' completion among them. */
    @Test
    void theCityOverviewGivesEachDistrictItsOwnRow() throws Exception {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                .until(() -> stack.query("planpulse_kpi_target").size() == TARGETS.size());
        JsonNode board = Tools.JSON.readTree(Path.of("deploy/grafana/dashboards/planpulse-city.json").toFile());
        JsonNode table = board.path("panels").get(0);
        assertThat(table.path("type").asText()).isEqualTo("table");
        Map<String, String> columns = new LinkedHashMap<>();
        JsonNode rename = null;
        for (JsonNode t : table.path("transformations")) {
            if (t.path("id").asText().equals("organize")) {
                rename = t.path("options").path("renameByName");
            }
        }
        assertThat(rename).isNotNull();
        Map<String, String> vars = Map.of("year", YEAR, "district", ".*");
        for (JsonNode t : table.path("targets")) {
            JsonNode name = rename.path("Value #" + t.path("refId").asText());
            if (!name.isMissingNode()) {
                columns.put(name.asText(), OpsEndToEndIT.substitute(t.path("expr").asText(), vars));
            }
        }
        assertThat(byDistrict(columns.get("targets"))).containsExactlyInAnyOrderEntriesOf(
                Map.of("500113", 3.0, "500112", 3.0, "500000", 3.0));
        assertThat(byDistrict(columns.get("behind 滞后"))).containsExactlyInAnyOrderEntriesOf(
                Map.of("500113", 1.0, "500112", 2.0, "500000", 1.0));
        assertThat(byDistrict(columns.get("lagging"))).containsExactlyInAnyOrderEntriesOf(
                Map.of("500113", 1.0, "500112", 2.0, "500000", 0.0));
        assertThat(byDistrict(columns.get("severely_lagging"))).containsExactlyInAnyOrderEntriesOf(
                Map.of("500113", 0.0, "500112", 0.0, "500000", 1.0));
        assertThat(byDistrict(columns.get("off_course"))).containsExactlyInAnyOrderEntriesOf(
                Map.of("500113", 1.0, "500112", 0.0, "500000", 1.0));
        assertThat(byDistrict(columns.get("overdue 逾期"))).containsExactlyInAnyOrderEntriesOf(
                Map.of("500113", 0.0, "500112", 0.0, "500000", 1.0));
        // The city's trucks are off course but severely lagging: not an early warning; Banan's rollup is one.
        assertThat(byDistrict(columns.get("early warnings 预警"))).containsExactlyInAnyOrderEntriesOf(
                Map.of("500113", 1.0, "500112", 0.0, "500000", 0.0));
        // The key projects are the targets under a rollup (kp_gov_001), not the rollup itself.
        assertThat(byDistrict(columns.get("key projects 重点项目完成率"))).containsExactlyInAnyOrderEntriesOf(
                Map.of("500113", 0.3, "500112", 0.6, "500000", 0.45));
        assertThat(byDistrict(columns.get("key projects due 序时进度"))).containsExactlyInAnyOrderEntriesOf(
                Map.of("500113", 0.32, "500112", 0.7, "500000", 0.45));
        // Worst first: the table sorts on the "behind" column, descending.
        assertThat(table.path("options").path("sortBy").get(0).path("displayName").asText()).isEqualTo("behind 滞后");
        assertThat(table.path("options").path("sortBy").get(0).path("desc").asBoolean()).isTrue();
    }

    JsonNode run(OpsEndToEndIT.PanelQuery q) throws Exception {
        Matcher m = OpsEndToEndIT.LABEL_VALUES.matcher(q.expr());
        return m.matches() ? stack.labelValues(m.group(1), m.group(2)) : stack.query(q.expr());
    }

    /** An instant query's value per district, rounded to 9 places. */
    Map<String, Double> byDistrict(String promql) throws Exception {
        assertThat(promql).isNotNull();
        Map<String, Double> out = new TreeMap<>();
        for (JsonNode s : stack.query(promql)) {
            double v = s.path("value").get(1).asDouble();
            out.put(s.path("metric").path("district").asText(), Math.round(v * 1e9) / 1e9);
        }
        return out;
    }
}
