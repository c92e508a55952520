package io.planpulse.events;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.planpulse.avro.HubThroughput;
import io.planpulse.avro.IndicatorReport;
import io.planpulse.avro.ProjectProgress;
import io.planpulse.avro.TradeDeclaration;
import io.planpulse.avro.TruckDeparture;
import io.planpulse.base.Topics;
import io.planpulse.base.Stream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.apache.avro.specific.SpecificRecord;

/**
 * The JSON form of events (CONTRACT section 3): in JSON Lines files one object per line with a "type" and the
 * record's fields, and as a record value on an input topic the same object ("type" optional), times as ISO-8601 with
 * an offset. Both are read field by field the same way. A line that cannot become a record fails with a message
 * naming the problem; semantic checks (negative amounts, periods, ...) are the pipeline's ({@link EventDecoder}),
 * so such records are still produced.
 */
public final class JsonEvents {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    /** A parsed line: its stream, key (the id field) and Avro value. */
    public record Event(Stream stream, String key, SpecificRecord value) {
        public byte[] encode() {
            return switch (stream) {
                case TRUCK_DEPARTURE -> Topics.TRUCK_DEPARTURE.encode((TruckDeparture) value);
                case TRADE_DECLARATION -> Topics.TRADE_DECLARATION.encode((TradeDeclaration) value);
                case HUB_THROUGHPUT -> Topics.HUB_THROUGHPUT.encode((HubThroughput) value);
                case PROJECT_PROGRESS -> Topics.PROJECT_PROGRESS.encode((ProjectProgress) value);
                case INDICATOR_REPORT -> Topics.INDICATOR_REPORT.encode((IndicatorReport) value);
            };
        }
    }

    /** Why a line could not be turned into a record. */
    public static final class BadLine extends Exception {
        private final Stream stream;
        private final String reason;

        BadLine(Stream stream, String message) {
            this(stream, Rejection.UNDECODABLE, message);
        }

        BadLine(Stream stream, String reason, String message) {
            super(message, null, false, false);
            this.stream = stream;
            this.reason = reason;
        }

        /** The stream the line names, if it names a known one. */
        public Stream stream() {
            return stream;
        }

        /** The reason code the pipeline gives such a record. */
        public String reason() {
            return stream == null ? Rejection.UNDECODABLE : reason;
        }
    }

    private JsonEvents() {
    }

    /**
     * A JSON Lines line as an Avro record, for replay. The fields are read exactly as {@link #decode} reads a JSON value
     * on a topic; a line that cannot become a record fails with the reason the pipeline gives it.
     */
    public static Event parse(String line) throws BadLine {
        Flat o;
        try {
            o = Flat.read(line.getBytes(StandardCharsets.UTF_8));
        } catch (NotJson e) {
            throw new BadLine(null, "not valid JSON: " + e.getMessage());
        }
        if (o == null) {
            throw new BadLine(null, "a line must be a JSON object");
        }
        Object typeValue = o.get("type");
        String type = typeValue instanceof String t ? t : null;
        Stream s = type == null ? null : Stream.fromType(type);
        if (s == null) {
            throw new BadLine(null, "unknown or missing \"type\" " + (type == null ? "" : "'" + type + "' ")
                    + "(expected project_progress, truck_departure, trade_declaration, hub_throughput or indicator_report)");
        }
        try {
            SpecificRecord value = switch (s) {
                case TRUCK_DEPARTURE -> TruckDeparture.newBuilder()
                        .setDepartureId(str(o, "departure_id")).setRouteId(str(o, "route_id"))
                        .setDestinationCountry(str(o, "destination_country")).setExitPort(str(o, "exit_port"))
                        .setDepartedAt(time(o, "departed_at")).setCargoValueCny(num(o, "cargo_value_cny"))
                        .setCargoWeightT(num(o, "cargo_weight_t")).build();
                case TRADE_DECLARATION -> TradeDeclaration.newBuilder()
                        .setDeclarationId(str(o, "declaration_id")).setDirection(str(o, "direction"))
                        .setChannel(str(o, "channel")).setPartnerCountry(str(o, "partner_country"))
                        .setValueCny(num(o, "value_cny")).setDeclaredAt(time(o, "declared_at")).build();
                case HUB_THROUGHPUT -> HubThroughput.newBuilder()
                        .setRecordId(str(o, "record_id")).setTerminal(str(o, "terminal"))
                        .setTonnes(num(o, "tonnes")).setMeasuredAt(time(o, "measured_at")).build();
                case PROJECT_PROGRESS -> ProjectProgress.newBuilder()
                        .setReportId(str(o, "report_id")).setProjectId(str(o, "project_id"))
                        .setPeriod(str(o, "period")).setInvestmentCny(num(o, "investment_cny"))
                        .setProgressPct(number(o, "progress_pct")).setMilestone(text(o, "milestone"))
                        .setReportedAt(time(o, "reported_at")).build();
                case INDICATOR_REPORT -> IndicatorReport.newBuilder()
                        .setReportId(str(o, "report_id")).setIndicatorId(str(o, "indicator_id"))
                        .setPeriod(str(o, "period")).setValue(num(o, "value"))
                        .setReportedAt(time(o, "reported_at")).build();
            };
            Object key = o.get(s.idField());
            return new Event(s, key instanceof String k ? k : "", value);
        } catch (Rejection r) {
            throw new BadLine(s, r.reason(), r.getMessage());
        }
    }

    // ---- JSON values on the input topics (CONTRACT section 3: "Also accepted on every input topic") ----

    /**
     * A JSON value on a stream's topic: an object with the fields of a JSON Lines event, {@code type} optional (when
     * present it must be the topic's). Read into the same checks as Avro ({@link EventDecoder}), so the same event
     * gives the same result in either form.
     *
     * @param contentType the content-type header that said JSON, or null when the first byte did
     */
    static InputEvent decode(Stream topic, byte[] value, String contentType) throws Rejection {
        String said = contentType == null ? "" : " (content-type " + contentType + ")";
        Flat o;
        try {
            o = Flat.read(value);
        } catch (NotJson e) {
            throw new Rejection(Rejection.UNDECODABLE, "not valid JSON" + said + ": " + e.getMessage());
        }
        if (o == null) {
            throw new Rejection(Rejection.UNDECODABLE, "JSON must be a JSON object" + said + ", not " + Flat.kind(value));
        }
        return event(topic, o);
    }

    /**
     * A CloudEvent in structured mode ({@code content-type: application/cloudevents+json}): the event is its
     * {@code data} (a JSON object), or its {@code data_base64} read as {@code datacontenttype} says.
     */
    static InputEvent decodeCloudEvent(Stream topic, byte[] value, String contentType) throws Rejection {
        JsonNode envelope;
        try {
            envelope = MAPPER.readTree(value);
        } catch (java.io.IOException e) {
            throw new Rejection(Rejection.UNDECODABLE, "not valid JSON (content-type " + contentType + "): "
                    + EventDecoder.abbreviate(String.valueOf(e.getMessage()).lines().findFirst().orElse("")));
        }
        if (envelope.get("data") instanceof ObjectNode data) {
            try {
                return decode(topic, MAPPER.writeValueAsBytes(data), contentType);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new Rejection(Rejection.UNDECODABLE, "CloudEvent data: " + e.getMessage());
            }
        }
        JsonNode b64 = envelope.get("data_base64");
        if (b64 != null && b64.isTextual()) {
            byte[] bytes;
            try {
                bytes = java.util.Base64.getDecoder().decode(b64.asText());
            } catch (IllegalArgumentException e) {
                throw new Rejection(Rejection.UNDECODABLE, "CloudEvent data_base64 is not base64: " + e.getMessage());
            }
            String inner = envelope.path("datacontenttype").asText(null);
            return EventDecoder.decodeAs(topic, bytes, inner == null ? ContentType.NONE : ContentType.of(inner));
        }
        throw new Rejection(Rejection.UNDECODABLE, "a CloudEvent (" + contentType + ") whose data is neither a JSON "
                + "object nor data_base64");
    }

    /** The event of an object on a stream's topic. */
    static InputEvent event(Stream topic, Flat o) throws Rejection {
        Object type = o.get("type");
        if (type != null && type != Flat.NULL && !topic.type().equals(type)) {
            throw new Rejection(Rejection.UNKNOWN_SCHEMA, "a JSON event of \"type\" " + Flat.show(type)
                    + " on " + topic.topic() + ", which carries " + topic.type() + " events");
        }
        return switch (topic) {
            case TRUCK_DEPARTURE -> EventDecoder.truck(text(o, "departure_id"), text(o, "route_id"),
                    text(o, "destination_country"), text(o, "exit_port"), instant(o, "departed_at"),
                    num(o, "cargo_value_cny"), num(o, "cargo_weight_t"), text(o, "district"));
            case TRADE_DECLARATION -> EventDecoder.trade(text(o, "declaration_id"), text(o, "direction"),
                    text(o, "channel"), text(o, "partner_country"), num(o, "value_cny"), instant(o, "declared_at"),
                    text(o, "district"));
            case HUB_THROUGHPUT -> EventDecoder.hub(text(o, "record_id"), text(o, "terminal"), num(o, "tonnes"),
                    instant(o, "measured_at"), text(o, "district"));
            case PROJECT_PROGRESS -> EventDecoder.progress(text(o, "report_id"), text(o, "project_id"),
                    text(o, "period"), num(o, "investment_cny"), number(o, "progress_pct"), text(o, "milestone"),
                    instant(o, "reported_at"), text(o, "district"));
            case INDICATOR_REPORT -> EventDecoder.indicator(text(o, "report_id"), text(o, "indicator_id"),
                    text(o, "period"), num(o, "value"), instant(o, "reported_at"), text(o, "district"));
        };
    }

    /** Not one JSON value: the parser's message, first line. */
    static final class NotJson extends Exception {
        NotJson(String message) {
            super(EventDecoder.abbreviate(message), null, false, false);
        }
    }

    /**
     * The top-level fields of one JSON object, read with Jackson's streaming parser (a tree cost as much as the rest
     * of decoding): strings as String, numbers as Double, true/false as Boolean, null as {@link #NULL}, an object or
     * array as {@link #NESTED}. Strict: one value and nothing after it, no key twice (which would leave a field
     * ambiguous).
     */
    static final class Flat {
        static final Object NULL = new Object();
        static final Object NESTED = new Object();
        /** Strict about keys; numbers read with the fast (and, like Double.parseDouble, correctly rounded) parser. */
        private static final com.fasterxml.jackson.core.JsonFactory FACTORY = com.fasterxml.jackson.core.JsonFactory.builder()
                .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(com.fasterxml.jackson.core.StreamReadFeature.USE_FAST_DOUBLE_PARSER).build();
        private String[] names = new String[8];
        private Object[] values = new Object[8];
        private int size;

        /** The object's fields; null when the value is JSON but not an object. */
        static Flat read(byte[] json) throws NotJson {
            try (JsonParser p = FACTORY.createParser(json)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    return null;
                }
                Flat f = new Flat();
                JsonToken t;
                while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    Object v = switch (p.nextToken()) {
                        case VALUE_STRING -> p.getText();
                        case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getDoubleValue();
                        case VALUE_TRUE -> Boolean.TRUE;
                        case VALUE_FALSE -> Boolean.FALSE;
                        case VALUE_NULL -> NULL;
                        default -> {
                            p.skipChildren();
                            yield NESTED;
                        }
                    };
                    f.put(name, v);
                }
                if (t != JsonToken.END_OBJECT) {
                    throw new NotJson("unexpected " + t);
                }
                if (p.nextToken() != null) {
                    throw new NotJson("more after the object");
                }
                return f;
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new NotJson(e.getOriginalMessage().lines().findFirst().orElse(""));
            } catch (java.io.IOException e) {
                throw new NotJson(e.toString());
            }
        }

        /** What a JSON value that is not an object is, for the refusal. */
        static String kind(byte[] json) {
            try (JsonParser p = FACTORY.createParser(json)) {
                JsonToken t = p.nextToken();
                return t == null ? "nothing" : switch (t) {
                    case START_ARRAY -> "an array";
                    case VALUE_STRING -> "a string";
                    case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
                    case VALUE_TRUE, VALUE_FALSE -> "a boolean";
                    case VALUE_NULL -> "null";
                    default -> t.toString();
                };
            } catch (java.io.IOException e) {
                return "nothing";
            }
        }

        private void put(String name, Object v) {
            if (size == names.length) {
                names = java.util.Arrays.copyOf(names, size * 2);
                values = java.util.Arrays.copyOf(values, size * 2);
            }
            names[size] = name;
            values[size++] = v;
        }

        /** The field's value, or null when absent. */
        Object get(String name) {
            for (int i = 0; i < size; i++) {
                if (names[i].equals(name)) {
                    return values[i];
                }
            }
            return null;
        }

        /** A value as it reads in a message. */
        static String show(Object v) {
            if (v == NULL) {
                return "null";
            }
            if (v == NESTED) {
                return "(an object or array)";
            }
            return v instanceof String s ? "\"" + EventDecoder.abbreviate(s) + "\"" : String.valueOf(v);
        }
    }

    // ---- the fields, read one way for JSON Lines and JSON values alike ----

    private static boolean absent(Object v) {
        return v == null || v == Flat.NULL;
    }

    /** A string field, or null when absent (the checks then say missing_field); invalid_value when not a string. */
    static String text(Flat o, String name) throws Rejection {
        Object v = o.get(name);
        if (absent(v)) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw new Rejection(Rejection.INVALID_VALUE, "field \"" + name + "\" must be a string");
        }
        return s;
    }

    /** A required string field: missing_field when absent. */
    private static String str(Flat o, String name) throws Rejection {
        String v = text(o, name);
        if (v == null) {
            throw missing(name);
        }
        return v;
    }

    private static Rejection missing(String name) {
        return new Rejection(Rejection.MISSING_FIELD, "missing required field \"" + name + "\"");
    }

    /**
     * A number field, or null when absent. NaN and infinities have no JSON literal: their names as strings are read
     * as the numbers, so that the checks refuse them with the reason Avro's NaN gets.
     */
    static Double number(Flat o, String name) throws Rejection {
        Object v = o.get(name);
        if (absent(v)) {
            return null;
        }
        if (v instanceof Double d) {
            return d;
        }
        if (v instanceof String s && (s.equals("NaN") || s.equals("Infinity") || s.equals("-Infinity"))) {
            return Double.parseDouble(s);
        }
        throw new Rejection(Rejection.INVALID_VALUE, "field \"" + name + "\" must be a number");
    }

    /** A required number field: missing_field when absent. */
    private static double num(Flat o, String name) throws Rejection {
        Double v = number(o, name);
        if (v == null) {
            throw missing(name);
        }
        return v;
    }

    /**
     * A time field (ISO-8601 with an offset), or null when absent. It is cut to the millisecond as Avro's
     * timestamp-millis cuts it, so that JSON and Avro give the same instant.
     */
    static Instant instant(Flat o, String name) throws Rejection {
        Object v = o.get(name);
        if (absent(v)) {
            return null;
        }
        try {
            if (v instanceof String s) {
                return IsoTimes.parseMillis(s);
            }
        } catch (DateTimeParseException | ArithmeticException e) {
            // refused below
        }
        String shown = v instanceof String s ? s : Flat.show(v);
        throw new Rejection(Rejection.INVALID_VALUE, "field \"" + name
                + "\" must be an ISO-8601 time with an offset, not '" + EventDecoder.abbreviate(shown) + "'");
    }

    /** A required time field: missing_field when absent. */
    private static Instant time(Flat o, String name) throws Rejection {
        Instant v = instant(o, name);
        if (v == null) {
            throw missing(name);
        }
        return v;
    }

    /**
     * A record as the JSON object of a JSON Lines line (with its {@code type}) or of a JSON value on a topic
     * (without): the Avro field names, times as ISO-8601 instants, absent optional fields left out.
     */
    public static ObjectNode toJson(Stream stream, SpecificRecord record, boolean withType) {
        ObjectNode o = MAPPER.createObjectNode();
        if (withType) {
            o.put("type", stream.type());
        }
        for (org.apache.avro.Schema.Field f : record.getSchema().getFields()) {
            Object v = record.get(f.pos());
            if (v == null) {
                continue;
            }
            if (v instanceof Instant t) {
                o.put(f.name(), t.toString());
            } else if (v instanceof Double d) {
                if (Double.isFinite(d)) {
                    o.put(f.name(), d);
                } else {
                    o.put(f.name(), d.toString());
                }
            } else {
                o.put(f.name(), v.toString());
            }
        }
        return o;
    }
}
