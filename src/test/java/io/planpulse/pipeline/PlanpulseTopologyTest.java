package io.planpulse.pipeline;

import io.planpulse.base.Topics;
import static io.planpulse.pipeline.TopologyFixture.hub;
import static io.planpulse.pipeline.TopologyFixture.indicator;
import static io.planpulse.pipeline.TopologyFixture.progress;
import static io.planpulse.pipeline.TopologyFixture.trade;
import static io.planpulse.pipeline.TopologyFixture.truck;
import static org.assertj.core.api.Assertions.assertThat;

import io.planpulse.avro.IndicatorReport;
import io.planpulse.avro.KpiSnapshot;
import io.planpulse.avro.RejectedRecord;
import io.planpulse.avro.TruckDeparture;
import io.planpulse.events.EventDecoder;
import io.planpulse.plan.Plan;
import io.planpulse.plan.PlanLoader;
import io.planpulse.base.Stream;
import io.planpulse.plan.Target;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PlanpulseTopologyTest {

    @Test
    void shouldReplaceARestatedReportNeverAddIt() throws Exception {
        try (TopologyFixture f = new TopologyFixture("2025-03-05T12:00:00+08:00")) {
            f.load(TopologyFixture.testPlan());
            f.send(progress("r1", "p1", "2025-01", 10_000_000, "2025-02-05T09:00:00+08:00"));
            f.send(progress("r2", "p1", "2025-02", 10_000_000, "2025-03-05T09:00:00+08:00"));
            f.settle();
            assertThat(f.kpi("p1").getActual()).isEqualTo(0.2);
            f.send(progress("r1-restated", "p1", "2025-01", 12_345_678.9, "2025-02-20T09:00:00+08:00"));
            f.settle();
            assertThat(f.kpi("p1").getActual()).isEqualTo(0.223456789);
            assertThat(f.kpi("p1").getMonths().get(0).getValue()).isEqualTo(0.123456789);
            assertThat(f.kpi("p1").getMonths().get(1).getCumulative()).isEqualTo(0.223456789);
        }
    }

    @Test
    void shouldIgnoreAnOlderReportArrivingAfterANewerOne() throws Exception {
        try (TopologyFixture f = new TopologyFixture("2025-03-05T12:00:00+08:00")) {
            f.load(TopologyFixture.testPlan());
            f.send(indicator("g-new", "gdp_growth", "2025-01", 6.1, "2025-02-10T09:00:00+08:00"));
            f.send(indicator("g-old", "gdp_growth", "2025-01", 5.0, "2025-02-08T09:00:00+08:00"));
            f.settle();
            assertThat(f.kpi("gdp_growth").getActual()).isEqualTo(6.1);
            assertThat(f.counter("planpulse.reports.superseded")).isEqualTo(1.0);
        }
    }

    @Test
    void shouldCountARepeatedIdOnceAndCountTheDuplicate() throws Exception {
        try (TopologyFixture f = new TopologyFixture("2025-03-05T12:00:00+08:00")) {
            f.load(TopologyFixture.testPlan());
            TruckDeparture t = truck("d1", "2025-01-15T10:00:00+08:00", "VN", 1_000_000);
            f.send(t);
            f.send(t);
            f.send(truck("d1", "2025-01-16T10:00:00+08:00", "LA", 5_000_000));
            f.send(progress("r1", "p1", "2025-01", 10_000_000, "2025-02-05T09:00:00+08:00"));
            f.send(progress("r1", "p1", "2025-01", 10_000_000, "2025-02-05T09:00:00+08:00"));
            f.settle();
            assertThat(f.kpi("trucks").getActual()).isEqualTo(1.0);
            assertThat(f.kpi("cargo_value").getActual()).isEqualTo(0.01);
            assertThat(f.kpi("p1").getActual()).isEqualTo(0.1);
            assertThat(f.counter("planpulse.events.duplicate", "stream", "truck_departure")).isEqualTo(2.0);
            assertThat(f.counter("planpulse.events.duplicate", "stream", "project_progress")).isEqualTo(1.0);
            assertThat(f.counter("planpulse.events", "stream", "truck_departure")).isEqualTo(3.0);
        }
    }

    @Test
    void shouldCountATruckLeavingJustAfterMidnightShanghaiTimeInTheNewMonth() throws Exception {
        String yaml = new String(getClass().getResourceAsStream("/plans/test-2025.yaml").readAllBytes(),
                StandardCharsets.UTF_8).replace("year: 2025", "year: 2024");
        Plan plan2024 = PlanLoader.load("test-2024.yaml", new StringReader(yaml));
        try (TopologyFixture f = new TopologyFixture("2024-03-01T12:00:00+08:00")) {
            f.load(plan2024);
            f.send(truck("d1", "2024-02-01T00:10:00+08:00", "VN", 1_000_000));
            f.send(truck("d2", "2024-01-31T23:50:00+08:00", "VN", 1_000_000));
            f.settle();
            KpiSnapshot k = f.table().get("500113/2024/trucks");
            assertThat(k.getMonths().get(0).getValue()).isEqualTo(1.0);
            assertThat(k.getMonths().get(1).getValue()).isEqualTo(1.0);
            assertThat(k.getMonths().get(1).getCumulative()).isEqualTo(2.0);
        }
    }

    @Test
    void shouldApplyFiltersAndScales() throws Exception {
        try (TopologyFixture f = new TopologyFixture("2025-03-05T12:00:00+08:00")) {
            f.load(TopologyFixture.testPlan());
            f.send(truck("d1", "2025-01-15T10:00:00+08:00", "VN", 123_456_789.01));
            f.send(truck("d2", "2025-01-15T11:00:00+08:00", "LA", 0.99));
            f.send(hub("h1", "2025-02-01T08:00:00+08:00", 12_345.5));
            f.send(trade("x1", "2025-02-01T08:00:00+08:00", 50_000_000));
            f.settle();
            assertThat(f.kpi("trucks").getActual()).isEqualTo(2.0);
            assertThat(f.kpi("trucks_vn").getActual()).isEqualTo(1.0);
            assertThat(f.kpi("cargo_value").getActual()).isEqualTo(1.23456790);
            assertThat(f.kpi("hub_tonnes").getActual()).isEqualTo(1.23455);
            assertThat(f.kpi("trade_value").getActual()).isEqualTo(0.5);
        }
    }

    @Test
    void shouldRejectEachClassOfBadInputWithItsReasonAndCountEveryGoodRecordAroundIt() throws Exception {
        try (TopologyFixture f = new TopologyFixture("2025-03-05T12:00:00+08:00")) {
            f.load(TopologyFixture.testPlan());
            int good = 0;
            f.send(truck("g" + good++, "2025-01-10T10:00:00+08:00", "VN", 1));
            f.send(Stream.TRUCK_DEPARTURE, "junk", "not avro at all".getBytes(StandardCharsets.UTF_8));
            f.send(truck("g" + good++, "2025-01-10T10:00:00+08:00", "VN", 1));
            byte[] valid = Topics.TRUCK_DEPARTURE.encode(truck("x", "2025-01-10T10:00:00+08:00", "VN", 1));
            f.send(Stream.TRUCK_DEPARTURE, "trunc", java.util.Arrays.copyOf(valid, 14));
            f.send(truck("g" + good++, "2025-01-10T10:00:00+08:00", "VN", 1));
            f.send(Stream.TRUCK_DEPARTURE, "other-schema",
                    Topics.HUB_THROUGHPUT.encode(hub("h", "2025-01-10T10:00:00+08:00", 1)));
            f.send(truck("", "2025-01-10T10:00:00+08:00", "VN", 1));
            f.send(truck("neg", "2025-01-10T10:00:00+08:00", "VN", -5));
            f.send(truck("nan", "2025-01-10T10:00:00+08:00", "VN", Double.NaN));
            f.send(truck("inf", "2025-01-10T10:00:00+08:00", "VN", Double.POSITIVE_INFINITY));
            f.send(truck("future", "2031-01-10T10:00:00+08:00", "VN", 1));
            f.send(truck("g" + good++, "2025-01-10T10:00:00+08:00", "VN", 1));
            f.send(progress("bad-period", "p1", "2025-13", 1, "2025-02-05T09:00:00+08:00"));
            f.send(progress("bad-period2", "p1", "Jan 2025", 1, "2025-02-05T09:00:00+08:00"));
            f.send(progress("unknown", "no_such_project", "2025-01", 1, "2025-02-05T09:00:00+08:00"));
            f.send(progress("not-a-project", "trucks", "2025-01", 1, "2025-02-05T09:00:00+08:00"));
            f.send(progress("ok", "p1", "2025-01", 100_000_000, "2025-02-05T09:00:00+08:00"));
            f.send(indicator("unknown-ind", "no_such_indicator", "2025-01", 1, "2025-02-05T09:00:00+08:00"));
            f.send(Stream.INDICATOR_REPORT, "huge", new byte[EventDecoder.MAX_RECORD_BYTES + 1]);
            f.settle();
            assertThat(f.kpi("trucks").getActual()).isEqualTo((double) good);
            assertThat(f.kpi("p1").getActual()).isEqualTo(1.0);
            Map<String, Long> reasons = f.rejects.stream()
                    .collect(Collectors.groupingBy(RejectedRecord::getReason, Collectors.counting()));
            assertThat(reasons).containsExactlyInAnyOrderEntriesOf(Map.of(
                    "undecodable", 2L, "unknown_schema", 1L, "missing_field", 1L, "negative_amount", 1L,
                    "invalid_value", 2L, "out_of_range", 1L, "bad_period", 2L, "too_large", 1L));
            // ids no target names are facts, not bad input: listed as unplanned subjects
            assertThat(f.unplanned.keySet()).containsExactlyInAnyOrder("500113/2025/project_progress/no_such_project",
                    "500113/2025/project_progress/trucks", "500113/2025/indicator_report/no_such_indicator");
            RejectedRecord junk = f.rejects.get(0);
            assertThat(junk.getTopic()).isEqualTo("planpulse.truck-departures");
            assertThat(junk.getPartition()).isZero();
            assertThat(junk.getOffset()).isEqualTo(1L);
            assertThat(junk.getValue()).isEqualTo(ByteBuffer.wrap("not avro at all".getBytes(StandardCharsets.UTF_8)));
            assertThat(f.counter("planpulse.events.rejected", "stream", "truck_departure", "reason", "negative_amount"))
                    .isEqualTo(1.0);
        }
    }

    @Test
    void shouldRejectEventsForAClosedYearAsLate() throws Exception {
        try (TopologyFixture f = new TopologyFixture("2026-01-10T23:00:00+08:00")) {
            f.load(TopologyFixture.testPlan());
            f.send(truck("in-time", "2025-12-31T23:00:00+08:00", "VN", 1));
            f.settle();
            f.clock.set(java.time.OffsetDateTime.parse("2026-01-11T00:00:00+08:00").toInstant());
            f.send(truck("late", "2025-12-31T23:30:00+08:00", "VN", 1));
            f.settle();
            assertThat(f.kpi("trucks").getActual()).isEqualTo(1.0);
            assertThat(f.rejects).extracting(RejectedRecord::getReason).containsExactly("late");
        }
    }

    @Test
    void shouldReevaluateCompletionAtOnceWhenATargetIsRevised() throws Exception {
        try (TopologyFixture f = new TopologyFixture("2025-04-01T00:00:00+08:00")) {
            Plan plan = TopologyFixture.testPlan();
            f.load(plan);
            for (int i = 0; i < 300; i++) {
                f.send(truck("d" + i, "2025-02-10T10:00:00+08:00", "LA", 1));
            }
            f.settle();
            assertThat(f.kpi("trucks").getCompletion()).isEqualTo(0.25);
            assertThat(f.kpi("trucks").getStatus()).isEqualTo("on_track");
            List<Target> revised = plan.targets().stream()
                    .map(t -> t.id().equals("trucks") ? withTarget(t, 2400.0) : t)
                    .filter(t -> !t.id().equals("hub_tonnes"))
                    .toList();
            f.load(new Plan(plan.year(), plan.timezone(), plan.reportDeadlineDay(), plan.thresholds(), revised, List.of()));
            f.settle();
            assertThat(f.kpi("trucks").getTarget()).isEqualTo(2400.0);
            assertThat(f.kpi("trucks").getCompletion()).isEqualTo(0.125);
            assertThat(f.kpi("trucks").getStatus()).isEqualTo("lagging");
            assertThat(f.kpi("hub_tonnes")).isNull();
            assertThat(f.statusChanges).anySatisfy(c -> {
                assertThat(c.getId()).isEqualTo("trucks");
                assertThat(c.getFrom()).isEqualTo("on_track");
                assertThat(c.getTo()).isEqualTo("lagging");
            });
        }
    }

    @Test
    void shouldTurnACumulativeTargetLaggingAsMonthEndsPassWithoutEvents() throws Exception {
        try (TopologyFixture f = new TopologyFixture("2025-02-01T00:00:00+08:00")) {
            f.load(TopologyFixture.testPlan());
            for (int i = 0; i < 100; i++) {
                f.send(truck("d" + i, "2025-01-20T10:00:00+08:00", "LA", 1));
            }
            f.settle();
            assertThat(f.kpi("trucks").getStatus()).isEqualTo("on_track");
            f.clockTo("2025-03-01T00:00:00+08:00");
            assertThat(f.kpi("trucks").getStatus()).isEqualTo("lagging");
            f.clockTo("2025-04-01T00:00:00+08:00");
            assertThat(f.kpi("trucks").getStatus()).isEqualTo("severely_lagging");
            assertThat(f.statusChanges).filteredOn(c -> c.getId().equals("trucks")).extracting(c -> c.getTo())
                    // "no_data" comes first only if a round ran between the plan and the first commit of facts
                    .endsWith("on_track", "lagging", "severely_lagging").doesNotHaveDuplicates();
        }
    }

    @Test
    void shouldTurnAMonthlyReportedTargetOverdueOnTheDeadlineDay() throws Exception {
        try (TopologyFixture f = new TopologyFixture("2025-03-05T00:00:00+08:00")) {
            f.load(TopologyFixture.testPlan());
            f.send(progress("r1", "p1", "2025-01", 10_000_000, "2025-02-05T09:00:00+08:00"));
            f.send(progress("r2", "p1", "2025-02", 10_000_000, "2025-03-04T09:00:00+08:00"));
            f.settle();
            assertThat(f.kpi("p1").getOverdue()).isFalse();
            assertThat(f.kpi("p1").getDataThrough()).isEqualTo("2025-02");
            f.clockTo("2025-04-10T23:59:00+08:00");
            assertThat(f.kpi("p1").getOverdue()).isFalse();
            f.clockTo("2025-04-11T00:00:00+08:00");
            assertThat(f.kpi("p1").getOverdue()).isTrue();
            assertThat(f.kpi("gov_projects").getOverdue()).isTrue();
            f.send(progress("r3", "p1", "2025-03", 10_000_000, "2025-04-11T09:00:00+08:00"));
            f.settle();
            assertThat(f.kpi("p1").getOverdue()).isFalse();
        }
    }

    @Test
    void shouldAddRollupsOfRollupsUpToTheYuan() throws Exception {
        try (TopologyFixture f = new TopologyFixture("2025-03-05T12:00:00+08:00")) {
            f.load(TopologyFixture.testPlan());
            f.send(progress("a", "p1", "2025-01", 12_345_678.91, "2025-02-05T09:00:00+08:00"));
            f.send(progress("b", "p2", "2025-01", 98_765_432.19, "2025-02-05T09:00:00+08:00"));
            f.send(progress("c", "p3", "2025-01", 0.01, "2025-02-05T09:00:00+08:00"));
            f.send(progress("d", "p3", "2025-02", 0.02, "2025-03-05T09:00:00+08:00"));
            f.settle();
            assertThat(f.kpi("gov_projects").getActual()).isEqualTo(1.111111111);
            assertThat(f.kpi("all_projects").getActual()).isEqualTo(1.1111111113);
            assertThat(f.kpi("all_projects").getTarget()).isEqualTo(5.4);
            assertThat(f.kpi("all_projects").getChildren()).containsExactly("gov_projects", "p3");
            assertThat(f.kpi("all_projects").getDataThrough()).isEqualTo("2025-01");
            assertThat(f.kpi("all_projects").getMonths().get(1).getValue()).isEqualTo(2.0E-10);
        }
    }

    @Test
    void shouldShowEveryTargetAsNoDataBeforeAnyEventArrives() throws Exception {
        try (TopologyFixture f = new TopologyFixture("2025-03-05T12:00:00+08:00")) {
            f.load(TopologyFixture.testPlan());
            f.settle();
            assertThat(f.table()).hasSize(11);
            assertThat(f.table().values()).allSatisfy(k -> assertThat(k.getStatus()).isEqualTo("no_data"));
            IndicatorReport r = indicator("g1", "gdp_growth", "2025-01", 6.2, "2025-02-10T09:00:00+08:00");
            f.send(r);
            f.settle();
            assertThat(f.kpi("gdp_growth").getStatus()).isEqualTo("on_track");
        }
    }

    private static Target withTarget(Target t, double v) {
        return new Target(t.year(), t.id(), t.nameZh(), t.nameEn(), t.category(), t.unit(), t.kind(), t.comparator(), v,
                t.scale(), t.baseline(), t.schedule(), t.parent(), t.source(), t.filter(), t.owner(), t.binding(),
                t.timezone(), t.reportDeadlineDay(), t.thresholds());
    }
}
