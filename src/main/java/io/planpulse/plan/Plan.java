package io.planpulse.plan;

import java.util.List;
import java.util.Map;

/**
 * A validated plan year.
 *
 * @param warnings what the loader noticed but the contract does not refuse (unknown keys, missing display fields)
 */
public record Plan(int year, String timezone, int reportDeadlineDay, Thresholds thresholds,
                   List<Target> targets, List<Map<String, String>> qualitative, List<String> warnings) {
    public Plan(int year, String timezone, int reportDeadlineDay, Thresholds thresholds, List<Target> targets,
                List<Map<String, String>> qualitative) {
        this(year, timezone, reportDeadlineDay, thresholds, targets, qualitative, List.of());
    }
}
