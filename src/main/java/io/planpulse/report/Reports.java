package io.planpulse.report;

import io.planpulse.avro.KpiSnapshot;
import io.planpulse.plan.Target;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** What the {@code report} command and {@code GET /report} share: from a request and the data to the file's bytes. */
public final class Reports {
    private Reports() {
    }

    /** The report asks for something the data does not hold (a year without a plan, another district). */
    public static final class NotFound extends RuntimeException {
        public NotFound(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * @param targets            the year's plan (one version)
     * @param snapshots          KPI snapshots; those of other years are left out
     * @param deploymentDistrict the district whose plan the targets and snapshots are (the request's, or the
     *                           deployment's when it names none)
     * @param madeAt             when the report is made; null: the newest snapshot's evaluation clock
     */
    public static DispatchReport build(ReportRequest request, List<Target> targets, Collection<KpiSnapshot> snapshots,
                                       String deploymentDistrict, String planVersion, Instant madeAt) {
        if (request.district() != null && !request.district().equals(deploymentDistrict)) {
            throw new NotFound("no plan of district " + request.district() + ": this deployment holds the plan of "
                    + deploymentDistrict + " (" + Labels.districtName(deploymentDistrict) + ")");
        }
        List<Target> year = targets.stream().filter(t -> t.year() == request.year()).toList();
        if (year.isEmpty()) {
            throw new NotFound("no plan for " + request.year() + " is loaded");
        }
        Map<String, KpiSnapshot> byId = new HashMap<>();
        for (KpiSnapshot s : snapshots) {
            if (s.getYear() == request.year() && (planVersion == null || Objects.equals(planVersion, s.getPlanVersion()))) {
                byId.put(s.getId(), s);
            }
        }
        return MonthReport.build(year, byId, request.year(), request.month(), deploymentDistrict,
                Labels.districtName(deploymentDistrict), madeAt, planVersion);
    }

    public static byte[] render(DispatchReport report, ReportRequest.Format format) {
        if (format == ReportRequest.Format.HTML) {
            return HtmlReport.render(report).getBytes(StandardCharsets.UTF_8);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        try {
            XlsxReport.write(report, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
