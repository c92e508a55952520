package io.planpulse.serve;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.planpulse.avro.KpiSnapshot;
import io.planpulse.kpi.Outlook;
import io.planpulse.kpi.Status;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The KPI gauges of CONTRACT section 6, one set per target, labelled district, year, indicator, category and kind,
 * plus {@code planpulse_kpi_info} carrying the descriptive labels (owner, names, unit, parent, district_name) for joins
 * in rules and
 * boards. A figure that is null (no data yet) reads NaN; a target that leaves the plan loses all of its series.
 */
final class KpiGauges {
    private final MeterRegistry registry;
    private final Map<String, Series> byKey = new HashMap<>();

    /** The deployment's district: that of snapshots written before districts. */
    private final String district;

    KpiGauges(MeterRegistry registry, String district) {
        this.registry = registry;
        this.district = district;
    }

    private final class Series {
        final Tags tags;
        final Tags unitTags;
        final Map<String, AtomicReference<Double>> values = new HashMap<>();
        final List<Gauge> gauges = new ArrayList<>();

        final Tags info;

        Series(KpiSnapshot s) {
            String d = s.getDistrict() == null ? district : s.getDistrict();
            tags = Tags.of("district", d, "year", String.valueOf(s.getYear()), "indicator", s.getId(),
                    "category", s.getCategory(), "kind", s.getKind());
            unitTags = tags.and("unit", s.getUnit());
            info = tags.and("unit", s.getUnit(), "owner", s.getOwner() == null ? "" : s.getOwner(),
                    "name_zh", s.getNameZh(), "name_en", s.getNameEn(), "parent", s.getParent() == null ? "" : s.getParent(),
                    "comparator", s.getComparator(), "district_name",
                    s.getDistrictName() == null ? io.planpulse.base.Districts.name(d) : s.getDistrictName());
        }

        boolean sameLabels(Series o) {
            return info.equals(o.info);
        }

        void register() {
            gauge("planpulse.kpi.completion.ratio", tags, "Completion: actual / target");
            gauge("planpulse.kpi.expected.ratio", tags, "Completion that would be exactly on plan now");
            gauge("planpulse.kpi.gap.ratio", tags, "completion - expected");
            gauge("planpulse.kpi.actual", unitTags, "Actual so far, in the target's unit");
            gauge("planpulse.kpi.target", unitTags, "Target, in its unit");
            gauge("planpulse.kpi.baseline", unitTags, "Last year's actual (the plan's baseline), in the target's unit");
            gauge("planpulse.kpi.overdue", tags, "1 when the monthly report is overdue");
            for (Status st : Status.values()) {
                gauge("planpulse.kpi.status#" + st.wire(), tags.and("status", st.wire()), "1 for the current status");
            }
            gauge("planpulse.kpi.projected", unitTags, "Projected year-end actual, in the target's unit");
            gauge("planpulse.kpi.projected.completion.ratio", tags, "Projected year-end completion: projected / target");
            for (Outlook o : Outlook.values()) {
                gauge("planpulse.kpi.outlook#" + o.wire(), tags.and("outlook", o.wire()),
                        "1 for the current outlook (none while there is no projection)");
            }
            AtomicReference<Double> one = new AtomicReference<>(1.0);
            values.put("info", one);
            gauges.add(Gauge.builder("planpulse.kpi.info", one, r -> r.get())
                    .description("Descriptive labels of a target (always 1)").tags(info).register(registry));
        }

        private void gauge(String key, Tags t, String description) {
            String name = key.contains("#") ? key.substring(0, key.indexOf('#')) : key;
            AtomicReference<Double> ref = new AtomicReference<>(Double.NaN);
            values.put(key, ref);
            gauges.add(Gauge.builder(name, ref, r -> r.get()).description(description).tags(t).strongReference(true)
                    .register(registry));
        }

        void set(KpiSnapshot s) {
            put("planpulse.kpi.completion.ratio", s.getCompletion());
            put("planpulse.kpi.expected.ratio", s.getExpected());
            put("planpulse.kpi.gap.ratio", s.getGap());
            put("planpulse.kpi.actual", s.getActual());
            put("planpulse.kpi.target", s.getTarget());
            put("planpulse.kpi.baseline", s.getBaseline());
            put("planpulse.kpi.overdue", s.getOverdue() ? 1.0 : 0.0);
            for (Status st : Status.values()) {
                put("planpulse.kpi.status#" + st.wire(), st.wire().equals(s.getStatus()) ? 1.0 : 0.0);
            }
            put("planpulse.kpi.projected", s.getProjected());
            put("planpulse.kpi.projected.completion.ratio", s.getProjectedCompletion());
            for (Outlook o : Outlook.values()) {
                put("planpulse.kpi.outlook#" + o.wire(), o.wire().equals(s.getOutlook()) ? 1.0 : 0.0);
            }
        }

        private void put(String key, Double v) {
            values.get(key).set(v == null ? Double.NaN : v);
        }

        void remove() {
            gauges.forEach(registry::remove);
        }
    }

    synchronized void update(String key, KpiSnapshot s) {
        Series cur = byKey.get(key);
        if (s == null) {
            if (cur != null) {
                cur.remove();
                byKey.remove(key);
            }
            return;
        }
        Series fresh = new Series(s);
        if (cur != null && cur.sameLabels(fresh)) {
            fresh = cur;
        } else {
            if (cur != null) {
                cur.remove();
            }
            fresh.register();
            byKey.put(key, fresh);
        }
        fresh.set(s);
    }
}
