package io.planpulse.kpistage;

import io.planpulse.avro.KpiSnapshot;
import io.planpulse.avro.StatusChange;
import io.planpulse.avro.UnplannedSubject;

/** What the KPI stage forwards, one record type per output topic. */
public sealed interface KpiOutput {
    /** To planpulse.kpi; a null snapshot is a tombstone (the target left the plan). */
    record Snapshot(KpiSnapshot snapshot) implements KpiOutput {
    }

    /** To planpulse.status-changes. */
    record Change(StatusChange change) implements KpiOutput {
    }

    /** To planpulse.unplanned; a null subject is a tombstone (a target now names it). */
    record Unplanned(UnplannedSubject subject) implements KpiOutput {
    }
}
