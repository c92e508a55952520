package io.planpulse.app;

import io.planpulse.base.Topics;
import io.planpulse.plan.Plan;
import io.planpulse.plan.PlanPublisher;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;

/**
 * Publishes a validated plan to planpulse.plan in one transaction, as a new version of its year: every target, the
 * version's manifest, and tombstones for older versions beyond the few kept (see PlanPublisher, PlanCatalog).
 */
public final class PlanLoad {
    private PlanLoad() {
    }

    /** What a plan load published: the new version's id, its targets, and the records of older versions removed. */
    public record Published(String version, int targets, int removed) {
    }

    public static Published publish(Plan plan, Map<String, Object> clientConfig) {
        return publish(plan, clientConfig, null);
    }

    /** A plan of the default district's deployment (planpulse.district unset) when it names no district. */
    public static Published publish(Plan plan, Map<String, Object> clientConfig, String source) {
        return publish(plan, clientConfig, source, io.planpulse.base.Districts.DEFAULT);
    }

    /**
     * Publishes the plan as a new version of its district's year (see PlanPublisher); {@code source} names the file
     * for {@code GET /api/plans}; a plan that names no district is {@code deployment}'s (planpulse.district).
     */
    public static Published publish(Plan plan, Map<String, Object> clientConfig, String source, String deployment) {
        return publishAll(List.of(plan), clientConfig, source, deployment).get(0);
    }

    /**
     * Publishes several plans (a city's districts') in one transaction, each as a new version of its district's year,
     * reading planpulse.plan once; returns what each published, in order.
     */
    public static List<Published> publishAll(List<Plan> plans, Map<String, Object> clientConfig, String source,
                                             String deployment) {
        Map<String, byte[]> existing = current(clientConfig);
        Instant loadedAt = Instant.now();
        List<Published> out = new java.util.ArrayList<>();
        Map<String, Object> p = new HashMap<>(clientConfig);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "planpulse-plan-load-" + UUID.randomUUID());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            for (Plan plan : plans) {
                String version = PlanPublisher.newVersion(loadedAt);
                int removed = 0;
                for (KeyValue<String, byte[]> kv : PlanPublisher.records(plan.inDistrict(deployment), existing, version,
                        loadedAt, source, deployment)) {
                    producer.send(new ProducerRecord<>(Topics.PLAN.name(), kv.key, kv.value));
                    if (kv.value == null) {
                        removed++;
                    }
                }
                out.add(new Published(version, plan.targets().size(), removed));
            }
            producer.commitTransaction();
        }
        return out;
    }

    /** The records planpulse.plan holds now (a tombstone removes one). */
    static Map<String, byte[]> current(Map<String, Object> clientConfig) {
        Map<String, byte[]> out = new HashMap<>();
        TopicAdmin.readAll(clientConfig, Topics.PLAN.name(), new ByteArrayDeserializer(), r -> {
            if (r.value() == null) {
                out.remove(r.key());
            } else {
                out.put(r.key(), r.value());
            }
        });
        return out;
    }
}
