package io.planpulse.events;

import io.planpulse.avro.HubThroughput;
import io.planpulse.avro.IndicatorReport;
import io.planpulse.avro.ProjectProgress;
import io.planpulse.avro.TradeDeclaration;
import io.planpulse.avro.TruckDeparture;
import io.planpulse.base.Districts;
import io.planpulse.base.Topics;
import io.planpulse.base.Stream;
import java.time.Instant;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.MissingSchemaException;
import org.apache.kafka.common.header.Headers;

/**
 * Decodes the bytes of an input record (Avro single-object encoding, Confluent-framed Avro or JSON) and checks
 * everything that can be checked without the plan: required fields, finite and non-negative amounts, periods, code
 * lists and sizes.
 */
public final class EventDecoder {
    /** Larger values are refused before decoding (reason too_large). */
    public static final int MAX_RECORD_BYTES = 64 * 1024;
    public static final int MAX_STRING = 256;
    private static final Pattern PERIOD = Pattern.compile("\\d{4}-(0[1-9]|1[0-2])");

    private EventDecoder() {
    }

    /** {@link #decode(Stream, byte[], Headers)} without headers: the first byte decides the format. */
    public static InputEvent decode(Stream stream, byte[] value) throws Rejection {
        return decodeAs(stream, value, ContentType.NONE);
    }

    /**
     * Decodes and checks one input record, whatever the producer sent: Avro in single-object encoding ({@code C3 01}
     * + fingerprint), Confluent-framed Avro ({@code 00} + schema id, read through the registry set with
     * {@link #useRegistry}) or a JSON object. A {@code content-type} header (or CloudEvents' {@code ce_datacontenttype})
     * naming JSON or Avro decides where present ({@link ContentType}); otherwise the first byte does. Every format ends
     * in the same checks, so the same event gives the same {@link InputEvent} or the same rejection whichever way it
     * came.
     *
     * @param headers the record's headers, or null
     */
    public static InputEvent decode(Stream stream, byte[] value, Headers headers) throws Rejection {
        return decodeAs(stream, value, headers == null ? ContentType.NONE : ContentType.of(headers));
    }

    static InputEvent decodeAs(Stream stream, byte[] value, ContentType type) throws Rejection {
        if (value == null || value.length == 0) {
            throw new Rejection(Rejection.UNDECODABLE, "empty value");
        }
        if (value.length > MAX_RECORD_BYTES) {
            throw new Rejection(Rejection.TOO_LARGE, value.length + " bytes, more than " + MAX_RECORD_BYTES);
        }
        switch (type.format()) {
            case JSON:
                return JsonEvents.decode(stream, value, type.header());
            case CLOUDEVENT_JSON:
                return JsonEvents.decodeCloudEvent(stream, value, type.header());
            case UNSUPPORTED:
                throw new Rejection(Rejection.UNDECODABLE, "content-type " + type.header() + " is not read: send "
                        + "application/json (times as ISO-8601 strings) or Avro binary (application/avro)");
            case AVRO:
                break;
            default:
                if (ContentType.looksLikeJson(value)) {
                    return JsonEvents.decode(stream, value, null);
                }
        }
        if (value[0] == ConfluentRegistry.MAGIC) {
            return decodeConfluent(stream, value);
        }
        InputEvent fast = FlowDecoder.decode(stream, value);
        return fast != null ? fast : decodeWithAvro(stream, value);
    }

    private static volatile ConfluentRegistry registry;

    /**
     * The registry Confluent-framed records are read through (null: none; such records are refused as unknown_schema
     * with a hint). Set once per process from the configuration ({@code planpulse.schema.registry.url}).
     */
    public static void useRegistry(ConfluentRegistry r) {
        registry = r;
    }

    /** The registry Confluent-framed records are read through, or null. */
    public static ConfluentRegistry registry() {
        return registry;
    }

    /** Confluent wire format: {@code 00}, the writer schema's id (4 bytes, big-endian), the Avro body. */
    static InputEvent decodeConfluent(Stream stream, byte[] value) throws Rejection {
        if (value.length < ConfluentRegistry.HEADER) {
            throw new Rejection(Rejection.UNDECODABLE, "Confluent wire format needs 5 header bytes (00 + schema id), got "
                    + value.length);
        }
        int id = ConfluentRegistry.schemaId(value);
        ConfluentRegistry r = registry;
        if (r == null) {
            throw new Rejection(Rejection.UNKNOWN_SCHEMA, "Confluent wire format, schema id " + id
                    + ": set planpulse.schema.registry.url or send single-object Avro or JSON");
        }
        ConfluentRegistry.Reader<?> reader = r.reader(stream, id);
        return fromAvro(stream, () -> reader.read(value), " (Confluent schema id " + id + " from " + r.url() + ")");
    }

    /**
     * The generic path: Avro's decoder for any released version of the stream's schema. {@link #decode} takes it for
     * everything its fast path does not; the bench times it as a reference.
     */
    public static InputEvent decodeWithAvro(Stream stream, byte[] value) throws Rejection {
        return fromAvro(stream, () -> switch (stream) {
            case TRUCK_DEPARTURE -> Topics.TRUCK_DEPARTURE.decode(value);
            case TRADE_DECLARATION -> Topics.TRADE_DECLARATION.decode(value);
            case HUB_THROUGHPUT -> Topics.HUB_THROUGHPUT.decode(value);
            case PROJECT_PROGRESS -> Topics.PROJECT_PROGRESS.decode(value);
            case INDICATOR_REPORT -> Topics.INDICATOR_REPORT.decode(value);
        }, "");
    }

    /** Reads one Avro record of a stream's generated class. */
    interface AvroRead {
        Object read() throws java.io.IOException;
    }

    /** The record Avro reads, checked; what Avro throws, as the rejection it means. */
    private static InputEvent fromAvro(Stream stream, AvroRead read, String how) throws Rejection {
        Object record;
        try {
            record = read.read();
        } catch (MissingSchemaException e) {
            throw new Rejection(Rejection.UNKNOWN_SCHEMA, "writer schema is not a released version of the "
                    + stream.type() + " schema: " + e.getMessage());
        } catch (BadHeaderException e) {
            throw new Rejection(Rejection.UNDECODABLE, "not single-object Avro (C3 01 + fingerprint), Confluent-framed "
                    + "Avro (00 + schema id) or JSON: " + e.getMessage());
        } catch (java.io.IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException
                 | ClassCastException | IllegalArgumentException | UnsupportedOperationException | OutOfMemoryError e) {
            throw new Rejection(Rejection.UNDECODABLE, "cannot decode " + stream.type() + how + ": " + e);
        } catch (NullPointerException e) {
            throw new Rejection(Rejection.MISSING_FIELD, "a required field is null");
        }
        try {
            return switch (stream) {
                case TRUCK_DEPARTURE -> truck((TruckDeparture) record);
                case TRADE_DECLARATION -> trade((TradeDeclaration) record);
                case HUB_THROUGHPUT -> hub((HubThroughput) record);
                case PROJECT_PROGRESS -> progress((ProjectProgress) record);
                case INDICATOR_REPORT -> indicator((IndicatorReport) record);
            };
        } catch (ClassCastException e) {
            throw new Rejection(Rejection.UNKNOWN_SCHEMA, "not a " + stream.type() + " record" + how + ": " + e);
        } catch (NullPointerException e) {
            throw new Rejection(Rejection.MISSING_FIELD, "a required field is null");
        }
    }

    private static final String[] TRUCK_MEASURES = {"cargo_value_cny", "cargo_weight_t"};
    private static final String[] TRADE_MEASURES = {"value_cny"};
    private static final String[] HUB_MEASURES = {"tonnes"};
    private static final String[] TRUCK_FIELDS = {"route_id", "destination_country", "exit_port"};
    private static final String[] TRADE_FIELDS = {"direction", "channel", "partner_country"};
    private static final String[] HUB_FIELDS = {"terminal"};

    static {
        // InputEvent.dimensionValues() and Measures.values() hand out these arrays in the streams' orders
        order(Stream.TRUCK_DEPARTURE, TRUCK_FIELDS, TRUCK_MEASURES);
        order(Stream.TRADE_DECLARATION, TRADE_FIELDS, TRADE_MEASURES);
        order(Stream.HUB_THROUGHPUT, HUB_FIELDS, HUB_MEASURES);
    }

    private static void order(Stream stream, String[] fields, String[] measures) {
        if (!stream.dimensions().equals(List.of(fields)) || !stream.measures().equals(List.of(measures))) {
            throw new IllegalStateException(stream.type() + ": the decoder's fields " + List.of(fields) + " and "
                    + List.of(measures) + " are not the stream's dimensions " + stream.dimensions() + " and measures "
                    + stream.measures() + " in their order");
        }
    }

    private static InputEvent truck(TruckDeparture e) throws Rejection {
        return truck(e.getDepartureId(), e.getRouteId(), e.getDestinationCountry(), e.getExitPort(), e.getDepartedAt(),
                e.getCargoValueCny(), e.getCargoWeightT(), e.getDistrict());
    }

    static InputEvent truck(String id, String route, String destination, String exitPort, Instant departedAt,
                            double cargoValue, double cargoWeight, String district) throws Rejection {
        Measures m = new Measures(TRUCK_MEASURES, new double[] {
            checked("cargo_value_cny", cargoValue), checked("cargo_weight_t", cargoWeight)});
        Map<String, String> f = new Fields(TRUCK_FIELDS, required("route_id", route),
                country("destination_country", destination), required("exit_port", exitPort));
        return new InputEvent(Stream.TRUCK_DEPARTURE, required("departure_id", id), time("departed_at", departedAt),
                null, null, m, f, null, district(district));
    }

    private static InputEvent trade(TradeDeclaration e) throws Rejection {
        return trade(e.getDeclarationId(), e.getDirection(), e.getChannel(), e.getPartnerCountry(), e.getValueCny(),
                e.getDeclaredAt(), e.getDistrict());
    }

    static InputEvent trade(String id, String direction, String channel, String partner, double value,
                            Instant declaredAt, String district) throws Rejection {
        required("direction", direction);
        if (!direction.equals("import") && !direction.equals("export")) {
            throw new Rejection(Rejection.INVALID_VALUE, "direction must be import or export, not '" + direction + "'");
        }
        Measures m = new Measures(TRADE_MEASURES, new double[] {checked("value_cny", value)});
        Map<String, String> f = new Fields(TRADE_FIELDS, direction, required("channel", channel),
                country("partner_country", partner));
        return new InputEvent(Stream.TRADE_DECLARATION, required("declaration_id", id), time("declared_at", declaredAt),
                null, null, m, f, null, district(district));
    }

    private static InputEvent hub(HubThroughput e) throws Rejection {
        return hub(e.getRecordId(), e.getTerminal(), e.getTonnes(), e.getMeasuredAt(), e.getDistrict());
    }

    static InputEvent hub(String id, String terminal, double tonnes, Instant measuredAt, String district)
            throws Rejection {
        Measures m = new Measures(HUB_MEASURES, new double[] {checked("tonnes", tonnes)});
        Map<String, String> f = new Fields(HUB_FIELDS, required("terminal", terminal));
        return new InputEvent(Stream.HUB_THROUGHPUT, required("record_id", id), time("measured_at", measuredAt), null,
                null, m, f, null, district(district));
    }

    private static InputEvent progress(ProjectProgress e) throws Rejection {
        return progress(e.getReportId(), e.getProjectId(), e.getPeriod(), e.getInvestmentCny(), e.getProgressPct(),
                e.getMilestone(), e.getReportedAt(), e.getDistrict());
    }

    static InputEvent progress(String reportId, String projectId, String periodText, double investment, Double pct,
                               String milestone, Instant reportedAt, String district) throws Rejection {
        String id = required("report_id", reportId);
        String project = required("project_id", projectId);
        YearMonth period = period(periodText);
        double amount = checked("investment_cny", investment);
        if (pct != null && !(pct >= 0 && pct <= 100)) {
            throw new Rejection(Rejection.INVALID_VALUE, "progress_pct must be between 0 and 100, not " + pct);
        }
        if (milestone != null && milestone.length() > 4 * MAX_STRING) {
            throw new Rejection(Rejection.INVALID_VALUE, "milestone longer than " + 4 * MAX_STRING + " characters");
        }
        return new InputEvent(Stream.PROJECT_PROGRESS, id, null, period, project, Measures.of("investment_cny", amount),
                Map.of(), time("reported_at", reportedAt), district(district));
    }

    private static InputEvent indicator(IndicatorReport e) throws Rejection {
        return indicator(e.getReportId(), e.getIndicatorId(), e.getPeriod(), e.getValue(), e.getReportedAt(),
                e.getDistrict());
    }

    static InputEvent indicator(String reportId, String indicatorId, String periodText, double v, Instant reportedAt,
                                String district) throws Rejection {
        String id = required("report_id", reportId);
        String indicator = required("indicator_id", indicatorId);
        YearMonth period = period(periodText);
        if (!Double.isFinite(v)) {
            throw new Rejection(Rejection.INVALID_VALUE, "value is not a finite number: " + v);
        }
        // Growth rates may be negative: an indicator value is not an amount.
        return new InputEvent(Stream.INDICATOR_REPORT, id, null, period, indicator,
                Measures.of("value", v), Map.of(), time("reported_at", reportedAt), district(district));
    }

    /**
     * An event's district (CONTRACT section 1b): null when it has none (the deployment's district, which the intake
     * fills in), else six ASCII digits, a GB/T 2260 code.
     */
    static String district(String v) throws Rejection {
        if (v == null) {
            return null;
        }
        if (!Districts.isCode(v)) {
            throw new Rejection(Rejection.INVALID_VALUE, "district must be a 6-digit administrative division code "
                    + "(GB/T 2260, e.g. 500113), not '" + abbreviate(v) + "'");
        }
        return v;
    }

    static String required(String field, String v) throws Rejection {
        if (v == null || v.isBlank()) {
            throw new Rejection(Rejection.MISSING_FIELD, field + " is missing or empty");
        }
        if (v.length() > MAX_STRING) {
            throw new Rejection(Rejection.INVALID_VALUE, field + " is longer than " + MAX_STRING + " characters");
        }
        return v;
    }

    private static String country(String field, String v) throws Rejection {
        required(field, v);
        if (!isCountryCode(v)) {
            throw new Rejection(Rejection.INVALID_VALUE, field + " must be an ISO 3166 alpha-2 code, not '" + v + "'");
        }
        return v;
    }

    /** Two ASCII letters (what the pattern [A-Za-z]{2} said, without a regex per event). */
    private static boolean isCountryCode(String v) {
        return v.length() == 2 && isAsciiLetter(v.charAt(0)) && isAsciiLetter(v.charAt(1));
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    }

    /** A finite, non-negative amount (its exact decimal is made when a target uses it: see Measures). */
    static double checked(String field, double v) throws Rejection {
        if (!Double.isFinite(v)) {
            throw new Rejection(Rejection.INVALID_VALUE, field + " is not a finite number: " + v);
        }
        if (v < 0) {
            throw new Rejection(Rejection.NEGATIVE_AMOUNT, field + " is negative: " + v);
        }
        return v;
    }

    private static Instant time(String field, Instant t) throws Rejection {
        if (t == null) {
            throw new Rejection(Rejection.MISSING_FIELD, field + " is missing");
        }
        return t;
    }

    static YearMonth period(String p) throws Rejection {
        if (p == null || p.isBlank()) {
            throw new Rejection(Rejection.MISSING_FIELD, "period is missing");
        }
        if (!PERIOD.matcher(p).matches()) {
            throw new Rejection(Rejection.BAD_PERIOD, "period must be yyyy-MM, not '" + abbreviate(p) + "'");
        }
        try {
            return YearMonth.parse(p);
        } catch (DateTimeParseException e) {
            throw new Rejection(Rejection.BAD_PERIOD, "period must be yyyy-MM, not '" + abbreviate(p) + "'");
        }
    }

    static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
