package io.planpulse.pipeline;

import io.planpulse.base.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.planpulse.avro.internal.KpiInput;
import io.planpulse.intake.CommitHook;
import io.planpulse.intake.IntakeOutput;
import io.planpulse.intake.IntakeProcessor;
import io.planpulse.kpistage.AggregateProcessor;
import io.planpulse.kpistage.KpiOutput;
import io.planpulse.kpistage.KpiProcessor;
import io.planpulse.plan.PlanCatalog;
import io.planpulse.plan.PlanStoreUpdater;
import io.planpulse.base.Stream;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The planpulse topology.
 *
 * <pre>
 *  planpulse.plan ──► global store planpulse-plan ──► PlanCatalog: one whole version per year in force
 *
 *  planpulse.{truck-departures, trade-declarations, hub-throughput}     (one sub-topology per stream)
 *        └► intake-*: decode, validate, dedup by id (400 days), pre-aggregate facts per
 *                     (year, month, combination of the stream's dimensions) ──────────────────────────┐
 *  planpulse.{project-progress, indicator-reports}                                                     │
 *        └► intake-*: decode, validate, dedup by id ──────────────────────────────────────────────────┤
 *                                  rejects ► planpulse.rejected                                        ▼
 *       repartition kpi-input-* (planpulse.kpi.partitions each, by district) ► kpi: per partition, its districts'
 *                                     facts (flow cells, reports in force) and their plans as queries over them
 *                                                    ├► planpulse.kpi (compacted, key district/year/id)
 *                                                    ├► planpulse.status-changes
 *                                                    ├► planpulse.unplanned, planpulse.district-facts (compacted)
 *                                                    └► repartition kpi-contributions (by province) ► aggregate:
 *                                                         the aggregate plans (a city's) from every partition's
 *                                                         contribution ► planpulse.kpi, planpulse.status-changes
 * </pre>
 *
 * Months are calendar months in the deployment's zone, taken from the event's own time (flows) or period (reports);
 * record timestamps only order and age the dedup store. The as-of clock drives closed years and evaluation.
 */
public final class PlanpulseTopology {
    /** What {@code planpulse.facts.max-cells} is when nobody sets it (CONTRACT section 3, "Bounded by design"). */
    public static final int DEFAULT_MAX_CELLS = 100_000;
    /** What {@code planpulse.district} is when nobody sets it: 巴南区, the district of the shipped plan (section 1b). */
    public static final String DEFAULT_DISTRICT = io.planpulse.base.Districts.DEFAULT;
    /** What {@code planpulse.kpi.partitions} is when nobody sets it (see the README, "Many districts"). */
    public static final int DEFAULT_KPI_PARTITIONS = 1;

    /**
     * Knobs of the topology; {@link #defaults(Clock)} suits production and tests alike.
     *
     * @param catalog the plans in force; the HTTP API reads the same one (GET /api/plans)
     * @param maxCells the flow cells kept per (stream, year) before the rest go to the stream's overflow cell
     */
    public record Settings(Clock clock, PlanCatalog catalog, Duration evaluateInterval,
                           Duration clockTick, int maxCells, String district, int kpiPartitions) {
        public Settings {
            if (kpiPartitions < 1) {
                throw new IllegalArgumentException("planpulse.kpi.partitions must be at least 1, not " + kpiPartitions);
            }
            if (maxCells < 1) {
                throw new IllegalArgumentException("planpulse.facts.max-cells must be at least 1, not " + maxCells);
            }
            if (!io.planpulse.base.Districts.isCode(district)) {
                throw new IllegalArgumentException("planpulse.district must be a 6-digit administrative division code"
                        + " (GB/T 2260), not '" + district + "'");
            }
        }

        public static Settings defaults(Clock clock) {
            return defaults(clock, ZoneId.of("Asia/Shanghai"));
        }

        public static Settings defaults(Clock clock, ZoneId zone) {
            return new Settings(clock, new PlanCatalog(zone, DEFAULT_DISTRICT), Duration.ofMillis(100),
                    Duration.ofSeconds(5), DEFAULT_MAX_CELLS, DEFAULT_DISTRICT, DEFAULT_KPI_PARTITIONS);
        }

        public Settings withMaxCells(int cells) {
            return new Settings(clock, catalog, evaluateInterval, clockTick, cells, district, kpiPartitions);
        }

        /** How many partitions the KPI stage's work is split in (planpulse.kpi.partitions). */
        public Settings withKpiPartitions(int n) {
            return new Settings(clock, catalog, evaluateInterval, clockTick, maxCells, district, n);
        }

        /** The deployment's district: that of events and plans that name none. */
        public Settings withDistrict(String d) {
            return new Settings(clock, new PlanCatalog(catalog.zone(), d), evaluateInterval, clockTick, maxCells, d,
                    kpiPartitions);
        }
    }

    private PlanpulseTopology() {
    }

    public static Topology build(Settings settings, MeterRegistry registry) {
        StreamsBuilder builder = new StreamsBuilder();
        build(builder, settings, registry);
        return builder.build();
    }

    public static void build(StreamsBuilder builder, Settings settings, MeterRegistry registry) {
        PlanCatalog catalog = settings.catalog();
        builder.addGlobalStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(Topics.PLAN_STORE), Serdes.String(),
                        Serdes.ByteArray()).withLoggingDisabled(),
                Topics.PLAN.name(), Topics.PLAN.consumed("plan-source"),
                () -> new PlanStoreUpdater(catalog));

        // Each input stream is its own sub-topology (its tasks never wait on another stream's partitions) with its
        // own repartition topic into the KPI stage: planpulse.kpi.partitions partitions, a district's facts in one.
        int partitions = settings.kpiPartitions();
        io.planpulse.base.KpiLayout layout = io.planpulse.base.KpiLayout.of(partitions);
        org.apache.kafka.streams.processor.StreamPartitioner<String, KpiInput> byDistrict =
                (topic, key, value, n) -> java.util.Optional.of(java.util.Set.of(
                        io.planpulse.base.Districts.partition(KpiProcessor.districtOf(value, settings.district()), n)));
        KStream<String, KpiInput> kpiInput = null;
        for (Stream s : Stream.values()) {
            // Ids and pending sums, in batches written when full and before each commit (by the hook): uncached, so
            // what the hook writes reaches the changelog in the commit it precedes.
            builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(Topics.journalStore(s)),
                    Serdes.Bytes(), Serdes.ByteArray()).withCachingDisabled());
            builder.addStateStore(CommitHook.builder(Topics.commitHook(s)));
            Map<String, KStream<String, IntakeOutput>> routes = builder
                    .stream(s.topic(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("source-" + s.type()))
                    .process(() -> new IntakeProcessor(s, catalog, registry, settings.clock(), settings.district()),
                            Named.as(Topics.intakeName(s)), Topics.journalStore(s), Topics.commitHook(s))
                    .split(Named.as("route-" + s.type() + "-"))
                    .branch((k, v) -> v instanceof IntakeOutput.Rejected, Branched.as("rejected"))
                    .defaultBranch(Branched.as("kpi-input"));
            routes.get("route-" + s.type() + "-rejected")
                    .mapValues(v -> ((IntakeOutput.Rejected) v).record(), Named.as("as-rejected-" + s.type()))
                    .to(Topics.REJECTED.name(), Topics.REJECTED.produced("rejected-sink-" + s.type()));
            KStream<String, KpiInput> in = routes.get("route-" + s.type() + "-kpi-input")
                    .mapValues(v -> ((IntakeOutput.ToKpi) v).input(), Named.as("as-kpi-input-" + s.type()))
                    .repartition(Repartitioned.with(Serdes.String(), Topics.KPI_INPUT.serde())
                            .withName(layout.kpiInputRepartition(s)).withNumberOfPartitions(partitions)
                            .withStreamPartitioner(byDistrict));
            kpiInput = kpiInput == null ? in : kpiInput.merge(in, Named.as("merge-kpi-input-" + s.type()));
        }

        // The KPI stage's state is small (facts: a few thousand cells and subjects a year; a few hundred targets):
        // logged in-memory stores, read onto the heap at start. The facts are written by the commit hook once per
        // commit, so their stores are uncached (what the hook writes reaches the changelog in that commit).
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(layout.flowFacts()),
                Serdes.String(), Topics.FLOW_FACT.serde()).withCachingDisabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(layout.reportFacts()),
                Serdes.String(), Topics.REPORT_FACT.serde()).withCachingDisabled());
        builder.addStateStore(CommitHook.builder(Topics.KPI_COMMIT_HOOK));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(layout.kpiLast()),
                Serdes.String(), Topics.KPI_SNAPSHOT.serde()).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(layout.unplannedLast()),
                Serdes.String(), Topics.UNPLANNED_SUBJECT.serde()).withCachingEnabled());

        Map<String, KStream<String, KpiOutput>> outputs = kpiInput
                .process(() -> new KpiProcessor(catalog, registry, settings.clock(), settings.evaluateInterval(),
                                settings.clockTick(), settings.maxCells(), settings.district(), partitions),
                        Named.as("kpi"), layout.flowFacts(), layout.reportFacts(), Topics.KPI_COMMIT_HOOK,
                        layout.kpiLast(), layout.unplannedLast())
                .split(Named.as("out-"))
                .branch((k, v) -> v instanceof KpiOutput.Snapshot, Branched.as("kpi"))
                .branch((k, v) -> v instanceof KpiOutput.Unplanned, Branched.as("unplanned"))
                .branch((k, v) -> v instanceof KpiOutput.Contribution, Branched.as("contribution"))
                .branch((k, v) -> v instanceof KpiOutput.Districts, Branched.as("districts"))
                .defaultBranch(Branched.as("status"));
        // The casts follow the branch predicates above (a sealed type has no pattern switch on Java 17).
        outputs.get("out-kpi")
                .mapValues(v -> ((KpiOutput.Snapshot) v).snapshot(), Named.as("as-kpi"))
                .to(Topics.KPI.name(), Topics.KPI.produced("kpi-sink"));
        // The aggregate stage: contributions keyed by the aggregate's province, evaluated where that key lands.
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(layout.aggregateParts()),
                Serdes.String(), Topics.KPI_CONTRIBUTION.serde()).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(layout.aggregateLast()),
                Serdes.String(), Topics.KPI_SNAPSHOT.serde()).withCachingEnabled());
        Map<String, KStream<String, KpiOutput>> aggregates = outputs.get("out-contribution")
                .map((k, v) -> org.apache.kafka.streams.KeyValue.pair(((KpiOutput.Contribution) v).province(),
                        ((KpiOutput.Contribution) v).contribution()), Named.as("as-contribution"))
                .repartition(Repartitioned.with(Serdes.String(), Topics.KPI_CONTRIBUTION.serde())
                        .withName(layout.contributionsRepartition()).withNumberOfPartitions(partitions))
                .process(() -> new AggregateProcessor(catalog, registry, settings.clock(), settings.evaluateInterval(),
                                settings.clockTick(), partitions),
                        Named.as("aggregate"), layout.aggregateParts(), layout.aggregateLast())
                .split(Named.as("aggregate-out-"))
                .branch((k, v) -> v instanceof KpiOutput.Snapshot, Branched.as("kpi"))
                .defaultBranch(Branched.as("status"));
        aggregates.get("aggregate-out-kpi")
                .mapValues(v -> ((KpiOutput.Snapshot) v).snapshot(), Named.as("as-aggregate-kpi"))
                .to(Topics.KPI.name(), Topics.KPI.produced("aggregate-kpi-sink"));
        aggregates.get("aggregate-out-status")
                .mapValues(v -> ((KpiOutput.Change) v).change(), Named.as("as-aggregate-status-change"))
                .to(Topics.STATUS_CHANGES.name(), Topics.STATUS_CHANGES.produced("aggregate-status-changes-sink"));
        outputs.get("out-districts")
                .mapValues(v -> ((KpiOutput.Districts) v).facts(), Named.as("as-district-facts"))
                .to(Topics.DISTRICTS.name(), Topics.DISTRICTS.produced("district-facts-sink"));
        outputs.get("out-unplanned")
                .mapValues(v -> ((KpiOutput.Unplanned) v).subject(), Named.as("as-unplanned"))
                .to(Topics.UNPLANNED.name(), Topics.UNPLANNED.produced("unplanned-sink"));
        outputs.get("out-status")
                .mapValues(v -> ((KpiOutput.Change) v).change(), Named.as("as-status-change"))
                .to(Topics.STATUS_CHANGES.name(), Topics.STATUS_CHANGES.produced("status-changes-sink"));
    }
}
