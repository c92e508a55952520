package io.planpulse.kpi;

import io.planpulse.plan.Target;
import java.util.List;

/** The evaluation of one target at one instant (CONTRACT section 5). */
public record Kpi(
        Target plan,
        Double target,
        Double actual,
        Double completion,
        Double expected,
        Double gap,
        Status status,
        boolean overdue,
        String dataThrough,
        List<MonthPoint> months,
        List<String> children,
        long lastEventAt) {

    /** Equal in every evaluated figure (ignores when it was evaluated). */
    public boolean sameFigures(Kpi o) {
        return o != null && java.util.Objects.equals(target, o.target) && java.util.Objects.equals(actual, o.actual)
                && java.util.Objects.equals(completion, o.completion) && java.util.Objects.equals(expected, o.expected)
                && java.util.Objects.equals(gap, o.gap) && status == o.status && overdue == o.overdue
                && java.util.Objects.equals(dataThrough, o.dataThrough) && months.equals(o.months)
                && children.equals(o.children) && plan.equals(o.plan);
    }
}
