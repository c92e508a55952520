package io.planpulse.it;

import io.planpulse.app.Config;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The configuration of a planpulse instance in an integration test: one local broker, its own state, any free port. */
public final class TestConfigs {
    private TestConfigs() {
    }

    /**
     * Bootstrap servers, state dir, HTTP port 0 (any free one), replication factor 1 and commit.interval.ms 100
     * (stated, not left to the default); {@code extra} are further key, value pairs.
     */
    public static Config local(String bootstrap, Path state, String... extra) throws Exception {
        if (extra.length % 2 != 0) {
            throw new IllegalArgumentException("extra settings come in key, value pairs");
        }
        Map<String, String> flags = new HashMap<>();
        flags.put("bootstrap.servers", bootstrap);
        flags.put("state.dir", state.toString());
        flags.put(Config.HTTP_PORT, "0");
        flags.put("replication.factor", "1");
        flags.put("commit.interval.ms", "100");
        for (int i = 0; i < extra.length; i += 2) {
            flags.put(extra[i], extra[i + 1]);
        }
        return Config.load(null, Map.of(), flags);
    }
}
