package io.planpulse.importer;

/** A file that cannot be imported at all (not readable, not CSV or xlsx, no header): the message names the file. */
public final class BadFile extends Exception {
    public BadFile(String message) {
        super(message, null, false, false);
    }

    public BadFile(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
