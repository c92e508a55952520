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

    public boolean hasData() {
        for (boolean b : reported) {
            if (b) {
                return true;
            }
        }
        return false;
    }
}
