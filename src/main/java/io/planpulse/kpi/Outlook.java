package io.planpulse.kpi;

/** Where a target's year is heading: its projected completion read against the plan's thresholds (CONTRACT section 5b). */
public enum Outlook {
    ON_COURSE, AT_RISK, OFF_COURSE;

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Outlook fromWire(String s) {
        return valueOf(s.toUpperCase(java.util.Locale.ROOT));
    }
}
