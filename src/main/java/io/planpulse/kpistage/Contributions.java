package io.planpulse.kpistage;

import io.planpulse.avro.DistrictFigure;
import io.planpulse.avro.KpiSnapshot;
import io.planpulse.avro.internal.DistrictPart;
import io.planpulse.avro.internal.PartData;
import io.planpulse.kpi.KpiEngine;
import io.planpulse.kpi.TargetData;
import java.math.BigDecimal;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;

/**
 * The arithmetic of a partition's contribution to an aggregate plan, to and from its records: exact decimals as
 * their strings, so the aggregate stage adds up exactly what one task holding every fact would have.
 */
final class Contributions {
    private Contributions() {
    }

    static PartData part(TargetData d) {
        if (d == null) {
            return null;
        }
        List<String> months = new ArrayList<>(12);
        List<Boolean> reported = new ArrayList<>(12);
        for (int m = 0; m < 12; m++) {
            months.add(d.months()[m].toString());
            reported.add(d.reported()[m]);
        }
        return new PartData(months, reported, d.events(), d.lastEventAt());
    }

    static TargetData data(PartData p) {
        BigDecimal[] months = new BigDecimal[12];
        boolean[] reported = new boolean[12];
        for (int m = 0; m < 12; m++) {
            months[m] = new BigDecimal(p.getMonths().get(m));
            reported[m] = p.getReported().get(m);
        }
        return new TargetData(months, reported, p.getEvents(), p.getLastEventAt());
    }

    /** What one partition's parts of a target add up to; null when none selects anything. */
    static TargetData sum(TargetData a, PartData b) {
        if (b == null) {
            return a;
        }
        TargetData d = data(b);
        return a == null ? d : a.plus(d);
    }

    /** A district's roll-up of a target, with the figures it last published for it. */
    static DistrictPart part(String district, KpiEngine.Rolled r, KpiSnapshot published) {
        DistrictFigure f = figure(district, published);
        return DistrictPart.newBuilder().setDistrict(district)
                .setFigureActual(f.getActual()).setFigureTarget(f.getTarget())
                .setActual(str(r.actual())).setValues(strs(r.values())).setCumulative(strs(r.cumulative()))
                .setHasData(r.hasData()).setReportFed(r.reportFed())
                .setDataThrough(r.dataThrough() == null ? null : r.dataThrough().toString())
                .setTarget(str(r.target())).setOverdue(r.overdue()).setLastEventAt(r.lastEventAt())
                .setProjected(str(r.projected())).build();
    }

    /** The roll-up as districts: targets add it (its share of the year is not used there: zero). */
    static KpiEngine.Rolled rolled(DistrictPart p) {
        return new KpiEngine.Rolled(dec(p.getActual()), decs(p.getValues()), decs(p.getCumulative()), p.getHasData(),
                p.getReportFed(), p.getDataThrough() == null ? null : YearMonth.parse(p.getDataThrough()),
                dec(p.getTarget()), p.getOverdue(), p.getLastEventAt(), dec(p.getProjected()), BigDecimal.ZERO);
    }

    static DistrictFigure figure(DistrictPart p) {
        return new DistrictFigure(p.getDistrict(), p.getFigureActual(), p.getFigureTarget());
    }

    /** A district's figures of a target as it last published them (none yet: nulls). */
    static DistrictFigure figure(String district, KpiSnapshot published) {
        return new DistrictFigure(district, published == null ? null : published.getActual(),
                published == null ? null : published.getTarget());
    }

    private static String str(BigDecimal d) {
        return d == null ? null : d.toString();
    }

    private static BigDecimal dec(String s) {
        return s == null ? null : new BigDecimal(s);
    }

    private static List<String> strs(BigDecimal[] ds) {
        List<String> out = new ArrayList<>(ds.length);
        for (BigDecimal d : ds) {
            out.add(str(d));
        }
        return out;
    }

    private static BigDecimal[] decs(List<String> ss) {
        BigDecimal[] out = new BigDecimal[ss.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = dec(ss.get(i));
        }
        return out;
    }
}
