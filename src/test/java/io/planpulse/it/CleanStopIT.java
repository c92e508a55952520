package io.planpulse.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.planpulse.app.CannotListen;
import io.planpulse.app.Config;
import io.planpulse.app.PipelineApp;
import io.planpulse.app.PlanLoad;
import io.planpulse.app.Shutdown;
import io.planpulse.app.TopicAdmin;
import io.planpulse.broker.EmbeddedBroker;
import io.planpulse.plan.PlanLoader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A clean stop: an instance closes within its budget, well inside the shutdown hook's wait, and leaves no thread or
 * Kafka client of its own behind; on a port that is taken, nothing it made before finding out is left either.
 */
class CleanStopIT {
    static final Clock CLOCK = Clock.fixed(OffsetDateTime.parse(Scenario.AS_OF).toInstant(), ZoneOffset.UTC);

    @Test
    void shouldCloseWithinTheBudgetAndLeaveNoThreadOrClientBehind(@TempDir Path dir) throws Exception {
        assertThat(PipelineApp.CLOSE_BUDGET.plusSeconds(15)).as("the hook waits longer than a close takes")
                .isLessThanOrEqualTo(Shutdown.WAIT);
        try (EmbeddedBroker broker = EmbeddedBroker.start(null)) {
            Config config = TestConfigs.local(broker.bootstrapServers(), dir.resolve("state"),
                    "application.id", "planpulse-stop-it");
            TopicAdmin.ensureTopics(config.clients(), 3, 1);
            try (var in = getClass().getResourceAsStream("/plans/test-2025.yaml")) {
                PlanLoad.publish(PlanLoader.load("test-2025.yaml", new InputStreamReader(in, StandardCharsets.UTF_8)),
                        config.clients());
            }
            Set<ObjectName> clientsBefore = kafkaClients();
            PipelineApp app = PipelineApp.start(config, CLOCK);
            app.awaitReady(Duration.ofMinutes(2));
            assertThat(ours()).as("the instance's threads while it runs").isNotEmpty();

            long start = System.nanoTime();
            app.close();
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(took).as("close").isLessThan(PipelineApp.CLOSE_BUDGET);
            assertThat(ours()).as("threads of the instance left after close").isEmpty();
            assertThat(kafkaClients()).as("Kafka clients left after close").isSubsetOf(clientsBefore);
        }
    }

    @Test
    void shouldLeaveNothingBehindWhenTheHttpPortIsTaken(@TempDir Path dir) throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(null);
             ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            Config config = TestConfigs.local(broker.bootstrapServers(), dir.resolve("state"),
                    Config.HTTP_PORT, String.valueOf(taken.getLocalPort()));
            Set<ObjectName> clientsBefore = kafkaClients();

            assertThatThrownBy(() -> PipelineApp.start(config, CLOCK)).isInstanceOf(CannotListen.class)
                    .hasMessageContaining(String.valueOf(taken.getLocalPort()));

            assertThat(kafkaClients()).as("Kafka clients left by a start that could not listen").isSubsetOf(clientsBefore);
            assertThat(ours()).isEmpty();
        }
    }

    /** The live threads an instance starts: HTTP, the KPI view, and Kafka Streams' of this application id. */
    private static List<String> ours() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("planpulse-http") || n.equals("planpulse-kpi-view")
                        || n.contains("planpulse-stop-it"))
                .toList();
    }

    /** Every Kafka producer, consumer and admin client of this JVM, by the MBean each registers until it is closed. */
    private static Set<ObjectName> kafkaClients() throws Exception {
        Set<ObjectName> out = new java.util.HashSet<>();
        for (String type : List.of("kafka.consumer", "kafka.producer", "kafka.admin.client")) {
            out.addAll(ManagementFactory.getPlatformMBeanServer().queryNames(new ObjectName(type + ":type=app-info,*"), null));
        }
        return out;
    }
}
