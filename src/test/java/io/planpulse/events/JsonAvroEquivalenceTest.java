package io.planpulse.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.planpulse.avro.HubThroughput;
import io.planpulse.avro.IndicatorReport;
import io.planpulse.avro.ProjectProgress;
import io.planpulse.avro.TradeDeclaration;
import io.planpulse.avro.TruckDeparture;
import io.planpulse.base.Topics;
import io.planpulse.base.Stream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * Property: the JSON form and the Avro form of the same random event (good, or bad in any of the ways an event can
 * be bad in both forms) decode to the same event or to the same rejection, reason and detail alike. Times are written
 * in JSON with random offsets and sub-millisecond digits; Avro keeps milliseconds, and so must JSON.
 */
class JsonAvroEquivalenceTest {
    private final Random rnd = new Random(15);
    private final Map<String, Integer> outcomes = new TreeMap<>();

    @Test
    void shouldGiveTheSameEventOrTheSameRejectionForBothForms() throws Exception {
        for (int i = 0; i < 20_000; i++) {
            Stream s = Stream.values()[rnd.nextInt(Stream.values().length)];
            SpecificRecord record = randomEvent(s, i);
            byte[] avro = encode(s, record);
            byte[] json = json(s, record);
            String a = outcome(s, avro);
            String j = outcome(s, json);
            assertThat(j).as("%s\nAvro: %s\nJSON: %s", s, record, new String(json, StandardCharsets.UTF_8)).isEqualTo(a);
            outcomes.merge(a.startsWith("event") ? "event" : a.substring(0, a.indexOf(':')), 1, Integer::sum);
        }
        // The generator reaches every outcome the two forms share.
        assertThat(outcomes.keySet()).contains("event", "missing_field", "invalid_value", "negative_amount", "bad_period");
        assertThat(outcomes.get("event")).isGreaterThan(5_000);
    }

    private static byte[] encode(Stream s, SpecificRecord r) {
        return switch (s) {
            case TRUCK_DEPARTURE -> Topics.TRUCK_DEPARTURE.encode((TruckDeparture) r);
            case TRADE_DECLARATION -> Topics.TRADE_DECLARATION.encode((TradeDeclaration) r);
            case HUB_THROUGHPUT -> Topics.HUB_THROUGHPUT.encode((HubThroughput) r);
            case PROJECT_PROGRESS -> Topics.PROJECT_PROGRESS.encode((ProjectProgress) r);
            case INDICATOR_REPORT -> Topics.INDICATOR_REPORT.encode((IndicatorReport) r);
        };
    }

    /** The JSON a producer would write: random offsets and extra digits in times, with or without "type". */
    private byte[] json(Stream s, SpecificRecord r) {
        ObjectNode o = JsonEvents.toJson(s, r, rnd.nextBoolean());
        for (org.apache.avro.Schema.Field f : r.getSchema().getFields()) {
            if (r.get(f.pos()) instanceof Instant t) {
                ZoneOffset off = ZoneOffset.ofTotalSeconds((rnd.nextInt(49) - 24) * 1800);
                String text = t.atOffset(off).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
                if (rnd.nextInt(4) == 0 && t.getNano() == 0) {
                    text = text.replace(off.getId().equals("Z") ? "Z" : off.getId(), ".000000" + off.getId());
                }
                o.put(f.name(), text);
            }
        }
        return o.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String outcome(Stream s, byte[] value) {
        try {
            return "event " + describe(EventDecoder.decode(s, value));
        } catch (Rejection r) {
            return r.reason() + ": " + r.getMessage();
        }
    }

    /** Everything an event carries, measures as their exact decimals. */
    static String describe(InputEvent e) {
        Map<String, Object> m = new TreeMap<>();
        m.put("stream", e.stream());
        m.put("id", e.id());
        m.put("time", e.time());
        m.put("period", e.period());
        m.put("subject", e.subject());
        m.put("reported_at", e.reportedAt());
        m.put("fields", new TreeMap<>(e.fields()));
        Map<String, Object> measures = new TreeMap<>();
        for (String name : new String[] {"cargo_value_cny", "cargo_weight_t", "value_cny", "tonnes", "investment_cny",
                "value", "count"}) {
            if (e.measures().get(name) != null) {
                measures.put(name, e.measures().get(name));
            }
        }
        m.put("measures", measures);
        return m.toString();
    }

    // ---- random events: mostly good, each field sometimes bad in a way both forms can carry ----

    private SpecificRecord randomEvent(Stream s, int i) {
        return switch (s) {
            case TRUCK_DEPARTURE -> TruckDeparture.newBuilder().setDepartureId(id("d", i)).setRouteId(text("cq-hanoi"))
                    .setDestinationCountry(country()).setExitPort(text("youyiguan")).setDepartedAt(time())
                    .setCargoValueCny(amount()).setCargoWeightT(amount()).build();
            case TRADE_DECLARATION -> TradeDeclaration.newBuilder().setDeclarationId(id("x", i))
                    .setDirection(pick("import", "export", "import", "export", "re-export", "", "EXPORT"))
                    .setChannel(text("nanpeng_b")).setPartnerCountry(country()).setValueCny(amount())
                    .setDeclaredAt(time()).build();
            case HUB_THROUGHPUT -> HubThroughput.newBuilder().setRecordId(id("h", i)).setTerminal(text("road_port"))
                    .setTonnes(amount()).setMeasuredAt(time()).build();
            case PROJECT_PROGRESS -> ProjectProgress.newBuilder().setReportId(id("r", i)).setProjectId(text("kp_gov_002"))
                    .setPeriod(period()).setInvestmentCny(amount())
                    .setProgressPct(rnd.nextInt(3) == 0 ? null : pick(0.0, 55.5, 100.0, 100.01, -1.0, Double.NaN))
                    .setMilestone(rnd.nextInt(3) == 0 ? null : pick("foundations", "", "x".repeat(1024), "x".repeat(1025)))
                    .setReportedAt(time()).build();
            case INDICATOR_REPORT -> IndicatorReport.newBuilder().setReportId(id("g", i)).setIndicatorId(text("gdp_growth"))
                    .setPeriod(period()).setValue(rnd.nextInt(10) == 0 ? pick(Double.NaN, Double.NEGATIVE_INFINITY)
                            : (rnd.nextDouble() - 0.3) * 20).setReportedAt(time()).build();
        };
    }

    @SafeVarargs
    private <T> T pick(T... options) {
        return options[rnd.nextInt(options.length)];
    }

    private boolean rarely() {
        return rnd.nextInt(40) == 0;
    }

    private String id(String prefix, int i) {
        return rarely() ? pick("", " ", "x".repeat(257), "ü".repeat(256)) : prefix + i + pick("", "-é", "-\u4e2d");
    }

    private String text(String good) {
        return rarely() ? pick("", "\t", "y".repeat(300)) : good;
    }

    private String country() {
        return rarely() ? pick("VNM", "", "1A", "v") : pick("VN", "LA", "th", "Mm");
    }

    private String period() {
        return rarely() ? pick("2025-13", "2025-1", "Jan 2025", "", "2025-00", "12025-01")
                : String.format("%d-%02d", 2024 + rnd.nextInt(3), 1 + rnd.nextInt(12));
    }

    private double amount() {
        if (rarely()) {
            return pick(-1.0, -0.01, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MAX_VALUE,
                    Double.MIN_VALUE, -0.0);
        }
        return switch (rnd.nextInt(4)) {
            case 0 -> rnd.nextInt(100_000);
            case 1 -> Math.round(rnd.nextDouble() * 1e10) / 100.0;
            case 2 -> rnd.nextDouble() * Math.pow(10, rnd.nextInt(12));
            default -> 0.1 * rnd.nextInt(1000);
        };
    }

    private Instant time() {
        long base = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();
        long ms = base + (long) (rnd.nextDouble() * 3 * 365 * 86_400_000L);
        if (rnd.nextBoolean()) {
            ms -= ms % 1000;
        }
        return Instant.ofEpochMilli(ms);
    }

}
