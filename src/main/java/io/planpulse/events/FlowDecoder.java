package io.planpulse.events;

import io.planpulse.avro.HubThroughput;
import io.planpulse.avro.TradeDeclaration;
import io.planpulse.avro.TruckDeparture;
import io.planpulse.base.Stream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * Reads a flow event (truck departure, trade declaration, hub throughput) written with the current version of its
 * schema straight off the record's bytes, in the order of that version's fields: no record object, no resolver, no
 * logical-type conversion. Every value then goes through the same checks as the generic path
 * ({@link EventDecoder}).
 *
 * <p>It takes only the well-formed case. Another fingerprint (an older released version), a string length that is
 * negative or runs past the end, a varint longer than Avro allows: {@link #decode} returns null and the caller
 * decodes with Avro, which gives the same result or the same rejection it always gave. Like Avro's decoder it
 * ignores bytes after the last field. A layout is used only if the current schema's fields are exactly the ones it
 * reads ({@link #layoutMatches}); a schema change that is not mirrored here turns the fast path off, and
 * {@code FlowDecoderTest} fails until it is.
 */
final class FlowDecoder {
    private static final int HEADER = 10;
    private static final List<String> TRUCK_FIELDS = List.of("departure_id:STRING", "route_id:STRING",
            "destination_country:STRING", "exit_port:STRING", "departed_at:LONG", "cargo_value_cny:DOUBLE",
            "cargo_weight_t:DOUBLE");
    private static final List<String> TRADE_FIELDS = List.of("declaration_id:STRING", "direction:STRING",
            "channel:STRING", "partner_country:STRING", "value_cny:DOUBLE", "declared_at:LONG");
    private static final List<String> HUB_FIELDS = List.of("record_id:STRING", "terminal:STRING", "tonnes:DOUBLE",
            "measured_at:LONG");
    /** The current versions end in the optional district (a union of null and string). */
    private static final String DISTRICT = "district:UNION";
    private static final Layout TRUCK = new Layout(TruckDeparture.getClassSchema(), with(TRUCK_FIELDS), true);
    private static final Layout TRADE = new Layout(TradeDeclaration.getClassSchema(), with(TRADE_FIELDS), true);
    private static final Layout HUB = new Layout(HubThroughput.getClassSchema(), with(HUB_FIELDS), true);
    /** The first released versions (schemas/history/NAME/v1.avsc), without a district: still what most producers send. */
    private static final Layout TRUCK_V1 = Layout.released("TruckDeparture", 1, TRUCK_FIELDS);
    private static final Layout TRADE_V1 = Layout.released("TradeDeclaration", 1, TRADE_FIELDS);
    private static final Layout HUB_V1 = Layout.released("HubThroughput", 1, HUB_FIELDS);

    private static List<String> with(List<String> fields) {
        List<String> l = new java.util.ArrayList<>(fields);
        l.add(DISTRICT);
        return List.copyOf(l);
    }

    private FlowDecoder() {
    }

    /**
     * A released writer schema of a stream: its fingerprint, whether its fields are the ones read here, and whether
     * it ends in the district.
     */
    record Layout(byte[] header, boolean enabled, boolean district) {
        Layout(Schema schema, List<String> fields, boolean district) {
            this(header(schema), layoutMatches(schema, fields), district);
        }

        /** The released version {@code v} of a schema, from schemas/history; disabled if it is not there. */
        static Layout released(String name, int v, List<String> fields) {
            List<Schema> history = io.planpulse.base.AvroCodec.history(name);
            if (history.size() < v) {
                return new Layout(new byte[HEADER], false, false);
            }
            return new Layout(history.get(v - 1), fields, false);
        }

        private static byte[] header(Schema schema) {
            long fp = SchemaNormalization.parsingFingerprint64(schema);
            byte[] h = new byte[HEADER];
            h[0] = (byte) 0xC3;
            h[1] = 0x01;
            for (int i = 0; i < 8; i++) {
                h[2 + i] = (byte) (fp >>> (8 * i)); // little-endian, as the single-object encoding writes it
            }
            return h;
        }

        boolean matches(byte[] value) {
            return enabled && value.length >= HEADER && Arrays.equals(value, 0, HEADER, header, 0, HEADER);
        }
    }

    /** True when the schema's fields are, in order, exactly {@code name:TYPE} (timestamps are LONG). */
    static boolean layoutMatches(Schema schema, List<String> fields) {
        List<Schema.Field> actual = schema.getFields();
        if (actual.size() != fields.size()) {
            return false;
        }
        for (int i = 0; i < actual.size(); i++) {
            Schema.Field f = actual.get(i);
            if (!fields.get(i).equals(f.name() + ":" + f.schema().getType())) {
                return false;
            }
        }
        return true;
    }

    static boolean enabled(Stream stream) {
        Layout l = layout(stream);
        return l != null && l.enabled();
    }

    /** True when the fast path also reads the stream's first released version (without a district). */
    static boolean enabledForV1(Stream stream) {
        Layout l = v1(stream);
        return l != null && l.enabled();
    }

    private static Layout layout(Stream stream) {
        return switch (stream) {
            case TRUCK_DEPARTURE -> TRUCK;
            case TRADE_DECLARATION -> TRADE;
            case HUB_THROUGHPUT -> HUB;
            default -> null;
        };
    }

    private static Layout v1(Stream stream) {
        return switch (stream) {
            case TRUCK_DEPARTURE -> TRUCK_V1;
            case TRADE_DECLARATION -> TRADE_V1;
            case HUB_THROUGHPUT -> HUB_V1;
            default -> null;
        };
    }

    /**
     * The event, checked as {@link EventDecoder} checks it; null when the bytes are not a well-formed record of the
     * current version (the caller then decodes them with Avro).
     *
     * @throws Rejection when the record is well formed but a value is refused
     */
    static InputEvent decode(Stream stream, byte[] value) throws Rejection {
        Layout layout = layout(stream);
        if (layout == null) {
            return null;
        }
        if (!layout.matches(value)) {
            layout = v1(stream);
            if (!layout.matches(value)) {
                return null;
            }
        }
        boolean district = layout.district();
        Reader r = new Reader(value);
        try {
            return switch (stream) {
                case TRUCK_DEPARTURE -> {
                    String id = r.string();
                    String route = r.dimension();
                    String destination = r.dimension();
                    String exitPort = r.dimension();
                    Instant at = r.time();
                    double v = r.doubleValue();
                    double w = r.doubleValue();
                    yield EventDecoder.truck(id, route, destination, exitPort, at, v, w, district ? r.optional() : null);
                }
                case TRADE_DECLARATION -> {
                    String id = r.string();
                    String direction = r.dimension();
                    String channel = r.dimension();
                    String partner = r.dimension();
                    double v = r.doubleValue();
                    Instant at = r.time();
                    yield EventDecoder.trade(id, direction, channel, partner, v, at, district ? r.optional() : null);
                }
                default -> {
                    String id = r.string();
                    String terminal = r.dimension();
                    double tonnes = r.doubleValue();
                    Instant at = r.time();
                    yield EventDecoder.hub(id, terminal, tonnes, at, district ? r.optional() : null);
                }
            };
        } catch (Malformed m) {
            return null;
        }
    }

    /** The bytes are not what the fast path reads: the caller falls back to Avro. */
    private static final class Malformed extends Exception {
        private static final Malformed INSTANCE = new Malformed();

        private Malformed() {
            super(null, null, false, false);
        }
    }

    /** Avro binary encoding, as Avro's BinaryDecoder reads it, for the types above. */
    private static final class Reader {
        private final byte[] b;
        private int p = HEADER;

        Reader(byte[] b) {
            this.b = b;
        }

        /** A zig-zag varint of at most 10 bytes (Avro's limit for a long). */
        long varLong() throws Malformed {
            long raw = 0;
            for (int shift = 0; shift < 70; shift += 7) {
                if (p >= b.length) {
                    throw Malformed.INSTANCE;
                }
                int x = b[p++];
                raw |= (long) (x & 0x7F) << shift;
                if (x >= 0) {
                    return (raw >>> 1) ^ -(raw & 1);
                }
            }
            throw Malformed.INSTANCE;
        }

        /** A string: its length as an Avro int (at most 5 bytes), then UTF-8, decoded as Avro's Utf8.toString does. */
        String string() throws Malformed {
            int len = stringLength();
            String s = new String(b, p, len, StandardCharsets.UTF_8);
            p += len;
            return s;
        }

        /**
         * A dimension value (route, country, channel, terminal...): a string like {@link #string()}, taken from
         * {@link Dimensions} when the same bytes were read before, so the few values of a dimension are one String
         * each, with its hash computed once.
         */
        String dimension() throws Malformed {
            int len = stringLength();
            String s = Dimensions.get(b, p, len);
            p += len;
            return s;
        }

        /** A string's length: an Avro int of at most 5 bytes, not negative, and no longer than the bytes left. */
        private int stringLength() throws Malformed {
            int start = p;
            long len = varLong();
            if (p - start > 5 || len < 0 || len > b.length - p) {
                throw Malformed.INSTANCE;
            }
            return (int) len;
        }

        /** A union of null and string (branch 0 null, 1 string), as a dimension value. */
        String optional() throws Malformed {
            long branch = varLong();
            if (branch == 0) {
                return null;
            }
            if (branch != 1) {
                throw Malformed.INSTANCE;
            }
            return dimension();
        }

        Instant time() throws Malformed {
            return Instant.ofEpochMilli(varLong());
        }

        double doubleValue() throws Malformed {
            if (b.length - p < 8) {
                throw Malformed.INSTANCE;
            }
            long bits = 0;
            for (int i = 7; i >= 0; i--) {
                bits = (bits << 8) | (b[p + i] & 0xFF);
            }
            p += 8;
            return Double.longBitsToDouble(bits);
        }
    }

    /**
     * The strings of recently read dimension values, by their UTF-8 bytes: a fixed, direct-mapped table shared by
     * every thread. An entry is immutable and published by a plain reference write (its fields are final, so a
     * thread sees it whole or not at all); a miss or a collision decodes the string and replaces the entry. Memory is
     * bounded by the table, whatever the values.
     */
    static final class Dimensions {
        private static final int SIZE = 4096;
        private static final int MAX_LEN = 64;
        private static final Entry[] TABLE = new Entry[SIZE];

        private record Entry(byte[] bytes, String value) {
        }

        private Dimensions() {
        }

        static String get(byte[] b, int off, int len) {
            if (len > MAX_LEN) {
                return new String(b, off, len, StandardCharsets.UTF_8);
            }
            int h = len;
            for (int i = off; i < off + len; i++) {
                h = 31 * h + b[i];
            }
            int slot = (h ^ (h >>> 12)) & (SIZE - 1);
            Entry e = TABLE[slot];
            if (e != null && Arrays.equals(e.bytes, 0, e.bytes.length, b, off, off + len)) {
                return e.value;
            }
            String s = new String(b, off, len, StandardCharsets.UTF_8);
            TABLE[slot] = new Entry(Arrays.copyOfRange(b, off, off + len), s);
            return s;
        }
    }
}
