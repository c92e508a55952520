package io.planpulse.app;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.simple.SimpleLoggerFactory;
import org.slf4j.simple.SimpleServiceProvider;

/**
 * slf4j-simple (levels per logger in {@code simplelogger.properties}) less the warnings Kafka's internals print
 * during a normal start, which are not problems: the command line's logging. Each one is matched by its logger and
 * its words, not by its logger alone, so the same loggers' other warnings still show (a broker that cannot be
 * reached, a topic of planpulse's own that is missing, a state directory in /tmp for {@code run}):
 * <ul>
 *   <li>NetworkClient: UNKNOWN_TOPIC_OR_PARTITION for Kafka Streams' internal topics ({@code -repartition},
 *       {@code -changelog}) only, while Streams creates them;</li>
 *   <li>StreamsConfig: "Processing exception handler is not enabled for the GlobalThread", which Kafka logs for its
 *       assignor's copy of the configuration although planpulse enables it ({@link PipelineApp#streamsDefaults()});</li>
 *   <li>OffsetFetcherUtils: "Not updating last stable offset for partition ... as it is no longer assigned", an
 *       answer arriving after its partition moved;</li>
 *   <li>QuorumController: "The metadata log appears to be empty", a new broker's first start (demo, bench);</li>
 *   <li>DefaultAutoTopicCreationManager: TOPIC_ALREADY_EXISTS for a broker-internal topic ({@code __transaction_state},
 *       {@code __consumer_offsets}) that two clients asked for at once: it exists, which is what both wanted;</li>
 *   <li>StateDirectory: "Using an OS temp directory", for {@code demo}'s own temporary directory only.</li>
 * </ul>
 * {@code --verbose} (on any command) turns the filter off and lowers the default level to INFO.
 */
public final class QuietLogging extends SimpleServiceProvider {
    /** System property: true for everything, unfiltered, from INFO up. */
    public static final String VERBOSE = "planpulse.verbose";

    private ILoggerFactory factory;

    /** Makes this the logging of the process; call before anything logs (main does, first). */
    public static void install(boolean verbose) {
        if (System.getProperty("slf4j.provider") == null) {
            System.setProperty("slf4j.provider", QuietLogging.class.getName());
        }
        // SLF4J announces an explicitly chosen provider at INFO ("SLF4J(I): Attempting to load provider ...").
        if (System.getProperty("slf4j.internal.verbosity") == null) {
            System.setProperty("slf4j.internal.verbosity", "WARN");
        }
        if (verbose) {
            System.setProperty(VERBOSE, "true");
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
        }
    }

    public static boolean verbose() {
        return Boolean.getBoolean(VERBOSE);
    }

    @Override
    public void initialize() {
        super.initialize();
        factory = verbose() ? new SimpleLoggerFactory() : new QuietFactory();
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return factory;
    }

    /** Is this log call one of the known harmless warnings of a normal start? */
    static boolean noise(String logger, Level level, String message, Object[] args) {
        if (level != Level.WARN || message == null) {
            return false;
        }
        switch (logger) {
            case "org.apache.kafka.clients.NetworkClient":
                return message.contains("The metadata response from the cluster reported a recoverable issue")
                        && args != null && args.length > 0 && args[args.length - 1] instanceof Map<?, ?> errors
                        && !errors.isEmpty() && errors.entrySet().stream().allMatch(e ->
                                String.valueOf(e.getValue()).equals("UNKNOWN_TOPIC_OR_PARTITION")
                                && (String.valueOf(e.getKey()).endsWith("-repartition")
                                || String.valueOf(e.getKey()).endsWith("-changelog")));
            case "org.apache.kafka.streams.StreamsConfig":
                return message.startsWith("Processing exception handler is not enabled for the GlobalThread");
            case "org.apache.kafka.clients.consumer.internals.OffsetFetcherUtils":
                return message.contains("Not updating last stable offset for partition")
                        && message.contains("as it is no longer assigned");
            case "org.apache.kafka.controller.QuorumController":
                return message.contains("The metadata log appears to be empty");
            case "kafka.server.DefaultAutoTopicCreationManager":
                return message.contains("Auto topic creation failed for __")
                        && message.contains("with error 'TOPIC_ALREADY_EXISTS'");
            case "org.apache.kafka.streams.processor.internals.StateDirectory":
                return message.contains("Using an OS temp directory in the state.dir property")
                        && message.contains("/planpulse-demo");
            default:
                return false;
        }
    }

    private static final class QuietFactory extends SimpleLoggerFactory {
        private static final java.util.Set<String> FILTERED = java.util.Set.of("org.apache.kafka.clients.NetworkClient",
                "org.apache.kafka.streams.StreamsConfig", "org.apache.kafka.clients.consumer.internals.OffsetFetcherUtils",
                "org.apache.kafka.controller.QuorumController", "kafka.server.DefaultAutoTopicCreationManager",
                "org.apache.kafka.streams.processor.internals.StateDirectory");
        private final Map<String, Logger> filtered = new ConcurrentHashMap<>();

        @Override
        public Logger getLogger(String name) {
            Logger simple = super.getLogger(name);
            return FILTERED.contains(name) ? filtered.computeIfAbsent(name, n -> new Filtered(simple)) : simple;
        }
    }

    /** A logger that drops the known noise and hands everything else to slf4j-simple's. */
    static final class Filtered extends AbstractLogger {
        private final Logger delegate;

        Filtered(Logger delegate) {
            this.delegate = delegate;
            this.name = delegate.getName();
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String message, Object[] args,
                                                   Throwable throwable) {
            if (noise(name, level, message, args)) {
                return;
            }
            Object[] all = args;
            if (throwable != null) {
                all = args == null ? new Object[1] : java.util.Arrays.copyOf(args, args.length + 1);
                all[all.length - 1] = throwable;
            }
            switch (level) {
                case ERROR -> delegate.error(message, all);
                case WARN -> delegate.warn(message, all);
                case INFO -> delegate.info(message, all);
                case DEBUG -> delegate.debug(message, all);
                default -> delegate.trace(message, all);
            }
        }

        @Override
        public boolean isTraceEnabled() {
            return delegate.isTraceEnabled();
        }

        @Override
        public boolean isTraceEnabled(Marker marker) {
            return delegate.isTraceEnabled();
        }

        @Override
        public boolean isDebugEnabled() {
            return delegate.isDebugEnabled();
        }

        @Override
        public boolean isDebugEnabled(Marker marker) {
            return delegate.isDebugEnabled();
        }

        @Override
        public boolean isInfoEnabled() {
            return delegate.isInfoEnabled();
        }

        @Override
        public boolean isInfoEnabled(Marker marker) {
            return delegate.isInfoEnabled();
        }

        @Override
        public boolean isWarnEnabled() {
            return delegate.isWarnEnabled();
        }

        @Override
        public boolean isWarnEnabled(Marker marker) {
            return delegate.isWarnEnabled();
        }

        @Override
        public boolean isErrorEnabled() {
            return delegate.isErrorEnabled();
        }

        @Override
        public boolean isErrorEnabled(Marker marker) {
            return delegate.isErrorEnabled();
        }
    }
}
