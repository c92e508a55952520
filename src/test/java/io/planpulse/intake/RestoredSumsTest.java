package io.planpulse.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.planpulse.avro.internal.KpiInput;
import io.planpulse.intake.IntakeOutput;
import io.planpulse.base.Topics;
import io.planpulse.plan.PlanCatalog;
import io.planpulse.base.Stream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * Sums the journal restores without having handed them over (a crash after a full batch was written, or state from a
 * build that forwarded from a punctuator) go to the KPI stage at once, even if no record ever arrives again: the commit
 * hook runs only for a task that processed or punctuated since its last commit.
 */
class RestoredSumsTest {

    @Test
    void shouldHandOverRestoredSumsOnceWithoutWaitingForARecord() {
        MockProcessorContext<String, IntakeOutput> context = new MockProcessorContext<>();
        KeyValueStore<Bytes, byte[]> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(
                Topics.journalStore(Stream.TRUCK_DEPARTURE)), Serdes.Bytes(), Serdes.ByteArray())
                .withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        CommitHook hook = CommitHook.builder(Topics.commitHook(Stream.TRUCK_DEPARTURE)).build();
        hook.init(context.getStateStoreContext(), hook);
        context.addStateStore(hook);

        // what a previous run left: two accepted trucks, their batch written, their sums not handed over
        Journal before = new Journal(store);
        before.open();
        for (String id : new String[] {"d1", "d2"}) {
            assertThat(before.accept(id.getBytes(StandardCharsets.UTF_8), 1_000)).isTrue();
            before.add(2025, 3, new String[] {"cq-hanoi", "VN", "youyiguan"}, new double[] {1_000_000.5, 20.25}, 1_000);
            before.accepted();
        }
        before.persist();

        Clock clock = Clock.fixed(Instant.parse("2025-04-01T00:00:00Z"), ZoneOffset.UTC);
        IntakeProcessor intake = new IntakeProcessor(Stream.TRUCK_DEPARTURE,
                new PlanCatalog(ZoneId.of("Asia/Shanghai")), new SimpleMeterRegistry(), clock, "500113");
        intake.init(context);
        assertThat(context.forwarded()).isEmpty();

        MockProcessorContext.CapturedPunctuator once = context.scheduledPunctuators().stream()
                .filter(p -> p.getType() == PunctuationType.WALL_CLOCK_TIME
                        && p.getInterval().equals(Duration.ofMillis(100)))
                .findFirst().orElseThrow(() -> new AssertionError("no punctuator for the restored sums"));
        once.getPunctuator().punctuate(1_100);
        assertThat(once.cancelled()).as("it runs once").isTrue();
        assertThat(context.forwarded()).singleElement().satisfies(f -> {
            KpiInput in = ((IntakeOutput.ToKpi) f.record().value()).input();
            assertThat(in.getSubject()).isEqualTo("cq-hanoi\u001fVN\u001fyouyiguan");
            assertThat(in.getCount()).isEqualTo(2);
            assertThat(in.getAmounts()).containsExactly("2000001.0", "40.50");
        });
        Journal after = new Journal(store);
        after.open();
        assertThat(after.hasPendingSums()).as("handed over: a restart would not send them again").isFalse();
        assertThat(after.size()).isEqualTo(2);
    }
}
