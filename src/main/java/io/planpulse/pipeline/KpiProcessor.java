package io.planpulse.pipeline;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.planpulse.avro.KpiSnapshot;
import io.planpulse.avro.StatusChange;
import io.planpulse.avro.internal.KpiInput;
import io.planpulse.avro.internal.ReportState;
import io.planpulse.avro.internal.TargetState;
import io.planpulse.kpi.Kpi;
import io.planpulse.kpi.KpiEngine;
import io.planpulse.kpi.TargetData;
import io.planpulse.plan.Source;
import io.planpulse.plan.Target;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The KPI stage (one partition, so it sees every target of every year): applies flow deltas and report upserts to
 * the per-target monthly state, and on a wall-clock punctuator evaluates the plan years that changed, publishing a
 * snapshot for every target whose figures moved and a status change for every status that did. Every year is also
 * re-evaluated as the clock moves ({@code clockTick}), so statuses and {@code overdue} change with no event.
 */
final class KpiProcessor implements Processor<String, KpiInput, String, Routed> {
    private final PlanCatalog catalog;
    private final MeterRegistry registry;
    private final Clock clock;
    private final Duration evaluateInterval;
    private final Duration clockTick;
    private ProcessorContext<String, Routed> context;
    private KeyValueStore<String, TargetState> state;
    private KeyValueStore<String, ReportState> reports;
    private KeyValueStore<String, KpiSnapshot> last;
    private PlanCatalog.Index plan;
    private final Set<Integer> dirty = new HashSet<>();
    private boolean evaluateAll = true;
    private long lastFullEvaluation = Long.MIN_VALUE;
    private Counter staleReports;
    private Counter evaluations;

    KpiProcessor(PlanCatalog catalog, MeterRegistry registry, Clock clock, Duration evaluateInterval, Duration clockTick) {
        this.catalog = catalog;
        this.registry = registry;
        this.clock = clock;
        this.evaluateInterval = evaluateInterval;
        this.clockTick = clockTick;
    }

    @Override
    public void init(ProcessorContext<String, Routed> context) {
        this.context = context;
        this.state = context.getStateStore(Topics.TARGET_STATE_STORE);
        this.reports = context.getStateStore(Topics.REPORT_STATE_STORE);
        this.last = context.getStateStore(Topics.KPI_LAST_STORE);
        ReadOnlyKeyValueStore<String, byte[]> planStore = context.getStateStore(Topics.PLAN_STORE);
        this.plan = catalog.index(planStore);
        this.staleReports = Counter.builder("planpulse.reports.superseded")
                .description("Reports older than the report in force for their month (changed nothing)")
                .register(registry);
        this.evaluations = Counter.builder("planpulse.kpi.evaluations")
                .description("Evaluation rounds of the KPI stage").register(registry);
        context.schedule(evaluateInterval, PunctuationType.WALL_CLOCK_TIME, t -> evaluate());
    }

    @Override
    public void process(Record<String, KpiInput> record) {
        KpiInput in = record.value();
        if (in == null) {
            return;
        }
        String key = in.getYear() + "/" + in.getTargetId();
        int m = in.getMonth() - 1;
        TargetState s = state.get(key);
        if (s == null) {
            s = Snapshots.emptyState();
        }
        if (in.getReport()) {
            String rkey = key + "/" + in.getMonth();
            ReportState cur = reports.get(rkey);
            if (cur != null && cur.getReportedAt() >= in.getReportedAt()) {
                staleReports.increment();
                return;
            }
            reports.put(rkey, new ReportState(in.getReportedAt(), in.getAmount(), in.getReportId()));
            s.getMonths().set(m, in.getAmount());
        } else {
            s.getMonths().set(m, new BigDecimal(s.getMonths().get(m)).add(new BigDecimal(in.getAmount())).toPlainString());
        }
        s.getReported().set(m, true);
        s.setEvents(s.getEvents() + in.getCount());
        s.setLastEventAt(Math.max(s.getLastEventAt(), in.getLastEventAt()));
        state.put(key, s);
        dirty.add(in.getYear());
    }

    private void evaluate() {
        Instant now = clock.instant();
        boolean planChanged = plan.refresh();
        boolean tick = now.toEpochMilli() - lastFullEvaluation >= clockTick.toMillis();
        if (planChanged || tick || evaluateAll) {
            for (PlanCatalog.YearPlan y : plan.years()) {
                evaluate(y, now);
            }
            removeTargetsNotIn(plan.years(), now);
            lastFullEvaluation = now.toEpochMilli();
            evaluateAll = false;
        } else {
            for (Integer y : dirty) {
                PlanCatalog.YearPlan p = plan.year(y);
                if (p != null) {
                    evaluate(p, now);
                }
            }
        }
        dirty.clear();
        evaluations.increment();
    }

    private void evaluate(PlanCatalog.YearPlan year, Instant now) {
        Map<String, TargetData> data = new HashMap<>();
        for (Target t : year.targets()) {
            if (t.source() != Source.CHILDREN) {
                TargetState s = state.get(t.key());
                if (s != null) {
                    data.put(t.id(), Snapshots.toData(s));
                }
            }
        }
        Map<String, Kpi> kpis = KpiEngine.evaluate(year.targets(), data, now);
        for (Kpi k : kpis.values()) {
            String key = k.plan().key();
            KpiSnapshot next = Snapshots.toAvro(k, now);
            KpiSnapshot prev = last.get(key);
            if (Snapshots.sameFigures(next, prev)) {
                continue;
            }
            last.put(key, next);
            context.forward(new Record<>(key, new Routed(Topics.KPI, next), now.toEpochMilli()));
            if (prev == null || !prev.getStatus().equals(next.getStatus())) {
                StatusChange change = StatusChange.newBuilder().setYear(next.getYear()).setId(next.getId())
                        .setFrom(prev == null ? null : prev.getStatus()).setTo(next.getStatus()).setAt(now)
                        .setGap(next.getGap()).setCompletion(next.getCompletion()).setExpected(next.getExpected())
                        .setOverdue(next.getOverdue()).build();
                context.forward(new Record<>(key, new Routed(Topics.STATUS_CHANGES, change), now.toEpochMilli()));
            }
        }
    }

    /** A target no longer in the plan leaves the KPI table (tombstone), and so the boards. */
    private void removeTargetsNotIn(Iterable<PlanCatalog.YearPlan> years, Instant now) {
        Set<String> live = new HashSet<>();
        for (PlanCatalog.YearPlan y : years) {
            y.targets().forEach(t -> live.add(t.key()));
        }
        List<String> gone = new ArrayList<>();
        try (KeyValueIterator<String, KpiSnapshot> it = last.all()) {
            while (it.hasNext()) {
                KeyValue<String, KpiSnapshot> kv = it.next();
                if (!live.contains(kv.key)) {
                    gone.add(kv.key);
                }
            }
        }
        for (String key : gone) {
            last.delete(key);
            context.forward(new Record<>(key, new Routed(Topics.KPI, null), now.toEpochMilli()));
        }
    }
}
