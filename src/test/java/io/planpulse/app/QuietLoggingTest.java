package io.planpulse.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/**
 * The command line's logging leaves out the warnings Kafka's internals print during a normal start, matched by
 * logger and words, and keeps every other warning of the same loggers.
 */
class QuietLoggingTest {
    static final String METADATA = "[Consumer clientId=planpulse-1-StreamThread-1-consumer, groupId=planpulse] "
            + "The metadata response from the cluster reported a recoverable issue with correlation id {} : {}";

    @Test
    void shouldDropUnknownInternalTopicsWhileStreamsCreatesThemButKeepGenuineNetworkWarnings() {
        String out = log("org.apache.kafka.clients.NetworkClient", l -> {
            l.warn(METADATA, 2, sorted(Map.of("planpulse-kpi-input-hub-throughput-repartition", Errors.UNKNOWN_TOPIC_OR_PARTITION,
                    "planpulse-planpulse-journal-hub-throughput-changelog", Errors.UNKNOWN_TOPIC_OR_PARTITION)));
            l.warn(METADATA, 3, sorted(Map.of("planpulse.kpi", Errors.UNKNOWN_TOPIC_OR_PARTITION)));
            l.warn(METADATA, 4, sorted(Map.of("planpulse-kpi-input-hub-throughput-repartition", Errors.LEADER_NOT_AVAILABLE)));
            l.warn("[AdminClient clientId=adminclient-1] Connection to node -1 (localhost/127.0.0.1:9092) could not be "
                    + "established. Node may not be available.");
        });
        assertThat(out).doesNotContain("correlation id 2")
                .contains("correlation id 3 : {planpulse.kpi=UNKNOWN_TOPIC_OR_PARTITION}")
                .contains("correlation id 4 : {planpulse-kpi-input-hub-throughput-repartition=LEADER_NOT_AVAILABLE}")
                .contains("WARN NetworkClient - [AdminClient clientId=adminclient-1] Connection to node -1");
    }

    @Test
    void shouldDropTheOtherStartUpNoiseOnlyWhereItIsNoise() {
        assertThat(log("org.apache.kafka.streams.StreamsConfig", l -> {
            l.warn("Processing exception handler is not enabled for the GlobalThread. It's recommended to set ...");
            l.warn("Unrecognized config: some.typo");
        })).doesNotContain("GlobalThread").contains("Unrecognized config: some.typo");
        assertThat(log("org.apache.kafka.clients.consumer.internals.OffsetFetcherUtils", l ->
                l.warn("[Consumer clientId=x-global-consumer, groupId=null] Not updating last stable offset for "
                        + "partition {} as it is no longer assigned", "planpulse.plan-0"))).isEmpty();
        assertThat(log("org.apache.kafka.controller.QuorumController", l -> {
            l.warn("[QuorumController id=0] Performing controller activation. The metadata log appears to be empty. "
                    + "Appending {} bootstrap record(s)", 6);
            l.warn("[QuorumController id=0] Renouncing the leadership due to a metadata log event.");
        })).doesNotContain("appears to be empty").contains("Renouncing the leadership");
        assertThat(log("kafka.server.DefaultAutoTopicCreationManager", l -> {
            l.warn("Auto topic creation failed for __transaction_state with error 'TOPIC_ALREADY_EXISTS': Topic "
                    + "'__transaction_state' already exists.");
            l.warn("Auto topic creation failed for __consumer_offsets with error 'INVALID_REPLICATION_FACTOR': ...");
        })).doesNotContain("TOPIC_ALREADY_EXISTS").contains("INVALID_REPLICATION_FACTOR");
        assertThat(log("org.apache.kafka.streams.processor.internals.StateDirectory", l -> {
            l.warn("Using an OS temp directory in the state.dir property can cause failures ... Resolved state.dir: "
                    + "[/tmp/planpulse-demo123/state]");
            l.warn("Using an OS temp directory in the state.dir property can cause failures ... Resolved state.dir: "
                    + "[/tmp/planpulse-state]");
        })).doesNotContain("planpulse-demo123").contains("[/tmp/planpulse-state]");
    }

    @Test
    void shouldKeepErrorsAndTheirStackTraces() {
        String out = log("org.apache.kafka.clients.NetworkClient", l ->
                l.error("[Producer clientId=p] failed {} times", 3, new IllegalStateException("boom")));
        assertThat(out).contains("ERROR NetworkClient - [Producer clientId=p] failed 3 times")
                .contains("java.lang.IllegalStateException: boom").contains("\tat ");
    }

    @Test
    void shouldLeaveEveryOtherLoggerToSlf4jSimple() {
        assertThat(logger("org.apache.kafka.streams.processor.internals.StreamThread").getClass().getName())
                .isEqualTo("org.slf4j.simple.SimpleLogger");
        assertThat(logger("org.apache.kafka.clients.NetworkClient")).isInstanceOf(QuietLogging.Filtered.class);
    }

    @Test
    void shouldFilterNothingWithVerbose() {
        System.setProperty(QuietLogging.VERBOSE, "true");
        try {
            assertThat(logger("org.apache.kafka.clients.NetworkClient").getClass().getName())
                    .isEqualTo("org.slf4j.simple.SimpleLogger");
        } finally {
            System.clearProperty(QuietLogging.VERBOSE);
        }
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

    private static Logger logger(String name) {
        QuietLogging provider = new QuietLogging();
        provider.initialize();
        return provider.getLoggerFactory().getLogger(name);
    }

    /** What a logger of the command line's logging prints on stderr. */
    private static String log(String name, java.util.function.Consumer<Logger> calls) {
        Logger l = logger(name);
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            calls.accept(l);
        } finally {
            System.setErr(err);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
