package io.planpulse.accuracy;

import io.planpulse.kpi.Kpi;
import io.planpulse.kpi.KpiEngine;
import io.planpulse.kpi.TargetData;
import io.planpulse.plan.Kind;
import io.planpulse.plan.Plan;
import io.planpulse.plan.Source;
import io.planpulse.plan.Target;
import io.planpulse.simulate.Simulator;
import java.io.PrintStream;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How good is the year-end projection of CONTRACT section 5b? Simulates last year and the plan year for a plan
 * ({@link Simulator}, seeded), then at each month end of the plan year projects every flow target with
 * {@link KpiEngine} twice: (a) with the schedule profile (no last-year facts given) and (b) with last year's profile
 * (last year's facts that the target's definition selects), and compares each projection with the target's final
 * actual once the year has closed. Prints the mean absolute percentage error by month and group of targets.
 * Pure arithmetic: no Kafka.
 */
public final class Accuracy {
    private Accuracy() {
    }

    /** The flow targets, by what feeds them. */
    public enum Group {
        EVENT_FLOWS("event flows"), PROJECTS("projects"), ROLLUPS("rollups");

        final String label;

        Group(String label) {
            this.label = label;
        }
    }

    /** The mean absolute percentage error over {@code n} targets with a projection (NaN when n is 0). */
    public record Cell(double mape, int n) {
    }

    /**
     * Absolute percentage errors, per target (in {@code targets} order), month end (0 = January) and profile:
     * NaN where there is no projection yet.
     */
    public record Result(Plan plan, long seed, List<Target> targets, Map<String, Group> groups,
                         double[][] schedule, double[][] lastYear) {
        /** The mean error of a group at the end of {@code month} (1-12), with the last-year or the schedule profile. */
        public Cell cell(Group g, int month, boolean lastYearProfile) {
            double[] errors = (lastYearProfile ? lastYear : schedule)[month - 1];
            double sum = 0;
            int n = 0;
            for (int i = 0; i < targets.size(); i++) {
                if (groups.get(targets.get(i).id()) == g && !Double.isNaN(errors[i])) {
                    sum += errors[i];
                    n++;
                }
            }
            return new Cell(n == 0 ? Double.NaN : sum / n, n);
        }

        public int size(Group g) {
            return (int) targets.stream().filter(t -> groups.get(t.id()) == g).count();
        }

        /** The absolute percentage error of one target at the end of {@code month} (NaN: no projection). */
        public double error(String id, int month, boolean lastYearProfile) {
            for (int i = 0; i < targets.size(); i++) {
                if (targets.get(i).id().equals(id)) {
                    return (lastYearProfile ? lastYear : schedule)[month - 1][i];
                }
            }
            throw new IllegalArgumentException("not a flow target: " + id);
        }
    }

    /**
     * Simulates the year before {@code plan}'s and the plan year with {@code seed}: last year's facts as they stood
     * when it closed (no plan for it: the end of 10 January), and the plan year's up to its own close. Then, at each
     * month end, the projection of every flow target of the plan against its actual at the plan year's close.
     */
    public static Result compute(Plan plan, long seed) {
        ZoneId zone = ZoneId.of(plan.timezone());
        int year = plan.year();
        Simulator sim = new Simulator(plan, seed);
        SimulatedFacts facts = new SimulatedFacts(zone);
        Instant lastClosed = Simulator.closes(year - 1, 10, zone);
        Instant closed = Simulator.closes(year, plan.reportDeadlineDay(), zone);
        sim.lastYear(lastClosed.minusMillis(1), facts::add);
        sim.history(closed.minusMillis(1), facts::add);

        List<Target> all = plan.targets();
        Map<String, Group> groups = groups(all);
        List<Target> flows = all.stream().filter(t -> groups.containsKey(t.id())).toList();
        Map<String, TargetData> last = facts.data(all, year - 1, lastClosed);
        Map<String, Kpi> finals = KpiEngine.evaluate(all, facts.data(all, year, closed), last, closed);
        List<Target> measured = new ArrayList<>();
        for (Target t : flows) {
            Double actual = finals.get(t.id()).actual();
            if (actual != null && actual > 0) {
                measured.add(t);
            }
        }
        double[][] schedule = new double[12][measured.size()];
        double[][] lastYear = new double[12][measured.size()];
        for (int m = 1; m <= 12; m++) {
            Instant monthEnd = YearMonth.of(year, m).plusMonths(1).atDay(1).atStartOfDay(zone).toInstant();
            Map<String, TargetData> data = facts.data(all, year, monthEnd);
            Map<String, Kpi> bySchedule = KpiEngine.evaluate(all, data, Map.of(), monthEnd);
            Map<String, Kpi> byLastYear = KpiEngine.evaluate(all, data, last, monthEnd);
            for (int i = 0; i < measured.size(); i++) {
                String id = measured.get(i).id();
                double actual = finals.get(id).actual();
                schedule[m - 1][i] = error(bySchedule.get(id).projected(), actual);
                lastYear[m - 1][i] = error(byLastYear.get(id).projected(), actual);
            }
        }
        Map<String, Group> measuredGroups = new HashMap<>();
        measured.forEach(t -> measuredGroups.put(t.id(), groups.get(t.id())));
        return new Result(plan, seed, List.copyOf(measured), measuredGroups, schedule, lastYear);
    }

    private static double error(Double projected, double actual) {
        return projected == null ? Double.NaN : Math.abs(projected - actual) / actual;
    }

    /**
     * The cumulative flows fed by flow events or project reports (monthly amounts), and the rollups ({@code
     * children}) of such flows only. Indicator-fed flows report year-to-date figures and are left out.
     */
    static Map<String, Group> groups(List<Target> targets) {
        Map<String, Group> out = new HashMap<>();
        Map<String, List<Target>> children = new HashMap<>();
        for (Target t : targets) {
            if (t.parent() != null) {
                children.computeIfAbsent(t.parent(), k -> new ArrayList<>()).add(t);
            }
        }
        for (Target t : targets) {
            if (isFlow(t, children)) {
                Source s = t.source();
                out.put(t.id(), s == Source.CHILDREN ? Group.ROLLUPS
                        : s == Source.PROJECT_PROGRESS ? Group.PROJECTS : Group.EVENT_FLOWS);
            }
        }
        return out;
    }

    private static boolean isFlow(Target t, Map<String, List<Target>> children) {
        if (t.kind() != Kind.CUMULATIVE_FLOW) {
            return false;
        }
        if (t.source() == Source.CHILDREN) {
            List<Target> kids = children.getOrDefault(t.id(), List.of());
            return !kids.isEmpty() && kids.stream().allMatch(k -> isFlow(k, children));
        }
        return t.source() == Source.PROJECT_PROGRESS || t.source().stream().isFlow();
    }

    /** The table: one row per month end, for each group the schedule profile's error and last year's. */
    public static void print(Result r, PrintStream out) {
        Map<Group, Integer> sizes = new EnumMap<>(Group.class);
        for (Group g : Group.values()) {
            if (r.size(g) > 0) {
                sizes.put(g, r.size(g));
            }
        }
        out.printf("Year-end projection (CONTRACT 5b) of plan %d's flow targets against their final actual, "
                + "simulated (seed %d):%nmean absolute percentage error at each month end; (n) where fewer targets "
                + "had a projection.%n%n", r.plan().year(), r.seed());
        StringBuilder h1 = new StringBuilder(String.format("%-9s", "month end"));
        StringBuilder h2 = new StringBuilder(String.format("%-9s", ""));
        for (Map.Entry<Group, Integer> g : sizes.entrySet()) {
            h1.append(String.format(" | %-25s", g.getKey().label + " (" + g.getValue() + ")"));
            h2.append(String.format(" | %-12s %-12s", "schedule", "last year"));
        }
        out.println(h1);
        out.println(h2);
        for (int m = 1; m <= 12; m++) {
            StringBuilder row = new StringBuilder(String.format("%-9s", YearMonth.of(r.plan().year(), m)));
            for (Map.Entry<Group, Integer> g : sizes.entrySet()) {
                row.append(" | ").append(format(r.cell(g.getKey(), m, false), g.getValue())).append(' ')
                        .append(format(r.cell(g.getKey(), m, true), g.getValue()));
            }
            out.println(row);
        }
        double[] usual = {0, 0};
        int[] n = {0, 0};
        int front = 0;
        for (Target t : r.targets()) {
            if (r.groups().get(t.id()) != Group.PROJECTS) {
                continue;
            }
            if (Simulator.frontLoaded(t.id())) {
                front++;
                continue;
            }
            for (int p = 0; p < 2; p++) {
                double e = r.error(t.id(), 6, p == 1);
                if (!Double.isNaN(e)) {
                    usual[p] += e;
                    n[p]++;
                }
            }
        }
        if (front > 0 && n[0] > 0 && n[1] > 0) {
            out.printf("%nAt the end of June, the projects without the %d whose last year was front-loaded (simulated "
                    + "to raise early warnings): schedule %.1f %%, last year %.1f %%.%n", front, 100 * usual[0] / n[0],
                    100 * usual[1] / n[1]);
        }
    }

    private static String format(Cell c, int size) {
        if (c.n() == 0) {
            return String.format("%-12s", "—");
        }
        String s = String.format("%.1f %%", 100 * c.mape());
        return String.format("%-12s", c.n() < size ? s + " (" + c.n() + ")" : s);
    }
}
