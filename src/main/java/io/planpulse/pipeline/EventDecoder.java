package io.planpulse.pipeline;

import io.planpulse.avro.HubThroughput;
import io.planpulse.avro.IndicatorReport;
import io.planpulse.avro.ProjectProgress;
import io.planpulse.avro.TradeDeclaration;
import io.planpulse.avro.TruckDeparture;
import io.planpulse.plan.Stream;
import java.time.Instant;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.MissingSchemaException;

/**
 * Decodes the bytes of an input record (Avro single-object encoding) and checks everything that can be checked
 * without the plan: required fields, finite and non-negative amounts, periods, code lists and sizes.
 */
public final class EventDecoder {
    /** Larger values are refused before decoding (reason too_large). */
    public static final int MAX_RECORD_BYTES = 64 * 1024;
    static final int MAX_STRING = 256;
    private static final Pattern PERIOD = Pattern.compile("\\d{4}-(0[1-9]|1[0-2])");

    private EventDecoder() {
    }

    public static InputEvent decode(Stream stream, byte[] value) throws Rejection {
        if (value == null || value.length == 0) {
            throw new Rejection(Rejection.UNDECODABLE, "empty value");
        }
        if (value.length > MAX_RECORD_BYTES) {
            throw new Rejection(Rejection.TOO_LARGE, value.length + " bytes, more than " + MAX_RECORD_BYTES);
        }
        if (value[0] == '{') {
            throw jsonInsteadOfAvro(value);
        }
        InputEvent fast = FlowDecoder.decode(stream, value);
        return fast != null ? fast : decodeWithAvro(stream, value);
    }

    /**
     * The generic path: Avro's decoder for any released version of the stream's schema. {@link #decode} takes it for
     * everything its fast path does not; the bench times it as a reference.
     */
    public static InputEvent decodeWithAvro(Stream stream, byte[] value) throws Rejection {
        try {
            return switch (stream) {
                case TRUCK_DEPARTURE -> truck(Topics.TRUCK_DEPARTURE.decode(value));
                case TRADE_DECLARATION -> trade(Topics.TRADE_DECLARATION.decode(value));
                case HUB_THROUGHPUT -> hub(Topics.HUB_THROUGHPUT.decode(value));
                case PROJECT_PROGRESS -> progress(Topics.PROJECT_PROGRESS.decode(value));
                case INDICATOR_REPORT -> indicator(Topics.INDICATOR_REPORT.decode(value));
            };
        } catch (MissingSchemaException e) {
            throw new Rejection(Rejection.UNKNOWN_SCHEMA, "writer schema is not a released version of the "
                    + stream.type() + " schema: " + e.getMessage());
        } catch (BadHeaderException e) {
            throw new Rejection(Rejection.UNDECODABLE, "not Avro single-object encoding: " + e.getMessage());
        } catch (java.io.IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException
                 | ClassCastException | IllegalArgumentException | UnsupportedOperationException | OutOfMemoryError e) {
            throw new Rejection(Rejection.UNDECODABLE, "cannot decode " + stream.type() + ": " + e);
        } catch (NullPointerException e) {
            throw new Rejection(Rejection.MISSING_FIELD, "a required field is null");
        }
    }

    /** A JSON line sent as is (replay does so for lines it cannot encode): refused, with what is wrong with it. */
    private static Rejection jsonInsteadOfAvro(byte[] value) {
        try {
            JsonEvents.parse(new String(value, java.nio.charset.StandardCharsets.UTF_8));
            return new Rejection(Rejection.UNDECODABLE, "JSON, not Avro single-object encoding");
        } catch (JsonEvents.BadLine b) {
            return new Rejection(b.reason(), "JSON, not Avro single-object encoding: " + b.getMessage());
        }
    }

    private static final String[] TRUCK_MEASURES = {"cargo_value_cny", "cargo_weight_t"};
    private static final String[] TRADE_MEASURES = {"value_cny"};
    private static final String[] HUB_MEASURES = {"tonnes"};
    private static final String[] TRUCK_FIELDS = {"route_id", "destination_country", "exit_port"};
    private static final String[] TRADE_FIELDS = {"direction", "channel", "partner_country"};
    private static final String[] HUB_FIELDS = {"terminal"};

    private static InputEvent truck(TruckDeparture e) throws Rejection {
        return truck(e.getDepartureId(), e.getRouteId(), e.getDestinationCountry(), e.getExitPort(), e.getDepartedAt(),
                e.getCargoValueCny(), e.getCargoWeightT());
    }

    static InputEvent truck(String id, String route, String destination, String exitPort, Instant departedAt,
                            double cargoValue, double cargoWeight) throws Rejection {
        Measures m = new Measures(TRUCK_MEASURES, new double[] {
            checked("cargo_value_cny", cargoValue), checked("cargo_weight_t", cargoWeight)});
        Map<String, String> f = new Fields(TRUCK_FIELDS, required("route_id", route),
                country("destination_country", destination), required("exit_port", exitPort));
        return new InputEvent(Stream.TRUCK_DEPARTURE, required("departure_id", id), time("departed_at", departedAt),
                null, null, m, f, null);
    }

    private static InputEvent trade(TradeDeclaration e) throws Rejection {
        return trade(e.getDeclarationId(), e.getDirection(), e.getChannel(), e.getPartnerCountry(), e.getValueCny(),
                e.getDeclaredAt());
    }

    static InputEvent trade(String id, String direction, String channel, String partner, double value,
                            Instant declaredAt) throws Rejection {
        required("direction", direction);
        if (!direction.equals("import") && !direction.equals("export")) {
            throw new Rejection(Rejection.INVALID_VALUE, "direction must be import or export, not '" + direction + "'");
        }
        Measures m = new Measures(TRADE_MEASURES, new double[] {checked("value_cny", value)});
        Map<String, String> f = new Fields(TRADE_FIELDS, direction, required("channel", channel),
                country("partner_country", partner));
        return new InputEvent(Stream.TRADE_DECLARATION, required("declaration_id", id), time("declared_at", declaredAt),
                null, null, m, f, null);
    }

    private static InputEvent hub(HubThroughput e) throws Rejection {
        return hub(e.getRecordId(), e.getTerminal(), e.getTonnes(), e.getMeasuredAt());
    }

    static InputEvent hub(String id, String terminal, double tonnes, Instant measuredAt) throws Rejection {
        Measures m = new Measures(HUB_MEASURES, new double[] {checked("tonnes", tonnes)});
        Map<String, String> f = new Fields(HUB_FIELDS, required("terminal", terminal));
        return new InputEvent(Stream.HUB_THROUGHPUT, required("record_id", id), time("measured_at", measuredAt), null,
                null, m, f, null);
    }

    private static InputEvent progress(ProjectProgress e) throws Rejection {
        String id = required("report_id", e.getReportId());
        String project = required("project_id", e.getProjectId());
        YearMonth period = period(e.getPeriod());
        double amount = checked("investment_cny", e.getInvestmentCny());
        if (e.getProgressPct() != null && !(e.getProgressPct() >= 0 && e.getProgressPct() <= 100)) {
            throw new Rejection(Rejection.INVALID_VALUE, "progress_pct must be between 0 and 100, not " + e.getProgressPct());
        }
        if (e.getMilestone() != null && e.getMilestone().length() > 4 * MAX_STRING) {
            throw new Rejection(Rejection.INVALID_VALUE, "milestone longer than " + 4 * MAX_STRING + " characters");
        }
        return new InputEvent(Stream.PROJECT_PROGRESS, id, null, period, project, Measures.of("investment_cny", amount),
                Map.of(), time("reported_at", e.getReportedAt()));
    }

    private static InputEvent indicator(IndicatorReport e) throws Rejection {
        String id = required("report_id", e.getReportId());
        String indicator = required("indicator_id", e.getIndicatorId());
        YearMonth period = period(e.getPeriod());
        double v = e.getValue();
        if (!Double.isFinite(v)) {
            throw new Rejection(Rejection.INVALID_VALUE, "value is not a finite number: " + v);
        }
        // Growth rates may be negative: an indicator value is not an amount.
        return new InputEvent(Stream.INDICATOR_REPORT, id, null, period, indicator,
                Measures.of("value", v), Map.of(), time("reported_at", e.getReportedAt()));
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
