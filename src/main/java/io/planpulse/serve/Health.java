package io.planpulse.serve;

/**
 * Whether this process can still do its work, for {@code /health}: up until something it cannot recover from
 * happens (the Kafka Streams client shut down, ...), then down for good, with the first reason. Whoever detects such
 * a failure calls {@link #fail(String)}; the process then exits non-zero so that its supervisor restarts it.
 */
public final class Health {
    private volatile String failure;

    /** Marks the process failed; the first reason stays. */
    public synchronized void fail(String reason) {
        if (failure == null) {
            failure = reason;
        }
    }

    public boolean up() {
        return failure == null;
    }

    /** Why the process is down, or null while it is up. */
    public String failure() {
        return failure;
    }
}
