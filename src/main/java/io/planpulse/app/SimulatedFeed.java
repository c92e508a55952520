package io.planpulse.app;

import io.planpulse.events.JsonEvents;
import io.planpulse.simulate.Simulator;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import io.planpulse.plan.Plan;

/** Simulated events onto the input topics, and the clocks that {@code demo} and {@code simulate} run on. */
public final class SimulatedFeed {
    private SimulatedFeed() {
    }

    /** An idempotent producer of raw records (acks all). */
    public static KafkaProducer<byte[], byte[]> producer(Map<String, Object> clients) {
        Map<String, Object> p = new HashMap<>(clients);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "10");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    public static void send(KafkaProducer<byte[], byte[]> producer, JsonEvents.Event e) {
        producer.send(new ProducerRecord<>(e.stream().topic(), e.key().getBytes(StandardCharsets.UTF_8), e.encode()));
    }

    /**
     * Live simulated events at {@code rate} per second, stamped with the clock's now, until a stop is requested or
     * {@code endNanos} (System.nanoTime) passes. Progress counts on from {@code sentBefore}; returns the new total.
     */
    public static long live(KafkaProducer<byte[], byte[]> producer, Simulator sim, Clock clock, double rate,
                            long endNanos, Shutdown shutdown, Progress progress, long sentBefore)
            throws InterruptedException {
        return live(producer, sim::live, clock, rate, endNanos, shutdown, progress, sentBefore);
    }

    /** {@link #live(KafkaProducer, Simulator, Clock, double, long, Shutdown, Progress, long)} of any source of events. */
    public static long live(KafkaProducer<byte[], byte[]> producer,
                            java.util.function.Function<Instant, JsonEvents.Event> sim, Clock clock, double rate,
                            long endNanos, Shutdown shutdown, Progress progress, long sentBefore)
            throws InterruptedException {
        long interval = (long) (1e9 / rate);
        long next = System.nanoTime();
        long sent = sentBefore;
        while (!shutdown.requested() && System.nanoTime() < endNanos) {
            send(producer, sim.apply(clock.instant()));
            progress.tick(++sent);
            next += interval;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                shutdown.await(wait);
            }
        }
        return sent;
    }

    /** When the year before {@code plan}'s closes: its own plan's deadline day if one is loaded, else 10. */
    public static Instant lastYearCloses(List<Plan> plans, Plan plan, ZoneId zone) {
        int day = plans.stream().filter(p -> p.year() == plan.year() - 1).mapToInt(Plan::reportDeadlineDay)
                .findFirst().orElse(10);
        return Simulator.closes(plan.year() - 1, day, zone);
    }

    /**
     * A fixed as-of instant fixes the clock. Without one, the wall clock, unless now is outside every loaded plan
     * year: then the wall clock moved by whole years into the latest plan year, so the shipped 2025 plan shows a live
     * year in progress whenever the demo is started.
     */
    public static Clock demoClock(List<Plan> plans, Instant asOf, ZoneId zone) {
        if (asOf != null) {
            return Clock.fixed(asOf, ZoneId.of("UTC"));
        }
        Plan latest = plans.stream().max(java.util.Comparator.comparingInt(Plan::year)).orElseThrow();
        if (plans.stream().anyMatch(p -> p.year() == ZonedDateTime.now(zone).getYear())) {
            return Clock.systemUTC();
        }
        return clockInYear(latest.year(), zone);
    }

    /**
     * The wall clock moved by whole years into {@code year} (in {@code zone}): today's date and time, in that year,
     * and running. What {@code demo} and {@code simulate} do for a plan year that is not this one, and what
     * {@code run --clock-year} does.
     */
    public static Clock clockInYear(int year, ZoneId zone) {
        ZonedDateTime now = ZonedDateTime.now(zone);
        if (now.getYear() == year) {
            return Clock.systemUTC();
        }
        Instant shifted = now.withYear(year).toInstant();
        return Clock.offset(Clock.systemUTC(), Duration.between(now.toInstant(), shifted));
    }
}
