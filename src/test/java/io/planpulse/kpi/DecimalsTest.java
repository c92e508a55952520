package io.planpulse.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The arithmetic path of {@link Decimals#exact} gives Double.toString's decimal, value and scale. */
class DecimalsTest {
    private static final double[] POW = {1, 10, 100, 1_000, 10_000, 100_000};

    private static void same(double v) {
        assertThat(Decimals.exact(v)).as("exact decimal of %s", Double.toString(v))
                .isEqualTo(new BigDecimal(Double.toString(v)));
    }

    @Test
    void shouldGiveDoubleToStringsDecimalOnMillionsOfValues() {
        SplittableRandom r = new SplittableRandom(20251201);
        int fast = 0;
        int n = 2_000_000;
        for (int i = 0; i < n; i++) {
            double v = switch (i % 4) {
                case 0 -> { // amounts with 1 to 5 fraction digits (5 is past the arithmetic path)
                    int k = 1 + r.nextInt(5);
                    yield r.nextLong((long) (1e7 * POW[k])) / POW[k];
                }
                case 1 -> Double.longBitsToDouble(r.nextLong(Double.doubleToLongBits(1e-4),
                        Double.doubleToLongBits(2e7))); // any double around the plain-notation range
                case 2 -> r.nextLong(100_000) / POW[r.nextInt(6)];
                default -> r.nextDouble() * Math.pow(10, r.nextInt(14) - 5);
            };
            if (Decimals.plainScale(v) > 0) {
                fast++;
            }
            same(v);
        }
        assertThat(fast).as("values that took the arithmetic path").isGreaterThan(n / 3);
    }

    @Test
    void shouldGiveDoubleToStringsDecimalAtTheEdges() {
        double[] edges = {0.0, -0.0, 1e-3, 0.0009999, 0.001, 0.0015, 0.1, 0.2, 0.3, 0.1 + 0.2, 1, 1.5, 2.0, 9.9999,
            12.34, 100, 999_999.99, 9_999_999.9999, 9_999_999.99999, 1e7, 1.2e7, 12_345_678.9, 1e15, 1e22, 2e23,
            Double.MIN_VALUE, Double.MAX_VALUE, 4.35, 0.07, 1.005, 2.675, 8.675, 1234567.125, 5e-324};
        for (double v : edges) {
            for (double w : new double[] {v, Math.nextUp(v), Math.nextDown(Math.abs(v))}) {
                if (Double.isFinite(w)) { // the decoder refuses the others
                    same(w);
                }
            }
        }
        for (int k = 1; k <= 4; k++) { // every value with k fraction digits below 300 (zeros included)
            for (long u = 0; u < 300 * (long) POW[k]; u++) {
                same(u / POW[k]);
            }
        }
    }
}
