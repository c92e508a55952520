package io.planpulse.plan;

import java.util.List;
import java.util.Map;

/** A validated plan year. */
public record Plan(int year, String timezone, int reportDeadlineDay, Thresholds thresholds,
                   List<Target> targets, List<Map<String, String>> qualitative) {
}
