package io.planpulse.app;

/** The HTTP port is in use, or the address is not this host's: a bad argument (exit code 2), said in one line. */
public final class CannotListen extends Exception {
    public CannotListen(String message) {
        super(message, null, false, false);
    }
}
