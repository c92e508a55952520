package io.planpulse.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.planpulse.avro.KpiSnapshot;
import io.planpulse.avro.MonthValue;
import io.planpulse.avro.UnplannedSubject;
import io.planpulse.plan.PlanCatalog;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Every route of the HTTP API against a fixed KPI table, answer by answer (status, content type, body) as in
 * {@code http/answers.txt}: the JSON is byte for byte what the API answered before its routes became a table.
 */
class HttpApiTest {
    static final Path ANSWERS = Path.of("src/test/resources/http/answers.txt");
    static final List<String> REQUESTS = List.of(
            "GET /health", "HEAD /health", "GET /ready", "POST /api/kpis", "DELETE /nope",
            "GET /api/kpis", "GET /api/kpis/", "GET /api/kpis?year=2025", "GET /api/kpis?year=2024",
            "GET /api/kpis?year=2025&category=logistics_trade", "GET /api/kpis?year=2025&status=lagging",
            "GET /api/kpis?year=2025&outlook=off_course", "GET /api/kpis?status=%22ahead%3C",
            "GET /api/kpis?outlook=sunny", "GET /api/kpis?year=twenty", "GET /api/kpis?year=1999",
            "GET /api/kpis/2025/trucks", "GET /api/kpis/2025/cargo_value", "GET /api/kpis/2024/trucks/",
            "GET /api/kpis/2025/a%22b%3Cc", "GET /api/kpis/2025", "GET /api/kpis/x/trucks",
            "GET /api/kpis/2025/trucks/months", "GET /api/kpis//trucks",
            "GET /api/lagging", "GET /api/lagging?year=2025", "GET /api/outlook", "GET /api/outlook?year=2024",
            "GET /api/plans", "GET /api/unplanned", "GET /api/unplanned?year=2025",
            "GET /api/unplanned?year=2025&district=500112", "GET /api/kpis?year=2025&district=500112",
            "GET /api/kpis/2025/gdp", "GET /api/kpis/2025/gdp?district=500112", "GET /api/kpis/2025/gdp?district=5001",
            "GET /api/lagging?year=2025&district=500113", "GET /api/districts?year=2025", "GET /api/districts",
            "GET /metrics?district=500112",
            "GET /schemas", "GET /schemas/nope", "GET /schemas/truck_departure.avsc", "GET /nope", "GET /api");

    static KpiSnapshot.Builder kpi(int year, String id, String category, String comparator, String status) {
        return KpiSnapshot.newBuilder().setYear(year).setId(id).setNameZh("指标 " + id).setNameEn("Target \"" + id + "\"")
                .setCategory(category).setUnit("trips").setKind("cumulative_flow").setComparator(comparator)
                .setStatus(status).setOverdue(false).setUpdatedAt(Instant.parse("2025-06-30T16:00:00.123Z"))
                .setDistrict("500113").setDistrictName("巴南区");
    }

    static MonthValue month(String month, Double value, Double cumulative) {
        return new MonthValue(month, value, cumulative);
    }

    /** A 2025 plan with every status and outlook, a 2024 one, nulls where a KPI has no figure yet. */
    static List<KpiSnapshot> snapshots() {
        return List.of(
                kpi(2025, "trucks", "logistics_trade", "at_least", "on_track").setTarget(1200.0).setBaseline(5502.0)
                        .setActual(610.0).setCompletion(0.5083333333333333).setExpected(0.4958904109589041)
                        .setGap(0.012442922374429207).setOwner("区商务委").setDataThrough("2025-06")
                        .setProjected(1180.5).setProjectedCompletion(0.98375).setOutlook("off_course")
                        .setMonths(List.of(month("2025-01", 100.0, 100.0), month("2025-02", null, 100.0),
                                month("2025-03", 510.0, 610.0)))
                        .setChildren(List.of("trucks_vn", "trucks_la")).build(),
                kpi(2025, "trucks_vn", "logistics_trade", "at_least", "lagging").setTarget(120.0).setActual(30.0)
                        .setCompletion(0.25).setExpected(0.4958904109589041).setGap(-0.2458904109589041)
                        .setParent("trucks").setDataThrough("2025-06").setProjected(60.0).setProjectedCompletion(0.5)
                        .setOutlook("off_course").build(),
                kpi(2025, "trucks_la", "logistics_trade", "at_least", "ahead").setTarget(80.0).setActual(79.0)
                        .setCompletion(0.9875).setExpected(0.4958904109589041).setGap(0.4916095890410959)
                        .setParent("trucks").setProjected(158.0).setProjectedCompletion(1.975).setOutlook("on_course")
                        .build(),
                kpi(2025, "cargo_value", "logistics_trade", "at_most", "severely_lagging").setTarget(12.0)
                        .setActual(9.0).setCompletion(0.75).setExpected(0.5).setGap(-0.25).setOverdue(true)
                        .setProjected(18.0).setProjectedCompletion(1.5).setOutlook("at_risk").build(),
                kpi(2025, "pm25", "environment", "about", "no_data").setOverdue(true).build(),
                kpi(2025, "gdp", "economy", "about", "on_track").setTarget(5.0).setActual(5.1).setCompletion(1.02)
                        .setExpected(1.0).setGap(0.02).setProjected(4.2).setProjectedCompletion(0.84)
                        .setOutlook("at_risk").build(),
                kpi(2024, "trucks", "logistics_trade", "at_least", "completed").setTarget(1000.0).setActual(1300.0)
                        .setCompletion(1.3).setExpected(1.0).setGap(0.3).setDataThrough("2024-12").setProjected(1300.0)
                        .setProjectedCompletion(1.3).setOutlook("on_course").build(),
                kpi(2024, "hub_tonnes", "logistics_trade", "at_least", "missed").setTarget(50.0).setActual(20.0)
                        .setCompletion(0.4).setExpected(1.0).setGap(-0.6).setProjected(20.0)
                        .setProjectedCompletion(0.4).setOutlook("off_course").build(),
                // another district's plan with the same id: /api/kpis/2025/gdp needs ?district=
                kpi(2025, "gdp", "economy", "about", "lagging").setDistrict("500112").setDistrictName("渝北区")
                        .setTarget(6.0).setActual(5.0).setCompletion(0.8333333333333334).setExpected(1.0)
                        .setGap(-0.16666666666666663).build());
    }

    static List<UnplannedSubject> unplanned() {
        return List.of(new UnplannedSubject(2024, "indicator_report", "old_gdp", 3L, "2024-11", "500113"),
                new UnplannedSubject(2025, "project_progress", "P-17", 2L, "2025-05", "500112"),
                new UnplannedSubject(2025, "indicator_report", "\"quoted\"", 1L, "", "500113"));
    }

    static List<PlanCatalog.YearStatus> plans() {
        PlanCatalog.Version v1 = new PlanCatalog.Version("v1", Instant.parse("2025-01-02T03:04:05Z"), 6, "test-2025.yaml");
        PlanCatalog.Version v2 = new PlanCatalog.Version("v2", Instant.parse("2025-03-01T00:00:00Z"), 7, null);
        PlanCatalog.Version legacy = new PlanCatalog.Version("legacy", null, 2, null);
        return List.of(new PlanCatalog.YearStatus("500113", 2024, legacy, null),
                new PlanCatalog.YearStatus("500113", 2025, v1, new PlanCatalog.Refusal(v2, "time zone UTC, not Asia/Shanghai")),
                new PlanCatalog.YearStatus("500113", 2026, null, new PlanCatalog.Refusal(v2, "no \"targets\"")));
    }

    /** The KPI table as the view would hold it, key order. */
    static final class FixedTable implements KpiTable {
        final NavigableMap<String, KpiSnapshot> table = new TreeMap<>();

        FixedTable(List<KpiSnapshot> all) {
            all.forEach(s -> table.put(s.getDistrict() + "/" + s.getYear() + "/" + s.getId(), s));
        }

        @Override
        public <T> T read(Supplier<T> action) {
            return action.get();
        }

        @Override
        public List<KpiSnapshot> all() {
            return new ArrayList<>(table.values());
        }

        @Override
        public List<UnplannedSubject> unplanned() {
            return HttpApiTest.unplanned();
        }
    }

    static HttpApi api() throws Exception {
        return new HttpApi("127.0.0.1", 0, new FixedTable(snapshots()), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                () -> false).plans(HttpApiTest::plans).start();
    }

    static String answers(HttpApi api) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        StringBuilder out = new StringBuilder();
        for (String request : REQUESTS) {
            String[] r = request.split(" ");
            HttpResponse<String> a = client.send(HttpRequest.newBuilder(URI.create(api.url() + r[1]))
                    .method(r[0], HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            out.append("### ").append(request).append('\n').append(a.statusCode()).append(' ')
                    .append(a.headers().firstValue("Content-Type").orElse("-"))
                    .append(a.headers().firstValue("Allow").map(v -> " Allow: " + v).orElse("")).append('\n')
                    .append(a.body()).append("\n\n");
        }
        return out.toString();
    }

    @Test
    void shouldAnswerEveryRouteAsItDidBeforeTheRoutesBecameATable() throws Exception {
        try (HttpApi api = api()) {
            String answers = answers(api);
            if (Boolean.getBoolean("planpulse.update-answers")) {
                // after a deliberate change of an answer: rewrite the capture, then review its diff before committing
                Files.writeString(ANSWERS, answers, StandardCharsets.UTF_8);
            }
            assertThat(answers).isEqualTo(Files.readString(ANSWERS, StandardCharsets.UTF_8));
        }
    }

    @Test
    void shouldLeaveNoHttpThreadBehindOnceClosed() throws Exception {
        List<Thread> before = httpThreads(); // of APIs other tests left open
        HttpApi api = api();
        answers(api); // the pool's threads have started
        assertThat(httpThreads()).hasSizeGreaterThan(before.size());
        api.close();
        assertThat(httpThreads()).isSubsetOf(before);
    }

    static List<Thread> httpThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("planpulse-http"))
                .filter(Thread::isAlive).toList();
    }
}
