package io.planpulse.cli;

import io.planpulse.Planpulse;
import io.planpulse.app.Config;
import io.planpulse.events.ConfluentRegistry;
import io.planpulse.events.InputSchemas;
import io.planpulse.events.JsonEvents;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code planpulse schemas}: the Avro schemas of the input topics (and of planpulse.rejected) for producers: printed
 * with their version and fingerprint, exported as .avsc files, or registered in a Confluent-compatible registry under
 * the {@code <topic>-value} subjects.
 */
@Command(name = "schemas", description = "Print each input schema with its topic, version and CRC-64-AVRO fingerprint "
        + "(and planpulse.rejected's, for readers of bad records).",
        subcommands = {SchemasCommand.Export.class, SchemasCommand.Register.class})
public final class SchemasCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print the listing of GET /schemas instead.")
    boolean json;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(JsonEvents.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(
                    InputSchemas.all().stream().map(InputSchemas.Entry::describe).toList()));
        } else {
            for (InputSchemas.Entry e : InputSchemas.all()) {
                out.println(heading(e));
                out.println(e.text().strip());
                out.println();
            }
        }
        out.flush();
        return 0;
    }

    static String heading(InputSchemas.Entry e) {
        return String.format("# %s: %s %s, %s, CRC-64-AVRO fingerprint %s, single-object header %s",
                e.type(), e.input() ? "topic" : "output topic", e.topic(),
                e.schema().getFullName() + (e.version() > 0 ? " v" + e.version() : " (unreleased)"),
                e.fingerprintHex(), HexFormat.ofDelimiter(" ").formatHex(e.header()));
    }

    @Command(name = "export", description = "Write the .avsc files of the input schemas (and RejectedRecord.avsc) "
            + "into DIR.")
    static final class Export implements Callable<Integer> {
        @Parameters(arity = "1", paramLabel = "DIR")
        Path dir;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Files.createDirectories(dir);
            PrintWriter out = spec.commandLine().getOut();
            for (InputSchemas.Entry e : InputSchemas.all()) {
                Path f = dir.resolve(e.schema().getName() + ".avsc");
                Files.writeString(f, e.text(), StandardCharsets.UTF_8);
                out.printf("%s  %s v%d  fingerprint %s%n", f, e.type(), e.version(), e.fingerprintHex());
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "register", description = "Register the input schemas in a Confluent-compatible schema registry, "
            + "each under the subject <topic>-value (POST /subjects/{subject}/versions).")
    static final class Register implements Callable<Integer> {
        @Option(names = "--registry", description = "Registry URL (default: planpulse.schema.registry.url).")
        String registry;
        @Option(names = "--config", description = "Properties file: planpulse.schema.registry.url, basic.auth.user.info, "
                + "schema.registry.ssl.truststore.location, ...")
        Path configFile;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (configFile != null && !Files.isReadable(configFile)) {
                throw new BadInput(configFile + ": no such file or not readable");
            }
            Map<String, String> flags = new HashMap<>();
            flags.put(Config.SCHEMA_REGISTRY_URL, registry);
            Config config = Config.load(configFile, System.getenv(), flags);
            ConfluentRegistry r;
            try {
                r = ConfluentRegistry.of(config.schemaRegistry());
            } catch (IllegalArgumentException e) {
                throw new BadInput(e.getMessage());
            }
            if (r == null) {
                throw new BadInput("--registry URL (or planpulse.schema.registry.url) is required");
            }
            PrintWriter out = spec.commandLine().getOut();
            List<InputSchemas.Entry> inputs = InputSchemas.inputs();
            for (InputSchemas.Entry e : inputs) {
                int id = r.register(e.subject(), e.schema());
                out.printf("%s: schema id %d (%s v%d, fingerprint %s)%n", e.subject(), id, e.schema().getFullName(),
                        e.version(), e.fingerprintHex());
                out.flush();
            }
            out.printf("registered %d schemas in %s%n", inputs.size(), r.url());
            out.flush();
            return 0;
        }
    }
}
