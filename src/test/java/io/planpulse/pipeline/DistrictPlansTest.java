package io.planpulse.pipeline;

import static io.planpulse.pipeline.TopologyFixture.progress;
import static io.planpulse.pipeline.TopologyFixture.truck;
import static io.planpulse.pipeline.TopologyFixture.truckIn;
import static io.planpulse.pipeline.TopologyFixture.p1In;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.planpulse.avro.KpiSnapshot;
import io.planpulse.avro.ProjectProgress;
import io.planpulse.avro.StatusChange;
import io.planpulse.avro.TruckDeparture;
import io.planpulse.plan.Plan;
import io.planpulse.plan.PlanException;
import io.planpulse.plan.PlanLoader;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/**
 * Plans per district and year (CONTRACT sections 1b, 2 and 6): three districts' 2025 plans and the city's on one
 * topology, each evaluated over the facts its code covers, keyed district/year/id on planpulse.kpi with its district
 * and district name; loading one district's plan never touches another's; a plan without a district is the
 * deployment's.
 */
class DistrictPlansTest {
    private static final String AS_OF = "2025-06-15T12:00:00+08:00";

    static Plan plan(String district, String name) throws Exception {
        String yaml;
        try (InputStream in = DistrictPlansTest.class.getResourceAsStream("/plans/test-2025.yaml")) {
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String head = district == null ? "" : "district: \"" + district + "\"\ndistrict_name: " + name + "\n";
        return PlanLoader.load("test-" + district + ".yaml", new StringReader(head + yaml));
    }

    @Test
    void shouldEvaluateEachDistrictsPlanOverItsOwnFactsAndTheCitysOverAllOfThem() throws Exception {
        try (TopologyFixture f = new TopologyFixture(AS_OF, ZoneId.of("Asia/Shanghai"),
                PlanpulseTopology.DEFAULT_MAX_CELLS, "500113")) {
            f.load(plan(null, null)); // the deployment's: 500113
            String yubei = f.load(plan("500112", "渝北区"));
            f.load(plan("500000", "重庆市"));
            for (int i = 0; i < 3; i++) {
                f.send(truckIn("b" + i, null));
            }
            f.send(truckIn("y1", "500112"));
            f.send(truckIn("j1", "500105")); // 江北区: no plan of its own, covered by the city
            f.send(p1In("r1", "500113", 20_000_000));
            f.send(p1In("r2", "500112", 5_000_000));
            f.settle();

            assertThat(f.table()).containsKeys("500113/2025/trucks", "500112/2025/trucks", "500000/2025/trucks");
            assertThat(f.table().keySet()).noneMatch(k -> k.startsWith("2025/"));
            assertThat(f.table().get("500113/2025/trucks").getActual()).isEqualTo(3.0);
            assertThat(f.table().get("500112/2025/trucks").getActual()).isEqualTo(1.0);
            assertThat(f.table().get("500000/2025/trucks").getActual()).as("every covered district").isEqualTo(5.0);
            assertThat(f.table().get("500113/2025/p1").getActual()).isEqualTo(0.2);
            assertThat(f.table().get("500112/2025/p1").getActual()).isEqualTo(0.05);
            assertThat(f.table().get("500000/2025/p1").getActual()).isEqualTo(0.25);
            KpiSnapshot y = f.table().get("500112/2025/trucks");
            assertThat(y.getDistrict()).isEqualTo("500112");
            assertThat(y.getDistrictName()).isEqualTo("渝北区");
            assertThat(f.table().get("500113/2025/trucks").getDistrict()).isEqualTo("500113");
            assertThat(f.statusChanges).extracting(StatusChange::getDistrict)
                    .contains("500113", "500112", "500000").doesNotContainNull();

            // a new version of Banan's plan leaves Yubei's version in force, and its figures
            f.load(plan(null, null));
            f.settle();
            assertThat(f.catalog().plan("500112", 2025).version().version()).isEqualTo(yubei);
            assertThat(f.table().get("500112/2025/trucks").getPlanVersion()).isEqualTo(yubei);
            assertThat(f.catalog().statuses()).extracting(s -> s.district() + "/" + s.year())
                    .containsExactly("500000/2025", "500112/2025", "500113/2025");
        }
    }

    @Test
    void shouldRefuseAPlanWhoseDistrictIsNotSixDigits() {
        assertThatThrownBy(() -> plan("50011", "x")).isInstanceOf(PlanException.class)
                .hasMessageContaining("district must be a 6-digit");
    }

    static final String CITY = """
            year: 2025
            district: "500000"
            district_name: 重庆市
            targets:
              - id: trucks_total
                name_zh: 各区跨境班车
                name_en: Cross-border trucks, every district
                category: logistics_trade
                unit: trips
                kind: cumulative_flow
                comparator: at_least
                source: districts:trucks
              - id: p1_total
                name_zh: 项目一
                name_en: Project one, every district
                category: investment_projects
                unit: CNY_100M
                kind: cumulative_flow
                comparator: at_least
                target: 3
                source: districts:p1
            """;

    @Test
    void shouldSumATargetOfTheCoveredDistrictsPlansAndNameTheDistrictsMissingFromTheSum() throws Exception {
        try (TopologyFixture f = new TopologyFixture(AS_OF, ZoneId.of("Asia/Shanghai"),
                PlanpulseTopology.DEFAULT_MAX_CELLS, "500113")) {
            f.load(plan(null, null));
            f.load(plan("500112", "渝北区"));
            f.load(PlanLoader.load("city.yaml", new StringReader(CITY)));
            for (int i = 0; i < 3; i++) {
                f.send(truckIn("b" + i, null));
            }
            f.send(truckIn("y1", "500112"));
            f.send(truckIn("j1", "500105")); // 江北区: facts, no plan
            f.send(p1In("r1", "500113", 20_000_000));
            f.send(p1In("r2", "500112", 5_000_000));
            f.settle();

            KpiSnapshot total = f.table().get("500000/2025/trucks_total");
            assertThat(total.getActual()).as("Banan's 3 and Yubei's 1; Jiangbei has no plan").isEqualTo(4.0);
            assertThat(total.getTarget()).as("no target of its own: the sum of theirs").isEqualTo(2400.0);
            assertThat(total.getDistricts()).extracting(d -> d.getDistrict() + "=" + d.getActual() + "/" + d.getTarget())
                    .containsExactly("500112=1.0/1200.0", "500113=3.0/1200.0");
            assertThat(total.getMissingDistricts()).containsExactly("500105");
            KpiSnapshot p1 = f.table().get("500000/2025/p1_total");
            assertThat(p1.getActual()).isEqualTo(0.25);
            assertThat(p1.getTarget()).as("its own target").isEqualTo(3.0);
            assertThat(f.table().get("500113/2025/trucks").getDistricts()).as("only districts: targets").isNull();

            f.send(truckIn("y2", "500112"));
            f.settle();
            assertThat(f.table().get("500000/2025/trucks_total").getActual()).as("a district's new fact").isEqualTo(5.0);
        }
    }

    @Test
    void shouldRefuseADistrictsSourceInAPlanThatCoversNoOtherDistrict() throws Exception {
        String banan = CITY.replace("district: \"500000\"", "district: \"500113\"");
        assertThatThrownBy(() -> PlanLoader.load("banan.yaml", new StringReader(banan)))
                .isInstanceOf(PlanException.class).hasMessageContaining("covers no other district");
        // a file without a district is the deployment's: refused by the pipeline when that covers no other
        String noDistrict = CITY.replace("district: \"500000\"\n", "");
        try (TopologyFixture f = new TopologyFixture(AS_OF, ZoneId.of("Asia/Shanghai"),
                PlanpulseTopology.DEFAULT_MAX_CELLS, "500113")) {
            f.load(PlanLoader.load("no-district.yaml", new StringReader(noDistrict)));
            f.settle();
            assertThat(f.catalog().statuses()).singleElement().satisfies(st -> {
                assertThat(st.inForce()).isNull();
                assertThat(st.lastRefused().reason()).contains("covers no other district");
            });
        }
    }
}
