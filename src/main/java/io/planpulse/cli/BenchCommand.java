package io.planpulse.cli;

import io.planpulse.bench.Bench;
import io.planpulse.bench.BenchOptions;
import io.planpulse.bench.Fork;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bench}: throughput against the raw-consumer limit, and freshness (see {@link Bench}). */
@Command(name = "bench", description = "Throughput against the raw-consumer limit, and freshness, in one run.")
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--events", description = "Events to produce (default ${DEFAULT-VALUE}).")
    long events = 2_000_000;
    @Option(names = "--partitions", description = "Partitions of each input topic (default ${DEFAULT-VALUE}).")
    int partitions = 6;
    @Option(names = "--rate", description = "Events/s of the freshness run (default ${DEFAULT-VALUE}).")
    int rate = 5_000;
    @Option(names = "--freshness-seconds", description = "Length of the freshness run (default ${DEFAULT-VALUE}).")
    int freshnessSeconds = 30;
    @Option(names = "--threads", description = "num.stream.threads of each Streams client in the timed runs "
            + "(default: the number of CPUs, ${DEFAULT-VALUE} here).")
    int threads = Runtime.getRuntime().availableProcessors();
    @Option(names = "--runs", split = ",", description = "Runs to make (default: all): raw (the raw consumer with "
            + "planpulse's decoder, then with Avro's generic one), bare-alos, pipeline-alos, bare-eos, pipeline-eos, "
            + "freshness, plan-scale (a plan of --plan-targets loaded over a year of facts); and on JSON copies of the "
            + "same events: raw-json, pipeline-json-alos, pipeline-json-eos. The table and JSON need the first six.")
    Set<String> runs = new LinkedHashSet<>(BenchOptions.ALL_RUNS);
    @Option(names = "--plan-targets", description = "Targets of the large plan of the plan-scale run: mostly projects "
            + "with a year of monthly reports each, and flow targets with filters (default ${DEFAULT-VALUE}).")
    int planTargets = 10_000;
    @Option(names = "--districts", paramLabel = "N", description = "Districts of the districts run: N plans derived "
            + "from the shipped one (Chongqing's 38 first, then synthetic 50xxxx codes) and the city's (default "
            + "${DEFAULT-VALUE}).")
    int districts = 38;
    @Option(names = "--kpi-partitions", paramLabel = "P", description = "planpulse.kpi.partitions of the districts run: "
            + "the KPI work split by district in P partitions, shared by its --instances (default ${DEFAULT-VALUE}).")
    int kpiPartitions = 1;
    @Option(names = "--warmup-seconds", description = "Before each timed Streams run, run the same topology with the "
            + "same guarantee under throw-away application ids at least this long and until the JIT is quiet, so the "
            + "timed run measures code compiled for it (default ${DEFAULT-VALUE}; 0 = no warm-up).")
    int warmupSeconds = 10;
    @Option(names = "--passes", description = "Timed passes of each Streams run, after its warm-up; the median "
            + "counts and every pass is kept in the JSON (default ${DEFAULT-VALUE}).")
    int passes = 3;
    @Option(names = "--instances", description = "Kafka Streams clients of the application in the timed runs and "
            + "the districts run (default ${DEFAULT-VALUE}); each has --threads stream threads.")
    int instances = 1;
    @Option(names = "--commit-interval-ms", description = "commit.interval.ms of every Streams run, both guarantees "
            + "(default ${DEFAULT-VALUE}, as planpulse runs).")
    int commitIntervalMs = 100;
    @Option(names = "--compression", description = "compression.type of the Streams runs' producers "
            + "(default ${DEFAULT-VALUE}).")
    String compression = "none";
    @Option(names = "--streams-config", split = ",", paramLabel = "KEY=VALUE", description = "Kafka Streams settings "
            + "for every Streams run, over planpulse's and the options above (to try a setting; the JSON lists them).")
    Map<String, String> streamsConfig = new LinkedHashMap<>();
    @Option(names = "--trace", description = "Print, for each timed pass: both threads' progress every 250 ms, CPU "
            + "per event by thread group, with the embedded broker its requests by type, and the pass's window in JVM "
            + "uptime (to read beside -XX:+PrintCompilation).")
    boolean trace;
    @Option(names = "--json", description = "Write the results here.")
    Path json;
    @Option(names = "--bootstrap-servers", description = "Use this cluster instead of an embedded broker "
            + "(a dedicated one: the bench writes to the planpulse topics).")
    String bootstrap;
    @Option(names = "--fork", negatable = true, defaultValue = "true", fallbackValue = "true", description = "Run in a "
            + "new JVM with a fixed heap of --heap, touched in full at start (-Xms = -Xmx, -XX:+AlwaysPreTouch), as "
            + "JMH forks; --no-fork runs in this JVM, with its own flags (default: fork).")
    boolean fork;
    @Option(names = "--heap", description = "Heap of the forked JVM (default ${DEFAULT-VALUE}).")
    String heap = "3g";
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        BenchOptions options = options();
        if (fork) {
            return Fork.run(heap, spec.commandLine().getParseResult().expandedArgs());
        }
        return Bench.run(options);
    }

    /** The knobs, checked before anything runs (or forks): a bad one is a {@link BadInput}. */
    BenchOptions options() throws BadInput {
        try {
            return new BenchOptions(events, partitions, rate, freshnessSeconds, threads, runs, planTargets,
                    warmupSeconds, passes, instances, commitIntervalMs, compression, streamsConfig, trace, json,
                    bootstrap, districts, kpiPartitions);
        } catch (IllegalArgumentException e) {
            throw new BadInput("bench: " + e.getMessage());
        }
    }
}
