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
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * CONTRACT section 5b: projected year-end actual, projected completion, outlook and early warning. Every expected
 * figure is worked out by hand in the comment beside it.
 */
class ProjectionTest {
    static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    static final Offset<Double> TIGHT = within(1e-9);
    /** A schedule that is not linear, so that falling back to it is visible. */
    static final List<Double> SLOW_START = List.of(0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0);

    // ---- fixtures --------------------------------------------------------------------------------------------

    static Target target(int year, String id, String unit, Kind kind, Comparator cmp, Double target, double scale,
                         Double baseline, List<Double> schedule, String parent, Source source, Thresholds th) {
        return new Target(year, id, id, id, "test", unit, kind, cmp, target, scale, baseline, schedule, parent, source,
                Map.of(), null, false, "Asia/Shanghai", 10, th);
    }

    /** A 2025 target in trips, scale 1, no baseline, linear schedule, no parent, default thresholds. */
    static Target target(String id, Kind kind, Comparator cmp, Double target, Source source) {
        return target(2025, id, "trips", kind, cmp, target, 1, null, Target.LINEAR, null, source, Thresholds.DEFAULT);
    }

    static Target flow(double target) {
        return target("trucks", Kind.CUMULATIVE_FLOW, Comparator.AT_LEAST, target, Source.TRUCK_COUNT);
    }

    static Instant at(String localDateTime) {
        return LocalDateTime.parse(localDateTime).atZone(SHANGHAI).toInstant();
    }

    /** Consecutive months from January, each reported. */
    static TargetData data(double... months) {
        Double[] boxed = new Double[months.length];
        for (int i = 0; i < months.length; i++) {
            boxed[i] = months[i];
        }
        return months(boxed);
    }

    /** Months from January; null = nothing arrived that month. */
    static TargetData months(Double... months) {
        BigDecimal[] m = new BigDecimal[12];
        boolean[] r = new boolean[12];
        for (int i = 0; i < 12; i++) {
            Double v = i < months.length ? months[i] : null;
            m[i] = v == null ? BigDecimal.ZERO : new BigDecimal(Double.toString(v));
            r[i] = v != null;
        }
        return new TargetData(m, r, months.length, 0);
    }

    static Kpi eval(Target t, TargetData d, TargetData lastYear, Instant asOf) {
        return KpiEngine.evaluate(List.of(t), d == null ? Map.of() : Map.of(t.id(), d),
                lastYear == null ? Map.of() : Map.of(t.id(), lastYear), asOf).get(t.id());
    }

    static Kpi eval(Target t, TargetData d, Instant asOf) {
        return eval(t, d, null, asOf);
    }

    // ---- the profile p(t) -----------------------------------------------------------------------------------

    @Nested
    class ScheduleProfile {
        @Test
        void withoutLastYearTheProjectionFollowsTheSchedule() {
            // 1 April: a quarter of the linear schedule is due; 300 / 0.25 = 1200
            Kpi k = eval(flow(1200), data(100, 100, 100), at("2025-04-01T00:00"));
            assertThat(k.projected()).isCloseTo(1200.0, TIGHT);
            assertThat(k.projectedCompletion()).isCloseTo(1.0, TIGHT);
            assertThat(k.outlook()).isEqualTo(Outlook.ON_COURSE);
            assertThat(k.earlyWarning()).isFalse();
        }

        @Test
        void linearWithinTheMonth() {
            // 17 March 00:00 is 16 of March's 31 days in: p = (2 + 16/31) / 12 = 13/62; 250 / (13/62) = 15500/13
            Kpi k = eval(flow(1200), data(100, 100, 50), at("2025-03-17T00:00"));
            assertThat(k.projected()).isCloseTo(15500.0 / 13, TIGHT);
            assertThat(k.projectedCompletion()).isCloseTo(15500.0 / 13 / 1200, TIGHT);
            assertThat(k.outlook()).isEqualTo(Outlook.ON_COURSE);
        }

        @Test
        void theThreeArgumentOverloadIsTheFourWithNoLastYear() {
            Target t = flow(1200);
            Instant asOf = at("2025-03-17T00:00");
            Kpi three = KpiEngine.evaluate(List.of(t), Map.of(t.id(), data(100, 100, 50)), asOf).get(t.id());
            Kpi four = KpiEngine.evaluate(List.of(t), Map.of(t.id(), data(100, 100, 50)), Map.of(), asOf).get(t.id());
            assertThat(three.sameFigures(four)).isTrue();
            assertThat(three.projected()).isCloseTo(15500.0 / 13, TIGHT);
            Kpi nullMap = KpiEngine.evaluate(List.of(t), Map.of(t.id(), data(100, 100, 50)), null, asOf).get(t.id());
            assertThat(nullMap.sameFigures(four)).isTrue();
        }

        @Test
        void aScheduleThatIsNotLinear() {
            // SLOW_START: 0.2 due by the end of March; 240 / 0.2 = 1200
            Target t = target(2025, "trucks", "trips", Kind.CUMULATIVE_FLOW, Comparator.AT_LEAST, 1200.0, 1, null,
                    SLOW_START, null, Source.TRUCK_COUNT, Thresholds.DEFAULT);
            assertThat(eval(t, data(80, 80, 80), at("2025-04-01T00:00")).projected()).isCloseTo(1200.0, TIGHT);
        }
    }

    @Nested
    class LastYearProfile {
        /** 20, 30, 50, then 100 a month: 1000 in all; shares 0.02, 0.05, 0.10, 0.20, ... */
        final TargetData lastYear = data(20, 30, 50, 100, 100, 100, 100, 100, 100, 100, 100, 100);

        @Test
        void lastYearsShareReplacesTheSchedule() {
            // 1 April: last year 100 of 1000 was in by the end of March; 150 / 0.1 = 1500
            Kpi k = eval(flow(1200), data(50, 50, 50), lastYear, at("2025-04-01T00:00"));
            assertThat(k.projected()).isCloseTo(1500.0, TIGHT);
            assertThat(k.projectedCompletion()).isCloseTo(1.25, TIGHT);
            assertThat(k.outlook()).isEqualTo(Outlook.ON_COURSE);
            // behind the linear schedule (gap 0.125 - 0.25), though the year is heading above target
            assertThat(k.status()).isEqualTo(Status.LAGGING);
            assertThat(k.earlyWarning()).isFalse();
        }

        @Test
        void linearWithinAMonthOfLastYear() {
            // 16 April 00:00 is 15 of 30 days in: p = 0.1 + (0.2 - 0.1) * 0.5 = 0.15; 210 / 0.15 = 1400
            Kpi k = eval(flow(1200), data(50, 50, 50, 60), lastYear, at("2025-04-16T00:00"));
            assertThat(k.projected()).isCloseTo(1400.0, TIGHT);
            assertThat(k.projectedCompletion()).isCloseTo(1400.0 / 1200, TIGHT);
        }

        @Test
        void theFloorAppliesToLastYearsShare() {
            // 15 February: p = 0.02 + 0.03 * 14/28 = 0.035 < 0.05, although the linear schedule would be 0.125
            Kpi early = eval(flow(1200), data(20, 10), lastYear, at("2025-02-15T00:00"));
            assertThat(early.projected()).isNull();
            assertThat(early.projectedCompletion()).isNull();
            assertThat(early.outlook()).isNull();
            // 1 March: p = 0.05 exactly, the floor is reached: 50 / 0.05 = 1000
            Kpi atFloor = eval(flow(1200), data(20, 30), lastYear, at("2025-03-01T00:00"));
            assertThat(atFloor.projected()).isCloseTo(1000.0, TIGHT);
            assertThat(atFloor.outlook()).isEqualTo(Outlook.OFF_COURSE); // h = 1000/1200 - 1 = -0.167
        }

        @Test
        void aMonthLastYearHadNothingInKeepsTheProfileFlat() {
            // last year: 100 a month but nothing in February: 1100 in all; share 1/11 at the ends of Jan and Feb
            TargetData noFebruary = months(100.0, null, 100.0, 100.0, 100.0, 100.0, 100.0, 100.0, 100.0, 100.0, 100.0, 100.0);
            assertThat(eval(flow(1200), data(100), noFebruary, at("2025-02-01T00:00")).projected())
                    .isCloseTo(1100.0, TIGHT);                                   // 100 / (1/11)
            assertThat(eval(flow(1200), data(100, 5), noFebruary, at("2025-02-15T00:00")).projected())
                    .isCloseTo(1155.0, TIGHT);                                   // 105 / (1/11), p flat in February
            assertThat(eval(flow(1200), data(100, 5), noFebruary, at("2025-03-01T00:00")).projected())
                    .isCloseTo(1155.0, TIGHT);                                   // still 1/11 at the end of February
            // 16 March 00:00, 15 of 31 days: p = 1/11 + (1/11) * 15/31 = 46/341; 155 * 341 / 46 = 52855/46
            assertThat(eval(flow(1200), data(100, 5, 50), noFebruary, at("2025-03-16T00:00")).projected())
                    .isCloseTo(52855.0 / 46, TIGHT);
            // a February reported with 0 reads the same as one with no facts
            TargetData zeroFebruary = data(100, 0, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100);
            assertThat(eval(flow(1200), data(100, 5, 50), zeroFebruary, at("2025-03-16T00:00")).projected())
                    .isCloseTo(52855.0 / 46, TIGHT);
        }

        @Test
        void scaleCancelsOutOfTheShares() {
            // target in 亿元 with scale 1e8; last year (yuan) 3e8 in January then 1e8 a month: 14e8, 5/14 by March end
            Target t = target(2025, "value", "CNY_100M", Kind.CUMULATIVE_FLOW, Comparator.AT_LEAST, 12.0, 1e8, null,
                    Target.LINEAR, null, Source.TRUCK_CARGO_VALUE, Thresholds.DEFAULT);
            TargetData ly = data(3e8, 1e8, 1e8, 1e8, 1e8, 1e8, 1e8, 1e8, 1e8, 1e8, 1e8, 1e8);
            Kpi k = eval(t, data(1e8, 1e8, 1e8), ly, at("2025-04-01T00:00"));
            assertThat(k.actual()).isEqualTo(3.0);
            assertThat(k.projected()).isCloseTo(8.4, TIGHT);                    // 3 / (5/14)
            assertThat(k.projectedCompletion()).isCloseTo(0.7, TIGHT);          // 8.4 / 12
            assertThat(k.outlook()).isEqualTo(Outlook.OFF_COURSE);              // h = -0.30
            // without last year, the schedule: 3 / 0.25 = 12
            assertThat(eval(t, data(1e8, 1e8, 1e8), at("2025-04-01T00:00")).projected()).isCloseTo(12.0, TIGHT);
        }
    }

    @Nested
    class FallBackToTheSchedule {
        final Target t = target(2025, "trucks", "trips", Kind.CUMULATIVE_FLOW, Comparator.AT_LEAST, 1200.0, 1, null,
                SLOW_START, null, Source.TRUCK_COUNT, Thresholds.DEFAULT);
        final Instant apr1 = at("2025-04-01T00:00");

        @Test
        void aPreviousYearWithNoFacts() {
            // f = 0.2 at the end of March; 240 / 0.2 = 1200
            assertThat(eval(t, data(80, 80, 80), TargetData.empty(), apr1).projected()).isCloseTo(1200.0, TIGHT);
            assertThat(eval(t, data(80, 80, 80), null, apr1).projected()).isCloseTo(1200.0, TIGHT);
        }

        @Test
        void aPreviousYearWhoseFactsAddUpToZero() {
            assertThat(eval(t, data(80, 80, 80), data(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), apr1).projected())
                    .isCloseTo(1200.0, TIGHT);
        }

        @Test
        void lastYearForAnotherIdDoesNotCount() {
            Map<String, TargetData> ly = Map.of("other", data(1000));
            Kpi k = KpiEngine.evaluate(List.of(t), Map.of(t.id(), data(80, 80, 80)), ly, apr1).get(t.id());
            assertThat(k.projected()).isCloseTo(1200.0, TIGHT);
        }
    }

    @Nested
    class LeapYear {
        @Test
        void theScheduleUsesFebruarysTwentyNineDays() {
            // plan year 2024: 15 February 00:00 is 14 of 29 days in: p = (1 + 14/29) / 12 = 43/348
            // 150 / (43/348) = 52200/43 (with 28 days it would be 150 / 0.125 = 1200)
            Target t = target(2024, "trucks", "trips", Kind.CUMULATIVE_FLOW, Comparator.AT_LEAST, 1200.0, 1, null,
                    Target.LINEAR, null, Source.TRUCK_COUNT, Thresholds.DEFAULT);
            assertThat(eval(t, data(100, 50), at("2024-02-15T00:00")).projected()).isCloseTo(52200.0 / 43, TIGHT);
        }

        @Test
        void lastYearsProfileUsesFebruarysTwentyNineDays() {
            // 2023: 60, 60, then 108 a month: 1200; shares 0.05 and 0.10 at the ends of January and February.
            // 29 February 2024 12:00 is 28.5 of 29 days in: p = 0.05 + 0.05 * 28.5/29 = 2.875/29; 117 * 29 / 2.875
            Target t = target(2024, "trucks", "trips", Kind.CUMULATIVE_FLOW, Comparator.AT_LEAST, 1200.0, 1, null,
                    Target.LINEAR, null, Source.TRUCK_COUNT, Thresholds.DEFAULT);
            TargetData ly2023 = data(60, 60, 108, 108, 108, 108, 108, 108, 108, 108, 108, 108);
            assertThat(eval(t, data(60, 57), ly2023, at("2024-02-29T12:00")).projected())
                    .isCloseTo(117 * 29 / 2.875, TIGHT);
        }

        @Test
        void afterALeapYearThePlanYearsFebruaryCounts() {
            // plan year 2025 after leap 2024: 15 February is 14 of 28 days in: p = 0.05 + 0.05 * 0.5 = 0.075; 90/0.075
            TargetData ly2024 = data(60, 60, 108, 108, 108, 108, 108, 108, 108, 108, 108, 108);
            assertThat(eval(flow(1200), data(60, 30), ly2024, at("2025-02-15T00:00")).projected())
                    .isCloseTo(1200.0, TIGHT);
        }
    }

    @Nested
    class Floor {
        @Test
        void nullWhileTheShareIsBelowFivePercent() {
            // 16 January 00:00: f = (15/31) / 12 = 0.0403
            Kpi k = eval(flow(1200), data(50), at("2025-01-16T00:00"));
            assertThat(k.projected()).isNull();
            assertThat(k.projectedCompletion()).isNull();
            assertThat(k.outlook()).isNull();
            assertThat(k.status()).isNotEqualTo(Status.NO_DATA);
            assertThat(k.earlyWarning()).isFalse();
        }

        @Test
        void exactlyFivePercentCounts() {
            // 19 January 14:24 is 18.6 of 31 days in (0.6 of the month): f = 0.6 / 12 = 0.05 (a hair under in binary)
            Kpi k = eval(flow(1200), data(60), at("2025-01-19T14:24"));
            assertThat(k.projected()).isCloseTo(1200.0, within(1e-6));          // 60 / 0.05
            assertThat(k.outlook()).isEqualTo(Outlook.ON_COURSE);
            // a minute earlier it is below the floor
            assertThat(eval(flow(1200), data(60), at("2025-01-19T14:23")).projected()).isNull();
        }

        @Test
        void beforeTheYearStartsNothingIsDue() {
            assertThat(eval(flow(1200), data(50), at("2024-12-31T12:00")).projected()).isNull();
        }

        @Test
        void noDataNoProjection() {
            Kpi k = eval(flow(1200), null, data(100, 100, 100), at("2025-06-01T00:00"));
            assertThat(k.status()).isEqualTo(Status.NO_DATA);
            assertThat(k.projected()).isNull();
            assertThat(k.projectedCompletion()).isNull();
            assertThat(k.outlook()).isNull();
            assertThat(k.earlyWarning()).isFalse();
        }
    }

    @Nested
    class ReportFed {
        @Test
        void theClockIsCappedAtDataThrough() {
            // reports through March, read on 20 May: the clock stops at 1 April, f = 0.25; 3 / 0.25 = 12
            Target p = target("proj", Kind.CUMULATIVE_FLOW, Comparator.AT_LEAST, 12.0, Source.PROJECT_PROGRESS);
            Kpi k = eval(p, data(1, 1, 1), at("2025-05-20T00:00"));
            assertThat(k.dataThrough()).isEqualTo("2025-03");
            assertThat(k.projected()).isCloseTo(12.0, TIGHT);
            assertThat(k.outlook()).isEqualTo(Outlook.ON_COURSE);
        }

        @Test
        void projectProgressWithLastYearsMonthlyAmounts() {
            // last year 1, 1, 2, then 1 a month and 2 in December: 14; 4/14 by the end of March; 3 / (4/14) = 10.5
            Target p = target("proj", Kind.CUMULATIVE_FLOW, Comparator.AT_LEAST, 12.0, Source.PROJECT_PROGRESS);
            Kpi k = eval(p, data(1, 1, 1), data(1, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 2), at("2025-05-20T00:00"));
            assertThat(k.projected()).isCloseTo(10.5, TIGHT);
            assertThat(k.projectedCompletion()).isCloseTo(0.875, TIGHT);
            assertThat(k.outlook()).isEqualTo(Outlook.AT_RISK);                 // h = -0.125
        }

        @Test
        void indicatorReportsShareIsTheYearToDateValueOverTheYearsFinalValue() {
            Target ind = target("gross", Kind.CUMULATIVE_FLOW, Comparator.AT_LEAST, 1000.0, Source.INDICATOR_REPORT);
            TargetData ytd = data(50, 120, 200); // year-to-date values, through March
            // last year: February YTD 100, April 250, December 500; March carries February's 100: share 0.2
            TargetData ly = months(null, 100.0, null, 250.0, null, null, null, null, null, null, null, 500.0);
            Kpi k = eval(ind, ytd, ly, at("2025-06-10T00:00"));
            assertThat(k.actual()).isEqualTo(200.0);
            assertThat(k.projected()).isCloseTo(1000.0, TIGHT);                 // 200 / 0.2
            assertThat(k.outlook()).isEqualTo(Outlook.ON_COURSE);
            // April 250/500 = 0.5 (not 100 + 250: reports are year-to-date, never summed)
            Kpi april = eval(ind, data(50, 120, 200, 400), ly, at("2025-06-10T00:00"));
            assertThat(april.projected()).isCloseTo(800.0, TIGHT);              // 400 / 0.5
        }

        @Test
        void theFinalValueIsTheLatestPeriodReportedLastYear() {
            // last year's reports stop at November (400): March's share 100/400 = 0.25; 200 / 0.25 = 800
            Target ind = target("gross", Kind.CUMULATIVE_FLOW, Comparator.AT_LEAST, 1000.0, Source.INDICATOR_REPORT);
            TargetData ly = months(null, 100.0, null, 250.0, null, null, null, null, null, null, 400.0, null);
            Kpi k = eval(ind, data(50, 120, 200), ly, at("2025-06-10T00:00"));
            assertThat(k.projected()).isCloseTo(800.0, TIGHT);
            assertThat(k.projectedCompletion()).isCloseTo(0.8, TIGHT);
            assertThat(k.outlook()).isEqualTo(Outlook.OFF_COURSE);              // h = -0.2
        }

        @Test
        void beforeLastYearsFirstReportTheShareIsZero() {
            // this year's January report, read in March (clock: 1 February); last year's first report was February's
            Target ind = target("gross", Kind.CUMULATIVE_FLOW, Comparator.AT_LEAST, 1000.0, Source.INDICATOR_REPORT);
            TargetData ly = months(null, 100.0, null, 250.0, null, null, null, null, null, null, null, 500.0);
            assertThat(eval(ind, data(50), ly, at("2025-03-05T00:00")).projected()).isNull();
        }

        @Test
        void indicatorReportsOfZeroFallBackToTheSchedule() {
            Target ind = target("gross", Kind.CUMULATIVE_FLOW, Comparator.AT_LEAST, 1000.0, Source.INDICATOR_REPORT);
            TargetData zeros = data(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
            // linear, capped at 1 April: 0.25; 200 / 0.25 = 800
            assertThat(eval(ind, data(50, 120, 200), zeros, at("2025-06-10T00:00")).projected()).isCloseTo(800.0, TIGHT);
            assertThat(eval(ind, data(50, 120, 200), TargetData.empty(), at("2025-06-10T00:00")).projected())
                    .isCloseTo(800.0, TIGHT);
        }
    }

    // ---- per kind -------------------------------------------------------------------------------------------

    @Nested
    class StockLevel {
        final Target withBaseline = target(2025, "ht", "count", Kind.STOCK_LEVEL, Comparator.AT_LEAST, 400.0, 1, 355.0,
                Target.LINEAR, null, Source.INDICATOR_REPORT, Thresholds.DEFAULT);

        @Test
        void fromTheBaselineAtTheScheduledPace() {
            // June report read in September: clock capped at 1 July, f = 0.5; 355 + (377.5 - 355) / 0.5 = 400
            Kpi k = eval(withBaseline, data(360, 365, 370, 372, 375, 377.5), at("2025-09-20T00:00"));
            assertThat(k.projected()).isCloseTo(400.0, TIGHT);
            assertThat(k.projectedCompletion()).isCloseTo(1.0, TIGHT);
            assertThat(k.outlook()).isEqualTo(Outlook.ON_COURSE);
            // 355 + (366 - 355) / 0.5 = 377; 377/400 = 0.9425, h = -0.0575
            Kpi slow = eval(withBaseline, data(360, 365, 370, 372, 375, 366), at("2025-09-20T00:00"));
            assertThat(slow.projected()).isCloseTo(377.0, TIGHT);
            assertThat(slow.projectedCompletion()).isCloseTo(0.9425, TIGHT);
            assertThat(slow.outlook()).isEqualTo(Outlook.AT_RISK);
            // falling: 355 + (340 - 355) / 0.5 = 325; 0.8125
            Kpi falling = eval(withBaseline, data(360, 365, 370, 372, 375, 340), at("2025-09-20T00:00"));
            assertThat(falling.projected()).isCloseTo(325.0, TIGHT);
            assertThat(falling.outlook()).isEqualTo(Outlook.OFF_COURSE);
        }

        @Test
        void dividesByTheScheduleNotByLastYearsProfile() {
            // a front-loaded last year would give p(1 July) = 0.9; the stock formula keeps f = 0.5
            TargetData ly = data(90, 90, 90, 90, 90, 90, 10, 10, 10, 10, 10, 10);
            Kpi k = eval(withBaseline, data(360, 365, 370, 372, 375, 377.5), ly, at("2025-09-20T00:00"));
            assertThat(k.projected()).isCloseTo(400.0, TIGHT);
        }

        @Test
        void theFloorAppliesToTheSchedulesShare() {
            // 10 January: f = (9/31) / 12 = 0.024
            assertThat(eval(withBaseline, data(356), at("2025-01-10T00:00")).projected()).isNull();
            // 1 February: f = 1/12; 355 + (356 - 355) * 12 = 367
            assertThat(eval(withBaseline, data(356), at("2025-02-01T00:00")).projected()).isCloseTo(367.0, TIGHT);
        }

        @Test
        void withoutABaselineTheLatestFigureHolds() {
            Target t = target("x", Kind.STOCK_LEVEL, Comparator.AT_LEAST, 10.0, Source.INDICATOR_REPORT);
            Kpi k = eval(t, data(5), at("2025-01-05T00:00")); // no floor: nothing is divided
            assertThat(k.projected()).isEqualTo(5.0);
            assertThat(k.projectedCompletion()).isEqualTo(0.5);
            assertThat(k.outlook()).isEqualTo(Outlook.OFF_COURSE);
        }
    }

    @Nested
    class LatestFigureHolds {
        @Test
        void growthRate() {
            Target t = target(2025, "gdp", "percent_growth", Kind.GROWTH_RATE, Comparator.AT_LEAST, 6.0, 1, 4.5,
                    Target.LINEAR, null, Source.INDICATOR_REPORT, Thresholds.DEFAULT);
            Kpi k = eval(t, data(5.0), data(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12), at("2025-01-05T00:00"));
            assertThat(k.projected()).isEqualTo(5.0);
            assertThat(k.projectedCompletion()).isCloseTo(5.0 / 6, TIGHT);    // h = -0.1667
            assertThat(k.outlook()).isEqualTo(Outlook.OFF_COURSE);
        }

        @Test
        void ratio() {
            Target t = target("share", Kind.RATIO, Comparator.AT_LEAST, 80.0, Source.INDICATOR_REPORT);
            Kpi k = eval(t, data(70, 78), at("2025-05-01T00:00"));
            assertThat(k.projected()).isEqualTo(78.0);
            assertThat(k.projectedCompletion()).isCloseTo(0.975, TIGHT);
            assertThat(k.outlook()).isEqualTo(Outlook.ON_COURSE);
        }

        @Test
        void ceiling() {
            Target t = target("deaths", Kind.CEILING, Comparator.AT_MOST, 0.019, Source.INDICATOR_REPORT);
            Kpi k = eval(t, data(0.021), at("2025-02-15T00:00"));
            assertThat(k.projected()).isEqualTo(0.021);
            assertThat(k.projectedCompletion()).isCloseTo(0.021 / 0.019, TIGHT); // 1.105: -h = -0.105
            assertThat(k.outlook()).isEqualTo(Outlook.AT_RISK);
        }

        @Test
        void aFlowCountedAsALatestFigureKindIsNotExtrapolated() {
            // a ratio fed by a flow source is still read as its latest figure
            Target t = target("r", Kind.RATIO, Comparator.AT_LEAST, 100.0, Source.TRUCK_COUNT);
            assertThat(eval(t, data(40, 60), at("2025-03-01T00:00")).projected()).isEqualTo(100.0);
        }
    }

    // ---- outlook per comparator -----------------------------------------------------------------------------

    @Nested
    class Comparators {
        final Instant may = at("2025-05-01T00:00");

        Outlook outlook(Target t, double value) {
            return eval(t, data(value), may).outlook();
        }

        @Test
        void atLeast() {
            Target t = target("r", Kind.RATIO, Comparator.AT_LEAST, 100.0, Source.INDICATOR_REPORT);
            assertThat(outlook(t, 120)).isEqualTo(Outlook.ON_COURSE);
            assertThat(outlook(t, 95)).isEqualTo(Outlook.ON_COURSE);     // h = -0.05
            assertThat(outlook(t, 94.9)).isEqualTo(Outlook.AT_RISK);
            assertThat(outlook(t, 85)).isEqualTo(Outlook.AT_RISK);       // h = -0.15
            assertThat(outlook(t, 84.9)).isEqualTo(Outlook.OFF_COURSE);
        }

        @Test
        void atMostReadsMinusH() {
            Target t = target("c", Kind.CEILING, Comparator.AT_MOST, 100.0, Source.INDICATOR_REPORT);
            assertThat(outlook(t, 50)).isEqualTo(Outlook.ON_COURSE);
            assertThat(outlook(t, 105)).isEqualTo(Outlook.ON_COURSE);    // -h = -0.05
            assertThat(outlook(t, 105.1)).isEqualTo(Outlook.AT_RISK);
            assertThat(outlook(t, 115)).isEqualTo(Outlook.AT_RISK);      // -h = -0.15
            assertThat(outlook(t, 115.1)).isEqualTo(Outlook.OFF_COURSE);
        }

        @Test
        void aboutInPercentUnitsHalfAPointEitherSide() {
            Target t = target(2025, "gdp", "percent_growth", Kind.GROWTH_RATE, Comparator.ABOUT, 6.0, 1, null,
                    Target.LINEAR, null, Source.INDICATOR_REPORT, Thresholds.DEFAULT);
            assertThat(outlook(t, 6.5)).isEqualTo(Outlook.ON_COURSE);
            assertThat(outlook(t, 5.5)).isEqualTo(Outlook.ON_COURSE);
            assertThat(outlook(t, 6.6)).isEqualTo(Outlook.AT_RISK);      // above is as far off as below
            assertThat(outlook(t, 7.5)).isEqualTo(Outlook.AT_RISK);      // 3 x 0.5
            assertThat(outlook(t, 7.6)).isEqualTo(Outlook.OFF_COURSE);
            assertThat(outlook(t, 4.5)).isEqualTo(Outlook.AT_RISK);
            assertThat(outlook(t, 4.4)).isEqualTo(Outlook.OFF_COURSE);
        }

        @Test
        void aboutOtherwiseTwoPercentOfTheTarget() {
            // 1 July: p = 0.5, projected = 2 x actual; tolerance 20 around 1000
            Target t = target("inv", Kind.CUMULATIVE_FLOW, Comparator.ABOUT, 1000.0, Source.TRUCK_COUNT);
            Instant jul1 = at("2025-07-01T00:00");
            assertThat(eval(t, data(510), jul1).outlook()).isEqualTo(Outlook.ON_COURSE);    // 1020
            assertThat(eval(t, data(490), jul1).outlook()).isEqualTo(Outlook.ON_COURSE);    // 980
            assertThat(eval(t, data(511), jul1).outlook()).isEqualTo(Outlook.AT_RISK);      // 1022
            assertThat(eval(t, data(530), jul1).outlook()).isEqualTo(Outlook.AT_RISK);      // 1060
            assertThat(eval(t, data(530.5), jul1).outlook()).isEqualTo(Outlook.OFF_COURSE); // 1061
            assertThat(eval(t, data(470), jul1).outlook()).isEqualTo(Outlook.AT_RISK);      // 940
            assertThat(eval(t, data(469.5), jul1).outlook()).isEqualTo(Outlook.OFF_COURSE); // 939
            assertThat(eval(t, data(530), jul1).projectedCompletion()).isCloseTo(1.06, TIGHT);
        }

        @Test
        void thePlansOwnThresholds() {
            Target t = target(2025, "r", "percent", Kind.RATIO, Comparator.AT_LEAST, 100.0, 1, null, Target.LINEAR,
                    null, Source.INDICATOR_REPORT, new Thresholds(0.10, -0.02, -0.08));
            assertThat(outlook(t, 98)).isEqualTo(Outlook.ON_COURSE);
            assertThat(outlook(t, 97)).isEqualTo(Outlook.AT_RISK);
            assertThat(outlook(t, 92)).isEqualTo(Outlook.AT_RISK);
            assertThat(outlook(t, 91)).isEqualTo(Outlook.OFF_COURSE);
        }

        @Test
        void aZeroTargetIsReadAgainstTheTargetItself() {
            Target t = target("days", Kind.CEILING, Comparator.AT_MOST, 0.0, Source.INDICATOR_REPORT);
            Kpi ok = eval(t, data(0), may);
            assertThat(ok.projected()).isEqualTo(0.0);
            assertThat(ok.projectedCompletion()).isNull();
            assertThat(ok.outlook()).isEqualTo(Outlook.ON_COURSE);
            assertThat(eval(t, data(1), may).outlook()).isEqualTo(Outlook.OFF_COURSE);
            Target atLeast = target("z", Kind.RATIO, Comparator.AT_LEAST, 0.0, Source.INDICATOR_REPORT);
            assertThat(eval(atLeast, data(0), may).outlook()).isEqualTo(Outlook.ON_COURSE);
        }
    }

    // ---- rollups --------------------------------------------------------------------------------------------

    @Nested
    class Rollups {
        Target child(String id, double target, String parent) {
            return target(2025, id, "trips", Kind.CUMULATIVE_FLOW, Comparator.AT_LEAST, target, 1, null, Target.LINEAR,
                    parent, Source.TRUCK_COUNT, Thresholds.DEFAULT);
        }

        Target rollup(String id, String parent) {
            return target(2025, id, "trips", Kind.CUMULATIVE_FLOW, Comparator.AT_LEAST, null, 1, null, Target.LINEAR,
                    parent, Source.CHILDREN, Thresholds.DEFAULT);
        }

        @Test
        void theSumOfTheChildrensProjectionsOrTheirActuals() {
            Target top = rollup("top", null);
            Target mid = rollup("mid", "top");
            Target a = child("a", 1200, "mid");
            Target b = child("b", 600, "mid");
            Target c = child("c", 300, "mid");
            Target e = child("e", 900, "top");
            Map<String, TargetData> data = Map.of("a", data(100, 100, 100), "b", data(5, 5, 5), "e", data(75, 75, 75));
            Map<String, TargetData> lastYear = new HashMap<>();
            // b's last year: 10, 0, 0, 90, 100 x 7, 200 = 1000, only 1 % by the end of March: below the floor
            lastYear.put("b", data(10, 0, 0, 90, 100, 100, 100, 100, 100, 100, 100, 200));
            lastYear.put("mid", data(1, 1000)); // a rollup's own last-year entry changes nothing
            Map<String, Kpi> k = KpiEngine.evaluate(List.of(top, mid, a, b, c, e), data, lastYear, at("2025-04-01T00:00"));
            assertThat(k.get("a").projected()).isCloseTo(1200.0, TIGHT);          // 300 / 0.25
            assertThat(k.get("b").projected()).isNull();                          // 15 / 0.01: below the floor
            assertThat(k.get("c").projected()).isNull();                          // no data
            assertThat(k.get("e").projected()).isCloseTo(900.0, TIGHT);           // 225 / 0.25
            // mid: a's 1200 + b's actual 15 (c adds nothing); target 1200 + 600 + 300 = 2100
            assertThat(k.get("mid").projected()).isCloseTo(1215.0, TIGHT);
            assertThat(k.get("mid").projectedCompletion()).isCloseTo(1215.0 / 2100, TIGHT);
            assertThat(k.get("mid").outlook()).isEqualTo(Outlook.OFF_COURSE);     // h = -0.42
            // top: mid's 1215 + e's 900 = 2115; target 2100 + 900 = 3000
            assertThat(k.get("top").projected()).isCloseTo(2115.0, TIGHT);
            assertThat(k.get("top").projectedCompletion()).isCloseTo(0.705, TIGHT);
            assertThat(k.get("top").outlook()).isEqualTo(Outlook.OFF_COURSE);
        }

        @Test
        void aRollupWithoutChildDataHasNoProjection() {
            Target top = rollup("top", null);
            Target q = child("q", 100, "top");
            Map<String, Kpi> k = KpiEngine.evaluate(List.of(top, q), Map.of(), Map.of(), at("2025-06-01T00:00"));
            assertThat(k.get("top").projected()).isNull();
            assertThat(k.get("top").projectedCompletion()).isNull();
            assertThat(k.get("top").outlook()).isNull();
        }

        @Test
        void aRollupOfLatestFigureChildrenAddsThem() {
            Target top = target(2025, "top", "count", Kind.STOCK_LEVEL, Comparator.AT_LEAST, 100.0, 1, null,
                    Target.LINEAR, null, Source.CHILDREN, Thresholds.DEFAULT);
            Target x = target(2025, "x", "count", Kind.STOCK_LEVEL, Comparator.AT_LEAST, 50.0, 1, null,
                    Target.LINEAR, "top", Source.INDICATOR_REPORT, Thresholds.DEFAULT);
            Target y = target(2025, "y", "count", Kind.STOCK_LEVEL, Comparator.AT_LEAST, 50.0, 1, 40.0,
                    Target.LINEAR, "top", Source.INDICATOR_REPORT, Thresholds.DEFAULT);
            // x holds at 45; y: 40 + (43 - 40) / 0.25 = 52 (reports through March); top 97 of 100
            Map<String, Kpi> k = KpiEngine.evaluate(List.of(top, x, y),
                    Map.of("x", data(45, 45, 45), "y", data(41, 42, 43)), Map.of(), at("2025-04-20T00:00"));
            assertThat(k.get("y").projected()).isCloseTo(52.0, TIGHT);
            assertThat(k.get("top").projected()).isCloseTo(97.0, TIGHT);
            assertThat(k.get("top").outlook()).isEqualTo(Outlook.ON_COURSE);
        }
    }

    // ---- after the year -------------------------------------------------------------------------------------

    @Nested
    class AfterTheYear {
        @Test
        void theProjectionIsTheActualAndThereIsNoOutlook() {
            Kpi k = eval(flow(1200), data(100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100),
                    at("2026-01-15T00:00"));
            assertThat(k.status()).isEqualTo(Status.COMPLETED);
            assertThat(k.projected()).isEqualTo(1200.0);
            assertThat(k.projectedCompletion()).isEqualTo(1.0);
            assertThat(k.outlook()).isNull();
            assertThat(k.earlyWarning()).isFalse();
        }

        @Test
        void notExtrapolatedWhateverLastYearSays() {
            // nothing in December; last year's profile would put 11 months at 11/12, but the year is over
            Kpi k = eval(flow(1200), data(100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100),
                    data(100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100), at("2026-01-01T00:00"));
            assertThat(k.status()).isEqualTo(Status.MISSED);
            assertThat(k.projected()).isEqualTo(1100.0);
            assertThat(k.projectedCompletion()).isCloseTo(1100.0 / 1200, TIGHT);
            assertThat(k.outlook()).isNull();
        }

        @Test
        void aReportFedTargetWhoseReportsStoppedIsNotExtrapolatedEither() {
            // reports through October; in the year the clock would stop at 1 November (10/12): 10 / (10/12) = 12
            Target p = target("proj", Kind.CUMULATIVE_FLOW, Comparator.AT_LEAST, 12.0, Source.PROJECT_PROGRESS);
            TargetData tenMonths = data(1, 1, 1, 1, 1, 1, 1, 1, 1, 1);
            assertThat(eval(p, tenMonths, at("2025-12-20T00:00")).projected()).isCloseTo(12.0, TIGHT);
            Kpi k = eval(p, tenMonths, at("2026-02-01T00:00"));
            assertThat(k.projected()).isEqualTo(10.0);
            assertThat(k.outlook()).isNull();
        }

        @Test
        void theLastInstantOfTheYearStillHasAnOutlook() {
            Kpi k = eval(flow(1200), data(100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100),
                    at("2025-12-31T23:59:59"));
            assertThat(k.outlook()).isEqualTo(Outlook.ON_COURSE);
            assertThat(k.projected()).isCloseTo(1200.0, within(1e-3));          // 1200 / (almost 1)
        }

        @Test
        void stockLevelToo() {
            Target t = target(2025, "ht", "count", Kind.STOCK_LEVEL, Comparator.AT_LEAST, 400.0, 1, 355.0,
                    Target.LINEAR, null, Source.INDICATOR_REPORT, Thresholds.DEFAULT);
            Kpi k = eval(t, data(360, 365, 370), at("2026-01-05T00:00"));
            assertThat(k.projected()).isEqualTo(370.0);
            assertThat(k.outlook()).isNull();
        }
    }

    // ---- early warning --------------------------------------------------------------------------------------

    @Nested
    class EarlyWarning {
        /** Front-loaded: 200 a month in Q1, 100 in Q2, 50 after: 1200, half of it by the end of March. */
        final TargetData frontLoaded = data(200, 200, 200, 100, 100, 100, 50, 50, 50, 50, 50, 50);
        final Instant apr1 = at("2025-04-01T00:00");

        @Test
        void offCourseWhileOnTrack() {
            // 300 is exactly on the linear schedule (gap 0), but last year had 50 % in by now: 300 / 0.5 = 600
            Kpi k = eval(flow(1200), data(100, 100, 100), frontLoaded, apr1);
            assertThat(k.status()).isEqualTo(Status.ON_TRACK);
            assertThat(k.projected()).isCloseTo(600.0, TIGHT);
            assertThat(k.projectedCompletion()).isCloseTo(0.5, TIGHT);
            assertThat(k.outlook()).isEqualTo(Outlook.OFF_COURSE);
            assertThat(k.earlyWarning()).isTrue();
        }

        @Test
        void offCourseWhileAhead() {
            // 420: completion 0.35, gap +0.10 (ahead); 420 / 0.5 = 840, 0.7
            Kpi k = eval(flow(1200), data(140, 140, 140), frontLoaded, apr1);
            assertThat(k.status()).isEqualTo(Status.AHEAD);
            assertThat(k.outlook()).isEqualTo(Outlook.OFF_COURSE);
            assertThat(k.earlyWarning()).isTrue();
        }

        @Test
        void notWhenAlreadyLaggingOrNotOffCourse() {
            // 150: gap -0.125 (lagging), 300 projected: off course, but the status already says so
            Kpi lagging = eval(flow(1200), data(50, 50, 50), frontLoaded, apr1);
            assertThat(lagging.status()).isEqualTo(Status.LAGGING);
            assertThat(lagging.outlook()).isEqualTo(Outlook.OFF_COURSE);
            assertThat(lagging.earlyWarning()).isFalse();
            // 540: 1080 projected, 0.9: at risk only
            Kpi atRisk = eval(flow(1200), data(180, 180, 180), frontLoaded, apr1);
            assertThat(atRisk.status()).isEqualTo(Status.AHEAD);
            assertThat(atRisk.outlook()).isEqualTo(Outlook.AT_RISK);
            assertThat(atRisk.earlyWarning()).isFalse();
        }
    }

    // ---- the record -----------------------------------------------------------------------------------------

    @Test
    void outlookWireNames() {
        assertThat(Outlook.ON_COURSE.wire()).isEqualTo("on_course");
        assertThat(Outlook.AT_RISK.wire()).isEqualTo("at_risk");
        assertThat(Outlook.OFF_COURSE.wire()).isEqualTo("off_course");
        assertThat(Outlook.fromWire("off_course")).isEqualTo(Outlook.OFF_COURSE);
    }

    @Test
    void sameFiguresSeesTheProjection() {
        Kpi k = eval(flow(1200), data(100, 100, 100), at("2025-04-01T00:00"));
        assertThat(k.sameFigures(with(k, k.projected(), k.projectedCompletion(), k.outlook()))).isTrue();
        assertThat(k.sameFigures(with(k, 1201.0, k.projectedCompletion(), k.outlook()))).isFalse();
        assertThat(k.sameFigures(with(k, k.projected(), 1.01, k.outlook()))).isFalse();
        assertThat(k.sameFigures(with(k, k.projected(), k.projectedCompletion(), Outlook.AT_RISK))).isFalse();
        assertThat(k.sameFigures(with(k, null, null, null))).isFalse();
    }

    private static Kpi with(Kpi k, Double projected, Double projectedCompletion, Outlook outlook) {
        return new Kpi(k.plan(), k.target(), k.actual(), k.completion(), k.expected(), k.gap(), k.status(), k.overdue(),
                k.dataThrough(), k.months(), k.children(), k.lastEventAt() + 1, projected, projectedCompletion, outlook);
    }
}
