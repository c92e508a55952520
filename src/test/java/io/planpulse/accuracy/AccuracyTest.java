package io.planpulse.accuracy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.planpulse.kpi.Kpi;
import io.planpulse.kpi.KpiEngine;
import io.planpulse.kpi.TargetData;
import io.planpulse.events.JsonEvents;
import io.planpulse.plan.Plan;
import io.planpulse.plan.PlanLoader;
import io.planpulse.plan.Source;
import io.planpulse.plan.Target;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The accuracy computation: the facts it builds select what CONTRACT section 4 says (filter, scale, months in the
 * plan's zone, the report in force), and on a reduced plan last year's profile beats the schedule at mid-year.
 */
class AccuracyTest {
    static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

    @Test
    void shouldSelectFactsAsTheContractSays() throws Exception {
        Plan plan;
        try (var in = new InputStreamReader(AccuracyTest.class.getResourceAsStream("/plans/test-2025.yaml"),
                StandardCharsets.UTF_8)) {
            plan = PlanLoader.load("test-2025.yaml", in);
        }
        SimulatedFacts facts = new SimulatedFacts(SHANGHAI);
        for (String line : List.of(
                truck("d1", "VN", "2025-01-31T23:50:00+08:00"),
                truck("d2", "VN", "2025-02-01T00:10:00+08:00"), // still January in UTC: February here
                truck("d3", "LA", "2025-02-03T10:00:00+08:00"),
                truck("d4", "VN", "2024-12-31T23:00:00+08:00"), // last year
                progress("r1", "p1", "2025-01", "40000000", "2025-02-05T09:00:00+08:00"),
                progress("r1b", "p1", "2025-01", "45000000.50", "2025-02-20T09:00:00+08:00"), // restated
                progress("r1a", "p1", "2025-01", "1", "2025-02-06T09:00:00+08:00"), // older than the restatement
                progress("r2b", "p2", "2025-01", "7", "2025-02-06T09:00:00+08:00"),
                progress("r2a", "p2", "2025-01", "5", "2025-02-06T09:00:00+08:00"))) { // same time: r2b wins
            facts.add(JsonEvents.parse(line));
        }
        Instant asOf = OffsetDateTime.parse("2025-03-01T00:00:00+08:00").toInstant();
        Map<String, TargetData> data = facts.data(plan.targets(), 2025, asOf);
        Map<String, Kpi> kpis = KpiEngine.evaluate(plan.targets(), data, asOf);
        assertThat(kpis.get("trucks").actual()).isEqualTo(3.0);
        assertThat(kpis.get("trucks_vn").actual()).isEqualTo(2.0);
        assertThat(data.get("trucks").months()[1].intValueExact()).isEqualTo(2);
        assertThat(kpis.get("cargo_value").actual()).isEqualTo(0.0300000003); // 3 × 1,000,000.01 yuan / 1e8, exactly
        assertThat(kpis.get("p1").actual()).isEqualTo(0.4500000050);
        assertThat(kpis.get("p2").actual()).isEqualTo(0.00000007);
        assertThat(facts.data(plan.targets(), 2024, asOf).get("trucks_vn").events()).isEqualTo(1);
        // as of before the later reports arrived, the first report is in force
        Instant before = OffsetDateTime.parse("2025-02-05T12:00:00+08:00").toInstant();
        assertThat(KpiEngine.evaluate(plan.targets(), facts.data(plan.targets(), 2025, before), before).get("p1")
                .actual()).isEqualTo(0.4);
    }

    /**
     * The reduced setting: the four event flows of the shipped plan and ten of its projects. At the end of June the
     * last-year profile is within 5 % on the flows and beats the schedule profile, which does not know that
     * Spring Festival and the quarter-end investment pushes are behind the first half.
     */
    @Test
    void shouldProjectBetterWithLastYearsProfileThanWithTheScheduleAtMidYear() {
        Plan shipped = PlanLoader.loadDefault();
        List<Target> reduced = shipped.targets().stream()
                .filter(t -> t.source().stream() != null && t.source().stream().isFlow()
                        || t.id().startsWith("kp_gov_03"))
                .toList();
        Plan plan = new Plan(shipped.year(), shipped.timezone(), shipped.reportDeadlineDay(), shipped.thresholds(),
                reduced, List.of());
        Accuracy.Result r = Accuracy.compute(plan, 11);
        assertThat(r.size(Accuracy.Group.EVENT_FLOWS)).isEqualTo(4);
        assertThat(r.size(Accuracy.Group.PROJECTS)).isEqualTo(10);
        for (Accuracy.Group g : List.of(Accuracy.Group.EVENT_FLOWS, Accuracy.Group.PROJECTS)) {
            Accuracy.Cell schedule = r.cell(g, 6, false);
            Accuracy.Cell lastYear = r.cell(g, 6, true);
            assertThat(lastYear.n()).isEqualTo(r.size(g));
            assertThat(lastYear.mape()).as("%s: last year's profile at mid-year", g).isLessThan(0.05)
                    .isLessThan(schedule.mape());
        }
        // once the year is over the projection is the actual: the flows' error is nil
        assertThat(r.cell(Accuracy.Group.EVENT_FLOWS, 12, true).mape()).isCloseTo(0.0, within(1e-12));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Accuracy.print(r, new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("event flows (4)", "projects (10)", "2025-06");
    }

    @Test
    void shouldMeasureTheFlowTargetsAndTheirRollupsOnly() {
        Map<String, Accuracy.Group> groups = Accuracy.groups(PlanLoader.loadDefault().targets());
        assertThat(groups.values().stream().filter(g -> g == Accuracy.Group.EVENT_FLOWS).count()).isEqualTo(4);
        assertThat(groups.values().stream().filter(g -> g == Accuracy.Group.PROJECTS).count()).isEqualTo(125);
        assertThat(groups).containsEntry("key_projects_annual_planned_investment", Accuracy.Group.ROLLUPS)
                .doesNotContainKey("gdp_growth");
        assertThat(PlanLoader.loadDefault().targets().stream().filter(t -> t.source() == Source.CHILDREN))
                .allSatisfy(t -> assertThat(groups).containsEntry(t.id(), Accuracy.Group.ROLLUPS));
    }

    private static String truck(String id, String country, String at) {
        return String.format("{\"type\":\"truck_departure\",\"departure_id\":\"%s\",\"route_id\":\"cq-hanoi\","
                + "\"destination_country\":\"%s\",\"exit_port\":\"youyiguan\",\"departed_at\":\"%s\","
                + "\"cargo_value_cny\":1000000.01,\"cargo_weight_t\":20}", id, country, at);
    }

    private static String progress(String id, String project, String period, String yuan, String at) {
        return String.format("{\"type\":\"project_progress\",\"report_id\":\"%s\",\"project_id\":\"%s\",\"period\":\"%s\","
                + "\"investment_cny\":%s,\"reported_at\":\"%s\"}", id, project, period, yuan, at);
    }
}
