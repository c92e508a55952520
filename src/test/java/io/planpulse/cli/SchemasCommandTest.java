package io.planpulse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.planpulse.Planpulse;
import io.planpulse.registry.FakeSchemaRegistry;
import io.planpulse.serve.HttpApi;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The schemas a producer needs: {@code planpulse schemas} (print, export, register) and {@code GET /schemas}, each
 * with the fingerprint and version the contract's files have.
 */
class SchemasCommandTest {
    static final List<String> INPUTS = List.of("ProjectProgress", "TruckDeparture", "TradeDeclaration", "HubThroughput",
            "IndicatorReport");

    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Planpulse.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    static Schema file(String name) throws Exception {
        return new Schema.Parser().parse(Path.of("schemas", name + ".avsc").toFile());
    }

    static String fingerprint(String name) throws Exception {
        return String.format("%016x", SchemaNormalization.parsingFingerprint64(file(name)));
    }

    @Test
    void shouldPrintEachInputSchemaWithItsTopicVersionAndFingerprint() throws Exception {
        Run r = run("schemas");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("# truck_departure: topic planpulse.truck-departures, io.planpulse.avro.TruckDeparture v2, "
                + "CRC-64-AVRO fingerprint " + fingerprint("TruckDeparture") + ", single-object header c3 01 ");
        assertThat(r.out()).contains("# rejected_record: output topic planpulse.rejected, io.planpulse.avro.RejectedRecord v1");
        for (String name : INPUTS) {
            assertThat(r.out()).contains(fingerprint(name)).contains(Files.readString(Path.of("schemas", name + ".avsc")).strip());
        }
        JsonNode listing = new ObjectMapper().readTree(run("schemas", "--json").out());
        assertThat(listing).hasSize(6);
        assertThat(listing.get(1).get("type").asText()).isEqualTo("truck_departure");
        assertThat(listing.get(1).get("subject").asText()).isEqualTo("planpulse.truck-departures-value");
        assertThat(listing.get(1).get("fingerprint").asText()).isEqualTo(fingerprint("TruckDeparture"));
    }

    @Test
    void shouldExportTheAvscFilesAsShipped(@TempDir Path dir) throws Exception {
        Run r = run("schemas", "export", dir.resolve("out").toString());
        assertThat(r.exit()).as(r.err()).isZero();
        for (String name : INPUTS) {
            assertThat(dir.resolve("out").resolve(name + ".avsc")).hasSameTextualContentAs(Path.of("schemas", name + ".avsc"));
        }
        assertThat(dir.resolve("out").resolve("RejectedRecord.avsc")).exists();
        assertThat(r.out().lines()).hasSize(6);
    }

    @Test
    void shouldRegisterEveryInputSchemaUnderItsTopicsValueSubject() throws Exception {
        try (FakeSchemaRegistry registry = FakeSchemaRegistry.start()) {
            Run r = run("schemas", "register", "--registry", registry.url());
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).contains("planpulse.truck-departures-value: schema id ").contains("registered 5 schemas in "
                    + registry.url());
            for (io.planpulse.base.Stream s : io.planpulse.base.Stream.values()) {
                List<String> versions = registry.subject(s.topic() + "-value");
                assertThat(versions).hasSize(1);
                assertThat(SchemaNormalization.parsingFingerprint64(new Schema.Parser().parse(versions.get(0))))
                        .isEqualTo(SchemaNormalization.parsingFingerprint64(
                                io.planpulse.events.InputSchemas.byType(s.type()).schema()));
            }
            assertThat(registry.postContentTypes).hasSize(5).containsOnly("application/vnd.schemaregistry.v1+json");
            // again: the same ids, nothing new
            assertThat(run("schemas", "register", "--registry", registry.url()).out()).isEqualTo(r.out());
        }
        try (FakeSchemaRegistry registry = FakeSchemaRegistry.start().requireBasicAuth("u:p")) {
            Run denied = run("schemas", "register", "--registry", registry.url());
            assertThat(denied.exit()).isEqualTo(1);
            assertThat(denied.err()).contains("answered 401: Unauthorized (error_code 401)");
        }
        Run none = run("schemas", "register");
        assertThat(none.exit()).isEqualTo(Planpulse.BAD_INPUT);
        assertThat(none.err()).contains("--registry URL (or planpulse.schema.registry.url) is required");
    }

    @Test
    void shouldServeTheSchemasOverHttp() throws Exception {
        try (HttpApi api = new HttpApi("127.0.0.1", 0, null, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                () -> true).start()) {
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> list = client.send(HttpRequest.newBuilder(URI.create(api.url() + "/schemas")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(list.statusCode()).isEqualTo(200);
            JsonNode items = new ObjectMapper().readTree(list.body());
            assertThat(items).hasSize(6);
            JsonNode truck = items.get(1);
            assertThat(truck.get("topic").asText()).isEqualTo("planpulse.truck-departures");
            assertThat(truck.get("version").asInt()).isEqualTo(2);
            assertThat(truck.get("role").asText()).isEqualTo("input");
            assertThat(truck.get("single_object_header").asText()).startsWith("c3 01 ");
            HttpResponse<String> one = client.send(HttpRequest.newBuilder(URI.create(api.url() + "/schemas/truck_departure"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(one.statusCode()).isEqualTo(200);
            assertThat(SchemaNormalization.parsingFingerprint64(new Schema.Parser().parse(one.body())))
                    .isEqualTo(SchemaNormalization.parsingFingerprint64(file("TruckDeparture")));
            assertThat(client.send(HttpRequest.newBuilder(URI.create(api.url() + "/schemas/rejected_record")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            HttpResponse<String> missing = client.send(HttpRequest.newBuilder(URI.create(api.url() + "/schemas/nope")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(missing.body()).contains("no schema 'nope'").contains("truck_departure");
        }
    }
}
