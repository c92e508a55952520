package io.planpulse.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.planpulse.broker.EmbeddedBroker;
import io.planpulse.app.Config;
import io.planpulse.app.PipelineApp;
import io.planpulse.app.PlanLoad;
import io.planpulse.app.Progress;
import io.planpulse.app.Replay;
import io.planpulse.app.TopicAdmin;
import io.planpulse.plan.PlanLoader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two instances sharing the topics (one consumer group) answer every query with the same figures. */
class TwoInstancesIT {

    @Test
    void shouldAnswerEveryQueryIdenticallyFromEitherInstance(@TempDir Path dir) throws Exception {
        Clock clock = Clock.fixed(OffsetDateTime.parse(Scenario.AS_OF).toInstant(), ZoneOffset.UTC);
        try (EmbeddedBroker broker = EmbeddedBroker.start(null)) {
            Config a = config(broker, dir.resolve("a"));
            Config b = config(broker, dir.resolve("b"));
            TopicAdmin.ensureTopics(a.clients(), 3, 1);
            try (var in = getClass().getResourceAsStream("/plans/test-2025.yaml")) {
                PlanLoad.publish(PlanLoader.load("test-2025.yaml", new InputStreamReader(in, StandardCharsets.UTF_8)),
                        a.clients());
            }
            try (PipelineApp one = PipelineApp.start(a, clock); PipelineApp two = PipelineApp.start(b, clock)) {
                one.awaitReady(Duration.ofMinutes(2));
                two.awaitReady(Duration.ofMinutes(2));
                Replay.run(List.of(Scenario.write(dir)), a.clients(), Progress.quiet(),
                        new PrintStream(java.io.OutputStream.nullOutputStream()));
                PipelineApp host = one.hostsKpiStage() ? one : two;
                PipelineApp other = host == one ? two : one;
                assertThat(other.hostsKpiStage()).isFalse();
                host.awaitReflected(Duration.ofMinutes(2));
                other.awaitViewCaughtUp(Duration.ofMinutes(2));
                for (String path : List.of("/api/kpis?year=2025", "/api/lagging?year=2025", "/api/kpis/2025/trucks",
                        "/api/kpis/2025/all_projects", "/api/kpis/2025/p1", "/api/kpis?year=2025&category=logistics_trade")) {
                    Http.Response r1 = Http.get(one.url() + path);
                    Http.Response r2 = Http.get(two.url() + path);
                    assertThat(r1.status()).isEqualTo(200);
                    assertThat(r2.body()).as(path).isEqualTo(r1.body());
                }
                assertThat(Http.get(one.url() + "/api/kpis/2025/trucks").json().path("actual").asDouble())
                        .isEqualTo(Scenario.TRUCKS);
                for (String series : List.of("planpulse_kpi_actual", "planpulse_kpi_completion_ratio")) {
                    String m1 = Http.get(one.url() + "/metrics").body();
                    String m2 = Http.get(two.url() + "/metrics").body();
                    assertThat(Http.metric(m2, series, "indicator=\"p1\"")).isEqualTo(Http.metric(m1, series, "indicator=\"p1\""))
                            .isNotNull();
                }
            }
        }
    }

    private static Config config(EmbeddedBroker broker, Path state) throws Exception {
        return TestConfigs.local(broker.bootstrapServers(), state);
    }
}
