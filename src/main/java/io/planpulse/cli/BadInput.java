package io.planpulse.cli;

/** A bad argument, input file or value: reported on stderr in one message, exit code {@link #EXIT_CODE}. */
public final class BadInput extends Exception {
    public static final int EXIT_CODE = 2;

    public BadInput(String message) {
        super(message, null, false, false);
    }
}
