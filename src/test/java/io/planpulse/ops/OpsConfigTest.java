package io.planpulse.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operations files, checked by the real tools: promtool, amtool, docker-compose and @grafana/schema. */
class OpsConfigTest {

    @Test
    void shouldPassPromtoolChecksOnTheRules() throws Exception {
        Tools.Result r = Tools.run("promtool", "check", "rules", "deploy/prometheus/rules/planpulse.yml");
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS: 14 rules found");
    }

    @Test
    void shouldPassEveryAlertUnitTestFiringAndNotFiring() throws Exception {
        Tools.Result r = Tools.run("promtool", "test", "rules", "deploy/prometheus/tests/planpulse.test.yml");
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS");
    }

    @Test
    void shouldFailTheAlertUnitTestsWhenAnExpectationIsWrong(@TempDir Path dir) throws Exception {
        Path tests = dir.resolve("tests");
        Files.createDirectories(tests);
        Files.createDirectories(dir.resolve("rules"));
        Files.copy(Path.of("deploy/prometheus/rules/planpulse.yml"), dir.resolve("rules/planpulse.yml"));
        String wrong = Files.readString(Path.of("deploy/prometheus/tests/planpulse.test.yml"))
                .replace("description: \"kp_gov_001: completion 30%, expected 40%, gap -10%. Owner: 区发展改革委.\"",
                        "description: \"kp_gov_001: completion 31%, expected 40%, gap -10%. Owner: 区发展改革委.\"")
                .replace("      - eval_time: 29m\n        alertname: PlanTargetLagging\n        exp_alerts: []",
                        "      - eval_time: 29m\n        alertname: PlanTargetLagging\n        exp_alerts:\n          - exp_labels: {severity: warning}");
        Files.writeString(tests.resolve("wrong.test.yml"), wrong);
        Tools.Result r = Tools.run(dir, "promtool", "test", "rules", "tests/wrong.test.yml");
        assertThat(r.exit()).as(r.output()).isNotZero();
        assertThat(r.output()).contains("FAILED").contains("completion 31%").contains("time: 29m");
    }

    @Test
    void shouldAcceptTheAlertmanagerConfiguration() throws Exception {
        Tools.Result r = Tools.run("amtool", "check-config", "deploy/alertmanager/alertmanager.yml");
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("3 inhibit rules").contains("6 receivers");
    }

    @Test
    void shouldValidateTheComposeFile() throws Exception {
        Tools.Result r = Tools.run("docker-compose", "-f", "docker-compose.yml", "config", "-q");
        assertThat(r.exit()).as(r.output()).isZero();
        Tools.Result services = Tools.run("docker-compose", "-f", "docker-compose.yml", "config", "--services");
        assertThat(services.output().lines()).contains("kafka", "planpulse", "simulator", "prometheus", "alertmanager",
                "grafana", "notify-relay");
    }

    @Test
    void shouldValidateEveryDashboardAgainstTheGrafanaSchema() throws Exception {
        Tools.Result r = Tools.run(Path.of("deploy/grafana/validate"), "node", "validate.mjs");
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("4 dashboards valid against @grafana/schema");
    }

    @Test
    void shouldRefuseADashboardThatBreaksTheSchema(@TempDir Path dir) throws Exception {
        String board = Files.readString(Path.of("deploy/grafana/dashboards/planpulse-overview.json"))
                .replaceFirst("\"graphTooltip\": 1", "\"graphTooltip\": \"shared\"");
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, board);
        Tools.Result r = Tools.run(Path.of("deploy/grafana/validate"), "node", "validate.mjs", bad.toString());
        assertThat(r.exit()).as(r.output()).isNotZero();
        assertThat(r.output()).contains("bad.json").contains("not assignable");
    }
}
