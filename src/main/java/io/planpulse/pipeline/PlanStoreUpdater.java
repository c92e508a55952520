package io.planpulse.pipeline;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/** Keeps the global plan store in step with planpulse.plan and tells the catalogue that it moved. */
final class PlanStoreUpdater implements Processor<String, byte[], Void, Void> {
    private final PlanCatalog catalog;
    private KeyValueStore<String, byte[]> store;

    PlanStoreUpdater(PlanCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(Topics.PLAN_STORE);
        catalog.changed();
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            store.delete(record.key());
        } else {
            store.put(record.key(), record.value());
        }
        catalog.changed();
    }
}
