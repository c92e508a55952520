package io.planpulse.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
        assertThat(r.output()).contains("3 inhibit rules").contains("8 receivers");
    }

    /**
     * The shipped routing tree, as amtool resolves it: districts first (each district's alerts reach its own receivers
     * only; the city's plan is a district of its own), departments inside Banan, and alerts without a district routed
     * as Banan's, as before districts.
     */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            district=500112 alertname=PlanTargetLagging owner=区商务委                          | yubei-plan-office
            district=500112 alertname=PlanTargetSeverelyLagging severity=critical owner=区商务委 | yubei-plan-office
            district=500113 alertname=PlanTargetLagging owner=区商务委                          | commerce
            district=500113 alertname=PlanTargetLagging owner=区发展改革委                        | development-reform
            district=500113 alertname=PlanTargetSeverelyLagging severity=critical owner=区商务委 | plan-office-pager,commerce
            district=500113 alertname=PlanReportOverdue owner=区科技局                          | plan-office
            district=500000 alertname=PlanTargetLagging owner=市商务委                          | city-plan-office
            district=500000 alertname=PlanTargetSeverelyLagging severity=critical owner=区商务委 | city-plan-office
            district=500103 alertname=PlanTargetLagging owner=区商务委                          | city-plan-office
            alertname=PlanTargetLagging owner=区商务委                                          | commerce
            alertname=PlanTargetSeverelyLagging severity=critical owner=区投资促进中心            | plan-office-pager,investment-promotion
            alertname=PlanTargetLagging owner=区科技局                                          | plan-office
            alertname=PlanpulseDown severity=critical                                         | platform-oncall
            """)
    void shouldRouteEachDistrictsAlertsToThatDistrictsReceivers(String labels, String receivers) throws Exception {
        List<String> command = new ArrayList<>(List.of("amtool", "config", "routes", "test",
                "--config.file=deploy/alertmanager/alertmanager.yml"));
        command.addAll(List.of(labels.trim().split("\\s+")));
        Tools.Result r = Tools.run(command.toArray(String[]::new));
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output().lines().filter(l -> !l.startsWith("Warning:")).toList()).containsExactly(receivers.trim());
    }

    @Test
    void shouldKeepOneDistrictsAlertFromInhibitingAnothers() throws Exception {
        // The same target severely lagging in the city and lagging in Banan: the city's alert must not hold Banan's
        // (DistrictsIT shows it with the real Alertmanager).
        JsonNode config = new ObjectMapper(new YAMLFactory()).readTree(Path.of("deploy/alertmanager/alertmanager.yml").toFile());
        for (JsonNode rule : config.path("inhibit_rules")) {
            if (rule.has("equal")) {
                List<String> equal = new ArrayList<>();
                rule.path("equal").forEach(e -> equal.add(e.asText()));
                assertThat(equal).as(rule.toString()).contains("district", "year", "indicator");
            }
        }
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
        assertThat(r.output()).contains("5 dashboards valid against @grafana/schema");
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
