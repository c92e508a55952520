package io.planpulse.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import io.planpulse.accuracy.SimulatedFacts;
import io.planpulse.avro.HubThroughput;
import io.planpulse.avro.ProjectProgress;
import io.planpulse.avro.TruckDeparture;
import io.planpulse.kpi.Kpi;
import io.planpulse.kpi.KpiEngine;
import io.planpulse.kpi.Outlook;
import io.planpulse.kpi.Status;
import io.planpulse.events.JsonEvents;
import io.planpulse.plan.Plan;
import io.planpulse.plan.PlanLoader;
import io.planpulse.plan.Source;
import io.planpulse.base.Stream;
import io.planpulse.plan.Target;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The simulator's two years for the shipped plan: the seasons (Spring Festival dip of the flows on each year's real
 * lunar new year, project investment heavier in Q4 than in Q1), last year's facts arriving before last year
 * closes, determinism, and the front-loaded projects that are on track but projected to miss.
 */
class SimulatorTest {
    static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    static Plan plan;
    static Instant lastYearFeed;
    static final List<JsonEvents.Event> lastYear = new ArrayList<>();
    static final List<JsonEvents.Event> thisYear = new ArrayList<>();

    @BeforeAll
    static void simulateTwoYears() {
        plan = PlanLoader.loadDefault();
        Simulator sim = new Simulator(plan, 2025);
        lastYearFeed = Simulator.closes(2024, 10, SHANGHAI).minusMillis(1);
        sim.lastYear(lastYearFeed, lastYear::add);
        sim.history(Simulator.closes(2025, plan.reportDeadlineDay(), SHANGHAI).minusMillis(1), thisYear::add);
    }

    @Test
    void shouldPlaceSpringFestivalOnTheRealLunarNewYear() {
        assertThat(Seasons.lunarNewYear(2024)).isEqualTo(LocalDate.of(2024, 2, 10));
        assertThat(Seasons.lunarNewYear(2025)).isEqualTo(LocalDate.of(2025, 1, 29));
        assertThat(Seasons.lunarNewYear(2026)).isEqualTo(LocalDate.of(2026, 2, 17));
        assertThat(Seasons.springFestival(LocalDate.of(2025, 1, 30))).isLessThan(0.2);
        assertThat(Seasons.springFestival(LocalDate.of(2024, 2, 12))).isLessThan(0.2);
        assertThat(Seasons.springFestival(LocalDate.of(2025, 2, 12))).isGreaterThan(0.2); // back to work in 2025
        assertThat(Seasons.springFestival(LocalDate.of(2025, 6, 1))).isEqualTo(1.0);
        for (int y = 2024; y <= 2026; y++) {
            assertThat(Seasons.investment(y)).hasSize(12);
            assertThat(java.util.Arrays.stream(Seasons.investment(y)).sum()).isCloseTo(1.0,
                    org.assertj.core.api.Assertions.within(1e-12));
        }
    }

    @Test
    void shouldHaveFewerTrucksAndLessThroughputAroundSpringFestivalInBothYears() {
        for (var year : Map.of(2024, lastYear, 2025, thisYear).entrySet()) {
            double[] trucks = new double[12];
            double[] tonnes = new double[12];
            for (JsonEvents.Event e : year.getValue()) {
                if (e.stream() == Stream.TRUCK_DEPARTURE) {
                    var at = ((TruckDeparture) e.value()).getDepartedAt().atZone(SHANGHAI);
                    assertThat(at.getYear()).isEqualTo(year.getKey());
                    trucks[at.getMonthValue() - 1]++;
                } else if (e.stream() == Stream.HUB_THROUGHPUT) {
                    HubThroughput h = (HubThroughput) e.value();
                    var at = h.getMeasuredAt().atZone(SHANGHAI);
                    assertThat(at.getYear()).isEqualTo(year.getKey());
                    tonnes[at.getMonthValue() - 1] += h.getTonnes();
                }
            }
            int days = Year.of(year.getKey()).length();
            int february = YearMonth.of(year.getKey(), 2).lengthOfMonth();
            double perDay = java.util.Arrays.stream(trucks).sum() / days;
            assertThat(perDay).as("%d: about 16 trucks a day", year.getKey()).isBetween(15.0, 17.0);
            assertThat(trucks[1] / february).as("%d: February trucks a day", year.getKey()).isLessThan(0.8 * perDay);
            assertThat(tonnes[1] / february).as("%d: February tonnes a day", year.getKey())
                    .isLessThan(0.8 * java.util.Arrays.stream(tonnes).sum() / days);
            for (int m = 2; m < 12; m++) {
                assertThat(trucks[m] / YearMonth.of(year.getKey(), m + 1).lengthOfMonth())
                        .as("%d-%02d: a normal month", year.getKey(), m + 1).isGreaterThan(0.85 * perDay);
            }
        }
    }

    @Test
    void shouldPutMoreProjectInvestmentInTheFourthQuarterThanInTheFirstInBothYears() {
        SimulatedFacts facts = facts();
        for (int year = 2024; year <= 2025; year++) {
            double[] quarters = new double[4];
            for (Target t : plan.targets()) {
                if (t.source() != Source.PROJECT_PROGRESS) {
                    continue;
                }
                var d = facts.data(t, year, Simulator.closes(2026, 10, SHANGHAI));
                if (d == null) {
                    continue;
                }
                for (int m = 0; m < 12; m++) {
                    quarters[m / 3] += d.months()[m].doubleValue();
                }
            }
            double total = java.util.Arrays.stream(quarters).sum();
            assertThat(quarters[3] / total).as("%d: Q4 share", year).isGreaterThan(0.3);
            assertThat(quarters[0] / total).as("%d: Q1 share", year).isLessThan(0.2);
        }
    }

    @Test
    void shouldSimulateLastYearForThePlansProjectsAsItStoodWhenItClosed() {
        var planned = plan.targets().stream().filter(t -> t.source() == Source.PROJECT_PROGRESS).map(Target::id)
                .collect(java.util.stream.Collectors.toSet());
        var reportingThisYear = thisYear.stream().filter(e -> e.stream() == Stream.PROJECT_PROGRESS)
                .map(e -> ((ProjectProgress) e.value()).getProjectId()).collect(java.util.stream.Collectors.toSet());
        assertThat(reportingThisYear.size()).isGreaterThan(planned.size() * 9 / 10);
        var reported = lastYear.stream().filter(e -> e.stream() == Stream.PROJECT_PROGRESS)
                .map(e -> (ProjectProgress) e.value()).toList();
        assertThat(reported).allSatisfy(p -> {
            assertThat(p.getPeriod()).startsWith("2024-");
            assertThat(p.getReportedAt()).isBeforeOrEqualTo(lastYearFeed);
        });
        // the projects that report this year reported every month of last year, December's before the year closed
        assertThat(reported.stream().map(ProjectProgress::getProjectId).collect(java.util.stream.Collectors.toSet()))
                .isEqualTo(reportingThisYear);
        assertThat(reported.stream().filter(p -> p.getPeriod().equals("2024-12") && p.getMilestone() == null)
                .count()).isEqualTo(reportingThisYear.size());
        assertThat(lastYear).noneMatch(e -> e.stream() == Stream.INDICATOR_REPORT);
    }

    @Test
    void shouldBeDeterministicAndLeaveThisYearAloneWhetherOrNotLastYearIsSimulated() {
        Instant until = LocalDate.of(2025, 3, 1).atStartOfDay(SHANGHAI).toInstant();
        List<String> a = new ArrayList<>();
        Simulator first = new Simulator(plan, 7);
        first.lastYear(lastYearFeed, e -> a.add(e.key() + e.value()));
        first.history(until, e -> a.add(e.key() + e.value()));
        List<String> b = new ArrayList<>();
        Simulator second = new Simulator(plan, 7);
        second.lastYear(lastYearFeed, e -> b.add(e.key() + e.value()));
        second.history(until, e -> b.add(e.key() + e.value()));
        assertThat(b).isEqualTo(a);
        List<String> alone = new ArrayList<>();
        new Simulator(plan, 7).history(until, e -> alone.add(e.key() + e.value()));
        assertThat(a.subList(a.size() - alone.size(), a.size())).isEqualTo(alone);
    }

    @Test
    void shouldGiveEarlyWarningsForProjectsOnScheduleWhoseLastYearWasFrontLoaded() {
        SimulatedFacts facts = facts();
        var last = facts.data(plan.targets(), 2024, lastYearFeed);
        List<String> frontLoaded = plan.targets().stream().filter(t -> t.source() == Source.PROJECT_PROGRESS)
                .map(Target::id).filter(Simulator::frontLoaded).toList();
        assertThat(frontLoaded).hasSizeBetween(3, 6);
        for (String day : List.of("2025-04-15", "2025-06-15", "2025-09-15", "2025-12-01")) {
            Instant asOf = LocalDate.parse(day).atStartOfDay(SHANGHAI).toInstant();
            Map<String, Kpi> kpis = KpiEngine.evaluate(plan.targets(), facts.data(plan.targets(), 2025, asOf), last, asOf);
            for (String id : frontLoaded) {
                Kpi k = kpis.get(id);
                assertThat(k.status()).as("%s on %s", id, day).isIn(Status.ON_TRACK, Status.AHEAD);
                assertThat(k.outlook()).as("%s on %s", id, day).isEqualTo(Outlook.OFF_COURSE);
                assertThat(k.earlyWarning()).isTrue();
            }
            // without last year's facts (the schedule profile) they are on course: the warning is last year's
            Map<String, Kpi> bySchedule = KpiEngine.evaluate(plan.targets(), facts.data(plan.targets(), 2025, asOf), asOf);
            assertThat(frontLoaded).allSatisfy(id -> assertThat(bySchedule.get(id).earlyWarning()).isFalse());
        }
    }

    private static SimulatedFacts facts() {
        SimulatedFacts facts = new SimulatedFacts(SHANGHAI);
        lastYear.forEach(facts::add);
        thisYear.forEach(facts::add);
        return facts;
    }
}
