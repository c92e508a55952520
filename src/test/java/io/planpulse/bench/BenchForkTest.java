package io.planpulse.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.planpulse.Planpulse;
import org.junit.jupiter.api.Test;

/** The bench forks the command line by its class name, which it does not import: the name must stay right. */
class BenchForkTest {
    @Test
    void shouldForkTheCommandLineItIsASubcommandOf() {
        assertThat(Bench.MAIN).isEqualTo(Planpulse.class.getName());
    }
}
