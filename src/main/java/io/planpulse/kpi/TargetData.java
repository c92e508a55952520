package io.planpulse.kpi;

import java.math.BigDecimal;

/**
 * What the pipeline knows of one target: per calendar month of the plan year, the exact sum of the measure
 * (flows) or the value of the report in force (monthly reports), in event units (before scale).
 *
 * @param months      12 exact amounts, January first; zero where nothing arrived
 * @param reported    12 flags: the month has at least one event or a report
 * @param lastEventAt newest Kafka record timestamp reflected, millis (0 if none)
 */
public record TargetData(BigDecimal[] months, boolean[] reported, long events, long lastEventAt) {
    public static TargetData empty() {
        BigDecimal[] m = new BigDecimal[12];
        java.util.Arrays.fill(m, BigDecimal.ZERO);
        return new TargetData(m, new boolean[12], 0, 0);
    }

    /** This and another subject's data added month by month (a project reported in two districts). */
    public TargetData plus(TargetData o) {
        BigDecimal[] m = new BigDecimal[12];
        boolean[] r = new boolean[12];
        for (int i = 0; i < 12; i++) {
            m[i] = months[i].add(o.months[i]);
            r[i] = reported[i] || o.reported[i];
        }
        return new TargetData(m, r, events + o.events, Math.max(lastEventAt, o.lastEventAt));
    }

    public boolean hasData() {
        for (boolean b : reported) {
            if (b) {
                return true;
            }
        }
        return false;
    }
}
