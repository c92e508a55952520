package io.planpulse.kpi;

/** A target's status (CONTRACT section 5). */
public enum Status {
    NO_DATA, AHEAD, ON_TRACK, LAGGING, SEVERELY_LAGGING, COMPLETED, MISSED;

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Status fromWire(String s) {
        return valueOf(s.toUpperCase(java.util.Locale.ROOT));
    }
}
