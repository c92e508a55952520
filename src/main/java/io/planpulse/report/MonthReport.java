package io.planpulse.report;

import io.planpulse.avro.KpiSnapshot;
import io.planpulse.avro.MonthValue;
import io.planpulse.kpi.Decimals;
import io.planpulse.kpi.Kpi;
import io.planpulse.kpi.KpiEngine;
import io.planpulse.kpi.MonthPoint;
import io.planpulse.kpi.Schedule;
import io.planpulse.kpi.TargetData;
import io.planpulse.plan.Source;
import io.planpulse.plan.Target;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Builds the dispatch report of month M from the KPI snapshots (planpulse.kpi) and the plan's targets.
 *
 * <p>A snapshot carries every month of its target ({@code months}: the month's value and the actual through it, in
 * the target's unit). The facts of months up to M are those months, and the rest is left out; the {@code kpi}
 * package's own arithmetic ({@link KpiEngine}) then evaluates the whole plan on them with the clock at the end of M
 * in the plan's zone, so a report for June made in July shows June's reports, June's actuals and June's 序时进度.
 * The values are already divided by the scale, so the targets are evaluated with scale 1.
 *
 * <p>Two things are not in the snapshots and are chosen here (docs/report.md):
 * <ul>
 *   <li><b>Overdue</b> is read when the report is made (the pipeline's clock, capped at the end of M's
 *       {@code report_deadline_day} in M+1), on the facts up to M: the June report made on 12 July lists the
 *       projects without a June report; one made on 5 July lists those without a May report.</li>
 *   <li><b>The projection's seasonal profile</b> (last year's shares, CONTRACT 5b) is not carried. A target whose
 *       figures through M are the ones its snapshot was evaluated on keeps the published projection (exact); any other
 *       is projected along its schedule, which is exact when the target has no last-year profile (checked by
 *       re-evaluating the snapshot's own figures at its own clock) and marked as an estimate otherwise.</li>
 * </ul>
 */
public final class MonthReport {
    private static final double TOLERANCE = 1e-9;

    private MonthReport() {
    }

    /**
     * @param targets   the plan year's targets (one version: the one the snapshots were computed from)
     * @param snapshots the year's KPI snapshots, by target id; a target without one has no data
     * @param madeAt    when the report is made; null: the pipeline's clock as the snapshots show it (their newest
     *                  {@code updated_at})
     */
    public static DispatchReport build(List<Target> targets, Map<String, KpiSnapshot> snapshots, int year, int month,
                                       String districtCode, String districtName, Instant madeAt, String planVersion) {
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("the plan of " + year + " has no targets");
        }
        ZoneId zone = targets.get(0).zone();
        Instant clock = Schedule.endOfMonth(YearMonth.of(year, month), zone);
        Instant made = madeAt != null ? madeAt : snapshots.values().stream().map(KpiSnapshot::getUpdatedAt)
                .max(Comparator.naturalOrder()).orElse(clock);
        Evaluation e = evaluate(targets, snapshots, month, clock, made);

        Map<String, Target> byId = new LinkedHashMap<>();
        targets.forEach(t -> byId.put(t.id(), t));
        List<DispatchReport.Row> rows = new ArrayList<>();
        for (Target t : ordered(targets, byId)) {
            Kpi k = e.kpis().get(t.id());
            rows.add(new DispatchReport.Row(t.id(), t.nameZh(), t.nameEn(), t.category(), t.unit(), t.kind().wire(),
                    t.comparator().wire(), k.target(), k.actual(), k.completion(), k.expected(), k.gap(), k.status(),
                    e.overdue().get(t.id()), k.dataThrough(), t.owner(), t.parent(), depth(t, byId), k.projected(),
                    k.projectedCompletion(), k.outlook(), k.earlyWarning(), e.basis().get(t.id())));
        }
        List<DispatchReport.Project> projects = new ArrayList<>();
        for (Target t : targets.stream().filter(t -> t.source() == Source.PROJECT_PROGRESS)
                .sorted(Comparator.comparing(Target::id)).toList()) {
            projects.add(new DispatchReport.Project(t.id(), t.nameZh(), t.nameEn(), t.owner(), t.unit(), t.target(),
                    series(t, e.kpis().get(t.id()), month)));
        }
        DispatchReport.District d = new DispatchReport.District(districtCode, districtName, rows, projects,
                total(projects, month));
        return new DispatchReport(year, month, zone, clock, made, made.isBefore(clock), planVersion, List.of(d));
    }

    /** The month-M figures of every target, the overdue flags when the report is made, and each projection's basis. */
    record Evaluation(Map<String, Kpi> kpis, Map<String, Boolean> overdue, Map<String, DispatchReport.Basis> basis) {
    }

    static Evaluation evaluate(List<Target> targets, Map<String, KpiSnapshot> snapshots, int month, Instant clock,
                               Instant madeAt) {
        List<Target> plain = targets.stream().map(MonthReport::unscaled).toList();
        Map<String, TargetData> upToM = data(targets, snapshots, month);
        Map<String, Kpi> atM = KpiEngine.evaluate(plain, upToM, clock);
        Target first = targets.get(0);
        Instant deadline = YearMonth.of(first.year(), month).plusMonths(1).atDay(first.reportDeadlineDay()).plusDays(1)
                .atStartOfDay(first.zone()).toInstant();
        Instant overdueAt = madeAt.isBefore(deadline) ? madeAt : deadline;
        Map<String, Kpi> atMade = KpiEngine.evaluate(plain, upToM, overdueAt);

        // Each snapshot's own figures at its own clock, along the schedule: where that gives the published projection
        // the target has no seasonal profile; where it also gives the month-M figures, the snapshot is month M's.
        Map<String, TargetData> all = data(targets, snapshots, 12);
        Map<Instant, List<String>> byClock = new TreeMap<>();
        snapshots.forEach((id, s) -> byClock.computeIfAbsent(s.getUpdatedAt(), k -> new ArrayList<>()).add(id));
        Map<String, Kpi> kpis = new LinkedHashMap<>();
        Map<String, DispatchReport.Basis> basis = new HashMap<>();
        Map<String, Kpi> republished = new HashMap<>();
        for (Map.Entry<Instant, List<String>> c : byClock.entrySet()) {
            Map<String, Kpi> atSnapshot = KpiEngine.evaluate(plain, all, c.getKey());
            for (String id : c.getValue()) {
                if (atSnapshot.containsKey(id)) {
                    republished.put(id, atSnapshot.get(id));
                }
            }
        }
        Map<String, Boolean> overdue = new HashMap<>();
        for (Target t : targets) {
            Kpi k = atM.get(t.id());
            KpiSnapshot s = snapshots.get(t.id());
            Kpi again = republished.get(t.id());
            DispatchReport.Basis b = DispatchReport.Basis.SCHEDULE;
            if (s != null && again != null) {
                boolean seasonal = !same(again.projected(), s.getProjected());
                boolean sameFigures = same(again.actual(), k.actual()) && same(again.expected(), k.expected())
                        && same(again.projected(), k.projected()) && Objects.equals(again.dataThrough(), k.dataThrough());
                if (seasonal && sameFigures) {
                    k = withProjection(k, s);
                    b = DispatchReport.Basis.PUBLISHED;
                } else if (seasonal) {
                    b = DispatchReport.Basis.SCHEDULE_ESTIMATE;
                }
            }
            kpis.put(t.id(), k);
            basis.put(t.id(), b);
            overdue.put(t.id(), atMade.get(t.id()).overdue());
        }
        return new Evaluation(kpis, overdue, basis);
    }

    private static Kpi withProjection(Kpi k, KpiSnapshot s) {
        return new Kpi(k.plan(), k.target(), k.actual(), k.completion(), k.expected(), k.gap(), k.status(), k.overdue(),
                k.dataThrough(), k.months(), k.children(), k.lastEventAt(), s.getProjected(), s.getProjectedCompletion(),
                s.getOutlook() == null ? null : io.planpulse.kpi.Outlook.fromWire(s.getOutlook()));
    }

    private static boolean same(Double a, Double b) {
        if (a == null || b == null) {
            return a == b;
        }
        return Math.abs(a - b) <= TOLERANCE * Math.max(1, Math.max(Math.abs(a), Math.abs(b)));
    }

    /**
     * What the snapshots say arrived through {@code throughMonth} (1..12), by target id, in the target's unit (the
     * scale already applied): a month with a value is a month with data; later months are left out.
     */
    static Map<String, TargetData> data(List<Target> targets, Map<String, KpiSnapshot> snapshots, int throughMonth) {
        Map<String, TargetData> out = new HashMap<>();
        for (Target t : targets) {
            KpiSnapshot s = snapshots.get(t.id());
            if (s == null || t.source() == Source.CHILDREN) { // a districts: target is read as its months
                continue;
            }
            BigDecimal[] months = new BigDecimal[12];
            Arrays.fill(months, BigDecimal.ZERO);
            boolean[] reported = new boolean[12];
            for (MonthValue mv : s.getMonths()) {
                YearMonth ym = YearMonth.parse(mv.getMonth());
                int m = ym.getMonthValue();
                if (ym.getYear() == t.year() && m <= throughMonth && mv.getValue() != null) {
                    months[m - 1] = Decimals.exact(mv.getValue());
                    reported[m - 1] = true;
                }
            }
            long last = s.getLastEventAt() == null ? 0 : s.getLastEventAt().toEpochMilli();
            out.put(t.id(), new TargetData(months, reported, 0, last));
        }
        return out;
    }

    /** The target with scale 1: the snapshots' months are in the target's unit already. */
    static Target unscaled(Target t) {
        return new Target(t.year(), t.id(), t.nameZh(), t.nameEn(), t.category(), t.unit(), t.kind(), t.comparator(),
                t.target(), 1.0, t.baseline(), t.schedule(), t.parent(), t.source(), t.filter(), t.owner(),
                t.binding(), t.timezone(), t.reportDeadlineDay(), t.thresholds(), t.sourceTarget());
    }

    private static DispatchReport.Series series(Target t, Kpi k, int month) {
        List<Double> values = new ArrayList<>();
        List<Double> cumulative = new ArrayList<>();
        List<Double> planned = new ArrayList<>();
        for (int m = 0; m < month; m++) {
            MonthPoint p = k.months().get(m);
            values.add(p.value());
            cumulative.add(p.cumulative());
            planned.add(t.target() == null ? null : t.target() * t.schedule().get(m));
        }
        return new DispatchReport.Series(values, cumulative, planned);
    }

    /** Every project added up, month by month (a project without data yet adds nothing to the actual). */
    private static DispatchReport.Series total(List<DispatchReport.Project> projects, int month) {
        List<Double> values = new ArrayList<>();
        List<Double> cumulative = new ArrayList<>();
        List<Double> planned = new ArrayList<>();
        for (int m = 0; m < month; m++) {
            double v = 0;
            double c = 0;
            double p = 0;
            for (DispatchReport.Project pr : projects) {
                v += orZero(pr.months().values().get(m));
                c += orZero(pr.months().cumulative().get(m));
                p += orZero(pr.months().planned().get(m));
            }
            values.add(v);
            cumulative.add(c);
            planned.add(p);
        }
        return new DispatchReport.Series(values, cumulative, planned);
    }

    private static double orZero(Double d) {
        return d == null ? 0 : d;
    }

    /** Category by category (in the order they first appear), each as a tree: a rollup before its parts. */
    static List<Target> ordered(List<Target> targets, Map<String, Target> byId) {
        Map<String, List<Target>> byCategory = new LinkedHashMap<>();
        for (Target t : targets) {
            byCategory.computeIfAbsent(t.category(), c -> new ArrayList<>()).add(t);
        }
        List<Target> out = new ArrayList<>();
        for (List<Target> ts : byCategory.values()) {
            ts.stream().sorted(Comparator.comparing(t -> path(t, byId))).forEach(out::add);
        }
        return out;
    }

    private static String path(Target t, Map<String, Target> byId) {
        StringBuilder p = new StringBuilder(t.id());
        Target at = t;
        for (int i = 0; i < 64 && at.parent() != null && byId.containsKey(at.parent()); i++) {
            at = byId.get(at.parent());
            p.insert(0, at.id() + "\u0000");
        }
        return p.toString();
    }

    private static int depth(Target t, Map<String, Target> byId) {
        int d = 0;
        Target at = t;
        while (d < 64 && at.parent() != null && byId.containsKey(at.parent())) {
            at = byId.get(at.parent());
            d++;
        }
        return d;
    }

    /** The targets' categories in the order the report lists them. */
    static List<String> categories(Collection<DispatchReport.Row> rows) {
        return rows.stream().map(DispatchReport.Row::category).distinct().toList();
    }
}
