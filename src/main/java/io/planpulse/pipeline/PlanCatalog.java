package io.planpulse.pipeline;

import io.planpulse.avro.PlanTarget;
import io.planpulse.plan.Source;
import io.planpulse.plan.Stream;
import io.planpulse.plan.Target;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plan as the processors see it: the global store {@link Topics#PLAN_STORE} indexed by year. The store's
 * updater bumps a version; each processor keeps its own index and rebuilds it when the version moves (the first
 * use after a restore included), so a revised plan is seen at once and no lock is shared on the hot path.
 */
public final class PlanCatalog {
    private static final Logger LOG = LoggerFactory.getLogger(PlanCatalog.class);
    private final AtomicLong version = new AtomicLong();

    public void changed() {
        version.incrementAndGet();
    }

    public long version() {
        return version.get();
    }

    /**
     * The targets of one year, indexed for the intake and KPI stages, with the instants the hot path needs
     * precomputed: the 13 month boundaries of the year in its zone, and when the year closes.
     */
    public record YearPlan(int year, ZoneId zone, int reportDeadlineDay, List<Target> targets, Map<String, Target> byId,
                           Map<Stream, List<Target>> flowTargets, long[] monthStarts, long closesAt) {
        static YearPlan of(int year, ZoneId zone, int deadlineDay, List<Target> targets, Map<String, Target> byId,
                           Map<Stream, List<Target>> flows) {
            long[] starts = new long[13];
            for (int m = 0; m < 13; m++) {
                starts[m] = LocalDate.of(year, 1, 1).plusMonths(m).atStartOfDay(zone).toInstant().toEpochMilli();
            }
            // A year stays open until the end of report_deadline_day of the January after it.
            long closes = LocalDate.of(year + 1, 1, deadlineDay).plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli();
            return new YearPlan(year, zone, deadlineDay, targets, byId, flows, starts, closes);
        }

        public boolean closedAt(Instant now) {
            return now.toEpochMilli() >= closesAt;
        }

        public boolean contains(long epochMilli) {
            return epochMilli >= monthStarts[0] && epochMilli < monthStarts[12];
        }

        /** The calendar month (1-12) of an instant of this year, in the plan's zone. */
        public int monthOf(long epochMilli) {
            int m = 1;
            while (m < 12 && epochMilli >= monthStarts[m]) {
                m++;
            }
            return m;
        }
    }

    /** A processor's view: rebuilt from the store whenever the catalogue version moved. */
    public final class Index {
        private final ReadOnlyKeyValueStore<String, byte[]> store;
        private long builtAt = -1;
        private Map<Integer, YearPlan> years = Map.of();

        Index(ReadOnlyKeyValueStore<String, byte[]> store) {
            this.store = store;
        }

        /** True when the plan changed since the last call (and the index was rebuilt). */
        public boolean refresh() {
            long v = version.get();
            if (v == builtAt) {
                return false;
            }
            years = build(store);
            builtAt = v;
            return true;
        }

        public YearPlan year(int year) {
            refresh();
            return years.get(year);
        }

        /** Every plan year, in year order. */
        public Collection<YearPlan> years() {
            refresh();
            return years.values();
        }

        /** The plan year an instant falls in, in that plan's own zone. */
        public YearPlan yearOf(Instant t) {
            refresh();
            long ms = t.toEpochMilli();
            for (YearPlan p : years.values()) {
                if (p.contains(ms)) {
                    return p;
                }
            }
            return null;
        }
    }

    public Index index(ReadOnlyKeyValueStore<String, byte[]> store) {
        return new Index(store);
    }

    static Map<Integer, YearPlan> build(ReadOnlyKeyValueStore<String, byte[]> store) {
        Map<Integer, List<Target>> byYear = new TreeMap<>();
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                if (kv.value == null) {
                    continue;
                }
                try {
                    PlanTarget p = Topics.PLAN_TARGET.decode(kv.value);
                    byYear.computeIfAbsent(p.getYear(), y -> new ArrayList<>()).add(PlanCodec.fromAvro(p));
                } catch (Exception e) {
                    LOG.error("ignoring plan record {} that does not decode: {}", kv.key, e.toString());
                }
            }
        }
        Map<Integer, YearPlan> out = new TreeMap<>();
        byYear.forEach((year, targets) -> {
            targets.sort(java.util.Comparator.comparing(Target::id));
            Map<String, Target> byId = new LinkedHashMap<>();
            Map<Stream, List<Target>> flows = new EnumMap<>(Stream.class);
            for (Target t : targets) {
                byId.put(t.id(), t);
                Source s = t.source();
                if (s.stream() != null && s.stream().isFlow()) {
                    flows.computeIfAbsent(s.stream(), k -> new ArrayList<>()).add(t);
                }
            }
            Target first = targets.get(0);
            out.put(year, YearPlan.of(year, first.zone(), first.reportDeadlineDay(), List.copyOf(targets), byId, flows));
        });
        return out;
    }
}
