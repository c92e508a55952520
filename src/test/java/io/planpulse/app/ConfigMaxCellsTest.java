package io.planpulse.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** planpulse.facts.max-cells: 100,000 unless set, and settable from the environment although its key has a '-'. */
class ConfigMaxCellsTest {

    @Test
    void shouldDefaultTo100000Cells() throws Exception {
        assertThat(Config.load(null, Map.of(), Map.of()).getInt(Config.FACTS_MAX_CELLS)).isEqualTo(100_000);
    }

    @Test
    void shouldTakeTheCapFromTheEnvironment() throws Exception {
        Config c = Config.load(null, Map.of("PLANPULSE_FACTS_MAX_CELLS", "5000"), Map.of());
        assertThat(c.getInt(Config.FACTS_MAX_CELLS)).isEqualTo(5000);
        assertThat(c.kafka()).doesNotContainKey("facts.max-cells");
    }
}
