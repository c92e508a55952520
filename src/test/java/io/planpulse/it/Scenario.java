package io.planpulse.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A small replay for the test plan (src/test/resources/plans/test-2025.yaml) with what makes it hard:
 * duplicates, a restatement, a stale report, a month-boundary departure and bad lines. As of
 * 2025-03-05T12:00+08:00 the expected figures are the constants below.
 */
final class Scenario {
    static final String AS_OF = "2025-03-05T12:00:00+08:00";
    static final int TRUCKS = 300;
    static final int TRUCKS_VN = 100;
    /** 300 trucks, 1,000,000.01 yuan each: 3.00000003 亿. */
    static final double CARGO_YI = 3.00000003;
    /** p1: January restated from 40,000,000 to 45,000,000.50, February 30,000,000 → 0.750000005 亿. */
    static final double P1_YI = 0.750000005;
    static final double P2_YI = 0.6;
    static final double P3_YI = 0.2;
    static final int BAD_LINES = 2;
    /**
     * Lines the pipeline refuses: a negative amount and the two bad lines sent as raw bytes. The report for p9, a
     * project no target names, is a fact, not bad input: it is listed as unplanned.
     */
    static final int REJECTED = 3;

    static Path write(Path dir) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < TRUCKS; i++) {
            String at = i == 0 ? "2025-02-01T00:10:00+08:00" : String.format("2025-%02d-%02dT%02d:30:00+08:00",
                    1 + i % 2, 1 + i % 28, i % 24);
            String country = i % 3 == 0 ? "VN" : "LA";
            String line = String.format("{\"type\":\"truck_departure\",\"departure_id\":\"d%d\",\"route_id\":\"cq-hanoi\","
                    + "\"destination_country\":\"%s\",\"exit_port\":\"youyiguan\",\"departed_at\":\"%s\","
                    + "\"cargo_value_cny\":1000000.01,\"cargo_weight_t\":20}", i, country, at);
            lines.add(line);
            if (i % 30 == 0) {
                lines.add(line); // a retrying sender
            }
        }
        lines.add(progress("r-p1-01", "p1", "2025-01", "40000000", "2025-02-05T09:00:00+08:00"));
        lines.add(progress("r-p1-02", "p1", "2025-02", "30000000", "2025-03-04T09:00:00+08:00"));
        lines.add(progress("r-p1-01b", "p1", "2025-01", "45000000.50", "2025-02-20T09:00:00+08:00"));
        lines.add(progress("r-p1-01-stale", "p1", "2025-01", "1", "2025-02-06T09:00:00+08:00"));
        lines.add(progress("r-p2-01", "p2", "2025-01", "60000000", "2025-02-06T09:00:00+08:00"));
        lines.add(progress("r-p3-01", "p3", "2025-01", "20000000", "2025-02-07T09:00:00+08:00"));
        lines.add(progress("r-p3-01", "p3", "2025-01", "20000000", "2025-02-07T09:00:00+08:00"));
        lines.add(progress("r-neg", "p3", "2025-02", "-5", "2025-03-02T09:00:00+08:00"));
        lines.add(progress("r-unknown", "p9", "2025-02", "5", "2025-03-02T09:00:00+08:00"));
        lines.add("{\"type\":\"truck_departure\",\"departure_id\":\"no-time\",\"route_id\":\"r\",\"destination_country\":\"VN\",\"exit_port\":\"youyiguan\"}");
        lines.add("{this is not json");
        lines.add("{\"type\":\"indicator_report\",\"report_id\":\"g1\",\"indicator_id\":\"gdp_growth\",\"period\":\"2025-01\","
                + "\"value\":6.2,\"reported_at\":\"2025-02-10T09:00:00+08:00\"}");
        Path f = dir.resolve("events.jsonl");
        Files.write(f, lines);
        return f;
    }

    private static String progress(String id, String project, String period, String yuan, String at) {
        return String.format("{\"type\":\"project_progress\",\"report_id\":\"%s\",\"project_id\":\"%s\",\"period\":\"%s\","
                + "\"investment_cny\":%s,\"reported_at\":\"%s\"}", id, project, period, yuan, at);
    }

    private Scenario() {
    }
}
