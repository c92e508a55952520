package io.planpulse.app;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C / SIGTERM for the long-running commands: the hook tells the main thread to stop, then holds the JVM
 * (up to {@link #WAIT}) until the main thread has closed everything, so Streams commits and the broker shuts down
 * cleanly. The wait is longer than everything a command closes: an instance ({@link PipelineApp#CLOSE_BUDGET}),
 * and around it demo's producer (5 s) and embedded broker.
 */
public final class Shutdown {
    /** How long the hook holds the JVM for the main thread to close everything. */
    public static final java.time.Duration WAIT = java.time.Duration.ofSeconds(50);

    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch done = new CountDownLatch(1);

    public Shutdown() {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.countDown();
            try {
                done.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "planpulse-shutdown"));
    }

    /** Asks the main thread to stop, as Ctrl-C does (when the instance fails, for one). */
    public void request() {
        stop.countDown();
    }

    public boolean requested() {
        return stop.getCount() == 0;
    }

    /** Waits for a stop request; true if one came within the timeout. */
    public boolean await(long nanos) throws InterruptedException {
        return stop.await(nanos, TimeUnit.NANOSECONDS);
    }

    public void await() throws InterruptedException {
        stop.await();
    }

    /** Everything is closed: the JVM may exit. */
    public void finished() {
        done.countDown();
    }
}
