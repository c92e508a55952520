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
 * The plans in force, one whole version per year (CONTRACT section 2, "Plan versions are atomic").
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

    /** What {@code GET /api/plans} shows of a year. */
    public record YearStatus(int year, Version inForce, Refusal lastRefused) {
    }

    /**
     * The targets of one version of one year, indexed for the KPI stage, with the instants the hot path needs
     * precomputed: the 13 month boundaries of the year in the deployment's zone, and when the year closes.
     */
    public record YearPlan(int year, Version version, ZoneId zone, int reportDeadlineDay, List<Target> targets,
                           Map<String, Target> byId, Map<Stream, List<Target>> flowTargets, long[] monthStarts,
                           long closesAt) {
        static YearPlan of(int year, Version version, ZoneId zone, int deadlineDay, List<Target> targets) {
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
            return new YearPlan(year, version, zone, deadlineDay, List.copyOf(sorted), Collections.unmodifiableMap(byId),
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
    private volatile Map<Integer, YearPlan> years = Map.of();
    private final Map<Integer, Refusal> refusals = new HashMap<>();
    private volatile long version;

    /** @param zone the deployment's zone ({@code planpulse.timezone}); a plan in another zone is refused */
    public PlanCatalog(ZoneId zone) {
        this.zone = zone;
    }

    public ZoneId zone() {
        return zone;
    }

    /** Moves whenever a year's plan in force changes. */
    public long version() {
        return version;
    }

    /** The plans in force, by year, in year order: one immutable snapshot. */
    public Map<Integer, YearPlan> years() {
        return years;
    }

    public YearPlan year(int year) {
        return years.get(year);
    }

    /** The report deadline day that closes a year: its plan's, or the default without a plan. */
    public int deadlineDay(int year) {
        YearPlan p = years.get(year);
        return p == null ? DEFAULT_DEADLINE_DAY : p.reportDeadlineDay();
    }

    /** Per year with a plan or a refusal: the version in force and the last refused one. */
    public synchronized List<YearStatus> statuses() {
        Set<Integer> all = new java.util.TreeSet<>(years.keySet());
        all.addAll(refusals.keySet());
        List<YearStatus> out = new ArrayList<>();
        for (int y : all) {
            YearPlan p = years.get(y);
            out.add(new YearStatus(y, p == null ? null : p.version(), refusals.get(y)));
        }
        return out;
    }

    /** Rebuilds every year from the store (after a restore). */
    synchronized void rebuildAll(ReadOnlyKeyValueStore<String, byte[]> store) {
        Set<Integer> seen = new HashSet<>();
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                String k = it.next().key;
                int slash = k.indexOf('/');
                if (slash > 0) {
                    try {
                        seen.add(Integer.parseInt(k.substring(0, slash)));
                    } catch (NumberFormatException e) {
                        LOG.error("ignoring plan record with key {}: no year", k);
                    }
                }
            }
        }
        for (int y : seen) {
            rebuild(store, y);
        }
    }

    /**
     * Applies the newest complete version of a year that this deployment can apply, if it is not already in force.
     * Called by the global store's updater when a version's manifest (or a legacy record) arrives.
     */
    synchronized void rebuild(ReadOnlyKeyValueStore<String, byte[]> store, int year) {
        Map<String, List<PlanTarget>> byVersion = new HashMap<>();
        List<PlanTarget> legacy = new ArrayList<>();
        List<PlanVersion> manifests = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.range(year + "/", year + "/\uffff")) {
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
        YearPlan current = years.get(year);
        for (PlanVersion m : manifests) {
            Version v = new Version(m.getVersion(), m.getLoadedAt(), m.getTargets(), m.getSource());
            if (current != null && current.version().version().equals(v.version())) {
                return; // the newest applicable version is in force already
            }
            List<PlanTarget> recs = byVersion.getOrDefault(m.getVersion(), List.of());
            if (recs.size() != m.getTargets()) {
                LOG.debug("plan {} version {}: {} of {} targets so far", year, v.version(), recs.size(), m.getTargets());
                continue; // not all of it has arrived: never apply half a version
            }
            Refusal refused = refusal(year, v, m.getTimezone(), recs);
            if (refused != null) {
                Refusal prev = refusals.put(year, refused);
                if (prev == null || !prev.version().version().equals(v.version())) {
                    LOG.error("plan {} version {} (loaded {}) refused, the previous version stays in force: {}", year,
                            v.version(), v.loadedAt(), refused.reason());
                }
                continue;
            }
            apply(year, v, recs);
            return;
        }
        if (manifests.isEmpty() && !legacy.isEmpty() && current == null) {
            Version v = new Version("legacy", null, legacy.size(), null);
            Refusal refused = refusal(year, v, legacy.get(0).getTimezone(), legacy);
            if (refused == null) {
                apply(year, v, legacy);
            } else {
                refusals.put(year, refused);
                LOG.error("plan {} (published before plan versions) refused: {}", year, refused.reason());
            }
        }
    }

    private void apply(int year, Version v, List<PlanTarget> recs) {
        List<Target> targets = new ArrayList<>(recs.size());
        for (PlanTarget p : recs) {
            targets.add(PlanCodec.fromAvro(p));
        }
        Target first = targets.get(0);
        YearPlan plan = YearPlan.of(year, v, zone, first.reportDeadlineDay(), targets);
        Map<Integer, YearPlan> next = new TreeMap<>(years);
        next.put(year, plan);
        years = Collections.unmodifiableMap(next);
        version++;
        LOG.info("plan {} version {} in force: {} targets", year, v.version(), targets.size());
    }

    /** Why this deployment cannot apply a complete version, or null. */
    private Refusal refusal(int year, Version v, String timezone, List<PlanTarget> recs) {
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
