package io.planpulse.events;

import io.planpulse.base.Stream;
import java.time.Instant;
import java.time.YearMonth;
import java.util.Map;

/**
 * A decoded, well-formed input event, whatever its stream.
 *
 * @param time       the event's own time (flows) or null (reports, which carry a period)
 * @param period     the reported month (reports) or null
 * @param subject    project_id or indicator_id (reports) or null
 * @param measures   amounts by event field name (exact decimals of the event's doubles), plus "count" = 1
 * @param fields     string fields a plan filter may name
 * @param reportedAt issue time (reports) or null
 * @param district   the event's district (6 digits), or null when it names none: the deployment's district
 */
public record InputEvent(Stream stream, String id, Instant time, YearMonth period, String subject,
                         Measures measures, Map<String, String> fields, Instant reportedAt, String district) {
    /**
     * A flow event's dimension values in the order of {@link Stream#dimensions()} (the decoder builds its fields in
     * that order, which {@code EventDecoder} checks when it loads); the event's own array, not a copy: read it, never
     * write it. Empty for reports.
     */
    public String[] dimensionValues() {
        return fields instanceof Fields f ? f.valueArray() : NO_VALUES;
    }

    private static final String[] NO_VALUES = {};
}
