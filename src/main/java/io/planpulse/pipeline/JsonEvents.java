package io.planpulse.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.planpulse.avro.HubThroughput;
import io.planpulse.avro.IndicatorReport;
import io.planpulse.avro.ProjectProgress;
import io.planpulse.avro.TradeDeclaration;
import io.planpulse.avro.TruckDeparture;
import io.planpulse.plan.Stream;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import org.apache.avro.specific.SpecificRecord;

/**
 * The JSON Lines form of events (CONTRACT section 3): one object per line with a "type" and the record's fields,
 * times as ISO-8601 with an offset. A line that cannot become a record fails with a message naming the problem;
 * semantic checks (negative amounts, unknown ids, ...) are the pipeline's, so such records are still produced.
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

        BadLine(Stream stream, String message) {
            super(message, null, false, false);
            this.stream = stream;
        }

        /** The stream the line names, if it names a known one. */
        public Stream stream() {
            return stream;
        }

        /** The reason code the pipeline gives such a record. */
        public String reason() {
            if (stream == null) {
                return Rejection.UNDECODABLE;
            }
            return getMessage().startsWith("missing required field") ? Rejection.MISSING_FIELD : Rejection.INVALID_VALUE;
        }
    }

    private JsonEvents() {
    }

    public static Event parse(String line) throws BadLine {
        JsonNode node;
        try {
            node = MAPPER.readTree(line);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new BadLine(null, "not valid JSON: " + e.getOriginalMessage().lines().findFirst().orElse(""));
        }
        if (!(node instanceof ObjectNode o)) {
            throw new BadLine(null, "a line must be a JSON object");
        }
        String type = o.path("type").asText(null);
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
                        .setProgressPct(optNum(o, "progress_pct")).setMilestone(optStr(o, "milestone"))
                        .setReportedAt(time(o, "reported_at")).build();
                case INDICATOR_REPORT -> IndicatorReport.newBuilder()
                        .setReportId(str(o, "report_id")).setIndicatorId(str(o, "indicator_id"))
                        .setPeriod(str(o, "period")).setValue(num(o, "value"))
                        .setReportedAt(time(o, "reported_at")).build();
            };
            return new Event(s, o.path(s.idField()).asText(), value);
        } catch (IllegalArgumentException e) {
            throw new BadLine(s, e.getMessage());
        }
    }

    private static JsonNode field(ObjectNode o, String name) {
        JsonNode n = o.get(name);
        if (n == null || n.isNull()) {
            throw new IllegalArgumentException("missing required field \"" + name + "\"");
        }
        return n;
    }

    private static String str(ObjectNode o, String name) {
        JsonNode n = field(o, name);
        if (!n.isTextual()) {
            throw new IllegalArgumentException("field \"" + name + "\" must be a string");
        }
        return n.asText();
    }

    private static String optStr(ObjectNode o, String name) {
        JsonNode n = o.get(name);
        return n == null || n.isNull() ? null : n.asText();
    }

    private static double num(ObjectNode o, String name) {
        JsonNode n = field(o, name);
        if (n.isNumber()) {
            return n.asDouble();
        }
        // NaN and infinities have no JSON literal; accept their names so the pipeline can refuse them with a reason.
        if (n.isTextual() && (n.asText().equals("NaN") || n.asText().equals("Infinity") || n.asText().equals("-Infinity"))) {
            return Double.parseDouble(n.asText());
        }
        throw new IllegalArgumentException("field \"" + name + "\" must be a number");
    }

    private static Double optNum(ObjectNode o, String name) {
        JsonNode n = o.get(name);
        return n == null || n.isNull() ? null : num(o, name);
    }

    private static Instant time(ObjectNode o, String name) {
        String s = str(o, name);
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("field \"" + name + "\" must be an ISO-8601 time with an offset, not '" + s + "'");
        }
    }
}
