package io.planpulse.cli;

import io.planpulse.app.Config;
import io.planpulse.app.PlanLoad;
import io.planpulse.app.TopicAdmin;
import io.planpulse.plan.Plan;
import io.planpulse.plan.PlanCatalog;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code plan load}: validates a plan file and publishes it as the new version of its year's plan. */
@Command(name = "load", description = "Validate a plan file and publish it to planpulse.plan (replacing that year's plan).")
public final class PlanLoadCommand implements Callable<Integer> {
    @Parameters(arity = "1", paramLabel = "FILE")
    Path file;
    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Override
    public Integer call() throws Exception {
        Config config = cluster.config(Map.of());
        Plan plan = Inputs.plans(List.of(file), config.zone()).get(0);
        if (!PlanCatalog.sameZone(config.zone(), plan.timezone())) {
            System.err.printf("%s: timezone %s is not the deployment's (planpulse.timezone = %s): the pipeline would "
                    + "refuse this version%n", file, plan.timezone(), config.zone().getId());
            return BadInput.EXIT_CODE;
        }
        String district = plan.districtOr(config.get(Config.DISTRICT));
        if (!io.planpulse.base.Districts.isAggregate(district)) {
            for (io.planpulse.plan.Target t : plan.targets()) {
                if (t.source() == io.planpulse.plan.Source.DISTRICTS) {
                    System.err.printf("%s: target '%s': a districts: source in the plan of %s, which covers no other "
                            + "district (name an aggregate district in the file, such as district: \"500000\"); the "
                            + "pipeline would refuse this version%n", file, t.id(), district);
                    return BadInput.EXIT_CODE;
                }
            }
        }
        TopicAdmin.ensureTopics(config.clients(), config.getInt(Config.PARTITIONS), config.getInt(Config.REPLICATION));
        PlanLoad.Published n = PlanLoad.publish(plan, config.clients(), file.getFileName().toString(),
                config.get(Config.DISTRICT));
        System.out.printf("plan %d of %s: version %s published with %d targets (%d records of older versions "
                + "removed)%n", plan.year(), district, n.version(), n.targets(), n.removed());
        return 0;
    }
}
