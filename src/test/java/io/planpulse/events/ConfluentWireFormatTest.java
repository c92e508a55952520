package io.planpulse.events;

import static io.planpulse.pipeline.TopologyFixture.truck;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.planpulse.avro.ProjectProgress;
import io.planpulse.avro.TruckDeparture;
import io.planpulse.base.Topics;
import io.planpulse.base.Stream;
import io.planpulse.registry.FakeSchemaRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Confluent-framed Avro ({@code 00} + schema id + body) read through a Confluent-compatible registry: the writer
 * schema fetched once per id and resolved against planpulse's with Avro's resolution. A definite "no" about an id
 * (40403, a schema that is not Avro or cannot be read as the topic's) is an unknown_schema rejection naming the id and
 * the registry; no answer at all (refused, timed out, 5xx, 401, another 404) is RegistryUnavailable, and the record
 * waits, each try bounded by the timeout and the tries by a budget.
 */
class ConfluentWireFormatTest {
    static final TruckDeparture TRUCK = truck("d1", "2025-02-01T00:10:00+08:00", "VN", 1000000.01);

    @AfterEach
    void noRegistry() {
        EventDecoder.useRegistry(null);
    }

    static ConfluentRegistry use(String url, String... kv) {
        Map<String, String> settings = new HashMap<>();
        settings.put(ConfluentRegistry.URL, url);
        for (int i = 0; i < kv.length; i += 2) {
            settings.put(kv[i], kv[i + 1]);
        }
        ConfluentRegistry r = ConfluentRegistry.of(settings);
        EventDecoder.useRegistry(r);
        return r;
    }

    static byte[] frame(int id, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(id >>> 24);
        out.write(id >>> 16);
        out.write(id >>> 8);
        out.write(id);
        out.writeBytes(body);
        return out.toByteArray();
    }

    static byte[] avroBody(TruckDeparture t) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<>(TruckDeparture.class).write(t, enc);
        enc.flush();
        return out.toByteArray();
    }

    static byte[] genericBody(GenericRecord r) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(r.getSchema()).write(r, enc);
        enc.flush();
        return out.toByteArray();
    }

    static Rejection rejection(Stream s, byte[] value) {
        try {
            throw new AssertionError("accepted: " + EventDecoder.decode(s, value, null));
        } catch (Rejection r) {
            return r;
        }
    }

    static String expected() throws Rejection {
        return JsonAvroEquivalenceTest.describe(EventDecoder.decode(Stream.TRUCK_DEPARTURE, Topics.TRUCK_DEPARTURE.encode(TRUCK)));
    }

    @Test
    void shouldReadRecordsWrittenWithPlanpulsesSchemaFetchingItOncePerId() throws Exception {
        try (FakeSchemaRegistry registry = FakeSchemaRegistry.start()) {
            int id = registry.add(TruckDeparture.getClassSchema().toString());
            use(registry.url());
            for (int i = 0; i < 100; i++) {
                InputEvent e = EventDecoder.decode(Stream.TRUCK_DEPARTURE, frame(id, avroBody(TRUCK)), null);
                assertThat(JsonAvroEquivalenceTest.describe(e)).isEqualTo(expected());
            }
            assertThat(registry.requests).containsExactly("GET /schemas/ids/" + id);
        }
    }

    @Test
    void shouldResolveAProducersOwnCompatibleSchemaWithAvrosResolution() throws Exception {
        // Another namespace, fields in another order, an extra field, an int where planpulse has a double.
        Schema writer = new Schema.Parser().parse("""
                {"type":"record","name":"TruckDeparture","namespace":"com.example.logistics","fields":[
                  {"name":"driver","type":"string"},
                  {"name":"cargo_weight_t","type":"int"},
                  {"name":"cargo_value_cny","type":"double"},
                  {"name":"departed_at","type":{"type":"long","logicalType":"timestamp-millis"}},
                  {"name":"exit_port","type":"string"},
                  {"name":"destination_country","type":"string"},
                  {"name":"route_id","type":"string"},
                  {"name":"departure_id","type":"string"}]}""");
        GenericRecord r = new GenericData.Record(writer);
        r.put("driver", "Li");
        r.put("cargo_weight_t", 20);
        r.put("cargo_value_cny", 1000000.01);
        r.put("departed_at", Instant.parse("2025-01-31T16:10:00Z").toEpochMilli());
        r.put("exit_port", "youyiguan");
        r.put("destination_country", "VN");
        r.put("route_id", "cq-hanoi");
        r.put("departure_id", "d1");
        // A project report whose writer has no milestone field: the reader's default (null) fills it.
        Schema progressWriter = new Schema.Parser().parse("""
                {"type":"record","name":"ProjectProgress","fields":[
                  {"name":"report_id","type":"string"},{"name":"project_id","type":"string"},
                  {"name":"period","type":"string"},{"name":"investment_cny","type":"long"},
                  {"name":"reported_at","type":{"type":"long","logicalType":"timestamp-millis"}}]}""");
        GenericRecord p = new GenericData.Record(progressWriter);
        p.put("report_id", "r1");
        p.put("project_id", "p1");
        p.put("period", "2025-01");
        p.put("investment_cny", 25_000_000L);
        p.put("reported_at", Instant.parse("2025-02-05T01:00:00Z").toEpochMilli());
        try (FakeSchemaRegistry registry = FakeSchemaRegistry.start()) {
            int id = registry.add(writer.toString());
            int pid = registry.add(progressWriter.toString());
            use(registry.url());
            InputEvent e = EventDecoder.decode(Stream.TRUCK_DEPARTURE, frame(id, genericBody(r)), null);
            TruckDeparture same = TruckDeparture.newBuilder(TRUCK).setCargoWeightT(20).build();
            assertThat(JsonAvroEquivalenceTest.describe(e)).isEqualTo(JsonAvroEquivalenceTest.describe(
                    EventDecoder.decode(Stream.TRUCK_DEPARTURE, Topics.TRUCK_DEPARTURE.encode(same))));
            InputEvent pe = EventDecoder.decode(Stream.PROJECT_PROGRESS, frame(pid, genericBody(p)), null);
            assertThat(JsonAvroEquivalenceTest.describe(pe)).isEqualTo(JsonAvroEquivalenceTest.describe(
                    EventDecoder.decode(Stream.PROJECT_PROGRESS, Topics.PROJECT_PROGRESS.encode(ProjectProgress.newBuilder()
                            .setReportId("r1").setProjectId("p1").setPeriod("2025-01").setInvestmentCny(25_000_000)
                            .setReportedAt(Instant.parse("2025-02-05T01:00:00Z")).build()))));
            // The checks are the same as for any other form: a negative amount is refused as such.
            r.put("cargo_value_cny", -1.0);
            assertThat(rejection(Stream.TRUCK_DEPARTURE, frame(id, genericBody(r))).reason()).isEqualTo("negative_amount");
            // A body cut short is undecodable, and says which schema it was read with.
            byte[] whole = frame(id, genericBody(r));
            Rejection cut = rejection(Stream.TRUCK_DEPARTURE, java.util.Arrays.copyOf(whole, whole.length - 12));
            assertThat(cut.reason()).isEqualTo("undecodable");
            assertThat(cut.getMessage()).contains("(Confluent schema id " + id + " from " + registry.url() + ")");
        }
    }

    @Test
    void shouldRefuseSchemasThatCannotBeReadAsTheTopicsNamingTheIdAndTheRegistry() throws Exception {
        try (FakeSchemaRegistry registry = FakeSchemaRegistry.start()) {
            int asString = registry.add(TruckDeparture.getClassSchema().toString()
                    .replace("\"name\":\"cargo_value_cny\",\"type\":\"double\"", "\"name\":\"cargo_value_cny\",\"type\":\"string\""));
            int noWeight = registry.add("{\"type\":\"record\",\"name\":\"TruckDeparture\",\"fields\":["
                    + "{\"name\":\"departure_id\",\"type\":\"string\"}]}");
            int micros = registry.add(TruckDeparture.getClassSchema().toString().replace("timestamp-millis", "timestamp-micros"));
            int protobuf = registry.add("syntax = \"proto3\"; message TruckDeparture { string departure_id = 1; }", "PROTOBUF");
            int hub = registry.add(io.planpulse.avro.HubThroughput.getClassSchema().toString());
            use(registry.url());
            String prefix = "Confluent wire format, schema id ";
            assertThat(rejection(Stream.TRUCK_DEPARTURE, frame(asString, new byte[] {2, 'x'}))).satisfies(r -> {
                assertThat(r.reason()).isEqualTo("unknown_schema");
                assertThat(r.getMessage()).startsWith(prefix + asString + ": the writer schema io.planpulse.avro.TruckDeparture "
                        + "cannot be read as truck_departure: TYPE_MISMATCH at /fields/5/type");
            });
            assertThat(rejection(Stream.TRUCK_DEPARTURE, frame(noWeight, new byte[] {2, 'x'})).getMessage())
                    .startsWith(prefix + noWeight + ": the writer schema TruckDeparture cannot be read as truck_departure: "
                            + "READER_FIELD_MISSING_DEFAULT_VALUE");
            assertThat(rejection(Stream.TRUCK_DEPARTURE, frame(micros, new byte[] {2, 'x'})).getMessage())
                    .endsWith("field departed_at is timestamp-micros in the writer schema, timestamp-millis here");
            assertThat(rejection(Stream.TRUCK_DEPARTURE, frame(protobuf, new byte[] {2, 'x'}))).satisfies(r -> {
                assertThat(r.reason()).isEqualTo("unknown_schema");
                assertThat(r.getMessage()).isEqualTo(prefix + protobuf + ": registry " + registry.url()
                        + " gave no usable Avro schema: a PROTOBUF schema, not Avro");
            });
            assertThat(rejection(Stream.TRUCK_DEPARTURE, frame(hub, new byte[] {2, 'x'})).getMessage())
                    .contains("NAME_MISMATCH");
            assertThat(rejection(Stream.TRUCK_DEPARTURE, frame(7, new byte[] {2, 'x'}))).satisfies(r -> {
                assertThat(r.reason()).isEqualTo("unknown_schema");
                assertThat(r.getMessage()).isEqualTo(prefix + "7: registry " + registry.url()
                        + " answered 404: Schema 7 not found (error_code 40403); not asked again for 30 s");
            });
            // Each answer is kept: asking again costs no request.
            int before = registry.requests.size();
            rejection(Stream.TRUCK_DEPARTURE, frame(asString, new byte[] {2, 'x'}));
            rejection(Stream.TRUCK_DEPARTURE, frame(7, new byte[] {2, 'x'}));
            assertThat(registry.requests).hasSize(before);
        }
    }

    @Test
    void shouldBoundEachTryByTheTimeoutAndAskAgainWithAGrowingPauseWithinTheBudget() throws Exception {
        try (FakeSchemaRegistry registry = FakeSchemaRegistry.start()) {
            int id = registry.add(TruckDeparture.getClassSchema().toString());
            ConfluentRegistry r = use(registry.url(), ConfluentRegistry.TIMEOUT_MS, "300");
            byte[] record = frame(id, avroBody(TRUCK));

            registry.delay(5_000);
            long t0 = System.nanoTime();
            Throwable slow = failure(Stream.TRUCK_DEPARTURE, record);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(2_000);
            assertThat(slow).isInstanceOf(RegistryUnavailable.class).hasMessageStartingWith("Confluent wire format, schema id "
                    + id + ": registry " + registry.url() + " unreachable (java.net.http.HttpTimeoutException");
            assertThat(r.up()).isFalse();

            // Pauses of 100, 200 and 400 ms fit in a budget of 1 s, the next (800 ms) does not: three tries, then it gives up.
            registry.delay(0).failing(true);
            int before = registry.requests.size();
            t0 = System.nanoTime();
            assertThatThrownBy(() -> r.retrying(() -> EventDecoder.decode(Stream.TRUCK_DEPARTURE, record, null),
                    (RegistryUnavailable) slow, Duration.ofSeconds(1))).isInstanceOf(RegistryUnavailable.class)
                    .hasMessageContaining("answered 500: Error in the backend datastore (error_code 50001); waited ");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isBetween(600L, 2_000L);
            assertThat(registry.requests.size() - before).isEqualTo(3);
            assertThat(r.waiting()).isFalse();

            // A record that waits is read as soon as the registry answers again.
            CompletableFuture<InputEvent> waited = CompletableFuture.supplyAsync(() -> {
                try {
                    return r.retrying(() -> EventDecoder.decode(Stream.TRUCK_DEPARTURE, record, null),
                            (RegistryUnavailable) slow, Duration.ofSeconds(30));
                } catch (Rejection e) {
                    throw new AssertionError(e);
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> r.waiting() && registry.requests.size() >= before + 5);
            assertThat(r.up()).isFalse();
            registry.failing(false);
            assertThat(JsonAvroEquivalenceTest.describe(waited.get(10, TimeUnit.SECONDS))).isEqualTo(expected());
            assertThat(r.up()).isTrue();
            assertThat(r.waiting()).isFalse();
        }
    }

    @Test
    void shouldEndEveryWaitAtOnceWhenClosed() throws Exception {
        String url;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            url = "http://127.0.0.1:" + s.getLocalPort();
        }
        ConfluentRegistry r = use(url, ConfluentRegistry.TIMEOUT_MS, "500", ConfluentRegistry.BACKOFF_MS, "5000");
        byte[] record = frame(3, avroBody(TRUCK));
        CompletableFuture<InputEvent> waited = CompletableFuture.supplyAsync(() -> {
            try {
                return r.retrying(() -> EventDecoder.decode(Stream.TRUCK_DEPARTURE, record, null),
                        new RegistryUnavailable("no answer yet"), Duration.ofMinutes(1));
            } catch (Rejection e) {
                throw new AssertionError(e);
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(r::waiting);
        r.close();
        assertThatThrownBy(() -> waited.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(RegistryUnavailable.class)
                .hasMessageContaining("closing");
    }

    /** What decoding threw (null if it returned). */
    static Throwable failure(Stream s, byte[] value) {
        try {
            EventDecoder.decode(s, value, null);
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    @Test
    void shouldNotRejectARecordWhenNothingListensAtTheRegistryButAskAgainOnTheNextTry() throws Exception {
        String url;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            url = "http://127.0.0.1:" + s.getLocalPort();
        }
        use(url, ConfluentRegistry.TIMEOUT_MS, "500");
        byte[] record = frame(3, avroBody(TRUCK));
        Throwable refused = failure(Stream.TRUCK_DEPARTURE, record);
        assertThat(refused).isInstanceOf(RegistryUnavailable.class)
                .hasMessageStartingWith("Confluent wire format, schema id 3: registry " + url + " unreachable (");
        // No verdict is cached for an outage: the next try asks again, and so fails the same way, not as a rejection.
        assertThat(failure(Stream.TRUCK_DEPARTURE, record)).isInstanceOf(RegistryUnavailable.class);
    }

    @Test
    void shouldNotRejectARecordWhileTheRegistryAnswers5xxAndReadItOnTheFirstTryAfter() throws Exception {
        try (FakeSchemaRegistry registry = FakeSchemaRegistry.start()) {
            int id = registry.add(TruckDeparture.getClassSchema().toString());
            use(registry.url(), ConfluentRegistry.TIMEOUT_MS, "500");
            byte[] record = frame(id, avroBody(TRUCK));
            registry.failing(true);
            Throwable failed = failure(Stream.TRUCK_DEPARTURE, record);
            assertThat(failed).isInstanceOf(RegistryUnavailable.class).hasMessage("Confluent wire format, schema id "
                    + id + ": registry " + registry.url() + " answered 500: Error in the backend datastore (error_code 50001)");
            registry.failing(false);
            assertThat(JsonAvroEquivalenceTest.describe(EventDecoder.decode(Stream.TRUCK_DEPARTURE, record, null)))
                    .isEqualTo(expected());
        }
    }

    @Test
    void shouldRejectOnlyADefiniteNoSuchSchemaNotA404OfAnotherKind() throws Exception {
        try (FakeSchemaRegistry registry = FakeSchemaRegistry.start()) {
            use(registry.url());
            Rejection none = rejection(Stream.TRUCK_DEPARTURE, frame(7, avroBody(TRUCK)));
            assertThat(none.reason()).isEqualTo("unknown_schema");
            assertThat(none.getMessage()).contains("answered 404: Schema 7 not found (error_code 40403)");
            // A URL with a wrong path: 404, but error_code 404 says nothing about schema 7.
            use(registry.url() + "/not-the-registry");
            assertThat(failure(Stream.TRUCK_DEPARTURE, frame(7, avroBody(TRUCK))))
                    .isInstanceOf(RegistryUnavailable.class).hasMessageContaining("answered 404: HTTP 404 Not Found (error_code 404)");
        }
    }

    @Test
    void shouldSendBasicAuthCredentialsFromUserInfoOrFromTheUrl() throws Exception {
        try (FakeSchemaRegistry registry = FakeSchemaRegistry.start().requireBasicAuth("planpulse:s3cret")) {
            int id = registry.add(TruckDeparture.getClassSchema().toString());
            byte[] record = frame(id, avroBody(TRUCK));
            use(registry.url());
            // Refused credentials say nothing about the schema: the record waits for someone to fix them.
            assertThat(failure(Stream.TRUCK_DEPARTURE, record)).isInstanceOf(RegistryUnavailable.class)
                    .hasMessageContaining("answered 401: Unauthorized (error_code 401)");
            use(registry.url(), "basic.auth.credentials.source", "USER_INFO", "basic.auth.user.info", "planpulse:s3cret");
            assertThat(JsonAvroEquivalenceTest.describe(EventDecoder.decode(Stream.TRUCK_DEPARTURE, record, null))).isEqualTo(expected());
            ConfluentRegistry fromUrl = use(registry.url().replace("http://", "http://planpulse:s3cret@"),
                    "basic.auth.credentials.source", "URL");
            assertThat(fromUrl.url()).isEqualTo(registry.url()).doesNotContain("s3cret");
            assertThat(JsonAvroEquivalenceTest.describe(EventDecoder.decode(Stream.TRUCK_DEPARTURE, record, null))).isEqualTo(expected());
        }
    }

    @Test
    void shouldTrustTheRegistrysCertificateThroughTheTruststoreSettings(@TempDir Path dir) throws Exception {
        keytool(dir, "-genkeypair", "-alias", "registry", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-keystore", "server.p12", "-storetype", "PKCS12",
                "-storepass", "changeit", "-keypass", "changeit");
        keytool(dir, "-exportcert", "-alias", "registry", "-keystore", "server.p12", "-storepass", "changeit", "-file", "server.crt");
        keytool(dir, "-importcert", "-noprompt", "-alias", "registry", "-file", "server.crt", "-keystore", "trust.p12",
                "-storetype", "PKCS12", "-storepass", "trustpass");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve("server.p12"))) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), null, null);
        try (FakeSchemaRegistry registry = FakeSchemaRegistry.startTls(ssl)) {
            int id = registry.add(TruckDeparture.getClassSchema().toString());
            byte[] record = frame(id, avroBody(TRUCK));
            use(registry.url());
            assertThat(failure(Stream.TRUCK_DEPARTURE, record)).isInstanceOf(RegistryUnavailable.class)
                    .hasMessageContaining("unreachable (javax.net.ssl.SSLHandshakeException");
            use(registry.url(), "schema.registry.ssl.truststore.location", dir.resolve("trust.p12").toString(),
                    "schema.registry.ssl.truststore.password", "trustpass", "schema.registry.ssl.truststore.type", "PKCS12");
            assertThat(JsonAvroEquivalenceTest.describe(EventDecoder.decode(Stream.TRUCK_DEPARTURE, record, null))).isEqualTo(expected());
        }
    }

    private static void keytool(Path dir, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
    }

    @Test
    void shouldRegisterSchemasUnderASubjectAndGetTheSameIdForTheSameSchema() throws Exception {
        try (FakeSchemaRegistry registry = FakeSchemaRegistry.start()) {
            ConfluentRegistry r = use(registry.url());
            int id = r.register("planpulse.truck-departures-value", TruckDeparture.getClassSchema());
            assertThat(r.register("planpulse.truck-departures-value", TruckDeparture.getClassSchema())).isEqualTo(id);
            assertThat(registry.subject("planpulse.truck-departures-value"))
                    .containsExactly(TruckDeparture.getClassSchema().toString());
            assertThat(registry.postContentTypes).containsOnly("application/vnd.schemaregistry.v1+json");
            // and what was registered reads back through the wire format
            InputEvent e = EventDecoder.decode(Stream.TRUCK_DEPARTURE, frame(id, avroBody(TRUCK)), null);
            assertThat(JsonAvroEquivalenceTest.describe(e)).isEqualTo(expected());
        }
    }

    @Test
    void shouldRefuseSettingsThatCannotWork() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> use("localhost:8081"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected http(s)://host:port");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> use("http://r:8081", "basic.auth.credentials.source", "SASL_INHERIT"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SASL_INHERIT is not supported");
        assertThat(ConfluentRegistry.of(Map.of())).isNull();
    }
}
