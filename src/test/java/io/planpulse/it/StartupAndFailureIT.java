package io.planpulse.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.planpulse.Planpulse;
import io.planpulse.broker.EmbeddedBroker;
import io.planpulse.app.Config;
import io.planpulse.app.PipelineApp;
import io.planpulse.app.Shutdown;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Start-up order and failures that must stop the instance: a busy HTTP port is refused before anything starts, and
 * a stream thread that fails deterministically is replaced a bounded number of times, then the instance fails its
 * health check and exits non-zero.
 */
class StartupAndFailureIT {
    static EmbeddedBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = EmbeddedBroker.start(null);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        broker.close();
    }

    @Test
    void shouldRefuseABusyPortInOneLineWithExitCode2BeforeStreamsStarts(@TempDir Path dir) throws Exception {
        Path props = dir.resolve("busy.properties");
        Files.writeString(props, "application.id=planpulse-busy-port\nreplication.factor=1\n");
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            StringWriter err = new StringWriter();
            picocli.CommandLine cli = Planpulse.commandLine();
            cli.setErr(new PrintWriter(err, true));
            int exit = cli.execute("run", "--bootstrap-servers", broker.bootstrapServers(), "--config", props.toString(),
                    "--http-port", String.valueOf(taken.getLocalPort()), "--state-dir", dir.resolve("state").toString());
            assertThat(exit).isEqualTo(2);
            assertThat(err.toString().strip().lines()).containsExactly("cannot listen on 127.0.0.1:" + taken.getLocalPort()
                    + ": Address already in use (--http-port, planpulse.http.port)");
            // nothing was left running: no stream thread, no member in the application's group
            assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().contains("planpulse-busy-port"));
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                assertThat(admin.listGroups().all().get(1, TimeUnit.MINUTES))
                        .noneMatch(g -> g.groupId().equals("planpulse-busy-port"));
            }
        }
    }

    @Test
    void shouldRefuseABusyPortForTheDemoAtOnceWithExitCode2() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Process demo = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-jar", "target/planpulse.jar", "demo", "--no-simulate", "--http-port",
                    String.valueOf(taken.getLocalPort())).start();
            assertThat(demo.waitFor(60, TimeUnit.SECONDS)).as("demo exits at once").isTrue();
            String err = new String(demo.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(demo.exitValue()).as(err).isEqualTo(2);
            assertThat(err.strip().lines()).containsExactly("cannot listen on 127.0.0.1:" + taken.getLocalPort()
                    + ": Address already in use (--http-port, planpulse.http.port)");
            assertThat(new String(demo.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEmpty();
        }
    }

    @Test
    void shouldReplaceAFailingStreamThreadThreeTimesThenFailHealthAndExitNonZero(@TempDir Path dir) throws Exception {
        String topic = "planpulse-test.poison";
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(1, TimeUnit.MINUTES);
        }
        AtomicInteger failures = new AtomicInteger();
        Topology topology = new Topology();
        topology.addSource("poison-source", new ByteArrayDeserializer(), new ByteArrayDeserializer(), topic);
        topology.addProcessor("always-fails", () -> (Processor<byte[], byte[], Void, Void>) record -> {
            failures.incrementAndGet();
            throw new IllegalStateException("a bug that fails on this record every time");
        }, "poison-source");

        Map<String, String> flags = new HashMap<>();
        flags.put("bootstrap.servers", broker.bootstrapServers());
        flags.put("application.id", "planpulse-failing");
        flags.put("state.dir", dir.toString());
        flags.put("replication.factor", "1");
        flags.put(Config.HTTP_PORT, "0");
        flags.put(Config.REPLICATION, "1");
        // a replaced thread's task moves to the new thread once the old member's session has expired
        flags.put("session.timeout.ms", "6000");
        flags.put("heartbeat.interval.ms", "1000");
        Config config = Config.load(null, Map.of(), flags);
        try (PipelineApp app = PipelineApp.start(config, registry -> topology);
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                     broker.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
            assertThat(Http.get(app.url() + "/health").status()).isEqualTo(200);
            assertThat(Http.metric(Http.get(app.url() + "/metrics").body(),
                    "planpulse_stream_thread_replacements_total")).isEqualTo(0.0);
            producer.send(new ProducerRecord<>(topic, "k".getBytes(StandardCharsets.UTF_8),
                    "poison".getBytes(StandardCharsets.UTF_8))).get();

            // The stream threads' failures are uncaught errors by design: Awaitility must not take them for its own.
            await().dontCatchUncaughtExceptions().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                    .until(() -> app.failure() != null);
            assertThat(app.failure()).contains("after 3 replacements within PT10M")
                    .contains("a bug that fails on this record every time");
            assertThat(failures.get()).as("the first failure and one per replacement thread").isEqualTo(4);
            assertThat(Http.metric(Http.get(app.url() + "/metrics").body(),
                    "planpulse_stream_thread_replacements_total")).isEqualTo(3.0);
            Http.Response health = Http.get(app.url() + "/health");
            assertThat(health.status()).isEqualTo(503);
            assertThat(health.json().path("status").asText()).isEqualTo("down");
            await().dontCatchUncaughtExceptions().atMost(Duration.ofMinutes(1))
                    .until(() -> app.streamsState() == KafkaStreams.State.ERROR);

            // what `run` does next: one line on stderr and exit code 1, for the supervisor to restart it
            Shutdown shutdown = new Shutdown();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            try {
                assertThat(io.planpulse.cli.RunCommand.serve(app, shutdown, new PrintStream(out, true), new PrintStream(err, true))).isEqualTo(1);
            } finally {
                shutdown.finished();
            }
            assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("ready");
            assertThat(err.toString(StandardCharsets.UTF_8).strip().lines()).singleElement().asString()
                    .startsWith("planpulse: a stream thread failed after 3 replacements");
        }
    }
}
