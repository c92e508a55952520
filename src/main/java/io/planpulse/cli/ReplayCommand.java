package io.planpulse.cli;

import io.planpulse.app.Config;
import io.planpulse.app.Progress;
import io.planpulse.app.Replay;
import io.planpulse.app.TopicAdmin;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code replay}: JSON Lines files onto the input topics. */
@Command(name = "replay", description = "Produce JSON Lines event files onto the input topics.")
public final class ReplayCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "FILE")
    List<Path> files;
    @Mixin
    ClusterOptions cluster = new ClusterOptions();
    @Option(names = "--quiet", description = "No progress output.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        Inputs.checkFiles(files);
        Config config = cluster.config(Map.of());
        TopicAdmin.ensureTopics(config.clients(), config.getInt(Config.PARTITIONS), config.getInt(Config.REPLICATION));
        Replay.Result r = Replay.run(files, config.clients(), quiet ? Progress.quiet() : new Progress("replay", System.err),
                System.err);
        System.out.printf("replayed %d records, %d bad lines%n", r.sent(), r.badLines());
        return r.badLines() > 0 ? BadInput.EXIT_CODE : 0;
    }
}
