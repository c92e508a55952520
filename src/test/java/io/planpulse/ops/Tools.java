package io.planpulse.ops;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** Runs the real operations tools (promtool, amtool, docker-compose, node); a missing tool fails the test. */
final class Tools {
    static final Path ROOT = Path.of("").toAbsolutePath();
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    record Result(int exit, String output) {
    }

    static Result run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(command)).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    static Result run(String... command) throws IOException, InterruptedException {
        return run(ROOT, command);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Starts a long-running tool with its stderr in {@code log}; its stdout is closed unless it is a JVM. */
    static Process start(Path log, String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(false).redirectError(log.toFile()).start();
        if (!command[0].endsWith("java")) {
            p.getInputStream().close();
        }
        return p;
    }

    static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A request that reached the webhook: the path (one per receiver) and Alertmanager's JSON payload. */
    record Notification(String path, JsonNode body) {
    }

    /**
     * Debian's Prometheus scraping one planpulse instance with the shipped rules, and Debian's Alertmanager with the
     * shipped routing and inhibition, every receiver pointed at a local webhook that records what reaches it. Only the
     * waits change: every rule's {@code for:} is cut to 0s, so a condition alerts at the next evaluation (1 s), and
     * Alertmanager's group_wait and group_interval are cut to 1 s.
     */
    static final class AlertStack implements AutoCloseable {
        /** The WeCom API and the notify-relay as the shipped alertmanager.yml names them. */
        static final String WECOM_API = "https://qyapi.weixin.qq.com/cgi-bin/";
        static final String RELAY = "http://notify-relay:9095";
        static final String CLOSED = "http://127.0.0.1:1";
        final String prometheus;
        final String alertmanager;
        final List<Notification> notifications = new CopyOnWriteArrayList<>();
        private final List<Process> processes = new ArrayList<>();
        private HttpServer webhook;

        private AlertStack(String prometheus, String alertmanager) {
            this.prometheus = prometheus;
            this.alertmanager = alertmanager;
        }

        /**
         * Starts both and waits until they are ready and Prometheus has scraped {@code scrapeTarget} (host:port) once.
         * Logs and data go under {@code dir}.
         */
        static AlertStack start(Path dir, String scrapeTarget) throws Exception {
            return start(dir, scrapeTarget, Map.of());
        }

        /**
         * As {@link #start(Path, String)}, with {@code rewrites} (text of alertmanager.yml to its replacement) applied
         * as well. Without them the WeCom API and the notify-relay point at a closed local port: those notifications
         * fail (Alertmanager logs it) and nothing leaves the machine.
         */
        static AlertStack start(Path dir, String scrapeTarget, Map<String, String> rewrites) throws Exception {
            Map<String, String> endpoints = new LinkedHashMap<>(Map.of(WECOM_API, CLOSED + "/cgi-bin/", RELAY, CLOSED));
            endpoints.putAll(rewrites);
            int amPort = freePort();
            int promPort = freePort();
            AlertStack s = new AlertStack("http://127.0.0.1:" + promPort, "http://127.0.0.1:" + amPort);
            try {
                s.webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
                s.webhook.createContext("/", ex -> {
                    s.notifications.add(new Notification(ex.getRequestURI().getPath(), JSON.readTree(ex.getRequestBody())));
                    ex.sendResponseHeaders(200, -1);
                    ex.close();
                });
                s.webhook.start();

                String am = Files.readString(ROOT.resolve("deploy/alertmanager/alertmanager.yml"))
                        .replace("http://alert-webhook:5001", "http://127.0.0.1:" + s.webhook.getAddress().getPort())
                        .replace("group_wait: 30s", "group_wait: 1s").replace("group_wait: 10s", "group_wait: 1s")
                        .replace("group_interval: 5m", "group_interval: 1s");
                for (Map.Entry<String, String> e : endpoints.entrySet()) {
                    am = am.replace(e.getKey(), e.getValue());
                }
                Files.writeString(dir.resolve("alertmanager.yml"), am);
                // alertmanager.yml names its templates relative to itself.
                Files.createDirectories(dir.resolve("templates"));
                try (var templates = Files.list(ROOT.resolve("deploy/alertmanager/templates"))) {
                    for (Path t : templates.toList()) {
                        Files.copy(t, dir.resolve("templates").resolve(t.getFileName()));
                    }
                }
                s.processes.add(Tools.start(dir.resolve("alertmanager.log"), "prometheus-alertmanager",
                        "--config.file=" + dir.resolve("alertmanager.yml"), "--storage.path=" + dir.resolve("am-data"),
                        "--web.listen-address=127.0.0.1:" + amPort, "--cluster.listen-address="));

                // The shipped rules with every hold time cut to zero, so a condition alerts at the next evaluation.
                Files.createDirectories(dir.resolve("rules"));
                Files.writeString(dir.resolve("rules/planpulse.yml"), Files.readString(
                        ROOT.resolve("deploy/prometheus/rules/planpulse.yml")).replaceAll("for: \\d+[smh]", "for: 0s"));
                Files.writeString(dir.resolve("prometheus.yml"), """
                        global: {scrape_interval: 1s, evaluation_interval: 1s}
                        rule_files: ["%s/rules/*.yml"]
                        alerting: {alertmanagers: [{static_configs: [{targets: ["127.0.0.1:%d"]}]}]}
                        scrape_configs:
                          - job_name: planpulse
                            static_configs: [{targets: ["%s"]}]
                        """.formatted(dir, amPort, scrapeTarget));
                s.processes.add(Tools.start(dir.resolve("prometheus.log"), "prometheus", "--config.file=" + dir.resolve("prometheus.yml"),
                        "--storage.tsdb.path=" + dir.resolve("prom-data"), "--web.listen-address=127.0.0.1:" + promPort));

                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                        .until(() -> get(s.prometheus + "/-/ready").statusCode() == 200
                                && get(s.alertmanager + "/-/ready").statusCode() == 200);
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                        .until(() -> s.query("up{job=\"planpulse\"} == 1").size() == 1);
                return s;
            } catch (Exception | Error e) {
                s.close();
                throw e;
            }
        }

        /** An instant query; the result vector. */
        JsonNode query(String promql) throws Exception {
            HttpResponse<String> r = get(prometheus + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
            JsonNode body = JSON.readTree(r.body());
            if (!"success".equals(body.path("status").asText())) {
                throw new AssertionError(promql + ": " + body);
            }
            return body.path("data").path("result");
        }

        JsonNode labelValues(String selector, String label) throws Exception {
            HttpResponse<String> r = get(prometheus + "/api/v1/label/" + label + "/values?match[]="
                    + URLEncoder.encode(selector, StandardCharsets.UTF_8));
            return JSON.readTree(r.body()).path("data");
        }

        /** A single alert as the webhook received it, with the request it came in. */
        record Delivered(Notification notification, JsonNode alert) {
        }

        /** Every alert of that name that reached the webhook so far, in arrival order. */
        List<Delivered> delivered(String alertname) {
            List<Delivered> out = new ArrayList<>();
            for (Notification n : notifications) {
                for (JsonNode a : n.body().path("alerts")) {
                    if (a.path("labels").path("alertname").asText().equals(alertname)) {
                        out.add(new Delivered(n, a));
                    }
                }
            }
            return out;
        }

        @Override
        public void close() throws Exception {
            for (Process p : processes) {
                p.destroy();
            }
            for (Process p : processes) {
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
            if (webhook != null) {
                webhook.stop(0);
            }
        }
    }

    private Tools() {
    }
}
