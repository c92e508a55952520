package io.planpulse.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.planpulse.broker.EmbeddedBroker;
import io.planpulse.app.Config;
import io.planpulse.app.PipelineApp;
import io.planpulse.app.PlanLoad;
import io.planpulse.app.TopicAdmin;
import io.planpulse.base.Topics;
import io.planpulse.plan.PlanLoader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * /ready and /health tell the truth about the KPI view (issue 14, point 2): ready means the view is alive and
 * caught up with planpulse.kpi; a view whose thread dies (here: a topic it reads is deleted under it) fails /health
 * and the instance, instead of serving frozen KPIs while it says ready.
 */
class ViewHealthIT {
    @Test
    void shouldFailHealthAndReadinessWhenTheKpiViewDies(@TempDir Path dir) throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(null)) {
            Map<String, String> flags = new HashMap<>();
            flags.put("bootstrap.servers", broker.bootstrapServers());
            flags.put("state.dir", dir.toString());
            flags.put(Config.HTTP_PORT, "0");
            flags.put("replication.factor", "1");
            Config c = Config.load(null, Map.of(), flags);
            TopicAdmin.ensureTopics(c.clients(), 3, 1);
            try (var in = getClass().getResourceAsStream("/plans/test-2025.yaml")) {
                PlanLoad.publish(PlanLoader.load("test-2025.yaml", new InputStreamReader(in, StandardCharsets.UTF_8)),
                        c.clients());
            }
            Clock clock = Clock.fixed(OffsetDateTime.parse(Scenario.AS_OF).toInstant(), ZoneOffset.UTC);
            try (PipelineApp app = PipelineApp.start(c, clock)) {
                AtomicInteger failures = new AtomicInteger();
                app.onFailure(failures::incrementAndGet);
                app.awaitReady(Duration.ofMinutes(2));
                assertThat(app.view().caughtUp(Duration.ofSeconds(5))).isTrue();
                assertThat(Http.get(app.url() + "/health").status()).isEqualTo(200);
                assertThat(Http.get(app.url() + "/ready").status()).isEqualTo(200);

                // a real fault: a topic the view reads is deleted (planpulse.unplanned: nothing in this test writes it, so
                // the pipeline itself goes on)
                try (Admin admin = Admin.create(c.clients())) {
                    admin.deleteTopics(List.of(Topics.UNPLANNED.name())).all().get();
                }
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
                    assertThat(Http.get(app.url() + "/ready").status()).isEqualTo(503);
                    assertThat(Http.get(app.url() + "/health").status()).isEqualTo(503);
                });
                assertThat(app.failure()).startsWith("KPI view stopped").contains("planpulse.unplanned no longer exists");
                assertThat(failures.get()).as("run and demo exit non-zero on this").isEqualTo(1);
                assertThat(app.view().alive()).isFalse();
            }
        }
    }
}
