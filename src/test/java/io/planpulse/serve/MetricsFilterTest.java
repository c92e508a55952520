package io.planpulse.serve;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code /metrics?district=D}: the KPI series of the plans D covers, with their HELP and TYPE, and nothing else. */
class MetricsFilterTest {
    static final String SCRAPE = """
            # HELP planpulse_events_total Input records read
            # TYPE planpulse_events_total counter
            planpulse_events_total{stream="truck_departure"} 12.0
            # HELP planpulse_kpi_actual Actual so far, in the target's unit
            # TYPE planpulse_kpi_actual gauge
            planpulse_kpi_actual{category="logistics_trade",district="500113",indicator="trucks",kind="cumulative_flow",unit="trips",year="2025"} 3.0
            planpulse_kpi_actual{category="logistics_trade",district="500112",indicator="trucks",kind="cumulative_flow",unit="trips",year="2025"} 1.0
            planpulse_kpi_actual{category="logistics_trade",district="500000",indicator="trucks",kind="cumulative_flow",unit="trips",year="2025"} 5.0
            planpulse_kpi_actual{category="logistics_trade",district="510104",indicator="trucks",kind="cumulative_flow",unit="trips",year="2025"} 7.0
            # HELP planpulse_kpi_info Descriptive labels of a target (always 1)
            # TYPE planpulse_kpi_info gauge
            planpulse_kpi_info{district="500112",district_name="渝北区 \\"north\\", district=\\"x\\"",indicator="trucks",year="2025"} 1.0
            # HELP planpulse_facts_overflow_total Flow events beyond the cap
            # TYPE planpulse_facts_overflow_total counter
            planpulse_facts_overflow_total{district="500112",stream="truck_departure"} 0.0
            """;

    @Test
    void shouldServeTheSeriesOfTheDistrictsACodeCovers() {
        String yubei = MetricsFilter.kpiSeriesOf(SCRAPE, "500112");
        assertThat(yubei).contains("district=\"500112\",indicator=\"trucks\",kind=\"cumulative_flow\",unit=\"trips\"")
                .contains("# TYPE planpulse_kpi_actual gauge", "planpulse_kpi_info{district=\"500112\"",
                        "# TYPE planpulse_facts_overflow_total counter")
                .doesNotContain("500113", "500000", "510104", "planpulse_events_total");

        String city = MetricsFilter.kpiSeriesOf(SCRAPE, "500000");
        assertThat(city.lines().filter(l -> l.startsWith("planpulse_kpi_actual"))).hasSize(3);
        assertThat(city).doesNotContain("510104");
        assertThat(MetricsFilter.kpiSeriesOf(SCRAPE, "520000")).isEmpty();
    }

    @Test
    void shouldReadALabelWhateverTheOtherLabelsHold() {
        String line = "planpulse_kpi_info{district_name=\"a \\\"b\\\", district=\\\"x\\\"\",district=\"500112\"} 1.0";
        assertThat(MetricsFilter.label(line, "district")).isEqualTo("500112");
        assertThat(MetricsFilter.label(line, "district_name")).isEqualTo("a \"b\", district=\"x\"");
        assertThat(MetricsFilter.label("planpulse_up 1.0", "district")).isNull();
    }
}
