package io.planpulse.kpi;

import java.math.BigDecimal;

/**
 * The exact decimal of an event's double: {@code new BigDecimal(Double.toString(v))}, the shortest decimal that reads
 * back as the same double, with Double.toString's scale (at least one fraction digit in plain notation). Formatting
 * a double and parsing the text back is the dearest step of an event's path, so the common case (a plain-notation
 * value with at most {@link #MAX_FAST_SCALE} fraction digits, such as yuan with fen or tonnes with kilograms) is
 * found arithmetically: the smallest scale k for which round(v * 10^k) / 10^k reads back as v. No decimal with fewer
 * fraction digits reads back as v (it would have been found at a smaller k), and no other decimal with at most k
 * fraction digits does either (two decimals of at most 11 significant digits never share a double), so it is the
 * shortest one, which is what Double.toString prints. {@code DecimalsTest} checks that against Double.toString on
 * millions of values.
 */
public final class Decimals {
    /** The largest scale the arithmetic path tries. */
    public static final int MAX_FAST_SCALE = 4;
    private static final double[] POW = {1, 10, 100, 1_000, 10_000};

    private Decimals() {
    }

    /** The exact decimal of {@code v}, as {@code new BigDecimal(Double.toString(v))} gives it. */
    public static BigDecimal exact(double v) {
        int k = plainScale(v);
        return k > 0 ? BigDecimal.valueOf(unscaled(v, k), k) : new BigDecimal(Double.toString(v));
    }

    /**
     * The scale of {@code v}'s exact decimal when the arithmetic path finds it (1 to {@link #MAX_FAST_SCALE}), else
     * -1 (then use {@link #exact}). Only values Double.toString prints in plain notation, 10^-3 to 10^7, and zero.
     */
    public static int plainScale(double v) {
        if ((v >= 1e-3 && v < 1e7) || v == 0) {
            for (int k = 1; k <= MAX_FAST_SCALE; k++) {
                if (Math.round(v * POW[k]) / POW[k] == v) {
                    return k;
                }
            }
        }
        return -1;
    }

    /** The unscaled value of {@code v}'s exact decimal at scale {@code k}, where {@code k = plainScale(v) > 0}. */
    public static long unscaled(double v, int k) {
        return Math.round(v * POW[k]);
    }
}
