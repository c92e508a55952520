package io.planpulse.intake;

import io.planpulse.avro.RejectedRecord;
import io.planpulse.avro.internal.KpiInput;

/** What an intake task forwards: a fact (or report) for the KPI stage, or a rejected record. */
public sealed interface IntakeOutput {
    /** Goes to the KPI stage (kpi-input repartition). */
    record ToKpi(KpiInput input) implements IntakeOutput {
    }

    /** Goes to planpulse.rejected. */
    record Rejected(RejectedRecord record) implements IntakeOutput {
    }
}
