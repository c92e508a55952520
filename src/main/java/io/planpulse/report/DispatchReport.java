package io.planpulse.report;

import io.planpulse.kpi.Outlook;
import io.planpulse.kpi.Status;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

/**
 * The monthly dispatch report (月度调度通报) of a plan year through month {@code month}: what {@link HtmlReport} and
 * {@link XlsxReport} render. One {@link District} per district it covers (today the deployment's one), so a city's
 * report can list its districts side by side without changing the renderers' inputs.
 *
 * @param clock       the clock every figure is read at: the end of the month, in the plan's zone
 * @param madeAt      when the report was made, by the pipeline's clock (the newest KPI evaluation), for overdue
 * @param provisional the month had not ended when the report was made: its figures are still coming in
 */
public record DispatchReport(int year, int month, ZoneId zone, Instant clock, Instant madeAt, boolean provisional,
                             String planVersion, List<District> districts) {

    /** One district's part of the report. */
    /** The same report with {@code more} districts' sections after its own (a city's covered districts). */
    public DispatchReport withDistricts(List<District> more) {
        List<District> all = new java.util.ArrayList<>(districts);
        all.addAll(more);
        return new DispatchReport(year, month, zone, clock, madeAt, provisional, planVersion, List.copyOf(all));
    }

    public record District(String code, String name, List<Row> rows, List<Project> projects, Series projectTotals) {
        public List<Row> lagging() {
            return rows.stream().filter(r -> r.status() == Status.LAGGING || r.status() == Status.SEVERELY_LAGGING)
                    .sorted(java.util.Comparator.comparing((Row r) -> r.gap() == null ? Double.MAX_VALUE : r.gap())
                            .thenComparing(Row::id))
                    .toList();
        }

        public List<Row> overdue() {
            return rows.stream().filter(Row::overdue).toList();
        }

        public List<Row> earlyWarnings() {
            return rows.stream().filter(Row::earlyWarning)
                    .sorted(java.util.Comparator.comparing((Row r) -> r.projectedCompletion() == null ? Double.MAX_VALUE
                            : r.projectedCompletion()).thenComparing(Row::id))
                    .toList();
        }
    }

    /** How a row's projection was made (see docs/report.md). */
    public enum Basis {
        /** The pipeline's own projection: the figures through the month equal those it was published from. */
        PUBLISHED,
        /** Re-evaluated; the target has no seasonal profile from last year, so this is what the pipeline would say. */
        SCHEDULE,
        /** Re-evaluated along the schedule; the live projection follows last year's pattern, which snapshots lack. */
        SCHEDULE_ESTIMATE;

        public boolean approximate() {
            return this == SCHEDULE_ESTIMATE;
        }
    }

    /**
     * One target through the month: the figures of CONTRACT sections 5 and 5b with the clock at the end of the month.
     *
     * @param depth how many ancestors the target has (rollups first, their parts indented)
     */
    public record Row(String id, String nameZh, String nameEn, String category, String unit, String kind,
                      String comparator, Double target, Double actual, Double completion, Double expected, Double gap,
                      Status status, boolean overdue, String dataThrough, String owner, String parent, int depth,
                      Double projected, Double projectedCompletion, Outlook outlook, boolean earlyWarning,
                      Basis basis) {
    }

    /** A key project's investment by month, January to the report's month. */
    public record Project(String id, String nameZh, String nameEn, String owner, String unit, Double target,
                          Series months) {
    }

    /**
     * Per month January..M: the amount of the month (null: nothing reported), the actual through its end (null: no
     * data yet), and the amount the schedule plans through its end.
     */
    public record Series(List<Double> values, List<Double> cumulative, List<Double> planned) {
    }
}
