package io.planpulse.app;

import io.planpulse.base.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Creates the topics of planpulse that do not exist yet (the plan and KPI topics compacted), and reads a topic
 * through to its end.
 */
public final class TopicAdmin {
    private TopicAdmin() {
    }

    public static void ensureTopics(Map<String, Object> clientConfig, int partitions, int replication)
            throws InterruptedException, ExecutionException {
        try (Admin admin = Admin.create(clientConfig)) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = new ArrayList<>();
            Optional<Short> rf = replication <= 0 ? Optional.empty() : Optional.of((short) replication);
            for (String t : Topics.ALL) {
                if (existing.contains(t)) {
                    continue;
                }
                boolean compacted = Topics.COMPACTED.contains(t);
                NewTopic nt = new NewTopic(t, Optional.of(compacted ? 1 : partitions), rf);
                if (compacted) {
                    nt.configs(Map.of("cleanup.policy", "compact"));
                }
                missing.add(nt);
            }
            if (missing.isEmpty()) {
                return;
            }
            try {
                admin.createTopics(missing).all().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
    }

    /**
     * A compacted topic as a table: for each key that {@code keys} accepts, its latest value decoded with
     * {@code codec}; a tombstone, or a value that does not decode, removes the key.
     */
    public static <T extends org.apache.avro.specific.SpecificRecord> Map<String, T> readTable(
            Map<String, Object> clientConfig, String topic, java.util.function.Predicate<String> keys,
            io.planpulse.base.AvroCodec<T> codec) {
        Map<String, T> out = new HashMap<>();
        readAll(clientConfig, topic, new org.apache.kafka.common.serialization.ByteArrayDeserializer(), r -> {
            if (r.key() == null || !keys.test(r.key())) {
                return;
            }
            if (r.value() == null) {
                out.remove(r.key());
                return;
            }
            try {
                out.put(r.key(), codec.decode(r.value()));
            } catch (java.io.IOException | RuntimeException e) {
                out.remove(r.key());
            }
        });
        return out;
    }

    /** Hands every committed record of {@code topic}, from its start to its end as of now, to {@code action}. */
    public static <V> void readAll(Map<String, Object> clientConfig, String topic, Deserializer<V> values,
                                   Consumer<ConsumerRecord<String, V>> action) {
        Map<String, Object> c = new HashMap<>(clientConfig);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(c, new StringDeserializer(), values)) {
            List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                consumer.poll(Duration.ofMillis(200)).forEach(action);
            }
        }
    }
}
