package io.planpulse.report;

import static io.planpulse.report.ReportFixtures.months;
import static io.planpulse.report.ReportFixtures.repeat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.planpulse.avro.KpiSnapshot;
import io.planpulse.kpi.Status;
import io.planpulse.kpi.TargetData;
import io.planpulse.plan.Plan;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The report of month M from snapshots that already hold later months: June's report, made on 12 July from the
 * snapshots the pipeline published that day (with July's trucks, July's report of p1, GDP's July figure), shows June's
 * figures and June's 序时进度.
 */
class ReportMonthTest {
    static final Instant JULY_12 = OffsetDateTime.parse("2025-07-12T09:00:00+08:00").toInstant();
    static final Instant JULY_5 = OffsetDateTime.parse("2025-07-05T09:00:00+08:00").toInstant();

    Plan plan;
    Map<String, KpiSnapshot> snapshots;

    @BeforeEach
    void publishedOnJuly12() throws Exception {
        plan = ReportFixtures.plan("/plans/test-2025.yaml");
        Map<String, TargetData> data = Map.of(
                "trucks", repeat(100, 7),
                "p1", repeat(1e7, 7),
                "p2", repeat(2e7, 6),
                "p3", repeat(2e7, 5),
                "gdp_growth", months(5.6, 5.7, 5.8, 5.8, 5.8, 5.8, 6.4));
        // last year's trucks and p2 were front-loaded: their live projections follow that pattern
        Map<String, TargetData> lastYear = Map.of(
                "trucks", months(150.0, 150.0, 150.0, 150.0, 150.0, 150.0, 50.0, 50.0, 50.0, 50.0, 50.0, 50.0),
                "p2", months(1e7, 1e7, 1e7, 1e7, 1e7, 1e7, 3e7, 3e7, 3e7, 3e7, 3e7, 3e7));
        snapshots = ReportFixtures.snapshots(plan.targets(), data, lastYear, JULY_12);
    }

    DispatchReport.Row row(DispatchReport r, String id) {
        return r.districts().get(0).rows().stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow();
    }

    DispatchReport june(Instant madeAt) {
        return MonthReport.build(plan.targets(), snapshots, 2025, 6, "500113", "巴南区", madeAt, "v1");
    }

    @Test
    void shouldShowJunesFiguresAndJunesTimeElapsedProgressAlthoughTheSnapshotsHoldJuly() {
        assertThat(snapshots.get("trucks").getActual()).as("the snapshot has July's trucks").isEqualTo(700.0);
        DispatchReport r = june(JULY_12);
        assertThat(r.clock()).isEqualTo(OffsetDateTime.parse("2025-07-01T00:00:00+08:00").toInstant());
        assertThat(r.provisional()).isFalse();

        DispatchReport.Row trucks = row(r, "trucks");
        assertThat(trucks.actual()).isEqualTo(600.0);
        assertThat(trucks.completion()).isCloseTo(0.5, within(1e-12));
        assertThat(trucks.expected()).as("序时进度 at the end of June, linear").isCloseTo(0.5, within(1e-12));
        assertThat(trucks.gap()).isCloseTo(0.0, within(1e-12));
        assertThat(trucks.status()).isEqualTo(Status.ON_TRACK);

        DispatchReport.Row p1 = row(r, "p1");
        assertThat(p1.actual()).as("June's reports, not July's").isCloseTo(0.6, within(1e-12));
        assertThat(p1.dataThrough()).isEqualTo("2025-06");
        assertThat(p1.expected()).isCloseTo(0.5, within(1e-12));

        DispatchReport.Row gov = row(r, "gov_projects");
        assertThat(gov.actual()).as("p1 + p2 through June").isCloseTo(0.6 + 1.2, within(1e-12));
        assertThat(gov.depth()).isEqualTo(1);
        assertThat(row(r, "gdp_growth").actual()).as("the YTD value reported for June").isEqualTo(5.8);
        assertThat(row(r, "p3").dataThrough()).isEqualTo("2025-05");
    }

    @Test
    void shouldKeepThePublishedSeasonalProjectionWhereTheSnapshotIsJunesAndMarkTheRest() {
        DispatchReport r = june(JULY_12);
        DispatchReport.Row p2 = row(r, "p2");
        assertThat(p2.basis()).as("p2 has nothing after June: its snapshot is June's").isEqualTo(DispatchReport.Basis.PUBLISHED);
        assertThat(p2.projected()).as("1.2 / last year's share by June (60/240)").isCloseTo(4.8, within(1e-9))
                .isEqualTo(snapshots.get("p2").getProjected());

        DispatchReport.Row trucks = row(r, "trucks");
        assertThat(trucks.basis()).as("trucks have July data and a seasonal profile")
                .isEqualTo(DispatchReport.Basis.SCHEDULE_ESTIMATE);
        assertThat(trucks.projected()).as("600 / f(end of June)").isCloseTo(1200.0, within(1e-9));

        DispatchReport.Row p1 = row(r, "p1");
        assertThat(p1.basis()).as("no profile from last year: the schedule is exact").isEqualTo(DispatchReport.Basis.SCHEDULE);
        assertThat(p1.projected()).isCloseTo(1.2, within(1e-12));
    }

    @Test
    void shouldListAsOverdueWhatMissedTheDeadlineWhenTheReportWasMade() {
        assertThat(row(june(JULY_12), "p3").overdue()).as("no June report after 10 July").isTrue();
        assertThat(row(june(JULY_12), "p2").overdue()).isFalse();
        assertThat(june(JULY_12).districts().get(0).overdue()).extracting(DispatchReport.Row::id)
                .contains("p3").doesNotContain("p1", "p2");
        assertThat(row(june(JULY_5), "p3").overdue()).as("before the deadline May's report is the one due").isFalse();
    }

    @Test
    void shouldMarkAReportForAMonthNotYetOverAsProvisional() {
        DispatchReport r = MonthReport.build(plan.targets(), snapshots, 2025, 7, "500113", "巴南区", JULY_12, "v1");
        assertThat(r.provisional()).isTrue();
        assertThat(row(r, "trucks").actual()).isEqualTo(700.0);
        assertThat(row(r, "trucks").expected()).as("序时进度 at the end of July").isCloseTo(7 / 12.0, within(1e-12));
    }

    @Test
    void shouldDefaultTheTimeItWasMadeToThePipelinesClock() {
        assertThat(june(null).madeAt()).isEqualTo(JULY_12);
    }

    @Test
    void shouldAddUpTheKeyProjectsMonthByMonthAgainstTheirSchedule() {
        DispatchReport.District d = june(JULY_12).districts().get(0);
        assertThat(d.projects()).extracting(DispatchReport.Project::id).containsExactly("p1", "p2", "p3");
        DispatchReport.Series p3 = d.projects().get(2).months();
        assertThat(p3.cumulative()).hasSize(6);
        assertThat(p3.cumulative().get(4)).isCloseTo(1.0, within(1e-12));
        assertThat(p3.values().get(5)).as("no June report").isNull();
        assertThat(p3.planned().get(5)).as("2.4 × 6/12").isCloseTo(1.2, within(1e-12));
        assertThat(d.projectTotals().cumulative().get(5)).isCloseTo(0.6 + 1.2 + 1.0, within(1e-12));
        assertThat(d.projectTotals().planned().get(5)).isCloseTo((1.2 + 1.8 + 2.4) / 2, within(1e-12));
    }

    @Test
    void shouldRefuseBadRequestsNamingTheValue() {
        assertThat(ReportRequest.parse("2025", "6", null, null)).isEqualTo(
                new ReportRequest(2025, 6, null, ReportRequest.Format.HTML));
        assertThat(ReportRequest.parse("2025", "06", null, "XLSX").fileName()).isEqualTo("report-2025-06.xlsx");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ReportRequest.parse("2025", "13", null, null))
                .hasMessageContaining("month must be 1 to 12, not 13");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ReportRequest.parse("twenty", "6", null, null))
                .hasMessageContaining("year must be a number, not 'twenty'");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ReportRequest.parse("2025", "6", null, "pdf"))
                .hasMessageContaining("format must be html or xlsx, not 'pdf'");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ReportRequest.parse("2025", "6", "5001", null))
                .hasMessageContaining("6-digit");
    }
}
