package io.planpulse.report;

import io.planpulse.accuracy.SimulatedFacts;
import io.planpulse.avro.KpiSnapshot;
import io.planpulse.kpi.Kpi;
import io.planpulse.kpi.KpiEngine;
import io.planpulse.kpi.TargetData;
import io.planpulse.kpistage.Snapshots;
import io.planpulse.plan.Plan;
import io.planpulse.plan.PlanLoader;
import io.planpulse.plan.Target;
import io.planpulse.simulate.Simulator;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Plans and KPI snapshots for the report's tests, made the way the pipeline makes them (KpiEngine, Snapshots). */
final class ReportFixtures {
    static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

    private ReportFixtures() {
    }

    static Plan plan(String resource) throws Exception {
        try (var in = ReportFixtures.class.getResourceAsStream(resource)) {
            return PlanLoader.load(resource, new InputStreamReader(in, StandardCharsets.UTF_8));
        }
    }

    /** The snapshots the pipeline would publish for {@code data} (and last year's facts) evaluated at {@code asOf}. */
    static Map<String, KpiSnapshot> snapshots(List<Target> targets, Map<String, TargetData> data,
                                              Map<String, TargetData> lastYear, Instant asOf) {
        Map<String, KpiSnapshot> out = new LinkedHashMap<>();
        for (Kpi k : KpiEngine.evaluate(targets, data, lastYear, asOf).values()) {
            out.put(k.plan().id(), Snapshots.toAvro(k, asOf, "v1", targets.size()));
        }
        return out;
    }

    /** Monthly amounts in event units, January first; a null month has nothing. */
    static TargetData months(Double... amounts) {
        BigDecimal[] m = new BigDecimal[12];
        Arrays.fill(m, BigDecimal.ZERO);
        boolean[] reported = new boolean[12];
        for (int i = 0; i < amounts.length; i++) {
            if (amounts[i] != null) {
                m[i] = BigDecimal.valueOf(amounts[i]);
                reported[i] = true;
            }
        }
        return new TargetData(m, reported, 1, 0);
    }

    static TargetData repeat(double amount, int months) {
        Double[] a = new Double[months];
        Arrays.fill(a, amount);
        return months(a);
    }

    /**
     * The shipped Banan plan with simulated facts (last year's and this year's up to {@code asOf}), evaluated at
     * {@code asOf} as the pipeline would: a realistic report's input.
     */
    static Realistic realistic(Instant asOf) {
        Plan plan = io.planpulse.plan.PlanLoader.loadDefault();
        Simulator sim = new Simulator(plan, 2025);
        SimulatedFacts facts = new SimulatedFacts(SHANGHAI);
        sim.lastYear(Simulator.closes(plan.year() - 1, 10, SHANGHAI).minusMillis(1), facts::add);
        sim.history(asOf, facts::add);
        Map<String, TargetData> data = facts.data(plan.targets(), plan.year(), asOf);
        Map<String, TargetData> lastYear = facts.data(plan.targets(), plan.year() - 1, asOf);
        return new Realistic(plan, snapshots(plan.targets(), data, lastYear, asOf));
    }

    record Realistic(Plan plan, Map<String, KpiSnapshot> snapshots) {
        DispatchReport report(int month, Instant madeAt) {
            return MonthReport.build(plan.targets(), snapshots, plan.year(), month, "500113", "巴南区", madeAt, "v1");
        }
    }
}
