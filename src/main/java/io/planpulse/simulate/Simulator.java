package io.planpulse.simulate;

import io.planpulse.avro.HubThroughput;
import io.planpulse.avro.IndicatorReport;
import io.planpulse.avro.ProjectProgress;
import io.planpulse.avro.TradeDeclaration;
import io.planpulse.avro.TruckDeparture;
import io.planpulse.events.JsonEvents;
import io.planpulse.plan.Kind;
import io.planpulse.plan.Plan;
import io.planpulse.plan.Source;
import io.planpulse.plan.Stream;
import io.planpulse.plan.Target;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Realistic, seeded events for a plan (names from shared/seed-data/NOTES.md): cross-border truck departures at
 * about 16 a day to the service's real destinations through the real border ports (about 70万 yuan of cargo each),
 * customs declarations (mostly 南彭B保), hub throughput by terminal at the scale of the 3,200万-tonne target,
 * monthly project reports between the 5th and the 10th (some late, some restated, a few projects drifting behind
 * their schedule, a few never reporting), and monthly indicator reports.
 */
public final class Simulator {
    /** route id, destination country, exit port: the 西部陆海新通道 cross-border truck service. */
    static final String[][] ROUTES = {
            {"cq-hanoi", "VN", "youyiguan"}, {"cq-hochiminh", "VN", "dongxing"}, {"cq-vientiane", "LA", "mohan"},
            {"cq-bangkok", "TH", "mohan"}, {"cq-yangon", "MM", "ruili"}, {"cq-mandalay", "MM", "pianma"},
            {"cq-phnompenh", "KH", "youyiguan"}, {"cq-kualalumpur", "MY", "mohan"}, {"cq-singapore", "SG", "mohan"},
            {"cq-jakarta", "ID", "youyiguan"}, {"cq-manila", "PH", "dongxing"}, {"cq-almaty", "KZ", "khorgos"},
            {"cq-tashkent", "UZ", "khorgos"}, {"cq-bishkek", "KG", "torugart"}, {"cq-dushanbe", "TJ", "karasu"},
            {"cq-ashgabat", "TM", "alashankou"}, {"cq-ulaanbaatar", "MN", "erenhot"}, {"cq-moscow", "RU", "alashankou"},
            {"cq-dhaka", "BD", "ruili"}};
    static final String[][] CHANNELS = {{"nanpeng_b", "0.6"}, {"road_port", "0.3"}, {"rail", "0.1"}};
    static final String[] TERMINALS = {"road_port", "nanpeng_rail", "foeryan_port"};

    private final Plan plan;
    private final ZoneId zone;
    private final Random rnd;
    private long seq;

    public Simulator(Plan plan, long seed) {
        this.plan = plan;
        this.zone = ZoneId.of(plan.timezone());
        this.rnd = new Random(seed);
    }

    /** Everything that would have happened from the start of the plan year up to {@code until}, in time order per stream. */
    public void history(Instant until, Consumer<JsonEvents.Event> sink) {
        Instant start = LocalDate.of(plan.year(), 1, 1).atStartOfDay(zone).toInstant();
        Instant end = LocalDate.of(plan.year() + 1, 1, 1).atStartOfDay(zone).toInstant();
        if (until.isAfter(end)) {
            until = end;
        }
        for (Instant day = start; day.isBefore(until); day = day.plus(Duration.ofDays(1))) {
            Instant dayEnd = day.plus(Duration.ofDays(1)).isAfter(until) ? until : day.plus(Duration.ofDays(1));
            long span = dayEnd.toEpochMilli() - day.toEpochMilli();
            double share = span / 86_400_000.0;
            int trucks = poisson(16 * share);
            for (int i = 0; i < trucks; i++) {
                sink.accept(truck(day.plusMillis((long) (rnd.nextDouble() * span))));
            }
            int declarations = poisson(30 * share);
            for (int i = 0; i < declarations; i++) {
                sink.accept(trade(day.plusMillis((long) (rnd.nextDouble() * span))));
            }
            for (int h = 0; h < 24 * share; h++) {
                for (String terminal : TERMINALS) {
                    sink.accept(hub(day.plus(Duration.ofHours(h)).plusSeconds(59 * 60), terminal));
                }
            }
        }
        for (YearMonth m = YearMonth.of(plan.year(), 1); !m.isAfter(YearMonth.of(plan.year(), 12)); m = m.plusMonths(1)) {
            reports(m, until, sink);
        }
    }

    /** One live event at {@code now}: the flow streams in their real proportions. */
    public JsonEvents.Event live(Instant now) {
        double r = rnd.nextDouble();
        if (r < 0.25) {
            return truck(now);
        }
        if (r < 0.7) {
            return trade(now);
        }
        return hub(now, TERMINALS[rnd.nextInt(TERMINALS.length)]);
    }

    /** The reports due for month m that have arrived by {@code until}. */
    public void reports(YearMonth m, Instant until, Consumer<JsonEvents.Event> sink) {
        for (Target t : plan.targets()) {
            Random r = new Random(t.id().hashCode() * 31L + m.getMonthValue());
            if (t.source() == Source.PROJECT_PROGRESS) {
                projectReport(t, m, until, r, sink);
            } else if (t.source() == Source.INDICATOR_REPORT && t.target() != null) {
                indicatorReport(t, m, until, r, sink);
            }
        }
    }

    private void projectReport(Target t, YearMonth m, Instant until, Random r, Consumer<JsonEvents.Event> sink) {
        int h = Math.floorMod(t.id().hashCode(), 100);
        if (h < 2) {
            return; // a project that never reports
        }
        double drift = h < 12 ? 0.55 + 0.3 * (h / 12.0) : 0.95 + r.nextDouble() * 0.15;
        int mi = m.getMonthValue() - 1;
        double share = t.schedule().get(mi) - (mi == 0 ? 0 : t.schedule().get(mi - 1));
        double yuan = Math.round(t.target() * t.scale() * share * drift * (0.9 + 0.2 * r.nextDouble()) * 100) / 100.0;
        int day = h >= 90 ? 12 + r.nextInt(6) : 5 + r.nextInt(6); // 10 % report after the deadline
        Instant reportedAt = m.plusMonths(1).atDay(day).atTime(9 + r.nextInt(8), r.nextInt(60)).atZone(zone).toInstant();
        if (reportedAt.isAfter(until)) {
            return;
        }
        sink.accept(new JsonEvents.Event(Stream.PROJECT_PROGRESS, "pr-" + t.id() + "-" + m,
                ProjectProgress.newBuilder().setReportId("pr-" + t.id() + "-" + m).setProjectId(t.id())
                        .setPeriod(m.toString()).setInvestmentCny(yuan)
                        .setProgressPct(Math.min(100.0, 100.0 * t.schedule().get(mi) * drift))
                        .setMilestone(null).setReportedAt(reportedAt).build()));
        if (r.nextDouble() < 0.08) { // restated a few days later
            Instant restated = reportedAt.plus(Duration.ofDays(3 + r.nextInt(5)));
            if (!restated.isAfter(until)) {
                double corrected = Math.round(yuan * (0.85 + 0.3 * r.nextDouble()) * 100) / 100.0;
                String id = "pr-" + t.id() + "-" + m + "-r1";
                sink.accept(new JsonEvents.Event(Stream.PROJECT_PROGRESS, id,
                        ProjectProgress.newBuilder().setReportId(id).setProjectId(t.id()).setPeriod(m.toString())
                                .setInvestmentCny(corrected).setProgressPct(null).setMilestone("restated")
                                .setReportedAt(restated).build()));
            }
        }
    }

    private void indicatorReport(Target t, YearMonth m, Instant until, Random r, Consumer<JsonEvents.Event> sink) {
        Instant reportedAt = m.plusMonths(1).atDay(8 + r.nextInt(8)).atTime(10, 0).atZone(zone).toInstant();
        if (reportedAt.isAfter(until)) {
            return;
        }
        double target = t.target();
        double f = t.schedule().get(m.getMonthValue() - 1);
        double noise = 0.9 + 0.2 * r.nextDouble();
        double value;
        if (t.kind() == Kind.CUMULATIVE_FLOW) {
            value = target * f * noise; // year-to-date
        } else if (t.kind() == Kind.STOCK_LEVEL && t.baseline() != null) {
            value = t.baseline() + (target - t.baseline()) * f * noise;
        } else if (t.unit().startsWith("percent")) {
            value = target + (r.nextDouble() - 0.5) * 1.4;
        } else {
            value = target * noise;
        }
        value = Math.round(value * 1000) / 1000.0;
        String id = "ir-" + t.id() + "-" + m;
        sink.accept(new JsonEvents.Event(Stream.INDICATOR_REPORT, id, IndicatorReport.newBuilder().setReportId(id)
                .setIndicatorId(t.id()).setPeriod(m.toString()).setValue(value).setReportedAt(reportedAt).build()));
    }

    JsonEvents.Event truck(Instant at) {
        String[] route = ROUTES[rnd.nextInt(ROUTES.length)];
        String id = "td-" + at.toEpochMilli() + "-" + (seq++);
        double value = Math.round(Math.exp(13.3 + 0.5 * rnd.nextGaussian()) * 100) / 100.0;
        double weight = Math.round((12 + rnd.nextDouble() * 14) * 100) / 100.0;
        return new JsonEvents.Event(Stream.TRUCK_DEPARTURE, id, TruckDeparture.newBuilder().setDepartureId(id)
                .setRouteId(route[0]).setDestinationCountry(route[1]).setExitPort(route[2]).setDepartedAt(at)
                .setCargoValueCny(value).setCargoWeightT(weight).build());
    }

    JsonEvents.Event trade(Instant at) {
        double r = rnd.nextDouble();
        String channel = r < 0.6 ? "nanpeng_b" : r < 0.9 ? "road_port" : "rail";
        String id = "cd-" + at.toEpochMilli() + "-" + (seq++);
        String[] route = ROUTES[rnd.nextInt(ROUTES.length)];
        double value = Math.round(Math.exp(12.3 + 0.8 * rnd.nextGaussian()) * 100) / 100.0;
        return new JsonEvents.Event(Stream.TRADE_DECLARATION, id, TradeDeclaration.newBuilder().setDeclarationId(id)
                .setDirection(rnd.nextDouble() < 0.62 ? "export" : "import").setChannel(channel)
                .setPartnerCountry(route[1]).setValueCny(value).setDeclaredAt(at).build());
    }

    JsonEvents.Event hub(Instant at, String terminal) {
        String id = "ht-" + terminal + "-" + at.toEpochMilli() + "-" + (seq++);
        double share = terminal.equals("road_port") ? 0.5 : terminal.equals("nanpeng_rail") ? 0.3 : 0.2;
        double tonnes = Math.round(32_000_000 / (365.0 * 24) * share * (0.8 + 0.5 * rnd.nextDouble()) * 10) / 10.0;
        return new JsonEvents.Event(Stream.HUB_THROUGHPUT, id, HubThroughput.newBuilder().setRecordId(id)
                .setTerminal(terminal).setTonnes(tonnes).setMeasuredAt(at).build());
    }

    private int poisson(double mean) {
        double l = Math.exp(-mean);
        int k = 0;
        double p = 1;
        do {
            k++;
            p *= rnd.nextDouble();
        } while (p > l);
        return k - 1;
    }

    public List<Target> targets() {
        return plan.targets();
    }
}
