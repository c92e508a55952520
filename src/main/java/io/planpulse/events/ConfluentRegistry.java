package io.planpulse.events;

import com.fasterxml.jackson.databind.JsonNode;
import io.planpulse.base.Topics;
import io.planpulse.base.Stream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.avro.LogicalType;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;

/**
 * A client of the Confluent-compatible schema registry REST API (Confluent Schema Registry, Apicurio's ccompat API,
 * Karapace, Redpanda), for records in Confluent's wire format: {@code 00}, the writer schema's id (4 bytes,
 * big-endian), the Avro body.
 *
 * <p>The writer schema of an id is fetched once ({@code GET /schemas/ids/{id}}) and kept: ids are immutable. It is
 * resolved against planpulse's schema of the record's topic with Avro's own resolution (a
 * {@link SpecificDatumReader} of writer and reader).
 *
 * <p><b>An unreachable registry is not bad input</b> (CONTRACT section 3). Only a definite answer about an id
 * rejects a record as {@code unknown_schema}: HTTP 404 with {@code error_code} 40403 ("schema not found"; not asked
 * again for {@code planpulse.schema.registry.retry.ms}, 30 s), a schema that is not Avro or not readable, or a writer
 * schema that cannot be read as the topic's (refused for good: neither schema can change). Anything else (connection
 * refused, a timeout after {@code planpulse.schema.registry.timeout.ms}, TLS, 5xx, 401/403, a 404 of another
 * error_code such as a wrong URL path) throws {@link RegistryUnavailable}, remembers nothing, and marks the registry
 * {@link #up() down} until a request gets a definite answer. The record then waits: {@link #retrying} asks again
 * with a pause that doubles from {@code planpulse.schema.registry.backoff.ms} (100 ms) to
 * {@code planpulse.schema.registry.backoff.max.ms} (5 s), for as long as its caller allows (the intake allows at most
 * a quarter of the consumer's {@code max.poll.interval.ms} and {@code planpulse.schema.registry.wait.ms}, 60 s; see
 * IntakeProcessor for what happens after).
 *
 * <p>Settings, as Confluent's serializers name them: {@code basic.auth.credentials.source} ({@code USER_INFO}, the
 * default, or {@code URL}), {@code basic.auth.user.info} ({@code user:password}), and
 * {@code schema.registry.ssl.truststore.location|password|type} and {@code schema.registry.ssl.keystore.location|
 * password|type}, {@code schema.registry.ssl.key.password} for TLS.
 */
public final class ConfluentRegistry {
    public static final String URL = "planpulse.schema.registry.url";
    public static final String TIMEOUT_MS = "planpulse.schema.registry.timeout.ms";
    public static final String RETRY_MS = "planpulse.schema.registry.retry.ms";
    public static final String BACKOFF_MS = "planpulse.schema.registry.backoff.ms";
    public static final String BACKOFF_MAX_MS = "planpulse.schema.registry.backoff.max.ms";
    public static final String WAIT_MS = "planpulse.schema.registry.wait.ms";
    public static final String MEDIA_TYPE = "application/vnd.schemaregistry.v1+json";
    static final byte MAGIC = 0;
    static final int HEADER = 5;
    /** Confluent's error_code for "Schema not found": the only answer that makes a record unknown_schema. */
    static final int SCHEMA_NOT_FOUND = 40403;
    private static final int MAX_CACHED = 10_000;

    private final List<URI> urls;
    private final String shownUrl;
    private final String authorization;
    private final HttpClient http;
    private final Duration timeout;
    private final long retryNanos;
    /** Writer schemas by id: a Schema, or a Failure until its time. */
    private final Map<Integer, Object> writers = new ConcurrentHashMap<>();
    /** Readers by (stream, id): a Reader, or a Failure. */
    private final Map<Long, Object> readers = new ConcurrentHashMap<>();
    private final Duration backoff;
    private final Duration backoffMax;
    private final Duration maxWait;
    /** The last request got a definite answer (or none was made yet). */
    private volatile boolean up = true;
    /** Callers in {@link #retrying} now. */
    private final AtomicInteger waiting = new AtomicInteger();
    /** Waiters pause on it; {@link #close()} wakes them. */
    private final Object pause = new Object();
    private volatile boolean closed;

    private record Failure(String detail, long untilNanos) {
        boolean current() {
            return untilNanos == Long.MAX_VALUE || System.nanoTime() - untilNanos < 0;
        }
    }

    /** Reads the body of a Confluent-framed record as a stream's generated record class. */
    public static final class Reader<T> {
        private final SpecificDatumReader<T> reader;

        Reader(Schema writer, Schema reader) {
            this.reader = new SpecificDatumReader<>(writer, reader, SpecificData.getForSchema(reader));
        }

        T read(byte[] value) throws IOException {
            BinaryDecoder d = DecoderFactory.get().binaryDecoder(value, HEADER, value.length - HEADER, null);
            return reader.read(null, d);
        }
    }

    private ConfluentRegistry(List<URI> urls, String authorization, SSLContext ssl, Duration timeout, Duration retry,
                              Duration backoff, Duration backoffMax, Duration maxWait) {
        this.urls = urls;
        this.shownUrl = String.join(",", urls.stream().map(URI::toString).toList());
        this.authorization = authorization;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1);
        if (ssl != null) {
            b.sslContext(ssl);
        }
        this.http = b.build();
        this.timeout = timeout;
        this.retryNanos = retry.toNanos();
        this.backoff = backoff;
        this.backoffMax = backoffMax;
        this.maxWait = maxWait;
    }

    /**
     * The registry the settings name, or null when {@value #URL} is not set. {@code urls} may list several,
     * comma-separated: each is tried in turn when one cannot be reached.
     *
     * @throws IllegalArgumentException for a setting that cannot work (the message says which)
     */
    public static ConfluentRegistry of(Map<String, String> settings) {
        String list = settings.get(URL);
        if (list == null || list.isBlank()) {
            return null;
        }
        List<URI> urls = new ArrayList<>();
        String userInfoInUrl = null;
        for (String u : list.split(",")) {
            URI uri;
            try {
                uri = URI.create(u.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(URL + ": not a URL: " + e.getMessage());
            }
            if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                    || uri.getHost() == null) {
                throw new IllegalArgumentException(URL + ": expected http(s)://host:port, not '" + withoutUserInfo(uri) + "'");
            }
            if (uri.getRawUserInfo() != null) {
                userInfoInUrl = uri.getUserInfo();
            }
            urls.add(URI.create(withoutUserInfo(uri).replaceAll("/+$", "")));
        }
        String source = first(settings, "basic.auth.credentials.source", "schema.registry.basic.auth.credentials.source");
        String userInfo = first(settings, "basic.auth.user.info", "schema.registry.basic.auth.user.info");
        String credentials;
        if (source == null || source.equalsIgnoreCase("USER_INFO")) {
            credentials = userInfo != null ? userInfo : userInfoInUrl;
        } else if (source.equalsIgnoreCase("URL")) {
            credentials = userInfoInUrl;
        } else {
            throw new IllegalArgumentException("basic.auth.credentials.source: " + source + " is not supported (USER_INFO or URL)");
        }
        String authorization = credentials == null ? null
                : "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
        Duration timeout = millis(settings, TIMEOUT_MS, 2_000);
        Duration retry = millis(settings, RETRY_MS, 30_000);
        Duration backoff = millis(settings, BACKOFF_MS, 100);
        Duration backoffMax = millis(settings, BACKOFF_MAX_MS, 5_000);
        if (backoff.isZero() || backoffMax.compareTo(backoff) < 0) {
            throw new IllegalArgumentException(BACKOFF_MS + " must be positive and at most " + BACKOFF_MAX_MS);
        }
        return new ConfluentRegistry(urls, authorization, ssl(settings), timeout, retry, backoff, backoffMax,
                millis(settings, WAIT_MS, 60_000));
    }

    private static Duration millis(Map<String, String> settings, String key, long otherwise) {
        String v = settings.get(key);
        try {
            long ms = v == null || v.isBlank() ? otherwise : Long.parseLong(v.trim());
            if (ms < 0) {
                throw new NumberFormatException("negative");
            }
            return Duration.ofMillis(ms);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": expected milliseconds, not '" + v + "'");
        }
    }

    private static String first(Map<String, String> settings, String... keys) {
        for (String k : keys) {
            String v = settings.get(k);
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        return null;
    }

    private static String withoutUserInfo(URI u) {
        return u.getRawUserInfo() == null ? u.toString() : u.toString().replace(u.getRawUserInfo() + "@", "");
    }

    /** The TLS context of the schema.registry.ssl.* settings, or null (the JVM's defaults). */
    private static SSLContext ssl(Map<String, String> s) {
        String trust = s.get("schema.registry.ssl.truststore.location");
        String key = s.get("schema.registry.ssl.keystore.location");
        if (trust == null && key == null) {
            return null;
        }
        try {
            TrustManagerFactory tmf = null;
            if (trust != null) {
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(keyStore(trust, s.get("schema.registry.ssl.truststore.password"),
                        s.get("schema.registry.ssl.truststore.type")));
            }
            KeyManagerFactory kmf = null;
            if (key != null) {
                String password = s.get("schema.registry.ssl.keystore.password");
                String keyPassword = s.getOrDefault("schema.registry.ssl.key.password", password);
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keyStore(key, password, s.get("schema.registry.ssl.keystore.type")),
                        keyPassword == null ? null : keyPassword.toCharArray());
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalArgumentException("schema.registry.ssl.*: " + e.getMessage(), e);
        }
    }

    private static KeyStore keyStore(String location, String password, String type) throws IOException,
            java.security.GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance(type == null || type.isBlank() ? "PKCS12" : type.trim().toUpperCase(Locale.ROOT));
        try (InputStream in = Files.newInputStream(Path.of(location))) {
            ks.load(in, password == null ? null : password.toCharArray());
        }
        return ks;
    }

    /** The registry's URL(s), without credentials: for messages. */
    public String url() {
        return shownUrl;
    }

    static int schemaId(byte[] value) {
        return ((value[1] & 0xFF) << 24) | ((value[2] & 0xFF) << 16) | ((value[3] & 0xFF) << 8) | (value[4] & 0xFF);
    }

    /**
     * Whether the last request got a definite answer (a schema, or "no such schema"): false from a request that got
     * none until one does. True before any request.
     */
    public boolean up() {
        return up;
    }

    /** Whether a record is waiting for the registry in {@link #retrying} now. */
    public boolean waiting() {
        return waiting.get() > 0;
    }

    /** The longest a record may wait in {@link #retrying} ({@value #WAIT_MS}). */
    public Duration maxWait() {
        return maxWait;
    }

    /** Reads one record; may throw RegistryUnavailable. */
    public interface Attempt<T> {
        T run() throws Rejection;
    }

    /**
     * After {@code attempt} failed with {@code first}: pauses (from {@value #BACKOFF_MS}, doubling to
     * {@value #BACKOFF_MAX_MS}) and runs it again, until it ends other than with {@link RegistryUnavailable} or the
     * next pause would end more than {@code budget} after the start (each attempt is bounded by the request timeout).
     * Meanwhile {@link #waiting()} is true.
     *
     * @throws RegistryUnavailable the last failure, once the budget is spent or the registry is {@link #close closed}
     */
    public <T> T retrying(Attempt<T> attempt, RegistryUnavailable first, Duration budget) throws Rejection {
        long start = System.nanoTime();
        waiting.incrementAndGet();
        try {
            RegistryUnavailable failed = first;
            long pauseMs = backoff.toMillis();
            while (true) {
                long waitedMs = (System.nanoTime() - start) / 1_000_000;
                if (closed || waitedMs + pauseMs > budget.toMillis()) {
                    throw new RegistryUnavailable(failed.getMessage() + "; waited " + waitedMs + " ms"
                            + (closed ? ", closing" : ""), failed);
                }
                synchronized (pause) {
                    if (!closed) {
                        try {
                            pause.wait(pauseMs);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new RegistryUnavailable(failed.getMessage() + "; interrupted", failed);
                        }
                    }
                }
                if (closed) {
                    continue;
                }
                try {
                    return attempt.run();
                } catch (RegistryUnavailable e) {
                    failed = e;
                }
                pauseMs = Math.min(pauseMs * 2, backoffMax.toMillis());
            }
        } finally {
            waiting.decrementAndGet();
        }
    }

    /** Ends every wait in {@link #retrying} at once (they throw): for a shutdown. */
    public void close() {
        closed = true;
        synchronized (pause) {
            pause.notifyAll();
        }
    }

    /** The reader of a stream's records written with schema {@code id}; unknown_schema when there is none. */
    Reader<?> reader(Stream stream, int id) throws Rejection {
        long key = ((long) stream.ordinal() << 32) | (id & 0xFFFFFFFFL);
        Object cached = readers.get(key);
        if (cached instanceof Reader<?> r) {
            return r;
        }
        if (cached instanceof Failure f && f.current()) {
            throw rejection(id, f.detail());
        }
        Schema writer = writer(id);
        Schema reader = readerSchema(stream);
        String incompatible = incompatibility(writer, reader);
        if (incompatible != null) {
            String detail = "the writer schema " + writer.getFullName() + " cannot be read as " + stream.type() + ": "
                    + incompatible;
            remember(readers, key, new Failure(detail, Long.MAX_VALUE));
            throw rejection(id, detail);
        }
        Reader<?> r = new Reader<>(writer, reader);
        remember(readers, key, r);
        return r;
    }

    private static Schema readerSchema(Stream stream) {
        return switch (stream) {
            case TRUCK_DEPARTURE -> Topics.TRUCK_DEPARTURE.schema();
            case TRADE_DECLARATION -> Topics.TRADE_DECLARATION.schema();
            case HUB_THROUGHPUT -> Topics.HUB_THROUGHPUT.schema();
            case PROJECT_PROGRESS -> Topics.PROJECT_PROGRESS.schema();
            case INDICATOR_REPORT -> Topics.INDICATOR_REPORT.schema();
        };
    }

    /**
     * Why records of {@code writer} cannot be read as {@code reader}, or null: Avro's compatibility check, and a
     * logical type that differs (Avro resolves a timestamp-micros long into a timestamp-millis one without a word).
     */
    static String incompatibility(Schema writer, Schema reader) {
        SchemaCompatibility.SchemaPairCompatibility c = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (c.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            List<String> why = c.getResult().getIncompatibilities().stream()
                    .map(i -> i.getType() + " at " + i.getLocation() + (i.getMessage() == null ? "" : ": " + i.getMessage()))
                    .toList();
            return String.join("; ", why);
        }
        for (Schema.Field rf : reader.getFields()) {
            LogicalType rt = rf.schema().getLogicalType();
            Schema.Field wf = writer.getField(rf.name());
            if (rt == null || wf == null) {
                continue;
            }
            LogicalType wt = wf.schema().getLogicalType();
            if (wt != null && !wt.getName().equals(rt.getName())) {
                return "field " + rf.name() + " is " + wt.getName() + " in the writer schema, " + rt.getName() + " here";
            }
        }
        return null;
    }

    /**
     * The writer schema of an id, fetched once.
     *
     * @throws Rejection the registry said definitely that there is no usable schema of that id
     * @throws RegistryUnavailable the registry gave no definite answer
     */
    Schema writer(int id) throws Rejection {
        Object cached = writers.get(id);
        if (cached instanceof Schema s) {
            return s;
        }
        if (cached instanceof Failure f && f.current()) {
            throw rejection(id, f.detail());
        }
        Answer a;
        try {
            a = send(HttpRequest.newBuilder().GET(), "/schemas/ids/" + id);
        } catch (IOException e) {
            up = false;
            throw unavailable(id, "registry " + shownUrl + " unreachable (" + e + ")", e);
        }
        if (a.status() == 404 && a.errorCode() == SCHEMA_NOT_FOUND) {
            up = true;
            Failure f = new Failure("registry " + a.url() + " answered 404: " + a.error()
                    + "; not asked again for " + retryNanos / 1_000_000_000 + " s", System.nanoTime() + retryNanos);
            remember(writers, id, f);
            throw rejection(id, f.detail());
        }
        if (a.status() != 200) {
            up = false;
            throw unavailable(id, "registry " + a.url() + " answered " + a.status() + ": " + a.error(), null);
        }
        up = true;
        try {
            JsonNode body = JsonEvents.MAPPER.readTree(a.body());
            String type = body.path("schemaType").asText("AVRO");
            if (!type.equalsIgnoreCase("AVRO")) {
                throw new IllegalArgumentException("a " + type + " schema, not Avro");
            }
            JsonNode text = body.get("schema");
            if (text == null || !text.isTextual()) {
                throw new IllegalArgumentException("no \"schema\" string in the answer");
            }
            Schema s = new Schema.Parser().parse(text.asText());
            remember(writers, id, s);
            return s;
        } catch (IOException | RuntimeException e) {
            Failure f = new Failure("registry " + a.url() + " gave no usable Avro schema: " + e.getMessage(), Long.MAX_VALUE);
            remember(writers, id, f);
            throw rejection(id, f.detail());
        }
    }

    private static RegistryUnavailable unavailable(int id, String detail, Throwable cause) {
        return new RegistryUnavailable("Confluent wire format, schema id " + id + ": " + detail, cause);
    }

    private Rejection rejection(int id, String detail) {
        return new Rejection(Rejection.UNKNOWN_SCHEMA, "Confluent wire format, schema id " + id + ": " + detail);
    }

    private static <K> void remember(Map<K, Object> cache, K key, Object value) {
        if (cache.size() >= MAX_CACHED) {
            cache.values().removeIf(v -> v instanceof Failure);
        }
        cache.put(key, value);
    }

    /**
     * Registers a schema under a subject ({@code POST /subjects/{subject}/versions}); its id (the same id again for a
     * schema the subject already has).
     *
     * @throws IOException when the registry cannot be reached or refuses (the message has its answer)
     */
    public int register(String subject, Schema schema) throws IOException {
        String body = JsonEvents.MAPPER.writeValueAsString(Map.of("schema", schema.toString()));
        Answer a = send(HttpRequest.newBuilder().header("Content-Type", MEDIA_TYPE)
                .POST(HttpRequest.BodyPublishers.ofString(body)),
                "/subjects/" + URLEncoder.encode(subject, StandardCharsets.UTF_8) + "/versions");
        if (a.status() != 200) {
            throw new IOException("registry " + a.url() + " answered " + a.status() + ": " + a.error());
        }
        JsonNode id = JsonEvents.MAPPER.readTree(a.body()).get("id");
        if (id == null || !id.canConvertToInt()) {
            throw new IOException("registry " + a.url() + " answered without an id: " + a.body());
        }
        return id.asInt();
    }

    private record Answer(String url, int status, String body) {
        /** The error_code of Confluent's error body, or -1. */
        int errorCode() {
            try {
                JsonNode n = JsonEvents.MAPPER.readTree(body).get("error_code");
                return n != null && n.canConvertToInt() ? n.asInt() : -1;
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }

        /** Confluent's error body {@code {"error_code":40403,"message":"..."}}, as a phrase. */
        String error() {
            try {
                JsonNode n = JsonEvents.MAPPER.readTree(body);
                if (n.hasNonNull("message")) {
                    return n.get("message").asText() + (n.has("error_code") ? " (error_code " + n.get("error_code").asText() + ")" : "");
                }
            } catch (IOException | RuntimeException ignored) {
                // not JSON: the text itself
            }
            return body.isBlank() ? "(no body)" : EventDecoder.abbreviate(body.strip());
        }
    }

    /** The request against each URL in turn until one answers. */
    private Answer send(HttpRequest.Builder request, String path) throws IOException {
        IOException last = null;
        for (URI base : urls) {
            URI uri = URI.create(base + path);
            request.uri(uri).timeout(timeout).setHeader("Accept", MEDIA_TYPE + ", application/json");
            if (authorization != null) {
                request.setHeader("Authorization", authorization);
            }
            try {
                HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                return new Answer(base.toString(), r.statusCode(), r.body() == null ? "" : r.body());
            } catch (IOException e) {
                last = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        throw last;
    }
}
