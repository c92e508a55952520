package io.planpulse.simulate;

import io.planpulse.base.Districts;
import io.planpulse.events.JsonEvents;
import io.planpulse.plan.Comparator;
import io.planpulse.plan.Kind;
import io.planpulse.plan.Plan;
import io.planpulse.plan.Source;
import io.planpulse.plan.Target;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * {@code demo --districts N} and {@code simulate --districts N} (CONTRACT section 7): the first N of Chongqing's 38
 * districts and counties (Banan first), each with a plan derived from the shipped one, and the city's aggregate plan
 * (500000) with district roll-ups of key-project investment, trucks and trade; and their events.
 *
 * <p>A district's plan is the shipped plan with its own targets: amounts (flows, key-project investment, counts)
 * scaled by a factor of the district (Banan's is 1, the others' between 0.4 and 1.6, fixed by the code), rates
 * (growth, shares) as shipped. Each district has its own {@link Simulator} over its own plan, so its volumes follow its
 * targets. Banan's events are exactly those of a single-district simulation (no district field: the deployment's);
 * every other district's carry their district and ids prefixed with its code, so no two districts share an id.
 */
public final class CitySimulation {
    /** The city's roll-ups: the target each sums in the districts' plans, and its owner. */
    private static final String[][] ROLLUPS = {
            {"key_projects_annual_planned_investment", "市发展改革委"},
            {"cross_border_truck_departures", "市商务委"},
            {"cross_border_truck_cargo_value", "市商务委"},
            {"hub_foreign_trade_value", "市商务委"}};

    private final List<Plan> plans = new ArrayList<>();
    private final List<Simulator> simulators = new ArrayList<>();
    private final List<String> districts = new ArrayList<>();
    private int next;

    /**
     * @param shipped the shipped plan (Banan's)
     * @param n       how many districts (1 to 38)
     */
    public CitySimulation(Plan shipped, int n, long seed) {
        this(check(n), plans(shipped, n), seed);
    }

    private CitySimulation(int n, List<Plan> all, long seed) {
        for (int i = 0; i < n; i++) {
            Plan p = all.get(i);
            plans.add(p);
            simulators.add(new Simulator(p, seed + i));
            districts.add(p.district());
        }
        plans.add(all.get(n));
    }

    private static int check(int n) {
        if (n < 1 || n > Districts.CHONGQING_DISTRICTS.size()) {
            throw new IllegalArgumentException("--districts must be between 1 and "
                    + Districts.CHONGQING_DISTRICTS.size() + ", not " + n);
        }
        return n;
    }

    /** For the bench: {@link #plans(Plan, int)}'s districts (synthetic ones past Chongqing's 38) and their events. */
    public static CitySimulation forBench(Plan shipped, int n, long seed) {
        if (n < 1) {
            throw new IllegalArgumentException("--districts must be at least 1, not " + n);
        }
        return new CitySimulation(n, plans(shipped, n), seed);
    }

    /**
     * For the bench: {@code n} district plans derived from the shipped one (Chongqing's 38, then synthetic codes
     * 503000, 503001, ... named 模拟区 and the code), and the city's plan over them.
     */
    public static List<Plan> plans(Plan shipped, int n) {
        List<Plan> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String[] d = i < Districts.CHONGQING_DISTRICTS.size() ? Districts.CHONGQING_DISTRICTS.get(i)
                    : new String[] {String.format("50%04d", 3000 + i), null};
            out.add(derive(shipped, d[0], d[1] != null ? d[1] : "模拟区" + d[0]));
        }
        out.add(city(shipped, out));
        return out;
    }

    /** The districts' plans, then the city's. */
    public List<Plan> plans() {
        return plans;
    }

    /** A district's factor: 1 for Banan, else between 0.4 and 1.6, fixed by its code. */
    static BigDecimal factor(String code) {
        if (code.equals("500113")) {
            return BigDecimal.ONE;
        }
        int h = Math.floorMod(Integer.parseInt(code) * 37 + 11, 121);
        return BigDecimal.valueOf(40 + h, 2);
    }

    /** The shipped plan as a district's: its code and name, amounts scaled by its factor. */
    static Plan derive(Plan shipped, String code, String name) {
        BigDecimal f = factor(code);
        List<Target> targets = new ArrayList<>();
        for (Target t : shipped.targets()) {
            boolean amount = t.kind() == Kind.CUMULATIVE_FLOW || t.kind() == Kind.STOCK_LEVEL;
            targets.add(!amount || f.compareTo(BigDecimal.ONE) == 0 ? t : new Target(t.year(), t.id(), t.nameZh(),
                    t.nameEn(), t.category(), t.unit(), t.kind(), t.comparator(), scaled(t.target(), f, t.unit()),
                    t.scale(), scaled(t.baseline(), f, t.unit()), t.schedule(), t.parent(), t.source(), t.filter(),
                    t.owner(), t.binding(), t.timezone(), t.reportDeadlineDay(), t.thresholds(), t.sourceTarget()));
        }
        return new Plan(shipped.year(), shipped.timezone(), shipped.reportDeadlineDay(), shipped.thresholds(),
                List.copyOf(targets), shipped.qualitative(), List.of(), code, name);
    }

    private static Double scaled(Double v, BigDecimal f, String unit) {
        if (v == null) {
            return null;
        }
        int places = unit.equals("count") || unit.equals("trips") ? 0 : 2;
        return BigDecimal.valueOf(v).multiply(f).setScale(places, RoundingMode.HALF_UP).doubleValue();
    }

    /** The city's plan: one districts: roll-up per {@link #ROLLUPS}, each with the district targets' sum as target. */
    static Plan city(Plan shipped, List<Plan> districtPlans) {
        List<Target> targets = new ArrayList<>();
        for (String[] r : ROLLUPS) {
            Target t = districtPlans.get(0).targets().stream().filter(x -> x.id().equals(r[0])).findFirst()
                    .orElseThrow(() -> new IllegalStateException("the shipped plan has no target " + r[0]));
            targets.add(new Target(t.year(), t.id(), "全市" + t.nameZh(), "City: " + t.nameEn(), t.category(), t.unit(),
                    Kind.CUMULATIVE_FLOW, Comparator.AT_LEAST, null, 1, null, t.schedule(), null, Source.DISTRICTS,
                    Map.of(), r[1], false, t.timezone(), t.reportDeadlineDay(), t.thresholds(), t.id()));
        }
        return new Plan(shipped.year(), shipped.timezone(), shipped.reportDeadlineDay(), shipped.thresholds(),
                List.copyOf(targets), List.of(), List.of(), Districts.CHONGQING, Districts.name(Districts.CHONGQING));
    }

    /** Every district's events of the year before the plan year that had arrived by {@code until}. */
    public void lastYear(Instant until, Consumer<JsonEvents.Event> sink) {
        for (int i = 0; i < simulators.size(); i++) {
            simulators.get(i).lastYear(until, inDistrict(i, sink));
        }
    }

    /** Every district's events of the plan year up to {@code until}. */
    public void history(Instant until, Consumer<JsonEvents.Event> sink) {
        for (int i = 0; i < simulators.size(); i++) {
            simulators.get(i).history(until, inDistrict(i, sink));
        }
    }

    /** A live event, of each district in turn. */
    public JsonEvents.Event live(Instant now) {
        int i = next;
        next = (next + 1) % simulators.size();
        JsonEvents.Event[] out = new JsonEvents.Event[1];
        inDistrict(i, e -> out[0] = e).accept(simulators.get(i).live(now));
        return out[0];
    }

    /** The sink for district i's events: Banan's as they are, another's with its district and its code in the id. */
    private Consumer<JsonEvents.Event> inDistrict(int i, Consumer<JsonEvents.Event> sink) {
        if (i == 0) {
            return sink;
        }
        String code = districts.get(i);
        return e -> {
            SpecificRecordBase v = (SpecificRecordBase) e.value();
            String id = code + "-" + v.get(e.stream().idField());
            v.put(e.stream().idField(), id);
            v.put("district", code);
            sink.accept(new JsonEvents.Event(e.stream(), id, v));
        };
    }
}
