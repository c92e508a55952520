package io.planpulse.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The journal over a real (in-memory) key-value store; a fresh Journal on the same store stands for a restart. */
class JournalTest {
    private static final long DAY = 86_400_000L;
    private KeyValueStore<Bytes, byte[]> store;

    @BeforeEach
    void store() {
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("journal"), Serdes.Bytes(), Serdes.ByteArray())
                .withLoggingDisabled().build();
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        store.init(context.getStateStoreContext(), store);
    }

    private static byte[] id(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private Journal reopened() {
        Journal j = new Journal(store);
        j.open();
        return j;
    }

    private static void event(Journal j, String id, long ts, double amount) {
        if (j.accept(id(id), ts)) {
            j.add(2025, 3, new String[] {"cq-hanoi", "VN", "youyiguan"}, new double[] {amount, 1}, ts);
            j.accepted();
        }
    }

    @Test
    void shouldForgetWhatWasNeverPersistedAndKeepWhatWas() {
        Journal j = reopened();
        event(j, "a", 1_000, 1.5);
        j.persist();
        event(j, "b", 2_000, 2.25);
        // a restart now (no commit since "b") keeps "a" and its sum, and not "b": the input offsets roll back too
        Journal r = reopened();
        assertThat(r.size()).isEqualTo(1);
        assertThat(r.accept(id("a"), 3_000)).isFalse();
        assertThat(r.accept(id("b"), 3_000)).isTrue();
        assertThat(r.hasPendingSums()).as("a's sum, restored, waits to be handed over").isTrue();
        List<Journal.Sum> sums = r.drain();
        assertThat(r.hasPendingSums()).isFalse();
        assertThat(sums).hasSize(1);
        assertThat(sums.get(0).amount(0)).isEqualByComparingTo("1.5");
        assertThat(sums.get(0).count).isEqualTo(1);
    }

    @Test
    void shouldHandEachSumOverOnceAcrossFullBatchesDrainsAndRestarts() {
        Journal j = reopened();
        int n = Journal.BATCH_IDS * 3 + 7; // three full batches written on the way, and an open one
        for (int i = 0; i < n; i++) {
            event(j, "td-" + i, 1_000 + i, 0.1);
        }
        event(j, "td-5", 9_999, 100); // a duplicate changes nothing
        List<Journal.Sum> first = j.drain();
        assertThat(first).hasSize(1);
        assertThat(first.get(0).amount(0)).isEqualByComparingTo(new BigDecimal("0.1").multiply(BigDecimal.valueOf(n)));
        assertThat(first.get(0).count).isEqualTo(n);
        assertThat(first.get(0).lastEventAt).isEqualTo(1_000 + n - 1);
        assertThat(j.drain()).isEmpty();

        event(j, "td-new", 50_000, 7);
        j.persist();
        Journal r = reopened();
        assertThat(r.size()).isEqualTo(n + 1);
        List<Journal.Sum> after = r.drain();
        assertThat(after).hasSize(1);
        assertThat(after.get(0).amount(0)).isEqualByComparingTo("7");
        assertThat(reopened().drain()).isEmpty();
    }

    @Test
    void shouldForgetIdsOnlyPastTheRetentionAndOnlyOnceTheirSumsWereForwarded() {
        Journal j = reopened();
        for (int i = 0; i < Journal.BATCH_IDS; i++) {
            event(j, "old-" + i, 10 * DAY + i, 1); // one full batch, days 10
        }
        event(j, "new-1", 500 * DAY, 1);
        assertThat(j.purge(420 * DAY)).as("sums not forwarded yet: nothing may go").isZero();
        assertThat(j.drain().get(0).count).isEqualTo(Journal.BATCH_IDS + 1);
        assertThat(j.purge(420 * DAY)).isEqualTo(Journal.BATCH_IDS);
        assertThat(j.size()).isEqualTo(1);
        assertThat(j.accept(id("old-3"), 501 * DAY)).as("forgotten").isTrue();
        assertThat(j.accept(id("new-1"), 501 * DAY)).isFalse();
        j.persist();
        Journal r = reopened();
        assertThat(r.size()).isEqualTo(2);
        assertThat(r.accept(id("old-4"), 502 * DAY)).isTrue();
    }

    @Test
    void shouldForgetABacklogOfExpiredIdsInBoundedSlices() {
        Journal j = reopened();
        int n = Journal.BATCH_IDS * 400; // whole batches: a little over two slices
        for (int i = 0; i < n; i++) {
            event(j, "td-" + i, DAY + i, 1);
        }
        event(j, "new-1", 500 * DAY, 1);
        j.drain();
        int forgotten = 0;
        int calls = 0;
        int slice;
        do {
            slice = j.purge(420 * DAY);
            assertThat(slice).isLessThanOrEqualTo(Journal.PURGE_SLICE_IDS);
            forgotten += slice;
            calls++;
        } while (j.purgeUnfinished());
        assertThat(calls).isEqualTo(3);
        assertThat(forgotten).isEqualTo(n);
        assertThat(j.size()).isEqualTo(1);
        assertThat(j.accept(id("td-77"), 501 * DAY)).as("forgotten").isTrue();
        assertThat(j.accept(id("new-1"), 501 * DAY)).isFalse();
        j.persist();
        assertThat(reopened().size()).as("and gone from the store").isEqualTo(2);
    }

    /**
     * Under at_least_once nothing that makes a replay a duplicate is written before what was forwarded is
     * acknowledged: the marker after the hand-over, a batch of reports' ids (no sums) after the reports.
     */
    @Test
    void shouldWriteTheMarkerAndIdsWithoutSumsOnlyOnceWhatWasForwardedIsAcknowledged() {
        List<String> order = new java.util.ArrayList<>();
        boolean[] acknowledged = {false};
        Journal j = new Journal(store, () -> {
            order.add("acknowledged");
            acknowledged[0] = true;
        });
        j.open();
        event(j, "a", 1_000, 1.5);
        j.drain(sums -> order.add("handed over"));
        assertThat(order).containsExactly("handed over", "acknowledged");
        assertThat(store.get(org.apache.kafka.common.utils.Bytes.wrap(new byte[] {0}))).as("marker").isNotNull();

        Journal refusing = new Journal(store, () -> {
            throw new IllegalStateException("refused by the broker");
        });
        refusing.open();
        event(refusing, "b", 2_000, 2.25);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> refusing.drain(sums -> { }))
                .hasMessageContaining("refused");
        List<Journal.Sum> again = reopened().drain();
        assertThat(again).as("b's sum, never acknowledged, is handed over again").hasSize(1);
        assertThat(again.get(0).amount(0)).isEqualByComparingTo("2.25");

        Journal reports = new Journal(store, () -> {
            throw new IllegalStateException("refused by the broker");
        });
        reports.open();
        assertThat(reports.accept(id("r-1"), 3_000)).isTrue();
        reports.accepted();
        org.assertj.core.api.Assertions.assertThatThrownBy(reports::persist).hasMessageContaining("refused");
        assertThat(reopened().accept(id("r-1"), 4_000)).as("the report's id was not written").isTrue();
    }

    @Test
    void shouldReadBatchesWrittenBeforeDistrictsAsTheDeploymentsDistrict() {
        Journal j = reopened();
        event(j, "a", 1_000, 1.5); // a cell of the stream's dimension values only, as the release before districts
        j.persist();
        try (var it = store.all()) {
            while (it.hasNext()) {
                var kv = it.next();
                if (kv.key.get().length > 1) {
                    byte[] v = kv.value.clone();
                    v[0] = 2; // format version 2: cells without a district
                    store.put(kv.key, v);
                }
            }
        }
        Journal upgraded = new Journal(store, () -> { }, "500112");
        upgraded.open();
        assertThat(upgraded.accept(id("a"), 2_000)).as("its ids are still remembered").isFalse();
        List<Journal.Sum> sums = upgraded.drain();
        assertThat(sums).singleElement().satisfies(s -> {
            assertThat(s.cell()).isEqualTo("500112\u001fcq-hanoi\u001fVN\u001fyouyiguan");
            assertThat(s.count).isEqualTo(1);
        });
    }
}
