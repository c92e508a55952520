package io.planpulse.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alertmanager's webhook in, DingTalk and Feishu group robots out. Each configured route (a path) is one robot:
 * Alertmanager posts its JSON payload (version 4) there, the relay renders it as a Chinese message
 * ({@link ChatMessage}), signs it ({@link RobotSignature}) and posts it. After a 5xx, a 429, a rate limit or no
 * connection it tries again with a doubling backoff; if the robot still does not take it, or refuses it, the relay
 * answers Alertmanager 502, so that Alertmanager retries the notification and logs the failure. {@code GET /health}
 * answers 200 while the server runs. Logs name a route, a robot's kind and host, never a URL or a secret.
 */
public final class NotifyRelay implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NotifyRelay.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RelayConfig config;
    private final HttpClient client;
    private final Clock clock;
    private final HttpServer server;
    private final ExecutorService executor;

    private NotifyRelay(RelayConfig config, HttpClient client, Clock clock, HttpServer server) {
        this.config = config;
        this.client = client;
        this.clock = clock;
        this.server = server;
        this.executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "notify-relay");
            t.setDaemon(true);
            return t;
        });
    }

    /** Serves {@code config}'s routes on host:port (port 0: any free port). */
    public static NotifyRelay start(RelayConfig config, String host, int port, HttpClient client, Clock clock)
            throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 32);
        NotifyRelay relay = new NotifyRelay(config, client, clock, server);
        server.createContext("/", relay::handle);
        server.setExecutor(relay.executor);
        server.start();
        config.routes().forEach((path, robot) -> LOG.info("route {} -> {}{}", path, robot,
                robot.secret().isEmpty() ? " (unsigned: no secret configured)" : ", signed"));
        config.disabled().forEach(path -> LOG.warn("route {} is off: its robot's webhook URL is not set", path));
        return relay;
    }

    public static HttpClient defaultClient() {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    public String url() {
        return "http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            if (path.equals("/health")) {
                answer(ex, 200, "ok");
                return;
            }
            Robot robot = config.routes().get(path);
            if (robot == null) {
                answer(ex, 404, config.disabled().contains(path) ? "route " + path + " is off: no webhook URL configured"
                        : "no route " + path);
                return;
            }
            if (!ex.getRequestMethod().equals("POST")) {
                answer(ex, 405, "POST an Alertmanager webhook payload");
                return;
            }
            JsonNode payload;
            try {
                payload = JSON.readTree(ex.getRequestBody());
            } catch (IOException e) {
                answer(ex, 400, "not JSON");
                return;
            }
            if (payload == null || !payload.path("alerts").isArray()) {
                answer(ex, 400, "not an Alertmanager webhook payload (no alerts)");
                return;
            }
            ChatMessage message = ChatMessage.of(payload, config.boardUrl());
            String failure = deliver(path, robot, message);
            if (failure == null) {
                LOG.info("{}: {} alert(s) of group {} delivered to the {}", path, message.items().size(),
                        payload.path("groupKey").asText("?"), robot);
                answer(ex, 200, "delivered");
            } else {
                LOG.warn("{}: not delivered to the {}: {}", path, robot, failure);
                answer(ex, 502, failure);
            }
        }
    }

    /** Posts with retries; null once accepted, otherwise why not. */
    String deliver(String path, Robot robot, ChatMessage message) {
        Duration wait = config.backoff();
        String failure = null;
        for (int attempt = 0; attempt <= config.retries(); attempt++) {
            if (attempt > 0) {
                LOG.info("{}: try {} of {} in {} ms ({})", path, attempt + 1, config.retries() + 1, wait.toMillis(), failure);
                try {
                    Thread.sleep(wait.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return "interrupted";
                }
                wait = wait.multipliedBy(2);
            }
            try {
                HttpResponse<String> r = client.send(robot.request(message, clock.instant()),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                Robot.Outcome o = robot.outcome(r.statusCode(), r.body());
                if (o == Robot.Outcome.ACCEPTED) {
                    return null;
                }
                failure = "the robot answered " + r.statusCode() + " " + abbreviate(r.body());
                if (o == Robot.Outcome.REFUSED) {
                    return failure;
                }
            } catch (IOException e) {
                failure = "no answer: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
        }
        return failure;
    }

    private static String abbreviate(String body) {
        String b = body == null ? "" : body.replaceAll("\\s+", " ");
        return b.length() > 200 ? b.substring(0, 200) + "..." : b;
    }

    private static void answer(HttpExchange ex, int status, String text) throws IOException {
        byte[] bytes = (text + "\n").getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
