package io.planpulse.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class IdSetTest {
    private static byte[] id(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldAnswerSeenOnlyForIdsAddedBefore() {
        IdSet set = new IdSet();
        assertThat(set.add(id("td-1"))).isTrue();
        assertThat(set.add(id("td-1"))).isFalse();
        assertThat(set.add(id("td-10"))).isTrue();
        assertThat(set.add(id("td-"))).isTrue();
        assertThat(set.contains(id("td-1"))).isTrue();
        assertThat(set.contains(id("td-2"))).isFalse();
        assertThat(set.size()).isEqualTo(3);
    }

    @Test
    void shouldKeepEveryIdExactlyThroughGrowthAndAcrossArenaChunks() {
        IdSet set = new IdSet(16);
        int n = 300_000; // ~9 MB of ids: many table doublings and arena chunks
        for (int i = 0; i < n; i++) {
            assertThat(set.add(id("cd-" + (1735689600000L + i) + "-" + i))).isTrue();
        }
        assertThat(set.size()).isEqualTo(n);
        for (int i = 0; i < n; i += 997) {
            assertThat(set.add(id("cd-" + (1735689600000L + i) + "-" + i))).isFalse();
            assertThat(set.contains(id("cd-" + (1735689600000L + i) + "-" + (i + 1)))).isFalse();
        }
    }

    @Test
    void shouldTellLongIdsApartByEveryByte() {
        IdSet set = new IdSet();
        String base = "x".repeat(1000);
        assertThat(set.add(id(base + "a"))).isTrue();
        assertThat(set.add(id(base + "b"))).isTrue();
        assertThat(set.add(id(base + "a"))).isFalse();
        assertThat(set.contains(id(base))).isFalse();
        assertThat(set.add(id("渝-重庆-" + "é".repeat(100)))).isTrue();
        assertThatThrownBy(() -> set.add(id("y".repeat(IdSet.MAX_ID_BYTES + 1))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldForgetRemovedIdsKeepTheOthersAndReuseEmptiedChunks() {
        IdSet set = new IdSet(16);
        int n = 300_000; // ~4 arena chunks; removed oldest first, as the journal's purge does
        for (int i = 0; i < n; i++) {
            set.add(id("td-" + i));
        }
        int chunks = set.chunksInUse();
        for (int i = 0; i < n / 2; i++) {
            assertThat(set.remove(id("td-" + i), 0, id("td-" + i).length)).isTrue();
        }
        assertThat(set.remove(id("td-0"), 0, 4)).as("gone already").isFalse();
        assertThat(set.size()).isEqualTo(n / 2);
        for (int i = 0; i < n; i++) {
            assertThat(set.contains(id("td-" + i))).as("td-" + i).isEqualTo(i >= n / 2);
        }
        assertThat(set.chunksInUse()).as("emptied chunks dropped").isLessThan(chunks);
        for (int i = 0; i < n / 2; i++) {
            assertThat(set.add(id("td-" + i))).isTrue();
        }
        assertThat(set.chunksInUse()).as("and reused").isLessThanOrEqualTo(chunks + 1);
        for (int i = 0; i < n; i += 7) {
            assertThat(set.contains(id("td-" + i))).isTrue();
        }
    }
}
