package io.planpulse.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.planpulse.avro.KpiSnapshot;
import io.planpulse.plan.PlanCatalog;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /report?year=Y&month=M[&district=D][&format=html|xlsx]} on {@code demo} and {@code run}: the dispatch
 * report of the plan in force, from the instance's KPI view. 400 for a bad year, month, district or format; 404 when
 * there is no such plan. The XLSX form is an attachment; the HTML form shows in the browser.
 */
public final class ReportRoute {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ReportRoute() {
    }

    /** A status, a type, a Content-Disposition (null for none) and the bytes. */
    public record Response(int status, String contentType, String disposition, byte[] body) {
    }

    /**
     * @param snapshots the instance's KPI table (one plan version per year)
     * @param catalog   the plans in force (null: none yet)
     */
    public static Response answer(Map<String, String> query, List<KpiSnapshot> snapshots, PlanCatalog catalog) {
        ReportRequest request;
        try {
            request = ReportRequest.parse(query.get("year"), query.get("month"), query.get("district"),
                    query.get("format"));
        } catch (ReportRequest.Invalid e) {
            return error(400, e.getMessage());
        }
        String district = request.district() != null ? request.district()
                : catalog == null ? ReportRequest.DEFAULT_DISTRICT : catalog.district();
        PlanCatalog.YearPlan plan = catalog == null ? null : catalog.plan(district, request.year());
        if (plan == null) {
            return error(404, "no plan for " + request.year() + " of district " + district + " is loaded");
        }
        byte[] body;
        try {
            List<KpiSnapshot> own = snapshots.stream()
                    .filter(s -> s.getDistrict() == null || s.getDistrict().equals(district)).toList();
            DispatchReport report = Reports.build(request, plan.targets(), own, district, null, null);
            if (io.planpulse.base.Districts.isAggregate(district)) {
                // a city's report: a section per covered district with a plan of the year as well
                List<DispatchReport.District> sections = new java.util.ArrayList<>();
                for (PlanCatalog.YearPlan q : catalog.plans().values()) {
                    if (q.year() == request.year() && !q.district().equals(district)
                            && io.planpulse.base.Districts.covers(district, q.district())) {
                        List<KpiSnapshot> theirs = snapshots.stream()
                                .filter(s -> q.district().equals(s.getDistrict())).toList();
                        sections.addAll(Reports.build(new ReportRequest(request.year(), request.month(), q.district(),
                                request.format()), q.targets(), theirs, q.district(), null, null).districts());
                    }
                }
                report = report.withDistricts(sections);
            }
            body = Reports.render(report, request.format());
        } catch (Reports.NotFound e) {
            return error(404, e.getMessage());
        }
        String disposition = request.format() == ReportRequest.Format.XLSX ? "attachment" : "inline";
        return new Response(200, request.format().contentType(),
                disposition + "; filename=\"" + request.fileName() + "\"", body);
    }

    private static Response error(int status, String message) {
        try {
            return new Response(status, "application/json; charset=utf-8", null,
                    JSON.writeValueAsBytes(Map.of("error", message)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
