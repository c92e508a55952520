package io.planpulse.cli;

import io.planpulse.app.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Connection options shared by the commands that talk to a cluster. */
final class ClusterOptions {
    @Option(names = "--bootstrap-servers", description = "Kafka bootstrap servers (or PLANPULSE_BOOTSTRAP_SERVERS).")
    String bootstrap;
    @Option(names = "--config", description = "Properties file: Kafka client/Streams keys and planpulse.* keys.")
    Path configFile;

    Config config(Map<String, String> flags) throws Exception {
        return config(flags, true);
    }

    /** The configuration; a command that can work without a cluster passes {@code clusterRequired} false. */
    Config config(Map<String, String> flags, boolean clusterRequired) throws Exception {
        if (configFile != null && !Files.isReadable(configFile)) {
            throw new BadInput(configFile + ": no such file or not readable");
        }
        Map<String, String> f = new HashMap<>(flags);
        f.put("bootstrap.servers", bootstrap);
        Config c = Config.load(configFile, System.getenv(), f);
        if (clusterRequired && c.get("bootstrap.servers") == null) {
            throw new BadInput("--bootstrap-servers (or PLANPULSE_BOOTSTRAP_SERVERS) is required");
        }
        return c;
    }
}
