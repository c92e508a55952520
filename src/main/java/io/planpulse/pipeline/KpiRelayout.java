package io.planpulse.pipeline;

import io.planpulse.avro.internal.KpiInput;
import io.planpulse.base.Districts;
import io.planpulse.base.KpiLayout;
import io.planpulse.base.Topics;
import io.planpulse.kpistage.KpiProcessor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves the KPI stage's state to a new {@code planpulse.kpi.partitions} before Kafka Streams starts (every instance
 * stopped). Each partition count has topics of its own ({@link KpiLayout}); when the count in force has none yet and
 * another count's do exist, this copies, in one transaction:
 * <ul>
 *   <li>the latest value of every key of the old stores' changelogs (facts, the KPIs and unplanned subjects last
 *       published) into the new changelogs, each in the partition of its district (an aggregate's KPIs: its
 *       province's), where Kafka Streams restores them from;</li>
 *   <li>the facts handed over to the old KPI stage but not yet taken in (its input topics past the application's
 *       committed offsets) into the new input topics, by district; and commits those offsets to their end in the
 *       same transaction, so a copy that is run again never adds them twice.</li>
 * </ul>
 * Then it deletes the old topics. The aggregate stage's contributions are not copied: every KPI partition sends all
 * of its contributions when it starts. A crash part-way leaves the old topics in place and the copy runs again at the
 * next start (state records are idempotent: the same key, the same value).
 */
public final class KpiRelayout {
    private static final Logger LOG = LoggerFactory.getLogger(KpiRelayout.class);

    private final Map<String, Object> clients;
    private final String appId;
    private final KpiLayout target;
    private final String district;
    private final String replicationFactor;

    /**
     * @param clients           the client keys of a plain producer, consumer or admin
     * @param partitions        planpulse.kpi.partitions in force
     * @param district          planpulse.district (of facts and KPIs written before districts)
     * @param replicationFactor Kafka Streams' replication.factor of internal topics (null or negative: the broker's)
     */
    public KpiRelayout(Map<String, Object> clients, String appId, int partitions, String district,
                       String replicationFactor) {
        this.clients = clients;
        this.appId = appId;
        this.target = KpiLayout.of(partitions);
        this.district = district;
        this.replicationFactor = replicationFactor;
    }

    /** The partition counts with state on the cluster, from their flow-fact changelogs. */
    static Set<Integer> layouts(Set<String> topics, String appId) {
        Pattern p = Pattern.compile(Pattern.quote(appId + "-" + Topics.FLOW_FACT_STORE) + "(?:-p(\\d+))?-changelog");
        Set<Integer> out = new TreeSet<>();
        for (String t : topics) {
            Matcher m = p.matcher(t);
            if (m.matches()) {
                out.add(m.group(1) == null ? 1 : Integer.parseInt(m.group(1)));
            }
        }
        return out;
    }

    /** Copies another partition count's state to the one in force, if there is one to copy; returns whether it did. */
    public boolean run() throws Exception {
        try (Admin admin = Admin.create(clients)) {
            Set<String> topics = admin.listTopics().names().get();
            Set<Integer> others = layouts(topics, appId);
            others.remove(target.partitions());
            if (others.isEmpty()) {
                return false;
            }
            if (others.size() > 1) {
                throw new IllegalStateException("the KPI stage has state for more than one other planpulse.kpi.partitions "
                        + others + " besides " + target.partitions() + ": delete the topics of the counts not in use "
                        + "(" + appId + "-*-p<count>-*) and start again");
            }
            KpiLayout source = KpiLayout.of(others.iterator().next());
            long t0 = System.nanoTime();
            LOG.info("planpulse.kpi.partitions is {}, the KPI stage's state is in {} partition(s): moving it",
                    target.partitions(), source.partitions());
            createTargetTopics(admin, topics);
            int[] n = copy(admin, source, topics);
            deleteSource(admin, source, topics);
            LOG.info("the KPI stage's state moved from {} to {} partition(s) in {} ms: {} state records, {} facts in "
                    + "flight", source.partitions(), target.partitions(), (System.nanoTime() - t0) / 1_000_000, n[0],
                    n[1]);
            return true;
        }
    }

    private void createTargetTopics(Admin admin, Set<String> existing) throws Exception {
        List<NewTopic> create = new ArrayList<>();
        String rf = replicationFactor;
        Optional<Short> replication = rf != null ? Optional.of(Short.parseShort(rf.trim())) : Optional.empty();
        if (replication.isPresent() && replication.get() < 0) {
            replication = Optional.empty();
        }
        for (String store : target.movedStores()) {
            String name = KpiLayout.changelog(appId, store);
            if (!existing.contains(name)) {
                create.add(new NewTopic(name, Optional.of(target.partitions()), replication)
                        .configs(Map.of("cleanup.policy", "compact")));
            }
        }
        for (String name : target.kpiInputTopics(appId)) {
            if (!existing.contains(name)) {
                create.add(new NewTopic(name, Optional.of(target.partitions()), replication)
                        .configs(Map.of("cleanup.policy", "delete", "retention.ms", "-1")));
            }
        }
        admin.createTopics(create).all().get();
    }

    /** Copies state and facts in flight in one transaction; returns the state records and facts copied. */
    private int[] copy(Admin admin, KpiLayout source, Set<String> topics) throws Exception {
        Map<String, Object> producerProps = new HashMap<>(clients);
        producerProps.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, appId + "-kpi-relayout");
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        int[] n = new int[2];
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            List<String> from = source.movedStores();
            List<String> to = target.movedStores();
            for (int i = 0; i < from.size(); i++) {
                String topic = KpiLayout.changelog(appId, from.get(i));
                if (!topics.contains(topic)) {
                    continue;
                }
                String into = KpiLayout.changelog(appId, to.get(i));
                for (Map.Entry<String, byte[]> e : latest(admin, topic).entrySet()) {
                    int p = Districts.partition(stateDistrict(from.get(i), source, e.getKey()), target.partitions());
                    producer.send(new ProducerRecord<>(into, p, e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                            e.getValue()));
                    n[0]++;
                }
            }
            Map<TopicPartition, OffsetAndMetadata> taken = new HashMap<>();
            List<String> oldInputs = source.kpiInputTopics(appId);
            List<String> newInputs = target.kpiInputTopics(appId);
            for (int i = 0; i < oldInputs.size(); i++) {
                if (!topics.contains(oldInputs.get(i))) {
                    continue;
                }
                String into = newInputs.get(i);
                n[1] += inFlight(admin, oldInputs.get(i), taken, (key, value) -> {
                    KpiInput in = Topics.KPI_INPUT.serde().deserializer().deserialize(into, value);
                    int p = Districts.partition(KpiProcessor.districtOf(in, district), target.partitions());
                    producer.send(new ProducerRecord<>(into, p, key, value));
                });
            }
            if (!taken.isEmpty()) {
                producer.sendOffsetsToTransaction(taken, new ConsumerGroupMetadata(appId));
            }
            producer.commitTransaction();
        }
        return n;
    }

    /** The district a state record belongs to, by its store's key (KPIs of an aggregate plan: its province's). */
    private String stateDistrict(String store, KpiLayout source, String key) {
        if (store.equals(source.flowFacts()) || store.equals(source.reportFacts())) {
            return KpiProcessor.districtOfFact(key, district);
        }
        String first = key.substring(0, key.indexOf('/'));
        String d = Districts.isCode(first) ? first : district; // keys written before districts: year/...
        return store.equals(source.aggregateLast()) ? Districts.province(d) : d;
    }

    /** Every key's latest value on a compacted topic (deleted keys left out). */
    private Map<String, byte[]> latest(Admin admin, String topic) throws Exception {
        Map<String, byte[]> out = new LinkedHashMap<>();
        Map<TopicPartition, Long> end = io.planpulse.base.Offsets.endOffsets(admin, List.of(topic));
        try (KafkaConsumer<byte[], byte[]> c = consumer()) {
            c.assign(end.keySet());
            c.seekToBeginning(end.keySet());
            drain(c, end, r -> {
                String key = new String(r.key(), java.nio.charset.StandardCharsets.UTF_8);
                if (r.value() == null) {
                    out.remove(key);
                } else {
                    out.put(key, r.value());
                }
            });
        }
        return out;
    }

    /** The records of an old input topic past the application's committed offsets; records the offsets to commit. */
    private int inFlight(Admin admin, String topic, Map<TopicPartition, OffsetAndMetadata> taken,
                         java.util.function.BiConsumer<byte[], byte[]> each) throws Exception {
        Map<TopicPartition, Long> end = io.planpulse.base.Offsets.endOffsets(admin, List.of(topic));
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(appId)
                .partitionsToOffsetAndMetadata().get();
        int[] n = {0};
        try (KafkaConsumer<byte[], byte[]> c = consumer()) {
            c.assign(end.keySet());
            for (TopicPartition tp : end.keySet()) {
                OffsetAndMetadata at = committed.get(tp);
                if (at == null) {
                    c.seekToBeginning(List.of(tp));
                } else {
                    c.seek(tp, at.offset());
                }
            }
            drain(c, end, r -> {
                each.accept(r.key(), r.value());
                n[0]++;
            });
            end.forEach((tp, off) -> taken.put(tp, new OffsetAndMetadata(c.position(tp))));
        }
        return n[0];
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        Map<String, Object> props = new HashMap<>(clients);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, appId + "-kpi-relayout-" + UUID.randomUUID());
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static void drain(KafkaConsumer<byte[], byte[]> c, Map<TopicPartition, Long> end,
                              java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> each) {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (end.entrySet().stream().anyMatch(e -> c.position(e.getKey()) < e.getValue())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("could not read " + end.keySet() + " to its end in 5 minutes");
            }
            c.poll(Duration.ofMillis(200)).forEach(each);
        }
    }

    /** Deletes every topic of the old partition count: its changelogs and its repartition topics. */
    private void deleteSource(Admin admin, KpiLayout source, Set<String> topics) throws Exception {
        List<String> gone = new ArrayList<>();
        for (String store : source.movedStores()) {
            gone.add(KpiLayout.changelog(appId, store));
        }
        gone.add(KpiLayout.changelog(appId, source.aggregateParts()));
        gone.addAll(source.kpiInputTopics(appId));
        gone.add(source.contributionsTopic(appId));
        gone.retainAll(topics);
        admin.deleteTopics(gone).all().get();
    }
}
