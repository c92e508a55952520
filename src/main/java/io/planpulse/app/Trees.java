package io.planpulse.app;

import java.nio.file.Files;
import java.nio.file.Path;

/** Directory trees the commands make for a run (demo's state, bench's work directory). */
public final class Trees {
    private Trees() {
    }

    /** Deletes a directory and everything under it, best effort. */
    public static void deleteTree(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException ignored) {
            // best effort: a temporary directory
        }
    }
}
