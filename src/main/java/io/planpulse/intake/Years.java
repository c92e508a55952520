package io.planpulse.intake;

import io.planpulse.events.InputEvent;
import io.planpulse.events.Rejection;
import io.planpulse.plan.PlanCatalog;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;

/**
 * Calendar years and months of the deployment's zone for the intake, and the two time checks of CONTRACT section 3
 * that need no plan but its deadline day: a time or period more than a year ahead of the clock is
 * {@code out_of_range}; one of a closed year is {@code late}. Month boundaries are cached per year.
 */
final class Years {
    private final PlanCatalog catalog;
    private final Clock clock;
    private final ZoneId zone;
    private final Map<Integer, long[]> starts = new HashMap<>();
    private final Map<Integer, Long> closes = new HashMap<>();
    private long catalogVersion = -1;
    private int closeYear = Integer.MIN_VALUE;
    private long closeAt;
    private int lastYear = Integer.MIN_VALUE;
    private long[] last;
    private long horizonAt = Long.MIN_VALUE;
    private long horizon;

    Years(PlanCatalog catalog, Clock clock) {
        this.catalog = catalog;
        this.clock = clock;
        this.zone = catalog.zone();
    }

    private long[] starts(int year) {
        if (year == lastYear) {
            return last;
        }
        long[] s = starts.computeIfAbsent(year, y -> PlanCatalog.monthStarts(y, zone));
        lastYear = year;
        last = s;
        return s;
    }

    /** The calendar year of an instant in the deployment's zone. */
    int yearOf(long epochMilli) {
        if (last != null && epochMilli >= last[0] && epochMilli < last[12]) {
            return lastYear;
        }
        int y = Instant.ofEpochMilli(epochMilli).atZone(zone).getYear();
        starts(y);
        return y;
    }

    /** The calendar month (1-12) of an instant of {@code year}. */
    int monthOf(int year, long epochMilli) {
        long[] s = starts(year);
        int m = 1;
        while (m < 12 && epochMilli >= s[m]) {
            m++;
        }
        return m;
    }

    long startOf(int year, int month) {
        return starts(year)[month - 1];
    }

    /** Refuses a fact more than a year ahead of the clock ({@code out_of_range}) or of a closed year ({@code late}). */
    void check(int year, long at, InputEvent e) throws Rejection {
        long now = clock.millis();
        if (horizonAt == Long.MIN_VALUE || now - horizonAt > 1000 || now < horizonAt) {
            horizon = Instant.ofEpochMilli(now).atZone(zone).plusYears(1).toInstant().toEpochMilli();
            horizonAt = now;
        }
        if (at > horizon) {
            String what = e.period() != null ? "period " + e.period() : "time " + e.time();
            throw new Rejection(Rejection.OUT_OF_RANGE, what + " is more than a year ahead of the clock ("
                    + Instant.ofEpochMilli(now) + ")");
        }
        if (now >= closesAt(year)) {
            int day = catalog.deadlineDay(year);
            throw new Rejection(Rejection.LATE, "year " + year + " closed on " + LocalDate.of(year + 1, 1, day)
                    + " (end of day" + (catalog.year(year) == null ? ", no plan: default deadline day)" : ")"));
        }
    }

    private long closesAt(int year) {
        long v = catalog.version();
        if (v == catalogVersion && year == closeYear) {
            return closeAt;
        }
        if (v != catalogVersion) {
            closes.clear();
            catalogVersion = v;
        }
        Long c = closes.get(year);
        if (c == null) {
            c = PlanCatalog.closesAt(year, catalog.deadlineDay(year), zone);
            closes.put(year, c);
        }
        closeYear = year;
        closeAt = c;
        return c;
    }
}
