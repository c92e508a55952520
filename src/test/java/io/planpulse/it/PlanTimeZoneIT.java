package io.planpulse.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.planpulse.Planpulse;
import io.planpulse.app.Config;
import io.planpulse.app.PipelineApp;
import io.planpulse.broker.EmbeddedBroker;
import io.planpulse.plan.PlanCatalog;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CONTRACT section 1, in a deployment whose zone is not the default: {@code plan load} of a plan that names no
 * {@code timezone} publishes it in the deployment's zone, and the pipeline applies it; a plan whose zone has the
 * deployment's rules under another name ({@code Asia/Chongqing} for {@code Asia/Shanghai}) is loaded too.
 */
class PlanTimeZoneIT {
    static final Clock CLOCK = Clock.fixed(OffsetDateTime.parse(Scenario.AS_OF).toInstant(), ZoneOffset.UTC);

    private static String testPlan() throws Exception {
        return new String(PlanTimeZoneIT.class.getResourceAsStream("/plans/test-2025.yaml").readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Runs {@code plan load} as a user would, with a configuration file; returns the exit code, output in {@code log}. */
    private static int planLoad(EmbeddedBroker broker, Path config, Path plan, StringWriter log) {
        var cl = Planpulse.commandLine();
        cl.setOut(new PrintWriter(log, true));
        cl.setErr(new PrintWriter(log, true));
        return cl.execute("plan", "load", "--bootstrap-servers", broker.bootstrapServers(), "--config",
                config.toString(), plan.toString());
    }

    @Test
    void shouldLoadAPlanWithoutTimezoneInTheDeploymentsZone(@TempDir Path dir) throws Exception {
        String plan = testPlan();
        assertThat(plan).doesNotContain("timezone");
        Path planFile = Files.writeString(dir.resolve("plan.yaml"), plan);
        Path config = Files.writeString(dir.resolve("berlin.properties"), Config.TIMEZONE + "=Europe/Berlin\n");
        try (EmbeddedBroker broker = EmbeddedBroker.start(null)) {
            StringWriter log = new StringWriter();
            assertThat(planLoad(broker, config, planFile, log)).as(log.toString()).isZero();
            Config berlin = TestConfigs.local(broker.bootstrapServers(), dir.resolve("state"), Config.TIMEZONE,
                    "Europe/Berlin");
            try (PipelineApp app = PipelineApp.start(berlin, CLOCK)) {
                app.awaitReady(Duration.ofMinutes(2));
                PlanCatalog.YearStatus status = app.catalog().statuses().get(0);
                assertThat(status.lastRefused()).as("refusal").isNull();
                assertThat(status.inForce()).isNotNull();
                assertThat(app.catalog().year(2025).targets()).allSatisfy(t ->
                        assertThat(t.zone().getId()).isEqualTo("Europe/Berlin"));
            }
        }
    }

    @Test
    void shouldLoadAPlanWhoseZoneHasTheDeploymentsRulesUnderAnotherName(@TempDir Path dir) throws Exception {
        Path planFile = Files.writeString(dir.resolve("plan.yaml"), "timezone: Asia/Chongqing\n" + testPlan());
        Path config = Files.writeString(dir.resolve("default.properties"), "# the default zone, Asia/Shanghai\n");
        try (EmbeddedBroker broker = EmbeddedBroker.start(null)) {
            StringWriter log = new StringWriter();
            assertThat(planLoad(broker, config, planFile, log)).as(log.toString()).isZero();
            Config shanghai = TestConfigs.local(broker.bootstrapServers(), dir.resolve("state"));
            try (PipelineApp app = PipelineApp.start(shanghai, CLOCK)) {
                app.awaitReady(Duration.ofMinutes(2));
                PlanCatalog.YearStatus status = app.catalog().statuses().get(0);
                assertThat(status.lastRefused()).as("refusal").isNull();
                assertThat(status.inForce()).isNotNull();
            }
        }
    }
}
