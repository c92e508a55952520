package io.planpulse.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.planpulse.broker.EmbeddedBroker;
import io.planpulse.app.Config;
import io.planpulse.app.PipelineApp;
import io.planpulse.app.PlanLoad;
import io.planpulse.app.Progress;
import io.planpulse.app.Replay;
import io.planpulse.app.TopicAdmin;
import io.planpulse.plan.Plan;
import io.planpulse.plan.PlanLoader;
import io.planpulse.plan.Target;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What only a real broker shows: work moving between instances, local state rebuilt from the changelogs, and a
 * plan revised while events flow.
 */
class RestartAndPlanChangeIT {
    static final Clock CLOCK = Clock.fixed(OffsetDateTime.parse(Scenario.AS_OF).toInstant(), ZoneOffset.UTC);

    @Test
    void shouldMoveWorkToTheSurvivorAndRebuildWipedStateFromTheChangelogs(@TempDir Path dir) throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(null)) {
            Config a = config(broker, dir.resolve("a"), "1");
            Config b = config(broker, dir.resolve("b"), "1");
            setUp(a);
            PipelineApp one = PipelineApp.start(a, CLOCK);
            PipelineApp two = PipelineApp.start(b, CLOCK);
            try {
                one.awaitReady(Duration.ofMinutes(2));
                two.awaitReady(Duration.ofMinutes(2));
                Replay.run(List.of(Scenario.write(dir)), a.clients(), Progress.quiet(), quiet());
                PipelineApp host = one.hostsKpiStage() ? one : two;
                PipelineApp survivor = host == one ? two : one;
                host.awaitReflected(Duration.ofMinutes(2));
                survivor.awaitViewCaughtUp(Duration.ofMinutes(2));
                String before = Http.get(survivor.url() + "/api/kpis?year=2025").body();

                host.close();
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(survivor::hostsKpiStage);
                assertThat(Http.get(survivor.url() + "/api/kpis?year=2025").body()).isEqualTo(before);
                assertThat(Http.get(survivor.url() + "/metrics").status()).isEqualTo(200);

                // more input after the move: the survivor alone counts it
                Replay.run(List.of(Scenario.write(dir)), a.clients(), Progress.quiet(), quiet());
                survivor.awaitReflected(Duration.ofMinutes(2));
                assertThat(Http.get(survivor.url() + "/api/kpis/2025/trucks").json().path("actual").asDouble())
                        .as("replaying the same ids again changes nothing").isEqualTo(Scenario.TRUCKS);
                String settled = Http.get(survivor.url() + "/api/kpis?year=2025").body();

                // a third instance with empty local state takes over and rebuilds identical KPIs from the changelogs
                Config c = config(broker, dir.resolve("c-wiped"), "1");
                try (PipelineApp fresh = PipelineApp.start(c, CLOCK)) {
                    fresh.awaitReady(Duration.ofMinutes(2));
                    survivor.close();
                    await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(fresh::hostsKpiStage);
                    Replay.run(List.of(Scenario.write(dir)), a.clients(), Progress.quiet(), quiet());
                    fresh.awaitReflected(Duration.ofMinutes(2));
                    assertThat(Http.get(fresh.url() + "/api/kpis?year=2025").body()).isEqualTo(settled);
                }
            } finally {
                one.close();
                two.close();
            }
        }
    }

    @Test
    void shouldReevaluateARevisedPlanWhileEventsFlowWithoutLosingAny(@TempDir Path dir) throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(null)) {
            Config a = config(broker, dir.resolve("a"), "0");
            Plan plan = setUp(a);
            try (PipelineApp app = PipelineApp.start(a, CLOCK)) {
                app.awaitReady(Duration.ofMinutes(2));
                CompletableFuture<Replay.Result> replay = CompletableFuture.supplyAsync(() -> {
                    try {
                        return Replay.run(List.of(Scenario.write(dir)), a.clients(), Progress.quiet(), quiet());
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                List<Target> revised = plan.targets().stream()
                        .filter(t -> !t.id().equals("hub_tonnes"))
                        .map(t -> t.id().equals("trucks") ? new Target(t.year(), t.id(), t.nameZh(), t.nameEn(), t.category(),
                                t.unit(), t.kind(), t.comparator(), 2400.0, t.scale(), t.baseline(), t.schedule(), t.parent(),
                                t.source(), t.filter(), t.owner(), t.binding(), t.timezone(), t.reportDeadlineDay(),
                                t.thresholds()) : t)
                        .toList();
                PlanLoad.publish(new Plan(2025, plan.timezone(), plan.reportDeadlineDay(), plan.thresholds(), revised,
                        List.of()), a.clients());
                replay.get();
                app.awaitReflected(Duration.ofMinutes(2));
                var trucks = Http.get(app.url() + "/api/kpis/2025/trucks").json();
                assertThat(trucks.get("actual").asDouble()).isEqualTo(Scenario.TRUCKS);
                assertThat(trucks.get("target").asDouble()).isEqualTo(2400.0);
                assertThat(trucks.get("completion").asDouble()).isEqualTo(Scenario.TRUCKS / 2400.0);
                assertThat(Http.get(app.url() + "/api/kpis/2025/hub_tonnes").status()).isEqualTo(404);
                String metrics = Http.get(app.url() + "/metrics").body();
                assertThat(metrics).doesNotContain("indicator=\"hub_tonnes\"").contains("indicator=\"trucks\"");

                // A plan file with an error is refused whole (exit 2, file:line: rule) and the running plan stays.
                Path bad = dir.resolve("bad.yaml");
                java.nio.file.Files.writeString(bad, new String(getClass().getResourceAsStream("/plans/test-2025.yaml")
                        .readAllBytes(), StandardCharsets.UTF_8).replace("target: 1200", "target: 9999")
                        .replace("kind: growth_rate", "kind: growthy"));
                java.io.StringWriter err = new java.io.StringWriter();
                picocli.CommandLine cli = io.planpulse.Planpulse.commandLine();
                cli.setErr(new java.io.PrintWriter(err));
                int exit = cli.execute("plan", "load", bad.toString(), "--bootstrap-servers", broker.bootstrapServers());
                assertThat(exit).isEqualTo(2);
                assertThat(err.toString()).contains(bad + ":").contains("unknown kind 'growthy'");
                app.awaitReflected(Duration.ofMinutes(1));
                assertThat(Http.get(app.url() + "/api/kpis/2025/trucks").json().path("target").asDouble()).isEqualTo(2400.0);
                assertThat(Http.get(app.url() + "/api/kpis?year=2025").json().size()).isEqualTo(10);
            }
        }
    }

    private static Plan setUp(Config c) throws Exception {
        TopicAdmin.ensureTopics(c.clients(), 3, 1);
        try (var in = RestartAndPlanChangeIT.class.getResourceAsStream("/plans/test-2025.yaml")) {
            Plan plan = PlanLoader.load("test-2025.yaml", new InputStreamReader(in, StandardCharsets.UTF_8));
            PlanLoad.publish(plan, c.clients());
            return plan;
        }
    }

    private static PrintStream quiet() {
        return new PrintStream(java.io.OutputStream.nullOutputStream());
    }

    private static Config config(EmbeddedBroker broker, Path state, String standbys) throws Exception {
        return TestConfigs.local(broker.bootstrapServers(), state, "num.standby.replicas", standbys,
                "session.timeout.ms", "6000", "heartbeat.interval.ms", "1000");
    }
}
