package io.planpulse.plan;

import java.util.List;
import java.util.Map;

/**
 * A validated plan year of one district.
 *
 * @param warnings     what the loader noticed but the contract does not refuse (unknown keys, missing display fields)
 * @param district     the plan's district (6-digit GB/T 2260 code), or null when the file names none: then the
 *                     deployment's ({@code planpulse.district}), which whoever publishes the plan fills in
 * @param districtName the district's name as the file gives it, or null
 */
public record Plan(int year, String timezone, int reportDeadlineDay, Thresholds thresholds,
                   List<Target> targets, List<Map<String, String>> qualitative, List<String> warnings,
                   String district, String districtName) {
    public Plan(int year, String timezone, int reportDeadlineDay, Thresholds thresholds, List<Target> targets,
                List<Map<String, String>> qualitative) {
        this(year, timezone, reportDeadlineDay, thresholds, targets, qualitative, List.of(), null, null);
    }

    /** The same plan, of {@code d} when it names no district itself. */
    public Plan inDistrict(String d) {
        return district != null ? this
                : new Plan(year, timezone, reportDeadlineDay, thresholds, targets, qualitative, warnings, d, districtName);
    }

    /** The plan's district, or {@code deployment}'s when it names none. */
    public String districtOr(String deployment) {
        return district != null ? district : deployment;
    }
}
