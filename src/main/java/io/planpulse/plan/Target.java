package io.planpulse.plan;

import java.util.List;
import java.util.Map;

/**
 * One target of a plan year, with the plan-wide settings it is evaluated under.
 *
 * @param target   null only for a rollup ({@link Source#CHILDREN}, {@link Source#DISTRICTS}) that takes the sum of
 *                 the targets it sums
 * @param schedule 12 cumulative shares due by the end of each month, the last 1.0
 * @param sourceTarget for {@code districts:<target_id>}, that target id; null for every other source
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
        Thresholds thresholds,
        String sourceTarget) {

    /** A target whose source names no other target (every source but {@code districts:<target_id>}). */
    public Target(int year, String id, String nameZh, String nameEn, String category, String unit, Kind kind,
                  Comparator comparator, Double target, double scale, Double baseline, List<Double> schedule,
                  String parent, Source source, Map<String, String> filter, String owner, boolean binding,
                  String timezone, int reportDeadlineDay, Thresholds thresholds) {
        this(year, id, nameZh, nameEn, category, unit, kind, comparator, target, scale, baseline, schedule, parent,
                source, filter, owner, binding, timezone, reportDeadlineDay, thresholds, null);
    }

    /** The source as the plan file writes it: {@code districts:<target_id>} with its target. */
    public String sourceWire() {
        return source == Source.DISTRICTS ? Source.DISTRICTS_PREFIX + sourceTarget : source.wire();
    }

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
