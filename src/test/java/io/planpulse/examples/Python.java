package io.planpulse.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The Python that runs examples/python: {@code PLANPULSE_PYTHON} if set, else the first of Debian's
 * {@code /usr/bin/python3} and the {@code python3} on the PATH that imports confluent_kafka and avro. There is no
 * skipping: without one, the test fails and says what to install.
 */
public final class Python {
    public static final Path EXAMPLES = Path.of("examples", "python").toAbsolutePath();
    private static String interpreter;

    private Python() {
    }

    public static synchronized String interpreter() {
        if (interpreter != null) {
            return interpreter;
        }
        Set<String> candidates = new LinkedHashSet<>();
        String configured = System.getenv("PLANPULSE_PYTHON");
        if (configured != null && !configured.isBlank()) {
            candidates.add(configured);
        } else {
            candidates.add("/usr/bin/python3");
            candidates.add("python3");
        }
        List<String> tried = new ArrayList<>();
        for (String c : candidates) {
            try {
                Result r = run(c, List.of("-c", "import confluent_kafka, avro"), Path.of("."), 60);
                if (r.exit() == 0) {
                    interpreter = c;
                    return c;
                }
                tried.add(c + ": " + r.output().strip());
            } catch (IOException e) {
                tried.add(c + ": " + e.getMessage());
            }
        }
        throw new AssertionError("no Python with confluent_kafka and avro for examples/python (tried " + tried + "). "
                + "On Debian: apt-get install python3-confluent-kafka python3-avro; elsewhere: pip install -r "
                + "examples/python/requirements.txt, then PLANPULSE_PYTHON=that python3");
    }

    public record Result(int exit, String output) {
    }

    /** Runs an example script (in examples/python) with the interpreter; stdout and stderr together. */
    public static Result example(String script, String... args) throws IOException, InterruptedException {
        List<String> a = new ArrayList<>();
        a.add(EXAMPLES.resolve(script).toString());
        a.addAll(List.of(args));
        return run(interpreter(), a, EXAMPLES, 180);
    }

    /** Runs Python code from a file written into {@code dir}. */
    public static Result code(Path dir, String name, String code) throws IOException, InterruptedException {
        Path f = dir.resolve(name);
        Files.writeString(f, code, StandardCharsets.UTF_8);
        return run(interpreter(), List.of(f.toString()), EXAMPLES, 180);
    }

    private static Result run(String python, List<String> args, Path dir, int seconds) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(python);
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("PYTHONPATH", EXAMPLES.toString());
        pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        Process p = pb.start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, new String(out, StandardCharsets.UTF_8) + "\n(timed out)");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
