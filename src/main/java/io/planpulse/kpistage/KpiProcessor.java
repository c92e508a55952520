package io.planpulse.kpistage;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.planpulse.avro.internal.DistrictPart;
import io.planpulse.avro.internal.KpiContribution;
import io.planpulse.avro.internal.TargetPart;
import io.planpulse.avro.UnplannedSubject;
import io.planpulse.avro.internal.FlowFact;
import io.planpulse.avro.internal.KpiInput;
import io.planpulse.avro.internal.ReportFact;
import io.planpulse.facts.Facts;
import io.planpulse.intake.CommitHook;
import io.planpulse.kpi.Kpi;
import io.planpulse.kpi.KpiEngine;
import io.planpulse.kpi.TargetData;

import io.planpulse.base.Topics;
import io.planpulse.plan.PlanCatalog;
import io.planpulse.plan.Source;
import io.planpulse.base.Districts;
import io.planpulse.base.Stream;
import io.planpulse.plan.Target;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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
 * The KPI stage: one task per partition of {@code planpulse.kpi.partitions}, each with the facts and the plans of
 * the districts that hash to it (CONTRACT section 1b).
 *
 * <p>It keeps the <em>facts</em> (CONTRACT section 3, "Facts outlive plans"): per year, the flow cells (monthly counts
 * and sums per combination of a stream's dimensions) and the report in force per (subject, month), whatever any
 * plan says. They live on the heap ({@link Facts}) and in logged stores, written once per commit by a commit hook.
 *
 * <p>The plans are <em>queries</em> over them: on a wall-clock punctuator it evaluates each year's plan in force (one
 * whole version, read once per round from the {@link PlanCatalog}) over that year's facts, publishing a snapshot for
 * every target whose figures moved, a status change for every status that did, and the report subjects that no
 * target names ({@code planpulse.unplanned}). A new plan version re-derives every flow target from all the facts of
 * its year, so a plan loaded at any time gives the figures it would have given had it been loaded first. Every
 * year is also re-evaluated as the clock moves ({@code clockTick}), so statuses and {@code overdue} change with no
 * event. Between those, a round re-evaluates only the targets whose facts changed and the targets they roll up into.
 *
 * <p>An aggregate plan (a city's) is not evaluated here: every task sends the {@link AggregateProcessor aggregate
 * stage} what its facts and its districts' plans contribute to it (a {@link KpiContribution}, the targets whose part
 * changed), and that stage adds up every partition's.
 */
public final class KpiProcessor implements Processor<String, KpiInput, String, KpiOutput> {
    private static final Logger LOG = LoggerFactory.getLogger(KpiProcessor.class);
    private static final Stream[] REPORT_STREAMS = {Stream.PROJECT_PROGRESS, Stream.INDICATOR_REPORT};

    private final PlanCatalog catalog;
    private final MeterRegistry registry;
    private final Clock clock;
    private final Duration evaluateInterval;
    private final Duration clockTick;
    private final int maxCells;
    /** planpulse.kpi.partitions, and this task's partition of them. */
    private final int partitions;
    private final io.planpulse.base.KpiLayout layout;
    private int partition;
    /** The deployment's district: its plan's, and that of facts written before districts (CONTRACT section 1b). */
    private final String district;
    private ProcessorContext<String, KpiOutput> context;
    private KeyValueStore<String, FlowFact> flowStore;
    private KeyValueStore<String, ReportFact> reportStore;
    private Published published;
    private KeyValueStore<String, UnplannedSubject> unplannedStore;

    /** The facts, by year. */
    private final Map<Integer, Facts.YearFacts> facts = new HashMap<>();
    /** Cells changed since the last commit, by store key. */
    private final Map<String, Facts.FlowCell> dirtyFlows = new LinkedHashMap<>();
    private final Map<String, Facts.ReportCell> dirtyReports = new LinkedHashMap<>();
    /** Every target's rollup as its plan (district/year) was last evaluated: what districts: targets sum. */
    private final Map<String, Map<String, KpiEngine.Rolled>> rolledByPlan = new HashMap<>();
    /** What was last sent to the aggregate stage for an aggregate plan: its version, parts and districts with facts. */
    private record Sent(String version, Map<String, TargetPart> parts, List<String> withFacts) {
    }

    /** By aggregate plan (district/year). */
    private final Map<String, Sent> sent = new HashMap<>();
    /** The unplanned subjects last published, by year/stream/subject. */
    private final Map<String, UnplannedSubject> unplanned = new HashMap<>();
    /** The flow targets' queries over their own year (key year/id) and over the year before (profiles). */
    private final Map<String, Facts.Query> current = new HashMap<>();
    private final Map<String, Facts.Query> previous = new HashMap<>();
    /** The same queries by the year and stream of the facts they read, for the deltas. */
    private final Map<Integer, Map<Stream, List<Facts.Query>>> queries = new HashMap<>();
    private long queriesBuiltFor = -1;

    /**
     * By year, by district (code order): the streams it has facts of (what planpulse.district-facts says, and which
     * districts an aggregate plan's contribution names); and the district/year whose streams grew since the last round.
     */
    private final Map<Integer, Map<String, Set<String>>> withFacts = new HashMap<>();
    private final Set<String> toAnnounce = new TreeSet<>();
    /**
     * By plan (district/year): the ids of its targets whose facts (of its year, or of the year before: the profile)
     * changed since the last round; a round re-evaluates only those and their parents.
     */
    private final Map<String, Set<String>> dirtyTargets = new HashMap<>();
    /** District/year of the facts changed since the last round. */
    private final Set<String> dirty = new HashSet<>();
    /** Report subjects (year/stream/subject) whose facts changed since the last round. */
    private final Set<String> dirtySubjects = new HashSet<>();
    /** When the last round ended (wall clock, ms) and the CPU it took (ns): a big plan's rounds are spaced out. */
    private long lastRoundEnd;
    private long lastRoundCpu;
    private boolean evaluateAll = true;
    private long lastFullEvaluation = Long.MIN_VALUE;
    /** The overflow counters by district/stream. */
    private final Map<String, Counter> overflows = new HashMap<>();
    /** Per district/year/stream that overflowed: events since its last log line, and when that line was written (wall ms). */
    private final Map<String, long[]> overflowLog = new HashMap<>();
    private static final long OVERFLOW_LOG_INTERVAL_MS = 60_000;
    private Counter staleReports;
    private Counter evaluations;
    private io.micrometer.core.instrument.Timer fullRounds;
    private io.micrometer.core.instrument.Timer partialRounds;
    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    public KpiProcessor(PlanCatalog catalog, MeterRegistry registry, Clock clock, Duration evaluateInterval, Duration clockTick,
                        int maxCells, String district, int partitions) {
        this.catalog = catalog;
        this.partitions = partitions;
        this.layout = io.planpulse.base.KpiLayout.of(partitions);
        this.district = district;
        this.maxCells = maxCells;
        this.registry = registry;
        this.clock = clock;
        this.evaluateInterval = evaluateInterval;
        this.clockTick = clockTick;
    }

    @Override
    public void init(ProcessorContext<String, KpiOutput> context) {
        this.context = context;
        this.flowStore = context.getStateStore(layout.flowFacts());
        this.reportStore = context.getStateStore(layout.reportFacts());
        this.partition = context.taskId().partition();
        this.unplannedStore = context.getStateStore(layout.unplannedLast());
        long t0 = System.nanoTime();
        int[] n = new int[2];
        // Facts written before districts (their cells without a district) are the deployment district's: they are
        // read as such and written back under their new keys, the old ones deleted (an upgrade in place).
        Map<String, KeyValue<String, FlowFact>> movedFlows = new LinkedHashMap<>();
        Map<String, KeyValue<String, ReportFact>> movedReports = new LinkedHashMap<>();
        try (KeyValueIterator<String, FlowFact> it = flowStore.all()) {
            while (it.hasNext()) {
                KeyValue<String, FlowFact> kv = it.next();
                String[] k = kv.key.split("/", 3);
                Stream s = Stream.fromType(k[1]);
                String cellKey = Facts.withDistrict(s, k[2], district);
                FlowFact fact = kv.value;
                if (!cellKey.equals(k[2])) {
                    List<String> dims = new ArrayList<>(fact.getDims());
                    dims.add(0, district);
                    fact = FlowFact.newBuilder(fact).setDims(dims).build();
                    movedFlows.put(kv.key, KeyValue.pair(k[0] + "/" + k[1] + "/" + cellKey, fact));
                }
                year(Integer.parseInt(k[0])).addCell(s, cellKey, Facts.FlowCell.fromAvro(fact));
                n[0]++;
            }
        }
        try (KeyValueIterator<String, ReportFact> it = reportStore.all()) {
            while (it.hasNext()) {
                KeyValue<String, ReportFact> kv = it.next();
                String[] k = kv.key.split("/", 3);
                String subject = Facts.subjectWithDistrict(k[2], district);
                if (!subject.equals(k[2])) {
                    movedReports.put(kv.key, KeyValue.pair(k[0] + "/" + k[1] + "/" + subject, kv.value));
                }
                year(Integer.parseInt(k[0])).reports(Stream.fromType(k[1])).put(subject,
                        Facts.ReportCell.fromAvro(kv.value));
                n[1]++;
            }
        }
        movedFlows.forEach((oldKey, moved) -> {
            flowStore.put(moved.key, moved.value);
            flowStore.delete(oldKey);
        });
        movedReports.forEach((oldKey, moved) -> {
            reportStore.put(moved.key, moved.value);
            reportStore.delete(oldKey);
        });
        if (!movedFlows.isEmpty() || !movedReports.isEmpty()) {
            LOG.info("KPI stage: {} flow cells and {} report subjects written before districts taken as {}'s",
                    movedFlows.size(), movedReports.size(), district);
        }
        this.published = new Published(context, context.getStateStore(layout.kpiLast()));
        try (KeyValueIterator<String, UnplannedSubject> it = unplannedStore.all()) {
            it.forEachRemaining(kv -> unplanned.put(kv.key, kv.value));
        }
        facts.forEach((y, f) -> {
            f.allFlows().forEach((s, cells) -> cells.keySet().forEach(k -> hasFacts(Facts.districtOf(k), y, s)));
            f.allReports().forEach((s, subjects) -> subjects.keySet().forEach(k -> hasFacts(Facts.districtOf(k), y, s)));
        });
        if (n[0] + n[1] > 0) {
            LOG.info("KPI stage: {} flow cells and {} report subjects read back in {} ms", n[0], n[1],
                    (System.nanoTime() - t0) / 1_000_000);
        }
        for (Stream s : Stream.values()) {
            if (s.isFlow()) {
                // registered at 0, so the first overflow is an increase Prometheus sees, not a new series
                overflowCounter(district, s);
            }
        }
        this.staleReports = Counter.builder("planpulse.reports.superseded")
                .description("Reports older than the report in force for their month (changed nothing)")
                .register(registry);
        this.evaluations = Counter.builder("planpulse.kpi.evaluations")
                .description("Evaluation rounds of the KPI stage").register(registry);
        this.fullRounds = io.micrometer.core.instrument.Timer.builder("planpulse.kpi.evaluation.cpu")
                .description("CPU time of the KPI stage's evaluation rounds: every target of every year (a new plan "
                        + "version, the clock tick) or only the years whose facts changed")
                .tag("scope", "all").tag("partition", String.valueOf(partition)).register(registry);
        this.partialRounds = io.micrometer.core.instrument.Timer.builder("planpulse.kpi.evaluation.cpu")
                .description("CPU time of the KPI stage's evaluation rounds: every target of every year (a new plan "
                        + "version, the clock tick) or only the years whose facts changed")
                .tag("scope", "changed").tag("partition", String.valueOf(partition)).register(registry);
        CommitHook hook = context.getStateStore(Topics.KPI_COMMIT_HOOK);
        hook.beforeCommit(this::persist);
        context.schedule(evaluateInterval, PunctuationType.WALL_CLOCK_TIME, t -> evaluate());
    }

    /** A district's overflow counter of a stream (planpulse_facts_overflow_total{district,stream}). */
    private Counter overflowCounter(String d, Stream s) {
        return overflows.computeIfAbsent(d + "/" + s.type(), k -> Counter.builder("planpulse.facts.overflow")
                .tag("district", d).tag("stream", s.type())
                .description("Flow events of new dimension combinations beyond planpulse.facts.max-cells, "
                        + "counted in their district's overflow cell of the stream").register(registry));
    }

    /**
     * Counts the events of a new dimension combination that the cap sent to the overflow cell, and says so in the log
     * at most once a minute per (district, year, stream), naming the dimensions whose values were new (the likely
     * culprit) and the targets that leave the overflow out.
     */
    private void overflowed(int y, Stream stream, String[] dims, long events) {
        overflowCounter(dims[0], stream).increment(events);
        long[] log = overflowLog.computeIfAbsent(dims[0] + "/" + y + "/" + stream.type(),
                k -> new long[] {0, Long.MIN_VALUE});
        log[0] += events;
        long now = context.currentSystemTimeMs();
        if (log[1] != Long.MIN_VALUE && now - log[1] < OVERFLOW_LOG_INTERVAL_MS) {
            return;
        }
        List<String> newIn = new ArrayList<>();
        Collection<Facts.FlowCell> kept = facts.get(y).flows(stream).values();
        for (int i = 1; i < dims.length; i++) {
            int d = i;
            if (kept.stream().noneMatch(c -> !Facts.isOverflow(c.dims) && c.dims[0].equals(dims[0])
                    && c.dims[d].equals(dims[d]))) {
                newIn.add(stream.dimensions().get(i - 1) + "=" + abbreviate(dims[i]));
            }
        }
        PlanCatalog.YearPlan plan = catalog.plan(dims[0], y);
        List<String> filtered = new ArrayList<>();
        if (plan != null) {
            for (Target t : plan.flowTargets().getOrDefault(stream, List.of())) {
                if (!t.filter().isEmpty()) {
                    filtered.add(t.id());
                }
            }
        }
        LOG.warn("{} facts of district {}, {}: {} cells kept (planpulse.facts.max-cells), {} events of new dimension "
                        + "combinations went to the overflow cell{}; new values in {}. Unfiltered targets count them; "
                        + "targets filtering on {} leave them out{}", stream.type(), dims[0], y, maxCells, log[0],
                log[1] == Long.MIN_VALUE ? "" : " in the last minute", newIn.isEmpty() ? "no single dimension "
                        + "(a new combination of known values)" : String.join(", ", newIn),
                String.join(", ", stream.dimensions()), filtered.isEmpty() ? "" : " (" + String.join(", ", filtered) + ")");
        log[0] = 0;
        log[1] = now;
    }

    private static String abbreviate(String v) {
        return v.length() <= 40 ? "'" + v + "'" : "'" + v.substring(0, 40) + "...'";
    }

    private Facts.YearFacts year(int y) {
        return facts.computeIfAbsent(y, k -> new Facts.YearFacts());
    }

    @Override
    public void process(Record<String, KpiInput> record) {
        KpiInput in = record.value();
        if (in == null) {
            return;
        }
        Stream stream = Stream.fromType(in.getStream());
        int y = in.getYear();
        // A record handed over by a build before districts has none in its subject: the deployment's district.
        String subject = Facts.inDistrict(stream, in.getSubject(), district);
        String key = y + "/" + stream.type() + "/" + subject;
        if (in.getReport()) {
            Facts.ReportCell cell = year(y).reports(stream).computeIfAbsent(subject, k -> new Facts.ReportCell());
            if (!cell.apply(in.getMonth(), new BigDecimal(in.getAmounts().get(0)), in.getReportedAt(), in.getReportId(),
                    in.getLastEventAt())) {
                staleReports.increment();
                return;
            }
            dirtyReports.put(key, cell);
            dirtySubjects.add(key);
            // a district's plan of the year names the subject by its id; the next year's reads it as its profile
            String id = Facts.subjectOf(subject);
            String d = Facts.districtOf(subject);
            dirtyTargets.computeIfAbsent(d + "/" + y, k -> new HashSet<>()).add(id);
            dirtyTargets.computeIfAbsent(d + "/" + (y + 1), k -> new HashSet<>()).add(id);
        } else {
            Facts.YearFacts f = year(y);
            Facts.FlowCell cell = f.flows(stream).get(subject);
            if (cell == null) {
                String[] dims = subject.split(String.valueOf(Facts.SEP), -1);
                if (f.keptCells(dims[0], stream) < maxCells) {
                    cell = new Facts.FlowCell(dims, stream.measures().size());
                    f.addCell(stream, subject, cell);
                } else {
                    String overflow = Facts.overflowKey(dims[0], stream);
                    key = y + "/" + stream.type() + "/" + overflow;
                    cell = f.flows(stream).get(overflow);
                    if (cell == null) {
                        cell = new Facts.FlowCell(Facts.overflowDims(dims[0], stream.dimensions().size()),
                                stream.measures().size());
                        f.addCell(stream, overflow, cell);
                    }
                    overflowed(y, stream, dims, in.getCount());
                }
            }
            int m = in.getMonth() - 1;
            BigDecimal[] amounts = new BigDecimal[cell.amounts.length];
            for (int k = 0; k < amounts.length; k++) {
                amounts[k] = new BigDecimal(in.getAmounts().get(k));
                cell.amounts[k][m] = cell.amounts[k][m].add(amounts[k]);
            }
            cell.counts[m] += in.getCount();
            cell.lastEventAt = Math.max(cell.lastEventAt, in.getLastEventAt());
            dirtyFlows.put(key, cell);
            for (Facts.Query q : queries.getOrDefault(y, Map.of()).getOrDefault(stream, List.of())) {
                if (q.matches(cell.dims)) {
                    q.add(in.getMonth(), in.getCount(), amounts, in.getLastEventAt());
                    dirtyTargets.computeIfAbsent(q.planDistrict() + "/" + q.target().year(), k -> new HashSet<>())
                            .add(q.target().id());
                }
            }
        }
        String d = Facts.districtOf(subject);
        dirty.add(d + "/" + y);
        hasFacts(d, y, stream);
    }

    /** A district has facts of a stream in a year: announced at the next round if it had none of it. */
    private void hasFacts(String d, int y, Stream s) {
        if (withFacts.computeIfAbsent(y, k -> new TreeMap<>()).computeIfAbsent(d, k -> new TreeSet<>()).add(s.type())) {
            toAnnounce.add(d + "/" + y);
        }
    }

    /**
     * Publishes the districts with facts of a year (planpulse.district-facts, key district/year) when one has facts of
     * a stream it had none of: so a district with facts and no plan is listed (GET /api/districts).
     */
    private void announceDistricts(Instant now) {
        if (toAnnounce.isEmpty()) {
            return;
        }
        for (String dy : toAnnounce) {
            String[] k = dy.split("/");
            int y = Integer.parseInt(k[1]);
            List<String> streams = List.copyOf(withFacts.get(y).get(k[0]));
            context.forward(new Record<>(dy, new KpiOutput.Districts(io.planpulse.avro.DistrictFacts.newBuilder()
                    .setDistrict(k[0]).setYear(y).setStreams(streams).build()), now.toEpochMilli()));
        }
        toAnnounce.clear();
    }

    /** A partition that moves to another instance stops reporting its rounds' CPU here. */
    @Override
    public void close() {
        registry.remove(fullRounds);
        registry.remove(partialRounds);
    }

    /**
     * The district of a fact handed to the KPI stage, which decides its partition: its subject's first value (a
     * record handed over before districts names none: the deployment's).
     */
    public static String districtOf(KpiInput in, String deployment) {
        return Facts.districtOf(Facts.inDistrict(Stream.fromType(in.getStream()), in.getSubject(), deployment));
    }

    /**
     * The district of a fact by its store key (year/stream/cell or year/stream/subject): its cell's or subject's first
     * value (one written before districts names none: the deployment's).
     */
    public static String districtOfFact(String storeKey, String deployment) {
        String[] k = storeKey.split("/", 3);
        return Facts.districtOf(Facts.inDistrict(Stream.fromType(k[1]), k[2], deployment));
    }

    /** Writes the cells changed since the last commit; runs just before every commit (see CommitHook). */
    private void persist() {
        dirtyFlows.forEach((k, c) -> flowStore.put(k, c.toAvro()));
        dirtyFlows.clear();
        dirtyReports.forEach((k, c) -> reportStore.put(k, c.toAvro()));
        dirtyReports.clear();
    }

    private void evaluate() {
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        Instant now = clock.instant();
        Map<String, PlanCatalog.YearPlan> plans = catalog.plans(); // one snapshot for the whole round
        long version = catalog.version();
        boolean planChanged = version != queriesBuiltFor;
        boolean tickDue = now.toEpochMilli() - lastFullEvaluation >= clockTick.toMillis();
        if (!planChanged && !tickDue && !evaluateAll
                && (context.currentSystemTimeMs() - lastRoundEnd) * 1_000_000 < 4 * lastRoundCpu) {
            // A round of a big plan costs CPU (about 25 us a target): facts that keep arriving re-evaluate it at
            // most every fourth of the time, so the KPI stage keeps to about a quarter of a core. Small plans
            // (a round well under the interval) are not held back.
            return;
        }
        if (planChanged) {
            buildQueries(plans);
            queriesBuiltFor = version;
        }
        boolean all = planChanged || tickDue || evaluateAll;
        if (all) {
            dropRetiredYears(plans, now);
        }
        // this partition's districts' plans, then what they and the facts here contribute to the aggregate plans
        for (PlanCatalog.YearPlan p : plans.values()) {
            if (!evaluatesHere(p) || catalog.retired(p.year(), now)) {
                continue;
            }
            Map<String, KpiEngine.Rolled> before = rolledByPlan.get(p.key());
            if (all || before == null) {
                evaluate(p, now, null);
            } else if (dirtyTargets.containsKey(p.key())) {
                evaluate(p, now, withParents(p, dirtyTargets.get(p.key())));
            }
        }
        for (PlanCatalog.YearPlan p : plans.values()) {
            if (Districts.isAggregate(p.district()) && (all || touched(p)) && !catalog.retired(p.year(), now)) {
                contribute(p, plans.values(), now);
            }
        }
        if (planChanged || evaluateAll) {
            published.removeNotIn(plans, this::evaluatesHere, now);
            sent.keySet().retainAll(plans.keySet());
            rolledByPlan.keySet().retainAll(plans.keySet());
        }
        announceDistricts(now);
        if (planChanged || evaluateAll) {
            updateUnplanned(facts.keySet(), plans, now);
        } else {
            updateUnplanned(dirtySubjects, plans, now);
        }
        if (all) {
            lastFullEvaluation = now.toEpochMilli();
            evaluateAll = false;
        }
        boolean worked = all || !dirty.isEmpty() || !dirtySubjects.isEmpty();
        dirty.clear();
        dirtyTargets.clear();
        dirtySubjects.clear();
        evaluations.increment();
        if (worked) {
            long cpu = THREADS.getCurrentThreadCpuTime() - cpu0;
            (all ? fullRounds : partialRounds).record(Duration.ofNanos(cpu));
            if (!all) {
                // the rounds facts keep bringing are the ones spaced out: a full round (the tick) does not hold them
                lastRoundCpu = cpu;
            }
        }
        lastRoundEnd = context.currentSystemTimeMs();
    }

    /**
     * Whether facts a plan reads changed since the last round: of its year or the year before (its profile, CONTRACT
     * section 5b), in a district its code covers.
     */
    private boolean touched(PlanCatalog.YearPlan p) {
        for (String k : dirty) {
            int slash = k.indexOf('/');
            int y = Integer.parseInt(k.substring(slash + 1));
            if ((y == p.year() || y == p.year() - 1) && Districts.covers(p.district(), k.substring(0, slash))) {
                return true;
            }
        }
        return false;
    }

    /** Whether this partition holds a district's facts (and evaluates its plans, unless it is an aggregate's). */
    private boolean owns(String d) {
        return Districts.partition(d, partitions) == partition;
    }

    /** A plan this task evaluates: a district's (not an aggregate's), of a district of this partition. */
    private boolean evaluatesHere(PlanCatalog.YearPlan p) {
        return !Districts.isAggregate(p.district()) && owns(p.district());
    }

    /** The plans of a year, every district's. */
    private static List<PlanCatalog.YearPlan> plansOf(int y, Map<String, PlanCatalog.YearPlan> plans) {
        List<PlanCatalog.YearPlan> out = new ArrayList<>();
        for (PlanCatalog.YearPlan p : plans.values()) {
            if (p.year() == y) {
                out.add(p);
            }
        }
        return out;
    }

    /** Drops the facts of retired years from the heap, and from the stores with tombstones. */
    private void dropRetiredYears(Map<String, PlanCatalog.YearPlan> plans, Instant now) {
        List<Integer> gone = facts.keySet().stream().filter(y -> catalog.retired(y, now)).sorted().toList();
        for (int y : gone) {
            Facts.YearFacts f = facts.remove(y);
            int n = 0;
            for (Map.Entry<Stream, Map<String, Facts.FlowCell>> e : f.allFlows().entrySet()) {
                for (String cell : e.getValue().keySet()) {
                    String key = y + "/" + e.getKey().type() + "/" + cell;
                    dirtyFlows.remove(key);
                    flowStore.delete(key);
                    n++;
                }
            }
            for (Map.Entry<Stream, Map<String, Facts.ReportCell>> e : f.allReports().entrySet()) {
                for (String subject : e.getValue().keySet()) {
                    String key = y + "/" + e.getKey().type() + "/" + subject;
                    dirtyReports.remove(key);
                    reportStore.delete(key);
                    n++;
                }
            }
            queries.remove(y);
            overflowLog.keySet().removeIf(k -> k.contains("/" + y + "/"));
            for (String d : withFacts.getOrDefault(y, Map.of()).keySet()) {
                toAnnounce.remove(d + "/" + y);
                context.forward(new Record<>(d + "/" + y, new KpiOutput.Districts(null), now.toEpochMilli()));
            }
            withFacts.remove(y);
            updateUnplanned(List.of(y), plans, now);
            LOG.info("facts of {} dropped ({} flow cells and report subjects): neither {} nor {} is open any more", y, n,
                    y, y + 1);
        }
    }

    /** Every flow target of every plan in force as a query over its year's facts, and over the year before. */
    private void buildQueries(Map<String, PlanCatalog.YearPlan> plans) {
        long t0 = System.nanoTime();
        current.clear();
        previous.clear();
        queries.clear();
        int n = 0;
        for (PlanCatalog.YearPlan p : plans.values()) {
            if (!evaluatesHere(p) && !Districts.isAggregate(p.district())) {
                continue;
            }
            for (List<Target> targets : p.flowTargets().values()) {
                for (Target t : targets) {
                    current.put(p.district() + "/" + t.key(), query(t, p.year(), p.district()));
                    previous.put(p.district() + "/" + t.key(), query(t, p.year() - 1, p.district()));
                    n++;
                }
            }
        }
        LOG.debug("KPI stage: {} flow targets derived from their facts in {} ms", n, (System.nanoTime() - t0) / 1_000_000);
    }

    private Facts.Query query(Target t, int factYear, String planDistrict) {
        Facts.Query q = new Facts.Query(t, factYear, planDistrict);
        Facts.YearFacts f = facts.get(factYear);
        if (f != null) {
            q.recompute(f.flows(q.stream).values());
        }
        queries.computeIfAbsent(factYear, k -> new EnumMap<>(Stream.class))
                .computeIfAbsent(q.stream, k -> new ArrayList<>()).add(q);
        return q;
    }

    /** What a target's definition selects of one year's facts; null when it selects nothing. */
    private TargetData data(PlanCatalog.YearPlan p, Target t, Map<String, Facts.Query> queries, int factYear) {
        Source s = t.source();
        if (s.isRollup()) {
            return null;
        }
        if (s.stream().isFlow()) {
            Facts.Query q = queries.get(p.district() + "/" + t.key());
            return q == null ? null : q.toData();
        }
        String district = p.district();
        Facts.YearFacts f = facts.get(factYear);
        if (f == null) {
            return null;
        }
        String only = t.filter().get(Stream.DISTRICT);
        if (only != null) {
            // a filter on the district: that district's reports, if the plan takes them
            if (!Facts.takesReports(district, s.stream(), only)) {
                return null;
            }
            Facts.ReportCell c = f.reports(s.stream()).get(Facts.subjectKey(only, t.id()));
            return c == null ? null : c.toData();
        }
        if (s == Source.PROJECT_PROGRESS && Districts.isAggregate(district)) {
            // an aggregate plan's project: its reports in every district the plan covers, added (CONTRACT 1b)
            TargetData sum = null;
            for (Map.Entry<String, Facts.ReportCell> e : f.reports(s.stream()).entrySet()) {
                if (Facts.subjectOf(e.getKey()).equals(t.id())
                        && Districts.covers(district, Facts.districtOf(e.getKey()))) {
                    sum = sum == null ? e.getValue().toData() : sum.plus(e.getValue().toData());
                }
            }
            return sum;
        }
        // a district's project, and any plan's indicator: the reports filed under the plan's own code
        Facts.ReportCell c = f.reports(s.stream()).get(Facts.subjectKey(district, t.id()));
        return c == null ? null : c.toData();
    }

    /** The districts with facts (flows or reports) of a year here that a code covers, in code order. */
    private List<String> districtsWithFacts(int y, String covering) {
        return withFacts.getOrDefault(y, Map.of()).keySet().stream().filter(d -> Districts.covers(covering, d))
                .toList();
    }

    /** The targets of a plan with these ids, and every target they roll up into. */
    private static Set<String> withParents(PlanCatalog.YearPlan p, Set<String> ids) {
        Set<String> out = new HashSet<>();
        for (String id : ids) {
            Target t = p.byId().get(id);
            while (t != null && out.add(t.id())) {
                t = t.parent() == null ? null : p.byId().get(t.parent());
            }
        }
        return out;
    }

    /**
     * Evaluates a district's plan: every target ({@code only} null), or only the targets whose facts changed and
     * their parents, the others' rollups kept as the last round left them (their KPIs, unchanged, are not published
     * again; every target is evaluated again on the clock's tick).
     */
    private void evaluate(PlanCatalog.YearPlan p, Instant now, Set<String> only) {
        Map<String, TargetData> data = new HashMap<>();
        Map<String, TargetData> lastYear = new HashMap<>();
        Map<String, KpiEngine.Rolled> rolled = new HashMap<>();
        if (only != null) {
            rolled.putAll(rolledByPlan.get(p.key()));
            rolled.keySet().removeAll(only);
        }
        for (Target t : p.targets()) {
            if (only != null && !only.contains(t.id())) {
                continue;
            }
            TargetData d = data(p, t, current, p.year());
            if (d != null) {
                data.put(t.id(), d);
            }
            TargetData l = data(p, t, previous, p.year() - 1);
            if (l != null) {
                lastYear.put(t.id(), l);
            }
        }
        Map<String, Kpi> kpis = KpiEngine.evaluate(p.targets(), data, lastYear, now, Map.of(), rolled, only);
        rolledByPlan.put(p.key(), rolled);
        published.publish(p, kpis, now, Map.of(), Map.of());
    }

    /**
     * Sends the aggregate stage what this partition contributes to an aggregate plan: per target, what it selects
     * of the facts here (this year and last), and for {@code districts:} targets the roll-ups of the plans of the
     * covered districts evaluated here. Only the targets whose part changed since the last send, unless the plan's
     * version changed (or nothing was sent since this task started): then all of them.
     */
    private void contribute(PlanCatalog.YearPlan a, Collection<PlanCatalog.YearPlan> plans, Instant now) {
        List<TargetPart> parts = new ArrayList<>(a.targets().size());
        for (Target t : a.targets()) {
            List<DistrictPart> ds = t.source() == Source.DISTRICTS ? districtParts(a, t, plans) : List.of();
            parts.add(new TargetPart(t.id(), Contributions.part(data(a, t, current, a.year())),
                    Contributions.part(data(a, t, previous, a.year() - 1)), ds));
        }
        List<String> districts = districtsWithFacts(a.year(), a.district());
        String version = a.version().version();
        Sent before = sent.get(a.key());
        boolean full = before == null || !version.equals(before.version());
        Map<String, TargetPart> after = full ? new HashMap<>() : before.parts();
        List<TargetPart> changed = new ArrayList<>();
        for (TargetPart part : parts) {
            if (!part.equals(after.put(part.getId(), part))) {
                changed.add(part);
            }
        }
        if (!full && changed.isEmpty() && districts.equals(before.withFacts())) {
            return;
        }
        KpiContribution c = KpiContribution.newBuilder().setPlan(a.key()).setVersion(version).setSource(partition)
                .setPartitions(partitions).setFull(full).setDistrictsWithFacts(districts).setTargets(changed).build();
        String province = Districts.province(a.district());
        context.forward(new Record<>(province, new KpiOutput.Contribution(province, c), now.toEpochMilli()));
        sent.put(a.key(), new Sent(version, after, districts));
    }

    /** The roll-ups of a districts: target's target in the plans evaluated here of the districts the aggregate covers. */
    private List<DistrictPart> districtParts(PlanCatalog.YearPlan a, Target t, Collection<PlanCatalog.YearPlan> plans) {
        String ref = t.sourceTarget();
        List<DistrictPart> out = new ArrayList<>();
        for (PlanCatalog.YearPlan q : plans) {
            if (q.year() == a.year() && evaluatesHere(q) && Districts.covers(a.district(), q.district())) {
                Map<String, KpiEngine.Rolled> r = rolledByPlan.get(q.key());
                KpiEngine.Rolled roll = r == null ? null : r.get(ref);
                if (roll != null) {
                    out.add(Contributions.part(q.district(), roll,
                            published.get(q.district() + "/" + q.year() + "/" + ref)));
                }
            }
        }
        out.sort(java.util.Comparator.comparing(DistrictPart::getDistrict));
        return out;
    }

    /** Publishes the changed report subjects that no target of their year's plan names (or no plan at all). */
    private void updateUnplanned(Set<String> subjects, Map<String, PlanCatalog.YearPlan> plans, Instant now) {
        for (String key : subjects) {
            String[] k = key.split("/", 3);
            int y = Integer.parseInt(k[0]);
            Stream s = Stream.fromType(k[1]);
            Facts.ReportCell cell = facts.get(y).reports(s).get(k[2]);
            if (planned(plansOf(y, plans), s, k[2])) {
                continue; // planned (a subject never leaves the unplanned list but by a new plan version)
            }
            UnplannedSubject v = unplannedOf(y, s, k[2], cell);
            String out = unplannedKey(v);
            if (!v.equals(unplanned.get(out))) {
                unplanned.put(out, v);
                unplannedStore.put(out, v);
                context.forward(new Record<>(out, new KpiOutput.Unplanned(v), now.toEpochMilli()));
            }
        }
    }

    /** The key of an unplanned subject on planpulse.unplanned: district/year/stream/subject. */
    private static String unplannedKey(UnplannedSubject u) {
        return u.getDistrict() + "/" + u.getYear() + "/" + u.getStream() + "/" + u.getSubject();
    }

    /**
     * Whether a target of the plan names a report subject (district and id) with the subject's source: a project
     * reported in any district the plan covers, an indicator only under the plan's own code (CONTRACT section 1b).
     */
    private static boolean planned(List<PlanCatalog.YearPlan> plans, Stream s, String subjectKey) {
        String id = Facts.subjectOf(subjectKey);
        String d = Facts.districtOf(subjectKey);
        for (PlanCatalog.YearPlan p : plans) {
            Target t = p.byId().get(id);
            if (t == null) {
                continue;
            }
            Source source = s == Stream.PROJECT_PROGRESS ? Source.PROJECT_PROGRESS : Source.INDICATOR_REPORT;
            if (t.source() == source && Facts.takesReports(p.district(), s, d)) {
                return true;
            }
        }
        return false;
    }

    private static UnplannedSubject unplannedOf(int y, Stream s, String subjectKey, Facts.ReportCell cell) {
        int m = cell.lastMonth();
        return UnplannedSubject.newBuilder().setYear(y).setStream(s.type()).setSubject(Facts.subjectOf(subjectKey))
                .setDistrict(Facts.districtOf(subjectKey)).setReports(cell.reports)
                .setLastPeriod(m == 0 ? "" : YearMonth.of(y, m).toString()).build();
    }

    /**
     * Publishes, for the given years, the report subjects that no target of the year's plan names (every subject,
     * when the year has no plan), and removes the ones a plan now names.
     */
    private void updateUnplanned(Collection<Integer> years, Map<String, PlanCatalog.YearPlan> plans, Instant now) {
        for (int y : new TreeSet<>(years)) {
            Facts.YearFacts f = facts.get(y);
            List<PlanCatalog.YearPlan> p = plansOf(y, plans);
            Map<String, UnplannedSubject> want = new HashMap<>();
            if (f != null) {
                for (Stream s : REPORT_STREAMS) {
                    for (Map.Entry<String, Facts.ReportCell> e : f.reports(s).entrySet()) {
                        if (planned(p, s, e.getKey())) {
                            continue;
                        }
                        UnplannedSubject u = unplannedOf(y, s, e.getKey(), e.getValue());
                        want.put(unplannedKey(u), u);
                    }
                }
            }
            // (keys written before districts, year/stream/subject, are among the gone ones: tombstoned)
            List<String> gone = new ArrayList<>();
            for (Map.Entry<String, UnplannedSubject> e : unplanned.entrySet()) {
                if (e.getValue().getYear() == y && !want.containsKey(e.getKey())) {
                    gone.add(e.getKey());
                }
            }
            for (String k : gone) {
                unplanned.remove(k);
                unplannedStore.delete(k);
                context.forward(new Record<>(k, new KpiOutput.Unplanned(null), now.toEpochMilli()));
            }
            want.forEach((k, v) -> {
                if (!v.equals(unplanned.get(k))) {
                    unplanned.put(k, v);
                    unplannedStore.put(k, v);
                    context.forward(new Record<>(k, new KpiOutput.Unplanned(v), now.toEpochMilli()));
                }
            });
        }
    }
}
