package io.planpulse.kpistage;

import io.planpulse.avro.DistrictFigure;
import io.planpulse.avro.KpiSnapshot;
import io.planpulse.avro.StatusChange;
import io.planpulse.kpi.Kpi;
import io.planpulse.plan.PlanCatalog;
import io.planpulse.plan.Source;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The snapshots a stage last published (key district/year/id), on the heap and in its store: a KPI is published when
 * its figures move, with a status change when its status does. The KPI stage and the aggregate stage each keep their
 * own (a district's KPIs and an aggregate plan's).
 */
final class Published {
    private final ProcessorContext<String, KpiOutput> context;
    private final KeyValueStore<String, KpiSnapshot> store;
    private final Map<String, KpiSnapshot> published = new HashMap<>();

    Published(ProcessorContext<String, KpiOutput> context, KeyValueStore<String, KpiSnapshot> store) {
        this.context = context;
        this.store = store;
        try (KeyValueIterator<String, KpiSnapshot> it = store.all()) {
            it.forEachRemaining((KeyValue<String, KpiSnapshot> kv) -> published.put(kv.key, kv.value));
        }
    }

    KpiSnapshot get(String key) {
        return published.get(key);
    }

    /**
     * Publishes a plan's KPIs whose figures moved (and their status changes); {@code figures} and {@code missing}
     * are the details of its districts: targets, by id.
     */
    void publish(PlanCatalog.YearPlan p, Map<String, Kpi> kpis, Instant now, Map<String, List<DistrictFigure>> figures,
                 Map<String, List<String>> missing) {
        String version = p.version().version();
        int size = p.targets().size();
        for (Kpi k : kpis.values()) {
            String key = p.district() + "/" + k.plan().key();
            KpiSnapshot next = Snapshots.toAvro(k, now, version, size);
            next.setDistrict(p.district());
            next.setDistrictName(p.districtName());
            if (k.plan().source() == Source.DISTRICTS) {
                next.setDistricts(figures.get(k.plan().id()));
                next.setMissingDistricts(missing.get(k.plan().id()));
            }
            KpiSnapshot prev = published.get(key);
            if (Snapshots.sameFigures(next, prev)) {
                continue;
            }
            published.put(key, next);
            store.put(key, next);
            context.forward(new Record<>(key, new KpiOutput.Snapshot(next), now.toEpochMilli()));
            if (prev == null || !prev.getStatus().equals(next.getStatus())) {
                StatusChange change = StatusChange.newBuilder().setDistrict(p.district()).setYear(next.getYear())
                        .setId(next.getId())
                        .setFrom(prev == null ? null : prev.getStatus()).setTo(next.getStatus()).setAt(now)
                        .setGap(next.getGap()).setCompletion(next.getCompletion()).setExpected(next.getExpected())
                        .setOverdue(next.getOverdue()).build();
                context.forward(new Record<>(key, new KpiOutput.Change(change), now.toEpochMilli()));
            }
        }
    }

    /**
     * Forgets the KPIs of targets no longer in their plan, with a tombstone on planpulse.kpi (and so off the boards;
     * a key written before districts, year/id, is gone too: the KPI is published under its new key); and, with no
     * tombstone, the KPIs of plans that {@code evaluatedHere} says another stage or task publishes now.
     */
    void removeNotIn(Map<String, PlanCatalog.YearPlan> plans, Predicate<PlanCatalog.YearPlan> evaluatedHere,
                     Instant now) {
        List<String> gone = new ArrayList<>();
        List<String> moved = new ArrayList<>();
        for (String key : published.keySet()) {
            String[] k = key.split("/", 3);
            PlanCatalog.YearPlan p = k.length == 3 ? plans.get(k[0] + "/" + k[1]) : null;
            if (p == null || !p.byId().containsKey(k[2])) {
                gone.add(key);
            } else if (!evaluatedHere.test(p)) {
                moved.add(key);
            }
        }
        for (String key : moved) {
            published.remove(key);
            store.delete(key);
        }
        for (String key : gone) {
            published.remove(key);
            store.delete(key);
            context.forward(new Record<>(key, new KpiOutput.Snapshot(null), now.toEpochMilli()));
        }
    }
}
