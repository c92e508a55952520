package io.planpulse.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import io.planpulse.accuracy.SimulatedFacts;
import io.planpulse.plan.Comparator;
import io.planpulse.plan.Kind;
import io.planpulse.plan.Plan;
import io.planpulse.plan.PlanLoader;
import io.planpulse.plan.Source;
import io.planpulse.plan.Target;
import io.planpulse.plan.Thresholds;
import io.planpulse.simulate.Simulator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One arithmetic: the schedule's share due f(t) and the sums of children's targets are exact, and the figures of the
 * shipped plan did not move when the double twins were removed.
 *
 * <p>The files under {@code src/test/resources/arith/} were written by this test on the code that still had both
 * implementations (the double f(t) of {@code Schedule.shareDue} and the decimal one of {@code KpiEngine.share}, the
 * children's targets summed as doubles): {@code shares.csv} holds both f(t) for every schedule of the shipped plan
 * and the linear one, in 2024 (a leap year) and 2025, at every month end, either side of it, mid-month, on
 * 29 February 2024, at the year's start and end and at 200 random instants; {@code banan-2025.csv} holds target,
 * actual, expected and projected of every target of the shipped plan (and of its rollups with their own targets
 * removed, so that they take the sum of their children's) with simulated facts at 30 instants of the year. To
 * write them again after a deliberate change of meaning: {@code -Dpin.write=src/test/resources/arith}.
 */
class OneArithmeticTest {
    static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    static Plan plan;
    static SimulatedFacts facts;

    @BeforeAll
    static void simulate() {
        plan = PlanLoader.loadDefault();
        Simulator sim = new Simulator(plan, 2025);
        facts = new SimulatedFacts(SHANGHAI);
        sim.lastYear(Simulator.closes(2024, 10, SHANGHAI).minusMillis(1), facts::add);
        sim.history(Simulator.closes(2025, plan.reportDeadlineDay(), SHANGHAI).minusMillis(1), facts::add);
    }

    // ---- children's targets ---------------------------------------------------------------------------------

    static Target rollup(String id, Double target, String parent) {
        return new Target(2025, id, id, id, "c", "CNY_100M", Kind.CUMULATIVE_FLOW, Comparator.AT_LEAST, target, 1, null,
                Target.LINEAR, parent, Source.CHILDREN, Map.of(), null, false, "Asia/Shanghai", 10, Thresholds.DEFAULT);
    }

    static Target project(String id, double target, String parent) {
        return new Target(2025, id, id, id, "c", "CNY_100M", Kind.CUMULATIVE_FLOW, Comparator.AT_LEAST, target, 1e8,
                null, Target.LINEAR, parent, Source.PROJECT_PROGRESS, Map.of(), null, false, "Asia/Shanghai", 10,
                Thresholds.DEFAULT);
    }

    @Test
    void childrensTargetsAddUpAsTheDecimalsThePlanWrote() {
        // 0.1 + 0.2 is 0.30000000000000004 in doubles; the plan wrote 0.1 and 0.2, whose sum is 0.3
        Map<String, Kpi> k = KpiEngine.evaluate(List.of(rollup("top", null, null), rollup("mid", null, "top"),
                project("a", 0.1, "mid"), project("b", 0.2, "mid"), project("c", 0.3, "top")), Map.of(),
                Instant.parse("2025-06-01T00:00:00Z"));
        assertThat(k.get("mid").target()).isEqualTo(0.3);
        // a rollup of rollups adds the exact sums: 0.3 + 0.3, not 0.30000000000000004 + 0.3
        assertThat(k.get("top").target()).isEqualTo(0.6);
    }

    @Test
    void manySmallChildTargetsDoNotDrift() {
        List<Target> targets = new ArrayList<>();
        targets.add(rollup("total", null, null));
        for (int i = 0; i < 10; i++) {
            targets.add(project("p" + i, 0.1, "total"));
        }
        assertThat(KpiEngine.evaluate(targets, Map.of(), Instant.parse("2025-06-01T00:00:00Z")).get("total").target())
                .isEqualTo(1.0);
    }

    @Test
    void theShippedPlansRollupsWithoutOwnTargetsTakeTheExactSumOfTheirChildrens() {
        List<Target> targets = withoutRollupTargets(plan.targets());
        Map<String, Kpi> k = KpiEngine.evaluate(targets, Map.of(), Instant.parse("2025-06-01T00:00:00Z"));
        for (Target t : targets) {
            if (t.source() == Source.CHILDREN) {
                assertThat(k.get(t.id()).target()).as(t.id()).isEqualTo(exactChildSum(t.id(), targets).doubleValue());
            }
        }
    }

    /** The sum of the children's targets as the decimals the plan wrote (a rollup child: its own sum). */
    static BigDecimal exactChildSum(String id, List<Target> targets) {
        BigDecimal sum = BigDecimal.ZERO;
        for (Target c : targets) {
            if (id.equals(c.parent())) {
                sum = sum.add(c.target() != null ? Decimals.exact(c.target()) : exactChildSum(c.id(), targets));
            }
        }
        return sum;
    }

    static List<Target> withoutRollupTargets(List<Target> targets) {
        return targets.stream().map(t -> t.source() != Source.CHILDREN ? t : new Target(t.year(), t.id(), t.nameZh(),
                t.nameEn(), t.category(), t.unit(), t.kind(), t.comparator(), null, t.scale(), t.baseline(),
                t.schedule(), t.parent(), t.source(), t.filter(), t.owner(), t.binding(), t.timezone(),
                t.reportDeadlineDay(), t.thresholds())).toList();
    }

    // ---- f(t), pinned -------------------------------------------------------------------------------------

    /** Every distinct schedule of the shipped plan, and the linear default. */
    static List<List<Double>> schedules() {
        LinkedHashSet<List<Double>> s = new LinkedHashSet<>();
        s.add(Target.LINEAR);
        for (Target t : plan.targets()) {
            s.add(t.schedule());
        }
        return List.copyOf(s);
    }

    static List<Instant> instants(int year) {
        List<Instant> out = new ArrayList<>();
        for (int m = 1; m <= 13; m++) {
            YearMonth ym = YearMonth.of(year, 1).plusMonths(m - 1);
            Instant start = ym.atDay(1).atStartOfDay(SHANGHAI).toInstant();
            out.add(start.minusMillis(1));
            out.add(start);
            out.add(start.plusMillis(1));
            if (m <= 12) {
                out.add(ym.atDay(15).atTime(12, 0).atZone(SHANGHAI).toInstant());
                out.add(ym.atEndOfMonth().atTime(23, 59, 59).atZone(SHANGHAI).toInstant());
            }
        }
        if (YearMonth.of(year, 2).isValidDay(29)) {
            out.add(LocalDateTime.of(year, 2, 29, 0, 0).atZone(SHANGHAI).toInstant());
            out.add(LocalDateTime.of(year, 2, 29, 12, 0).atZone(SHANGHAI).toInstant());
            out.add(LocalDateTime.of(year, 2, 28, 23, 59, 59, 999_000_000).atZone(SHANGHAI).toInstant());
        }
        out.add(LocalDateTime.of(year - 1, 6, 1, 0, 0).atZone(SHANGHAI).toInstant());
        out.add(LocalDateTime.of(year + 1, 6, 1, 0, 0).atZone(SHANGHAI).toInstant());
        Instant from = LocalDateTime.of(year, 1, 1, 0, 0).atZone(SHANGHAI).toInstant();
        long span = LocalDateTime.of(year + 1, 1, 1, 0, 0).atZone(SHANGHAI).toInstant().toEpochMilli() - from.toEpochMilli();
        Random r = new Random(year);
        for (int i = 0; i < 200; i++) {
            out.add(from.plusMillis((long) (r.nextDouble() * span)));
        }
        return out;
    }

    /** f(t) as status reads it and as projection reads it: "double;exact" (both from the one implementation). */
    static String shares(List<Double> schedule, int year, Instant t) {
        return Schedule.shareDue(schedule, year, SHANGHAI, t) + ";" + Schedule.share(schedule, year, SHANGHAI, t);
    }

    static String scheduleKey(List<Double> schedule) {
        return schedule.stream().map(String::valueOf).reduce((a, b) -> a + " " + b).orElseThrow();
    }

    @Test
    void theShareDueIsTheExactShareRoundedOnceAndPinned() throws IOException {
        List<String> lines = new ArrayList<>();
        for (List<Double> s : schedules()) {
            for (int year : new int[] {2024, 2025}) {
                for (Instant t : instants(year)) {
                    lines.add(scheduleKey(s) + ";" + year + ";" + t + ";" + shares(s, year, t));
                }
            }
        }
        List<String> pinned = pinned("shares.csv", lines);
        assertThat(lines).hasSameSizeAs(pinned);
        for (int i = 0; i < lines.size(); i++) {
            String[] now = lines.get(i).split(";");
            String[] then = pinned.get(i).split(";");
            assertThat(now[0] + now[1] + now[2]).isEqualTo(then[0] + then[1] + then[2]);
            double pinnedDouble = Double.parseDouble(then[3]);
            BigDecimal pinnedExact = new BigDecimal(then[4]);
            // the two former implementations agree to within the double's rounding
            assertThat(Math.abs(pinnedDouble - pinnedExact.doubleValue()))
                    .as(pinned.get(i)).isLessThanOrEqualTo(4 * Math.ulp(pinnedDouble));
            // today's exact f(t) is the pinned exact one to the last of its 34 digits
            assertThat(new BigDecimal(now[4])).as(lines.get(i)).isEqualByComparingTo(pinnedExact);
            // the double status reads is the exact f(t) rounded once, within the double's rounding of the former one
            double d = Double.parseDouble(now[3]);
            assertThat(d).as(lines.get(i)).isEqualTo(pinnedExact.doubleValue());
            assertThat(Math.abs(d - pinnedDouble)).as(lines.get(i)).isLessThanOrEqualTo(4 * Math.ulp(d));
        }
    }

    // ---- the shipped plan's figures, pinned -----------------------------------------------------------------

    static List<Instant> evaluationInstants() {
        List<Instant> out = new ArrayList<>();
        for (int m = 1; m <= 12; m++) {
            out.add(LocalDateTime.of(2025, m, 1, 0, 0).atZone(SHANGHAI).toInstant());
            out.add(LocalDateTime.of(2025, m, 16, 9, 30).atZone(SHANGHAI).toInstant());
        }
        out.add(LocalDateTime.of(2025, 12, 31, 23, 59, 59).atZone(SHANGHAI).toInstant());
        out.add(LocalDateTime.of(2026, 1, 1, 0, 0).atZone(SHANGHAI).toInstant());
        out.add(LocalDateTime.of(2026, 1, 10, 12, 0).atZone(SHANGHAI).toInstant());
        out.add(LocalDateTime.of(2026, 1, 11, 0, 0).atZone(SHANGHAI).toInstant());
        out.add(LocalDateTime.of(2025, 2, 28, 23, 59, 59).atZone(SHANGHAI).toInstant());
        out.add(LocalDateTime.of(2025, 7, 4, 3, 2, 1).atZone(SHANGHAI).toInstant());
        return out;
    }

    static String figures(String variant, Instant t, Kpi k) {
        return variant + ";" + t + ";" + k.plan().id() + ";" + k.target() + ";" + k.actual() + ";" + k.expected() + ";"
                + k.projected() + ";" + k.status();
    }

    @Test
    void theShippedPlansFiguresArePinned() throws IOException {
        List<Target> ownTargets = plan.targets();
        List<Target> summed = withoutRollupTargets(ownTargets);
        List<String> lines = new ArrayList<>();
        for (Instant t : evaluationInstants()) {
            Map<String, TargetData> data = facts.data(ownTargets, 2025, t);
            Map<String, TargetData> lastYear = facts.data(ownTargets, 2024, t);
            for (Kpi k : KpiEngine.evaluate(ownTargets, data, lastYear, t).values()) {
                lines.add(figures("plan", t, k));
            }
            Map<String, Kpi> rolled = KpiEngine.evaluate(summed, data, lastYear, t);
            for (Target r : summed) {
                if (r.source() == Source.CHILDREN) {
                    lines.add(figures("summed", t, rolled.get(r.id())));
                }
            }
        }
        List<String> pinned = pinned("banan-2025.csv", lines);
        assertThat(lines).hasSameSizeAs(pinned);
        for (int i = 0; i < lines.size(); i++) {
            String[] now = lines.get(i).split(";", -1);
            String[] then = pinned.get(i).split(";", -1);
            String where = lines.get(i) + "\n pinned " + pinned.get(i);
            assertThat(now[0] + now[1] + now[2]).as(where).isEqualTo(then[0] + then[1] + then[2]);
            closeToPinned(now[3], then[3], where); // target: a sum of children's may move in its last digit
            assertThat(now[4]).as(where).isEqualTo(then[4]); // actual: always exact
            closeToPinned(now[5], then[5], where); // expected: f(t) rounded once now
            assertThat(now[6]).as(where).isEqualTo(then[6]); // projected: always exact
            assertThat(now[7]).as(where).isEqualTo(then[7]);
        }
    }

    static void closeToPinned(String now, String then, String where) {
        if (then.equals("null")) {
            assertThat(now).as(where).isEqualTo("null");
            return;
        }
        double p = Double.parseDouble(then);
        assertThat(Math.abs(Double.parseDouble(now) - p)).as(where).isLessThanOrEqualTo(4 * Math.ulp(p));
    }

    /** The pinned lines of {@code name}, or, with {@code -Dpin.write=DIR}, {@code lines} written there. */
    static List<String> pinned(String name, List<String> lines) throws IOException {
        String dir = System.getProperty("pin.write");
        if (dir != null && !dir.isBlank()) {
            Files.createDirectories(Path.of(dir));
            try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(Path.of(dir, name), StandardCharsets.UTF_8))) {
                lines.forEach(w::println);
            }
            return lines;
        }
        try (InputStream in = OneArithmeticTest.class.getResourceAsStream("/arith/" + name)) {
            assertThat(in).as("pinned file arith/" + name).isNotNull();
            List<String> out = new ArrayList<>();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String l = r.readLine(); l != null; l = r.readLine()) {
                    out.add(l);
                }
            }
            return out;
        }
    }
}
