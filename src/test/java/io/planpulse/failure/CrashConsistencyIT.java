package io.planpulse.failure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.planpulse.app.Progress;
import io.planpulse.app.TopicAdmin;
import io.planpulse.app.Replay;
import io.planpulse.base.Topics;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Crashes with real processes: a {@code broker} process and a {@code run} process, killed with SIGKILL at random
 * moments (or the broker restarted) while 200,000 mixed events with duplicates, restatements and bad records are
 * replayed. Under exactly_once_v2, once the input is drained every KPI equals the figure computed while generating
 * the events, and planpulse.rejected holds each bad record exactly once. Under at_least_once (CONTRACT section 3: a
 * crash may count an event twice, never lose one) no flow figure is below the exact one, the report figures (upserts)
 * are exact, and every bad record is in planpulse.rejected at least once.
 */
class CrashConsistencyIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final String AS_OF = "2025-06-11T12:00:00+08:00";
    final List<Process> processes = new ArrayList<>();
    final Random rnd = new Random(7);
    /** The run processes' processing.guarantee. */
    String guarantee = "exactly_once_v2";

    /** What the generated events must add up to. */
    record Expected(long trucks, BigDecimal cargoYuan, BigDecimal tonnes, BigDecimal trade, Map<String, BigDecimal> projects,
                    int bad) {
    }

    @AfterEach
    void stopAll() throws Exception {
        for (Process p : processes) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"exactly_once_v2", "at_least_once"})
    void shouldEndWithNoEventLostAfterTheRunProcessIsKilledFiveTimes(String guarantee, @TempDir Path dir)
            throws Exception {
        this.guarantee = guarantee;
        int brokerPort = freePort();
        Process broker = broker(dir, brokerPort);
        String bootstrap = "127.0.0.1:" + brokerPort;
        Expected expected = prepare(dir, bootstrap);
        int http = freePort();
        Process run = run(dir, bootstrap, http);
        CompletableFuture<Replay.Result> replay = replayAsync(dir, bootstrap);
        int kills = 0;
        while (kills < 5) {
            Thread.sleep(3000 + rnd.nextInt(5000)); // a random moment, not a wait for a condition
            run.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            kills++;
            run = run(dir, bootstrap, http);
        }
        assertThat(replay.get(5, TimeUnit.MINUTES).badLines()).isZero();
        verify(expected, http, bootstrap);
        assertThat(broker.isAlive()).isTrue();
    }

    @Test
    void shouldEndWithExactKpisAfterTheBrokerRestartsMidStream(@TempDir Path dir) throws Exception {
        int brokerPort = freePort();
        Process broker = broker(dir, brokerPort);
        String bootstrap = "127.0.0.1:" + brokerPort;
        Expected expected = prepare(dir, bootstrap);
        int http = freePort();
        run(dir, bootstrap, http);
        CompletableFuture<Replay.Result> replay = replayAsync(dir, bootstrap);
        Thread.sleep(6000 + rnd.nextInt(4000)); // mid-stream
        broker.destroy();
        assertThat(broker.waitFor(60, TimeUnit.SECONDS)).isTrue();
        broker(dir, brokerPort);
        assertThat(replay.get(5, TimeUnit.MINUTES).badLines()).isZero();
        verify(expected, http, bootstrap);
    }

    private Expected prepare(Path dir, String bootstrap) throws Exception {
        Path plan = dir.resolve("plan.yaml");
        try (var in = getClass().getResourceAsStream("/plans/test-2025.yaml")) {
            Files.copy(in, plan);
        }
        Process load = cli(dir.resolve("plan-load.log"), "plan", "load", plan.toString(), "--bootstrap-servers", bootstrap);
        assertThat(load.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(load.exitValue()).isZero();
        return writeEvents(dir.resolve("events.jsonl"));
    }

    /** 200,000 lines: trucks, hub and trade records (5 % sent twice), project reports restated, 1 in 500 bad. */
    private Expected writeEvents(Path file) throws Exception {
        List<String> lines = new ArrayList<>(210_000);
        long trucks = 0;
        BigDecimal cargo = BigDecimal.ZERO;
        BigDecimal tonnes = BigDecimal.ZERO;
        BigDecimal trade = BigDecimal.ZERO;
        int bad = 0;
        for (int i = 0; lines.size() < 200_000; i++) {
            String at = String.format("2025-%02d-%02dT%02d:%02d:00+08:00", 1 + i % 5, 1 + i % 28, i % 24, i % 60);
            double v = Math.round(rnd.nextDouble() * 1e8) / 100.0;
            String line;
            if (i % 500 == 499) {
                line = "{\"type\":\"hub_throughput\",\"record_id\":\"bad" + i + "\",\"terminal\":\"road_port\",\"tonnes\":-1,"
                        + "\"measured_at\":\"" + at + "\"}";
                bad++;
            } else if (i % 3 == 0) {
                line = "{\"type\":\"truck_departure\",\"departure_id\":\"d" + i + "\",\"route_id\":\"cq-hanoi\","
                        + "\"destination_country\":\"VN\",\"exit_port\":\"youyiguan\",\"departed_at\":\"" + at
                        + "\",\"cargo_value_cny\":" + v + ",\"cargo_weight_t\":20}";
                trucks++;
                cargo = cargo.add(new BigDecimal(Double.toString(v)));
            } else if (i % 3 == 1) {
                line = "{\"type\":\"hub_throughput\",\"record_id\":\"h" + i + "\",\"terminal\":\"road_port\",\"tonnes\":" + v
                        + ",\"measured_at\":\"" + at + "\"}";
                tonnes = tonnes.add(new BigDecimal(Double.toString(v)));
            } else {
                line = "{\"type\":\"trade_declaration\",\"declaration_id\":\"x" + i + "\",\"direction\":\"export\","
                        + "\"channel\":\"nanpeng_b\",\"partner_country\":\"VN\",\"value_cny\":" + v + ",\"declared_at\":\"" + at + "\"}";
                trade = trade.add(new BigDecimal(Double.toString(v)));
            }
            lines.add(line);
            if (i % 20 == 7) {
                lines.add(line); // a retrying sender
            }
        }
        Map<String, BigDecimal> projects = new HashMap<>();
        for (String p : List.of("p1", "p2", "p3")) {
            BigDecimal sum = BigDecimal.ZERO;
            for (int m = 1; m <= 5; m++) {
                double first = 1_000_000 + rnd.nextInt(9_000_000) + 0.5;
                double restated = 1_000_000 + rnd.nextInt(9_000_000) + 0.25;
                String period = String.format("2025-%02d", m);
                lines.add(rnd.nextInt(lines.size()), report(p + "-" + m + "-a", p, period, first, String.format("2025-%02d-05T09:00:00+08:00", m + 1)));
                lines.add(rnd.nextInt(lines.size()), report(p + "-" + m + "-b", p, period, restated, String.format("2025-%02d-08T09:00:00+08:00", m + 1)));
                sum = sum.add(new BigDecimal(Double.toString(restated)));
            }
            projects.put(p, sum);
        }
        Files.write(file, lines);
        return new Expected(trucks, cargo, tonnes, trade, projects, bad);
    }

    private static String report(String id, String project, String period, double yuan, String at) {
        return "{\"type\":\"project_progress\",\"report_id\":\"" + id + "\",\"project_id\":\"" + project + "\",\"period\":\""
                + period + "\",\"investment_cny\":" + yuan + ",\"reported_at\":\"" + at + "\"}";
    }

    private CompletableFuture<Replay.Result> replayAsync(Path dir, String bootstrap) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                Map<String, Object> clients = Map.of("bootstrap.servers", bootstrap, "delivery.timeout.ms", "300000");
                return Replay.run(List.of(dir.resolve("events.jsonl")), clients, Progress.quiet(),
                        new PrintStream(java.io.OutputStream.nullOutputStream()));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
    }

    private void verify(Expected e, int http, String bootstrap) throws Exception {
        String base = "http://127.0.0.1:" + http;
        boolean exact = guarantee.equals("exactly_once_v2");
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().untilAsserted(() -> {
            flow(exact, actual(base, "trucks"), e.trucks(), "trucks");
            flow(exact, actual(base, "cargo_value"), e.cargoYuan().divide(new BigDecimal("1E+8")).doubleValue(), "cargo");
            flow(exact, actual(base, "hub_tonnes"), e.tonnes().divide(new BigDecimal("1E+4")).doubleValue(), "tonnes");
            flow(exact, actual(base, "trade_value"), e.trade().divide(new BigDecimal("1E+8")).doubleValue(), "trade");
            for (var p : e.projects().entrySet()) {
                assertThat(actual(base, p.getKey())).as(p.getKey())
                        .isEqualTo(p.getValue().divide(new BigDecimal("1E+8")).doubleValue());
            }
        });
        Set<String> positions = new HashSet<>();
        long[] total = {0};
        TopicAdmin.readAll(Map.of("bootstrap.servers", bootstrap), Topics.REJECTED.name(),
                Topics.REJECTED_RECORD.serde().deserializer(), r -> {
                    assertThat(r.value().getReason()).isEqualTo("negative_amount");
                    positions.add(r.value().getTopic() + "/" + r.value().getPartition() + "/" + r.value().getOffset());
                    total[0]++;
                });
        if (exact) {
            assertThat(total[0]).as("rejected records").isEqualTo(e.bad());
        } else {
            assertThat(total[0]).as("rejected records").isGreaterThanOrEqualTo(e.bad());
        }
        assertThat(positions).as("each bad record").hasSize(e.bad());
    }

    /** Exactly the figure under exactly-once; under at-least-once never below it (an event may count twice). */
    private static void flow(boolean exact, double actual, double expected, String what) {
        if (exact) {
            assertThat(actual).as(what).isEqualTo(expected);
        } else {
            assertThat(actual).as(what + ": counted twice is allowed, lost is not").isGreaterThanOrEqualTo(expected);
        }
    }

    private static double actual(String base, String id) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/kpis/2025/" + id)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode n = JSON.readTree(r.body());
        return n.get("actual").asDouble();
    }

    private Process broker(Path dir, int port) throws Exception {
        Process p = cli(dir.resolve("broker.log"), "broker", "--port", String.valueOf(port), "--data-dir", dir.resolve("broker").toString());
        var out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
        String line = CompletableFuture.supplyAsync(() -> out.lines().filter(l -> l.startsWith("broker ready")).findFirst()
                .orElse(null)).get(2, TimeUnit.MINUTES);
        assertThat(line).isNotNull();
        return p;
    }

    private Process run(Path dir, String bootstrap, int http) throws Exception {
        return cli(dir.resolve("run.log"), "run", "--bootstrap-servers", bootstrap, "--http-port", String.valueOf(http),
                "--state-dir", dir.resolve("state").toString(), "--as-of", AS_OF);
    }

    private Process cli(Path log, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-jar", "target/planpulse.jar"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("PLANPULSE_KAFKA_PROCESSING_GUARANTEE", guarantee);
        pb.environment().put("PLANPULSE_TOPIC_REPLICATION", "1");
        pb.environment().put("PLANPULSE_KAFKA_REPLICATION_FACTOR", "1");
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
