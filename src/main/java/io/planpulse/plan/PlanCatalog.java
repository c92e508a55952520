package io.planpulse.plan;

import io.planpulse.base.Stream;
import io.planpulse.avro.PlanTarget;
import io.planpulse.avro.PlanVersion;
import io.planpulse.base.Topics;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plans in force, one whole version per district and year (CONTRACT sections 1b and 2, "Plan versions are
 * atomic"). Keys below are written {@code district/year/...}; records published before districts, keyed
 * {@code year/...}, are the deployment district's ({@code planpulse.district}).
 *
 * <p>{@code plan load} writes a version's targets under {@code year/v/VERSION/id} and then, in the same transaction,
 * its manifest under {@code year/~version/VERSION} (a {@link PlanVersion} with the number of targets). The global
 * store's updater asks the catalogue to {@link #rebuild rebuild} a year when a manifest arrives: the newest version
 * (by {@code loaded_at}) that is complete and that this deployment can apply replaces the year's plan in one step,
 * an immutable {@link YearPlan} behind a volatile reference. Every reader (intake, KPI stage, HTTP) takes one
 * reference and so sees one whole version; a version it cannot apply (another time zone, a broken structure) is
 * refused, logged and shown at {@code GET /api/plans}, and the previous version stays in force. Older versions stay
 * on the topic (the last few; {@code plan load} removes older ones), so the decision is the same after a restart.
 *
 * <p>Records of plans published before versions existed ({@code year/id}, no manifest) form a "legacy" version.
 */
public final class PlanCatalog {
    private static final Logger LOG = LoggerFactory.getLogger(PlanCatalog.class);
    /** Key infix of a version's targets: {@code year/v/VERSION/id}. */
    public static final String TARGETS = "/v/";
    /** Key infix of a version's manifest: {@code year/~version/VERSION}. */
    public static final String MANIFEST = "/~version/";
    /** Without a plan, a year closes at the end of this day of the January after it (CONTRACT section 3). */
    public static final int DEFAULT_DEADLINE_DAY = 10;

    /** A version of a year's plan as published. */
    public record Version(String version, Instant loadedAt, int targets, String source) {
    }

    /** A version that was not applied, and why. */
    public record Refusal(Version version, String reason) {
    }

    /** What {@code GET /api/plans} shows of a district's year. */
    public record YearStatus(String district, int year, Version inForce, Refusal lastRefused) {
    }

    /**
     * The targets of one version of one year, indexed for the KPI stage, with the instants the hot path needs
     * precomputed: the 13 month boundaries of the year in the deployment's zone, and when the year closes.
     */
    public record YearPlan(String district, String districtName, int year, Version version, ZoneId zone,
                           int reportDeadlineDay, List<Target> targets, Map<String, Target> byId,
                           Map<Stream, List<Target>> flowTargets, long[] monthStarts, long closesAt) {
        /** The plan's key in {@link #plans()}: district/year. */
        public String key() {
            return district + "/" + year;
        }

        /** The district's name as the plan gives it, or its code. */
        public String name() {
            return districtName != null ? districtName : district;
        }

        static YearPlan of(String district, String districtName, int year, Version version, ZoneId zone,
                           int deadlineDay, List<Target> targets) {
            List<Target> sorted = new ArrayList<>(targets);
            sorted.sort(Comparator.comparing(Target::id));
            Map<String, Target> byId = new LinkedHashMap<>();
            Map<Stream, List<Target>> flows = new EnumMap<>(Stream.class);
            for (Target t : sorted) {
                byId.put(t.id(), t);
                Source s = t.source();
                if (s.stream() != null && s.stream().isFlow()) {
                    flows.computeIfAbsent(s.stream(), k -> new ArrayList<>()).add(t);
                }
            }
            return new YearPlan(district, districtName, year, version, zone, deadlineDay, List.copyOf(sorted),
                    Collections.unmodifiableMap(byId),
                    Collections.unmodifiableMap(flows), PlanCatalog.monthStarts(year, zone),
                    PlanCatalog.closesAt(year, deadlineDay, zone));
        }

        public boolean closedAt(Instant now) {
            return now.toEpochMilli() >= closesAt;
        }
    }

    /** The 13 instants that start the months of a year (the last one starts the next year), in a zone. */
    public static long[] monthStarts(int year, ZoneId zone) {
        long[] starts = new long[13];
        for (int m = 0; m < 13; m++) {
            starts[m] = LocalDate.of(year, 1, 1).plusMonths(m).atStartOfDay(zone).toInstant().toEpochMilli();
        }
        return starts;
    }

    /**
     * Whether a plan's {@code timezone} is the deployment's zone: the same rules, whatever the name (CONTRACT
     * section 1: {@code Asia/Chongqing} is {@code Asia/Shanghai}). An unknown zone is not.
     */
    public static boolean sameZone(ZoneId deployment, String timezone) {
        try {
            return timezone != null && ZoneId.of(timezone).getRules().equals(deployment.getRules());
        } catch (java.time.DateTimeException e) {
            return false;
        }
    }

    /** A year stays open until the end of report_deadline_day of the January after it. */
    public static long closesAt(int year, int deadlineDay, ZoneId zone) {
        return LocalDate.of(year + 1, 1, deadlineDay).plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli();
    }

    private final ZoneId zone;
    /** The deployment's district: that of plans published before districts. */
    private final String district;
    /** The plans in force by district/year, in key order. */
    private volatile Map<String, YearPlan> plans = Map.of();
    /** The deployment district's plans by year (a view of {@link #plans} kept with it). */
    private volatile Map<Integer, YearPlan> years = Map.of();
    private final Map<String, Refusal> refusals = new HashMap<>();
    private volatile long version;

    /** @param zone the deployment's zone ({@code planpulse.timezone}); a plan in another zone is refused */
    public PlanCatalog(ZoneId zone) {
        this(zone, io.planpulse.base.Districts.DEFAULT);
    }

    /** @param district the deployment's district ({@code planpulse.district}) */
    public PlanCatalog(ZoneId zone, String district) {
        this.zone = zone;
        this.district = district;
    }

    public ZoneId zone() {
        return zone;
    }

    /** The deployment's district ({@code planpulse.district}). */
    public String district() {
        return district;
    }

    /** Moves whenever a plan in force changes. */
    public long version() {
        return version;
    }

    /** Every plan in force, by district/year in key order: one immutable snapshot. */
    public Map<String, YearPlan> plans() {
        return plans;
    }

    /** The deployment district's plans in force, by year, in year order: one immutable snapshot. */
    public Map<Integer, YearPlan> years() {
        return years;
    }

    /** The deployment district's plan of a year, or null. */
    public YearPlan year(int year) {
        return years.get(year);
    }

    /** A district's plan of a year, or null. */
    public YearPlan plan(String district, int year) {
        return plans.get(district + "/" + year);
    }

    /**
     * The report deadline day that closes a year: the latest of its plans' (every district's), or the default without
     * a plan. A year stays open until the last district's deadline has passed.
     */
    /**
     * A year is retired once neither it nor the year after is open (the projection of the year after reads its
     * facts, CONTRACT section 5b): after the end of the deadline day of the January after the year after. Its facts
     * are dropped and its plans are no longer evaluated: the KPIs they last published, final since it closed, stay.
     */
    public boolean retired(int year, java.time.Instant now) {
        return now.toEpochMilli() >= closesAt(year + 1, deadlineDay(year + 1), zone);
    }

    public int deadlineDay(int year) {
        int day = 0;
        for (YearPlan p : plans.values()) {
            if (p.year() == year) {
                day = Math.max(day, p.reportDeadlineDay());
            }
        }
        return day == 0 ? DEFAULT_DEADLINE_DAY : day;
    }

    /** Per district and year with a plan or a refusal: the version in force and the last refused one. */
    public synchronized List<YearStatus> statuses() {
        Set<String> all = new java.util.TreeSet<>(plans.keySet());
        all.addAll(refusals.keySet());
        List<YearStatus> out = new ArrayList<>();
        for (String k : all) {
            YearPlan p = plans.get(k);
            int slash = k.indexOf('/');
            out.add(new YearStatus(k.substring(0, slash), Integer.parseInt(k.substring(slash + 1)),
                    p == null ? null : p.version(), refusals.get(k)));
        }
        return out;
    }

    /**
     * The district and year a plan record's key names: {@code district/year/...}, or {@code year/...} (published
     * before districts: the deployment's district); null for a key that is neither.
     */
    String[] planOf(String key) {
        return planOf(key, district);
    }

    /** {@link #planOf(String)} for a deployment of district {@code deployment}: a key of plans or KPIs alike. */
    public static String[] planOf(String key, String deployment) {
        String[] parts = key.split("/", 3);
        try {
            if (parts.length >= 2 && io.planpulse.base.Districts.isCode(parts[0])) {
                Integer.parseInt(parts[1]);
                return new String[] {parts[0], parts[1]};
            }
            if (parts.length >= 2 && parts[0].length() == 4) {
                Integer.parseInt(parts[0]);
                return new String[] {deployment, parts[0]};
            }
        } catch (NumberFormatException e) {
            // below
        }
        return null;
    }

    /** Rebuilds every plan from the store (after a restore). */
    synchronized void rebuildAll(ReadOnlyKeyValueStore<String, byte[]> store) {
        Set<String> seen = new java.util.TreeSet<>();
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                String k = it.next().key;
                String[] p = planOf(k);
                if (p == null) {
                    LOG.error("ignoring plan record with key {}: no district and year", k);
                } else {
                    seen.add(p[0] + "/" + p[1]);
                }
            }
        }
        for (String k : seen) {
            int slash = k.indexOf('/');
            rebuild(store, k.substring(0, slash), Integer.parseInt(k.substring(slash + 1)));
        }
    }

    /** Rebuilds the plan a record's key names (see {@link #planOf}); nothing for a key that names none. */
    synchronized void rebuildFor(ReadOnlyKeyValueStore<String, byte[]> store, String key) {
        String[] p = planOf(key);
        if (p != null) {
            rebuild(store, p[0], Integer.parseInt(p[1]));
        }
    }

    /** The deployment district's plan of a year (see {@link #rebuild(ReadOnlyKeyValueStore, String, int)}). */
    synchronized void rebuild(ReadOnlyKeyValueStore<String, byte[]> store, int year) {
        rebuild(store, district, year);
    }

    /**
     * Applies the newest complete version of a district's year that this deployment can apply, if it is not already
     * in force. Called by the global store's updater when a version's manifest (or a legacy record) arrives.
     */
    synchronized void rebuild(ReadOnlyKeyValueStore<String, byte[]> store, String planDistrict, int year) {
        Map<String, List<PlanTarget>> byVersion = new HashMap<>();
        List<PlanTarget> legacy = new ArrayList<>();
        List<PlanVersion> manifests = new ArrayList<>();
        List<String> prefixes = new ArrayList<>(List.of(planDistrict + "/" + year + "/"));
        if (planDistrict.equals(district)) {
            prefixes.add(year + "/"); // published before districts
        }
        String key = planDistrict + "/" + year;
        for (String prefix : prefixes)
        try (KeyValueIterator<String, byte[]> it = store.range(prefix, prefix + "\uffff")) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                if (kv.value == null) {
                    continue;
                }
                try {
                    if (kv.key.contains(MANIFEST)) {
                        manifests.add(Topics.PLAN_VERSION.decode(kv.value));
                    } else {
                        PlanTarget p = Topics.PLAN_TARGET.decode(kv.value);
                        if (p.getPlanVersion() == null) {
                            legacy.add(p);
                        } else {
                            byVersion.computeIfAbsent(p.getPlanVersion(), v -> new ArrayList<>()).add(p);
                        }
                    }
                } catch (Exception e) {
                    LOG.error("ignoring plan record {} that does not decode: {}", kv.key, e.toString());
                }
            }
        }
        manifests.sort(Comparator.comparing(PlanVersion::getLoadedAt).reversed());
        YearPlan current = plans.get(key);
        String name = key.equals(district + "/" + year) ? "plan " + year : "plan " + key;
        for (PlanVersion m : manifests) {
            Version v = new Version(m.getVersion(), m.getLoadedAt(), m.getTargets(), m.getSource());
            if (current != null && current.version().version().equals(v.version())) {
                return; // the newest applicable version is in force already
            }
            List<PlanTarget> recs = byVersion.getOrDefault(m.getVersion(), List.of());
            if (recs.size() != m.getTargets()) {
                LOG.debug("{} version {}: {} of {} targets so far", name, v.version(), recs.size(), m.getTargets());
                continue; // not all of it has arrived: never apply half a version
            }
            Refusal refused = refusal(planDistrict, year, v, m.getTimezone(), recs);
            if (refused != null) {
                Refusal prev = refusals.put(key, refused);
                if (prev == null || !prev.version().version().equals(v.version())) {
                    LOG.error("{} version {} (loaded {}) refused, the previous version stays in force: {}", name,
                            v.version(), v.loadedAt(), refused.reason());
                }
                continue;
            }
            apply(planDistrict, m.getDistrictName(), year, v, recs);
            return;
        }
        if (manifests.isEmpty() && !legacy.isEmpty() && current == null) {
            Version v = new Version("legacy", null, legacy.size(), null);
            Refusal refused = refusal(planDistrict, year, v, legacy.get(0).getTimezone(), legacy);
            if (refused == null) {
                apply(planDistrict, legacy.get(0).getDistrictName(), year, v, legacy);
            } else {
                refusals.put(key, refused);
                LOG.error("{} (published before plan versions) refused: {}", name, refused.reason());
            }
        }
    }

    private void apply(String planDistrict, String districtName, int year, Version v, List<PlanTarget> recs) {
        List<Target> targets = new ArrayList<>(recs.size());
        for (PlanTarget p : recs) {
            targets.add(PlanCodec.fromAvro(p));
        }
        Target first = targets.get(0);
        YearPlan plan = YearPlan.of(planDistrict, districtName, year, v, zone, first.reportDeadlineDay(), targets);
        Map<String, YearPlan> next = new TreeMap<>(plans);
        next.put(plan.key(), plan);
        Map<Integer, YearPlan> own = new TreeMap<>();
        for (YearPlan p : next.values()) {
            if (p.district().equals(district)) {
                own.put(p.year(), p);
            }
        }
        plans = Collections.unmodifiableMap(next);
        years = Collections.unmodifiableMap(own);
        version++;
        LOG.info("plan {}{} version {} in force: {} targets", year,
                planDistrict.equals(district) ? "" : " of " + planDistrict + " " + plan.name(), v.version(), targets.size());
    }

    /** Why this deployment cannot apply a complete version, or null. */
    private Refusal refusal(String planDistrict, int year, Version v, String timezone, List<PlanTarget> recs) {
        if (recs.isEmpty()) {
            return new Refusal(v, "the version has no targets");
        }
        if (!sameZone(zone, timezone)) {
            return new Refusal(v, "the plan's timezone " + timezone + " is not the deployment's (planpulse.timezone = "
                    + zone.getId() + ")");
        }
        Set<String> ids = new HashSet<>();
        for (PlanTarget p : recs) {
            if (!sameZone(zone, p.getTimezone())) {
                return new Refusal(v, "target " + p.getId() + " has timezone " + p.getTimezone()
                        + ", not the deployment's " + zone.getId());
            }
            if (Source.districtsTarget(p.getSource()) != null && !io.planpulse.base.Districts.isAggregate(planDistrict)) {
                return new Refusal(v, "target " + p.getId() + " has source " + p.getSource() + ", but the plan's district "
                        + planDistrict + " covers no other district (only a code ending in 00 does)");
            }
            if (p.getYear() != year) {
                return new Refusal(v, "target " + p.getId() + " is of year " + p.getYear() + ", not " + year);
            }
            ids.add(p.getId());
        }
        for (PlanTarget p : recs) {
            if (p.getParent() != null && !ids.contains(p.getParent())) {
                return new Refusal(v, "target " + p.getId() + " names parent " + p.getParent() + ", not in the version");
            }
            try {
                PlanCodec.fromAvro(p);
            } catch (RuntimeException e) {
                return new Refusal(v, "target " + p.getId() + ": " + e.getMessage());
            }
        }
        return null;
    }
}
