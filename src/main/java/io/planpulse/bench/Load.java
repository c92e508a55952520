package io.planpulse.bench;

import io.planpulse.app.SimulatedFeed;
import io.planpulse.app.TopicAdmin;
import io.planpulse.events.JsonEvents;
import io.planpulse.plan.Plan;
import io.planpulse.simulate.Simulator;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The input the runs measure, produced before them (measured only as the time it takes): planpulse's topics, and
 * a realistic mix of flow events spread over 2025, as Avro and again as JSON.
 */
final class Load {
    private static final List<Header> JSON = List.of(new RecordHeader("content-type",
            "application/json".getBytes(StandardCharsets.UTF_8)));

    private Load() {
    }

    /** planpulse's topics, the inputs with {@code partitions} partitions (those that exist are left as they are). */
    static void createTopics(Map<String, Object> clients, int partitions) throws Exception {
        TopicAdmin.ensureTopics(clients, partitions, 0);
    }

    /** {@code n} events spread over 2025, unique ids, Avro single-object encoding. */
    static void produce(Map<String, Object> clients, Plan plan, long n) {
        produce(clients, plan, n, SimulatedFeed::send);
    }

    /** The same events as {@link #produce} (same seed, same times), as JSON values with a content-type header. */
    static void produceJson(Map<String, Object> clients, Plan plan, long n) {
        produce(clients, plan, n, (p, e) -> {
            byte[] value = JsonEvents.toJson(e.stream(), e.value(), false).toString().getBytes(StandardCharsets.UTF_8);
            p.send(new ProducerRecord<>(e.stream().topic(), null, e.key().getBytes(StandardCharsets.UTF_8), value, JSON));
        });
    }

    private static void produce(Map<String, Object> clients, Plan plan, long n,
                                BiConsumer<KafkaProducer<byte[], byte[]>, JsonEvents.Event> send) {
        Simulator sim = new Simulator(plan, 42);
        long start = Instant.parse("2025-01-01T00:00:00Z").toEpochMilli();
        long step = Math.max(1, (Instant.parse("2025-11-30T00:00:00Z").toEpochMilli() - start) / Math.max(n, 1));
        try (KafkaProducer<byte[], byte[]> p = producer(clients)) {
            for (long i = 0; i < n; i++) {
                send.accept(p, sim.live(Instant.ofEpochMilli(start + i * step)));
            }
        }
    }

    /** The bench's producer: acks all, large lz4 batches. */
    static KafkaProducer<byte[], byte[]> producer(Map<String, Object> clients) {
        Map<String, Object> c = new HashMap<>(clients);
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        c.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(512 * 1024));
        c.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        return new KafkaProducer<>(c, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
