package io.planpulse.cli;

import io.planpulse.plan.Plan;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code plan validate}: checks a plan file without publishing it. */
@Command(name = "validate", description = "Validate a plan file without publishing it.")
public final class PlanValidateCommand implements Callable<Integer> {
    @Parameters(arity = "1", paramLabel = "FILE")
    Path file;

    @Override
    public Integer call() throws Exception {
        Plan plan = Inputs.plans(List.of(file)).get(0);
        System.out.printf("%s: plan %d is valid (%d targets)%n", file, plan.year(), plan.targets().size());
        return 0;
    }
}
