package io.planpulse.pipeline;

import static io.planpulse.pipeline.TopologyFixture.hub;
import static io.planpulse.pipeline.TopologyFixture.indicator;
import static io.planpulse.pipeline.TopologyFixture.progress;
import static io.planpulse.pipeline.TopologyFixture.trade;
import static io.planpulse.pipeline.TopologyFixture.truck;
import static org.assertj.core.api.Assertions.assertThat;

import io.planpulse.avro.KpiSnapshot;
import io.planpulse.kpistage.Snapshots;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A round that re-evaluates only the targets whose facts changed (and their parents) leaves every KPI exactly as a
 * round over the whole plan does: the same events, settled after each one or all at once, give the same table.
 */
class PartialRoundsTest {
    private static final String AS_OF = "2025-06-15T12:00:00+08:00";

    private static List<Object> events() {
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            out.add(truck("t" + i, "2025-0" + (1 + i % 5) + "-10T10:00:00+08:00", i % 2 == 0 ? "VN" : "LA",
                    1_000_000 + 1_000 * i));
            out.add(truck("l" + i, "2024-0" + (1 + i % 5) + "-10T10:00:00+08:00", "VN", 900_000)); // last year
        }
        out.add(hub("h1", "2025-03-03T08:00:00+08:00", 1234.5));
        out.add(trade("d1", "2025-04-03T08:00:00+08:00", 25_000_000));
        out.add(progress("r1", "p1", "2025-03", 20_000_000, "2025-04-05T09:00:00+08:00"));
        out.add(progress("r2", "p2", "2025-04", 7_000_000, "2025-05-05T09:00:00+08:00"));
        out.add(progress("r3", "p1", "2025-03", 22_000_000, "2025-04-08T09:00:00+08:00")); // a restatement
        out.add(progress("r4", "p3", "2024-11", 3_000_000, "2024-12-05T09:00:00+08:00")); // p3's profile
        out.add(indicator("g1", "gdp_growth", "2025-03", 6.5, "2025-04-02T09:00:00+08:00"));
        return out;
    }

    @Test
    void shouldGiveTheSameKpisRoundByRoundAsInOneRound() throws Exception {
        Map<String, KpiSnapshot> oneByOne;
        try (TopologyFixture f = new TopologyFixture(AS_OF)) {
            f.load(TopologyFixture.testPlan());
            f.settle();
            for (Object e : events()) {
                f.send(e);
                f.settle(); // a round after each event: only its targets and their parents
            }
            oneByOne = new TreeMap<>(f.table());
            assertThat(f.registry.find("planpulse.kpi.evaluation.cpu").tag("scope", "changed").timer().count())
                    .as("partial rounds ran").isGreaterThan(5);
        }
        Map<String, KpiSnapshot> atOnce;
        try (TopologyFixture f = new TopologyFixture(AS_OF)) {
            f.load(TopologyFixture.testPlan());
            for (Object e : events()) {
                f.send(e);
            }
            f.settle();
            atOnce = new TreeMap<>(f.table());
        }
        assertThat(oneByOne.keySet()).containsExactlyElementsOf(atOnce.keySet()).hasSize(11);
        atOnce.forEach((key, want) -> {
            KpiSnapshot got = oneByOne.get(key);
            got.setPlanVersion(want.getPlanVersion());
            assertThat(Snapshots.sameFigures(got, want)).as("%s: %s against %s", key, got, want).isTrue();
        });
        assertThat(atOnce.get("500113/2025/all_projects").getActual()).isNotNull();
    }
}
