package io.planpulse.base;

import io.planpulse.avro.DistrictFacts;
import io.planpulse.avro.HubThroughput;
import io.planpulse.avro.IndicatorReport;
import io.planpulse.avro.KpiSnapshot;
import io.planpulse.avro.PlanTarget;
import io.planpulse.avro.PlanVersion;
import io.planpulse.avro.ProjectProgress;
import io.planpulse.avro.RejectedRecord;
import io.planpulse.avro.StatusChange;
import io.planpulse.avro.TradeDeclaration;
import io.planpulse.avro.TruckDeparture;
import io.planpulse.avro.UnplannedSubject;
import io.planpulse.avro.internal.KpiContribution;
import io.planpulse.avro.internal.KpiInput;
import io.planpulse.avro.internal.FlowFact;
import io.planpulse.avro.internal.ReportFact;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Every topic (typed, with its serdes), state store and repartition name of planpulse, and the codecs of their values,
 * in one place. Nothing here imports a planpulse package but the generated Avro records.
 */
public final class Topics {
    public static final AvroCodec<TruckDeparture> TRUCK_DEPARTURE = AvroCodec.of(TruckDeparture.getClassSchema());
    public static final AvroCodec<TradeDeclaration> TRADE_DECLARATION = AvroCodec.of(TradeDeclaration.getClassSchema());
    public static final AvroCodec<HubThroughput> HUB_THROUGHPUT = AvroCodec.of(HubThroughput.getClassSchema());
    public static final AvroCodec<ProjectProgress> PROJECT_PROGRESS = AvroCodec.of(ProjectProgress.getClassSchema());
    public static final AvroCodec<IndicatorReport> INDICATOR_REPORT = AvroCodec.of(IndicatorReport.getClassSchema());
    public static final AvroCodec<PlanTarget> PLAN_TARGET = AvroCodec.of(PlanTarget.getClassSchema());
    public static final AvroCodec<KpiSnapshot> KPI_SNAPSHOT = AvroCodec.of(KpiSnapshot.getClassSchema());
    public static final AvroCodec<StatusChange> STATUS_CHANGE = AvroCodec.of(StatusChange.getClassSchema());
    public static final AvroCodec<RejectedRecord> REJECTED_RECORD = AvroCodec.of(RejectedRecord.getClassSchema());
    public static final AvroCodec<KpiInput> KPI_INPUT = AvroCodec.of(KpiInput.getClassSchema());
    public static final AvroCodec<KpiContribution> KPI_CONTRIBUTION = AvroCodec.of(KpiContribution.getClassSchema());
    public static final AvroCodec<FlowFact> FLOW_FACT = AvroCodec.of(FlowFact.getClassSchema());
    public static final AvroCodec<ReportFact> REPORT_FACT = AvroCodec.of(ReportFact.getClassSchema());
    public static final AvroCodec<PlanVersion> PLAN_VERSION = AvroCodec.of(PlanVersion.getClassSchema());
    public static final AvroCodec<UnplannedSubject> UNPLANNED_SUBJECT = AvroCodec.of(UnplannedSubject.getClassSchema());
    public static final AvroCodec<DistrictFacts> DISTRICT_FACTS = AvroCodec.of(DistrictFacts.getClassSchema());

    // Input topics, typed by the records producers write in the default format (single-object Avro). The intake
    // reads their bytes itself: JSON and Confluent-framed Avro are accepted on them too (CONTRACT section 3).
    public static final Topic<String, ProjectProgress> PROJECT_PROGRESS_IN = input(Stream.PROJECT_PROGRESS, PROJECT_PROGRESS);
    public static final Topic<String, TruckDeparture> TRUCK_DEPARTURES_IN = input(Stream.TRUCK_DEPARTURE, TRUCK_DEPARTURE);
    public static final Topic<String, TradeDeclaration> TRADE_DECLARATIONS_IN = input(Stream.TRADE_DECLARATION, TRADE_DECLARATION);
    public static final Topic<String, HubThroughput> HUB_THROUGHPUT_IN = input(Stream.HUB_THROUGHPUT, HUB_THROUGHPUT);
    public static final Topic<String, IndicatorReport> INDICATOR_REPORTS_IN = input(Stream.INDICATOR_REPORT, INDICATOR_REPORT);

    /** Plan versions: PlanTarget and PlanVersion records under one key space (see PlanCodec), compacted. */
    public static final Topic<String, byte[]> PLAN = new Topic<>("planpulse.plan", Serdes.String(), Serdes.ByteArray());
    /** Every target's latest KPI (compacted, key year/id). */
    public static final Topic<String, KpiSnapshot> KPI = new Topic<>("planpulse.kpi", Serdes.String(), KPI_SNAPSHOT.serde());
    public static final Topic<String, StatusChange> STATUS_CHANGES = new Topic<>("planpulse.status-changes", Serdes.String(),
            STATUS_CHANGE.serde());
    public static final Topic<String, RejectedRecord> REJECTED = new Topic<>("planpulse.rejected", Serdes.String(),
            REJECTED_RECORD.serde());
    /** Report subjects with reports in a year whose plan names no target for them (compacted, key year/stream/subject). */
    public static final Topic<String, UnplannedSubject> UNPLANNED = new Topic<>("planpulse.unplanned", Serdes.String(),
            UNPLANNED_SUBJECT.serde());

    /** The districts with facts, per year, whatever any plan says (compacted, key district/year). */
    public static final Topic<String, DistrictFacts> DISTRICTS = new Topic<>("planpulse.district-facts", Serdes.String(),
            DISTRICT_FACTS.serde());

    /** Names of the topics the pipeline reads events from; see {@link Stream#topic()}. */
    public static final List<String> INPUTS = java.util.Arrays.stream(Stream.values()).map(Stream::topic).toList();
    public static final List<String> COMPACTED = List.of(PLAN.name(), KPI.name(), UNPLANNED.name(), DISTRICTS.name());
    public static final List<String> ALL = java.util.stream.Stream.concat(INPUTS.stream(),
            java.util.stream.Stream.of(PLAN, KPI, STATUS_CHANGES, REJECTED, UNPLANNED, DISTRICTS).map(Topic::name)).toList();

    /** Global store of the plan catalogue: every version's targets and manifests (see PlanCatalog). */
    public static final String PLAN_STORE = "planpulse-plan";
    /** Per (year, stream, cell): the flow facts, monthly counts and sums per measure. */
    public static final String FLOW_FACT_STORE = "planpulse-flow-facts";
    /** Per (year, stream, subject): the report in force for each month. */
    public static final String REPORT_FACT_STORE = "planpulse-report-facts";
    /** Per (year, target): the snapshot last published, to publish only changes and detect status transitions. */
    public static final String KPI_LAST_STORE = "planpulse-kpi-last";
    /** Per (year, stream, subject): the unplanned subject last published. */
    public static final String UNPLANNED_LAST_STORE = "planpulse-unplanned-last";
    /** The KPI stage's commit hook: writes the facts changed since the last commit. */
    public static final String KPI_COMMIT_HOOK = "planpulse-commit-hook-kpi";
    /** Prefix of the repartition topics (one per stream, planpulse.kpi.partitions each) from intake to the KPI stage. */
    public static final String KPI_INPUT_REPARTITION = "kpi-input";
    /** The repartition from the KPI stage's partitions to the aggregate stage (keyed by the aggregate's province). */
    public static final String KPI_CONTRIBUTIONS_REPARTITION = "kpi-contributions";
    /** Per (aggregate plan, KPI partition): the partition's latest contribution, merged. */
    public static final String AGGREGATE_PARTS_STORE = "planpulse-aggregate-parts";
    /** Per aggregate plan's (district/year/id): the snapshot last published. */
    public static final String AGGREGATE_LAST_STORE = "planpulse-aggregate-last";

    private Topics() {
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> Topic<String, T> input(Stream s, AvroCodec<T> codec) {
        return new Topic<>(s.topic(), Serdes.String(), codec.serde());
    }

    /** Per intake task: the ids seen and the flow sums not yet forwarded, in batches (see Journal). */
    public static String journalStore(Stream s) {
        return "planpulse-journal-" + s.type().replace('_', '-');
    }

    /** Per intake task: runs the journal's write before every commit (see CommitHook). */
    public static String commitHook(Stream s) {
        return "planpulse-commit-hook-" + s.type().replace('_', '-');
    }

    public static String intakeName(Stream s) {
        return "intake-" + s.type().replace('_', '-');
    }
}
