package io.planpulse.cli;

import picocli.CommandLine.Command;

/** {@code plan}: the plan catalogue's commands ({@code plan load}, {@code plan validate}). */
@Command(name = "plan", description = "Plan catalogue commands.",
        subcommands = {PlanLoadCommand.class, PlanValidateCommand.class})
public final class PlanCommand {
}
