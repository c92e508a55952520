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
import io.planpulse.base.Stream;
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
 * customs declarations (mostly 南彭B保), hub throughput by terminal and 8-hour shift at the scale of the
 * 3,200万-tonne target, monthly project reports between the 5th and the 10th (some late, some restated, a few
 * projects drifting behind their schedule, a few never reporting), and monthly indicator reports.
 *
 * <p>The year before the plan year is simulated too ({@link #lastYear}), at the same scale: its flows and the
 * reports of the plan's projects, so that projections (CONTRACT section 5b) have last year's profile. Both years
 * follow the same {@link Seasons}: flows fall around Spring Festival (on each year's real lunar new year) and
 * project investment is heaviest in the fourth quarter. A few projects ({@link #frontLoaded}) did most of last
 * year's work in its first half while this year they keep to their schedule: on track today, projected to miss.
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
    private final long seed;
    private final Random rnd;
    private long seq;

    public Simulator(Plan plan, long seed) {
        this.plan = plan;
        this.zone = ZoneId.of(plan.timezone());
        this.seed = seed;
        this.rnd = new Random(seed);
    }

    /**
     * Everything that would have happened in the plan year up to {@code until}: the flows from its start to
     * {@code until} (at most the year's end), in time order per stream, then the year's reports that have arrived
     * by {@code until} (December's arrive in January).
     */
    public void history(Instant until, Consumer<JsonEvents.Event> sink) {
        flows(plan.year(), until, rnd, sink);
        for (YearMonth m = YearMonth.of(plan.year(), 1); !m.isAfter(YearMonth.of(plan.year(), 12)); m = m.plusMonths(1)) {
            reports(m, until, sink);
        }
    }

    /**
     * Everything of the year before the plan year that had arrived by {@code until}: its flows (the whole year
     * when {@code until} is past it) and the monthly reports of the plan's projects for that year. It has its own
     * random stream and leaves the id sequence as it found it, so the plan year's events are the same whether or
     * not last year is simulated (ids carry the event's time, so last year's never meet this year's).
     */
    public void lastYear(Instant until, Consumer<JsonEvents.Event> sink) {
        int year = plan.year() - 1;
        long seqBefore = seq;
        flows(year, until, new Random(seed ^ 0x1a57_7ea2L), sink);
        seq = seqBefore;
        for (YearMonth m = YearMonth.of(year, 1); !m.isAfter(YearMonth.of(year, 12)); m = m.plusMonths(1)) {
            for (Target t : plan.targets()) {
                if (t.source() == Source.PROJECT_PROGRESS) {
                    projectReport(t, m, until, reportRandom(t, m), sink);
                }
            }
        }
    }

    /**
     * The instant a year closes (CONTRACT section 3): the end of {@code deadlineDay} of the January after it (10
     * for a year without a plan). Its facts must arrive before; later ones are rejected as late.
     */
    public static Instant closes(int year, int deadlineDay, ZoneId zone) {
        return LocalDate.of(year + 1, 1, deadlineDay).plusDays(1).atStartOfDay(zone).toInstant();
    }

    /** The flows of {@code year} from its start up to {@code until} (at most its end), day by day, with the seasons. */
    private void flows(int year, Instant until, Random r, Consumer<JsonEvents.Event> sink) {
        for (LocalDate date = LocalDate.of(year, 1, 1); date.getYear() == year; date = date.plusDays(1)) {
            Instant day = date.atStartOfDay(zone).toInstant();
            if (!day.isBefore(until)) {
                break;
            }
            Instant next = date.plusDays(1).atStartOfDay(zone).toInstant();
            Instant dayEnd = next.isAfter(until) ? until : next;
            long span = dayEnd.toEpochMilli() - day.toEpochMilli();
            double share = span / (double) (next.toEpochMilli() - day.toEpochMilli());
            double level = Seasons.flow(date);
            int trucks = poisson(r, 16 * share * level);
            for (int i = 0; i < trucks; i++) {
                sink.accept(truck(r, day.plusMillis((long) (r.nextDouble() * span))));
            }
            int declarations = poisson(r, 30 * share * level);
            for (int i = 0; i < declarations; i++) {
                sink.accept(trade(r, day.plusMillis((long) (r.nextDouble() * span))));
            }
            for (int shift = 0; shift < 3; shift++) { // each terminal reports its throughput per 8-hour shift
                Instant shiftEnd = day.plus(Duration.ofHours(8L * shift + 7)).plusSeconds(59 * 60);
                if (!shiftEnd.isBefore(dayEnd)) {
                    break;
                }
                for (String terminal : TERMINALS) {
                    sink.accept(hub(r, shiftEnd, terminal, 8, level));
                }
            }
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
            if (t.source() == Source.PROJECT_PROGRESS) {
                projectReport(t, m, until, reportRandom(t, m), sink);
            } else if (t.source() == Source.INDICATOR_REPORT && t.target() != null) {
                indicatorReport(t, m, until, new Random(t.id().hashCode() * 31L + m.getMonthValue()), sink);
            }
        }
    }

    /**
     * The random stream of one project's report for one month: the same whatever else is simulated. The seed is
     * mixed (SplitMix64's finaliser), since java.util.Random's first outputs for neighbouring seeds (one month to
     * the next) are nearly equal. (Indicator reports keep their own, seed-free streams.)
     */
    private Random reportRandom(Target t, YearMonth m) {
        return new Random(mix(seed * 0x9E3779B97F4A7C15L + t.id().hashCode() * 1_000_003L + m.getYear() * 12L
                + m.getMonthValue()));
    }

    /** A project's own pace this year, the same every month: 0 to 1. */
    private double pace(Target t) {
        return new Random(mix(seed * 0x9E3779B97F4A7C15L + t.id().hashCode() * 1_000_003L - 1)).nextDouble();
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * A project whose last year was front-loaded (most of its work in the first half) while this year it keeps to
     * its schedule: on track, but the last-year profile projects a miss, an early warning (CONTRACT section 5b).
     */
    public static boolean frontLoaded(String projectId) {
        int h = Math.floorMod(projectId.hashCode(), 100);
        return h >= 12 && h < 18;
    }

    /**
     * The share of the project's year done in each month: the seasons' shares; this year's schedule for a
     * {@link #frontLoaded} project, which did last year's work early.
     */
    private double[] shares(Target t, int year) {
        if (!frontLoaded(t.id())) {
            return Seasons.investment(year);
        }
        if (year < plan.year()) {
            return Seasons.frontLoaded();
        }
        double[] s = new double[12];
        for (int m = 0; m < 12; m++) {
            s[m] = t.schedule().get(m) - (m == 0 ? 0 : t.schedule().get(m - 1));
        }
        return s;
    }

    /**
     * The report of a project for month m (of the plan year or the year before), if it has arrived by
     * {@code until}. The plan year's amount is the year's target spread by {@link #shares}, at the project's own
     * pace (95 to 110 % of the plan; a few projects drift behind, at 55 to 85 %), give or take 10 % a month. Last
     * year's is a little less (85 to 99 % of this year's target, per project), give or take 10 % a month.
     */
    private void projectReport(Target t, YearMonth m, Instant until, Random r, Consumer<JsonEvents.Event> sink) {
        int h = Math.floorMod(t.id().hashCode(), 100);
        if (h < 2) {
            return; // a project that never reports
        }
        boolean thisYear = m.getYear() == plan.year();
        double drift = !thisYear ? 0.85 + 0.01 * (h % 15)
                : h < 12 ? 0.55 + 0.3 * (h / 12.0) : frontLoaded(t.id()) ? 1.0 : 0.95 + pace(t) * 0.15;
        int mi = m.getMonthValue() - 1;
        double[] shares = shares(t, m.getYear());
        double share = shares[mi];
        double done = 0;
        for (int i = 0; i <= mi; i++) {
            done += shares[i];
        }
        double yuan = Math.round(t.target() * t.scale() * share * drift * (0.9 + 0.2 * r.nextDouble()) * 100) / 100.0;
        // 10 % report after the deadline, except December's: the year closes on its deadline
        int day = h >= 90 && m.getMonthValue() != 12 ? 12 + r.nextInt(6) : 5 + r.nextInt(6);
        Instant reportedAt = m.plusMonths(1).atDay(day).atTime(9 + r.nextInt(8), r.nextInt(60)).atZone(zone).toInstant();
        if (reportedAt.isAfter(until)) {
            return;
        }
        sink.accept(new JsonEvents.Event(Stream.PROJECT_PROGRESS, "pr-" + t.id() + "-" + m,
                ProjectProgress.newBuilder().setReportId("pr-" + t.id() + "-" + m).setProjectId(t.id())
                        .setPeriod(m.toString()).setInvestmentCny(yuan)
                        .setProgressPct(Math.min(100.0, 100.0 * done * (thisYear ? drift : 1.0)))
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
        return truck(rnd, at);
    }

    private JsonEvents.Event truck(Random rnd, Instant at) {
        String[] route = ROUTES[rnd.nextInt(ROUTES.length)];
        String id = "td-" + at.toEpochMilli() + "-" + (seq++);
        double value = Math.round(Math.exp(13.3 + 0.5 * rnd.nextGaussian()) * 100) / 100.0;
        double weight = Math.round((12 + rnd.nextDouble() * 14) * 100) / 100.0;
        return new JsonEvents.Event(Stream.TRUCK_DEPARTURE, id, TruckDeparture.newBuilder().setDepartureId(id)
                .setRouteId(route[0]).setDestinationCountry(route[1]).setExitPort(route[2]).setDepartedAt(at)
                .setCargoValueCny(value).setCargoWeightT(weight).build());
    }

    JsonEvents.Event trade(Instant at) {
        return trade(rnd, at);
    }

    private JsonEvents.Event trade(Random rnd, Instant at) {
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
        return hub(rnd, at, terminal, 1, 1.0);
    }

    /** {@code hours} of a terminal's throughput; {@code level} is the day's seasonal level. */
    private JsonEvents.Event hub(Random rnd, Instant at, String terminal, int hours, double level) {
        String id = "ht-" + terminal + "-" + at.toEpochMilli() + "-" + (seq++);
        double share = terminal.equals("road_port") ? 0.5 : terminal.equals("nanpeng_rail") ? 0.3 : 0.2;
        double tonnes = Math.round(32_000_000 / (365.0 * 24) * hours * share * level * (0.8 + 0.5 * rnd.nextDouble())
                * 10) / 10.0;
        return new JsonEvents.Event(Stream.HUB_THROUGHPUT, id, HubThroughput.newBuilder().setRecordId(id)
                .setTerminal(terminal).setTonnes(tonnes).setMeasuredAt(at).build());
    }

    private static int poisson(Random rnd, double mean) {
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
