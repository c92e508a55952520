package io.planpulse.pipeline;

import static io.planpulse.pipeline.TopologyFixture.truck;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.planpulse.avro.TruckDeparture;
import io.planpulse.base.Stream;
import io.planpulse.events.ConfluentRegistry;
import io.planpulse.events.EventDecoder;
import io.planpulse.registry.FakeSchemaRegistry;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A registry that is down is not bad input (CONTRACT section 3): a Confluent-framed record sent while it fails waits
 * in the intake, and is counted once the registry answers, never rejected.
 */
class RegistryOutageTest {

    @AfterEach
    void noRegistry() {
        EventDecoder.useRegistry(null);
    }

    static byte[] confluent(int id, TruckDeparture t) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {0, (byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id});
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<>(TruckDeparture.class).write(t, enc);
        enc.flush();
        return out.toByteArray();
    }

    @Test
    void shouldHoldAConfluentRecordWhileTheRegistryFailsAndCountItOnceTheRegistryAnswers() throws Exception {
        try (FakeSchemaRegistry registry = FakeSchemaRegistry.start();
             TopologyFixture f = new TopologyFixture("2025-03-05T12:00:00+08:00")) {
            int id = registry.add(TruckDeparture.getClassSchema().toString());
            EventDecoder.useRegistry(ConfluentRegistry.of(Map.of(ConfluentRegistry.URL, registry.url(),
                    ConfluentRegistry.TIMEOUT_MS, "500")));
            f.load(TopologyFixture.testPlan());
            registry.failing(true);
            byte[] record = confluent(id, truck("d1", "2025-01-15T10:00:00+08:00", "VN", 1_000_000));
            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> f.send(Stream.TRUCK_DEPARTURE, "d1", record));
            // The stream thread keeps asking, with a growing pause, rather than refusing the record.
            await().atMost(Duration.ofSeconds(20)).until(() -> registry.requestsFor("/schemas/ids/" + id) >= 3);
            assertThat(sent).isNotDone();
            registry.failing(false);
            sent.get(30, TimeUnit.SECONDS);
            f.settle();
            assertThat(f.rejects).isEmpty();
            assertThat(f.counter("planpulse.events.rejected")).isZero();
            assertThat(f.kpi("trucks").getActual()).isEqualTo(1.0);
        }
    }
}
