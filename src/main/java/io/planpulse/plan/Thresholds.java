package io.planpulse.plan;

/** Gap thresholds of a plan (CONTRACT section 5). */
public record Thresholds(double ahead, double lagging, double severelyLagging) {
    public static final Thresholds DEFAULT = new Thresholds(0.10, -0.05, -0.15);
}
