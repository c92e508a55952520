package io.planpulse.kpistage;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.planpulse.avro.DistrictFigure;
import io.planpulse.avro.internal.DistrictPart;
import io.planpulse.avro.internal.KpiContribution;
import io.planpulse.avro.internal.TargetPart;
import io.planpulse.base.Districts;
import io.planpulse.kpi.Kpi;
import io.planpulse.kpi.KpiEngine;
import io.planpulse.kpi.TargetData;
import io.planpulse.plan.PlanCatalog;
import io.planpulse.plan.Source;
import io.planpulse.plan.Target;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The aggregate stage (CONTRACT section 1b): evaluates the aggregate plans (a city's, {@code 500000}) from what every
 * partition of the KPI stage contributes to them, never from facts of its own. Contributions are keyed by the
 * aggregate's province, so a province's aggregates are evaluated in one task, the narrower first ({@code 500100}
 * before {@code 500000}, whose {@code districts:} targets may add it up).
 *
 * <p>It keeps, per aggregate plan and KPI partition, the latest contribution (merged: a partition sends only the
 * targets whose part changed). A plan version is evaluated once every partition has contributed to that version;
 * until then the KPIs of the version before stay published, so no figure ever shows part of the partitions.
 */
public final class AggregateProcessor implements Processor<String, KpiContribution, String, KpiOutput> {
    private static final Logger LOG = LoggerFactory.getLogger(AggregateProcessor.class);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final PlanCatalog catalog;
    private final MeterRegistry registry;
    private final Clock clock;
    private final Duration evaluateInterval;
    private final Duration clockTick;
    private final int partitions;
    private final io.planpulse.base.KpiLayout layout;
    private int partition;
    private ProcessorContext<String, KpiOutput> context;
    private KeyValueStore<String, KpiContribution> store;
    private Published published;

    /** A KPI partition's contribution to an aggregate plan, merged, and its parts by target id. */
    private record Held(KpiContribution contribution, Map<String, TargetPart> byId) {
        static Held of(KpiContribution c) {
            Map<String, TargetPart> ts = new LinkedHashMap<>();
            c.getTargets().forEach(p -> ts.put(p.getId(), p));
            return new Held(c, ts);
        }
    }

    /** By aggregate plan (district/year), by KPI partition. */
    private final Map<String, Map<Integer, Held>> parts = new HashMap<>();
    private final Map<String, Map<String, KpiEngine.Rolled>> rolledByPlan = new HashMap<>();
    private final Set<String> dirty = new HashSet<>();
    private long planVersion = -1;
    private long lastFullEvaluation = Long.MIN_VALUE;
    private Counter rounds;
    private Timer cpu;

    public AggregateProcessor(PlanCatalog catalog, MeterRegistry registry, Clock clock, Duration evaluateInterval,
                              Duration clockTick, int partitions) {
        this.catalog = catalog;
        this.registry = registry;
        this.clock = clock;
        this.evaluateInterval = evaluateInterval;
        this.clockTick = clockTick;
        this.partitions = partitions;
        this.layout = io.planpulse.base.KpiLayout.of(partitions);
    }

    @Override
    public void init(ProcessorContext<String, KpiOutput> context) {
        this.context = context;
        this.partition = context.taskId().partition();
        this.store = context.getStateStore(layout.aggregateParts());
        this.published = new Published(context, context.getStateStore(layout.aggregateLast()));
        try (KeyValueIterator<String, KpiContribution> it = store.all()) {
            it.forEachRemaining((KeyValue<String, KpiContribution> kv) -> keep(Held.of(kv.value)));
        }
        this.rounds = Counter.builder("planpulse.kpi.aggregations")
                .description("Evaluation rounds of the aggregate stage").register(registry);
        this.cpu = Timer.builder("planpulse.kpi.aggregation.cpu")
                .description("CPU time of the aggregate stage's rounds: the aggregate plans of its provinces, from the "
                        + "KPI partitions' contributions")
                .tag("partition", String.valueOf(partition)).register(registry);
        context.schedule(evaluateInterval, PunctuationType.WALL_CLOCK_TIME, t -> evaluate());
    }

    @Override
    public void process(Record<String, KpiContribution> record) {
        KpiContribution c = record.value();
        if (c == null) {
            return;
        }
        if (c.getPartitions() != partitions) {
            LOG.warn("a contribution to {} from KPI partition {} of {} (planpulse.kpi.partitions here: {}): every "
                    + "instance must run with the same planpulse.kpi.partitions", c.getPlan(), c.getSource(),
                    c.getPartitions(), partitions);
        }
        Held before = parts.getOrDefault(c.getPlan(), Map.of()).get(c.getSource());
        Held merged = Held.of(c);
        if (!c.getFull()) {
            if (before == null || !before.contribution().getVersion().equals(c.getVersion())) {
                // cannot happen in order (a partition sends all of a version first); the next full one mends it
                LOG.warn("a partial contribution to {} version {} from KPI partition {} without the full one before "
                        + "it: ignored", c.getPlan(), c.getVersion(), c.getSource());
                return;
            }
            Map<String, TargetPart> ts = new LinkedHashMap<>(before.byId());
            ts.putAll(merged.byId());
            merged = new Held(KpiContribution.newBuilder(c).setFull(true).setTargets(new ArrayList<>(ts.values()))
                    .build(), ts);
        }
        keep(merged);
        store.put(c.getPlan() + "/" + c.getSource(), merged.contribution());
        dirty.add(c.getPlan());
    }

    private void keep(Held h) {
        parts.computeIfAbsent(h.contribution().getPlan(), k -> new HashMap<>()).put(h.contribution().getSource(), h);
    }

    /** A partition that moves to another instance stops reporting its rounds' CPU here. */
    @Override
    public void close() {
        registry.remove(cpu);
    }

    /** The aggregate plans whose contributions come to this task: of the provinces that hash to its partition. */
    private boolean evaluatesHere(PlanCatalog.YearPlan p) {
        return Districts.isAggregate(p.district())
                && Districts.partition(Districts.province(p.district()), partitions) == partition;
    }

    private void evaluate() {
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        Instant now = clock.instant();
        Map<String, PlanCatalog.YearPlan> plans = catalog.plans();
        long version = catalog.version();
        boolean planChanged = version != planVersion;
        boolean all = planChanged || now.toEpochMilli() - lastFullEvaluation >= clockTick.toMillis();
        rounds.increment();
        if (!all && dirty.isEmpty()) {
            return;
        }
        List<PlanCatalog.YearPlan> mine = new ArrayList<>();
        for (PlanCatalog.YearPlan p : plans.values()) {
            if (evaluatesHere(p) && !catalog.retired(p.year(), now)) {
                mine.add(p);
            }
        }
        mine.sort(Comparator.comparingInt((PlanCatalog.YearPlan p) -> Districts.level(p.district()))
                .thenComparing(PlanCatalog.YearPlan::key));
        for (PlanCatalog.YearPlan p : mine) {
            evaluate(p, plans.values(), now);
        }
        if (planChanged) {
            published.removeNotIn(plans, this::evaluatesHere, now);
            for (String plan : new ArrayList<>(parts.keySet())) {
                PlanCatalog.YearPlan p = plans.get(plan);
                if (p == null || !evaluatesHere(p)) {
                    parts.remove(plan).keySet().forEach(source -> store.delete(plan + "/" + source));
                    rolledByPlan.remove(plan);
                }
            }
            planVersion = version;
        }
        if (all) {
            lastFullEvaluation = now.toEpochMilli();
        }
        dirty.clear();
        cpu.record(Duration.ofNanos(THREADS.getCurrentThreadCpuTime() - cpu0));
    }

    private void evaluate(PlanCatalog.YearPlan a, java.util.Collection<PlanCatalog.YearPlan> plans, Instant now) {
        Map<Integer, Held> from = parts.getOrDefault(a.key(), Map.of());
        String version = a.version().version();
        for (int source = 0; source < partitions; source++) {
            Held h = from.get(source);
            if (h == null || !h.contribution().getVersion().equals(version)) {
                return; // not every partition has contributed to this version yet: what was published stays
            }
        }
        Map<String, TargetData> data = new HashMap<>();
        Map<String, TargetData> lastYear = new HashMap<>();
        Map<String, List<KpiEngine.Rolled>> fromDistricts = new HashMap<>();
        Map<String, List<DistrictFigure>> figures = new HashMap<>();
        Map<String, List<String>> missing = new HashMap<>();
        Set<String> withFacts = new TreeSet<>();
        for (int source = 0; source < partitions; source++) {
            withFacts.addAll(from.get(source).contribution().getDistrictsWithFacts());
        }
        for (Target t : a.targets()) {
            TargetData d = null;
            TargetData l = null;
            List<DistrictPart> ds = new ArrayList<>();
            for (int source = 0; source < partitions; source++) {
                TargetPart part = from.get(source).byId().get(t.id());
                if (part != null) {
                    d = Contributions.sum(d, part.getData());
                    l = Contributions.sum(l, part.getLastYear());
                    ds.addAll(part.getDistricts());
                }
            }
            if (d != null) {
                data.put(t.id(), d);
            }
            if (l != null) {
                lastYear.put(t.id(), l);
            }
            if (t.source() == Source.DISTRICTS) {
                sumDistricts(a, t, ds, plans, withFacts, fromDistricts, figures, missing);
            }
        }
        Map<String, KpiEngine.Rolled> rolled = new HashMap<>();
        Map<String, Kpi> kpis = KpiEngine.evaluate(a.targets(), data, lastYear, now, fromDistricts, rolled);
        rolledByPlan.put(a.key(), rolled);
        published.publish(a, kpis, now, figures, missing);
    }

    /**
     * What a {@code districts:<target_id>} target sums (CONTRACT section 4): that target in the same year's plans of
     * the districts the plan covers (not itself), as the KPI partitions last evaluated it (an aggregate inside this
     * one, as this stage did); the covered districts with a plan that lacks it, or with facts and no plan, are missing.
     */
    private void sumDistricts(PlanCatalog.YearPlan a, Target t, List<DistrictPart> ds,
                              java.util.Collection<PlanCatalog.YearPlan> plans, Set<String> withFacts,
                              Map<String, List<KpiEngine.Rolled>> out, Map<String, List<DistrictFigure>> figures,
                              Map<String, List<String>> missing) {
        String ref = t.sourceTarget();
        Map<String, KpiEngine.Rolled> rolls = new java.util.TreeMap<>();
        Map<String, DistrictFigure> fs = new java.util.TreeMap<>();
        for (DistrictPart p : ds) {
            rolls.put(p.getDistrict(), Contributions.rolled(p));
            fs.put(p.getDistrict(), Contributions.figure(p));
        }
        Set<String> without = new TreeSet<>(withFacts);
        for (PlanCatalog.YearPlan q : plans) {
            if (q.year() != a.year() || q.district().equals(a.district()) || !Districts.covers(a.district(), q.district())) {
                continue;
            }
            if (Districts.isAggregate(q.district())) {
                KpiEngine.Rolled roll = rolledByPlan.getOrDefault(q.key(), Map.of()).get(ref);
                if (roll != null) {
                    rolls.put(q.district(), roll);
                    fs.put(q.district(), Contributions.figure(q.district(),
                            published.get(q.district() + "/" + q.year() + "/" + ref)));
                }
            }
            without.add(q.district());
        }
        without.removeAll(rolls.keySet());
        without.remove(a.district());
        without.removeIf(d -> !Districts.covers(a.district(), d));
        out.put(t.id(), new ArrayList<>(rolls.values()));
        figures.put(t.id(), new ArrayList<>(fs.values()));
        missing.put(t.id(), List.copyOf(without));
    }
}
