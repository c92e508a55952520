package io.planpulse.broker;

import io.planpulse.app.Logging;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real single-node KRaft broker (combined broker and controller) in this process, built with Kafka's own test
 * kit and bootstrapped at the latest production metadata version with the production feature levels, so it
 * behaves like a released broker (transactions included) and never enables unstable features. The kit binds free
 * ports of its own choosing; the {@code broker} command's fixed port is {@link StandaloneBroker}'s.
 */
public final class EmbeddedBroker implements AutoCloseable {
    /**
     * Each partition's offset and time indexes are files of this size, created sparse and memory-mapped. Kafka's
     * default (10 MiB) made the first writes to a new partition's indexes fault in and zero megabytes of page cache
     * at a time: with the dozens of partitions a new application creates, that was 8 % of the CPU of a bench pass.
     * 1 MiB still indexes about 512 MiB of log per segment (an entry per 4 KiB).
     */
    static final int INDEX_BYTES = 1024 * 1024;

    private final KafkaClusterTestKit cluster;

    private EmbeddedBroker(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    /**
     * Starts the broker on free ports (see {@link #bootstrapServers()}).
     *
     * @param dataDir where logs and metadata live; null for a temporary directory removed on close
     */
    public static EmbeddedBroker start(Path dataDir) throws Exception {
        MetadataVersion mv = MetadataVersion.latestProduction();
        Map<String, Short> features = new HashMap<>();
        for (Feature f : Feature.PRODUCTION_FEATURES) {
            features.put(f.featureName(), f.defaultLevel(mv));
        }
        TestKitNodes.Builder nodes = new TestKitNodes.Builder(BootstrapMetadata.fromVersions(mv, features, "planpulse"))
                .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1);
        if (dataDir != null) {
            nodes.setBaseDirectory(dataDir).setClusterId("planpulse-dev-cluster00");
        }
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes.build())
                .setConfigProp("unstable.feature.versions.enable", "false")
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("auto.create.topics.enable", "false")
                .setConfigProp("num.partitions", "1")
                .setConfigProp("log.retention.hours", "-1")
                .setConfigProp("log.index.size.max.bytes", String.valueOf(INDEX_BYTES));
        if (dataDir != null) {
            builder.setDeleteOnClose(false);
        }
        KafkaClusterTestKit cluster = builder.build();
        // The kit prints its formatting steps on stdout; stdout is for our own one-line answers ("ready ..."), and
        // stderr for progress and problems: they are shown with --verbose, or when the start fails.
        java.io.PrintStream stdout = System.out;
        java.io.ByteArrayOutputStream steps = new java.io.ByteArrayOutputStream();
        System.setOut(Logging.verbose() ? System.err : new java.io.PrintStream(steps, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            if (dataDir == null || !java.nio.file.Files.exists(dataDir.resolve("combined_0_0").resolve("meta.properties"))) {
                cluster.format();
            }
            cluster.startup();
            cluster.waitForReadyBrokers();
        } catch (Exception | Error e) {
            System.err.print(steps.toString(java.nio.charset.StandardCharsets.UTF_8));
            throw e;
        } finally {
            System.setOut(stdout);
        }
        return new EmbeddedBroker(cluster);
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
