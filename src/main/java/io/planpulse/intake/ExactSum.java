package io.planpulse.intake;

import io.planpulse.kpi.Decimals;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * An exact decimal sum that starts at zero and adds the exact decimals of doubles ({@link Decimals#exact}) without
 * making a {@link BigDecimal} per value: while it fits, it is a long at a small scale, and it moves to a BigDecimal
 * for good once a value or the sum does not fit. Its {@link #value()} is exactly, scale included, what adding the
 * same values' BigDecimals to {@link BigDecimal#ZERO} gives.
 */
final class ExactSum {
    private static final int MAX_SCALE = 18;
    private static final long[] POW = new long[MAX_SCALE + 1];

    static {
        POW[0] = 1;
        for (int i = 1; i <= MAX_SCALE; i++) {
            POW[i] = POW[i - 1] * 10;
        }
    }

    private long unscaled;
    private int scale;
    /** Non-null once the sum left the long form. */
    private BigDecimal big;

    void add(double v) {
        int k = Decimals.plainScale(v);
        if (k > 0) {
            add(Decimals.unscaled(v, k), k);
        } else {
            add(Decimals.exact(v));
        }
    }

    void add(ExactSum other) {
        if (other.big == null) {
            add(other.unscaled, other.scale);
        } else {
            add(other.big);
        }
    }

    void add(BigDecimal v) {
        if (big == null && v.scale() >= 0 && v.scale() <= MAX_SCALE && v.unscaledValue().bitLength() < 63) {
            add(v.unscaledValue().longValue(), v.scale());
        } else {
            big = value().add(v);
        }
    }

    /** Adds {@code u * 10^-k}, {@code 0 <= k <= MAX_SCALE}. */
    private void add(long u, int k) {
        if (big == null) {
            long a = unscaled;
            long b = u;
            int s = Math.max(scale, k);
            if (k < s) {
                b = scaleUp(b, s - k);
            } else if (scale < s) {
                a = scaleUp(a, s - scale);
            }
            if (a != Long.MIN_VALUE && b != Long.MIN_VALUE) {
                long r = a + b;
                if (((a ^ r) & (b ^ r)) >= 0 && r != Long.MIN_VALUE) {
                    unscaled = r;
                    scale = s;
                    return;
                }
            }
        }
        big = value().add(BigDecimal.valueOf(u, k));
    }

    /** {@code x * 10^d}, or Long.MIN_VALUE if that does not fit. */
    private static long scaleUp(long x, int d) {
        long m = POW[d];
        long r = x * m;
        return Math.multiplyHigh(x, m) == (r >> 63) && r != Long.MIN_VALUE ? r : Long.MIN_VALUE;
    }

    BigDecimal value() {
        return big != null ? big : BigDecimal.valueOf(unscaled, scale);
    }

    /** The sum's scale and unscaled value as two's-complement bytes, as {@link BigDecimal} gives them. */
    int scale() {
        return big != null ? big.scale() : scale;
    }

    byte[] unscaledBytes() {
        return big != null ? big.unscaledValue().toByteArray() : BigInteger.valueOf(unscaled).toByteArray();
    }

    static ExactSum of(BigDecimal v) {
        ExactSum s = new ExactSum();
        s.add(v);
        return s;
    }
}
