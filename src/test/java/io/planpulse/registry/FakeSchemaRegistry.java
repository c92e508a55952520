package io.planpulse.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * The two endpoints of the Confluent Schema Registry REST API that planpulse uses, as Confluent documents them
 * (https://docs.confluent.io/platform/current/schema-registry/develop/api.html), on the JDK's HTTP server: no
 * registry server can be installed on the build machines.
 * <ul>
 *   <li>{@code GET /schemas/ids/{id}}: 200 {@code {"schema":"<the schema as a JSON string>"}} (plus
 *       {@code "schemaType"} for a schema that is not Avro); 404 {@code {"error_code":40403,"message":"Schema 7 not
 *       found"}}.</li>
 *   <li>{@code POST /subjects/{subject}/versions} with {@code {"schema":"..."}}: 200 {@code {"id":N}}, the same id for
 *       the same schema text; 422 {@code {"error_code":42201,...}} for a body without a schema.</li>
 * </ul>
 * Answers are {@code application/vnd.schemaregistry.v1+json}. With {@link #requireBasicAuth}, a request without those
 * credentials gets 401 {@code {"error_code":401,"message":"Unauthorized"}}; with {@link #failing}, every request
 * gets 500 {@code {"error_code":50001,...}}.
 */
public final class FakeSchemaRegistry implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern BY_ID = Pattern.compile("/schemas/ids/(-?\\d+)");
    private static final Pattern VERSIONS = Pattern.compile("/subjects/([^/]+)/versions");

    private final HttpServer server;
    private final String scheme;
    private final Map<Integer, Map<String, Object>> schemas = new ConcurrentHashMap<>();
    private final Map<String, List<Integer>> subjects = new ConcurrentHashMap<>();
    private final AtomicInteger nextId = new AtomicInteger(1);
    /** Every request, as "METHOD path". */
    public final List<String> requests = new CopyOnWriteArrayList<>();
    /** The Content-Type of every POST. */
    public final List<String> postContentTypes = new CopyOnWriteArrayList<>();
    private volatile String basicAuth;
    private volatile long delayMillis;
    private volatile boolean failing;

    private FakeSchemaRegistry(HttpServer server, String scheme) {
        this.server = server;
        this.scheme = scheme;
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-schema-registry");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    public static FakeSchemaRegistry start() throws IOException {
        return new FakeSchemaRegistry(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16), "http");
    }

    public static FakeSchemaRegistry startTls(SSLContext ssl) throws IOException {
        HttpsServer s = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        s.setHttpsConfigurator(new HttpsConfigurator(ssl));
        return new FakeSchemaRegistry(s, "https");
    }

    public String url() {
        return scheme + "://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Requests must carry {@code Authorization: Basic base64(userInfo)}. */
    public FakeSchemaRegistry requireBasicAuth(String userInfo) {
        this.basicAuth = "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** Every answer waits this long first (a slow or hanging registry). */
    public FakeSchemaRegistry delay(long millis) {
        this.delayMillis = millis;
        return this;
    }

    /** While set, every request gets 500 {@code {"error_code":50001,"message":"Error in the backend datastore"}}. */
    public FakeSchemaRegistry failing(boolean on) {
        this.failing = on;
        return this;
    }

    /** Adds a schema as a registry that got it from another producer would hold it; its id. */
    public int add(String schema) {
        return add(schema, null);
    }

    public int add(String schema, String schemaType) {
        for (Map.Entry<Integer, Map<String, Object>> e : schemas.entrySet()) {
            if (e.getValue().get("schema").equals(schema)) {
                return e.getKey();
            }
        }
        int id = nextId.getAndIncrement();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("schema", schema);
        if (schemaType != null) {
            body.put("schemaType", schemaType);
        }
        schemas.put(id, body);
        return id;
    }

    /** The schema texts registered under a subject, oldest first. */
    public List<String> subject(String subject) {
        List<String> out = new ArrayList<>();
        subjects.getOrDefault(subject, List.of()).forEach(id -> out.add((String) schemas.get(id).get("schema")));
        return out;
    }

    public long requestsFor(String path) {
        return requests.stream().filter(r -> r.endsWith(" " + path)).count();
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            String path = ex.getRequestURI().getPath();
            requests.add(ex.getRequestMethod() + " " + path);
            if (delayMillis > 0) {
                Thread.sleep(delayMillis);
            }
            if (basicAuth != null && !basicAuth.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                send(ex, 401, Map.of("error_code", 401, "message", "Unauthorized"));
                return;
            }
            if (failing) {
                send(ex, 500, Map.of("error_code", 50001, "message", "Error in the backend datastore"));
                return;
            }
            Matcher byId = BY_ID.matcher(path);
            Matcher versions = VERSIONS.matcher(path);
            if (ex.getRequestMethod().equals("GET") && byId.matches()) {
                int id = Integer.parseInt(byId.group(1));
                Map<String, Object> s = schemas.get(id);
                if (s == null) {
                    send(ex, 404, Map.of("error_code", 40403, "message", "Schema " + id + " not found"));
                } else {
                    send(ex, 200, s);
                }
            } else if (ex.getRequestMethod().equals("POST") && versions.matches()) {
                postContentTypes.add(ex.getRequestHeaders().getFirst("Content-Type"));
                JsonNode body = JSON.readTree(ex.getRequestBody());
                if (body == null || !body.path("schema").isTextual()) {
                    send(ex, 422, Map.of("error_code", 42201, "message", "Invalid schema"));
                    return;
                }
                int id = add(body.get("schema").asText());
                List<Integer> ids = subjects.computeIfAbsent(versions.group(1), k -> new CopyOnWriteArrayList<>());
                if (!ids.contains(id)) {
                    ids.add(id);
                }
                send(ex, 200, Map.of("id", id));
            } else {
                send(ex, 404, Map.of("error_code", 404, "message", "HTTP 404 Not Found"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            ex.close();
        }
    }

    private static void send(HttpExchange ex, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
