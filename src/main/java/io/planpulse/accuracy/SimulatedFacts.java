package io.planpulse.accuracy;

import io.planpulse.avro.HubThroughput;
import io.planpulse.avro.IndicatorReport;
import io.planpulse.avro.ProjectProgress;
import io.planpulse.avro.TradeDeclaration;
import io.planpulse.avro.TruckDeparture;
import io.planpulse.kpi.Decimals;
import io.planpulse.events.JsonEvents;
import io.planpulse.kpi.TargetData;
import io.planpulse.plan.Source;
import io.planpulse.base.Stream;
import io.planpulse.plan.Target;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Events held as the facts of CONTRACT section 3, without Kafka, and what a target's definition selects of them
 * (section 4): flow events by the month of their own time in the plan's zone, counted or summed exactly (the
 * decimal of each amount, as the pipeline sums them) after the target's {@code filter}; reports as the report in
 * force per (subject, period): the latest {@code reported_at}, the greater {@code report_id} between equal ones.
 * The amounts stay in event units: {@link io.planpulse.kpi.KpiEngine} divides by the target's {@code scale}.
 *
 * <p>Every question is asked "as of" an instant: a flow event counts once its time has come, a report once it
 * has been reported.
 */
public final class SimulatedFacts {
    /** A flow event: its stream's dimension values (in {@link Stream#dimensions()} order) and measures. */
    private record Flow(int year, int month, long at, String[] dims, BigDecimal[] measures) {
    }

    /** A monthly report. */
    private record Report(String subject, int year, int month, BigDecimal value, long reportedAt, String reportId) {
    }

    private final ZoneId zone;
    private final Map<Stream, List<Flow>> flows = new EnumMap<>(Stream.class);
    private final Map<Stream, Map<String, List<Report>>> reports = new EnumMap<>(Stream.class);

    public SimulatedFacts(ZoneId zone) {
        this.zone = zone;
    }

    /** Keeps an event (a fact whatever any plan says). */
    public void add(JsonEvents.Event e) {
        switch (e.stream()) {
            case TRUCK_DEPARTURE -> {
                TruckDeparture t = (TruckDeparture) e.value();
                flow(e.stream(), t.getDepartedAt(), new String[] {t.getRouteId(), t.getDestinationCountry(),
                        t.getExitPort()}, t.getCargoValueCny(), t.getCargoWeightT());
            }
            case TRADE_DECLARATION -> {
                TradeDeclaration t = (TradeDeclaration) e.value();
                flow(e.stream(), t.getDeclaredAt(), new String[] {t.getDirection(), t.getChannel(),
                        t.getPartnerCountry()}, t.getValueCny());
            }
            case HUB_THROUGHPUT -> {
                HubThroughput h = (HubThroughput) e.value();
                flow(e.stream(), h.getMeasuredAt(), new String[] {h.getTerminal()}, h.getTonnes());
            }
            case PROJECT_PROGRESS -> {
                ProjectProgress p = (ProjectProgress) e.value();
                report(e.stream(), p.getProjectId(), p.getPeriod(), p.getInvestmentCny(), p.getReportedAt(),
                        p.getReportId());
            }
            case INDICATOR_REPORT -> {
                IndicatorReport r = (IndicatorReport) e.value();
                report(e.stream(), r.getIndicatorId(), r.getPeriod(), r.getValue(), r.getReportedAt(), r.getReportId());
            }
        }
    }

    private void flow(Stream s, Instant at, String[] dims, double... measures) {
        ZonedDateTime z = at.atZone(zone);
        BigDecimal[] exact = new BigDecimal[measures.length];
        for (int i = 0; i < measures.length; i++) {
            exact[i] = Decimals.exact(measures[i]);
        }
        flows.computeIfAbsent(s, k -> new ArrayList<>())
                .add(new Flow(z.getYear(), z.getMonthValue(), at.toEpochMilli(), dims, exact));
    }

    private void report(Stream s, String subject, String period, double value, Instant reportedAt, String id) {
        YearMonth p = YearMonth.parse(period);
        reports.computeIfAbsent(s, k -> new HashMap<>()).computeIfAbsent(subject, k -> new ArrayList<>())
                .add(new Report(subject, p.getYear(), p.getMonthValue(), Decimals.exact(value),
                        reportedAt.toEpochMilli(), id));
    }

    /** What each target's definition selects of {@code year}'s facts as of {@code asOf}; targets with nothing left out. */
    public Map<String, TargetData> data(List<Target> targets, int year, Instant asOf) {
        Map<String, TargetData> out = new HashMap<>();
        for (Target t : targets) {
            TargetData d = data(t, year, asOf);
            if (d != null) {
                out.put(t.id(), d);
            }
        }
        return out;
    }

    /** What the target's definition (source, filter) selects of {@code year}'s facts as of {@code asOf}; null if nothing. */
    public TargetData data(Target t, int year, Instant asOf) {
        Source source = t.source();
        if (source == Source.CHILDREN) {
            return null;
        }
        BigDecimal[] months = new BigDecimal[12];
        Arrays.fill(months, BigDecimal.ZERO);
        boolean[] reported = new boolean[12];
        long events = 0;
        long last = 0;
        long cutoff = asOf.toEpochMilli();
        Stream s = source.stream();
        if (s.isFlow()) {
            int measure = s.measureIndex(source.measure());
            int[] dimIdx = new int[t.filter().size()];
            String[] wanted = new String[dimIdx.length];
            int i = 0;
            for (Map.Entry<String, String> f : t.filter().entrySet()) {
                dimIdx[i] = s.dimensions().indexOf(f.getKey());
                wanted[i++] = f.getValue();
            }
            for (Flow f : flows.getOrDefault(s, List.of())) {
                if (f.year() != year || f.at() >= cutoff || !matches(f.dims(), dimIdx, wanted)) {
                    continue;
                }
                int m = f.month() - 1;
                months[m] = months[m].add(measure < 0 ? BigDecimal.ONE : f.measures()[measure]);
                reported[m] = true;
                events++;
                last = Math.max(last, f.at());
            }
        } else {
            Report[] inForce = new Report[12];
            for (Report r : reports.getOrDefault(s, Map.of()).getOrDefault(t.id(), List.of())) {
                if (r.year() != year || r.reportedAt() > cutoff) {
                    continue;
                }
                Report cur = inForce[r.month() - 1];
                if (cur == null || r.reportedAt() > cur.reportedAt()
                        || (r.reportedAt() == cur.reportedAt() && r.reportId().compareTo(cur.reportId()) > 0)) {
                    inForce[r.month() - 1] = r;
                }
            }
            for (int m = 0; m < 12; m++) {
                if (inForce[m] != null) {
                    months[m] = inForce[m].value();
                    reported[m] = true;
                    events++;
                    last = Math.max(last, inForce[m].reportedAt());
                }
            }
        }
        return events == 0 ? null : new TargetData(months, reported, events, last);
    }

    private static boolean matches(String[] dims, int[] dimIdx, String[] wanted) {
        for (int i = 0; i < dimIdx.length; i++) {
            if (dimIdx[i] < 0 || !wanted[i].equals(dims[dimIdx[i]])) {
                return false;
            }
        }
        return true;
    }
}
