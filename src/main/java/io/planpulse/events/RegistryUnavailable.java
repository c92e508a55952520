package io.planpulse.events;

/**
 * The schema registry gave no definite answer about a schema id (it could not be reached, timed out, or answered
 * anything but the schema or "no such schema"): the record is not bad input and must wait, not be rejected
 * (CONTRACT section 3). Unchecked, so that it passes through Kafka Streams to the stream thread's handler when a
 * record has waited as long as one poll interval allows.
 */
public final class RegistryUnavailable extends RuntimeException {
    public RegistryUnavailable(String detail) {
        super(detail);
    }

    public RegistryUnavailable(String detail, Throwable cause) {
        super(detail, cause);
    }

    /** Whether {@code t}, or one of its causes, is a RegistryUnavailable. */
    public static boolean in(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof RegistryUnavailable) {
                return true;
            }
        }
        return false;
    }
}
