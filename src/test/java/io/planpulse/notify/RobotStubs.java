package io.planpulse.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Local stand-ins for the chat services, each checking what the real one checks and recording what it accepted. The
 * signatures are verified here with their own code (javax.crypto, as the services document them), not with
 * {@link RobotSignature}.
 */
public final class RobotStubs {
    static final ObjectMapper JSON = new ObjectMapper();

    /** A stub HTTP server on a free local port. */
    public abstract static class Stub implements AutoCloseable {
        public final List<JsonNode> accepted = new CopyOnWriteArrayList<>();
        public final AtomicInteger requests = new AtomicInteger();
        /** Answer this many requests with 503 before handling them. */
        public final AtomicInteger failFirst = new AtomicInteger();
        final HttpServer server;

        Stub() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", ex -> {
                try (ex) {
                    requests.incrementAndGet();
                    if (failFirst.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                        send(ex, 503, "{\"error\":\"busy\"}");
                        return;
                    }
                    handle(ex);
                }
            });
            server.start();
        }

        public String base() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        abstract void handle(HttpExchange ex) throws IOException;

        @Override
        public void close() {
            server.stop(0);
        }
    }

    /** DingTalk's custom robot: {@code POST /robot/send?access_token=T&timestamp=MS&sign=S}, markdown messages. */
    public static final class DingTalk extends Stub {
        final String token;
        final String secret;

        public DingTalk(String token, String secret) throws IOException {
            this.token = token;
            this.secret = secret;
        }

        /** The robot's webhook URL as DingTalk shows it (without timestamp and sign). */
        public String webhook() {
            return base() + "/robot/send?access_token=" + token;
        }

        @Override
        void handle(HttpExchange ex) throws IOException {
            Map<String, String> q = query(ex.getRequestURI().getRawQuery());
            if (!ex.getRequestURI().getPath().equals("/robot/send") || !token.equals(q.get("access_token"))) {
                send(ex, 200, "{\"errcode\":300001,\"errmsg\":\"token is not exist\"}");
                return;
            }
            long ts;
            try {
                ts = Long.parseLong(q.getOrDefault("timestamp", ""));
            } catch (NumberFormatException e) {
                send(ex, 200, "{\"errcode\":310000,\"errmsg\":\"invalid timestamp\"}");
                return;
            }
            String expected = base64(hmac(secret.getBytes(StandardCharsets.UTF_8),
                    (ts + "\n" + secret).getBytes(StandardCharsets.UTF_8)));
            if (Math.abs(System.currentTimeMillis() - ts) > 3_600_000L || !expected.equals(q.get("sign"))) {
                send(ex, 200, "{\"errcode\":310000,\"errmsg\":\"sign not match\"}");
                return;
            }
            JsonNode body = JSON.readTree(ex.getRequestBody());
            if (!"markdown".equals(body.path("msgtype").asText()) || body.path("markdown").path("text").asText().isEmpty()) {
                send(ex, 200, "{\"errcode\":40035,\"errmsg\":\"missing markdown\"}");
                return;
            }
            accepted.add(body);
            send(ex, 200, "{\"errcode\":0,\"errmsg\":\"ok\"}");
        }
    }

    /** Feishu's custom bot: {@code POST /open-apis/bot/v2/hook/ID}, timestamp (seconds) and sign in the body. */
    public static final class Feishu extends Stub {
        final String secret;

        public Feishu(String secret) throws IOException {
            this.secret = secret;
        }

        public String webhook() {
            return base() + "/open-apis/bot/v2/hook/test-hook";
        }

        @Override
        void handle(HttpExchange ex) throws IOException {
            JsonNode body = JSON.readTree(ex.getRequestBody());
            long ts = body.path("timestamp").asLong(0);
            String expected = base64(hmac((ts + "\n" + secret).getBytes(StandardCharsets.UTF_8), new byte[0]));
            if (Math.abs(System.currentTimeMillis() / 1000 - ts) > 3600 || !expected.equals(body.path("sign").asText())) {
                send(ex, 200, "{\"code\":19021,\"msg\":\"sign match fail or timestamp is not within one hour from current time\"}");
                return;
            }
            accepted.add(body);
            send(ex, 200, "{\"code\":0,\"msg\":\"success\",\"data\":{}}");
        }
    }

    /**
     * The WeCom server API as Alertmanager's wechat_configs use it: {@code GET /cgi-bin/gettoken?corpid=&corpsecret=}
     * gives an access token for the right corp ID and secret; {@code POST /cgi-bin/message/send?access_token=} takes a
     * message only with that token.
     */
    public static final class WeCom extends Stub {
        final String corpId;
        final String secret;
        final String token = "stub-token-" + System.nanoTime();

        public WeCom(String corpId, String secret) throws IOException {
            this.corpId = corpId;
            this.secret = secret;
        }

        /** For alertmanager.yml's wechat_api_url. */
        public String apiUrl() {
            return base() + "/cgi-bin/";
        }

        @Override
        void handle(HttpExchange ex) throws IOException {
            Map<String, String> q = query(ex.getRequestURI().getRawQuery());
            switch (ex.getRequestURI().getPath()) {
                case "/cgi-bin/gettoken" -> send(ex, 200, corpId.equals(q.get("corpid")) && secret.equals(q.get("corpsecret"))
                        ? "{\"errcode\":0,\"errmsg\":\"ok\",\"access_token\":\"" + token + "\",\"expires_in\":7200}"
                        : "{\"errcode\":40001,\"errmsg\":\"invalid credential\"}");
                case "/cgi-bin/message/send" -> {
                    if (!token.equals(q.get("access_token"))) {
                        send(ex, 200, "{\"errcode\":40014,\"errmsg\":\"invalid access_token\"}");
                        return;
                    }
                    accepted.add(JSON.readTree(ex.getRequestBody()));
                    send(ex, 200, "{\"errcode\":0,\"errmsg\":\"ok\",\"invaliduser\":\"\"}");
                }
                default -> send(ex, 404, "{}");
            }
        }
    }

    static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw != null) {
            for (String kv : raw.split("&")) {
                int i = kv.indexOf('=');
                if (i > 0) {
                    out.put(kv.substring(0, i), URLDecoder.decode(kv.substring(i + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }

    static byte[] hmac(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String base64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    private RobotStubs() {
    }
}
