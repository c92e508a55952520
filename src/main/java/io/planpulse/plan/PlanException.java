package io.planpulse.plan;

import java.util.List;

/** A plan file that breaks the rules of CONTRACT section 2; it is refused as a whole. */
public final class PlanException extends Exception {
    private final List<String> problems;

    public PlanException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    /** Each problem as "file:line: rule". */
    public List<String> problems() {
        return problems;
    }
}
