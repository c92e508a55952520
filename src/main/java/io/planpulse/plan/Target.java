package io.planpulse.plan;

import java.util.List;
import java.util.Map;

/**
 * One target of a plan year, with the plan-wide settings it is evaluated under.
 *
 * @param target   null only for a {@link Source#CHILDREN} target that takes the sum of its children's targets
 * @param schedule 12 cumulative shares due by the end of each month, the last 1.0
 */
public record Target(
        int year,
        String id,
        String nameZh,
        String nameEn,
        String category,
        String unit,
        Kind kind,
        Comparator comparator,
        Double target,
        double scale,
        Double baseline,
        List<Double> schedule,
        String parent,
        Source source,
        Map<String, String> filter,
        String owner,
        boolean binding,
        String timezone,
        int reportDeadlineDay,
        Thresholds thresholds) {

    public static final List<Double> LINEAR = java.util.stream.IntStream.rangeClosed(1, 12)
            .mapToObj(m -> m / 12.0).toList();

    public String key() {
        return year + "/" + id;
    }

    /** The plan's timezone; parsed once per name (a round over a big plan asks for it per target and month). */
    public java.time.ZoneId zone() {
        return ZONES.computeIfAbsent(timezone, java.time.ZoneId::of);
    }

    private static final java.util.concurrent.ConcurrentHashMap<String, java.time.ZoneId> ZONES =
            new java.util.concurrent.ConcurrentHashMap<>();
}
