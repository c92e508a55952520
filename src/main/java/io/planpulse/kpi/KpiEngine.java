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
 * {@code children} to any depth), then completion, expected, gap, status and overdue per section 5, and the
 * year-end projection and outlook per section 5b.
 * Pure arithmetic, one of it: amounts are summed exactly as decimals and divided by the scale once, at the end; the
 * targets of a {@code children} rollup are summed as the decimals the plan wrote (0.1 + 0.2 is 0.3, not
 * 0.30000000000000004); f(t) is {@link Schedule#share}, computed once per target and read by both status and
 * projection; projections are decimals too ({@link MathContext#DECIMAL128}). Every figure becomes a double once, last.
 * Decimals rather than doubles because a sum of doubles is rounded at every step and so depends on the order of its
 * terms; the event amounts and plan figures are short decimals, so the decimal sums are exact and cost little.
 *
 * <h2>Projection (section 5b): the choices where the contract is open</h2>
 * <ul>
 *   <li><b>Profile p(t).</b> The cumulative share at the end of each month, linear in time within the month. The
 *       month's length is the real length of that month in the plan year (the "same point of the year" is the same
 *       fraction of the same calendar month, so 15 February 00:00 is 14/29 through February 2024 and 14/28 through
 *       February 2025). p(t) is 0 before the year starts and 1 after it ends, like f(t).</li>
 *   <li><b>Last year's shares for flow sources and {@code project_progress}</b> (monthly amounts): the amount
 *       through the end of month m over the year's total. A month last year had nothing in is flat: p(t) does not
 *       move during it, and the projection there is the actual over the share reached by the month before.</li>
 *   <li><b>Last year's shares for {@code indicator_report}</b> (reports carry year-to-date values): the YTD value in
 *       force at the end of month m (the latest report of a period up to m; 0 before the first report) over the
 *       year's final value, which is the value of the latest period reported last year (what section 4 calls the
 *       actual of that year). So the profile is last year's actual-so-far over last year's actual, as for flows.
 *       "Adds up to more than 0" means that final value is above 0. Shares are not clamped: a restated YTD value
 *       that later fell gives a share above 1 for the months before the fall, as the facts say.</li>
 *   <li><b>The 0.05 floor</b> is applied to the divisor: p(t) for {@code cumulative_flow}, f(t) for
 *       {@code stock_level} with a baseline (which divides by f(t), as written in the contract). A divisor at
 *       0.05 within {@link #EPS} counts as reaching the floor.</li>
 *   <li><b>After the year</b> means the as-of instant is at or past 1 January of the next year (as for status),
 *       whatever the target's {@code data_through}: the projection is then the actual and the outlook null.</li>
 *   <li><b>A zero target</b> has no projected completion; its outlook is read against the target itself, as its
 *       status is: {@code on_course} if the projection satisfies the comparator, otherwise {@code off_course}
 *       ({@code about} uses |projected − target| against the tolerance as usual). An unknown target (a rollup
 *       whose children do not all have one) has no outlook.</li>
 *   <li><b>{@code children}</b>: the sum of the children's projections, a child with data but no projection adding
 *       its actual, a child without data adding nothing (null when no child has data), whatever the rollup's kind.</li>
 * </ul>
 */
public final class KpiEngine {
    private static final MathContext MC = MathContext.DECIMAL128;
    /** Figures exactly on a threshold count as reaching it, whatever binary floating point makes of them. */
    static final double EPS = 1e-9;
    /** Section 5b: no projection while the share of the year it divides by is below this. */
    static final double PROFILE_FLOOR = 0.05;

    private KpiEngine() {
    }

    /**
     * Figures of one target before the KPI is read off them: actual, months and projection already divided by the
     * scale; the target as the exact decimal (a rollup's: the sum of its children's); f(t) at the target's clock.
     */
    /**
     * A target's figures as exact decimals, before they become a {@link Kpi}: what a {@code children} rollup sums of
     * its children, and what a {@code districts:<target_id>} target sums of that target in the covered districts'
     * plans (a caller keeps them from one plan's evaluation for another's: {@link #evaluate(List, Map, Map, Instant,
     * Map, Map)}). Opaque outside this class.
     */
    public record Rolled(BigDecimal actual, BigDecimal[] values, BigDecimal[] cumulative, boolean hasData,
                         boolean reportFed, YearMonth dataThrough, BigDecimal target, boolean overdue,
                         long lastEventAt, BigDecimal projected, BigDecimal share) {
    }

    /**
     * Evaluates without last year's facts: every projection follows the schedule.
     *
     * @param targets the targets of one year (a valid plan: parents exist, no cycles)
     * @param data    what arrived, by target id; missing ids have no data
     */
    public static Map<String, Kpi> evaluate(List<Target> targets, Map<String, TargetData> data, Instant asOf) {
        return evaluate(targets, data, Map.of(), asOf);
    }

    /**
     * @param targets  the targets of one year (a valid plan: parents exist, no cycles)
     * @param data     what arrived, by target id; missing ids have no data
     * @param lastYear by target id, the facts of the previous year (January..December of year − 1) that the
     *                 target's definition selects (same source, filter and scale), in event units before scale,
     *                 shaped like {@code data}; they only shape the projection profile p(t) of section 5b. Missing
     *                 ids (and a null map) have no last-year facts. Entries for {@code children} targets are ignored.
     */
    public static Map<String, Kpi> evaluate(List<Target> targets, Map<String, TargetData> data,
                                            Map<String, TargetData> lastYear, Instant asOf) {
        return evaluate(targets, data, lastYear, asOf, Map.of(), new HashMap<>());
    }

    /**
     * As {@link #evaluate(List, Map, Map, Instant)}, for a plan with {@code districts:<target_id>} targets (CONTRACT
     * section 4): each sums, as a {@code children} rollup sums its children, the rollups in {@code districts} under
     * its own id (that target as the covered districts' plans evaluated it; a target without an entry is read as a
     * leaf over {@code data}, as the dispatch report reads a published one). Every target's rollup goes to
     * {@code rolled}, for the plans that sum this one's.
     */
    public static Map<String, Kpi> evaluate(List<Target> targets, Map<String, TargetData> data,
                                            Map<String, TargetData> lastYear, Instant asOf,
                                            Map<String, List<Rolled>> districts, Map<String, Rolled> rolled) {
        return evaluate(targets, data, lastYear, asOf, districts, rolled, null);
    }

    /**
     * As above, for some of the targets only ({@code only}; null: all): the others' rollups are taken as they are in
     * {@code rolled} (a round that re-evaluates only the targets whose facts changed, and their parents, keeps the
     * rest as the last round left them). {@code data} and {@code lastYear} need entries for those targets only.
     */
    public static Map<String, Kpi> evaluate(List<Target> targets, Map<String, TargetData> data,
                                            Map<String, TargetData> lastYear, Instant asOf,
                                            Map<String, List<Rolled>> districts, Map<String, Rolled> rolled,
                                            java.util.Set<String> only) {
        Map<String, TargetData> previous = lastYear == null ? Map.of() : lastYear;
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
        Map<String, Kpi> out = new LinkedHashMap<>();
        for (Target t : targets) {
            if (only != null && !only.contains(t.id())) {
                continue;
            }
            Rolled r = roll(t, byId, children, data, previous, asOf, rolled, districts);
            out.put(t.id(), kpi(t, r, children.getOrDefault(t.id(), List.of()), asOf));
        }
        return out;
    }

    private static Rolled roll(Target t, Map<String, Target> byId, Map<String, List<String>> children,
                               Map<String, TargetData> data, Map<String, TargetData> lastYear, Instant asOf,
                               Map<String, Rolled> memo, Map<String, List<Rolled>> districts) {
        Rolled done = memo.get(t.id());
        if (done != null) {
            return done;
        }
        Rolled r = t.source() == Source.CHILDREN
                ? rollChildren(t, children.getOrDefault(t.id(), List.of()).stream()
                        .map(c -> roll(byId.get(c), byId, children, data, lastYear, asOf, memo, districts)).toList(),
                        asOf)
                : t.source() == Source.DISTRICTS && districts.containsKey(t.id())
                ? rollChildren(t, districts.get(t.id()), asOf)
                : leaf(t, data.getOrDefault(t.id(), TargetData.empty()), lastYear.get(t.id()), asOf);
        memo.put(t.id(), r);
        return r;
    }

    private static Rolled leaf(Target t, TargetData d, TargetData lastYear, Instant asOf) {
        BigDecimal scale = Decimals.exact(t.scale());
        BigDecimal[] values = new BigDecimal[12];
        BigDecimal[] cumulative = new BigDecimal[12];
        BigDecimal running = BigDecimal.ZERO;
        BigDecimal latest = null;
        boolean any = false;
        YearMonth through = null;
        for (int m = 0; m < 12; m++) {
            if (d.reported()[m]) {
                any = true;
                values[m] = unscale(d.months()[m], scale);
                running = running.add(d.months()[m]);
                latest = values[m];
                through = YearMonth.of(t.year(), m + 1);
            }
            if (any) {
                cumulative[m] = t.source() == Source.INDICATOR_REPORT ? latest : unscale(running, scale);
            }
        }
        BigDecimal actual = !any ? null : t.source() == Source.INDICATOR_REPORT ? latest : unscale(running, scale);
        boolean reportFed = t.source().monthlyReported();
        boolean overdue = false;
        if (reportFed) {
            YearMonth due = lastDueMonth(t, asOf);
            overdue = due != null && !d.reported()[due.getMonthValue() - 1];
        }
        YearMonth dataThrough = reportFed ? through : null;
        Instant clock = clock(t, dataThrough, asOf);
        BigDecimal f = Schedule.share(t.schedule(), t.year(), t.zone(), clock);
        return new Rolled(actual, values, cumulative, any, reportFed, dataThrough, exact(t.target()), overdue,
                d.lastEventAt(), project(t, actual, clock, f, lastYear, asOf), f);
    }

    private static Rolled rollChildren(Target t, List<Rolled> kids, Instant asOf) {
        BigDecimal actual = null;
        BigDecimal[] values = new BigDecimal[12];
        BigDecimal[] cumulative = new BigDecimal[12];
        boolean reportFed = !kids.isEmpty();
        boolean overdue = false;
        YearMonth through = null;
        BigDecimal childTargets = BigDecimal.ZERO;
        boolean childTargetsKnown = true;
        long last = 0;
        BigDecimal projected = null;
        for (Rolled k : kids) {
            reportFed &= k.reportFed();
            overdue |= k.overdue();
            last = Math.max(last, k.lastEventAt());
            if (k.target() == null) {
                childTargetsKnown = false;
            } else {
                childTargets = childTargets.add(k.target());
            }
            if (!k.hasData()) {
                continue;
            }
            actual = actual == null ? k.actual() : actual.add(k.actual());
            projected = add(projected, k.projected() != null ? k.projected() : k.actual());
            for (int m = 0; m < 12; m++) {
                values[m] = add(values[m], k.values()[m]);
                cumulative[m] = add(cumulative[m], k.cumulative()[m]);
            }
            if (k.dataThrough() != null && (through == null || k.dataThrough().isBefore(through))) {
                through = k.dataThrough();
            }
        }
        BigDecimal target = t.target() != null ? exact(t.target()) : childTargetsKnown ? childTargets : null;
        YearMonth dataThrough = reportFed ? through : null;
        BigDecimal f = Schedule.share(t.schedule(), t.year(), t.zone(), clock(t, dataThrough, asOf));
        return new Rolled(actual, values, cumulative, actual != null, reportFed, dataThrough, target,
                reportFed && overdue, last, projected, f);
    }

    private static Kpi kpi(Target t, Rolled r, List<String> children, Instant asOf) {
        Double target = dbl(r.target());
        Double expected = expected(t, target, r.share().doubleValue());
        Double actual = dbl(r.actual());
        BigDecimal exactTarget = r.target() == null || r.target().signum() == 0 ? null : r.target();
        Double completion = actual == null || exactTarget == null ? null : r.actual()
                .divide(exactTarget, MC).doubleValue();
        Double gap = completion == null || expected == null ? null : completion - expected;
        Status status = status(t, target, actual, completion, expected, gap, asOf);
        Double projected = dbl(r.projected());
        Double projectedCompletion = projected == null || exactTarget == null ? null : r.projected()
                .divide(exactTarget, MC).doubleValue();
        Outlook outlook = outlook(t, target, projected, projectedCompletion, asOf);
        List<MonthPoint> months = new ArrayList<>(12);
        String[] labels = monthLabels(t.year());
        for (int m = 0; m < 12; m++) {
            months.add(new MonthPoint(labels[m], dbl(r.values()[m]), dbl(r.cumulative()[m])));
        }
        return new Kpi(t, target, actual, completion, expected, gap, status, r.overdue(),
                r.dataThrough() == null ? null : r.dataThrough().toString(), List.copyOf(months), List.copyOf(children),
                r.lastEventAt(), projected, projectedCompletion, outlook);
    }

    /** The clock a target is read at: as-of, capped at the end of {@code data_through} (report-fed targets only). */
    private static Instant clock(Target t, YearMonth dataThrough, Instant asOf) {
        if (dataThrough == null) {
            return asOf;
        }
        Instant cap = Schedule.endOfMonth(dataThrough, t.zone());
        return cap.isBefore(asOf) ? cap : asOf;
    }

    static boolean yearOver(Target t, Instant asOf) {
        return !asOf.isBefore(Schedule.startOfMonth(YearMonth.of(t.year() + 1, 1), t.zone()));
    }

    /** The {@code about} tolerance of section 5: half a point for percent units, otherwise 2 % of the target. */
    static double tolerance(Target t, double target) {
        return t.unit().startsWith("percent") ? 0.5 : 0.02 * Math.abs(target);
    }

    /**
     * The projected year-end actual of a leaf target (section 5b), in the target's unit; null without data and while
     * the divisor is below {@link #PROFILE_FLOOR}.
     *
     * @param actual the actual, already divided by the scale (null: no data)
     * @param clock  the target's clock: as-of, capped at the end of {@code data_through} for report-fed targets
     * @param f      f(t) at {@code clock}
     */
    static BigDecimal project(Target t, BigDecimal actual, Instant clock, BigDecimal f, TargetData lastYear,
                              Instant asOf) {
        if (actual == null) {
            return null;
        }
        if (yearOver(t, asOf)) {
            return actual;
        }
        switch (t.kind()) {
            case CUMULATIVE_FLOW -> {
                BigDecimal p = profile(t, lastYear, f, clock);
                return belowFloor(p) ? null : actual.divide(p, MC);
            }
            case STOCK_LEVEL -> {
                if (t.baseline() == null) {
                    return actual;
                }
                if (belowFloor(f)) {
                    return null;
                }
                BigDecimal b = Decimals.exact(t.baseline());
                return b.add(actual.subtract(b).divide(f, MC), MC);
            }
            default -> {
                return actual;
            }
        }
    }

    private static boolean belowFloor(BigDecimal share) {
        return share.doubleValue() < PROFILE_FLOOR - EPS;
    }

    /**
     * p(t) of section 5b: last year's cumulative share at the same point of the year when the facts last year
     * selected by the target's definition add up to more than 0, otherwise the schedule's f(t), {@code f}.
     */
    static BigDecimal profile(Target t, TargetData lastYear, BigDecimal f, Instant clock) {
        BigDecimal[] upTo = lastYearCumulative(t, lastYear);
        if (upTo == null) {
            return f;
        }
        // only the one or two month ends that share() reads are divided (a division costs microseconds)
        BigDecimal total = upTo[11];
        return Schedule.share(m -> upTo[m].divide(total, MC), t.year(), t.zone(), clock);
    }

    /**
     * Last year's amounts through each month end, or null without a profile (no facts, or they add up to 0). Monthly
     * amounts (flows, {@code project_progress}): the amount through month m. Year-to-date reports
     * ({@code indicator_report}): the value in force at the end of month m (0 before the first report), so the last is
     * the value of the latest period reported. Over the last, they are last year's shares; the scale cancels out.
     */
    private static BigDecimal[] lastYearCumulative(Target t, TargetData lastYear) {
        if (lastYear == null || t.source().isRollup()) {
            return null;
        }
        BigDecimal[] upTo = new BigDecimal[12];
        BigDecimal running = BigDecimal.ZERO;
        for (int m = 0; m < 12; m++) {
            if (lastYear.reported()[m]) {
                running = t.source() == Source.INDICATOR_REPORT ? lastYear.months()[m] : running.add(lastYear.months()[m]);
            }
            upTo[m] = running;
        }
        return running.signum() <= 0 ? null : upTo;
    }

    /**
     * The outlook of section 5b: the plan's thresholds on h = projected completion − 1 (−h for {@code at_most}),
     * or |projected − target| against the section 5 tolerance for {@code about}, mirroring its status rule.
     */
    static Outlook outlook(Target t, Double target, Double projected, Double projectedCompletion, Instant asOf) {
        if (projected == null || target == null || yearOver(t, asOf)) {
            return null;
        }
        if (t.comparator() == Comparator.ABOUT) {
            double tolerance = tolerance(t, target);
            double e = Math.abs(projected - target);
            if (e <= tolerance + EPS) {
                return Outlook.ON_COURSE;
            }
            return e <= 3 * tolerance + EPS ? Outlook.AT_RISK : Outlook.OFF_COURSE;
        }
        if (projectedCompletion == null) {
            // A zero target: read the projection against the target itself, as status does.
            boolean holds = t.comparator() == Comparator.AT_LEAST ? projected >= target : projected <= target;
            return holds ? Outlook.ON_COURSE : Outlook.OFF_COURSE;
        }
        double h = projectedCompletion - 1;
        double g = t.comparator() == Comparator.AT_LEAST ? h : -h;
        Thresholds th = t.thresholds();
        if (g >= th.lagging() - EPS) {
            return Outlook.ON_COURSE;
        }
        return g >= th.severelyLagging() - EPS ? Outlook.AT_RISK : Outlook.OFF_COURSE;
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
        boolean yearOver = yearOver(t, asOf);
        if (target == null) {
            return Status.NO_DATA;
        }
        if (t.comparator() == Comparator.ABOUT) {
            double tolerance = tolerance(t, target);
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

    /**
     * {@code x / scale}. Scales are powers of ten in practice (1, 1e4 for 万吨, 1e8 for 亿元): then the quotient is
     * exact and a decimal point move, where a division to 34 digits costs microseconds (it was most of an evaluation
     * round of a 10,000-target plan). Any other scale is divided to 34 significant digits, as before.
     */
    static BigDecimal unscale(BigDecimal x, BigDecimal scale) {
        BigDecimal s = scale.stripTrailingZeros();
        if (s.unscaledValue().equals(java.math.BigInteger.ONE)) {
            return x.movePointLeft(-s.scale());
        }
        return x.divide(scale, MC);
    }

    private static BigDecimal exact(Double v) {
        return v == null ? null : Decimals.exact(v);
    }

    private static BigDecimal add(BigDecimal a, BigDecimal b) {
        return a == null ? b : b == null ? a : a.add(b);
    }

    private static final java.util.concurrent.ConcurrentHashMap<Integer, String[]> MONTH_LABELS =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** "2025-01" to "2025-12", made once per year rather than twelve times per target and round. */
    private static String[] monthLabels(int year) {
        return MONTH_LABELS.computeIfAbsent(year, y -> {
            String[] out = new String[12];
            for (int m = 0; m < 12; m++) {
                out[m] = YearMonth.of(y, m + 1).toString();
            }
            return out;
        });
    }

    private static Double dbl(BigDecimal b) {
        return b == null ? null : b.doubleValue();
    }
}
