package io.planpulse.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.planpulse.Planpulse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bench forks the command line by its class name, which it does not import: the name must stay right. */
class BenchForkTest {
    @Test
    void shouldForkTheCommandLineItIsASubcommandOf() {
        assertThat(Fork.MAIN).isEqualTo(Planpulse.class.getName());
    }

    @Test
    void shouldRunItsOwnArgumentsAgainWithAFixedPreTouchedHeapAndWithoutForking() {
        assertThat(Fork.command("/jdk/bin/java", "640m", "a.jar", List.of("--events", "3000", "--fork", "--fork=true",
                "--json", "b.json")))
                .containsExactly("/jdk/bin/java", "-Xms640m", "-Xmx640m", "-XX:+AlwaysPreTouch", "-cp", "a.jar",
                        "io.planpulse.Planpulse", "bench", "--events", "3000", "--json", "b.json", "--no-fork");
    }
}
