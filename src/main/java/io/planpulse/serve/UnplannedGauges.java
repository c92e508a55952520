package io.planpulse.serve;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.planpulse.avro.UnplannedSubject;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code planpulse_unplanned_subjects{year,stream}}: report subjects with reports in a year whose plan names no target
 * for them. Every year the view knows (from the KPI table or the unplanned list) has a series for both report
 * streams, 0 when nothing is unplanned, so a board shows "none" rather than "no data".
 */
final class UnplannedGauges {
    static final String[] STREAMS = {"project_progress", "indicator_report"};
    private final MeterRegistry registry;
    private final Map<String, AtomicLong> values = new HashMap<>();

    UnplannedGauges(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * Sets the counts of the subjects; every (district, year, stream) with a subject, or with one before, or of a
     * district with a plan or facts in one of {@code years} has its series (0 when it has none).
     */
    void update(Collection<UnplannedSubject> subjects, Collection<Integer> years, Collection<String> districts) {
        Map<String, Long> counts = new TreeMap<>();
        for (String d : districts) {
            for (int y : years) {
                for (String s : STREAMS) {
                    counts.put(d + "/" + y + "/" + s, 0L);
                }
            }
        }
        for (UnplannedSubject u : subjects) {
            counts.merge(u.getDistrict() + "/" + u.getYear() + "/" + u.getStream(), 1L, Long::sum);
        }
        counts.forEach((k, n) -> values.computeIfAbsent(k, key -> {
            AtomicLong v = new AtomicLong();
            String[] p = key.split("/", 3);
            Gauge.builder("planpulse.unplanned.subjects", v, AtomicLong::get)
                    .description("Report subjects with reports but no target in their district's plan for that year")
                    .tags(Tags.of("district", p[0], "year", p[1], "stream", p[2])).register(registry);
            return v;
        }).set(n));
        values.forEach((k, v) -> {
            if (!counts.containsKey(k)) {
                v.set(0);
            }
        });
    }
}
