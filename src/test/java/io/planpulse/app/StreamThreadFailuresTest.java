package io.planpulse.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
import static org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A failed stream thread is replaced at most 3 times within 10 minutes; the next failure shuts the client down. */
class StreamThreadFailuresTest {
    final AtomicLong now = new AtomicLong(1_000);
    final Counter replacements = new SimpleMeterRegistry().counter("planpulse.stream.thread.replacements");
    final List<String> gaveUp = new ArrayList<>();
    final StreamThreadFailures handler = new StreamThreadFailures(3, Duration.ofMinutes(10), now::get, replacements,
            gaveUp::add);

    @Test
    void shouldReplaceThreeTimesThenShutDownTheClientAndSayWhy() {
        RuntimeException bug = new IllegalStateException("the same bug every time");
        for (int i = 0; i < 3; i++) {
            assertThat(handler.handle(bug)).isEqualTo(REPLACE_THREAD);
            now.addAndGet(Duration.ofSeconds(5).toNanos());
        }
        assertThat(gaveUp).isEmpty();
        assertThat(handler.handle(bug)).isEqualTo(SHUTDOWN_CLIENT);
        assertThat(replacements.count()).isEqualTo(3.0);
        assertThat(gaveUp).singleElement().asString().contains("3 replacements within PT10M")
                .contains("the same bug every time");
    }

    @Test
    void shouldForgetReplacementsOlderThanTheWindow() {
        RuntimeException transient1 = new RuntimeException("a transient error");
        for (int i = 0; i < 3; i++) {
            assertThat(handler.handle(transient1)).isEqualTo(REPLACE_THREAD);
            now.addAndGet(Duration.ofMinutes(4).toNanos());
        }
        // 12 minutes after the first: only two replacements remain within the last 10 minutes
        assertThat(handler.handle(transient1)).isEqualTo(REPLACE_THREAD);
        assertThat(handler.handle(transient1)).isEqualTo(SHUTDOWN_CLIENT);
        assertThat(replacements.count()).isEqualTo(4.0);
    }

    @Test
    void shouldShutDownAtTheFirstFailureWhenNoReplacementIsAllowed() {
        StreamThreadFailures none = new StreamThreadFailures(0, Duration.ofMinutes(10), now::get, replacements, gaveUp::add);
        assertThat(none.handle(new RuntimeException("x"))).isEqualTo(SHUTDOWN_CLIENT);
        assertThat(replacements.count()).isZero();
        assertThat(gaveUp).hasSize(1);
    }

    @Test
    void shouldReplaceAThreadThatGaveARecordBackToTheRegistryWithoutCountingItAsAFailure() {
        RuntimeException waiting = new org.apache.kafka.streams.errors.StreamsException("processing failed",
                new io.planpulse.events.RegistryUnavailable("Confluent wire format, schema id 3: registry down; waited 75000 ms"));
        for (int i = 0; i < 10; i++) {
            assertThat(handler.handle(waiting)).isEqualTo(REPLACE_THREAD);
        }
        assertThat(replacements.count()).isZero();
        assertThat(gaveUp).isEmpty();
    }
}
