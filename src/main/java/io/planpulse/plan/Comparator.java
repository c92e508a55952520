package io.planpulse.plan;

/** Which side of the target is good. */
public enum Comparator {
    AT_LEAST, AT_MOST, ABOUT;

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Comparator fromWire(String s) {
        for (Comparator c : values()) {
            if (c.wire().equals(s)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown comparator '" + s + "' (expected at_least, at_most or about)");
    }
}
