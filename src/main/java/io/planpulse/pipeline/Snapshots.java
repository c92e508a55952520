package io.planpulse.pipeline;

import io.planpulse.avro.KpiSnapshot;
import io.planpulse.avro.MonthValue;
import io.planpulse.avro.internal.TargetState;
import io.planpulse.kpi.Kpi;
import io.planpulse.kpi.MonthPoint;
import io.planpulse.kpi.TargetData;
import io.planpulse.plan.Target;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Conversions between the KPI arithmetic and the records of the pipeline. */
public final class Snapshots {
    private Snapshots() {
    }

    public static KpiSnapshot toAvro(Kpi k, Instant updatedAt) {
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
                .build();
    }

    /** Equal apart from when it was evaluated and which event it last reflected. */
    public static boolean sameFigures(KpiSnapshot a, KpiSnapshot b) {
        if (a == null || b == null) {
            return false;
        }
        KpiSnapshot copy = KpiSnapshot.newBuilder(a).setUpdatedAt(b.getUpdatedAt()).setLastEventAt(b.getLastEventAt()).build();
        return copy.equals(b);
    }

    public static TargetState emptyState() {
        return TargetState.newBuilder()
                .setMonths(new ArrayList<>(Collections.nCopies(12, "0")))
                .setReported(new ArrayList<>(Collections.nCopies(12, false)))
                .setEvents(0).setLastEventAt(0).build();
    }

    public static TargetData toData(TargetState s) {
        BigDecimal[] months = new BigDecimal[12];
        boolean[] reported = new boolean[12];
        for (int m = 0; m < 12; m++) {
            months[m] = new BigDecimal(s.getMonths().get(m));
            reported[m] = s.getReported().get(m);
        }
        return new TargetData(months, reported, s.getEvents(), s.getLastEventAt());
    }
}
