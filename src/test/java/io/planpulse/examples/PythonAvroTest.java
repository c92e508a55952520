package io.planpulse.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.planpulse.events.InputSchemas;
import io.planpulse.events.JsonEvents;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Python example's own Avro helpers agree with Java's: the CRC-64-AVRO fingerprint of every schema (the avro
 * package has none, and its canonical form is wrong for logical types), and the single-object bytes of an event,
 * byte for byte.
 */
class PythonAvroTest {

    @Test
    void shouldComputeTheSameFingerprintsAsJava() throws Exception {
        List<String> files = InputSchemas.all().stream()
                .map(e -> Path.of("schemas", e.schema().getName() + ".avsc").toAbsolutePath().toString()).toList();
        Python.Result r = Python.example("planpulse_avro.py", files.toArray(String[]::new));
        assertThat(r.exit()).as(r.output()).isZero();
        for (InputSchemas.Entry e : InputSchemas.all()) {
            assertThat(r.output()).as(e.type()).contains(e.schema().getName() + ".avsc " + e.fingerprintHex() + " "
                    + HexFormat.ofDelimiter(" ").formatHex(e.header()));
        }
    }

    @Test
    void shouldEncodeEventsToTheBytesJavaWrites(@TempDir Path dir) throws Exception {
        String[][] events = {
            {"TruckDeparture", "{\"type\":\"truck_departure\",\"departure_id\":\"d-1\",\"route_id\":\"cq-hanoi\","
                    + "\"destination_country\":\"VN\",\"exit_port\":\"youyiguan\",\"departed_at\":\"2025-06-01T08:30:00.123+08:00\","
                    + "\"cargo_value_cny\":1250000.01,\"cargo_weight_t\":18.5}"},
            {"ProjectProgress", "{\"type\":\"project_progress\",\"report_id\":\"r-\u4e2d\",\"project_id\":\"kp_gov_002\","
                    + "\"period\":\"2025-05\",\"investment_cny\":12000000,\"progress_pct\":40.5,\"milestone\":\"\u4e3b\u4f53\u5b8c\u5de5\","
                    + "\"reported_at\":\"2025-06-05T09:00:00+08:00\"}"},
            {"ProjectProgress", "{\"type\":\"project_progress\",\"report_id\":\"r2\",\"project_id\":\"kp_gov_002\","
                    + "\"period\":\"2025-05\",\"investment_cny\":1.5,\"reported_at\":\"1969-12-31T23:59:59.999Z\"}"},
            {"IndicatorReport", "{\"type\":\"indicator_report\",\"report_id\":\"g1\",\"indicator_id\":\"gdp_growth\","
                    + "\"period\":\"2025-05\",\"value\":-0.3,\"reported_at\":\"2025-06-10T09:00:00+08:00\"}"},
        };
        StringBuilder code = new StringBuilder("import json, planpulse_avro\n");
        for (String[] e : events) {
            code.append("w = planpulse_avro.SingleObjectWriter(planpulse_avro.load_schema(")
                    .append(JsonEvents.MAPPER.writeValueAsString(Path.of("schemas", e[0] + ".avsc").toAbsolutePath().toString()))
                    .append("))\nprint(w.encode(json.loads(").append(JsonEvents.MAPPER.writeValueAsString(e[1]))
                    .append(")).hex())\n");
        }
        Python.Result r = Python.code(dir, "encode.py", code.toString());
        assertThat(r.exit()).as(r.output()).isZero();
        List<String> lines = r.output().lines().toList();
        for (int i = 0; i < events.length; i++) {
            assertThat(lines.get(i)).as(events[i][1]).isEqualTo(HexFormat.of().formatHex(JsonEvents.parse(events[i][1]).encode()));
        }
    }
}
