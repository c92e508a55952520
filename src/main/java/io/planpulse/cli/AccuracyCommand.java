package io.planpulse.cli;

import io.planpulse.accuracy.Accuracy;
import io.planpulse.plan.Plan;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code accuracy}: how good the year-end projection is, on simulated years (see {@link Accuracy}). */
@Command(name = "accuracy", description = "How good is the year-end projection? Simulates last year and the plan "
        + "year, projects every flow target at each month end with the schedule profile and with last year's "
        + "profile, and prints the mean absolute percentage error against the final actual.")
public final class AccuracyCommand implements Callable<Integer> {
    @Option(names = "--plan", description = "Plan file (default: the shipped 2025 plan).")
    Path planFile;
    @Option(names = "--seed", description = "Simulation seed (default ${DEFAULT-VALUE}).")
    long seed = 2025;

    @Override
    public Integer call() throws Exception {
        Plan plan = Inputs.plans(planFile == null ? List.of() : List.of(planFile)).get(0);
        Accuracy.print(Accuracy.compute(plan, seed), System.out);
        return 0;
    }
}
