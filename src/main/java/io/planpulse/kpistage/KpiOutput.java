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

    /**
     * To the aggregate stage (repartition kpi-contributions, keyed by the aggregate's province): what one partition
     * of the KPI stage contributes to one aggregate plan.
     */
    record Contribution(String province, io.planpulse.avro.internal.KpiContribution contribution) implements KpiOutput {
    }

    /** To planpulse.district-facts (key district/year); a null value is a tombstone (the year's facts are dropped). */
    record Districts(io.planpulse.avro.DistrictFacts facts) implements KpiOutput {
    }

    /** To planpulse.unplanned; a null subject is a tombstone (a target now names it). */
    record Unplanned(UnplannedSubject subject) implements KpiOutput {
    }
}
