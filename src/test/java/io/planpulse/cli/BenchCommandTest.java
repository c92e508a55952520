package io.planpulse.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.planpulse.Planpulse;
import io.planpulse.bench.BenchOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code bench}'s options reach the bench library as they were given, and a knob no run can use exits with 2. */
class BenchCommandTest {

    @Test
    void shouldHandTheOptionsToTheBench() throws Exception {
        BenchCommand cmd = new BenchCommand();
        new CommandLine(cmd).parseArgs("--events", "3000", "--runs", "raw,freshness", "--streams-config",
                "a=1,b=2", "--json", "out.json", "--passes", "1", "--trace");
        BenchOptions o = cmd.options();
        assertThat(o.events()).isEqualTo(3000);
        assertThat(o.runs()).containsExactly("raw", "freshness");
        assertThat(o.streamsConfig()).containsExactly(entry("a", "1"), entry("b", "2"));
        assertThat(o.json()).isEqualTo(Path.of("out.json"));
        assertThat(o.passes()).isEqualTo(1);
        assertThat(o.trace()).isTrue();
        assertThat(o.bootstrap()).isNull();
    }

    @Test
    void shouldDefaultToEveryRun() throws Exception {
        BenchCommand cmd = new BenchCommand();
        new CommandLine(cmd).parseArgs();
        assertThat(List.copyOf(cmd.options().runs())).isEqualTo(BenchOptions.ALL_RUNS);
        assertThat(cmd.options().events()).isEqualTo(2_000_000);
    }

    @Test
    void shouldExitWithTwoOnAKnobNoRunCanUse() {
        for (String[] args : List.of(new String[] {"bench", "--runs", "raw,no-such-run"},
                new String[] {"bench", "--passes", "0"}, new String[] {"bench", "--no-fork", "--instances", "0"})) {
            CommandLine cl = Planpulse.commandLine();
            StringWriter err = new StringWriter();
            cl.setErr(new PrintWriter(err, true));
            assertThat(cl.execute(args)).as(String.join(" ", args)).isEqualTo(Planpulse.BAD_INPUT);
            assertThat(err.toString()).as(String.join(" ", args)).startsWith("bench: --");
        }
    }
}
