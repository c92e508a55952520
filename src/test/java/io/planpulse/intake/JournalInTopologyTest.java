package io.planpulse.intake;

import static io.planpulse.pipeline.TopologyFixture.truck;
import static org.assertj.core.api.Assertions.assertThat;

import io.planpulse.base.Topics;
import io.planpulse.pipeline.TopologyFixture;
import io.planpulse.base.Stream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The intake's journal in the production topology: written before every commit, so a restart reads it back. */
class JournalInTopologyTest {

    @Test
    void shouldWriteTheJournalOfIdsBeforeEachCommitNotOnlyWhenABatchFills() throws Exception {
        try (TopologyFixture f = new TopologyFixture("2025-03-05T12:00:00+08:00")) {
            f.load(TopologyFixture.testPlan());
            f.send(truck("d1", "2025-01-15T10:00:00+08:00", "VN", 1_000_000));
            f.send(truck("d2", "2025-01-15T11:00:00+08:00", "VN", 1_000_000));
            // TopologyTestDriver commits after every record; a batch of 2 ids is far from full, so only the commit
            // hook can have put these ids in the store (what a restart would read back)
            org.apache.kafka.streams.state.KeyValueStore<org.apache.kafka.common.utils.Bytes, byte[]> store =
                    f.driver.getKeyValueStore(Topics.journalStore(Stream.TRUCK_DEPARTURE));
            Journal restarted = new Journal(store);
            restarted.open();
            assertThat(restarted.size()).isEqualTo(2);
            assertThat(restarted.accept("d2".getBytes(StandardCharsets.UTF_8), 0)).isFalse();
            // the sums went to the KPI stage in the same commits: nothing is left to hand over after a restart
            assertThat(restarted.drain()).isEmpty();
            f.settle();
            assertThat(f.kpi("trucks").getActual()).isEqualTo(2.0);
        }
    }
}
