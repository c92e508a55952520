package io.planpulse.kpi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.planpulse.plan.Comparator;
import io.planpulse.plan.Kind;
import io.planpulse.plan.Source;
import io.planpulse.plan.Target;
import io.planpulse.plan.Thresholds;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KpiEngineTest {
    static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

    static Target target(String id, Kind kind, Comparator cmp, Double target, Source source) {
        return new Target(2025, id, id, id, "test", "trips", kind, cmp, target, 1, null, Target.LINEAR, null, source,
                Map.of(), null, false, "Asia/Shanghai", 10, Thresholds.DEFAULT);
    }

    static Instant at(String localDateTime) {
        return java.time.LocalDateTime.parse(localDateTime).atZone(SHANGHAI).toInstant();
    }

    static TargetData data(double... months) {
        BigDecimal[] m = new BigDecimal[12];
        boolean[] r = new boolean[12];
        for (int i = 0; i < 12; i++) {
            m[i] = i < months.length ? new BigDecimal(Double.toString(months[i])) : BigDecimal.ZERO;
            r[i] = i < months.length;
        }
        return new TargetData(m, r, months.length, 0);
    }

    static Kpi eval(Target t, TargetData d, Instant asOf) {
        return KpiEngine.evaluate(List.of(t), d == null ? Map.of() : Map.of(t.id(), d), asOf).get(t.id());
    }

    @Test
    void scheduleIsLinearBetweenMonthEndsZeroBeforeAndOneAfterTheYear() {
        List<Double> s = List.of(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0);
        assertThat(Schedule.shareDue(s, 2025, SHANGHAI, at("2024-12-31T23:59:59"))).isEqualTo(0.0);
        assertThat(Schedule.shareDue(s, 2025, SHANGHAI, at("2025-01-01T00:00"))).isEqualTo(0.0);
        assertThat(Schedule.shareDue(s, 2025, SHANGHAI, at("2025-02-01T00:00"))).isCloseTo(0.1, within(1e-12));
        // February 2025 has 28 days: its 15th at midnight is 14/28 of the way from 0.1 to 0.2.
        assertThat(Schedule.shareDue(s, 2025, SHANGHAI, at("2025-02-15T00:00"))).isCloseTo(0.15, within(1e-12));
        assertThat(Schedule.shareDue(s, 2025, SHANGHAI, at("2025-12-31T12:00"))).isBetween(0.99, 1.0);
        assertThat(Schedule.shareDue(s, 2025, SHANGHAI, at("2026-01-01T00:00"))).isEqualTo(1.0);
    }

    @Test
    void cumulativeFlowComparesCompletionWithTheShareOfTheYearElapsed() {
        Target t = target("trucks", Kind.CUMULATIVE_FLOW, Comparator.AT_LEAST, 1200.0, Source.TRUCK_COUNT);
        Kpi k = eval(t, data(100, 100, 100), at("2025-04-01T00:00"));
        assertThat(k.actual()).isEqualTo(300.0);
        assertThat(k.completion()).isEqualTo(0.25);
        assertThat(k.expected()).isCloseTo(0.25, within(1e-12));
        assertThat(k.gap()).isCloseTo(0.0, within(1e-12));
        assertThat(k.status()).isEqualTo(Status.ON_TRACK);
        assertThat(k.months().get(2)).isEqualTo(new MonthPoint("2025-03", 100.0, 300.0));
        assertThat(k.months().get(3)).isEqualTo(new MonthPoint("2025-04", null, 300.0));
    }

    @Test
    void atLeastStatusesFollowTheThresholds() {
        Target t = target("trucks", Kind.CUMULATIVE_FLOW, Comparator.AT_LEAST, 1200.0, Source.TRUCK_COUNT);
        Instant apr1 = at("2025-04-01T00:00"); // expected 0.25
        assertThat(eval(t, data(420), apr1).status()).isEqualTo(Status.AHEAD);            // gap +0.10
        assertThat(eval(t, data(300 - 60), apr1).status()).isEqualTo(Status.ON_TRACK);    // gap -0.05
        assertThat(eval(t, data(300 - 61), apr1).status()).isEqualTo(Status.LAGGING);
        assertThat(eval(t, data(300 - 180), apr1).status()).isEqualTo(Status.LAGGING);    // gap -0.15
        assertThat(eval(t, data(300 - 181), apr1).status()).isEqualTo(Status.SEVERELY_LAGGING);
        assertThat(eval(t, data(1200), apr1).status()).isEqualTo(Status.COMPLETED);
        assertThat(eval(t, null, apr1).status()).isEqualTo(Status.NO_DATA);
    }

    @Test
    void aCumulativeFlowSlipsBehindAsTheDaysPassWithoutEvents() {
        Target t = target("trucks", Kind.CUMULATIVE_FLOW, Comparator.AT_LEAST, 1200.0, Source.TRUCK_COUNT);
        TargetData d = data(100);
        assertThat(eval(t, d, at("2025-02-01T00:00")).status()).isEqualTo(Status.ON_TRACK);
        assertThat(eval(t, d, at("2025-03-01T00:00")).status()).isEqualTo(Status.LAGGING);
        assertThat(eval(t, d, at("2025-04-01T00:00")).status()).isEqualTo(Status.SEVERELY_LAGGING);
    }

    @Test
    void atMostReadsTheGapTheOtherWayRound() {
        Target t = target("deaths", Kind.CEILING, Comparator.AT_MOST, 0.019, Source.INDICATOR_REPORT);
        assertThat(eval(t, data(0.017), at("2025-02-15T00:00")).status()).isEqualTo(Status.AHEAD);
        assertThat(eval(t, data(0.019), at("2025-02-15T00:00")).status()).isEqualTo(Status.ON_TRACK);
        assertThat(eval(t, data(0.021), at("2025-02-15T00:00")).status()).isEqualTo(Status.LAGGING);
        assertThat(eval(t, data(0.03), at("2025-02-15T00:00")).status()).isEqualTo(Status.SEVERELY_LAGGING);
        assertThat(eval(t, data(0.017), at("2026-02-01T00:00")).status()).isEqualTo(Status.COMPLETED);
        assertThat(eval(t, data(0.02), at("2026-02-01T00:00")).status()).isEqualTo(Status.MISSED);
    }

    @Test
    void aboutUsesHalfAPointForPercentUnitsAndTwoPercentOfTheTargetOtherwise() {
        Target gdp = new Target(2025, "gdp", "g", "g", "c", "percent_growth", Kind.GROWTH_RATE, Comparator.ABOUT, 6.0, 1,
                4.5, Target.LINEAR, null, Source.INDICATOR_REPORT, Map.of(), null, false, "Asia/Shanghai", 10,
                Thresholds.DEFAULT);
        Instant t = at("2025-06-01T00:00");
        assertThat(eval(gdp, data(6.5), t).status()).isEqualTo(Status.ON_TRACK);
        assertThat(eval(gdp, data(6.6), t).status()).isEqualTo(Status.AHEAD);
        assertThat(eval(gdp, data(5.4), t).status()).isEqualTo(Status.LAGGING);
        assertThat(eval(gdp, data(4.5), t).status()).isEqualTo(Status.LAGGING);
        assertThat(eval(gdp, data(4.4), t).status()).isEqualTo(Status.SEVERELY_LAGGING);
        assertThat(eval(gdp, data(6.2), t).expected()).isEqualTo(1.0);
        Target invest = target("inv", Kind.CUMULATIVE_FLOW, Comparator.ABOUT, 1000.0, Source.TRUCK_COUNT);
        // at 2025-07-01 half is due: 500 on plan, tolerance 20
        assertThat(eval(invest, data(80, 80, 80, 80, 80, 120), at("2025-07-01T00:00")).status()).isEqualTo(Status.ON_TRACK);
        assertThat(eval(invest, data(80, 80, 80, 80, 80, 141), at("2025-07-01T00:00")).status()).isEqualTo(Status.AHEAD);
        assertThat(eval(invest, data(80, 80, 80, 80, 80, 60), at("2025-07-01T00:00")).status()).isEqualTo(Status.LAGGING);
        assertThat(eval(invest, data(80, 80, 80, 80, 80, 39), at("2025-07-01T00:00")).status()).isEqualTo(Status.SEVERELY_LAGGING);
    }

    @Test
    void stockLevelExpectsProgressFromTheBaseline() {
        Target t = new Target(2025, "ht", "h", "h", "c", "count", Kind.STOCK_LEVEL, Comparator.AT_LEAST, 400.0, 1, 355.0,
                Target.LINEAR, null, Source.INDICATOR_REPORT, Map.of(), null, false, "Asia/Shanghai", 10, Thresholds.DEFAULT);
        // report for June: clock capped at the end of June, f = 0.5 -> expected (355 + 45 * 0.5) / 400
        Kpi k = eval(t, data(360, 365, 370, 372, 375, 377.5), at("2025-09-20T00:00"));
        assertThat(k.actual()).isEqualTo(377.5);
        assertThat(k.expected()).isCloseTo((355 + 45 * 0.5) / 400, within(1e-12));
        assertThat(k.gap()).isCloseTo(0.0, within(1e-12));
        assertThat(k.dataThrough()).isEqualTo("2025-06");
        Target noBaseline = target("x", Kind.STOCK_LEVEL, Comparator.AT_LEAST, 10.0, Source.INDICATOR_REPORT);
        assertThat(eval(noBaseline, data(5), at("2025-03-01T00:00")).expected()).isEqualTo(1.0);
    }

    @Test
    void reportFedTargetsCapTheClockAtTheLatestReportedMonth() {
        Target p = target("proj", Kind.CUMULATIVE_FLOW, Comparator.AT_LEAST, 12e8, Source.PROJECT_PROGRESS);
        Kpi k = eval(p, data(1e8, 1e8, 1e8), at("2025-04-05T00:00"));
        assertThat(k.expected()).isCloseTo(0.25, within(1e-12));
        assertThat(k.status()).isEqualTo(Status.ON_TRACK);
        assertThat(k.overdue()).isFalse();
    }

    @Test
    void aReportFedTargetBecomesOverdueOnceTheDeadlineDayHasPassed() {
        Target p = target("proj", Kind.CUMULATIVE_FLOW, Comparator.AT_LEAST, 12.0, Source.PROJECT_PROGRESS);
        TargetData throughMarch = data(1, 1, 1);
        assertThat(eval(p, throughMarch, at("2025-05-10T23:59:59")).overdue()).isFalse();
        assertThat(eval(p, throughMarch, at("2025-05-11T00:00")).overdue()).isTrue();
        assertThat(eval(p, throughMarch, at("2025-04-30T00:00")).overdue()).isFalse();
        assertThat(eval(p, null, at("2025-01-20T00:00")).overdue()).isFalse();
        assertThat(eval(p, null, at("2025-02-11T00:00")).overdue()).isTrue();
        Target flow = target("trucks", Kind.CUMULATIVE_FLOW, Comparator.AT_LEAST, 12.0, Source.TRUCK_COUNT);
        assertThat(eval(flow, null, at("2025-12-11T00:00")).overdue()).isFalse();
    }

    @Test
    void afterTheYearEndsATargetIsCompletedOrMissed() {
        Target t = target("trucks", Kind.CUMULATIVE_FLOW, Comparator.AT_LEAST, 1200.0, Source.TRUCK_COUNT);
        assertThat(eval(t, data(100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100), at("2026-01-01T00:00")).status())
                .isEqualTo(Status.COMPLETED);
        assertThat(eval(t, data(100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 99), at("2026-01-01T00:00")).status())
                .isEqualTo(Status.MISSED);
    }

    @Test
    void rollupsOfRollupsAddUpToTheYuan() {
        Target top = new Target(2025, "top", "t", "t", "c", "CNY_100M", Kind.CUMULATIVE_FLOW, Comparator.AT_LEAST, null,
                1, null, Target.LINEAR, null, Source.CHILDREN, Map.of(), null, false, "Asia/Shanghai", 10, Thresholds.DEFAULT);
        Target mid = new Target(2025, "mid", "m", "m", "c", "CNY_100M", Kind.CUMULATIVE_FLOW, Comparator.AT_LEAST, 3.0,
                1, null, Target.LINEAR, "top", Source.CHILDREN, Map.of(), null, false, "Asia/Shanghai", 10, Thresholds.DEFAULT);
        Target a = new Target(2025, "a", "a", "a", "c", "CNY_100M", Kind.CUMULATIVE_FLOW, Comparator.AT_LEAST, 1.0,
                1e8, null, Target.LINEAR, "mid", Source.PROJECT_PROGRESS, Map.of(), null, false, "Asia/Shanghai", 10, Thresholds.DEFAULT);
        Target b = new Target(2025, "b", "b", "b", "c", "CNY_100M", Kind.CUMULATIVE_FLOW, Comparator.AT_LEAST, 2.0,
                1e8, null, Target.LINEAR, "mid", Source.PROJECT_PROGRESS, Map.of(), null, false, "Asia/Shanghai", 10, Thresholds.DEFAULT);
        Target c = new Target(2025, "c", "c", "c", "c", "CNY_100M", Kind.CUMULATIVE_FLOW, Comparator.AT_LEAST, 4.0,
                1e8, null, Target.LINEAR, "top", Source.PROJECT_PROGRESS, Map.of(), null, false, "Asia/Shanghai", 10, Thresholds.DEFAULT);
        Map<String, Kpi> k = KpiEngine.evaluate(List.of(top, mid, a, b, c), Map.of(
                "a", data(10_000_001.01, 20_000_000.02), "b", data(30_000_000.03), "c", data(0.01, 0.02, 0.03)),
                at("2025-03-15T00:00"));
        assertThat(k.get("mid").actual()).isEqualTo(0.6000000106);
        assertThat(k.get("top").actual()).isEqualTo(0.6000000112);
        assertThat(k.get("top").target()).isEqualTo(7.0);
        assertThat(k.get("mid").children()).containsExactly("a", "b");
        // b reported January only: the rollups' data run through January
        assertThat(k.get("mid").dataThrough()).isEqualTo("2025-01");
        assertThat(k.get("top").dataThrough()).isEqualTo("2025-01");
        assertThat(k.get("top").months().get(1).value()).isEqualTo(0.2000000004);
        assertThat(k.get("top").overdue()).isTrue();
    }

    @Test
    void aZeroTargetIsReadThroughItsComparator() {
        Target t = target("days", Kind.CEILING, Comparator.AT_MOST, 0.0, Source.INDICATOR_REPORT);
        assertThat(eval(t, data(0), at("2025-03-01T00:00")).status()).isEqualTo(Status.ON_TRACK);
        assertThat(eval(t, data(0), at("2025-03-01T00:00")).completion()).isNull();
        assertThat(eval(t, data(1), at("2025-03-01T00:00")).status()).isEqualTo(Status.SEVERELY_LAGGING);
        assertThat(eval(t, data(1), at("2026-03-01T00:00")).status()).isEqualTo(Status.MISSED);
    }
}
