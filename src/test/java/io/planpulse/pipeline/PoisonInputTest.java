package io.planpulse.pipeline;

import io.planpulse.base.Topics;
import static io.planpulse.pipeline.TopologyFixture.hub;
import static io.planpulse.pipeline.TopologyFixture.indicator;
import static io.planpulse.pipeline.TopologyFixture.progress;
import static io.planpulse.pipeline.TopologyFixture.trade;
import static io.planpulse.pipeline.TopologyFixture.truck;
import static org.assertj.core.api.Assertions.assertThat;

import io.planpulse.avro.RejectedRecord;
import io.planpulse.events.EventDecoder;
import io.planpulse.base.Stream;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Fuzz: every input topic gets random bytes, truncated Avro, records of another schema, huge strings, NaN and
 * infinities, far-future and far-past times, unknown ids and empty values, interleaved with good records. Nothing
 * stops the pipeline; every bad record is in planpulse.rejected once, with its topic, partition, offset and reason;
 * every good record is counted, to the yuan.
 */
class PoisonInputTest {
    private final Random rnd = new Random(20250611);
    private int bad;

    @Test
    void shouldRejectEveryPoisonRecordAndCountEveryGoodOne() throws Exception {
        try (TopologyFixture f = new TopologyFixture("2025-06-11T12:00:00+08:00")) {
            f.load(TopologyFixture.testPlan());
            long trucks = 0;
            BigDecimal cargo = BigDecimal.ZERO;
            BigDecimal tonnes = BigDecimal.ZERO;
            BigDecimal tradeValue = BigDecimal.ZERO;
            BigDecimal p1 = BigDecimal.ZERO;
            for (int i = 0; i < 2_000; i++) {
                String day = String.format("2025-%02d-%02dT%02d:%02d:00+08:00", 1 + rnd.nextInt(5), 1 + rnd.nextInt(28),
                        rnd.nextInt(24), rnd.nextInt(60));
                double value = Math.round(rnd.nextDouble() * 1e8) / 100.0;
                switch (i % 4) {
                    case 0 -> {
                        f.send(truck("t" + i, day, "LA", value));
                        trucks++;
                        cargo = cargo.add(new BigDecimal(Double.toString(value)));
                    }
                    case 1 -> {
                        f.send(hub("h" + i, day, value));
                        tonnes = tonnes.add(new BigDecimal(Double.toString(value)));
                    }
                    case 2 -> {
                        f.send(trade("x" + i, day, value));
                        tradeValue = tradeValue.add(new BigDecimal(Double.toString(value)));
                    }
                    default -> {
                        if (i < 48) { // one report per month, January to December
                            int month = i / 4 + 1;
                            f.send(progress("r" + i, "p1", String.format("2025-%02d", month), value, "2025-06-01T00:00:00+08:00"));
                            p1 = p1.add(new BigDecimal(Double.toString(value)));
                        } else {
                            f.send(indicator("g" + i, "gdp_growth", "2025-04", 6.0, "2025-05-0" + (1 + i % 9) + "T00:00:00+08:00"));
                        }
                    }
                }
                poison(f, Stream.values()[rnd.nextInt(Stream.values().length)]);
            }
            f.settle();

            assertThat(f.kpi("trucks").getActual()).isEqualTo((double) trucks);
            assertThat(f.kpi("cargo_value").getActual()).isEqualTo(cargo.divide(new BigDecimal("1E+8")).doubleValue());
            assertThat(f.kpi("hub_tonnes").getActual()).isEqualTo(tonnes.divide(new BigDecimal("1E+4")).doubleValue());
            assertThat(f.kpi("trade_value").getActual()).isEqualTo(tradeValue.divide(new BigDecimal("1E+8")).doubleValue());
            assertThat(f.kpi("p1").getActual()).isEqualTo(p1.divide(new BigDecimal("1E+8")).doubleValue());
            assertThat(f.kpi("gdp_growth").getActual()).isEqualTo(6.0);

            assertThat(f.rejects).hasSize(bad);
            Set<String> positions = new HashSet<>();
            for (RejectedRecord r : f.rejects) {
                assertThat(r.getTopic()).startsWith("planpulse.");
                assertThat(r.getPartition()).isZero();
                assertThat(r.getOffset()).isNotNegative();
                assertThat(r.getReason()).isIn("undecodable", "unknown_schema", "missing_field", "invalid_value",
                        "negative_amount", "bad_period", "out_of_range", "late", "too_large");
                assertThat(r.getDetail()).isNotBlank();
                positions.add(r.getTopic() + "/" + r.getOffset());
            }
            assertThat(positions).as("each bad record rejected once").hasSize(bad);
        }
    }

    private void poison(TopologyFixture f, Stream s) {
        bad++;
        byte[] valid = switch (s) {
            case TRUCK_DEPARTURE -> Topics.TRUCK_DEPARTURE.encode(truck("pz" + bad, "2025-03-01T00:00:00+08:00", "VN", 5));
            case TRADE_DECLARATION -> Topics.TRADE_DECLARATION.encode(trade("pz" + bad, "2025-03-01T00:00:00+08:00", 5));
            case HUB_THROUGHPUT -> Topics.HUB_THROUGHPUT.encode(hub("pz" + bad, "2025-03-01T00:00:00+08:00", 5));
            case PROJECT_PROGRESS -> Topics.PROJECT_PROGRESS.encode(progress("pz" + bad, "p2", "2025-03", 5, "2025-04-01T00:00:00+08:00"));
            case INDICATOR_REPORT -> Topics.INDICATOR_REPORT.encode(indicator("pz" + bad, "gdp_growth", "2025-03", 5, "2025-04-01T00:00:00+08:00"));
        };
        byte[] value;
        switch (rnd.nextInt(10)) {
            case 0 -> {
                value = new byte[rnd.nextInt(300)];
                rnd.nextBytes(value);
                if (value.length > 0 && value[0] == '{') {
                    value[0] = 0;
                }
            }
            case 1 -> value = Arrays.copyOf(valid, 10 + rnd.nextInt(Math.max(1, valid.length - 12)));
            case 2 -> value = s == Stream.HUB_THROUGHPUT
                    ? Topics.TRUCK_DEPARTURE.encode(truck("o" + bad, "2025-03-01T00:00:00+08:00", "VN", 1))
                    : Topics.HUB_THROUGHPUT.encode(hub("o" + bad, "2025-03-01T00:00:00+08:00", 1));
            case 3 -> value = new byte[EventDecoder.MAX_RECORD_BYTES + 1 + rnd.nextInt(1000)];
            case 4 -> value = s == Stream.TRUCK_DEPARTURE
                    ? Topics.TRUCK_DEPARTURE.encode(truck("x".repeat(10_000), "2025-03-01T00:00:00+08:00", "VN", 1))
                    : new byte[0];
            case 5 -> value = switch (s) {
                case TRUCK_DEPARTURE -> Topics.TRUCK_DEPARTURE.encode(truck("n" + bad, "2025-03-01T00:00:00+08:00", "VN", Double.NaN));
                case TRADE_DECLARATION -> Topics.TRADE_DECLARATION.encode(trade("n" + bad, "2025-03-01T00:00:00+08:00", Double.POSITIVE_INFINITY));
                case HUB_THROUGHPUT -> Topics.HUB_THROUGHPUT.encode(hub("n" + bad, "2025-03-01T00:00:00+08:00", Double.NEGATIVE_INFINITY));
                case PROJECT_PROGRESS -> Topics.PROJECT_PROGRESS.encode(progress("n" + bad, "p2", "2025-03", Double.NaN, "2025-04-01T00:00:00+08:00"));
                case INDICATOR_REPORT -> Topics.INDICATOR_REPORT.encode(indicator("n" + bad, "gdp_growth", "2025-03", Double.NaN, "2025-04-01T00:00:00+08:00"));
            };
            case 6 -> value = switch (s) {
                case TRUCK_DEPARTURE -> Topics.TRUCK_DEPARTURE.encode(truck("f" + bad, "2999-03-01T00:00:00+08:00", "VN", 1));
                case TRADE_DECLARATION -> Topics.TRADE_DECLARATION.encode(trade("f" + bad, "1970-01-02T00:00:00+08:00", 1));
                case HUB_THROUGHPUT -> Topics.HUB_THROUGHPUT.encode(hub("f" + bad, "0001-01-01T00:00:00+08:00", 1));
                case PROJECT_PROGRESS -> Topics.PROJECT_PROGRESS.encode(progress("f" + bad, "p2", "9999-12", 1, "2025-04-01T00:00:00+08:00"));
                case INDICATOR_REPORT -> Topics.INDICATOR_REPORT.encode(indicator("f" + bad, "gdp_growth", "1999-01", 1, "2025-04-01T00:00:00+08:00"));
            };
            case 7 -> value = switch (s) {
                // an id no plan names is a fact, not bad input: a period over a year ahead of the clock is
                case PROJECT_PROGRESS -> Topics.PROJECT_PROGRESS.encode(progress("u" + bad, "no_such_" + bad, "2026-07", 1, "2025-04-01T00:00:00+08:00"));
                case INDICATOR_REPORT -> Topics.INDICATOR_REPORT.encode(indicator("u" + bad, "trucks", "2027-03", 1, "2025-04-01T00:00:00+08:00"));
                case TRUCK_DEPARTURE -> Topics.TRUCK_DEPARTURE.encode(truck("u" + bad, "2025-03-01T00:00:00+08:00", "Vietnam", 1));
                default -> "{\"type\":\"nope\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            };
            case 8 -> value = null;
            default -> value = ("{\"type\":\"" + s.type() + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        f.send(s, rnd.nextBoolean() ? null : "k" + bad, value);
    }
}
