package io.planpulse.cli;

import io.planpulse.app.Shutdown;
import io.planpulse.broker.StandaloneBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code broker}: a standalone single-node KRaft broker for development. */
@Command(name = "broker", description = "A standalone single-node KRaft broker for development, without Docker.")
public final class BrokerCommand implements Callable<Integer> {
    @Option(names = "--port", description = "Client port (default ${DEFAULT-VALUE}).")
    int port = 9092;
    @Option(names = "--data-dir", description = "Persistent data directory (default: ./planpulse-broker-data).")
    Path dataDir = Path.of("planpulse-broker-data");

    @Override
    public Integer call() throws Exception {
        Files.createDirectories(dataDir);
        Shutdown shutdown = new Shutdown();
        try (StandaloneBroker broker = StandaloneBroker.start(port, dataDir)) {
            awaitReachable(broker.bootstrapServers());
            System.out.println("broker ready " + broker.bootstrapServers() + " (data in " + dataDir.toAbsolutePath() + ")");
            System.out.flush();
            shutdown.await();
        } finally {
            shutdown.finished();
        }
        return 0;
    }

    /** The broker answers a client (its listener is up and it has joined its own quorum). */
    static void awaitReachable(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.describeCluster().nodes().get(2, TimeUnit.MINUTES);
        }
    }
}
