package io.planpulse.plan;

import io.planpulse.avro.PlanTarget;
import java.util.List;
import java.util.Map;

/** Plan targets to and from their record on planpulse.plan. */
public final class PlanCodec {
    private PlanCodec() {
    }

    public static PlanTarget toAvro(Target t) {
        return PlanTarget.newBuilder()
                .setYear(t.year()).setId(t.id()).setNameZh(t.nameZh()).setNameEn(t.nameEn())
                .setCategory(t.category()).setUnit(t.unit()).setKind(t.kind().wire())
                .setComparator(t.comparator().wire()).setTarget(t.target()).setScale(t.scale())
                .setBaseline(t.baseline()).setSchedule(t.schedule()).setParent(t.parent())
                .setSource(t.sourceWire()).setFilter(Map.copyOf(t.filter())).setOwner(t.owner())
                .setBinding(t.binding()).setTimezone(t.timezone()).setReportDeadlineDay(t.reportDeadlineDay())
                .setThresholdAhead(t.thresholds().ahead()).setThresholdLagging(t.thresholds().lagging())
                .setThresholdSeverelyLagging(t.thresholds().severelyLagging())
                .build();
    }

    public static Target fromAvro(PlanTarget p) {
        return new Target(p.getYear(), p.getId(), p.getNameZh(), p.getNameEn(), p.getCategory(), p.getUnit(),
                Kind.fromWire(p.getKind()), Comparator.fromWire(p.getComparator()), p.getTarget(), p.getScale(),
                p.getBaseline(), List.copyOf(p.getSchedule()), p.getParent(), Source.fromWire(p.getSource()),
                Map.copyOf(p.getFilter()), p.getOwner(), p.getBinding(), p.getTimezone(), p.getReportDeadlineDay(),
                new Thresholds(p.getThresholdAhead(), p.getThresholdLagging(), p.getThresholdSeverelyLagging()),
                Source.districtsTarget(p.getSource()));
    }
}
