package io.planpulse.cli;

import io.planpulse.pipeline.PlanPublisher;
import io.planpulse.pipeline.Topics;
import io.planpulse.plan.Plan;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;

/**
 * Publishes a validated plan to planpulse.plan in one transaction: every target, and a tombstone for each target of
 * the same year that the topic has and the plan no longer does.
 */
public final class PlanLoad {
    private PlanLoad() {
    }

    /** @return the number of targets published and removed */
    public static int[] publish(Plan plan, Map<String, Object> clientConfig) {
        Set<String> existing = currentKeys(clientConfig);
        List<KeyValue<String, byte[]>> records = PlanPublisher.records(plan, existing);
        Map<String, Object> p = new HashMap<>(clientConfig);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "planpulse-plan-load-" + UUID.randomUUID());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        int removed = 0;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            for (KeyValue<String, byte[]> kv : records) {
                producer.send(new ProducerRecord<>(Topics.PLAN, kv.key, kv.value));
                if (kv.value == null) {
                    removed++;
                }
            }
            producer.commitTransaction();
        }
        return new int[] {records.size() - removed, removed};
    }

    /** The keys planpulse.plan holds now (a tombstone removes one). */
    static Set<String> currentKeys(Map<String, Object> clientConfig) {
        Set<String> keys = new HashSet<>();
        TopicAdmin.readAll(clientConfig, Topics.PLAN, new ByteArrayDeserializer(), r -> {
            if (r.value() == null) {
                keys.remove(r.key());
            } else {
                keys.add(r.key());
            }
        });
        return keys;
    }
}
