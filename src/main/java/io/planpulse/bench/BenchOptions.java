package io.planpulse.bench;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The knobs of one bench run, measured nothing by themselves: how much input, which runs, and the Streams settings
 * of the timed runs (the {@code bench} command's options; see it for what each means).
 *
 * @param events           events to produce
 * @param partitions       partitions of each input topic
 * @param rate             events/s of the freshness run
 * @param freshnessSeconds length of the freshness run
 * @param threads          num.stream.threads of each Streams client in the timed runs
 * @param runs             the runs to make, names of {@link #ALL_RUNS}
 * @param planTargets      targets of the large plan of the plan-scale run
 * @param districts        districts of the districts run (their plans, derived from the shipped one, and the city's)
 * @param kpiPartitions    planpulse.kpi.partitions of the districts run
 * @param warmupSeconds    the least warm-up before each timed Streams run (0: none)
 * @param passes           timed passes of each Streams run
 * @param instances        Kafka Streams clients of the application in the timed runs
 * @param commitIntervalMs commit.interval.ms of every Streams run
 * @param compression      compression.type of the Streams runs' producers
 * @param streamsConfig    Kafka Streams settings over planpulse's and the above
 * @param trace            print the progress, CPU and broker requests of each timed pass
 * @param json             where to write the results (null: nowhere)
 * @param bootstrap        a dedicated cluster to use instead of an embedded broker (null: embedded)
 */
public record BenchOptions(long events, int partitions, int rate, int freshnessSeconds, int threads, Set<String> runs,
                           int planTargets, int warmupSeconds, int passes, int instances, int commitIntervalMs,
                           String compression, Map<String, String> streamsConfig, boolean trace, Path json,
                           String bootstrap, int districts, int kpiPartitions) {
    /** Every run there is, in the order they run. */
    public static final List<String> ALL_RUNS = List.of("raw", "bare-alos", "pipeline-alos", "bare-eos",
            "pipeline-eos", "freshness", "raw-json", "pipeline-json-alos", "pipeline-json-eos", "plan-scale", "districts");
    /** The runs the table and the full JSON need. */
    static final List<String> STANDARD_RUNS = ALL_RUNS.subList(0, 6);

    /** Refuses knobs no run can be made with ({@link IllegalArgumentException}, naming the option). */
    public BenchOptions {
        atLeast("--events", events, 0);
        atLeast("--partitions", partitions, 1);
        atLeast("--threads", threads, 1);
        atLeast("--passes", passes, 1);
        atLeast("--instances", instances, 1);
        atLeast("--kpi-partitions", kpiPartitions, 1);
        if (runs.contains("freshness")) {
            atLeast("--rate", rate, 1);
        }
        for (String r : runs) {
            if (!ALL_RUNS.contains(r)) {
                throw new IllegalArgumentException("--runs: no run '" + r + "' (runs: " + String.join(", ", ALL_RUNS)
                        + ")");
            }
        }
        runs = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(runs));
        streamsConfig = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(streamsConfig));
    }

    private static void atLeast(String option, long value, long least) {
        if (value < least) {
            throw new IllegalArgumentException(option + ": " + value + " is less than " + least);
        }
    }

    /** Whether {@code run} is one of the runs to make. */
    boolean has(String run) {
        return runs.contains(run);
    }
}
