package io.planpulse.kpi;

import io.planpulse.plan.Comparator;
import io.planpulse.plan.Kind;
import io.planpulse.plan.Source;
import io.planpulse.plan.Target;
import io.planpulse.plan.Thresholds;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates every target of one plan year at an as-of instant: actuals per CONTRACT section 4 (rollups through
 * {@code children} to any depth), then completion, expected, gap, status and overdue per section 5.
 * Pure arithmetic: amounts are summed exactly as decimals and divided by the scale once, at the end.
 */
public final class KpiEngine {
    private static final MathContext MC = MathContext.DECIMAL128;
    /** Figures exactly on a threshold count as reaching it, whatever binary floating point makes of them. */
    static final double EPS = 1e-9;

    private KpiEngine() {
    }

    /** Figures of one target before the KPI is read off them: actual and months already divided by the scale. */
    private record Rolled(BigDecimal actual, BigDecimal[] values, BigDecimal[] cumulative, boolean hasData,
                          boolean reportFed, YearMonth dataThrough, Double target, boolean overdue, long lastEventAt) {
    }

    /**
     * @param targets the targets of one year (a valid plan: parents exist, no cycles)
     * @param data    what arrived, by target id; missing ids have no data
     */
    public static Map<String, Kpi> evaluate(List<Target> targets, Map<String, TargetData> data, Instant asOf) {
        Map<String, Target> byId = new LinkedHashMap<>();
        Map<String, List<String>> children = new HashMap<>();
        for (Target t : targets) {
            byId.put(t.id(), t);
        }
        for (Target t : targets) {
            if (t.parent() != null && byId.containsKey(t.parent())) {
                children.computeIfAbsent(t.parent(), k -> new ArrayList<>()).add(t.id());
            }
        }
        Map<String, Rolled> rolled = new HashMap<>();
        Map<String, Kpi> out = new LinkedHashMap<>();
        for (Target t : targets) {
            Rolled r = roll(t, byId, children, data, asOf, rolled);
            out.put(t.id(), kpi(t, r, children.getOrDefault(t.id(), List.of()), asOf));
        }
        return out;
    }

    private static Rolled roll(Target t, Map<String, Target> byId, Map<String, List<String>> children,
                               Map<String, TargetData> data, Instant asOf, Map<String, Rolled> memo) {
        Rolled done = memo.get(t.id());
        if (done != null) {
            return done;
        }
        Rolled r = t.source() == Source.CHILDREN
                ? rollChildren(t, children.getOrDefault(t.id(), List.of()).stream()
                        .map(c -> roll(byId.get(c), byId, children, data, asOf, memo)).toList())
                : leaf(t, data.getOrDefault(t.id(), TargetData.empty()), asOf);
        memo.put(t.id(), r);
        return r;
    }

    private static Rolled leaf(Target t, TargetData d, Instant asOf) {
        BigDecimal scale = new BigDecimal(Double.toString(t.scale()));
        BigDecimal[] values = new BigDecimal[12];
        BigDecimal[] cumulative = new BigDecimal[12];
        BigDecimal running = BigDecimal.ZERO;
        BigDecimal latest = null;
        boolean any = false;
        YearMonth through = null;
        for (int m = 0; m < 12; m++) {
            if (d.reported()[m]) {
                any = true;
                values[m] = d.months()[m].divide(scale, MC);
                running = running.add(d.months()[m]);
                latest = values[m];
                through = YearMonth.of(t.year(), m + 1);
            }
            if (any) {
                cumulative[m] = t.source() == Source.INDICATOR_REPORT ? latest : running.divide(scale, MC);
            }
        }
        BigDecimal actual = !any ? null : t.source() == Source.INDICATOR_REPORT ? latest : running.divide(scale, MC);
        boolean reportFed = t.source().monthlyReported();
        boolean overdue = false;
        if (reportFed) {
            YearMonth due = lastDueMonth(t, asOf);
            overdue = due != null && !d.reported()[due.getMonthValue() - 1];
        }
        return new Rolled(actual, values, cumulative, any, reportFed, reportFed ? through : null, t.target(), overdue,
                d.lastEventAt());
    }

    private static Rolled rollChildren(Target t, List<Rolled> kids) {
        BigDecimal actual = null;
        BigDecimal[] values = new BigDecimal[12];
        BigDecimal[] cumulative = new BigDecimal[12];
        boolean reportFed = !kids.isEmpty();
        boolean overdue = false;
        YearMonth through = null;
        double childTargets = 0;
        boolean childTargetsKnown = true;
        long last = 0;
        for (Rolled k : kids) {
            reportFed &= k.reportFed();
            overdue |= k.overdue();
            last = Math.max(last, k.lastEventAt());
            if (k.target() == null) {
                childTargetsKnown = false;
            } else {
                childTargets += k.target();
            }
            if (!k.hasData()) {
                continue;
            }
            actual = actual == null ? k.actual() : actual.add(k.actual());
            for (int m = 0; m < 12; m++) {
                values[m] = add(values[m], k.values()[m]);
                cumulative[m] = add(cumulative[m], k.cumulative()[m]);
            }
            if (k.dataThrough() != null && (through == null || k.dataThrough().isBefore(through))) {
                through = k.dataThrough();
            }
        }
        Double target = t.target() != null ? t.target() : childTargetsKnown ? Double.valueOf(childTargets) : null;
        return new Rolled(actual, values, cumulative, actual != null, reportFed, reportFed ? through : null, target,
                reportFed && overdue, last);
    }

    private static Kpi kpi(Target t, Rolled r, List<String> children, Instant asOf) {
        ZoneId zone = t.zone();
        Instant clock = asOf;
        if (r.reportFed() && r.dataThrough() != null) {
            Instant cap = Schedule.endOfMonth(r.dataThrough(), zone);
            if (cap.isBefore(clock)) {
                clock = cap;
            }
        }
        double f = Schedule.shareDue(t.schedule(), t.year(), zone, clock);
        Double target = r.target();
        Double expected = expected(t, target, f);
        Double actual = r.actual() == null ? null : r.actual().doubleValue();
        Double completion = actual == null || target == null || target == 0 ? null : r.actual()
                .divide(new BigDecimal(Double.toString(target)), MC).doubleValue();
        Double gap = completion == null || expected == null ? null : completion - expected;
        Status status = status(t, target, actual, completion, expected, gap, asOf);
        List<MonthPoint> months = new ArrayList<>(12);
        for (int m = 0; m < 12; m++) {
            months.add(new MonthPoint(YearMonth.of(t.year(), m + 1).toString(), dbl(r.values()[m]), dbl(r.cumulative()[m])));
        }
        return new Kpi(t, target, actual, completion, expected, gap, status, r.overdue(),
                r.dataThrough() == null ? null : r.dataThrough().toString(), List.copyOf(months), List.copyOf(children),
                r.lastEventAt());
    }

    static Double expected(Target t, Double target, double f) {
        return switch (t.kind()) {
            case CUMULATIVE_FLOW -> f;
            case STOCK_LEVEL -> t.baseline() == null ? Double.valueOf(1.0)
                    : target == null || target == 0 ? null : (t.baseline() + (target - t.baseline()) * f) / target;
            case GROWTH_RATE, RATIO, CEILING -> 1.0;
        };
    }

    static Status status(Target t, Double target, Double actual, Double completion, Double expected, Double gap,
                         Instant asOf) {
        if (actual == null) {
            return Status.NO_DATA;
        }
        boolean yearOver = !asOf.isBefore(Schedule.startOfMonth(YearMonth.of(t.year() + 1, 1), t.zone()));
        if (target == null) {
            return Status.NO_DATA;
        }
        if (t.comparator() == Comparator.ABOUT) {
            double tolerance = t.unit().startsWith("percent") ? 0.5 : 0.02 * Math.abs(target);
            double d = actual - (expected == null ? 1.0 : expected) * target;
            if (yearOver) {
                return Math.abs(d) <= tolerance + EPS ? Status.COMPLETED : Status.MISSED;
            }
            if (Math.abs(d) <= tolerance + EPS) {
                return Status.ON_TRACK;
            }
            if (d > tolerance) {
                return Status.AHEAD;
            }
            return d < -3 * tolerance - EPS ? Status.SEVERELY_LAGGING : Status.LAGGING;
        }
        if (completion == null) {
            // A zero target has no completion: the comparator is read against the target itself.
            boolean holds = t.comparator() == Comparator.AT_LEAST ? actual >= target : actual <= target;
            if (yearOver) {
                return holds ? Status.COMPLETED : Status.MISSED;
            }
            return holds ? Status.ON_TRACK : Status.SEVERELY_LAGGING;
        }
        if (yearOver) {
            boolean met = t.comparator() == Comparator.AT_LEAST ? completion >= 1 - EPS : completion <= 1 + EPS;
            return met ? Status.COMPLETED : Status.MISSED;
        }
        if (t.comparator() == Comparator.AT_LEAST && t.kind() == Kind.CUMULATIVE_FLOW && completion >= 1 - EPS) {
            return Status.COMPLETED;
        }
        double g = t.comparator() == Comparator.AT_LEAST ? gap : -gap;
        return byGap(g, t.thresholds());
    }

    static Status byGap(double g, Thresholds th) {
        if (g >= th.ahead() - EPS) {
            return Status.AHEAD;
        }
        if (g >= th.lagging() - EPS) {
            return Status.ON_TRACK;
        }
        if (g >= th.severelyLagging() - EPS) {
            return Status.LAGGING;
        }
        return Status.SEVERELY_LAGGING;
    }

    /**
     * The latest month of the plan year whose report deadline has passed at {@code asOf}, or null. Reports for
     * month M are due by the end of {@code report_deadline_day} of month M+1; before that deadline the month
     * before M is the one that must have been reported.
     */
    static YearMonth lastDueMonth(Target t, Instant asOf) {
        ZoneId zone = t.zone();
        YearMonth month = YearMonth.from(asOf.atZone(zone)).minusMonths(1);
        YearMonth december = YearMonth.of(t.year(), 12);
        if (month.isAfter(december)) {
            month = december;
        }
        Instant deadlinePassed = month.plusMonths(1).atDay(t.reportDeadlineDay()).plusDays(1).atStartOfDay(zone).toInstant();
        if (asOf.isBefore(deadlinePassed)) {
            month = month.minusMonths(1);
        }
        return month.getYear() < t.year() ? null : month;
    }

    private static BigDecimal add(BigDecimal a, BigDecimal b) {
        return a == null ? b : b == null ? a : a.add(b);
    }

    private static Double dbl(BigDecimal b) {
        return b == null ? null : b.doubleValue();
    }
}
