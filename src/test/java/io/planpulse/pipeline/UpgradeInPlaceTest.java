package io.planpulse.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.planpulse.avro.KpiSnapshot;
import io.planpulse.avro.UnplannedSubject;
import io.planpulse.avro.internal.FlowFact;
import io.planpulse.avro.internal.KpiInput;
import io.planpulse.avro.internal.ReportFact;
import io.planpulse.base.Topics;
import io.planpulse.facts.Facts;
import io.planpulse.intake.CommitHook;
import io.planpulse.kpistage.KpiOutput;
import io.planpulse.kpistage.KpiProcessor;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * Upgrade in place (issue 19, item 8): the KPI stage's facts as the release before districts wrote them (keys
 * year/stream/cell with no district in the cell, report subjects without one, unplanned keys year/stream/subject)
 * are read as the deployment district's, written back under this build's keys with the old ones deleted, and give
 * the same figures; an unplanned subject under an old key is tombstoned and published under its new one.
 */
class UpgradeInPlaceTest {
    private static final String SEP = String.valueOf(Facts.SEP);

    @Test
    void shouldTakeFactsWrittenBeforeDistrictsAsTheDeploymentsAndMoveThemToTheirNewKeys() throws Exception {
        try (TopologyFixture before = new TopologyFixture("2025-06-15T12:00:00+08:00")) {
            before.load(TopologyFixture.testPlan());
            before.settle();
            MockProcessorContext<String, KpiOutput> context = new MockProcessorContext<>();
            KeyValueStore<String, FlowFact> flows = TopologyFixture.store(context, Stores.keyValueStoreBuilder(
                    Stores.inMemoryKeyValueStore(Topics.FLOW_FACT_STORE), Serdes.String(), Topics.FLOW_FACT.serde()));
            KeyValueStore<String, ReportFact> reports = TopologyFixture.store(context, Stores.keyValueStoreBuilder(
                    Stores.inMemoryKeyValueStore(Topics.REPORT_FACT_STORE), Serdes.String(), Topics.REPORT_FACT.serde()));
            KeyValueStore<String, KpiSnapshot> last = TopologyFixture.store(context, Stores.keyValueStoreBuilder(
                    Stores.inMemoryKeyValueStore(Topics.KPI_LAST_STORE), Serdes.String(), Topics.KPI_SNAPSHOT.serde()));
            // a KPI the old release published under year/id
            last.put("2025/trucks", KpiSnapshot.newBuilder().setYear(2025).setId("trucks").setNameZh("x").setNameEn("x")
                    .setCategory("logistics_trade").setUnit("trips").setKind("cumulative_flow").setComparator("at_least")
                    .setStatus("on_track").setOverdue(false).setUpdatedAt(java.time.Instant.EPOCH).build());
            KeyValueStore<String, UnplannedSubject> unplanned = TopologyFixture.store(context, Stores.keyValueStoreBuilder(
                    Stores.inMemoryKeyValueStore(Topics.UNPLANNED_LAST_STORE), Serdes.String(),
                    Topics.UNPLANNED_SUBJECT.serde()));
            TopologyFixture.store(context, CommitHook.builder(Topics.KPI_COMMIT_HOOK));

            // as the release before districts wrote them: 5 trucks to VN in March, p1 reported for March, and an
            // unplanned subject
            Facts.FlowCell cell = new Facts.FlowCell(new String[] {"cq-hanoi", "VN", "youyiguan"}, 2);
            cell.counts[2] = 5;
            cell.amounts[0][2] = new BigDecimal("5000000");
            cell.amounts[1][2] = new BigDecimal("92.5");
            String oldCell = "2025/truck_departure/cq-hanoi" + SEP + "VN" + SEP + "youyiguan";
            flows.put(oldCell, cell.toAvro());
            String oldOverflow = "2025/truck_departure/" + SEP.repeat(5);
            Facts.FlowCell overflow = new Facts.FlowCell(new String[] {SEP, SEP, SEP}, 2);
            overflow.counts[2] = 2;
            flows.put(oldOverflow, overflow.toAvro());
            Facts.ReportCell p1 = new Facts.ReportCell();
            p1.apply(3, new BigDecimal("30000000"), 1L, "r1", 1L);
            reports.put("2025/project_progress/p1", p1.toAvro());
            Facts.ReportCell typo = new Facts.ReportCell();
            typo.apply(3, new BigDecimal("1"), 1L, "r9", 1L);
            reports.put("2025/project_progress/p9_typo", typo.toAvro());
            unplanned.put("2025/project_progress/p9_typo", new UnplannedSubject(2025, "project_progress", "p9_typo", 1L,
                    "2025-03", null));

            KpiProcessor upgraded = new KpiProcessor(before.catalog(), new SimpleMeterRegistry(), before.clock,
                    Duration.ofMillis(100), Duration.ofSeconds(5), 1000, "500113", 1);
            upgraded.init(context);
            context.setCurrentSystemTimeMs(1_000);
            assertThat(keys(flows)).containsExactlyInAnyOrder(
                    "2025/truck_departure/500113" + SEP + "cq-hanoi" + SEP + "VN" + SEP + "youyiguan",
                    "2025/truck_departure/500113" + SEP + SEP.repeat(5));
            assertThat(keys(reports)).containsExactlyInAnyOrder("2025/project_progress/500113" + SEP + "p1",
                    "2025/project_progress/500113" + SEP + "p9_typo");

            // a record handed over by the old release, still in the repartition topic: Banan's too
            upgraded.process(new Record<>("k", KpiInput.newBuilder().setYear(2025).setMonth(4).setStream("truck_departure")
                    .setSubject("cq-hanoi" + SEP + "VN" + SEP + "youyiguan").setReport(false).setCount(1)
                    .setAmounts(List.of("1000000", "18.5")).setReportedAt(0).setLastEventAt(0).build(), 0L));
            context.scheduledPunctuators().stream().filter(p -> p.getType() == PunctuationType.WALL_CLOCK_TIME)
                    .findFirst().orElseThrow().getPunctuator().punctuate(1_100);
            Map<String, KpiSnapshot> kpis = new TreeMap<>();
            java.util.Set<String> tombstoned = new java.util.TreeSet<>();
            Map<String, UnplannedSubject> published = new TreeMap<>();
            context.forwarded().forEach(r -> {
                if (r.record().value() instanceof KpiOutput.Snapshot s && s.snapshot() == null) {
                    tombstoned.add(r.record().key());
                } else if (r.record().value() instanceof KpiOutput.Snapshot s) {
                    kpis.put(r.record().key(), s.snapshot());
                } else if (r.record().value() instanceof KpiOutput.Unplanned u) {
                    published.put(r.record().key(), u.subject());
                }
            });
            assertThat(kpis.get("500113/2025/trucks").getActual()).as("5 + 2 in the overflow cell + 1").isEqualTo(8.0);
            assertThat(kpis.get("500113/2025/trucks_vn").getActual()).isEqualTo(6.0);
            assertThat(kpis.get("500113/2025/p1").getActual()).isEqualTo(0.3);
            assertThat(tombstoned).as("the KPI key written before districts").containsExactly("2025/trucks");
            assertThat(last.get("2025/trucks")).isNull();
            assertThat(published).containsKey("2025/project_progress/p9_typo").containsKey(
                    "500113/2025/project_progress/p9_typo");
            assertThat(published.get("2025/project_progress/p9_typo")).as("the old key tombstoned").isNull();
            assertThat(published.get("500113/2025/project_progress/p9_typo").getDistrict()).isEqualTo("500113");
        }
    }

    private static <V> List<String> keys(KeyValueStore<String, V> store) {
        List<String> out = new java.util.ArrayList<>();
        try (KeyValueIterator<String, V> it = store.all()) {
            it.forEachRemaining((KeyValue<String, V> kv) -> out.add(kv.key));
        }
        return out;
    }
}
