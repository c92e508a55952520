package io.planpulse.serve;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.planpulse.avro.KpiSnapshot;
import io.planpulse.avro.UnplannedSubject;
import io.planpulse.plan.PlanCatalog;
import java.util.List;

/**
 * What the HTTP API answers (CONTRACT section 6), as records: fields in contract order, names snake_case through
 * {@link #JSON}, a missing figure as null.
 */
final class ApiItems {
    static final ObjectMapper JSON = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    private ApiItems() {
    }

    /** A KPI as every list shows it. */
    record Item(String district, String districtName, String id, int year, String nameZh, String nameEn, String category, String unit, String kind,
                String comparator, Double target, Double actual, Double completion, Double expected, Double gap,
                String status, boolean overdue, String parent, String owner, String dataThrough, Double projected,
                Double projectedCompletion, String outlook, String updatedAt) {
        static Item of(KpiSnapshot s) {
            return new Item(s.getDistrict(), s.getDistrictName() != null ? s.getDistrictName()
                    : s.getDistrict() == null ? null : io.planpulse.base.Districts.name(s.getDistrict()),
                    s.getId(), s.getYear(), s.getNameZh(), s.getNameEn(), s.getCategory(), s.getUnit(),
                    s.getKind(), s.getComparator(), s.getTarget(), s.getActual(), s.getCompletion(), s.getExpected(),
                    s.getGap(), s.getStatus(), s.getOverdue(), s.getParent(), s.getOwner(), s.getDataThrough(),
                    s.getProjected(), s.getProjectedCompletion(), s.getOutlook(), s.getUpdatedAt().toString());
        }
    }

    /**
     * {@code GET /api/kpis/{year}/{id}}: the item, its months and its children; for a {@code districts:} target also
     * the covered districts' figures and the districts missing from the sum (left out for any other target).
     */
    record Detail(@JsonUnwrapped Item item, List<Month> months, List<String> children,
                  @JsonInclude(JsonInclude.Include.NON_NULL) List<DistrictFigure> districts,
                  @JsonInclude(JsonInclude.Include.NON_NULL) List<String> missingDistricts) {
        static Detail of(KpiSnapshot s) {
            return new Detail(Item.of(s), s.getMonths().stream()
                    .map(m -> new Month(m.getMonth(), m.getValue(), m.getCumulative())).toList(), s.getChildren(),
                    s.getDistricts() == null ? null : s.getDistricts().stream()
                            .map(d -> new DistrictFigure(d.getDistrict(), d.getActual(), d.getTarget())).toList(),
                    s.getMissingDistricts());
        }
    }

    /** A covered district's figures in a {@code districts:} target's detail. */
    record DistrictFigure(String district, Double actual, Double target) {
    }

    record Month(String month, Double value, Double cumulative) {
    }

    /** {@code GET /api/districts}: one district with a plan or facts in the year. */
    record District(String district, String districtName, List<String> covers, String planVersion, int targets,
                    java.util.Map<String, Integer> byStatus, java.util.Map<String, Integer> byOutlook, int overdue,
                    int earlyWarnings) {
    }

    /** {@code GET /api/outlook}: the item, and whether it warns early (off course while on track or ahead). */
    record Warning(@JsonUnwrapped Item item, boolean earlyWarning) {
        static Warning of(KpiSnapshot s) {
            return new Warning(Item.of(s), "off_course".equals(s.getOutlook())
                    && ("on_track".equals(s.getStatus()) || "ahead".equals(s.getStatus())));
        }
    }

    /** {@code GET /api/unplanned}: a report subject without a target (no report period in force: null). */
    record Unplanned(String district, int year, String stream, String subject, long reports, String lastPeriod) {
        static Unplanned of(UnplannedSubject u) {
            return new Unplanned(u.getDistrict(), u.getYear(), u.getStream(), u.getSubject(), u.getReports(),
                    u.getLastPeriod().isEmpty() ? null : u.getLastPeriod());
        }
    }

    /** {@code GET /api/plans}: a year's version in force and its last refused one. */
    record Plan(String district, int year, Version inForce, Refused lastRefused) {
        static Plan of(PlanCatalog.YearStatus y) {
            PlanCatalog.Refusal r = y.lastRefused();
            return new Plan(y.district(), y.year(), Version.of(y.inForce()),
                    r == null ? null : new Refused(Version.of(r.version()), r.reason()));
        }
    }

    record Version(String version, String loadedAt, int targets, String source) {
        static Version of(PlanCatalog.Version v) {
            return v == null ? null
                    : new Version(v.version(), v.loadedAt() == null ? null : v.loadedAt().toString(), v.targets(), v.source());
        }
    }

    record Refused(@JsonUnwrapped Version version, String reason) {
    }

    /** {@code /health} and {@code /ready}. */
    record State(String status) {
    }

    record Error(String error) {
    }
}
