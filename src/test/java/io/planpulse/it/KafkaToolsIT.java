package io.planpulse.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.planpulse.broker.EmbeddedBroker;
import io.planpulse.app.Config;
import io.planpulse.app.PipelineApp;
import io.planpulse.app.PlanLoad;
import io.planpulse.app.Progress;
import io.planpulse.app.Replay;
import io.planpulse.app.TopicAdmin;
import io.planpulse.base.Topics;
import io.planpulse.plan.PlanLoader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka's own tools from planpulse's jar, as the runbook in docs/operations.md runs them: ConsumerGroupCommand describes the
 * application's consumer group, and StreamsResetter resets the application right after a clean stop (close leaves
 * the group, so the reset is not refused while the session of the stopped instance runs out); a full reprocess then
 * ends with the same KPIs.
 */
class KafkaToolsIT {
    static final Clock CLOCK = Clock.fixed(OffsetDateTime.parse(Scenario.AS_OF).toInstant(), ZoneOffset.UTC);

    record Result(int exit, String output) {
    }

    @Test
    void shouldDescribeTheGroupThenResetRightAfterAStopAndReprocessToTheSameKpis(@TempDir Path dir) throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(null)) {
            String bootstrap = broker.bootstrapServers();
            Config first = config(bootstrap, dir.resolve("state-1"));
            TopicAdmin.ensureTopics(first.clients(), 3, 1);
            try (var in = getClass().getResourceAsStream("/plans/test-2025.yaml")) {
                PlanLoad.publish(PlanLoader.load("test-2025.yaml", new InputStreamReader(in, StandardCharsets.UTF_8)),
                        first.clients());
            }
            String before;
            try (PipelineApp app = PipelineApp.start(first, CLOCK)) {
                app.awaitReady(Duration.ofMinutes(2));
                Replay.run(List.of(Scenario.write(dir)), first.clients(), Progress.quiet(), quiet());
                app.awaitReflected(Duration.ofMinutes(2));
                before = Http.get(app.url() + "/api/kpis?year=2025").body();
                assertThat(Http.get(app.url() + "/api/kpis/2025/trucks").json().path("actual").asDouble())
                        .isEqualTo(Scenario.TRUCKS);

                Result describe = tool("org.apache.kafka.tools.consumer.group.ConsumerGroupCommand",
                        "--bootstrap-server", bootstrap, "--describe", "--group", "planpulse");
                assertThat(describe.exit()).as(describe.output()).isZero();
                assertThat(describe.output()).contains("CURRENT-OFFSET").contains("LAG")
                        .contains("planpulse.truck-departures").contains("StreamThread");
            }

            // right after the stop, no waiting for a session timeout
            long stopped = System.nanoTime();
            Result reset = tool("org.apache.kafka.tools.StreamsResetter", "--bootstrap-server", bootstrap,
                    "--application-id", "planpulse", "--input-topics", String.join(",", Topics.INPUTS));
            assertThat(reset.exit()).as(reset.output()).isZero();
            assertThat(reset.output()).doesNotContain("still active").contains("Done.");
            assertThat(Duration.ofNanos(System.nanoTime() - stopped)).isLessThan(Duration.ofSeconds(30));

            // a full reprocess, with fresh local state (the resetter leaves state.dir to the operator)
            try (PipelineApp app = PipelineApp.start(config(bootstrap, dir.resolve("state-2")), CLOCK)) {
                app.awaitReady(Duration.ofMinutes(2));
                app.awaitReflected(Duration.ofMinutes(2));
                assertThat(Http.get(app.url() + "/api/kpis?year=2025").body()).isEqualTo(before);
                assertThat(Http.get(app.url() + "/api/kpis/2025/trucks").json().path("actual").asDouble())
                        .as("every event counted once again, not twice").isEqualTo(Scenario.TRUCKS);
            }
        }
    }

    /** Runs a class of the shipped jar, as docs/operations.md says: java -cp target/planpulse.jar CLASS ARGS. */
    static Result tool(String mainClass, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", "target/planpulse.jar", mainClass));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).as(mainClass + " finishes").isTrue();
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private static PrintStream quiet() {
        return new PrintStream(java.io.OutputStream.nullOutputStream());
    }

    private static Config config(String bootstrap, Path state) throws Exception {
        return TestConfigs.local(bootstrap, state);
    }
}
