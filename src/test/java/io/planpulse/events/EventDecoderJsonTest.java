package io.planpulse.events;

import static io.planpulse.pipeline.TopologyFixture.truck;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.planpulse.avro.RejectedRecord;
import io.planpulse.base.Topics;
import io.planpulse.pipeline.TopologyFixture;
import io.planpulse.base.Stream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * JSON values on the input topics, the content-type header and CloudEvents' Kafka binding, Confluent framing without
 * a registry: what each decodes to, and each refusal's reason and detail.
 */
class EventDecoderJsonTest {
    static final String TRUCK = "{\"departure_id\":\"d1\",\"route_id\":\"cq-hanoi\",\"destination_country\":\"VN\","
            + "\"exit_port\":\"youyiguan\",\"departed_at\":\"2025-02-01T00:10:00+08:00\",\"cargo_value_cny\":1000000.01,"
            + "\"cargo_weight_t\":18.5}";
    static final byte[] TRUCK_AVRO = Topics.TRUCK_DEPARTURE.encode(truck("d1", "2025-02-01T00:10:00+08:00", "VN", 1000000.01));

    @AfterEach
    void noRegistry() {
        EventDecoder.useRegistry(null);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Headers headers(String... kv) {
        RecordHeaders h = new RecordHeaders();
        for (int i = 0; i < kv.length; i += 2) {
            h.add(kv[i], b(kv[i + 1]));
        }
        return h;
    }

    static InputEvent decode(Stream s, String json, Headers h) throws Rejection {
        return EventDecoder.decode(s, b(json), h);
    }

    static Rejection rejection(Stream s, byte[] value, Headers h) {
        try {
            InputEvent e = EventDecoder.decode(s, value, h);
            throw new AssertionError("accepted: " + e);
        } catch (Rejection r) {
            return r;
        }
    }

    static Rejection rejection(Stream s, String json) {
        return rejection(s, b(json), null);
    }

    @Test
    void shouldDecodeAJsonTruckToTheSameEventAsItsAvroForm() throws Exception {
        InputEvent avro = EventDecoder.decode(Stream.TRUCK_DEPARTURE, TRUCK_AVRO);
        for (InputEvent json : new InputEvent[] {
            decode(Stream.TRUCK_DEPARTURE, TRUCK, null),
            decode(Stream.TRUCK_DEPARTURE, TRUCK, new RecordHeaders()),
            decode(Stream.TRUCK_DEPARTURE, TRUCK.replace("{", "{\"type\":\"truck_departure\","), null),
            decode(Stream.TRUCK_DEPARTURE, "\uFEFF \n\t" + TRUCK, null),
            decode(Stream.TRUCK_DEPARTURE, TRUCK.replace("}", ",\"note\":\"fields planpulse does not read are ignored\"}"), null),
            decode(Stream.TRUCK_DEPARTURE, TRUCK.replace("+08:00", ".000000+08:00"), null),
        }) {
            assertThat(JsonAvroEquivalenceTest.describe(json)).isEqualTo(JsonAvroEquivalenceTest.describe(avro));
        }
        InputEvent e = decode(Stream.TRUCK_DEPARTURE, TRUCK, null);
        assertThat(e.id()).isEqualTo("d1");
        assertThat(e.time()).isEqualTo(Instant.parse("2025-01-31T16:10:00Z"));
        assertThat(e.fields()).isEqualTo(Map.of("route_id", "cq-hanoi", "destination_country", "VN", "exit_port", "youyiguan"));
        assertThat(e.measures().get("cargo_value_cny")).hasToString("1000000.01");
    }

    @Test
    void shouldCutJsonTimesToTheMillisecondAsAvroDoes() throws Exception {
        InputEvent e = decode(Stream.TRUCK_DEPARTURE, TRUCK.replace("00:10:00+08:00", "00:10:00.123999999+08:00"), null);
        assertThat(e.time()).isEqualTo(Instant.parse("2025-01-31T16:10:00.123Z"));
    }

    @Test
    void shouldRefuseBadJsonWithTheReasonsAvroGets() {
        Stream t = Stream.TRUCK_DEPARTURE;
        assertThat(rejection(t, TRUCK.replace("\"departure_id\":\"d1\",", ""))).satisfies(r -> {
            assertThat(r.reason()).isEqualTo("missing_field");
            assertThat(r.getMessage()).isEqualTo("departure_id is missing or empty");
        });
        assertThat(rejection(t, TRUCK.replace("\"d1\"", "null")).reason()).isEqualTo("missing_field");
        assertThat(rejection(t, TRUCK.replace("\"d1\"", "\"  \"")).reason()).isEqualTo("missing_field");
        assertThat(rejection(t, TRUCK.replace(",\"cargo_weight_t\":18.5", ""))).satisfies(r -> {
            assertThat(r.reason()).isEqualTo("missing_field");
            assertThat(r.getMessage()).isEqualTo("missing required field \"cargo_weight_t\"");
        });
        assertThat(rejection(t, TRUCK.replace(",\"departed_at\":\"2025-02-01T00:10:00+08:00\"", ""))).satisfies(r -> {
            assertThat(r.reason()).isEqualTo("missing_field");
            assertThat(r.getMessage()).isEqualTo("departed_at is missing");
        });
        assertThat(rejection(t, TRUCK.replace("1000000.01", "-5"))).satisfies(r -> {
            assertThat(r.reason()).isEqualTo("negative_amount");
            assertThat(r.getMessage()).isEqualTo("cargo_value_cny is negative: -5.0");
        });
        assertThat(rejection(t, TRUCK.replace("1000000.01", "\"NaN\"")).reason()).isEqualTo("invalid_value");
        assertThat(rejection(t, TRUCK.replace("1000000.01", "\"-Infinity\"")).reason()).isEqualTo("invalid_value");
        assertThat(rejection(t, TRUCK.replace("1000000.01", "1e999")).reason()).isEqualTo("invalid_value");
        assertThat(rejection(t, TRUCK.replace("1000000.01", "\"1000000.01\""))).satisfies(r -> {
            assertThat(r.reason()).isEqualTo("invalid_value");
            assertThat(r.getMessage()).isEqualTo("field \"cargo_value_cny\" must be a number");
        });
        assertThat(rejection(t, TRUCK.replace("\"d1\"", "17")).getMessage()).isEqualTo("field \"departure_id\" must be a string");
        assertThat(rejection(t, TRUCK.replace("\"VN\"", "\"Vietnam\"")).reason()).isEqualTo("invalid_value");
        assertThat(rejection(t, TRUCK.replace("\"d1\"", "\"" + "x".repeat(257) + "\"")).reason()).isEqualTo("invalid_value");
        assertThat(rejection(t, TRUCK.replace("2025-02-01T00:10:00+08:00", "2025-02-01T00:10:00"))).satisfies(r -> {
            assertThat(r.reason()).isEqualTo("invalid_value");
            assertThat(r.getMessage()).isEqualTo("field \"departed_at\" must be an ISO-8601 time with an offset, not "
                    + "'2025-02-01T00:10:00'");
        });
        assertThat(rejection(t, TRUCK.replace("\"2025-02-01T00:10:00+08:00\"", "1738339800000")).reason())
                .isEqualTo("invalid_value");
        Stream p = Stream.PROJECT_PROGRESS;
        String report = "{\"report_id\":\"r1\",\"project_id\":\"p1\",\"period\":\"2025-13\",\"investment_cny\":5,"
                + "\"reported_at\":\"2025-02-05T09:00:00+08:00\"}";
        assertThat(rejection(p, report).reason()).isEqualTo("bad_period");
        assertThat(rejection(p, report.replace("2025-13", "2025-01").replace("5,", "5,\"progress_pct\":101,")).reason())
                .isEqualTo("invalid_value");
        assertThat(rejection(p, report.replace("2025-13", "2025-01").replace("5,", "5,\"milestone\":7,")).reason())
                .isEqualTo("invalid_value");
    }

    @Test
    void shouldRefuseATypeThatIsNotTheTopicsAndJsonThatIsNotOneObject() {
        assertThat(rejection(Stream.TRUCK_DEPARTURE, TRUCK.replace("{", "{\"type\":\"hub_throughput\","))).satisfies(r -> {
            assertThat(r.reason()).isEqualTo("unknown_schema");
            assertThat(r.getMessage()).isEqualTo("a JSON event of \"type\" \"hub_throughput\" on planpulse.truck-departures, "
                    + "which carries truck_departure events");
        });
        assertThat(rejection(Stream.TRUCK_DEPARTURE, "{\"departure_id\": oops}")).satisfies(r -> {
            assertThat(r.reason()).isEqualTo("undecodable");
            assertThat(r.getMessage()).startsWith("not valid JSON: Unrecognized token 'oops'");
        });
        assertThat(rejection(Stream.TRUCK_DEPARTURE, TRUCK + " {}").reason()).isEqualTo("undecodable");
        assertThat(rejection(Stream.TRUCK_DEPARTURE, TRUCK.replace("}", ",\"cargo_weight_t\":21}")).getMessage())
                .contains("Duplicate field 'cargo_weight_t'");
        assertThat(rejection(Stream.TRUCK_DEPARTURE, b("[" + TRUCK + "]"), headers("content-type", "application/json")))
                .satisfies(r -> {
                    assertThat(r.reason()).isEqualTo("undecodable");
                    assertThat(r.getMessage()).isEqualTo("JSON must be a JSON object (content-type application/json), not an array");
                });
    }

    @Test
    void shouldLetTheContentTypeHeaderDecide() throws Exception {
        Stream t = Stream.TRUCK_DEPARTURE;
        String expected = JsonAvroEquivalenceTest.describe(EventDecoder.decode(t, TRUCK_AVRO));
        for (Headers h : new Headers[] {
            headers("content-type", "application/json"),
            headers("Content-Type", "application/json; charset=utf-8"),
            headers("content-type", "application/vnd.planpulse.truck-departure+json"),
            headers("ce_specversion", "1.0", "ce_type", "io.planpulse.truck_departure", "content-type", "application/json"),
            headers("ce_datacontenttype", "application/json"),
            headers("content-type", "text/plain"), // says nothing: the first byte decides
        }) {
            assertThat(JsonAvroEquivalenceTest.describe(decode(t, TRUCK, h))).as("%s", h).isEqualTo(expected);
        }
        for (Headers h : new Headers[] {
            headers("content-type", "application/avro"),
            headers("content-type", "avro/binary"),
            headers("content-type", "application/vnd.apache.avro+binary"),
            headers("ce_datacontenttype", "application/avro"),
            headers("content-type", "application/octet-stream"),
        }) {
            assertThat(JsonAvroEquivalenceTest.describe(EventDecoder.decode(t, TRUCK_AVRO, h))).as("%s", h).isEqualTo(expected);
        }
        // The header wins over the first byte, both ways, and the refusal says what the header claimed.
        assertThat(rejection(t, TRUCK_AVRO, headers("content-type", "application/json"))).satisfies(r -> {
            assertThat(r.reason()).isEqualTo("undecodable");
            assertThat(r.getMessage()).startsWith("not valid JSON (content-type application/json): ");
        });
        assertThat(rejection(t, b(TRUCK), headers("content-type", "application/avro"))).satisfies(r -> {
            assertThat(r.reason()).isEqualTo("undecodable");
            assertThat(r.getMessage()).startsWith("not single-object Avro (C3 01 + fingerprint), Confluent-framed Avro "
                    + "(00 + schema id) or JSON: ");
        });
        assertThat(rejection(t, b(TRUCK), headers("content-type", "application/vnd.apache.avro+json")).getMessage())
                .startsWith("content-type application/vnd.apache.avro+json is not read");
    }

    @Test
    void shouldReadCloudEventsInStructuredMode() throws Exception {
        Stream t = Stream.TRUCK_DEPARTURE;
        String expected = JsonAvroEquivalenceTest.describe(EventDecoder.decode(t, TRUCK_AVRO));
        Headers structured = headers("content-type", "application/cloudevents+json; charset=UTF-8");
        String envelope = "{\"specversion\":\"1.0\",\"type\":\"io.planpulse.truck_departure\",\"source\":\"/gate\","
                + "\"id\":\"e1\",\"datacontenttype\":\"application/json\",\"data\":" + TRUCK + "}";
        assertThat(JsonAvroEquivalenceTest.describe(decode(t, envelope, structured))).isEqualTo(expected);
        String binary = "{\"specversion\":\"1.0\",\"type\":\"t\",\"source\":\"/gate\",\"id\":\"e2\","
                + "\"datacontenttype\":\"application/avro\",\"data_base64\":\""
                + Base64.getEncoder().encodeToString(TRUCK_AVRO) + "\"}";
        assertThat(JsonAvroEquivalenceTest.describe(decode(t, binary, structured))).isEqualTo(expected);
        assertThat(rejection(t, b("{\"specversion\":\"1.0\",\"data\":\"text\"}"), structured).reason())
                .isEqualTo("undecodable");
    }

    @Test
    void shouldNameConfluentFramingAndSayWhatToDoWithoutARegistry() {
        byte[] framed = new byte[] {0, 0, 0, 0, 7, 2, 'x'};
        assertThat(rejection(Stream.TRUCK_DEPARTURE, framed, null)).satisfies(r -> {
            assertThat(r.reason()).isEqualTo("unknown_schema");
            assertThat(r.getMessage()).isEqualTo("Confluent wire format, schema id 7: set planpulse.schema.registry.url "
                    + "or send single-object Avro or JSON");
        });
        assertThat(rejection(Stream.TRUCK_DEPARTURE, new byte[] {0, 0, 1}, headers("content-type", "application/avro")))
                .satisfies(r -> {
                    assertThat(r.reason()).isEqualTo("undecodable");
                    assertThat(r.getMessage()).isEqualTo("Confluent wire format needs 5 header bytes (00 + schema id), got 3");
                });
        assertThat(rejection(Stream.TRUCK_DEPARTURE, new byte[] {0, (byte) 0x80, 0, 0, 1, 5}, null).getMessage())
                .startsWith("Confluent wire format, schema id -2147483647:");
    }

    @Test
    void shouldKeepTheReplayLinesReasonsInStepWithThePipelines() {
        String line = "{\"type\":\"truck_departure\"," + TRUCK.substring(1);
        assertThatThrownBy(() -> JsonEvents.parse(line.replace(",\"cargo_weight_t\":18.5", "")))
                .isInstanceOfSatisfying(JsonEvents.BadLine.class, b -> {
                    assertThat(b.reason()).isEqualTo(rejection(Stream.TRUCK_DEPARTURE, TRUCK.replace(",\"cargo_weight_t\":18.5", "")).reason());
                    assertThat(b.getMessage()).isEqualTo("missing required field \"cargo_weight_t\"");
                });
        assertThatThrownBy(() -> JsonEvents.parse(line.replace("18.5}", "\"heavy\"}")))
                .isInstanceOfSatisfying(JsonEvents.BadLine.class, b -> assertThat(b.reason()).isEqualTo("invalid_value"));
        assertThatThrownBy(() -> JsonEvents.parse("{oops")).isInstanceOfSatisfying(JsonEvents.BadLine.class,
                b -> assertThat(b.reason()).isEqualTo("undecodable"));
    }

    @Test
    void shouldCountJsonRecordsThroughThePipelineAndRejectBadOnesWithTheirBytes() throws Exception {
        try (TopologyFixture f = new TopologyFixture("2025-03-05T12:00:00+08:00")) {
            f.load(TopologyFixture.testPlan());
            f.send(Stream.TRUCK_DEPARTURE, "d1", b(TRUCK), headers("content-type", "application/json"));
            f.send(Stream.TRUCK_DEPARTURE, "d2", b(TRUCK.replace("d1", "d2")), new RecordHeaders());
            f.send(Stream.TRUCK_DEPARTURE, "d1", TRUCK_AVRO, new RecordHeaders()); // the same id in Avro: a duplicate
            f.send(Stream.TRUCK_DEPARTURE, "d3", b(TRUCK.replace("d1", "d3")), headers("content-type", "application/avro"));
            f.send(Stream.PROJECT_PROGRESS, "r1", b("{\"type\":\"project_progress\",\"report_id\":\"r1\",\"project_id\":\"p1\","
                    + "\"period\":\"2025-01\",\"investment_cny\":25000000,\"reported_at\":\"2025-02-05T09:00:00+08:00\"}"), null);
            f.settle();
            assertThat(f.kpi("trucks").getActual()).isEqualTo(2.0);
            assertThat(f.kpi("p1").getActual()).isEqualTo(0.25);
            assertThat(f.counter("planpulse.events.duplicate", "stream", "truck_departure")).isEqualTo(1.0);
            assertThat(f.rejects).hasSize(1);
            RejectedRecord r = f.rejects.get(0);
            assertThat(r.getReason()).isEqualTo("undecodable");
            assertThat(r.getOffset()).isEqualTo(3L);
            assertThat(r.getValue()).isEqualTo(java.nio.ByteBuffer.wrap(b(TRUCK.replace("d1", "d3"))));
        }
    }
}
