package io.planpulse.app;

import java.io.PrintStream;

/** Progress of a long-running command on stderr (records, records/s, elapsed), at most once a second. */
public final class Progress {
    private final String what;
    private final PrintStream out;
    private final long start = System.nanoTime();
    private long lastPrint = start;

    public Progress(String what, PrintStream out) {
        this.what = what;
        this.out = out;
    }

    public static Progress quiet() {
        return new Progress("", null);
    }

    public void tick(long count) {
        if (out == null) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastPrint >= 1_000_000_000L) {
            lastPrint = now;
            print(count, now);
        }
    }

    public void done(long count) {
        if (out != null) {
            print(count, System.nanoTime());
        }
    }

    private void print(long count, long now) {
        double secs = (now - start) / 1e9;
        out.printf("%s: %,d records, %,.0f records/s, %.1f s elapsed%n", what, count, count / Math.max(secs, 1e-9), secs);
    }
}
