package io.planpulse.cli;

import io.planpulse.app.Shutdown;
import io.planpulse.notify.NotifyRelay;
import io.planpulse.notify.RelayConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code planpulse notify-relay}: Alertmanager's webhook to DingTalk and Feishu group robots (docs/chat-alerts.md). */
@Command(name = "notify-relay", description = "Relay Alertmanager's webhook notifications to DingTalk (钉钉) and "
        + "Feishu (飞书) group robots as signed Chinese messages. Prints `ready URL` once it listens.")
public final class NotifyRelayCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE",
            description = "Routes: path -> robot kind, webhook URL and signing secret (from a file or a variable).")
    Path config;
    @Option(names = "--port", description = "Port, 0 for any free port (default ${DEFAULT-VALUE}).")
    int port = 9095;
    @Option(names = "--host", description = "Address to bind (default ${DEFAULT-VALUE}).")
    String host = "127.0.0.1";

    @Override
    public Integer call() throws Exception {
        if (!Files.isReadable(config)) {
            throw new BadInput(config + ": no such file or not readable");
        }
        RelayConfig relayConfig;
        try {
            relayConfig = RelayConfig.load(config, System.getenv());
        } catch (IllegalArgumentException | IOException e) {
            throw new BadInput(e.getMessage());
        }
        Shutdown shutdown = new Shutdown();
        try (NotifyRelay relay = NotifyRelay.start(relayConfig, host, port, NotifyRelay.defaultClient(), Clock.systemUTC())) {
            System.out.println("ready " + relay.url());
            System.out.flush();
            shutdown.await();
        } finally {
            shutdown.finished();
        }
        return 0;
    }
}
