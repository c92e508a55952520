package io.planpulse.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Running against a real cluster" example, run as written on whatever day the suite runs: the
 * commands are read from the README itself, with only the ports (free ones), the data directory and
 * {@code ./planpulse} (the built jar) substituted. The shipped plan is for 2025; the KPIs must count the simulated
 * year so far and then move with the live events, rather than every event being late or for a year with no plan.
 */
class ReadmeClusterExampleIT {
    final List<Process> running = new ArrayList<>();

    @AfterEach
    void stopAll() throws Exception {
        for (int i = running.size() - 1; i >= 0; i--) {
            Process p = running.get(i);
            p.destroy();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void shouldCountTheSimulatedYearAndMoveWithLiveEventsAsTheReadmeSays(@TempDir Path dir) throws Exception {
        List<String> commands = readmeCommands();
        assertThat(commands).hasSize(4);
        int brokerPort = freePort();
        int httpPort = freePort();
        String url = "http://127.0.0.1:" + httpPort;
        for (int i = 0; i < commands.size(); i++) {
            List<String> argv = substitute(commands.get(i), brokerPort, httpPort, dir);
            String sub = argv.get(4);
            Path log = dir.resolve(i + "-" + sub + ".log");
            ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile());
            // the run's local state in this test's directory, not in the shared default under /tmp
            pb.environment().put("PLANPULSE_KAFKA_STATE_DIR", dir.resolve("state").toString());
            Process p = pb.start();
            running.add(p);
            switch (sub) {
                case "broker" -> awaitLine(p, log, "broker ready ");
                case "plan" -> {
                    assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
                    assertThat(p.exitValue()).as(Files.readString(log)).isZero();
                }
                case "run" -> awaitLine(p, log, "ready " + url);
                case "simulate" -> { }
                default -> throw new AssertionError("unexpected command in the README example: " + commands.get(i));
            }
        }
        // the simulated year so far is counted ...
        String trucks = url + "/api/kpis/2025/cross_border_truck_departures";
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            var kpi = Http.get(trucks).json();
            // path, not get: an item not served yet (404) is polled again, not a NullPointerException
            assertThat(kpi.path("actual").isNumber()).as("trucks counted: %s", kpi).isTrue();
            assertThat(kpi.path("actual").asDouble()).isGreaterThan(1000);
        });
        double counted = Http.get(trucks).json().path("actual").asDouble();
        // ... and the KPIs move on with the live events
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                .until(() -> Http.get(trucks).json().path("actual").asDouble() > counted);
        String metrics = Http.get(url + "/metrics").body();
        assertThat(Http.metric(metrics, "planpulse_events_rejected_total", "reason=\"late\"")).as("late events")
                .isNull();
        assertThat(Http.metric(metrics, "planpulse_events_rejected_total", "reason=\"no_plan\"")).as("events of a year with no plan")
                .isNull();
        assertThat(running).filteredOn(Process::isAlive).as("the broker, run and simulate keep running").hasSize(3);
    }

    /** The command lines of the README's code block under "## Running against a real cluster", comments dropped. */
    static List<String> readmeCommands() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int section = readme.indexOf("## Running against a real cluster");
        assertThat(section).isNotNegative();
        int start = readme.indexOf("```\n", section) + 4;
        int end = readme.indexOf("```", start);
        return readme.substring(start, end).lines().map(l -> l.replaceFirst("\\s+#.*$", "").strip())
                .filter(l -> !l.isEmpty()).toList();
    }

    /** The line as run here: ./planpulse is the jar, 9092 and 8080 are free ports, ./broker-data is in {@code dir}. */
    static List<String> substitute(String line, int brokerPort, int httpPort, Path dir) {
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx768m", "-jar", "target/planpulse.jar"));
        String[] words = line.split("\\s+");
        assertThat(words[0]).isEqualTo("./planpulse");
        for (int i = 1; i < words.length; i++) {
            argv.add(words[i].replace("127.0.0.1:9092", "127.0.0.1:" + brokerPort)
                    .replaceAll("^9092$", String.valueOf(brokerPort))
                    .replaceAll("^8080$", String.valueOf(httpPort))
                    .replace("./broker-data", dir.resolve("broker-data").toString()));
        }
        return argv;
    }

    private static void awaitLine(Process p, Path log, String prefix) {
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(() -> {
            String out = Files.readString(log);
            if (!p.isAlive()) {
                throw new AssertionError("exited with " + p.exitValue() + " before printing '" + prefix + "':\n" + out);
            }
            return out.lines().anyMatch(l -> l.startsWith(prefix));
        });
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
