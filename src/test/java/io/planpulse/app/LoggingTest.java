package io.planpulse.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.kafka.common.protocol.Errors;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.Test;

/**
 * The shipped logging configuration (log4j2.xml) leaves out the warnings Kafka's internals print during a normal
 * start, matched by logger and words, and keeps every other warning of the same loggers; the verbose one keeps all.
 */
class LoggingTest {
    static final String METADATA = "[Consumer clientId=planpulse-1-StreamThread-1-consumer, groupId=planpulse] "
            + "The metadata response from the cluster reported a recoverable issue with correlation id {} : {}";

    @Test
    void shouldDropUnknownInternalTopicsWhileStreamsCreatesThemButKeepGenuineNetworkWarnings() {
        String out = log("log4j2.xml", "org.apache.kafka.clients.NetworkClient", l -> {
            l.warn(METADATA, 2, sorted(Map.of("planpulse-kpi-input-hub-throughput-repartition", Errors.UNKNOWN_TOPIC_OR_PARTITION,
                    "planpulse-planpulse-journal-hub-throughput-changelog", Errors.UNKNOWN_TOPIC_OR_PARTITION)));
            l.warn(METADATA, 3, sorted(Map.of("planpulse.kpi", Errors.UNKNOWN_TOPIC_OR_PARTITION)));
            l.warn(METADATA, 4, sorted(Map.of("planpulse-kpi-input-hub-throughput-repartition", Errors.LEADER_NOT_AVAILABLE)));
            l.warn(METADATA, 5, sorted(Map.of("planpulse-kpi-input-hub-throughput-repartition", Errors.UNKNOWN_TOPIC_OR_PARTITION,
                    "planpulse.kpi", Errors.UNKNOWN_TOPIC_OR_PARTITION)));
            l.warn("[AdminClient clientId=adminclient-1] Connection to node -1 (localhost/127.0.0.1:9092) could not be "
                    + "established. Node may not be available.");
        });
        assertThat(out).doesNotContain("correlation id 2")
                .contains("correlation id 3 : {planpulse.kpi=UNKNOWN_TOPIC_OR_PARTITION}")
                .contains("correlation id 4 : {planpulse-kpi-input-hub-throughput-repartition=LEADER_NOT_AVAILABLE}")
                .contains("correlation id 5 : ")
                .contains("WARN NetworkClient - [AdminClient clientId=adminclient-1] Connection to node -1");
    }

    @Test
    void shouldDropTheOtherStartUpNoiseOnlyWhereItIsNoise() {
        assertThat(log("log4j2.xml", "org.apache.kafka.streams.StreamsConfig", l -> {
            l.warn("Processing exception handler is not enabled for the GlobalThread. It's recommended to set ...");
            l.warn("Unrecognized config: some.typo");
        })).doesNotContain("GlobalThread").contains("Unrecognized config: some.typo");
        assertThat(log("log4j2.xml", "org.apache.kafka.clients.consumer.internals.OffsetFetcherUtils", l ->
                l.warn("[Consumer clientId=x-global-consumer, groupId=null] Not updating last stable offset for "
                        + "partition {} as it is no longer assigned", "planpulse.plan-0"))).isEmpty();
        assertThat(log("log4j2.xml", "org.apache.kafka.controller.QuorumController", l -> {
            l.warn("[QuorumController id=0] Performing controller activation. The metadata log appears to be empty. "
                    + "Appending {} bootstrap record(s)", 6);
            l.warn("[QuorumController id=0] Renouncing the leadership due to a metadata log event.");
        })).doesNotContain("appears to be empty").contains("Renouncing the leadership");
        assertThat(log("log4j2.xml", "kafka.server.DefaultAutoTopicCreationManager", l -> {
            l.warn("Auto topic creation failed for __transaction_state with error 'TOPIC_ALREADY_EXISTS': Topic "
                    + "'__transaction_state' already exists.");
            l.warn("Auto topic creation failed for __consumer_offsets with error 'INVALID_REPLICATION_FACTOR': ...");
        })).doesNotContain("TOPIC_ALREADY_EXISTS").contains("INVALID_REPLICATION_FACTOR");
        assertThat(log("log4j2.xml", "org.apache.kafka.streams.processor.internals.StateDirectory", l -> {
            l.warn("Using an OS temp directory in the state.dir property can cause failures ... Resolved state.dir: "
                    + "[/tmp/planpulse-demo123/state]");
            l.warn("Using an OS temp directory in the state.dir property can cause failures ... Resolved state.dir: "
                    + "[/tmp/planpulse-state]");
        })).doesNotContain("planpulse-demo123").contains("[/tmp/planpulse-state]");
    }

    @Test
    void shouldKeepErrorsAndTheirStackTraces() {
        String out = log("log4j2.xml", "org.apache.kafka.clients.NetworkClient", l ->
                l.error("[Producer clientId=p] failed {} times", 3, new IllegalStateException("boom")));
        assertThat(out).contains("ERROR NetworkClient - [Producer clientId=p] failed 3 times")
                .contains("java.lang.IllegalStateException: boom").contains("\tat ");
    }

    @Test
    void shouldShowPlanpulsesInfoAndOnlyWarningsOfOthers() {
        assertThat(log("log4j2.xml", "io.planpulse.app.PipelineApp", l -> l.info("started"))).contains("INFO PipelineApp - started");
        assertThat(log("log4j2.xml", "org.apache.kafka.streams.processor.internals.StreamThread", l -> l.info("rebalancing")))
                .isEmpty();
    }

    @Test
    void shouldFilterNothingWithVerbose() {
        String out = log("log4j2-verbose.xml", "org.apache.kafka.controller.QuorumController", l -> {
            l.warn("[QuorumController id=0] The metadata log appears to be empty.");
            l.info("[QuorumController id=0] Becoming the active controller");
        });
        assertThat(out).contains("appears to be empty").contains("Becoming the active controller");
    }

    @Test
    void shouldTakeVerboseOnEveryCommand() {
        for (String[] args : List.of(new String[] {"demo", "--verbose", "--no-simulate"},
                new String[] {"run", "--verbose", "--bootstrap-servers", "x:1"}, new String[] {"--verbose", "broker"},
                new String[] {"plan", "validate", "--verbose", "f.yaml"})) {
            assertThat(io.planpulse.Planpulse.commandLine().parseArgs(args).hasSubcommand()).isTrue();
        }
    }

    private static Map<String, Errors> sorted(Map<String, Errors> m) {
        return new TreeMap<>(m);
    }

    /** What a logger prints on stderr under one of the shipped configurations (a context of its own). */
    private static String log(String configuration, String name, Consumer<Logger> calls) {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        LoggerContext context;
        try {
            context = Configurator.initialize("logging-test-" + configuration, null,
                    LoggingTest.class.getClassLoader().getResource(configuration).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        try {
            calls.accept(context.getLogger(name));
        } finally {
            Configurator.shutdown(context);
            System.setErr(err);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
