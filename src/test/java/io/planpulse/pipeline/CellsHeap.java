package io.planpulse.pipeline;

import static io.planpulse.pipeline.TopologyFixture.truck;

import io.planpulse.avro.TruckDeparture;
import io.planpulse.base.Topics;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * The heap the KPI stage's facts take when a sender puts something unique into a dimension (docs/performance.md,
 * "Bounded facts"): the production topology in a TopologyTestDriver fed N trucks, each on a route of its own (or all
 * on one route, for the cost of the events themselves: mostly the intake's ids, kept 400 days by design), then the
 * heap used after full collections. One run per JVM:
 *
 * <pre>java -Xmx4g -cp CLASSPATH io.planpulse.pipeline.CellsHeap EVENTS MAX_CELLS distinct|same</pre>
 */
public final class CellsHeap {
    private CellsHeap() {
    }

    public static void main(String[] args) throws Exception {
        int events = Integer.parseInt(args[0]);
        int maxCells = Integer.parseInt(args[1]);
        boolean distinct = args[2].equals("distinct");
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long t0 = System.nanoTime();
        try (TopologyFixture f = new TopologyFixture("2025-06-11T12:00:00+08:00", maxCells)) {
            f.load(TopologyFixture.testPlan());
            long before = usedAfterGc(memory);
            for (int i = 0; i < events; i++) {
                // the sender's bug: a timestamp in route_id
                String route = distinct ? "cq-hanoi-2025-03-05T10:00:00." + i + "Z" : "cq-hanoi";
                f.send(TruckDeparture.newBuilder(truck("d" + i, "2025-03-05T10:00:00+08:00", "VN", 1_000_000.25))
                        .setRouteId(route).build());
            }
            f.settle();
            long after = usedAfterGc(memory);
            long cells = f.driver.getKeyValueStore(Topics.FLOW_FACT_STORE).approximateNumEntries();
            System.out.printf("events=%d routes=%s max_cells=%d cells_kept=%d trucks=%.0f overflow=%.0f "
                            + "heap_before_mb=%.1f heap_after_mb=%.1f delta_mb=%.1f seconds=%.0f%n",
                    events, distinct ? "distinct" : "one", maxCells, cells, f.kpi("trucks").getActual(),
                    f.counter("planpulse.facts.overflow", "stream", "truck_departure"), before / 1e6, after / 1e6,
                    (after - before) / 1e6, (System.nanoTime() - t0) / 1e9);
        }
    }

    private static long usedAfterGc(MemoryMXBean memory) {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
