package io.planpulse.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import io.planpulse.avro.KpiSnapshot;
import io.planpulse.plan.PlanCatalog;
import java.io.IOException;
import java.io.OutputStream;
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

    public static boolean matches(String path) {
        return path.equals("/report");
    }

    /**
     * @param snapshots the instance's KPI table (one plan version per year)
     * @param catalog   the plans in force (null: none yet)
     */
    public static void respond(HttpExchange ex, Map<String, String> query, List<KpiSnapshot> snapshots,
                               PlanCatalog catalog) throws IOException {
        ReportRequest request;
        try {
            request = ReportRequest.parse(query.get("year"), query.get("month"), query.get("district"),
                    query.get("format"));
        } catch (ReportRequest.Invalid e) {
            error(ex, 400, e.getMessage());
            return;
        }
        PlanCatalog.YearPlan plan = catalog == null ? null : catalog.year(request.year());
        if (plan == null) {
            error(ex, 404, "no plan for " + request.year() + " is loaded");
            return;
        }
        byte[] body;
        try {
            DispatchReport report = Reports.build(request, plan.targets(), snapshots, ReportRequest.DEFAULT_DISTRICT,
                    null, null);
            body = Reports.render(report, request.format());
        } catch (Reports.NotFound e) {
            error(ex, 404, e.getMessage());
            return;
        }
        ex.getResponseHeaders().add("Content-Type", request.format().contentType());
        String disposition = request.format() == ReportRequest.Format.XLSX ? "attachment" : "inline";
        ex.getResponseHeaders().add("Content-Disposition", disposition + "; filename=\"" + request.fileName() + "\"");
        ex.getResponseHeaders().add("Cache-Control", "no-store");
        send(ex, 200, body);
    }

    private static void error(HttpExchange ex, int status, String message) throws IOException {
        ex.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
        send(ex, status, JSON.writeValueAsBytes(Map.of("error", message)));
    }

    private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }
}
