package io.planpulse.pipeline;

import static io.planpulse.pipeline.TopologyFixture.truck;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.planpulse.avro.KpiSnapshot;
import io.planpulse.avro.TruckDeparture;
import io.planpulse.avro.internal.FlowFact;
import io.planpulse.avro.internal.KpiInput;
import io.planpulse.base.Stream;
import io.planpulse.base.Topics;
import io.planpulse.intake.CommitHook;
import io.planpulse.kpistage.KpiOutput;
import io.planpulse.kpistage.KpiProcessor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * CONTRACT section 3, "Bounded by design": at most {@code planpulse.facts.max-cells} flow cells per (stream, year);
 * the events beyond go to the stream's overflow cell, which unfiltered targets count and filtered ones leave out;
 * the cells restored after a restart count; a year's facts go once neither it nor the year after is open.
 */
class BoundedFactsTest {
    private static final String AS_OF = "2025-06-11T12:00:00+08:00";
    private static final int CAP = 3;

    private static TruckDeparture truckOn(String id, String route, String country, double value) {
        return TruckDeparture.newBuilder(truck(id, "2025-03-05T10:00:00+08:00", country, value)).setRouteId(route).build();
    }

    /** The flow cells of the store, by key (year/stream/cell). */
    private static Map<String, FlowFact> cells(TopologyFixture f) {
        KeyValueStore<String, FlowFact> store = f.driver.getKeyValueStore(Topics.FLOW_FACT_STORE);
        Map<String, FlowFact> out = new TreeMap<>();
        try (KeyValueIterator<String, FlowFact> it = store.all()) {
            it.forEachRemaining(kv -> out.put(kv.key, kv.value));
        }
        return out;
    }

    @Test
    void shouldKeepUnfilteredTotalsExactWhenASenderFloodsNewRouteIds() throws Exception {
        try (TopologyFixture f = new TopologyFixture(AS_OF, CAP)) {
            f.load(TopologyFixture.testPlan());
            for (int i = 0; i < 10; i++) {
                f.send(truckOn("d" + i, "route-" + System.nanoTime() + "-" + i, "VN", 1_000_000.25));
            }
            f.settle();

            assertThat(f.kpi("trucks").getActual()).as("every truck counted").isEqualTo(10.0);
            assertThat(f.kpi("cargo_value").getActual()).as("cargo in 亿元, exact").isEqualTo(0.100000025);
            assertThat(cells(f)).as("3 cells and the overflow cell").hasSize(CAP + 1);
            assertThat(f.counter("planpulse.facts.overflow", "stream", "truck_departure")).isEqualTo(7.0);
        }
    }

    @Test
    void shouldLeaveTheOverflowOutOfATargetThatFiltersOnADimension() throws Exception {
        try (TopologyFixture f = new TopologyFixture(AS_OF, CAP)) {
            f.load(TopologyFixture.testPlan());
            for (int i = 0; i < CAP; i++) {
                f.send(truckOn("kept" + i, "r" + i, "VN", 100));
            }
            f.send(truckOn("again", "r0", "VN", 100)); // a cell already kept: no overflow
            f.send(truckOn("over1", "r-new-1", "VN", 100));
            f.send(truckOn("over2", "r-new-2", "VN", 100));
            f.send(truckOn("over3", "r-new-3", "LA", 100));
            f.settle();

            assertThat(f.kpi("trucks").getActual()).isEqualTo(7.0);
            assertThat(f.kpi("trucks_vn").getActual())
                    .as("the kept VN cells only: overflow events may not match the filter, so it counts none of them")
                    .isEqualTo(4.0);
            assertThat(f.counter("planpulse.facts.overflow", "stream", "truck_departure")).isEqualTo(3.0);
            assertThat(f.counter("planpulse.facts.overflow", "stream", "hub_throughput")).isZero();
        }
    }

    @Test
    void shouldCountTheCellsReadBackAfterARestart() throws Exception {
        try (TopologyFixture before = new TopologyFixture(AS_OF, CAP)) {
            before.load(TopologyFixture.testPlan());
            for (int i = 0; i < CAP; i++) {
                before.send(truckOn("kept" + i, "r" + i, "VN", 100));
            }
            before.settle();
            assertThat(cells(before)).hasSize(CAP);

            // a new instance of the KPI stage over what the store holds (what Kafka Streams restores from its changelog)
            MockProcessorContext<String, KpiOutput> context = new MockProcessorContext<>();
            KeyValueStore<String, FlowFact> flows = TopologyFixture.store(context, Stores.keyValueStoreBuilder(
                    Stores.inMemoryKeyValueStore(Topics.FLOW_FACT_STORE), Serdes.String(), Topics.FLOW_FACT.serde()));
            cells(before).forEach(flows::put);
            TopologyFixture.store(context, Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(Topics.REPORT_FACT_STORE),
                    Serdes.String(), Topics.REPORT_FACT.serde()));
            TopologyFixture.store(context, Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(Topics.KPI_LAST_STORE),
                    Serdes.String(), Topics.KPI_SNAPSHOT.serde()));
            TopologyFixture.store(context, Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(Topics.UNPLANNED_LAST_STORE),
                    Serdes.String(), Topics.UNPLANNED_SUBJECT.serde()));
            TopologyFixture.store(context, CommitHook.builder(Topics.KPI_COMMIT_HOOK));
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            KpiProcessor restarted = new KpiProcessor(before.catalog(), registry, before.clock, Duration.ofMillis(100),
                    Duration.ofSeconds(5), CAP, "500113", 1);
            restarted.init(context);
            context.setCurrentSystemTimeMs(1_000);

            restarted.process(new Record<>("k", flow("r-new\u001fVN\u001fyouyiguan", 2), 0L));
            restarted.process(new Record<>("k", flow("r1\u001fVN\u001fyouyiguan", 1), 0L));
            assertThat(registry.find("planpulse.facts.overflow").tag("stream", "truck_departure").counter().count())
                    .as("the 3 cells read back fill the cap: the new route overflows, a kept one does not")
                    .isEqualTo(2.0);

            context.scheduledPunctuators().stream().filter(p -> p.getType() == PunctuationType.WALL_CLOCK_TIME)
                    .findFirst().orElseThrow().getPunctuator().punctuate(1_100);
            Map<String, KpiSnapshot> kpis = new TreeMap<>();
            context.forwarded().forEach(r -> {
                if (r.record().value() instanceof KpiOutput.Snapshot s && s.snapshot() != null) {
                    kpis.put(r.record().key(), s.snapshot());
                }
            });
            assertThat(kpis.get("500113/2025/trucks").getActual()).isEqualTo(6.0);
            assertThat(kpis.get("500113/2025/trucks_vn").getActual()).isEqualTo(4.0);
        }
    }

    private static KpiInput flow(String cell, long count) {
        List<String> amounts = new ArrayList<>();
        amounts.add(String.valueOf(100 * count));
        amounts.add(String.valueOf(18.5 * count));
        return KpiInput.newBuilder().setYear(2025).setMonth(3).setStream(Stream.TRUCK_DEPARTURE.type()).setSubject(cell)
                .setReport(false).setCount(count).setAmounts(amounts).setReportedAt(0).setLastEventAt(0).build();
    }

    @Test
    void shouldDropAYearsFactsOnceNeitherItNorTheYearAfterIsOpen() throws Exception {
        try (TopologyFixture f = new TopologyFixture("2025-01-05T12:00:00+08:00")) {
            f.load(TopologyFixture.testPlan());
            f.send(truck("old", "2024-12-20T10:00:00+08:00", "VN", 100));
            f.send(truck("new", "2025-01-03T10:00:00+08:00", "VN", 100));
            f.settle();
            assertThat(cells(f).keySet()).anyMatch(k -> k.startsWith("2024/")).anyMatch(k -> k.startsWith("2025/"));

            f.clockTo("2026-01-10T23:00:00+08:00"); // 2025 still open: its projection reads 2024
            assertThat(cells(f).keySet()).anyMatch(k -> k.startsWith("2024/"));

            f.clockTo("2026-01-11T00:00:01+08:00"); // 2025 closed at the end of its deadline day (the 10th)
            assertThat(cells(f).keySet()).as("2024 dropped, with tombstones").noneMatch(k -> k.startsWith("2024/"))
                    .anyMatch(k -> k.startsWith("2025/"));
            KpiSnapshot closed = f.kpi("trucks");
            assertThat(closed.getActual()).isEqualTo(1.0);

            f.clockTo("2027-01-11T00:00:01+08:00"); // 2026 closed too: 2025's facts go, its final figures stay
            assertThat(cells(f)).isEmpty();
            assertThat(f.kpi("trucks").getActual()).as("the year's last KPI stays published").isEqualTo(1.0);
            assertThat(f.kpi("trucks").getStatus()).isEqualTo(closed.getStatus());
        }
    }
}
