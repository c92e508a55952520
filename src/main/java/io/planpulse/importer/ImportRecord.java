package io.planpulse.importer;

import java.time.Instant;

/**
 * One report read from a file, checked as the pipeline checks it, ready to become a project_progress or
 * indicator_report event.
 *
 * @param row         the row it came from (as Excel numbers rows)
 * @param reportId    the report_id column's value, or one derived from the content ({@link ReportIds})
 * @param subject     project_id or indicator_id
 * @param amount      investment_cny or value
 * @param progressPct project_progress only, optional
 * @param milestone   project_progress only, optional
 * @param district    the {@code --district} given, or null (the deployment's district): sent as the event's district
 */
public record ImportRecord(int row, ReportKind kind, String reportId, boolean derivedId, String subject, String period,
                           double amount, Double progressPct, String milestone, Instant reportedAt, String district) {
}
