package io.planpulse.app;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The one place configuration is read. Precedence: command-line flags, then environment variables
 * {@code PLANPULSE_*}, then the properties file, then defaults that work on a laptop.
 *
 * <p>planpulse's own keys start with {@code planpulse.}; every other key is a Kafka client or Kafka Streams setting
 * and is passed through unchanged (SASL, TLS, threads, standby replicas, ...). In the environment,
 * {@code PLANPULSE_BOOTSTRAP_SERVERS} sets {@code bootstrap.servers}, {@code PLANPULSE_KAFKA_SASL_MECHANISM} sets
 * {@code sasl.mechanism} (after {@code PLANPULSE_KAFKA_}: lower case, '_' becomes '.'), and
 * {@code PLANPULSE_HTTP_PORT} sets {@code planpulse.http.port} (after {@code PLANPULSE_}: lower case, '_' becomes '.').
 */
public final class Config {
    public static final String HTTP_HOST = "planpulse.http.host";
    public static final String HTTP_PORT = "planpulse.http.port";
    public static final String PARTITIONS = "planpulse.topic.partitions";
    public static final String REPLICATION = "planpulse.topic.replication";
    public static final String AS_OF = "planpulse.as.of";
    /** The deployment's zone: calendar months and years of facts; every plan's timezone must have its rules. */
    public static final String TIMEZONE = "planpulse.timezone";
    /** The zone of a deployment that names none (CONTRACT section 1). */
    public static final java.time.ZoneId DEFAULT_ZONE = java.time.ZoneId.of("Asia/Shanghai");
    /** Confluent-compatible schema registry for Confluent-framed input (see ConfluentRegistry for its keys). */
    public static final String SCHEMA_REGISTRY_URL = io.planpulse.events.ConfluentRegistry.URL;
    public static final String CLOCK_YEAR = "planpulse.clock.year";
    /** How many times a failed stream thread is replaced within the window before the instance shuts down. */
    public static final String THREAD_REPLACEMENTS = "planpulse.thread.replacements.max";
    public static final String THREAD_REPLACEMENT_WINDOW = "planpulse.thread.replacements.window.seconds";
    /** Flow cells kept per (stream, year) before the rest are counted in the stream's overflow cell (CONTRACT 3). */
    public static final String FACTS_MAX_CELLS = "planpulse.facts.max-cells";
    /** The deployment's district: that of events and plans that name none (CONTRACT section 1b; PLANPULSE_DISTRICT). */
    public static final String DISTRICT = "planpulse.district";
    /** How many partitions the KPI stage's work is split in, by district (CONTRACT section 1b; PLANPULSE_KPI_PARTITIONS). */
    public static final String KPI_PARTITIONS = "planpulse.kpi.partitions";
    /** Environment variables whose key has a '-', which the '_' to '.' rule cannot spell. */
    private static final Map<String, String> ENV_KEYS = Map.of("PLANPULSE_FACTS_MAX_CELLS", FACTS_MAX_CELLS);

    private final Map<String, String> values = new LinkedHashMap<>();

    private Config() {
    }

    public static Config load(Path file, Map<String, String> env, Map<String, String> flags) throws IOException {
        Config c = new Config();
        c.values.put(HTTP_HOST, "127.0.0.1");
        c.values.put(HTTP_PORT, "8080");
        c.values.put(PARTITIONS, "3");
        c.values.put(REPLICATION, "-1");
        c.values.put(TIMEZONE, DEFAULT_ZONE.getId());
        c.values.put(THREAD_REPLACEMENTS, "3");
        c.values.put(THREAD_REPLACEMENT_WINDOW, "600");
        c.values.put(FACTS_MAX_CELLS, String.valueOf(io.planpulse.pipeline.PlanpulseTopology.DEFAULT_MAX_CELLS));
        c.values.put(DISTRICT, io.planpulse.pipeline.PlanpulseTopology.DEFAULT_DISTRICT);
        c.values.put(KPI_PARTITIONS, String.valueOf(io.planpulse.pipeline.PlanpulseTopology.DEFAULT_KPI_PARTITIONS));
        c.values.put("application.id", "planpulse");
        c.values.put("processing.guarantee", "exactly_once_v2");
        c.values.put("state.dir", Path.of(System.getProperty("java.io.tmpdir"), "planpulse-state").toString());
        if (file != null) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            }
            p.stringPropertyNames().forEach(k -> c.values.put(k, p.getProperty(k)));
        }
        env.forEach((k, v) -> {
            if (ENV_KEYS.containsKey(k)) {
                c.values.put(ENV_KEYS.get(k), v);
            } else if (k.equals("PLANPULSE_BOOTSTRAP_SERVERS")) {
                c.values.put("bootstrap.servers", v);
            } else if (k.startsWith("PLANPULSE_KAFKA_")) {
                c.values.put(k.substring("PLANPULSE_KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.'), v);
            } else if (k.startsWith("PLANPULSE_") && !k.equals("PLANPULSE_OPTS")) {
                c.values.put("planpulse." + k.substring("PLANPULSE_".length()).toLowerCase(Locale.ROOT).replace('_', '.'), v);
            }
        });
        flags.forEach((k, v) -> {
            if (v != null) {
                c.values.put(k, v);
            }
        });
        return c;
    }

    public java.time.ZoneId zone() {
        return java.time.ZoneId.of(values.get(TIMEZONE));
    }

    public String get(String key) {
        return values.get(key);
    }

    public int getInt(String key) {
        return Integer.parseInt(values.get(key).trim());
    }

    /** Every Kafka client / Streams key (everything not {@code planpulse.*}). */
    public Map<String, Object> kafka() {
        Map<String, Object> out = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (!k.startsWith("planpulse.")) {
                out.put(k, v);
            }
        });
        return out;
    }

    /** The client keys a plain producer, consumer or admin needs (connection and security, no Streams keys). */
    public Map<String, Object> clients() {
        Map<String, Object> out = new LinkedHashMap<>();
        kafka().forEach((k, v) -> {
            if (k.equals("bootstrap.servers") || k.startsWith("security.") || k.startsWith("sasl.") || k.startsWith("ssl.")
                    || k.equals("client.dns.lookup")) {
                out.put(k, v);
            }
        });
        return out;
    }

    /**
     * The schema registry's settings: {@code planpulse.schema.registry.*}, and the keys Confluent's serializers use
     * ({@code basic.auth.*}, {@code schema.registry.*}), which also pass through to Kafka, where they are ignored.
     */
    public Map<String, String> schemaRegistry() {
        Map<String, String> out = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith("planpulse.schema.registry.") || k.startsWith("basic.auth.") || k.startsWith("schema.registry.")) {
                out.put(k, v);
            }
        });
        return out;
    }

    /** The configuration with secrets masked, for logs. */
    @Override
    public String toString() {
        Map<String, String> shown = new LinkedHashMap<>();
        values.forEach((k, v) -> shown.put(k, k.contains("password") || k.contains("jaas") || k.contains("secret")
                || k.endsWith(".key") || k.endsWith("user.info") ? "[hidden]"
                : v == null ? null : v.replaceAll("//[^/@,]+@", "//[hidden]@")));
        return shown.toString();
    }
}
