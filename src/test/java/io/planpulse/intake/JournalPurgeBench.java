package io.planpulse.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * How long the hourly purge holds the stream thread with 2,000,000 ids remembered: a measurement, not a check of
 * speed, and not a test: a main in the test sources, run by hand:
 * {@code mvn -B -q test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=io.planpulse.intake.JournalPurgeBench};
 * it prints its figures (docs/performance.md,
 * "The journal's purge"). The store is the in-memory one (production's is RocksDB, which reads slower still).
 *
 * <p>2,000,000 truck ids arrive evenly over 401 days, their sums handed over every 10,000 events (a commit); then
 * the purge runs as the punctuator does: once with nothing expired, then hour by hour (about 208 ids expire an
 * hour), then after ten days without a purge (a restart after downtime: about 50,000 ids). A purge call does at
 * most a bounded slice; a backlog takes several calls, each timed.
 */
public final class JournalPurgeBench {
    private static final long HOUR = 3_600_000L;
    private static final long DAY = 24 * HOUR;
    private static final int IDS = 2_000_000;
    private static final long SPAN = 401 * DAY;
    private static final long T0 = 1_700_000_000_000L;
    private static final String[] DIMS = {"cq-hanoi", "VN", "youyiguan"};

    public static void main(String[] args) {
        KeyValueStore<Bytes, byte[]> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("journal"),
                Serdes.Bytes(), Serdes.ByteArray()).withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        Journal j = new Journal(store);
        j.open();
        long t = System.nanoTime();
        for (int i = 0; i < IDS; i++) {
            long ts = T0 + SPAN * i / IDS;
            if (j.accept(("td-" + i).getBytes(StandardCharsets.UTF_8), ts)) {
                j.add(2025, 3, DIMS, new double[] {1.5, 20}, ts);
                j.accepted();
            }
            if (i % 10_000 == 9_999) {
                j.drain();
            }
        }
        j.drain();
        System.out.printf("purge bench: %,d ids written in %d ms%n", j.size(), (System.nanoTime() - t) / 1_000_000);
        long retention = IntakeProcessor.DEDUP_RETENTION.toMillis();
        long now = T0 + SPAN;

        for (int run = 0; run < 3; run++) { // warm-up, the same call
            j.purge(T0 - 1);
        }
        long[] idle = new long[5];
        for (int run = 0; run < idle.length; run++) {
            long s = System.nanoTime();
            assertThat(j.purge(T0 - 1)).isZero();
            idle[run] = System.nanoTime() - s;
        }
        System.out.printf("purge bench: nothing expired: %s ms%n", ms(idle));

        long[] hourly = new long[8];
        int forgotten = 0;
        for (int h = 0; h < hourly.length; h++) {
            now += HOUR;
            long s = System.nanoTime();
            forgotten += j.purge(now - retention);
            hourly[h] = System.nanoTime() - s;
        }
        System.out.printf("purge bench: hour by hour (%,d ids forgotten in %d purges): %s ms%n", forgotten,
                hourly.length, ms(hourly));

        now += 10 * DAY;
        long total = 0;
        long max = 0;
        int calls = 0;
        int backlog = 0;
        int n;
        do {
            long s = System.nanoTime();
            n = j.purge(now - retention);
            long d = System.nanoTime() - s;
            total += d;
            max = Math.max(max, d);
            calls++;
            backlog += n;
        } while (n > 0);
        System.out.printf("purge bench: ten days' backlog: %,d ids forgotten in %d calls, longest %.1f ms, all %.1f ms"
                + " (%,d ids remembered)%n", backlog, calls, max / 1e6, total / 1e6, j.size());
        assertThat(j.size()).isEqualTo(IDS - forgotten - backlog);
    }

    private static String ms(long[] nanos) {
        return Arrays.toString(Arrays.stream(nanos).mapToObj(n -> String.format("%.1f", n / 1e6)).toArray());
    }
}
