package io.planpulse.serve;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.planpulse.avro.KpiSnapshot;
import io.planpulse.pipeline.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Properties;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every instance's copy of the KPI table: it reads the whole compacted topic planpulse.kpi (committed records only)
 * from the beginning, without a consumer group, so any instance answers any query with the same figures. It feeds
 * the HTTP API and the KPI gauges, and measures freshness (record timestamp of the newest event reflected → now).
 */
public final class KpiView implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KpiView.class);

    private final NavigableMap<String, KpiSnapshot> table = new ConcurrentSkipListMap<>();
    private final KafkaConsumer<String, byte[]> consumer;
    private final KpiGauges gauges;
    private final Timer latency;
    private final Counter updates;
    private final Thread thread;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private volatile Map<TopicPartition, Long> positions = Map.of();

    public KpiView(Map<String, Object> clientConfig, MeterRegistry registry) {
        Properties p = new Properties();
        p.putAll(clientConfig);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        gauges = new KpiGauges(registry);
        latency = Timer.builder("planpulse.processing.latency")
                .description("Kafka timestamp of the newest event reflected in a KPI -> the KPI update seen here")
                .publishPercentiles(0.5, 0.99).register(registry);
        updates = Counter.builder("planpulse.kpi.updates").description("KPI snapshots received").register(registry);
        thread = new Thread(this::loop, "planpulse-kpi-view");
        thread.setDaemon(true);
    }

    public KpiView start() {
        thread.start();
        return this;
    }

    private void loop() {
        try {
            List<TopicPartition> parts = consumer.partitionsFor(Topics.KPI).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    apply(r);
                }
                Map<TopicPartition, Long> pos = new java.util.HashMap<>();
                for (TopicPartition tp : parts) {
                    pos.put(tp, consumer.position(tp));
                }
                positions = pos;
            }
        } catch (WakeupException e) {
            if (running.get()) {
                throw e;
            }
        } catch (RuntimeException e) {
            LOG.error("KPI view stopped", e);
        } finally {
            consumer.close();
        }
    }

    private void apply(ConsumerRecord<String, byte[]> r) {
        if (r.key() == null) {
            return;
        }
        if (r.value() == null) {
            table.remove(r.key());
            gauges.update(r.key(), null);
            return;
        }
        KpiSnapshot s;
        try {
            s = Topics.KPI_SNAPSHOT.decode(r.value());
        } catch (Exception e) {
            LOG.error("skipping KPI record {} that does not decode: {}", r.key(), e.toString());
            return;
        }
        KpiSnapshot prev = table.put(r.key(), s);
        gauges.update(r.key(), s);
        updates.increment();
        if (s.getLastEventAt() != null && (prev == null || prev.getLastEventAt() == null
                || s.getLastEventAt().isAfter(prev.getLastEventAt()))) {
            long ms = System.currentTimeMillis() - s.getLastEventAt().toEpochMilli();
            latency.record(Duration.ofMillis(Math.max(0, ms)));
        }
    }

    /** Consumed positions of planpulse.kpi, for waiting until the view has caught up. */
    public Map<TopicPartition, Long> positions() {
        return positions;
    }

    public List<KpiSnapshot> all() {
        return new ArrayList<>(table.values());
    }

    public KpiSnapshot get(int year, String id) {
        return table.get(year + "/" + id);
    }

    public int size() {
        return table.size();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        consumer.wakeup();
        thread.join(5000);
    }
}
