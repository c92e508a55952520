package io.planpulse.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the bench again, {@code --no-fork}, in a new JVM whose heap is fixed and touched in full at start. A JVM
 * that grows its heap as it goes faults in and zeroes fresh pages inside the timed passes: on this 2-core machine
 * that was 8 to 17 % of the stream threads' time (perf: clear_page_erms under the Java allocation paths) and moved
 * a pass's rate by a third from one JVM to the next.
 */
public final class Fork {
    /** The command line the fork runs as {@code planpulse bench} (by name: the bench does not depend on it). */
    static final String MAIN = "io.planpulse.Planpulse";

    private Fork() {
    }

    /**
     * Runs {@code planpulse bench} with {@code args} (the bench command's own arguments, {@code --fork} in any form
     * left out, {@code --no-fork} added) in a JVM of {@code heap}, and returns its exit code.
     */
    public static int run(String heap, List<String> args) throws Exception {
        String javaBin = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = command(javaBin, heap, System.getProperty("java.class.path"), args);
        System.err.println("bench: running in a new JVM with -Xms" + heap + " -Xmx" + heap
                + " -XX:+AlwaysPreTouch (--no-fork runs in this one)");
        Process child = new ProcessBuilder(cmd).inheritIO().start();
        Thread stop = new Thread(child::destroy, "bench-fork-stop");
        Runtime.getRuntime().addShutdownHook(stop);
        try {
            return child.waitFor();
        } finally {
            Runtime.getRuntime().removeShutdownHook(stop);
        }
    }

    /** The forked JVM's command line. */
    static List<String> command(String javaBin, String heap, String classPath, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(javaBin, "-Xms" + heap, "-Xmx" + heap, "-XX:+AlwaysPreTouch",
                "-cp", classPath, MAIN, "bench"));
        for (String a : args) {
            if (!a.equals("--fork") && !a.startsWith("--fork=")) {
                cmd.add(a);
            }
        }
        cmd.add("--no-fork");
        return cmd;
    }
}
