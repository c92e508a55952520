package io.planpulse.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.planpulse.avro.TruckDeparture;
import io.planpulse.broker.EmbeddedBroker;
import io.planpulse.app.Config;
import io.planpulse.app.PipelineApp;
import io.planpulse.app.PlanLoad;
import io.planpulse.app.TopicAdmin;
import io.planpulse.examples.Python;
import io.planpulse.plan.PlanLoader;
import io.planpulse.registry.FakeSchemaRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/python as a newcomer runs them, against an embedded broker and a running pipeline with the shipped 2025 plan
 * (clock 2025-06-15): docs/feeding.md's producer snippet, each type's producer in JSON and in single-object Avro (schemas
 * fetched from the pipeline's GET /schemas/{type}), and records that are bad in any encoding (a missing field, a
 * negative amount, bytes that are no event), read back from planpulse.rejected with read_rejected.py. The KPIs the
 * good records feed move by exactly their amounts. And Confluent-framed records through a registry (an in-process one:
 * no registry server can be installed here) after {@code planpulse schemas register}.
 */
class PythonExamplesIT {
    static final Clock CLOCK = Clock.fixed(OffsetDateTime.parse("2025-06-15T12:00:00+08:00").toInstant(), ZoneOffset.UTC);

    @Test
    void shouldFeedThePipelineFromThePythonExamplesAndReadBackTheBadRecords(@TempDir Path dir) throws Exception {
        Python.interpreter(); // fails here, saying what to install, when there is none
        try (EmbeddedBroker broker = EmbeddedBroker.start(null); FakeSchemaRegistry registry = FakeSchemaRegistry.start()) {
            String bootstrap = broker.bootstrapServers();
            Map<String, String> flags = new HashMap<>();
            flags.put("bootstrap.servers", bootstrap);
            flags.put("state.dir", dir.resolve("state").toString());
            flags.put(Config.HTTP_PORT, "0");
            flags.put("replication.factor", "1");
            flags.put(Config.SCHEMA_REGISTRY_URL, registry.url());
            Config config = Config.load(null, Map.of(), flags);
            TopicAdmin.ensureTopics(config.clients(), 3, 1);
            PlanLoad.publish(PlanLoader.loadDefault(), config.clients());
            try (PipelineApp app = PipelineApp.start(config, CLOCK)) {
                app.awaitReady(Duration.ofMinutes(2));
                String url = app.url();

                // docs/feeding.md's producer, as printed there, pointed at this broker.
                Path feeding = Path.of("docs/feeding.md");
                Matcher m = Pattern.compile("```python\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(feeding));
                assertThat(m.find()).as("a python block in docs/feeding.md").isTrue();
                String snippet = m.group(1);
                assertThat(snippet).contains("\"127.0.0.1:9092\"");
                assertThat(snippet.lines().filter(l -> !l.isBlank()).count()).isLessThanOrEqualTo(10);
                ok(Python.code(dir, "readme_producer.py", snippet.replace("127.0.0.1:9092", bootstrap)));

                String at = "2025-05-01T08:00:00+08:00";
                ok(example("truck_departures.py", bootstrap, url, "--format", "json", "--count", "5", "--at", at, "--id-prefix", "json-"));
                ok(example("truck_departures.py", bootstrap, url, "--format", "avro", "--count", "7", "--at", at, "--id-prefix", "avro-"));
                ok(example("truck_departures.py", bootstrap, url, "--format", "avro", "--no-header", "--count", "1", "--at", at,
                        "--id-prefix", "avro-bare-"));
                ok(example("hub_throughput.py", bootstrap, url, "--format", "avro", "--count", "3", "--at", at));
                ok(example("trade_declarations.py", bootstrap, url, "--format", "json", "--count", "2", "--at", at));
                ok(example("project_progress.py", bootstrap, url, "--format", "avro", "--at", "2025-05-06T09:00:00+08:00"));
                ok(example("indicator_reports.py", bootstrap, url, "--format", "json", "--at", "2025-05-10T09:00:00+08:00"));
                // Bad records, each in a way no plan change makes good.
                ok(example("truck_departures.py", bootstrap, url, "--format", "json", "--event", "{\"departure_id\":\"bad-1\","
                        + "\"route_id\":\"cq-hanoi\",\"destination_country\":\"VN\",\"exit_port\":\"youyiguan\","
                        + "\"cargo_value_cny\":1250000.0,\"cargo_weight_t\":18.5}"));
                ok(example("trade_declarations.py", bootstrap, url, "--format", "avro", "--event", "{\"declaration_id\":\"bad-2\","
                        + "\"direction\":\"export\",\"channel\":\"road_port\",\"partner_country\":\"VN\",\"value_cny\":-3000000.0,"
                        + "\"declared_at\":\"2025-05-01T08:00:00+08:00\"}"));
                ok(example("hub_throughput.py", bootstrap, url, "--raw", "twelve hundred tonnes, give or take"));

                // Confluent-framed Avro, the schemas registered with planpulse's own command.
                java.io.StringWriter out = new java.io.StringWriter();
                picocli.CommandLine cli = io.planpulse.Planpulse.commandLine();
                cli.setOut(new java.io.PrintWriter(out));
                assertThat(cli.execute("schemas", "register", "--registry", registry.url())).isZero();
                String registered = out.toString();
                Matcher id = Pattern.compile("planpulse\\.truck-departures-value: schema id (\\d+)").matcher(registered);
                assertThat(id.find()).as(registered).isTrue();
                try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
                        new ByteArraySerializer(), new ByteArraySerializer())) {
                    for (int i = 0; i < 4; i++) {
                        TruckDeparture t = TruckDeparture.newBuilder().setDepartureId("confluent-" + i).setRouteId("cq-hanoi")
                                .setDestinationCountry("LA").setExitPort("mohan")
                                .setDepartedAt(OffsetDateTime.parse(at).toInstant()).setCargoValueCny(1250000.0)
                                .setCargoWeightT(18.5).build();
                        p.send(new ProducerRecord<>("planpulse.truck-departures", t.getDepartureId().getBytes(StandardCharsets.UTF_8),
                                confluent(Integer.parseInt(id.group(1)), t)));
                    }
                    // an id the registry does not have
                    p.send(new ProducerRecord<>("planpulse.truck-departures", "confluent-x".getBytes(StandardCharsets.UTF_8),
                            new byte[] {0, 0, 0, 0x30, 0x39, 2, 'x'}));
                }

                app.awaitReflected(Duration.ofMinutes(2));
                int trucks = 1 + 5 + 7 + 1 + 4;
                JsonNode departures = Http.get(url + "/api/kpis/2025/cross_border_truck_departures").json();
                assertThat(departures.get("actual").asDouble()).as(departures.toString()).isEqualTo(trucks);
                assertThat(Http.get(url + "/api/kpis/2025/cross_border_truck_cargo_value").json().path("actual").asDouble())
                        .isCloseTo(trucks * 1_250_000.0 / 1e8, within(1e-12));
                assertThat(Http.get(url + "/api/kpis/2025/hub_throughput").json().path("actual").asDouble())
                        .isCloseTo(3 * 1200.0 / 1e4, within(1e-12));
                assertThat(Http.get(url + "/api/kpis/2025/hub_foreign_trade_value").json().path("actual").asDouble())
                        .isCloseTo(2 * 3_000_000.0 / 1e8, within(1e-12));
                assertThat(Http.get(url + "/api/kpis/2025/kp_gov_002").json().path("actual").asDouble())
                        .isCloseTo(0.12, within(1e-12));
                assertThat(Http.get(url + "/api/kpis/2025/gdp_growth").json().path("actual").asDouble()).isEqualTo(6.1);

                // The bad records, as the reader example shows them.
                Python.Result read = Python.example("read_rejected.py", "--bootstrap-servers", bootstrap, "--planpulse", url,
                        "--from-beginning", "--max", "4", "--timeout", "60", "--json");
                ok(read);
                List<JsonNode> rejected = new ArrayList<>();
                for (String line : read.output().lines().filter(l -> l.startsWith("{")).toList()) {
                    rejected.add(Http.JSON.readTree(line));
                }
                assertThat(rejected).as(read.output()).hasSize(4);
                assertThat(rejected).extracting(r -> r.get("topic").asText() + " " + r.get("reason").asText())
                        .containsExactlyInAnyOrder(
                                "planpulse.truck-departures missing_field",
                                "planpulse.trade-declarations negative_amount",
                                "planpulse.hub-throughput undecodable",
                                "planpulse.truck-departures unknown_schema");
                JsonNode raw = rejected.stream().filter(r -> r.get("reason").asText().equals("undecodable")).findFirst().orElseThrow();
                assertThat(raw.get("value").asText()).isEqualTo("twelve hundred tonnes, give or take");
                JsonNode unknown = rejected.stream().filter(r -> r.get("reason").asText().equals("unknown_schema")).findFirst().orElseThrow();
                assertThat(unknown.get("detail").asText()).startsWith("Confluent wire format, schema id 12345: registry "
                        + registry.url() + " answered 404: Schema 12345 not found (error_code 40403)");
                String metrics = Http.get(url + "/metrics").body();
                assertThat(Http.metric(metrics, "planpulse_events_rejected_total", "stream=\"truck_departure\"",
                        "reason=\"missing_field\"")).isEqualTo(1.0);
                assertThat(Http.metric(metrics, "planpulse_events_rejected_total", "stream=\"trade_declaration\"",
                        "reason=\"negative_amount\"")).isEqualTo(1.0);
            }
        }
    }

    private static Python.Result example(String script, String bootstrap, String url, String... args) throws Exception {
        List<String> a = new ArrayList<>(List.of("--bootstrap-servers", bootstrap, "--planpulse", url));
        a.addAll(List.of(args));
        return Python.example(script, a.toArray(String[]::new));
    }

    private static void ok(Python.Result r) {
        assertThat(r.exit()).as(r.output()).isZero();
    }

    private static byte[] confluent(int id, TruckDeparture t) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {0, (byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id});
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<>(TruckDeparture.class).write(t, enc);
        enc.flush();
        return out.toByteArray();
    }
}
