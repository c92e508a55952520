package io.planpulse.app;

import io.micrometer.core.instrument.Counter;
import io.planpulse.events.RegistryUnavailable;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an uncaught error in a stream thread gets: a new thread, at most {@code max} times within {@code window};
 * beyond that the Kafka Streams client shuts down and {@code giveUp} is told why. A transient error costs one
 * replacement. A deterministic one (a bug, a poison state) fails the new thread in the same way, so it would loop
 * for ever; after {@code max} replacements it stops the instance instead, for systemd, Kubernetes or compose to
 * restart it and for someone to look.
 *
 * <p>A thread that gave a record back because the schema registry did not answer ({@link RegistryUnavailable}, see
 * IntakeProcessor) did not fail: it is replaced without counting, for as long as the registry is down (the record
 * waits; planpulse_schema_registry_up and /ready say so).
 */
final class StreamThreadFailures implements StreamsUncaughtExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(StreamThreadFailures.class);

    private final int max;
    private final Duration window;
    private final LongSupplier nanoTime;
    private final Counter replacements;
    private final Consumer<String> giveUp;
    /** System.nanoTime of each replacement within the window, oldest first. */
    private final ArrayDeque<Long> recent = new ArrayDeque<>();

    StreamThreadFailures(int max, Duration window, LongSupplier nanoTime, Counter replacements, Consumer<String> giveUp) {
        if (max < 0 || window.isNegative()) {
            throw new IllegalArgumentException("replacements: max " + max + " and window " + window + " must not be negative");
        }
        this.max = max;
        this.window = window;
        this.nanoTime = nanoTime;
        this.replacements = replacements;
        this.giveUp = giveUp;
    }

    @Override
    public synchronized StreamThreadExceptionResponse handle(Throwable error) {
        if (RegistryUnavailable.in(error)) {
            Throwable root = error;
            while (root.getCause() != null && root.getCause() != root && !(root instanceof RegistryUnavailable)) {
                root = root.getCause();
            }
            LOG.warn("a record waits for the schema registry: {}; the stream thread is replaced to read it again",
                    root.getMessage());
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        }
        long now = nanoTime.getAsLong();
        while (!recent.isEmpty() && now - recent.peekFirst() >= window.toNanos()) {
            recent.removeFirst();
        }
        if (recent.size() < max) {
            recent.addLast(now);
            replacements.increment();
            LOG.error("stream thread failed; replacing it ({} of at most {} replacements within {})", recent.size(), max,
                    window, error);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        }
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String why = "a stream thread failed after " + max + " replacements within " + window
                + "; shutting down (last error: " + root + ")";
        LOG.error(why, error);
        giveUp.accept(why);
        return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }
}
