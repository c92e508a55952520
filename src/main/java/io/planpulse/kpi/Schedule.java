package io.planpulse.kpi;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.List;

/**
 * The share of a target due at an instant: the schedule's value at each month end, linear in time between
 * month ends, 0 before the year starts and 1 after it ends. Months are calendar months in the plan's zone.
 */
public final class Schedule {
    private Schedule() {
    }

    public static double shareDue(List<Double> schedule, int year, ZoneId zone, Instant t) {
        Instant start = startOfMonth(YearMonth.of(year, 1), zone);
        Instant end = startOfMonth(YearMonth.of(year + 1, 1), zone);
        if (t.isBefore(start)) {
            return 0.0;
        }
        if (!t.isBefore(end)) {
            return 1.0;
        }
        YearMonth month = YearMonth.from(t.atZone(zone));
        Instant ms = startOfMonth(month, zone);
        Instant me = startOfMonth(month.plusMonths(1), zone);
        int m = month.getMonthValue() - 1;
        double prev = m == 0 ? 0.0 : schedule.get(m - 1);
        double frac = (double) (t.toEpochMilli() - ms.toEpochMilli()) / (me.toEpochMilli() - ms.toEpochMilli());
        return prev + (schedule.get(m) - prev) * frac;
    }

    public static Instant startOfMonth(YearMonth month, ZoneId zone) {
        return month.atDay(1).atStartOfDay(zone).toInstant();
    }

    /** The end of a month: the first instant of the next one. */
    public static Instant endOfMonth(YearMonth month, ZoneId zone) {
        return startOfMonth(month.plusMonths(1), zone);
    }
}
