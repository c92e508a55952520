package io.planpulse.pipeline;

import static io.planpulse.pipeline.TopologyFixture.hub;
import static io.planpulse.pipeline.TopologyFixture.indicator;
import static io.planpulse.pipeline.TopologyFixture.progress;
import static io.planpulse.pipeline.TopologyFixture.trade;
import static io.planpulse.pipeline.TopologyFixture.truck;
import static org.assertj.core.api.Assertions.assertThat;

import io.planpulse.avro.KpiSnapshot;
import io.planpulse.plan.Plan;
import io.planpulse.plan.PlanCatalog;
import io.planpulse.plan.PlanLoader;
import io.planpulse.plan.PlanPublisher;
import io.planpulse.plan.Target;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * CONTRACT sections 2 and 3, "Facts outlive plans" and "Plans are queries over facts": a plan loaded at any time of
 * the year gives exactly the figures it gives when loaded before the first event; a version is applied whole or not
 * at all; report subjects no target names are listed, then counted once a plan names them.
 */
class FactsOutlivePlansTest {
    private static final String AS_OF = "2025-06-11T12:00:00+08:00";

    /** A year of mixed events (seeded), with restatements and duplicates, for two fixtures to compare. */
    private static List<Object> events() {
        Random rnd = new Random(12);
        List<Object> out = new ArrayList<>();
        String[] countries = {"VN", "LA", "TH"};
        for (int i = 0; i < 600; i++) {
            String day = String.format("2025-%02d-%02dT%02d:%02d:00+08:00", 1 + rnd.nextInt(5), 1 + rnd.nextInt(28),
                    rnd.nextInt(24), rnd.nextInt(60));
            double value = Math.round(rnd.nextDouble() * 1e8) / 100.0;
            switch (i % 5) {
                case 0, 1 -> out.add(truck("t" + i, day, countries[rnd.nextInt(3)], value));
                case 2 -> out.add(hub("h" + i, day, value));
                case 3 -> out.add(trade("x" + i, day, value));
                default -> {
                    String project = new String[] {"p1", "p2", "p3", "p4"}[rnd.nextInt(4)];
                    String period = String.format("2025-%02d", 1 + rnd.nextInt(5));
                    out.add(progress("r" + i, project, period, value,
                            String.format("2025-06-%02dT09:00:00+08:00", 1 + rnd.nextInt(9))));
                }
            }
        }
        out.add(indicator("g1", "gdp_growth", "2025-03", 5.9, "2025-04-05T00:00:00+08:00"));
        out.add(indicator("g2", "gdp_growth", "2025-03", 6.1, "2025-04-06T00:00:00+08:00")); // restated
        out.add(truck("t0", "2025-02-01T00:00:00+08:00", "VN", 1e9)); // a duplicate id: changes nothing
        return out;
    }

    /** Every figure of the table, without when it was evaluated, which event it last saw, and which version. */
    private static Map<String, String> figures(TopologyFixture f) {
        Map<String, String> out = new TreeMap<>();
        f.table().forEach((k, s) -> out.put(k, KpiSnapshot.newBuilder(s).setUpdatedAt(java.time.Instant.EPOCH)
                .setLastEventAt(null).setPlanVersion(null).build().toString()));
        return out;
    }

    private static Plan revise(Plan p, java.util.function.UnaryOperator<String> yaml) throws Exception {
        String text = new String(FactsOutlivePlansTest.class.getResourceAsStream("/plans/test-2025.yaml").readAllBytes(),
                StandardCharsets.UTF_8);
        return PlanLoader.load("revised.yaml", new StringReader(yaml.apply(text)));
    }

    /** The test plan plus a project p4 and a filtered flow target (trucks to Laos, cargo in 亿元). */
    private static Plan full() throws Exception {
        return revise(null, y -> y + """
                  - id: p4
                    name_zh: 项目四
                    name_en: Project four
                    category: investment_projects
                    unit: CNY_100M
                    kind: cumulative_flow
                    comparator: at_least
                    target: 2
                    scale: 1e8
                    parent: all_projects
                    source: project_progress
                  - id: cargo_la
                    name_zh: 老挝货值
                    name_en: Cargo value to Laos
                    category: logistics_trade
                    unit: CNY_100M
                    kind: cumulative_flow
                    comparator: at_least
                    target: 5
                    scale: 1e8
                    source: truck_departures:cargo_value
                    filter: {destination_country: LA}
                """);
    }

    @Test
    void shouldGiveTheFiguresOfAPlanLoadedFirstWhenThePlanArrivesAfterTheEvents() throws Exception {
        Plan plan = full();
        try (TopologyFixture first = new TopologyFixture(AS_OF); TopologyFixture after = new TopologyFixture(AS_OF)) {
            first.load(plan);
            first.settle();
            events().forEach(first::send);
            first.settle();

            events().forEach(after::send);
            after.settle();
            assertThat(after.table()).as("no plan yet: no KPI, and no event rejected").isEmpty();
            assertThat(after.rejects).isEmpty();
            assertThat(after.unplanned).as("every project reported is unplanned while 2025 has no plan")
                    .containsKeys("500113/2025/project_progress/p1", "500113/2025/project_progress/p4");
            after.load(plan);
            after.settle();

            assertThat(figures(after)).isEqualTo(figures(first));
            assertThat(first.kpi("cargo_la").getActual()).isPositive();
            assertThat(first.kpi("p4").getActual()).isPositive();
            assertThat(after.unplanned).as("the plan names every subject now").isEmpty();
        }
    }

    @Test
    void shouldApplyARevisedPlanToTheWholeYear() throws Exception {
        Plan reduced = revise(null, y -> y.replace("scale: 1e4", "scale: 1e3")); // hub in 千吨, a wrong scale
        Plan plan = full();
        try (TopologyFixture first = new TopologyFixture(AS_OF); TopologyFixture revised = new TopologyFixture(AS_OF)) {
            first.load(plan);
            events().forEach(first::send);
            first.settle();

            revised.load(reduced);
            events().forEach(revised::send);
            revised.settle();
            assertThat(revised.kpi("cargo_la")).isNull();
            assertThat(revised.kpi("p4")).isNull();
            assertThat(revised.unplanned).containsKey("500113/2025/project_progress/p4");
            assertThat(revised.kpi("hub_tonnes").getActual()).isEqualTo(first.kpi("hub_tonnes").getActual() * 10,
                    org.assertj.core.data.Offset.offset(1e-6));
            revised.load(plan); // added flow target with a filter, added project, corrected scale
            revised.settle();

            assertThat(figures(revised)).isEqualTo(figures(first));
            assertThat(revised.unplanned).doesNotContainKey("500113/2025/project_progress/p4");
        }
    }

    @Test
    void shouldRecomputeTheWholeYearWhenAFilterChangesAndBringARemovedTargetBackWithItsYear() throws Exception {
        Plan plan = full();
        Plan thailand = revise(null, y -> y.replace("filter: {destination_country: VN}", "filter: {destination_country: TH}"));
        try (TopologyFixture f = new TopologyFixture(AS_OF)) {
            f.load(plan);
            List<Object> all = events();
            all.subList(0, 300).forEach(f::send);
            f.settle();
            all.subList(300, all.size()).forEach(f::send);
            f.settle();
            long vn = trucksTo(all, "VN");
            long th = trucksTo(all, "TH");
            assertThat(f.kpi("trucks_vn").getActual()).isEqualTo((double) vn);

            f.load(thailand); // the filter now selects Thailand: the whole year, with no event re-sent
            f.settle();
            assertThat(f.kpi("trucks_vn").getActual()).isEqualTo((double) th);
            assertThat(f.kpi("cargo_la")).as("removed with the version that dropped it").isNull();

            f.load(plan); // back: with its whole year
            f.settle();
            assertThat(f.kpi("trucks_vn").getActual()).isEqualTo((double) vn);
            BigDecimal la = BigDecimal.ZERO;
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (Object e : all) {
                if (e instanceof io.planpulse.avro.TruckDeparture t && seen.add(t.getDepartureId())
                        && t.getDestinationCountry().equals("LA")) {
                    la = la.add(new BigDecimal(Double.toString(t.getCargoValueCny())));
                }
            }
            assertThat(f.kpi("cargo_la").getActual()).isEqualTo(la.divide(new BigDecimal("1E+8")).doubleValue());
        }
    }

    /** Trucks to a country, each id counted at its first occurrence (as deduplication does). */
    private static long trucksTo(List<Object> all, String country) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        return all.stream().filter(e -> e instanceof io.planpulse.avro.TruckDeparture t && seen.add(t.getDepartureId())
                && t.getDestinationCountry().equals(country)).count();
    }

    @Test
    void shouldPublishEveryTargetOfANewVersionWithThatVersionAndNeverHalfAVersion() throws Exception {
        Plan plan = full();
        try (TopologyFixture f = new TopologyFixture(AS_OF)) {
            String v1 = f.load(TopologyFixture.testPlan());
            events().forEach(f::send);
            f.settle();
            f.snapshots.clear();
            String v2 = f.load(plan);
            f.settle();
            assertThat(f.snapshots).extracting(KpiSnapshot::getPlanVersion).containsOnly(v2);
            assertThat(f.snapshots).extracting(KpiSnapshot::getPlanSize).containsOnly(plan.targets().size());
            assertThat(f.snapshots).extracting(KpiSnapshot::getId).containsExactlyInAnyOrderElementsOf(
                    plan.targets().stream().map(Target::id).toList());
            assertThat(v1).isNotEqualTo(v2);
        }
    }

    @Test
    void shouldKeepThePreviousVersionWhenAVersionIsIncompleteOrCannotBeApplied() throws Exception {
        Plan plan = TopologyFixture.testPlan();
        try (TopologyFixture f = new TopologyFixture(AS_OF)) {
            String v1 = f.load(plan);
            f.settle();
            // a version whose manifest promises more targets than arrived is never applied
            java.time.Instant at = java.time.Instant.now().plusSeconds(60);
            List<org.apache.kafka.streams.KeyValue<String, byte[]>> recs = PlanPublisher.records(full().inDistrict("500113"),
                    Map.of(), "half", at, "half.yaml");
            for (var kv : recs.subList(0, 3)) {
                f.planRecord(kv.key, kv.value);
            }
            f.planRecord(recs.get(recs.size() - 1).key, recs.get(recs.size() - 1).value);
            f.settle();
            assertThat(f.table().values()).extracting(KpiSnapshot::getPlanVersion).containsOnly(v1);

            // a version in another zone is refused whole, and shown as refused
            Plan utc = revise(null, y -> "timezone: UTC\n" + y);
            f.load(utc);
            f.settle();
            assertThat(f.table().values()).extracting(KpiSnapshot::getPlanVersion).containsOnly(v1);
            PlanCatalog catalog = f.catalog();
            assertThat(catalog.statuses()).singleElement().satisfies(s -> {
                assertThat(s.inForce().version()).isEqualTo(v1);
                assertThat(s.lastRefused().reason()).contains("UTC").contains("Asia/Shanghai");
            });
        }
    }

    @Test
    void shouldListUnplannedReportSubjectsAndCountThemOnceThePlanNamesThem() throws Exception {
        try (TopologyFixture f = new TopologyFixture(AS_OF)) {
            f.load(TopologyFixture.testPlan());
            f.send(progress("a1", "p9_typo", "2025-03", 100_000_000, "2025-04-05T09:00:00+08:00"));
            f.send(progress("a2", "p9_typo", "2025-04", 50_000_000, "2025-05-05T09:00:00+08:00"));
            f.send(indicator("i1", "cpi", "2025-04", 101.2, "2025-05-05T09:00:00+08:00"));
            f.settle();
            assertThat(f.rejects).isEmpty();
            assertThat(f.unplanned).containsOnlyKeys("500113/2025/project_progress/p9_typo", "500113/2025/indicator_report/cpi");
            assertThat(f.unplanned.get("500113/2025/project_progress/p9_typo").getReports()).isEqualTo(2);
            assertThat(f.unplanned.get("500113/2025/project_progress/p9_typo").getLastPeriod()).isEqualTo("2025-04");

            f.load(revise(null, y -> y + """
                  - id: p9_typo
                    name_zh: 项目九
                    name_en: Project nine
                    category: investment_projects
                    unit: CNY_100M
                    kind: cumulative_flow
                    comparator: at_least
                    target: 3
                    scale: 1e8
                    parent: all_projects
                    source: project_progress
                """));
            f.settle();
            assertThat(f.kpi("p9_typo").getActual()).isEqualTo(1.5);
            assertThat(f.unplanned).containsOnlyKeys("500113/2025/indicator_report/cpi");
        }
    }

    @Test
    void shouldLetTheGreaterReportIdWinBetweenReportsWithTheSameReportedAtInEitherOrder() throws Exception {
        for (boolean reversed : new boolean[] {false, true}) {
            try (TopologyFixture f = new TopologyFixture(AS_OF)) {
                f.load(TopologyFixture.testPlan());
                var a = progress("rep-a", "p1", "2025-03", 10_000_000, "2025-04-05T09:00:00+08:00");
                var b = progress("rep-b", "p1", "2025-03", 20_000_000, "2025-04-05T09:00:00+08:00");
                f.send(reversed ? b : a);
                f.send(reversed ? a : b);
                f.settle();
                assertThat(f.kpi("p1").getActual()).as("reversed=%s", reversed).isEqualTo(0.2);
            }
        }
    }

    @Test
    void shouldKeepFactsOfAYearWithNoPlanAndRejectOnlyAClosedOrFarFutureYear() throws Exception {
        try (TopologyFixture f = new TopologyFixture("2026-01-05T12:00:00+08:00")) {
            f.load(TopologyFixture.testPlan());
            f.send(truck("y25", "2025-12-31T10:00:00+08:00", "VN", 1)); // 2025 open until Jan 10
            f.send(truck("y26", "2026-01-02T10:00:00+08:00", "VN", 1)); // 2026: no plan yet, kept
            f.send(truck("y24", "2024-12-31T10:00:00+08:00", "VN", 1)); // closed
            f.send(truck("y27", "2027-02-01T10:00:00+08:00", "VN", 1)); // over a year ahead
            f.settle();
            assertThat(f.rejects.stream().collect(Collectors.toMap(r -> r.getReason(), r -> 1, Integer::sum)))
                    .isEqualTo(Map.of("late", 1, "out_of_range", 1));
            f.load(revise(null, y -> y.replace("year: 2025", "year: 2026")));
            f.settle();
            assertThat(f.table().get("500113/2026/trucks").getActual()).isEqualTo(1.0);
        }
    }
}
