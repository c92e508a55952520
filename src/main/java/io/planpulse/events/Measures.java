package io.planpulse.events;

import io.planpulse.kpi.Decimals;
import java.math.BigDecimal;

/**
 * The amounts of one event, by field name, plus {@code count} = 1. The decoder checks each value (finite,
 * non-negative where it is an amount); the exact decimal of a double ({@code new BigDecimal(Double.toString(v))},
 * the shortest decimal that reads back as the same double) is made only when a target asks for that field, since
 * most targets use one field of an event and the conversion is the dearest step of decoding.
 */
public final class Measures {
    private final String[] names;
    private final double[] values;
    private final BigDecimal[] exact;

    Measures(String[] names, double[] values) {
        this.names = names;
        this.values = values;
        this.exact = new BigDecimal[names.length];
    }

    static Measures of(String name, double value) {
        return new Measures(new String[] {name}, new double[] {value});
    }

    /** The exact amount of {@code name}; {@code count} is 1; null if the event has no such field. */
    public BigDecimal get(String name) {
        if ("count".equals(name)) {
            return BigDecimal.ONE;
        }
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return exact(i);
            }
        }
        return null;
    }

    /**
     * The amounts as doubles, in the order of the stream's measures ({@code Stream.measures()}); the decoder's own
     * array, not a copy: read it, never write it. Their exact decimals are {@link Decimals#exact}.
     */
    public double[] values() {
        return values;
    }

    /** The first field's exact amount (reports carry one). */
    public BigDecimal first() {
        return exact(0);
    }

    private BigDecimal exact(int i) {
        BigDecimal d = exact[i];
        if (d == null) {
            d = Decimals.exact(values[i]);
            exact[i] = d;
        }
        return d;
    }
}
