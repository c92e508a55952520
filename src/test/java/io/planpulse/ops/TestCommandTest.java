package io.planpulse.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's test command, {@code ./test}, on a fresh Debian machine: it installs exactly the missing packages
 * (with sudo when not root), stops the services they start, and only then runs {@code mvn -B verify}. apt-get, sudo,
 * dpkg-query, service, id and mvn are stand-ins on PATH that record their calls; nothing is installed.
 */
class TestCommandTest {
    static final List<String> ALL = List.of("prometheus", "prometheus-alertmanager", "docker-compose", "python3",
            "python3-confluent-kafka", "python3-avro", "chromium", "fonts-wqy-microhei");

    record Run(int exit, String stderr, List<String> calls) {
    }

    @Test
    void shouldInstallEverythingOnAFreshMachineStopTheServicesThenRunTheSuite(@TempDir Path dir) throws Exception {
        Run r = run(dir, "0", List.of(), true, "-Dit.test=DemoIT");
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.calls()).containsExactly(
                "apt-get update -qq DEBIAN_FRONTEND=",
                "apt-get install -y -qq --no-install-recommends " + String.join(" ", ALL) + " DEBIAN_FRONTEND=noninteractive",
                "service prometheus stop",
                "service prometheus-alertmanager stop",
                "mvn -B verify -Dit.test=DemoIT");
    }

    @Test
    void shouldInstallOnlyWhatIsMissingWithSudoWhenNotRoot(@TempDir Path dir) throws Exception {
        Run r = run(dir, "1000", List.of("prometheus-alertmanager", "docker-compose", "python3", "python3-confluent-kafka"),
                true);
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.calls()).containsExactly(
                "sudo apt-get update -qq",
                "apt-get update -qq DEBIAN_FRONTEND=",
                "sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus python3-avro chromium "
                        + "fonts-wqy-microhei",
                "apt-get install -y -qq --no-install-recommends prometheus python3-avro chromium fonts-wqy-microhei "
                        + "DEBIAN_FRONTEND=noninteractive",
                "sudo service prometheus stop",
                "service prometheus stop",
                "mvn -B verify");
    }

    @Test
    void shouldRunTheSuiteAtOnceWhenEverythingIsThere(@TempDir Path dir) throws Exception {
        Run r = run(dir, "1000", ALL, true);
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.calls()).containsExactly("mvn -B verify");
    }

    @Test
    void shouldStopBeforeAnyTestWithOneLineSayingWhatToRunWhenItCannotInstall(@TempDir Path dir) throws Exception {
        Run r = run(dir, "1000", List.of("prometheus", "python3"), false);
        assertThat(r.exit()).isNotZero();
        assertThat(r.calls()).isEmpty();
        assertThat(r.stderr().strip().lines()).containsExactly("test: missing Debian packages; as root run: apt-get install "
                + "--no-install-recommends prometheus-alertmanager docker-compose python3-confluent-kafka python3-avro chromium "
                + "fonts-wqy-microhei");
    }

    @Test
    void shouldBeWhatCiRunsAndWhatTheReadmeSays() throws Exception {
        List<String> ci = Files.readAllLines(Tools.ROOT.resolve(".ci/run")).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        assertThat(ci.get(ci.size() - 1)).isEqualTo("exec ./test");
        String readme = Files.readString(Tools.ROOT.resolve("README.md"));
        assertThat(readme).contains("Run the tests:\n\n```\n./test\n```");
        assertThat(Files.isExecutable(Tools.ROOT.resolve("test"))).isTrue();
    }

    /** Runs ./test with stand-ins on PATH: uid {@code uid}, these packages installed, sudo present or not. */
    private static Run run(Path dir, String uid, List<String> installed, boolean sudo, String... args) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path log = dir.resolve("calls.log");
        Files.createFile(log);
        String bash = which("bash");
        for (String tool : List.of("bash", "env", "dirname", "grep")) {
            stub(bin, tool, bash, "exec " + which(tool) + " \"$@\"\n");
        }
        String record = "echo \"$(basename \"$0\") $*\" >> " + log + "\n";
        stub(bin, "basename", bash, "echo \"${1##*/}\"\n");
        stub(bin, "id", bash, "echo " + uid + "\n");
        stub(bin, "dpkg-query", bash, "case \" " + String.join(" ", installed)
                + " \" in *\" ${@: -1} \"*) printf 'install ok installed' ;; *) exit 1 ;; esac\n");
        stub(bin, "apt-get", bash, "echo \"apt-get $* DEBIAN_FRONTEND=${DEBIAN_FRONTEND:-}\" >> " + log + "\n");
        stub(bin, "service", bash, record);
        stub(bin, "mvn", bash, record);
        stub(bin, "npm", bash, "exit 0\n");
        if (sudo) {
            stub(bin, "sudo", bash, record + "exec \"$@\"\n");
        }
        List<String> command = new ArrayList<>(List.of(bash, Tools.ROOT.resolve("test").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile());
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("PATH", bin.toString());
        env.put("HOME", dir.toString());
        Process p = pb.start();
        assertThat(p.waitFor(1, TimeUnit.MINUTES)).isTrue();
        return new Run(p.exitValue(), Files.readString(dir.resolve("err.txt")), Files.readAllLines(log));
    }

    private static void stub(Path bin, String name, String bash, String body) throws IOException {
        Path f = bin.resolve(name);
        Files.writeString(f, "#!" + bash + "\n" + body, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static String which(String tool) {
        for (String d : System.getenv("PATH").split(":")) {
            Path p = Path.of(d, tool);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new IllegalStateException(tool + " not on PATH");
    }
}
