package io.planpulse.pipeline;

import static io.planpulse.pipeline.TopologyFixture.truck;
import static org.assertj.core.api.Assertions.assertThat;

import io.planpulse.plan.Plan;
import io.planpulse.plan.PlanLoader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/**
 * CONTRACT section 1: a plan's {@code timezone} must have the deployment's zone rules, not its spelling:
 * {@code Asia/Chongqing} is the same zone as {@code Asia/Shanghai}; a zone with other rules is still refused.
 */
class TimeZoneTest {
    private static final String AS_OF = "2025-06-11T12:00:00+08:00";

    private static Plan inZone(String timezone) throws Exception {
        String yaml = new String(TimeZoneTest.class.getResourceAsStream("/plans/test-2025.yaml").readAllBytes(),
                StandardCharsets.UTF_8);
        return PlanLoader.load("zoned.yaml", new StringReader("timezone: " + timezone + "\n" + yaml));
    }

    @Test
    void shouldApplyAPlanWhoseZoneHasTheDeploymentsRules() throws Exception {
        try (TopologyFixture f = new TopologyFixture(AS_OF, ZoneId.of("Asia/Shanghai"))) {
            String version = f.load(inZone("Asia/Chongqing"));
            // 2025-02-01 00:10 in Chongqing is still January in UTC: it counts in February
            f.send(truck("t1", "2025-02-01T00:10:00+08:00", "VN", 1_000_000));
            f.settle();
            assertThat(f.catalog().statuses()).singleElement().satisfies(s -> {
                assertThat(s.lastRefused()).as("refusal").isNull();
                assertThat(s.inForce().version()).isEqualTo(version);
            });
            assertThat(f.kpi("trucks")).isNotNull();
            assertThat(f.kpi("trucks").getActual()).isEqualTo(1.0);
            assertThat(f.kpi("trucks").getPlanVersion()).isEqualTo(version);
        }
    }

    @Test
    void shouldStillRefuseAPlanWhoseZoneHasOtherRules() throws Exception {
        try (TopologyFixture f = new TopologyFixture(AS_OF, ZoneId.of("Asia/Shanghai"))) {
            f.load(inZone("Asia/Tokyo"));
            f.settle();
            assertThat(f.table()).isEmpty();
            assertThat(f.catalog().statuses()).singleElement().satisfies(s -> {
                assertThat(s.inForce()).isNull();
                assertThat(s.lastRefused().reason()).contains("Asia/Tokyo").contains("Asia/Shanghai");
            });
        }
    }

    /**
     * A deployment with daylight saving time: in Europe/Berlin the clocks went forward on Sunday 31 March 2024, the
     * last day of the month. A truck at 00:10 on 1 April (CEST) is still 31 March in UTC and in CET; it counts in
     * April, and one at 23:30 on 31 March counts in March. The plan names no zone: it takes the deployment's.
     */
    @Test
    void shouldCountMonthsOnADaylightSavingWeekendInTheDeploymentsZone() throws Exception {
        String yaml = new String(TimeZoneTest.class.getResourceAsStream("/plans/test-2025.yaml").readAllBytes(),
                StandardCharsets.UTF_8).replace("year: 2025", "year: 2024");
        Plan plan = PlanLoader.load("berlin-2024.yaml", new StringReader(yaml), ZoneId.of("Europe/Berlin"));
        try (TopologyFixture f = new TopologyFixture("2024-04-15T12:00:00+02:00", ZoneId.of("Europe/Berlin"))) {
            f.load(plan);
            f.send(truck("t-march", "2024-03-31T23:30:00+02:00", "VN", 1_000_000));
            f.send(truck("t-april", "2024-04-01T00:10:00+02:00", "VN", 1_000_000));
            f.send(truck("t-feb", "2024-03-01T00:30:00+01:00", "VN", 1_000_000)); // 29 Feb 23:30 in UTC: March
            f.settle();
            io.planpulse.avro.KpiSnapshot trucks = f.table().get("500113/2024/trucks");
            assertThat(trucks).as("the 2024 plan's trucks; table %s; plans %s", f.table().keySet(), f.catalog().statuses()).isNotNull();
            var months = trucks.getMonths();
            assertThat(months.get(1).getValue()).as("February: nothing").isNull();
            assertThat(months.get(2).getValue()).as("March").isEqualTo(2.0);
            assertThat(months.get(3).getValue()).as("April").isEqualTo(1.0);
            // expected at 15 April 12:00 CEST: linear schedule, 3/12 plus 348 of April's 720 hours, counted from
            // midnight CEST (22:00 UTC on 31 March), not from midnight UTC or CET
            double april = (14 * 24 + 12) / 720.0;
            assertThat(trucks.getExpected()).isCloseTo((3 + april) / 12, org.assertj.core.data.Offset.offset(1e-9));
        }
    }
}
