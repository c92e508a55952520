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
}
