package io.planpulse.serve;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.planpulse.avro.KpiSnapshot;
import io.planpulse.base.Topics;
import java.time.Duration;
import io.planpulse.avro.UnplannedSubject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
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
 * Every instance's copy of the KPI table: it reads the whole compacted topics planpulse.kpi and planpulse.unplanned
 * (committed records only) from the beginning, without a consumer group, so any instance answers any query with the
 * same figures. It feeds the HTTP API and the gauges, and measures freshness (record timestamp of the newest event
 * reflected → now).
 *
 * <p>Plan versions are atomic here too (CONTRACT section 2): a snapshot of a version other than the one the view
 * holds for its year is staged until every target of that version ({@code plan_size}) has arrived, then the year
 * switches to it in one step, under the write lock that every answer and every scrape reads under
 * ({@link #read}). So no answer or scrape mixes two versions of a year's plan, and targets the new version dropped
 * leave with the switch.
 */
public final class KpiView implements KpiTable, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KpiView.class);
    private static final List<String> TOPICS = List.of(Topics.KPI.name(), Topics.UNPLANNED.name(),
            Topics.DISTRICTS.name());

    private final NavigableMap<String, KpiSnapshot> table = new ConcurrentSkipListMap<>();
    private final NavigableMap<String, UnplannedSubject> unplanned = new ConcurrentSkipListMap<>();
    private final NavigableMap<String, io.planpulse.avro.DistrictFacts> districtFacts = new ConcurrentSkipListMap<>();
    /** Per year: the plan version the table holds. */
    private final Map<String, String> versions = new HashMap<>();
    /** Per year and version: snapshots of a version not yet complete. */
    private final Map<String, Map<String, Map<String, KpiSnapshot>>> staged = new HashMap<>();
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final KafkaConsumer<String, byte[]> consumer;
    private final KpiGauges gauges;
    private final UnplannedGauges unplannedGauges;
    private final Timer latency;
    private final Counter updates;
    private final Thread thread;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private volatile Map<TopicPartition, Long> positions = Map.of();
    /** Why the view stopped (its thread is gone), or null while it runs. */
    private volatile String failure;
    private volatile java.util.function.Consumer<String> onFailure = r -> { };
    /** When the view last reached end offsets it had read (wall clock, ms; 0: never). */
    private volatile long caughtUpAt;

    /** The deployment's district (planpulse.district): its unplanned-subject series exist from the start. */
    private final String district;

    public KpiView(Map<String, Object> clientConfig, MeterRegistry registry, String district) {
        this.district = district;
        Properties p = new Properties();
        p.putAll(clientConfig);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // The view only reads topics planpulse made; asking for a deleted one must not create it again (requireTopics).
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        gauges = new KpiGauges(registry, district);
        unplannedGauges = new UnplannedGauges(registry);
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
            List<TopicPartition> parts = new ArrayList<>();
            for (String topic : TOPICS) {
                consumer.partitionsFor(topic).forEach(i -> parts.add(new TopicPartition(i.topic(), i.partition())));
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> pendingEnds = null;
            long pendingAt = 0;
            long lastEndRead = 0;
            while (running.get()) {
                var records = consumer.poll(Duration.ofMillis(200));
                if (!records.isEmpty()) {
                    lock.writeLock().lock();
                    try {
                        for (ConsumerRecord<String, byte[]> r : records) {
                            if (r.topic().equals(Topics.UNPLANNED.name())) {
                                applyCompacted(r, unplanned, Topics.UNPLANNED_SUBJECT);
                            } else if (r.topic().equals(Topics.DISTRICTS.name())) {
                                applyCompacted(r, districtFacts, Topics.DISTRICT_FACTS);
                            } else {
                                apply(r);
                            }
                        }
                        Set<Integer> years = new TreeSet<>();
                        table.values().forEach(k -> years.add(k.getYear()));
                        unplanned.values().forEach(u -> years.add(u.getYear()));
                        Set<String> districts = new TreeSet<>();
                        districts.add(district);
                        unplanned.values().forEach(u -> districts.add(u.getDistrict()));
                        unplannedGauges.update(unplanned.values(), years, districts);
                    } finally {
                        lock.writeLock().unlock();
                    }
                }
                Map<TopicPartition, Long> pos = new java.util.HashMap<>();
                for (TopicPartition tp : parts) {
                    pos.put(tp, consumer.position(tp));
                }
                positions = pos;
                // caught up = the position has reached end offsets read at most a second or so before
                long now = System.currentTimeMillis();
                if (pendingEnds == null && now - lastEndRead >= 1000) {
                    requireTopics();
                    pendingEnds = consumer.endOffsets(parts); // read_committed: the last stable offsets
                    pendingAt = now;
                    lastEndRead = now;
                }
                if (pendingEnds != null && pendingEnds.entrySet().stream()
                        .allMatch(e -> pos.getOrDefault(e.getKey(), 0L) >= e.getValue())) {
                    caughtUpAt = pendingAt;
                    pendingEnds = null;
                }
            }
        } catch (WakeupException e) {
            if (running.get()) {
                died(e);
            }
        } catch (RuntimeException | Error e) {
            died(e);
        } finally {
            consumer.close();
        }
    }

    /**
     * A topic the view reads was deleted: the consumer retries its partitions without end, and the view only died a
     * minute later, of endOffsets' timeout, with a reason that did not say why. It stops at once instead, saying so.
     * Asks the cluster which topics exist (one metadata request): the consumer's own metadata for an assigned partition
     * keeps a deleted topic's last partitions.
     */
    private void requireTopics() {
        Set<String> existing;
        try {
            existing = consumer.listTopics(Duration.ofSeconds(2)).keySet();
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            return; // a broker that does not answer (a restart) is not a deleted topic: the next check asks again
        }
        for (String topic : TOPICS) {
            if (!existing.contains(topic)) {
                throw new IllegalStateException("topic " + topic + " no longer exists");
            }
        }
    }

    private void died(Throwable e) {
        LOG.error("KPI view stopped: the KPIs served here would be frozen", e);
        failure = "KPI view stopped: " + e;
        onFailure.accept(failure);
    }

    /** Calls {@code r} with the reason if the view's thread dies (the instance then fails /health and exits). */
    public void onFailure(java.util.function.Consumer<String> r) {
        this.onFailure = r;
        if (failure != null) {
            r.accept(failure);
        }
    }

    /** The view's thread runs (it has not died). */
    public boolean alive() {
        return failure == null && thread.isAlive();
    }

    /**
     * The view is alive and has read planpulse.kpi and planpulse.unplanned up to end offsets it read within
     * {@code maxAge}: what it serves is current.
     */
    public boolean caughtUp(Duration maxAge) {
        return alive() && System.currentTimeMillis() - caughtUpAt <= maxAge.toMillis();
    }

    /** A record of a compacted topic read into its map: a tombstone removes the key; one that does not decode is skipped. */
    private static <V extends org.apache.avro.specific.SpecificRecord> void applyCompacted(
            ConsumerRecord<String, byte[]> r, Map<String, V> into, io.planpulse.base.AvroCodec<V> codec) {
        if (r.key() == null) {
            return;
        }
        if (r.value() == null) {
            into.remove(r.key());
            return;
        }
        try {
            into.put(r.key(), codec.decode(r.value()));
        } catch (Exception e) {
            LOG.error("skipping {} record {} that does not decode: {}", r.topic(), r.key(), e.toString());
        }
    }

    private void apply(ConsumerRecord<String, byte[]> r) {
        if (r.key() == null) {
            return;
        }
        if (r.value() == null) {
            table.remove(r.key());
            gauges.update(r.key(), null);
            staged.values().forEach(byVersion -> byVersion.values().forEach(m -> m.remove(r.key())));
            return;
        }
        KpiSnapshot s;
        try {
            s = Topics.KPI_SNAPSHOT.decode(r.value());
        } catch (Exception e) {
            LOG.error("skipping KPI record {} that does not decode: {}", r.key(), e.toString());
            return;
        }
        updates.increment();
        if (s.getDistrict() == null) {
            // written before districts (key year/id): the deployment's; the KPI stage tombstones that key and
            // publishes the target under district/year/id
            s.setDistrict(district);
        }
        String plan = s.getDistrict() + "/" + s.getYear();
        String v = s.getPlanVersion();
        if (v == null || v.equals(versions.get(plan)) || s.getPlanSize() == null) {
            put(r.key(), s);
            return;
        }
        Map<String, KpiSnapshot> stage = staged.computeIfAbsent(plan, y -> new HashMap<>())
                .computeIfAbsent(v, k -> new HashMap<>());
        stage.put(r.key(), s);
        if (stage.size() >= s.getPlanSize()) {
            switchTo(plan, v, stage);
        }
    }

    /**
     * A district's year's plan version changes in one step: its old targets go, the new version's snapshots come.
     *
     * @param plan district/year
     */
    private void switchTo(String plan, String version, Map<String, KpiSnapshot> stage) {
        String prefix = plan + "/";
        List<String> old = new ArrayList<>();
        for (String k : table.subMap(prefix, prefix + "\uffff").keySet()) {
            if (!stage.containsKey(k)) {
                old.add(k);
            }
        }
        for (String k : old) {
            table.remove(k);
            gauges.update(k, null);
        }
        stage.forEach(this::put);
        versions.put(plan, version);
        staged.remove(plan);
    }

    private void put(String key, KpiSnapshot s) {
        KpiSnapshot prev = table.put(key, s);
        gauges.update(key, s);
        if (s.getLastEventAt() != null && (prev == null || prev.getLastEventAt() == null
                || s.getLastEventAt().isAfter(prev.getLastEventAt()))) {
            long ms = System.currentTimeMillis() - s.getLastEventAt().toEpochMilli();
            latency.record(Duration.ofMillis(Math.max(0, ms)));
        }
    }

    /**
     * Runs {@code action} while no plan version switch or KPI update can happen: every answer and scrape built
     * inside it sees one version of each year's plan.
     */
    @Override
    public <T> T read(Supplier<T> action) {
        lock.readLock().lock();
        try {
            return action.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Consumed positions of planpulse.kpi and planpulse.unplanned, for waiting until the view has caught up. */
    public Map<TopicPartition, Long> positions() {
        return positions;
    }

    @Override
    public List<KpiSnapshot> all() {
        return read(() -> new ArrayList<>(table.values()));
    }

    @Override
    public List<UnplannedSubject> unplanned() {
        return read(() -> new ArrayList<>(unplanned.values()));
    }

    @Override
    public List<io.planpulse.avro.DistrictFacts> districtFacts() {
        return read(() -> new ArrayList<>(districtFacts.values()));
    }

    public int size() {
        return table.size();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        if (thread.getState() == Thread.State.NEW) {
            consumer.close(); // never started: the loop that closes it never ran
            return;
        }
        consumer.wakeup();
        thread.join(5000);
    }
}
