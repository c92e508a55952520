package io.planpulse.kpi;

import io.planpulse.plan.Target;
import java.util.List;

/**
 * The evaluation of one target at one instant (CONTRACT sections 5 and 5b).
 *
 * @param projected           the year-end actual if the pattern so far holds, in the target's unit (null: no data,
 *                            or too early in the year to tell)
 * @param projectedCompletion projected / target (null when the target is 0 or unknown, or projected is null)
 * @param outlook             the projection read against the plan's thresholds (null when projected or the target
 *                            is null, and after the year ends)
 */
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
        long lastEventAt,
        Double projected,
        Double projectedCompletion,
        Outlook outlook) {

    /**
     * An early warning (CONTRACT section 5b): the year is heading off course although the target is not yet behind
     * its schedule.
     */
    public boolean earlyWarning() {
        return outlook == Outlook.OFF_COURSE && (status == Status.ON_TRACK || status == Status.AHEAD);
    }

    /** Equal in every evaluated figure (ignores when it was evaluated). */
    public boolean sameFigures(Kpi o) {
        return o != null && java.util.Objects.equals(target, o.target) && java.util.Objects.equals(actual, o.actual)
                && java.util.Objects.equals(completion, o.completion) && java.util.Objects.equals(expected, o.expected)
                && java.util.Objects.equals(gap, o.gap) && status == o.status && overdue == o.overdue
                && java.util.Objects.equals(dataThrough, o.dataThrough) && months.equals(o.months)
                && children.equals(o.children) && plan.equals(o.plan)
                && java.util.Objects.equals(projected, o.projected)
                && java.util.Objects.equals(projectedCompletion, o.projectedCompletion) && outlook == o.outlook;
    }
}
