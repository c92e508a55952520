package io.planpulse.base;

import java.util.List;
import java.util.Set;

/** The five input streams, with their event type name, topic and id field (CONTRACT section 3). */
public enum Stream {
    PROJECT_PROGRESS("project_progress", "planpulse.project-progress", "report_id", List.of(), List.of()),
    TRUCK_DEPARTURE("truck_departure", "planpulse.truck-departures", "departure_id",
            List.of("route_id", "destination_country", "exit_port"), List.of("cargo_value_cny", "cargo_weight_t")),
    TRADE_DECLARATION("trade_declaration", "planpulse.trade-declarations", "declaration_id",
            List.of("direction", "channel", "partner_country"), List.of("value_cny")),
    HUB_THROUGHPUT("hub_throughput", "planpulse.hub-throughput", "record_id", List.of("terminal"), List.of("tonnes")),
    INDICATOR_REPORT("indicator_report", "planpulse.indicator-reports", "report_id", List.of(), List.of());

    private final String type;
    private final String topic;
    private final String idField;
    private final List<String> dimensions;
    private final Set<String> filterableFields;
    private final List<String> measures;

    Stream(String type, String topic, String idField, List<String> dimensions, List<String> measures) {
        this.type = type;
        this.topic = topic;
        this.idField = idField;
        this.dimensions = dimensions;
        java.util.Set<String> f = new java.util.HashSet<>(dimensions);
        f.add(DISTRICT);
        this.filterableFields = Set.copyOf(f);
        this.measures = measures;
    }

    /**
     * The dimensions of a flow stream (CONTRACT section 3), in a fixed order: its facts are kept per month and
     * combination of their values, and a target's filter may name them.
     */
    public List<String> dimensions() {
        return dimensions;
    }

    /** The amounts a flow stream's facts sum, in a fixed order (the event count is kept beside them). */
    public List<String> measures() {
        return measures;
    }

    /** Index of a measure in {@link #measures()}, -1 for "count" (or a name the stream does not have). */
    public int measureIndex(String measure) {
        return measures.indexOf(measure);
    }

    /** The JSON Lines "type" and the stream label of metrics. */
    public String type() {
        return type;
    }

    public String topic() {
        return topic;
    }

    public String idField() {
        return idField;
    }

    /** The district of an event (CONTRACT section 1b): a dimension of every stream, kept before the others. */
    public static final String DISTRICT = "district";

    /** The fields a target's filter may name: the district and the stream's dimensions. */
    public Set<String> filterableFields() {
        return filterableFields;
    }

    /** A flow stream is summed event by event; the other two are monthly reports, upserted by period. */
    public boolean isFlow() {
        return this != PROJECT_PROGRESS && this != INDICATOR_REPORT;
    }

    public static Stream fromType(String type) {
        for (Stream s : values()) {
            if (s.type.equals(type)) {
                return s;
            }
        }
        return null;
    }
}
