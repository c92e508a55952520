package io.planpulse.broker;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * The {@code broker} command's broker: Kafka's own KRaft server (combined broker and controller) on a fixed client
 * port with persistent storage, formatted on first start at the latest production metadata version with the
 * production features. The test kit behind {@link EmbeddedBroker} binds random ports, which a fixed-port
 * development broker cannot use.
 */
public final class StandaloneBroker implements AutoCloseable {
    private final KafkaRaftServer server;
    private final String bootstrap;

    private StandaloneBroker(KafkaRaftServer server, String bootstrap) {
        this.server = server;
        this.bootstrap = bootstrap;
    }

    public static StandaloneBroker start(int port, Path dataDir) throws Exception {
        Path logs = dataDir.toAbsolutePath().resolve("kraft-logs");
        Files.createDirectories(logs);
        int controllerPort;
        try (ServerSocket s = new ServerSocket(0)) {
            controllerPort = s.getLocalPort();
        }
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", logs.toString());
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "false");
        p.put("num.partitions", "1");
        p.put("log.retention.hours", "-1");
        if (!Files.exists(logs.resolve("meta.properties"))) {
            new Formatter()
                    .setPrintStream(System.err)
                    .setNodeId(1)
                    .setClusterId("cGxhbnB1bHNlLWRldi0w")
                    .addDirectory(logs.toString())
                    .setMetadataLogDirectory(logs.toString())
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    .setUnstableFeatureVersionsEnabled(false)
                    .setControllerListenerName("CONTROLLER")
                    .setIgnoreFormatted(true)
                    .run();
        }
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(p, false), Time.SYSTEM);
        server.startup();
        return new StandaloneBroker(server, "127.0.0.1:" + port);
    }

    public String bootstrapServers() {
        return bootstrap;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }
}
