package io.planpulse.kpi;

import io.planpulse.plan.Target;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.List;
import java.util.function.IntFunction;

/**
 * f(t) of CONTRACT section 5, the share of a target due at an instant: the schedule's value at each month end, linear
 * in time between month ends, 0 before the year starts and 1 after it ends. Months are calendar months in the plan's
 * zone, each with its real length (29 days in February 2024).
 *
 * <p>One implementation, used by status (expected, gap) and projection (section 5b) alike. It is exact where exact is
 * possible and rounded once where it is not: the month-end shares are the decimals the plan wrote ({@link
 * Decimals#exact}), the position in the month is the ratio of two exact millisecond counts, and {@code prev + (cur -
 * prev) * elapsed / length} is carried as a decimal to 34 significant digits ({@link MathContext#DECIMAL128}), twice
 * the precision of a double. So the projection divides by the share itself, and the double that status reads
 * ({@link #shareDue}) is that share rounded once: a double computation of the same formula is rounded at each of its
 * four steps and can differ from it in the last bits. At a month end, and before and after the year, the share is
 * the plan's decimal with no division at all, which is also the common case of report-fed targets (their clock stops
 * at the end of their latest reported month). The linear default's decimals are made once.
 */
public final class Schedule {
    private static final MathContext MC = MathContext.DECIMAL128;
    private static final BigDecimal[] LINEAR = exact(Target.LINEAR);

    private Schedule() {
    }

    /** f(t) as a double, for status: {@link #share} rounded once. */
    public static double shareDue(List<Double> schedule, int year, ZoneId zone, Instant t) {
        return share(schedule, year, zone, t).doubleValue();
    }

    /** f(t): the share of {@code schedule} (12 cumulative shares at the month ends) due at {@code t}. */
    public static BigDecimal share(List<Double> schedule, int year, ZoneId zone, Instant t) {
        if (schedule == Target.LINEAR || schedule.equals(Target.LINEAR)) {
            return share(m -> LINEAR[m], year, zone, t);
        }
        return share(m -> Decimals.exact(schedule.get(m)), year, zone, t);
    }

    /**
     * The share due at {@code t} given the cumulative shares at each month end (only the one or two that {@code t}
     * needs are asked for): the same interpolation as f(t), used by section 5b's profile p(t) with last year's shares.
     */
    static BigDecimal share(IntFunction<BigDecimal> monthEnds, int year, ZoneId zone, Instant t) {
        if (t.isBefore(startOfMonth(YearMonth.of(year, 1), zone))) {
            return BigDecimal.ZERO;
        }
        if (!t.isBefore(startOfMonth(YearMonth.of(year + 1, 1), zone))) {
            return BigDecimal.ONE;
        }
        YearMonth month = YearMonth.from(t.atZone(zone));
        long ms = startOfMonth(month, zone).toEpochMilli();
        long me = endOfMonth(month, zone).toEpochMilli();
        int m = month.getMonthValue() - 1;
        BigDecimal prev = m == 0 ? BigDecimal.ZERO : monthEnds.apply(m - 1);
        long elapsed = t.toEpochMilli() - ms;
        if (elapsed == 0) {
            return prev;
        }
        BigDecimal frac = BigDecimal.valueOf(elapsed).divide(BigDecimal.valueOf(me - ms), MC);
        return prev.add(monthEnds.apply(m).subtract(prev).multiply(frac, MC), MC);
    }

    private static BigDecimal[] exact(List<Double> schedule) {
        BigDecimal[] out = new BigDecimal[schedule.size()];
        for (int m = 0; m < out.length; m++) {
            out[m] = Decimals.exact(schedule.get(m));
        }
        return out;
    }

    public static Instant startOfMonth(YearMonth month, ZoneId zone) {
        return month.atDay(1).atStartOfDay(zone).toInstant();
    }

    /** The end of a month: the first instant of the next one. */
    public static Instant endOfMonth(YearMonth month, ZoneId zone) {
        return startOfMonth(month.plusMonths(1), zone);
    }
}
