package io.planpulse.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.planpulse.app.Config;
import io.planpulse.app.PipelineApp;
import io.planpulse.app.PlanLoad;
import io.planpulse.app.Progress;
import io.planpulse.app.Replay;
import io.planpulse.app.TopicAdmin;
import io.planpulse.base.Stream;
import io.planpulse.base.Topics;
import io.planpulse.broker.EmbeddedBroker;
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
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The intake's hand-over to the KPI stage when the broker takes one write and refuses another: the journal's
 * changelog accepts its writes while the kpi-input repartition topics refuse every record (their
 * {@code max.message.bytes} is made tiny). That is the non-atomic moment a crash can also hit under at_least_once,
 * made deterministic: the sends to the two topics are separate, and the ids that make a replay a duplicate must not
 * be durable unless what those events add has reached the KPI stage. Once the topics accept records again, every
 * figure is at least the exact one (at_least_once may count twice, never lose). Under exactly_once_v2 a refused send
 * aborts the transaction without replacing the thread, so this wait does not fit it yet (the parameter is kept for it).
 */
class HandOverOrderIT {
    static final Clock CLOCK = Clock.fixed(OffsetDateTime.parse(Scenario.AS_OF).toInstant(), ZoneOffset.UTC);

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.AT_LEAST_ONCE})
    void shouldLoseNoEventWhenTheHandOverIsRefusedAndTheJournalIsNot(String guarantee, @TempDir Path dir)
            throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(null)) {
            Config config = TestConfigs.local(broker.bootstrapServers(), dir.resolve("state"),
                    "processing.guarantee", guarantee, Config.THREAD_REPLACEMENTS, "1000");
            TopicAdmin.ensureTopics(config.clients(), 3, 1);
            try (var in = getClass().getResourceAsStream("/plans/test-2025.yaml")) {
                PlanLoad.publish(PlanLoader.load("test-2025.yaml", new InputStreamReader(in, StandardCharsets.UTF_8)),
                        config.clients());
            }
            try (PipelineApp app = PipelineApp.start(config, CLOCK);
                 Admin admin = Admin.create(config.clients())) {
                app.awaitReady(Duration.ofMinutes(2));
                List<String> handOver = List.of(repartition(config, Stream.TRUCK_DEPARTURE),
                        repartition(config, Stream.PROJECT_PROGRESS));
                refuseRecords(admin, handOver, true);

                Replay.run(List.of(Scenario.write(dir)), config.clients(), Progress.quiet(),
                        new PrintStream(java.io.OutputStream.nullOutputStream()));
                // a hand-over was refused: the stream thread failed and was replaced (its error is expected here)
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100)).dontCatchUncaughtExceptions()
                        .until(() -> replacements(app) >= 1);
                refuseRecords(admin, handOver, false);

                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).dontCatchUncaughtExceptions()
                        .ignoreExceptions()
                        .untilAsserted(() -> {
                            assertThat(actual(app, "trucks")).as("trucks").isGreaterThanOrEqualTo(Scenario.TRUCKS);
                            assertThat(actual(app, "p1")).as("p1 (a report, an upsert: never above)")
                                    .isEqualTo(Scenario.P1_YI);
                            assertThat(actual(app, "p2")).as("p2").isEqualTo(Scenario.P2_YI);
                        });
                if (guarantee.equals(StreamsConfig.EXACTLY_ONCE_V2)) {
                    app.awaitReflected(Duration.ofMinutes(2));
                    assertThat(actual(app, "trucks")).isEqualTo(Scenario.TRUCKS);
                }
            }
        }
    }

    private static String repartition(Config config, Stream s) {
        return config.get("application.id") + "-" + Topics.kpiInputRepartition(s) + "-repartition";
    }

    /** Makes the topics refuse every record batch (a tiny max.message.bytes), or accept them again. */
    private static void refuseRecords(Admin admin, List<String> topics, boolean refuse) throws Exception {
        Map<ConfigResource, Collection<AlterConfigOp>> ops = new HashMap<>();
        for (String t : topics) {
            ConfigEntry entry = new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "1");
            ops.put(new ConfigResource(ConfigResource.Type.TOPIC, t), new ArrayList<>(List.of(new AlterConfigOp(entry,
                    refuse ? AlterConfigOp.OpType.SET : AlterConfigOp.OpType.DELETE))));
        }
        admin.incrementalAlterConfigs(ops).all().get(1, TimeUnit.MINUTES);
    }

    private static double replacements(PipelineApp app) {
        Counter c = app.registry().find("planpulse.stream.thread.replacements").counter();
        return c == null ? 0 : c.count();
    }

    private static double actual(PipelineApp app, String id) throws Exception {
        return Http.get(app.url() + "/api/kpis/2025/" + id).json().get("actual").asDouble();
    }
}
