package io.planpulse.kpistage;

import io.planpulse.avro.KpiSnapshot;
import io.planpulse.avro.MonthValue;
import io.planpulse.kpi.Kpi;
import io.planpulse.kpi.MonthPoint;
import io.planpulse.plan.Target;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Conversions between the KPI arithmetic and the records of the pipeline. */
public final class Snapshots {
    private Snapshots() {
    }

    /** A KPI as published, with the plan version (and its size) it was computed from. */
    public static KpiSnapshot toAvro(Kpi k, Instant updatedAt, String planVersion, int planSize) {
        Target t = k.plan();
        List<MonthValue> months = new ArrayList<>(12);
        for (MonthPoint p : k.months()) {
            months.add(new MonthValue(p.month(), p.value(), p.cumulative()));
        }
        return KpiSnapshot.newBuilder()
                .setYear(t.year()).setId(t.id()).setNameZh(t.nameZh()).setNameEn(t.nameEn())
                .setCategory(t.category()).setUnit(t.unit()).setKind(t.kind().wire())
                .setComparator(t.comparator().wire()).setTarget(k.target()).setBaseline(t.baseline()).setActual(k.actual())
                .setCompletion(k.completion()).setExpected(k.expected()).setGap(k.gap())
                .setStatus(k.status().wire()).setOverdue(k.overdue()).setParent(t.parent()).setOwner(t.owner())
                .setDataThrough(k.dataThrough()).setUpdatedAt(updatedAt).setMonths(months)
                .setChildren(k.children())
                .setLastEventAt(k.lastEventAt() == 0 ? null : Instant.ofEpochMilli(k.lastEventAt()))
                .setPlanVersion(planVersion).setPlanSize(planSize)
                .setProjected(k.projected()).setProjectedCompletion(k.projectedCompletion())
                .setOutlook(k.outlook() == null ? null : k.outlook().wire())
                .build();
    }

    /** Equal apart from when it was evaluated and which event it last reflected. */
    public static boolean sameFigures(KpiSnapshot a, KpiSnapshot b) {
        if (a == null || b == null) {
            return false;
        }
        // compare in place (a copy of the record and its months cost more than the evaluation of a target)
        Instant updated = a.getUpdatedAt();
        Instant lastEvent = a.getLastEventAt();
        a.setUpdatedAt(b.getUpdatedAt());
        a.setLastEventAt(b.getLastEventAt());
        try {
            return a.equals(b);
        } finally {
            a.setUpdatedAt(updated);
            a.setLastEventAt(lastEvent);
        }
    }
}
