package io.planpulse.plan;

import io.planpulse.base.Stream;
import java.util.Set;

/** The event source feeding a target (CONTRACT section 4). */
public enum Source {
    PROJECT_PROGRESS("project_progress", Stream.PROJECT_PROGRESS, null),
    TRUCK_COUNT("truck_departures:count", Stream.TRUCK_DEPARTURE, "count"),
    TRUCK_CARGO_VALUE("truck_departures:cargo_value", Stream.TRUCK_DEPARTURE, "cargo_value_cny"),
    TRUCK_CARGO_WEIGHT("truck_departures:cargo_weight", Stream.TRUCK_DEPARTURE, "cargo_weight_t"),
    TRADE_VALUE("trade_declarations:value", Stream.TRADE_DECLARATION, "value_cny"),
    HUB_TONNES("hub_throughput:tonnes", Stream.HUB_THROUGHPUT, "tonnes"),
    INDICATOR_REPORT("indicator_report", Stream.INDICATOR_REPORT, null),
    CHILDREN("children", null, null),
    /** {@code districts:<target_id>}: aggregate plans only, the sum of that target in the covered districts' plans. */
    DISTRICTS("districts", null, null);

    /** The prefix of a {@link #DISTRICTS} source on the wire, before the target id. */
    public static final String DISTRICTS_PREFIX = "districts:";

    private final String wire;
    private final Stream stream;
    private final String measure;

    Source(String wire, Stream stream, String measure) {
        this.wire = wire;
        this.stream = stream;
        this.measure = measure;
    }

    public String wire() {
        return wire;
    }

    /** The input stream feeding this source; null for {@link #CHILDREN}. */
    public Stream stream() {
        return stream;
    }

    /** Event field summed (or "count"); null for report and children sources. */
    public String measure() {
        return measure;
    }

    /** Fed by monthly reports: the KPI clock is capped at the latest reported month. */
    public boolean monthlyReported() {
        return this == PROJECT_PROGRESS || this == INDICATOR_REPORT;
    }

    /** Event fields a filter may name. */
    public Set<String> filterableFields() {
        return stream == null ? Set.of() : stream.filterableFields();
    }

    /** True for the sources that sum other targets' results ({@code children}, {@code districts:}). */
    public boolean isRollup() {
        return this == CHILDREN || this == DISTRICTS;
    }

    /** The target a {@code districts:<target_id>} source names, or null for any other source. */
    public static String districtsTarget(String wire) {
        return wire != null && wire.startsWith(DISTRICTS_PREFIX) ? wire.substring(DISTRICTS_PREFIX.length()) : null;
    }

    public static Source fromWire(String s) {
        if (s != null && s.startsWith(DISTRICTS_PREFIX) && s.length() > DISTRICTS_PREFIX.length()) {
            return DISTRICTS;
        }
        for (Source src : values()) {
            if (src == DISTRICTS) {
                continue;
            }
            if (src.wire.equals(s)) {
                return src;
            }
        }
        throw new IllegalArgumentException("unknown source '" + s + "'");
    }
}
