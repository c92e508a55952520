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
     * Forgets the KPIs whose key {@code gone} accepts: a target no longer in its plan leaves the KPI table
     * ({@code tombstone}: a tombstone on planpulse.kpi, and so the boards); a KPI another stage publishes now is only
     * forgotten here.
     */
    void removeIf(Predicate<String> gone, Predicate<String> tombstone, Instant now) {
        List<String> keys = new ArrayList<>();
        for (String key : published.keySet()) {
            if (gone.test(key)) {
                keys.add(key);
            }
        }
        for (String key : keys) {
            published.remove(key);
            store.delete(key);
            if (tombstone.test(key)) {
                context.forward(new Record<>(key, new KpiOutput.Snapshot(null), now.toEpochMilli()));
            }
        }
    }
}
