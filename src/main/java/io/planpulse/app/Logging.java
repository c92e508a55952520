package io.planpulse.app;

/**
 * The command line's logging is Log4j 2 behind slf4j, configured by {@code log4j2.xml} in the jar: per-logger
 * levels, and message filters that leave out the warnings Kafka's internals print during a normal start. Only the
 * choice of configuration is code: {@code --verbose} (on any command) takes {@code log4j2-verbose.xml} instead.
 */
public final class Logging {
    /** System property: true for everything, unfiltered, from INFO up. */
    public static final String VERBOSE = "planpulse.verbose";
    private static final String CONFIGURATION = "log4j2.configurationFile";

    private Logging() {
    }

    /** Chooses the configuration; call before anything logs (main does, first). An operator's own file wins. */
    public static void install(boolean verbose) {
        if (verbose) {
            System.setProperty(VERBOSE, "true");
        }
        // Named, not found: Log4j would take a log4j2.yaml of a dependency's before our log4j2.xml.
        if (System.getProperty(CONFIGURATION) == null) {
            System.setProperty(CONFIGURATION, verbose ? "log4j2-verbose.xml" : "log4j2.xml");
        }
    }

    public static boolean verbose() {
        return Boolean.getBoolean(VERBOSE);
    }
}
