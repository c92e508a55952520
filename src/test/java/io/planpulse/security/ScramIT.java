package io.planpulse.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.planpulse.app.Config;
import io.planpulse.app.PipelineApp;
import io.planpulse.app.PlanLoad;
import io.planpulse.app.Progress;
import io.planpulse.app.Replay;
import io.planpulse.app.TopicAdmin;
import io.planpulse.plan.PlanLoader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * planpulse against a broker that requires SASL/SCRAM-SHA-512, configured only through pass-through client keys:
 * plan load, replay and the pipeline all authenticate, the KPIs come out right, and the password never shows in
 * the configuration planpulse logs.
 */
class ScramIT {
    static final String SECRET = "s3cret-planpulse-pw";

    @Test
    void shouldRunThePipelineOverScramWithPassThroughSettings(@TempDir Path dir) throws Exception {
        MetadataVersion mv = MetadataVersion.latestProduction();
        Map<String, Short> features = new HashMap<>();
        for (Feature f : Feature.PRODUCTION_FEATURES) {
            features.put(f.featureName(), f.defaultLevel(mv));
        }
        TestKitNodes nodes = new TestKitNodes.Builder(BootstrapMetadata.fromVersions(mv, features, "scram-test"))
                .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1)
                .setBrokerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT).build();
        try (KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(nodes)
                .setConfigProp("unstable.feature.versions.enable", "false")
                .setConfigProp("sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-512")
                // authentication is under test here, not ACLs: the controller's own listener is PLAINTEXT
                .setConfigProp("super.users", "User:admin;User:ANONYMOUS")
                .setConfigProp("allow.everyone.if.no.acl.found", "true")
                .setConfigProp("listener.name.external.scram-sha-512.sasl.jaas.config",
                        "org.apache.kafka.common.security.scram.ScramLoginModule required;")
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .build()) {
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            try (Admin admin = cluster.admin()) {
                admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion("planpulse",
                        new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), SECRET))).all().get();
            }

            Map<String, String> flags = new HashMap<>();
            flags.put("bootstrap.servers", cluster.bootstrapServers());
            flags.put("security.protocol", "SASL_PLAINTEXT");
            flags.put("sasl.mechanism", "SCRAM-SHA-512");
            flags.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                    + "username=\"planpulse\" password=\"" + SECRET + "\";");
            flags.put("state.dir", dir.resolve("state").toString());
            flags.put(Config.HTTP_PORT, "0");
            flags.put("replication.factor", "1");
            Config config = Config.load(null, Map.of(), flags);
            assertThat(config.toString()).doesNotContain(SECRET).contains("sasl.jaas.config=[hidden]");

            TopicAdmin.ensureTopics(config.clients(), 3, 1);
            try (var in = getClass().getResourceAsStream("/plans/test-2025.yaml")) {
                PlanLoad.publish(PlanLoader.load("test-2025.yaml", new InputStreamReader(in, StandardCharsets.UTF_8)),
                        config.clients());
            }
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            Clock clock = Clock.fixed(OffsetDateTime.parse("2025-03-05T12:00:00+08:00").toInstant(), ZoneOffset.UTC);
            try (PipelineApp app = PipelineApp.start(config, clock)) {
                app.awaitReady(Duration.ofMinutes(2));
                Path events = dir.resolve("events.jsonl");
                StringBuilder lines = new StringBuilder();
                for (int i = 0; i < 50; i++) {
                    lines.append("{\"type\":\"truck_departure\",\"departure_id\":\"s").append(i)
                            .append("\",\"route_id\":\"cq-hanoi\",\"destination_country\":\"VN\",\"exit_port\":\"youyiguan\","
                                    + "\"departed_at\":\"2025-02-10T10:00:00+08:00\",\"cargo_value_cny\":100,\"cargo_weight_t\":20}\n");
                }
                java.nio.file.Files.writeString(events, lines);
                Replay.run(List.of(events), config.clients(), Progress.quiet(), new PrintStream(log));
                app.awaitReflected(Duration.ofMinutes(2));
                HttpResponse<String> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                        HttpRequest.newBuilder(URI.create(app.url() + "/api/kpis/2025/trucks")).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.body()).contains("\"actual\":50.0");
            }
            assertThat(log.toString(StandardCharsets.UTF_8)).doesNotContain(SECRET);
        }
    }
}
