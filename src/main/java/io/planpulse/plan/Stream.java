package io.planpulse.plan;

import java.util.Set;

/** The five input streams, with their event type name, topic and id field (CONTRACT section 3). */
public enum Stream {
    PROJECT_PROGRESS("project_progress", "planpulse.project-progress", "report_id", Set.of()),
    TRUCK_DEPARTURE("truck_departure", "planpulse.truck-departures", "departure_id",
            Set.of("route_id", "destination_country", "exit_port")),
    TRADE_DECLARATION("trade_declaration", "planpulse.trade-declarations", "declaration_id",
            Set.of("direction", "channel", "partner_country")),
    HUB_THROUGHPUT("hub_throughput", "planpulse.hub-throughput", "record_id", Set.of("terminal")),
    INDICATOR_REPORT("indicator_report", "planpulse.indicator-reports", "report_id", Set.of());

    private final String type;
    private final String topic;
    private final String idField;
    private final Set<String> filterableFields;

    Stream(String type, String topic, String idField, Set<String> filterableFields) {
        this.type = type;
        this.topic = topic;
        this.idField = idField;
        this.filterableFields = filterableFields;
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
