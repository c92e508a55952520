package io.planpulse.plan;

import io.planpulse.base.Topics;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the global plan store in step with planpulse.plan. The catalogue is rebuilt for a year only when a
 * version's manifest arrives (it is written last in plan load's transaction), so a half-read version is never
 * applied; records of plans published before versions existed rebuild their year at once.
 */
public final class PlanStoreUpdater implements Processor<String, byte[], Void, Void> {
    private final PlanCatalog catalog;
    private KeyValueStore<String, byte[]> store;

    public PlanStoreUpdater(PlanCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(Topics.PLAN_STORE);
        catalog.rebuildAll(store);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        String key = record.key();
        if (key == null) {
            return;
        }
        if (record.value() == null) {
            store.delete(key);
        } else {
            store.put(key, record.value());
        }
        boolean manifest = key.contains(PlanCatalog.MANIFEST);
        boolean legacy = !manifest && !key.contains(PlanCatalog.TARGETS);
        if ((manifest && record.value() != null) || legacy) {
            catalog.rebuildFor(store, key); // nothing for a key that names no district and year
        }
    }
}
