package io.planpulse.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.planpulse.avro.HubThroughput;
import io.planpulse.avro.TradeDeclaration;
import io.planpulse.avro.TruckDeparture;
import io.planpulse.base.AvroCodec;
import io.planpulse.base.Topics;
import org.apache.avro.Schema;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.generic.GenericData;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificRecordBase;
import io.planpulse.pipeline.TopologyFixture;
import io.planpulse.base.Stream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fast path for flow events gives, for any bytes, exactly what Avro's decoder gives: the same event, or the same
 * rejection with the same message. Checked on random well-formed records with awkward values, on every truncation of
 * them, on corrupted and trailing bytes, and on records of the older released versions (which it leaves to Avro).
 */
class FlowDecoderTest {
    private static final List<Stream> FLOWS = List.of(Stream.TRUCK_DEPARTURE, Stream.TRADE_DECLARATION,
            Stream.HUB_THROUGHPUT);
    private final Random rnd = new Random(20251125);

    @Test
    void shouldReadTheCurrentVersionOfEveryFlowSchema() throws Exception {
        for (Stream s : FLOWS) {
            assertThat(FlowDecoder.enabled(s)).as("a field of %s changed: mirror it in FlowDecoder", s).isTrue();
        }
        String at = "2025-03-01T10:00:00+08:00";
        InputEvent truck = FlowDecoder.decode(Stream.TRUCK_DEPARTURE,
                Topics.TRUCK_DEPARTURE.encode(TopologyFixture.truck("t1", at, "VN", 1234.56)));
        assertThat(truck.id()).isEqualTo("t1");
        assertThat(truck.time()).isEqualTo(Instant.parse("2025-03-01T02:00:00Z"));
        assertThat(truck.fields().get("destination_country")).isEqualTo("VN");
        assertThat(truck.measures().get("cargo_value_cny")).isEqualByComparingTo("1234.56");
        assertThat(FlowDecoder.decode(Stream.TRADE_DECLARATION,
                Topics.TRADE_DECLARATION.encode(TopologyFixture.trade("x1", at, 10.5))).measures().get("value_cny"))
                .isEqualByComparingTo("10.5");
        assertThat(FlowDecoder.decode(Stream.HUB_THROUGHPUT,
                Topics.HUB_THROUGHPUT.encode(TopologyFixture.hub("h1", at, 7.25))).measures().get("tonnes"))
                .isEqualByComparingTo("7.25");
        assertThat(FlowDecoder.enabled(Stream.PROJECT_PROGRESS)).isFalse();
    }

    @Test
    void shouldTurnItselfOffWhenTheSchemaHasOtherFields() {
        assertThat(FlowDecoder.layoutMatches(HubThroughput.getClassSchema(), List.of("record_id:STRING",
                "terminal:STRING", "tonnes:DOUBLE", "measured_at:LONG", "district:UNION"))).isTrue();
        assertThat(FlowDecoder.layoutMatches(HubThroughput.getClassSchema(), List.of("record_id:STRING",
                "tonnes:DOUBLE", "terminal:STRING", "measured_at:LONG", "district:UNION"))).isFalse();
        assertThat(FlowDecoder.layoutMatches(HubThroughput.getClassSchema(),
                List.of("record_id:STRING", "terminal:STRING", "tonnes:DOUBLE", "measured_at:LONG"))).isFalse();
    }

    @Test
    void shouldDecodeExactlyAsAvroDoesWhateverTheBytes() throws Exception {
        int fast = 0;
        for (int i = 0; i < 3_000; i++) {
            Stream s = FLOWS.get(i % FLOWS.size());
            byte[] good = record(s);
            List<byte[]> variants = new ArrayList<>();
            variants.add(good);
            variants.add(Arrays.copyOf(good, good.length + 1 + rnd.nextInt(8))); // trailing bytes, ignored by Avro
            variants.add(Arrays.copyOf(good, rnd.nextInt(good.length))); // truncated anywhere, header included
            byte[] flipped = good.clone();
            flipped[10 + rnd.nextInt(good.length - 10)] = (byte) rnd.nextInt(256);
            variants.add(flipped);
            for (byte[] v : variants) {
                if (v.length == 0 || v[0] == '{') {
                    continue;
                }
                assertSameAsAvro(s, v);
                if (tookFastPath(s, v)) {
                    fast++;
                }
            }
        }
        assertThat(fast).as("records the fast path took").isGreaterThan(6_000);
    }

    @Test
    void shouldLeaveRecordsOfAnotherVersionToAvro() throws Exception {
        byte[] good = record(Stream.HUB_THROUGHPUT);
        byte[] otherFingerprint = good.clone();
        otherFingerprint[5] ^= 1;
        assertThat(FlowDecoder.decode(Stream.HUB_THROUGHPUT, otherFingerprint)).isNull();
        assertSameAsAvro(Stream.HUB_THROUGHPUT, otherFingerprint);
        assertThat(FlowDecoder.decode(Stream.TRADE_DECLARATION, good)).as("a hub record on the trade topic").isNull();
        assertSameAsAvro(Stream.TRADE_DECLARATION, good);
    }

    private static boolean tookFastPath(Stream s, byte[] v) {
        try {
            return FlowDecoder.decode(s, v) != null;
        } catch (Rejection r) {
            return true;
        }
    }

    private void assertSameAsAvro(Stream s, byte[] v) {
        Object expected = outcome(() -> EventDecoder.decodeWithAvro(s, v));
        Object actual = outcome(() -> EventDecoder.decode(s, v));
        assertThat(actual).as("%s %s", s, Arrays.toString(v)).isEqualTo(expected);
    }

    private interface Decode {
        InputEvent run() throws Rejection;
    }

    /** What a decode came to, comparable: the event's parts, or the rejection's reason and message. */
    private static Object outcome(Decode d) {
        try {
            InputEvent e = d.run();
            List<Object> parts = new ArrayList<>(List.of(e.stream(), e.id(), e.time(), e.fields()));
            parts.add(String.valueOf(e.district()));
            for (String m : List.of("cargo_value_cny", "cargo_weight_t", "value_cny", "tonnes", "count")) {
                parts.add(String.valueOf(e.measures().get(m)));
            }
            return parts;
        } catch (Rejection r) {
            return List.of("rejected", r.reason(), String.valueOf(r.getMessage()));
        } catch (RuntimeException x) {
            return List.of("thrown", x.getClass().getName());
        }
    }

    /** A random record of the current version, or (one in three) of the first released one, without a district. */
    private byte[] record(Stream s) {
        Instant at = Instant.ofEpochMilli(pick(rnd.nextLong(), 0L, -1L, 1_735_660_800_000L + rnd.nextInt(1 << 30),
                Long.MAX_VALUE, Long.MIN_VALUE));
        String district = pick(null, null, "500113", "500112", "50011", "5001130", "50011a", "", "５00113");
        SpecificRecordBase r = switch (s) {
            case TRUCK_DEPARTURE -> new TruckDeparture(text(), text(), pick("VN", "la", "V", "VNM", "Ü1", ""), text(),
                    at, amount(), amount(), district);
            case TRADE_DECLARATION -> new TradeDeclaration(text(), pick("import", "export", "Import", "", " "), text(),
                    pick("VN", "TH", "T", ""), amount(), at, district);
            default -> new HubThroughput(text(), text(), amount(), at, district);
        };
        if (rnd.nextInt(3) == 0) {
            return v1(r);
        }
        return switch (s) {
            case TRUCK_DEPARTURE -> Topics.TRUCK_DEPARTURE.encode((TruckDeparture) r);
            case TRADE_DECLARATION -> Topics.TRADE_DECLARATION.encode((TradeDeclaration) r);
            default -> Topics.HUB_THROUGHPUT.encode((HubThroughput) r);
        };
    }

    /** The record as a producer of the first released version writes it: single-object, v1's fingerprint. */
    static byte[] v1(SpecificRecordBase r) {
        Schema v1 = AvroCodec.history(r.getSchema().getName()).get(0);
        GenericData model = new GenericData();
        model.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
        GenericData.Record g = new GenericData.Record(v1);
        for (Schema.Field f : v1.getFields()) {
            g.put(f.name(), r.get(f.name()));
        }
        try {
            return new BinaryMessageEncoder<GenericData.Record>(model, v1).encode(g).array();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void shouldReadTheFirstReleasedVersionOnTheFastPathAsTheDeploymentsDistrict() throws Exception {
        for (Stream s : FLOWS) {
            assertThat(FlowDecoder.enabledForV1(s)).as("v1 of %s", s).isTrue();
        }
        byte[] old = v1(TopologyFixture.truck("t1", "2025-03-01T10:00:00+08:00", "VN", 5));
        assertThat(FlowDecoder.decode(Stream.TRUCK_DEPARTURE, old)).as("fast path").isNotNull();
        assertThat(FlowDecoder.decode(Stream.TRUCK_DEPARTURE, old).district()).isNull();
        assertSameAsAvro(Stream.TRUCK_DEPARTURE, old);
        TruckDeparture yubei = TopologyFixture.truck("t2", "2025-03-01T10:00:00+08:00", "VN", 5);
        yubei.setDistrict("500112");
        assertThat(FlowDecoder.decode(Stream.TRUCK_DEPARTURE, Topics.TRUCK_DEPARTURE.encode(yubei)).district())
                .isEqualTo("500112");
        yubei.setDistrict("5001120");
        assertThatThrownBy(() -> EventDecoder.decode(Stream.TRUCK_DEPARTURE, Topics.TRUCK_DEPARTURE.encode(yubei)))
                .isInstanceOf(Rejection.class).hasMessageContaining("district must be a 6-digit")
                .extracting(e -> ((Rejection) e).reason()).isEqualTo(Rejection.INVALID_VALUE);
    }

    @SafeVarargs
    private <T> T pick(T... options) {
        return options[rnd.nextInt(options.length)];
    }

    private String text() {
        return pick("td-" + rnd.nextInt(1_000_000), "", " ", "路线-" + rnd.nextInt(99), "x".repeat(256),
                "x".repeat(257), "\uD83D\uDE9A" + rnd.nextInt(), "a\u0000b");
    }

    private double amount() {
        return pick(Math.round(rnd.nextDouble() * 1e8) / 100.0, rnd.nextDouble() * 1e12, 0.0, -0.0, -1.5, Double.NaN,
                Double.POSITIVE_INFINITY, Double.MIN_VALUE, Double.MAX_VALUE, 0.1);
    }

    @Test
    void shouldGiveOneStringPerDimensionValueAndTheRightOneWhateverCollides() {
        byte[] a = "xxVNyy".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String first = FlowDecoder.Dimensions.get(a, 2, 2);
        assertThat(first).isEqualTo("VN");
        assertThat(FlowDecoder.Dimensions.get("VN".getBytes(java.nio.charset.StandardCharsets.UTF_8), 0, 2))
                .isSameAs(first);
        // many distinct values share the table's slots: each still reads back as its own bytes
        for (int i = 0; i < 20_000; i++) {
            String v = "route-" + i + "-\u8def";
            byte[] b = v.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            assertThat(FlowDecoder.Dimensions.get(b, 0, b.length)).isEqualTo(v);
        }
        String longValue = "x".repeat(200); // past the cached length: decoded each time
        byte[] lb = longValue.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(FlowDecoder.Dimensions.get(lb, 0, lb.length)).isEqualTo(longValue);
    }
}
