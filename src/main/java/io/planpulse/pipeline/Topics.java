package io.planpulse.pipeline;

import io.planpulse.avro.HubThroughput;
import io.planpulse.avro.IndicatorReport;
import io.planpulse.avro.KpiSnapshot;
import io.planpulse.avro.PlanTarget;
import io.planpulse.avro.ProjectProgress;
import io.planpulse.avro.RejectedRecord;
import io.planpulse.avro.StatusChange;
import io.planpulse.avro.TradeDeclaration;
import io.planpulse.avro.TruckDeparture;
import io.planpulse.avro.internal.KpiInput;
import io.planpulse.avro.internal.ReportState;
import io.planpulse.avro.internal.TargetState;
import io.planpulse.plan.Stream;
import java.util.List;

/** Every topic, state store and repartition name of planpulse, and the codecs of their values, in one place. */
public final class Topics {
    public static final String PLAN = "planpulse.plan";
    public static final String KPI = "planpulse.kpi";
    public static final String STATUS_CHANGES = "planpulse.status-changes";
    public static final String REJECTED = "planpulse.rejected";

    /** Topics the pipeline reads events from; see {@link Stream#topic()}. */
    public static final List<String> INPUTS = java.util.Arrays.stream(Stream.values()).map(Stream::topic).toList();
    public static final List<String> COMPACTED = List.of(PLAN, KPI);
    public static final List<String> ALL = java.util.stream.Stream.concat(INPUTS.stream(),
            java.util.stream.Stream.of(PLAN, KPI, STATUS_CHANGES, REJECTED)).toList();

    /** Global store of the plan catalogue, key year/id. */
    public static final String PLAN_STORE = "planpulse-plan";
    /** Per (year, target): monthly sums and report flags. */
    public static final String TARGET_STATE_STORE = "planpulse-target-state";
    /** Per (year, target, month): the report in force. */
    public static final String REPORT_STATE_STORE = "planpulse-report-state";
    /** Per (year, target): the snapshot last published, to publish only changes and detect status transitions. */
    public static final String KPI_LAST_STORE = "planpulse-kpi-last";
    /** Prefix of the repartition topics (one per stream, one partition each) from intake to the KPI stage. */
    public static final String KPI_INPUT_REPARTITION = "kpi-input";

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
    public static final AvroCodec<TargetState> TARGET_STATE = AvroCodec.of(TargetState.getClassSchema());
    public static final AvroCodec<ReportState> REPORT_STATE = AvroCodec.of(ReportState.getClassSchema());

    private Topics() {
    }

    /** Per intake task: the ids seen and the flow sums not yet forwarded, in batches (see Journal). */
    public static String journalStore(Stream s) {
        return "planpulse-journal-" + s.type().replace('_', '-');
    }

    /** Per intake task: runs the journal's write before every commit (see CommitHook). */
    public static String commitHook(Stream s) {
        return "planpulse-commit-hook-" + s.type().replace('_', '-');
    }

    /** The repartition name of one stream's way into the KPI stage (topic: APP_ID-NAME-repartition). */
    public static String kpiInputRepartition(Stream s) {
        return KPI_INPUT_REPARTITION + "-" + s.type().replace('_', '-');
    }

    public static String intakeName(Stream s) {
        return "intake-" + s.type().replace('_', '-');
    }
}
