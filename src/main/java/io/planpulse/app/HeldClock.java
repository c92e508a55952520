package io.planpulse.app;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock held at a fixed instant until {@link #release() released}, then the clock it wraps. The demo holds the
 * pipeline's clock just before last year closes while it feeds last year's simulated history, as a pipeline that
 * ran through the year-end would have received it, then lets it run on.
 */
public final class HeldClock extends Clock {
    private final Clock clock;
    /** Shared with the copies {@link #withZone} makes, so they are released together. */
    private final AtomicReference<Instant> held;

    public HeldClock(Clock clock, Instant held) {
        this(clock, new AtomicReference<>(held));
    }

    private HeldClock(Clock clock, AtomicReference<Instant> held) {
        this.clock = clock;
        this.held = held;
    }

    /** From now on, the wrapped clock's time. */
    public void release() {
        held.set(null);
    }

    @Override
    public Instant instant() {
        Instant h = held.get();
        return h != null ? h : clock.instant();
    }

    @Override
    public long millis() {
        return instant().toEpochMilli();
    }

    @Override
    public ZoneId getZone() {
        return clock.getZone();
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return new HeldClock(clock.withZone(zone), held);
    }
}
