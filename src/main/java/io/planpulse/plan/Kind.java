package io.planpulse.plan;

/** How a target's completion is read (CONTRACT section 5). */
public enum Kind {
    CUMULATIVE_FLOW, STOCK_LEVEL, GROWTH_RATE, RATIO, CEILING;

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Kind fromWire(String s) {
        for (Kind k : values()) {
            if (k.wire().equals(s)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown kind '" + s + "' (expected cumulative_flow, stock_level, growth_rate, ratio or ceiling)");
    }
}
