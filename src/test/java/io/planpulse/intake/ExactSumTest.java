package io.planpulse.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** An {@link ExactSum} is, value and scale, the BigDecimal sum of the exact decimals of what it was given. */
class ExactSumTest {
    private static BigDecimal exact(double v) {
        return new BigDecimal(Double.toString(v));
    }

    @Test
    void shouldEqualTheBigDecimalSumOfTheExactDecimals() {
        SplittableRandom r = new SplittableRandom(7);
        for (int round = 0; round < 2_000; round++) {
            ExactSum sum = new ExactSum();
            BigDecimal expected = BigDecimal.ZERO;
            int n = 1 + r.nextInt(200);
            for (int i = 0; i < n; i++) {
                double v = switch (r.nextInt(5)) {
                    case 0 -> Math.round(r.nextDouble() * 1e8) / 100.0; // yuan with fen
                    case 1 -> Math.round(r.nextDouble() * 30_000) / 1000.0; // tonnes
                    case 2 -> r.nextDouble() * 1e9; // long digits, and scientific notation
                    case 3 -> r.nextInt(1000);
                    default -> r.nextDouble();
                };
                sum.add(v);
                expected = expected.add(exact(v));
            }
            assertThat(sum.value()).isEqualTo(expected);
            assertThat(new BigDecimal(new java.math.BigInteger(sum.unscaledBytes()), sum.scale())).isEqualTo(expected);
        }
    }

    @Test
    void shouldStayExactPastTheRangeOfALong() {
        ExactSum sum = new ExactSum();
        BigDecimal expected = BigDecimal.ZERO;
        for (int i = 0; i < 2_000; i++) { // 2,000 times 9,999,999.9999 at scale 4 is past 2^63 only as a BigDecimal
            sum.add(9_999_999.9999);
            expected = expected.add(exact(9_999_999.9999));
        }
        BigDecimal huge = new BigDecimal("9223372036854775807.5");
        sum.add(huge);
        expected = expected.add(huge);
        ExactSum other = ExactSum.of(new BigDecimal("0.000000000000000000001"));
        other.add(1.25);
        sum.add(other);
        expected = expected.add(new BigDecimal("0.000000000000000000001")).add(exact(1.25));
        assertThat(sum.value()).isEqualTo(expected);
    }

    @Test
    void shouldMergeSumsAsTheirValuesAdd() {
        ExactSum a = new ExactSum();
        a.add(0.1);
        a.add(0.25);
        ExactSum b = new ExactSum();
        b.add(1e7); // scientific notation: scale -6 alone, 0 in a sum from zero
        b.add(3);
        a.add(b);
        assertThat(a.value()).isEqualTo(BigDecimal.ZERO.add(exact(0.1)).add(exact(0.25)).add(exact(1e7)).add(exact(3)));
        assertThat(new ExactSum().value()).isEqualTo(BigDecimal.ZERO);
    }
}
