package io.planpulse.events;

import io.planpulse.base.AvroCodec;
import com.fasterxml.jackson.databind.JsonNode;
import io.planpulse.avro.RejectedRecord;
import io.planpulse.base.Topics;
import io.planpulse.base.Stream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * The schemas producers need, as {@code planpulse schemas} prints them and {@code GET /schemas} serves them: one per
 * input topic, and the record of planpulse.rejected for readers of bad records. Each with its released version
 * (schemas/history) and its CRC-64-AVRO fingerprint, the one the single-object header carries.
 */
public final class InputSchemas {
    /** The type name of planpulse.rejected's record. */
    public static final String REJECTED = "rejected_record";

    /**
     * One schema.
     *
     * @param type    the event type (the JSON Lines "type"), or {@value #REJECTED}
     * @param version its released version (schemas/history/NAME/vN.avsc), 0 if the current schema is not released
     * @param text    the .avsc as shipped
     */
    public record Entry(String type, String topic, boolean input, Schema schema, int version, String text) {
        /** The subject of the topic's values in a registry (Confluent's TopicNameStrategy). */
        public String subject() {
            return topic + "-value";
        }

        public long fingerprint() {
            return SchemaNormalization.parsingFingerprint64(schema);
        }

        /** The fingerprint as 16 hex digits (the number, most significant first). */
        public String fingerprintHex() {
            return String.format("%016x", fingerprint());
        }

        /** The 10 bytes a single-object record starts with: C3 01 and the fingerprint, little-endian. */
        public byte[] header() {
            byte[] h = new byte[10];
            h[0] = (byte) 0xC3;
            h[1] = 0x01;
            long fp = fingerprint();
            for (int i = 0; i < 8; i++) {
                h[2 + i] = (byte) (fp >>> (8 * i));
            }
            return h;
        }

        /** The listing of GET /schemas. */
        public Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", type);
            m.put("role", input ? "input" : "output");
            m.put("topic", topic);
            if (input) {
                m.put("subject", subject());
            }
            m.put("name", schema.getFullName());
            m.put("version", version);
            m.put("fingerprint", fingerprintHex());
            m.put("single_object_header", HexFormat.ofDelimiter(" ").formatHex(header()));
            m.put("schema", json());
            return m;
        }

        /** The .avsc as a JSON tree. */
        public JsonNode json() {
            try {
                return JsonEvents.MAPPER.readTree(text);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static final List<Entry> ALL = load();

    private InputSchemas() {
    }

    private static List<Entry> load() {
        List<Entry> out = new ArrayList<>();
        for (Stream s : Stream.values()) {
            Schema schema = switch (s) {
                case TRUCK_DEPARTURE -> Topics.TRUCK_DEPARTURE.schema();
                case TRADE_DECLARATION -> Topics.TRADE_DECLARATION.schema();
                case HUB_THROUGHPUT -> Topics.HUB_THROUGHPUT.schema();
                case PROJECT_PROGRESS -> Topics.PROJECT_PROGRESS.schema();
                case INDICATOR_REPORT -> Topics.INDICATOR_REPORT.schema();
            };
            out.add(entry(s.type(), s.topic(), true, schema));
        }
        out.add(entry(REJECTED, Topics.REJECTED.name(), false, RejectedRecord.getClassSchema()));
        return List.copyOf(out);
    }

    private static Entry entry(String type, String topic, boolean input, Schema schema) {
        long fp = SchemaNormalization.parsingFingerprint64(schema);
        List<Schema> history = AvroCodec.history(schema.getName());
        int version = 0;
        for (int i = 0; i < history.size(); i++) {
            if (SchemaNormalization.parsingFingerprint64(history.get(i)) == fp) {
                version = i + 1;
            }
        }
        String text;
        try (InputStream in = InputSchemas.class.getResourceAsStream("/schemas/" + schema.getName() + ".avsc")) {
            text = in == null ? schema.toString(true) : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Entry(type, topic, input, schema, version, text);
    }

    /** The five input schemas, then planpulse.rejected's. */
    public static List<Entry> all() {
        return ALL;
    }

    public static List<Entry> inputs() {
        return ALL.stream().filter(Entry::input).toList();
    }

    /** By type name ({@code truck_departure}, ..., {@value #REJECTED}), or null. */
    public static Entry byType(String type) {
        return ALL.stream().filter(e -> e.type().equals(type)).findFirst().orElse(null);
    }
}
