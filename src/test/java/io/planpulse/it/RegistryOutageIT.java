package io.planpulse.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.planpulse.app.Config;
import io.planpulse.app.PipelineApp;
import io.planpulse.app.PlanLoad;
import io.planpulse.app.TopicAdmin;
import io.planpulse.avro.TruckDeparture;
import io.planpulse.base.Stream;
import io.planpulse.broker.EmbeddedBroker;
import io.planpulse.events.ConfluentRegistry;
import io.planpulse.events.EventDecoder;
import io.planpulse.plan.PlanLoader;
import io.planpulse.registry.FakeSchemaRegistry;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An unreachable registry is not bad input (CONTRACT section 3), on a real broker: a Confluent-framed record sent
 * while the registry fails waits (past a replacement of its stream thread), /ready answers 503 and
 * planpulse_schema_registry_up is 0 meanwhile, and the record is counted, not rejected, once the registry answers.
 */
class RegistryOutageIT {

    @AfterEach
    void noRegistry() {
        EventDecoder.useRegistry(null);
    }

    @Test
    void shouldHoldConfluentRecordsWhileTheRegistryIsDownAndCountThemOnceItAnswers(@TempDir Path dir) throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(null); FakeSchemaRegistry registry = FakeSchemaRegistry.start()) {
            int id = registry.add(TruckDeparture.getClassSchema().toString());
            // A wait of 3 s: the record outlasts it, so its stream thread is replaced and reads it again.
            Config c = TestConfigs.local(broker.bootstrapServers(), dir, ConfluentRegistry.URL, registry.url(),
                    ConfluentRegistry.TIMEOUT_MS, "500", ConfluentRegistry.WAIT_MS, "3000");
            TopicAdmin.ensureTopics(c.clients(), 3, 1);
            try (var in = getClass().getResourceAsStream("/plans/test-2025.yaml")) {
                PlanLoad.publish(PlanLoader.load("test-2025.yaml", new InputStreamReader(in, StandardCharsets.UTF_8)),
                        c.clients());
            }
            Clock clock = Clock.fixed(OffsetDateTime.parse(Scenario.AS_OF).toInstant(), ZoneOffset.UTC);
            try (PipelineApp app = PipelineApp.start(c, clock)) {
                app.awaitReady(Duration.ofMinutes(2));
                assertThat(Http.get(app.url() + "/metrics").body()).contains("planpulse_schema_registry_up 1");

                registry.failing(true);
                try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of("bootstrap.servers",
                        broker.bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
                    p.send(new ProducerRecord<>(Stream.TRUCK_DEPARTURE.topic(), "d1", confluent(id, io.planpulse.pipeline
                            .TopologyFixture.truck("d1", "2025-01-15T10:00:00+08:00", "VN", 1_000_000)))).get();
                }
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                    assertThat(Http.get(app.url() + "/ready").status()).isEqualTo(503);
                    assertThat(Http.get(app.url() + "/metrics").body()).contains("planpulse_schema_registry_up 0");
                });
                // Past one wait of 3 s (about 6 tries): the record is read again by the thread that replaced the first.
                await().atMost(Duration.ofSeconds(60)).until(() -> registry.requestsFor("/schemas/ids/" + id) >= 9);
                assertThat(Http.get(app.url() + "/ready").status()).isEqualTo(503);

                registry.failing(false);
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                    assertThat(Http.get(app.url() + "/api/kpis/2025/trucks").json().path("actual").asDouble()).isEqualTo(1.0);
                    assertThat(Http.get(app.url() + "/ready").status()).isEqualTo(200);
                });
                String metrics = Http.get(app.url() + "/metrics").body();
                assertThat(metrics).contains("planpulse_schema_registry_up 1")
                        .doesNotContain("planpulse_events_rejected_total{")
                        .contains("planpulse_stream_thread_replacements_total 0");
                assertThat(app.failure()).isNull();
            }
        }
    }

    private static byte[] confluent(int id, TruckDeparture t) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {0, (byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id});
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<>(TruckDeparture.class).write(t, enc);
        enc.flush();
        return out.toByteArray();
    }
}
