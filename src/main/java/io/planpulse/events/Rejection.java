package io.planpulse.events;

/** Why an input record is refused (the reason codes of planpulse.rejected). */
public final class Rejection extends Exception {
    public static final String UNDECODABLE = "undecodable";
    public static final String UNKNOWN_SCHEMA = "unknown_schema";
    public static final String MISSING_FIELD = "missing_field";
    public static final String INVALID_VALUE = "invalid_value";
    public static final String NEGATIVE_AMOUNT = "negative_amount";
    public static final String BAD_PERIOD = "bad_period";
    /** A time or period more than a year ahead of the clock. */
    public static final String OUT_OF_RANGE = "out_of_range";
    public static final String LATE = "late";
    public static final String TOO_LARGE = "too_large";

    private final String reason;

    public Rejection(String reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
