package io.planpulse.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The relay's configuration file (YAML):
 * <pre>
 * board_url: http://grafana.example/d/planpulse-overview   # the link at the end of every message
 * retries: 3                                              # further tries after a 5xx, 429 or no connection
 * backoff: 1s                                             # before the first retry; doubles each time
 * routes:
 *   /dingtalk/commerce:                                   # the path Alertmanager's webhook_configs post to
 *     kind: dingtalk                                      # dingtalk | feishu
 *     url_env: DINGTALK_COMMERCE_URL                      # the webhook URL: url, url_file or url_env
 *     secret_file: /run/secrets/dingtalk_commerce         # the signing secret: secret_file or secret_env
 * </pre>
 * A secret is never written in the file (a {@code secret:} key is refused). A route whose URL is empty (its variable
 * unset) is off: {@link #disabled()} names it, and the relay answers 404 on it.
 */
public record RelayConfig(String boardUrl, int retries, Duration backoff, Map<String, Robot> routes, List<String> disabled) {

    static final Set<String> ROUTE_KEYS = Set.of("kind", "url", "url_file", "url_env", "secret_file", "secret_env");
    static final Set<String> TOP_KEYS = Set.of("board_url", "retries", "backoff", "routes");

    /** Reads {@code file}, taking variables from {@code env}. Throws IllegalArgumentException naming the problem. */
    public static RelayConfig load(Path file, Map<String, String> env) throws IOException {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file, StandardCharsets.UTF_8));
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(file + ": expected a mapping with `routes:`");
        }
        unknownKeys(file + "", root, TOP_KEYS);
        Map<String, Robot> routes = new LinkedHashMap<>();
        List<String> disabled = new java.util.ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("routes").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String path = e.getKey();
            String where = file + ": route " + path;
            if (!path.startsWith("/") || path.equals("/health")) {
                throw new IllegalArgumentException(where + ": a route is a path starting with / (and not /health)");
            }
            JsonNode r = e.getValue();
            unknownKeys(where, r, ROUTE_KEYS);
            Robot.Kind kind;
            try {
                kind = Robot.Kind.valueOf(r.path("kind").asText("").toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException x) {
                throw new IllegalArgumentException(where + ": kind must be dingtalk or feishu, not '"
                        + r.path("kind").asText("") + "'");
            }
            String url = value(where, r, "url", env);
            if (url.isEmpty()) {
                disabled.add(path);
                continue;
            }
            if (!url.startsWith("https://") && !url.startsWith("http://")) {
                throw new IllegalArgumentException(where + ": the webhook URL is not an http(s) URL");
            }
            if (r.has("url") && url.contains("access_token=")) {
                throw new IllegalArgumentException(where + ": the webhook URL carries the robot's access token: "
                        + "give it through url_file or url_env, not in this file");
            }
            routes.put(path, new Robot(kind, url, value(where, r, "secret", env)));
        }
        if (routes.isEmpty() && disabled.isEmpty()) {
            throw new IllegalArgumentException(file + ": no routes");
        }
        Duration backoff = root.has("backoff") ? parseDuration(file + ": backoff", root.path("backoff").asText())
                : Duration.ofSeconds(1);
        int retries = root.path("retries").asInt(3);
        if (retries < 0) {
            throw new IllegalArgumentException(file + ": retries must be 0 or more");
        }
        return new RelayConfig(root.path("board_url").asText(""), retries, backoff, Map.copyOf(routes), List.copyOf(disabled));
    }

    /** {@code name}, {@code name_file} or {@code name_env} (the secret only from a file or a variable); "" if none. */
    private static String value(String where, JsonNode r, String name, Map<String, String> env) throws IOException {
        if (r.has(name + "_file")) {
            Path f = Path.of(r.path(name + "_file").asText());
            if (!Files.isReadable(f)) {
                throw new IllegalArgumentException(where + ": " + name + "_file " + f + " is not readable");
            }
            return Files.readString(f, StandardCharsets.UTF_8).strip();
        }
        if (r.has(name + "_env")) {
            return env.getOrDefault(r.path(name + "_env").asText(), "").strip();
        }
        return r.path(name).asText("").strip();
    }

    private static void unknownKeys(String where, JsonNode node, Set<String> allowed) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (k.equals("secret")) {
                throw new IllegalArgumentException(where + ": a secret is not written in the configuration; "
                        + "use secret_file or secret_env");
            }
            if (!allowed.contains(k)) {
                throw new IllegalArgumentException(where + ": unknown key '" + k + "' (known: " + allowed + ")");
            }
        }
    }

    /** 500ms, 2s, 1m. */
    static Duration parseDuration(String where, String text) {
        var m = java.util.regex.Pattern.compile("(\\d+)(ms|s|m)").matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException(where + ": '" + text + "' is not a duration like 500ms, 2s or 1m");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            default -> Duration.ofMinutes(n);
        };
    }
}
