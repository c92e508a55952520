package io.planpulse.pipeline;

import static io.planpulse.pipeline.TopologyFixture.indicator;
import static io.planpulse.pipeline.TopologyFixture.progress;
import static io.planpulse.pipeline.TopologyFixture.truck;
import static io.planpulse.pipeline.TopologyFixture.truckIn;
import static io.planpulse.pipeline.TopologyFixture.p1In;
import static org.assertj.core.api.Assertions.assertThat;

import io.planpulse.avro.IndicatorReport;
import io.planpulse.avro.ProjectProgress;
import io.planpulse.avro.TruckDeparture;
import io.planpulse.base.Districts;
import io.planpulse.events.Rejection;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/**
 * Districts on events (CONTRACT sections 1b and 3): an event without one is the deployment's district's; one with a
 * district that is not six digits is rejected; facts are kept per district, a district's plan selects its own, and a
 * plan whose district covers others (the deployment's district being a city's, 500000) adds flows and projects of
 * every covered district but takes indicators only under its own code.
 */
class DistrictFactsTest {
    private static final String AS_OF = "2025-06-15T12:00:00+08:00";
    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

    private static IndicatorReport gdpIn(String id, String district, double value) {
        IndicatorReport r = indicator(id, "gdp_growth", "2025-03", value, "2025-04-05T09:00:00+08:00");
        r.setDistrict(district);
        return r;
    }

    @Test
    void shouldKeepEachDistrictsFactsApartAndTakeEventsWithoutOneAsTheDeployments() throws Exception {
        try (TopologyFixture f = new TopologyFixture(AS_OF, SHANGHAI, PlanpulseTopology.DEFAULT_MAX_CELLS, "500113")) {
            f.load(TopologyFixture.testPlan());
            f.send(truckIn("t1", null));
            f.send(truckIn("t2", "500113"));
            f.send(truckIn("t3", "500112"));
            f.send(truckIn("t4", "5001x3"));
            f.send(truckIn("t3", "500113")); // the same id in another district: a duplicate (ids are per stream)
            f.send(p1In("r1", "500113", 20_000_000));
            f.send(p1In("r2", "500112", 5_000_000));
            f.send(gdpIn("g1", "500112", 7.5));
            f.settle();

            assertThat(f.kpi("trucks").getActual()).as("Banan's own trucks only").isEqualTo(2.0);
            assertThat(f.kpi("p1").getActual()).as("p1 as Banan reported it").isEqualTo(0.2);
            assertThat(f.kpi("gdp_growth").getActual()).as("Yubei's growth is not Banan's").isNull();
            assertThat(f.rejects).singleElement().satisfies(r -> {
                assertThat(r.getReason()).isEqualTo(Rejection.INVALID_VALUE);
                assertThat(r.getDetail()).contains("district must be a 6-digit", "5001x3");
            });
            assertThat(f.counter("planpulse.events.duplicate", "stream", "truck_departure")).isEqualTo(1.0);
            // Yubei has no plan here: its report subjects are listed under its code, not dropped
            assertThat(f.unplanned).containsOnlyKeys("500112/2025/project_progress/p1",
                    "500112/2025/indicator_report/gdp_growth");
            assertThat(f.unplanned.get("500112/2025/project_progress/p1").getDistrict()).isEqualTo("500112");
        }
    }

    @Test
    void shouldAddFlowsAndProjectsOfEveryCoveredDistrictButTakeIndicatorsOnlyUnderTheCitysOwnCode() throws Exception {
        try (TopologyFixture f = new TopologyFixture(AS_OF, SHANGHAI, PlanpulseTopology.DEFAULT_MAX_CELLS, "500000")) {
            f.load(TopologyFixture.testPlan());
            f.send(truckIn("t1", "500113"));
            f.send(truckIn("t2", "500112"));
            f.send(truckIn("t3", null)); // the deployment's: the city's own
            f.send(truckIn("t4", "510104")); // Chengdu: not covered by 500000
            f.send(p1In("r1", "500113", 20_000_000));
            f.send(p1In("r2", "500112", 5_000_000));
            f.send(gdpIn("g1", "500113", 7.5));
            f.settle();
            assertThat(f.kpi("trucks").getActual()).as("trucks of 500113, 500112 and 500000").isEqualTo(3.0);
            assertThat(f.kpi("cargo_value").getActual()).isEqualTo(0.03);
            assertThat(f.kpi("p1").getActual()).as("a project reported in two districts adds both").isEqualTo(0.25);
            assertThat(f.kpi("gdp_growth").getActual()).as("indicators do not add up across districts").isNull();

            f.send(gdpIn("g2", "500000", 6.2));
            f.settle();
            assertThat(f.kpi("gdp_growth").getActual()).isEqualTo(6.2);
            assertThat(f.unplanned).containsOnlyKeys("500113/2025/indicator_report/gdp_growth");
        }
    }

    /**
     * Every district with facts in a year is published on planpulse.district-facts with the streams it has facts of,
     * a plan or not (GET /api/districts lists it), and tombstoned when the year's facts are dropped.
     */
    @Test
    void shouldPublishEveryDistrictWithFactsOfAYearAndForgetItWhenTheYearIsDropped() throws Exception {
        try (TopologyFixture f = new TopologyFixture(AS_OF, SHANGHAI, PlanpulseTopology.DEFAULT_MAX_CELLS, "500113")) {
            f.load(TopologyFixture.testPlan());
            f.send(truckIn("t1", null));
            f.send(truckIn("t2", "510107")); // a district of another province: no plan covers it
            f.settle();
            assertThat(f.districtFacts).containsOnlyKeys("500113/2025", "510107/2025");
            assertThat(f.districtFacts.get("510107/2025").getStreams()).containsExactly("truck_departure");

            f.send(p1In("r1", "510107", 1_000_000));
            f.send(truckIn("t3", "510107"));
            f.settle();
            assertThat(f.districtFacts.get("510107/2025").getStreams())
                    .containsExactly("project_progress", "truck_departure");
            assertThat(f.districtFacts.get("510107/2025").getDistrict()).isEqualTo("510107");
            assertThat(f.districtFacts.get("510107/2025").getYear()).isEqualTo(2025);

            f.clockTo("2027-01-11T00:00:01+08:00"); // 2025 and 2026 closed: 2025's facts are dropped
            assertThat(f.districtFacts).isEmpty();
        }
    }

    @Test
    void shouldTellWhichCodesACodeCovers() {
        assertThat(Districts.covers("500113", "500113")).isTrue();
        assertThat(Districts.covers("500113", "500112")).isFalse();
        assertThat(Districts.covers("500100", "500113")).isTrue();
        assertThat(Districts.covers("500100", "500213")).isFalse();
        assertThat(Districts.covers("500000", "500241")).isTrue();
        assertThat(Districts.covers("500000", "510104")).isFalse();
        assertThat(Districts.covers("500113", "500000")).isFalse();
        assertThat(Districts.isAggregate("500000")).isTrue();
        assertThat(Districts.isAggregate("500113")).isFalse();
        assertThat(Districts.isCode("500113")).isTrue();
        assertThat(Districts.isCode("50011")).isFalse();
        assertThat(Districts.isCode("５00113")).isFalse();
    }
}
