package io.planpulse.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.planpulse.broker.EmbeddedBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.AppInfoParser;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The guard on the internal Kafka Streams APIs planpulse relies on ({@link CommitHook}: a {@code CachedStateStore}
 * whose {@code flushCache()} Kafka Streams calls before it flushes the producer and commits, and forwarding from
 * there through the internal processor context, as Kafka Streams' caches do). A processor keeps ids on the heap,
 * and from the hook writes them to an uncached logged store and forwards them to a topic, as the intake journal and
 * its sums do; every record requests a commit, and nothing else commits (the interval is 5 minutes). As soon as a
 * record's offset is committed, its journal entry must be in the store's changelog and its forwarded record in the
 * output topic: under exactly_once_v2 in the same transaction (read_committed: it appears with the offset, or within the moment the coordinator takes to write
 * the markers; written any later, it would wait in an open transaction that nothing commits), under at_least_once
 * already flushed before the offsets were. If a Kafka upgrade changes that order, this fails, loudly.
 */
class CommitHookOrderIT {
    static final String INPUT = "commit-hook-order.input";
    static final String OUTPUT = "commit-hook-order.output";
    static EmbeddedBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = EmbeddedBroker.start(null);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(INPUT, 1, (short) 1), new NewTopic(OUTPUT, 1, (short) 1))).all().get(1, TimeUnit.MINUTES);
        }
    }

    @AfterAll
    static void stopBroker() throws Exception {
        broker.close();
    }

    /**
     * Ids on the heap until the hook writes them and forwards them, as Journal and the intake's sums do; each record
     * asks for a commit.
     */
    static final class HeapJournal implements Processor<String, String, String, String> {
        private final List<String> pending = new ArrayList<>();
        private ProcessorContext<String, String> context;
        private KeyValueStore<String, String> store;
        private CommitHook.Forwarding forwarding;

        @Override
        public void init(ProcessorContext<String, String> context) {
            this.context = context;
            store = context.getStateStore("journal");
            forwarding = CommitHook.forwarding(context);
            CommitHook hook = context.getStateStore("commit-hook");
            hook.beforeCommit(this::persist);
        }

        @Override
        public void process(Record<String, String> record) {
            pending.add(record.value());
            context.commit();
        }

        private void persist() {
            forwarding.run(() -> pending.forEach(id -> context.forward(new Record<>(id, id,
                    context.currentSystemTimeMs()))));
            pending.forEach(id -> store.put(id, id));
            pending.clear();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.EXACTLY_ONCE_V2, StreamsConfig.AT_LEAST_ONCE})
    void shouldWriteWhatTheCommitHookWritesWithTheOffsetsItCommits(String guarantee) throws Exception {
        String appId = "commit-hook-order-" + guarantee.replace('_', '-');
        Topology topology = new Topology();
        topology.addSource("source", new StringDeserializer(), new StringDeserializer(), INPUT);
        topology.addProcessor("heap-journal", HeapJournal::new, "source");
        topology.addSink("sink", OUTPUT, new StringSerializer(), new StringSerializer(), "heap-journal");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore("journal"), Serdes.String(),
                Serdes.String()).withCachingDisabled(), "heap-journal");
        topology.addStateStore(CommitHook.builder("commit-hook"), "heap-journal");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, String.valueOf(Duration.ofMinutes(5).toMillis()));
        props.put(StreamsConfig.producerPrefix("transaction.timeout.ms"), String.valueOf(Duration.ofMinutes(10).toMillis()));
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, "1");
        props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("commit-hook-order").toString());
        boolean eos = guarantee.equals(StreamsConfig.EXACTLY_ONCE_V2);
        TopicPartition changelog = new TopicPartition(appId + "-journal-changelog", 0);
        TopicPartition input = new TopicPartition(INPUT, 0);
        TopicPartition output = new TopicPartition(OUTPUT, 0);

        try (KafkaStreams streams = new KafkaStreams(topology, props);
             Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()));
             KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                     broker.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
            streams.start();
            await().atMost(Duration.ofMinutes(2)).until(() -> streams.state() == KafkaStreams.State.RUNNING);
            for (int i = 0; i < 5; i++) {
                String id = appId + "-" + i;
                long offset = producer.send(new ProducerRecord<>(INPUT, "k", id)).get().offset();
                await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(20))
                        .until(() -> committed(admin, appId, input) > offset);
                String loud = "Kafka Streams " + AppInfoParser.getVersion() + " committed the offset of " + id
                        + " without what CommitHook.flushCache() wrote or forwarded before that commit ("
                        + (eos ? "not in the same transaction" : "not flushed before the offsets") + "). The intake "
                        + "journal relies on that order (intake/CommitHook.java): re-check it before upgrading.";
                if (eos) {
                    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).alias(loud)
                            .until(() -> keys(changelog, "read_committed").contains(id)
                                    && keys(output, "read_committed").contains(id));
                } else {
                    assertThat(keys(changelog, "read_uncommitted")).as(loud).contains(id);
                    assertThat(keys(output, "read_uncommitted")).as(loud).contains(id);
                }
            }
        }
    }

    @Test
    void shouldSayInThePerformanceDocWhichKafkaVersionTheOrderWasCheckedWith() throws Exception {
        String doc = Files.readString(Path.of("docs/performance.md"), StandardCharsets.UTF_8);
        assertThat(doc).as("docs/performance.md: the Kafka Streams versions CommitHook's order was checked with")
                .containsPattern("checked with Kafka Streams [0-9., and]*\\b" + AppInfoParser.getVersion()
                        .replace(".", "\\.") + "\\b");
    }

    private static long committed(Admin admin, String group, TopicPartition tp) throws Exception {
        OffsetAndMetadata o = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().get(tp);
        return o == null ? -1 : o.offset();
    }

    /** Every key in the partition up to its end, as a consumer with this isolation level sees it. */
    private static Set<String> keys(TopicPartition tp, String isolation) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        Set<String> keys = new HashSet<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            while (c.position(tp) < end) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(100))) {
                    keys.add(r.key());
                }
            }
        }
        return keys;
    }
}
