package io.planpulse.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.planpulse.app.Config;
import io.planpulse.app.PipelineApp;
import io.planpulse.app.PlanLoad;
import io.planpulse.app.TopicAdmin;
import io.planpulse.avro.TruckDeparture;
import io.planpulse.base.Stream;
import io.planpulse.base.Topics;
import io.planpulse.broker.EmbeddedBroker;
import io.planpulse.plan.PlanLoader;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three districts and the city on a real broker (issue 19): each district's plan over its own trucks, the city's plan
 * over all of them (a flow target and a districts: roll-up), the item route's rule for an id three plans share,
 * GET /api/districts, and /metrics?district=D.
 */
class DistrictsPipelineIT {
    static final String CITY = """
            year: 2025
            district: "500000"
            district_name: 重庆市
            targets:
              - id: trucks
                name_zh: 全市跨境班车
                name_en: Cross-border trucks, the city
                category: logistics_trade
                unit: trips
                kind: cumulative_flow
                comparator: at_least
                target: 5000
                source: truck_departures:count
              - id: trucks_by_district
                name_zh: 各区跨境班车
                name_en: Cross-border trucks, the districts' plans
                category: logistics_trade
                unit: trips
                kind: cumulative_flow
                comparator: at_least
                source: districts:trucks
            """;

    private static String testPlan(String district, String name) throws Exception {
        try (InputStream in = DistrictsPipelineIT.class.getResourceAsStream("/plans/test-2025.yaml")) {
            String yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return district == null ? yaml : "district: \"" + district + "\"\ndistrict_name: " + name + "\n" + yaml;
        }
    }

    /** Banan, Yubei, Jiangbei and the city's plans, on a fresh broker. */
    static void loadPlans(Config c) throws Exception {
        TopicAdmin.ensureTopics(c.clients(), 3, 1);
        PlanLoad.publish(PlanLoader.load("banan.yaml", new StringReader(testPlan(null, null))), c.clients(),
                "banan.yaml", c.get(Config.DISTRICT));
        PlanLoad.publish(PlanLoader.load("yubei.yaml", new StringReader(testPlan("500112", "渝北区"))), c.clients(),
                "yubei.yaml", c.get(Config.DISTRICT));
        PlanLoad.publish(PlanLoader.load("jiangbei.yaml", new StringReader(testPlan("500105", "江北区"))),
                c.clients(), "jiangbei.yaml", c.get(Config.DISTRICT));
        PlanLoad.publish(PlanLoader.load("city.yaml", new StringReader(CITY)), c.clients(), "city.yaml",
                c.get(Config.DISTRICT));
    }

    /**
     * 4 trucks in Banan (no district: the deployment's), 2 in Yubei, 1 in Jiangbei, 3 in Shapingba (no plan) and 1 in
     * Chengdu's Qingyang district (no plan, outside the city).
     */
    static void sendTrucks(String bootstrap) throws Exception {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        String[][] sent = {{null, "4"}, {"500112", "2"}, {"500105", "1"}, {"500106", "3"}, {"510105", "1"}};
        for (String[] d : sent) {
            for (int i = 0; i < Integer.parseInt(d[1]); i++) {
                TruckDeparture t = io.planpulse.pipeline.TopologyFixture.truck(d[0] + "-" + i,
                        "2025-03-10T10:00:00+08:00", "VN", 1_000_000);
                t.setDistrict(d[0]);
                records.add(new ProducerRecord<>(Stream.TRUCK_DEPARTURE.topic(), t.getDepartureId(),
                        Topics.TRUCK_DEPARTURE.encode(t)));
            }
        }
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
                new StringSerializer(), new ByteArraySerializer())) {
            for (var r : records) {
                p.send(r).get();
            }
        }
    }

    /** The city's figures: every covered district's trucks, and the sum of the three districts' plans. */
    static void awaitFigures(String url) {
        awaitFigures(url, 4, 2, 1, 10);
    }

    /** The trucks of Banan, Yubei and Jiangbei, the city's of every covered district and the sum of the three plans. */
    static void awaitFigures(String url, double banan, double yubei, double jiangbei, double city) {
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            assertThat(actual(url, "trucks", "500113")).isEqualTo(banan);
            assertThat(actual(url, "trucks", "500112")).isEqualTo(yubei);
            assertThat(actual(url, "trucks", "500105")).isEqualTo(jiangbei);
            assertThat(actual(url, "trucks", "500000")).as("every covered district, 沙坪坝 too").isEqualTo(city);
            assertThat(actual(url, "trucks_by_district", null)).as("the three districts' plans")
                    .isEqualTo(banan + yubei + jiangbei);
        });
    }

    /**
     * The KPI work in three partitions (500112 in 0, 500105 in 1, 500113 and 500106 in 2; the city's province in 2),
     * so the city is computed from three partitions' contributions.
     */
    @Test
    void shouldServeThreeDistrictsAndTheCityFromOneDeployment(@TempDir Path dir) throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(null)) {
            Config c = TestConfigs.local(broker.bootstrapServers(), dir, Config.KPI_PARTITIONS, "3");
            loadPlans(c);
            Clock clock = Clock.fixed(OffsetDateTime.parse(Scenario.AS_OF).toInstant(), ZoneOffset.UTC);
            try (PipelineApp app = PipelineApp.start(c, clock)) {
                app.awaitReady(Duration.ofMinutes(2));
                sendTrucks(broker.bootstrapServers());
                String url = app.url();
                awaitFigures(url);
                Http.Response ambiguous = Http.get(url + "/api/kpis/2025/trucks");
                assertThat(ambiguous.status()).isEqualTo(400);
                assertThat(ambiguous.body()).contains("500000", "500105", "500112", "500113");
                JsonNode rollup = Http.get(url + "/api/kpis/2025/trucks_by_district").json();
                assertThat(rollup.path("target").asDouble()).isEqualTo(3600.0);
                assertThat(rollup.path("districts")).hasSize(3);
                assertThat(rollup.path("missing_districts").toString()).isEqualTo("[\"500106\"]");
                assertThat(Http.get(url + "/api/kpis?year=2025&district=500112").json())
                        .allSatisfy(i -> assertThat(i.path("district").asText()).isEqualTo("500112"))
                        .anySatisfy(i -> assertThat(i.path("district_name").asText()).isEqualTo("渝北区"));

                // Chengdu's truck is in a partition of its own: its district may be listed a round after the figures
                JsonNode districts = await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200))
                        .until(() -> Http.get(url + "/api/districts?year=2025").json(), d -> d.size() == 6);
                assertThat(districts).extracting(d -> d.path("district").asText())
                        .containsExactlyInAnyOrder("500000", "500105", "500106", "500112", "500113", "510105");
                JsonNode cityEntry = null;
                for (JsonNode d : districts) {
                    if (d.path("district").asText().equals("500000")) {
                        cityEntry = d;
                    }
                }
                assertThat(cityEntry.path("covers").toString()).isEqualTo("[\"500105\",\"500106\",\"500112\",\"500113\"]");
                assertThat(cityEntry.path("targets").asInt()).isEqualTo(2);
                JsonNode chengdu = null;
                for (JsonNode d : districts) {
                    if (d.path("district").asText().equals("510105")) {
                        chengdu = d;
                    }
                }
                assertThat(chengdu.path("plan_version").isNull()).as("flow facts only, no plan: listed").isTrue();
                assertThat(chengdu.path("targets").asInt()).isZero();

                String yubei = Http.get(url + "/metrics?district=500112").body();
                assertThat(yubei).contains("planpulse_kpi_actual{").contains("district=\"500112\"")
                        .doesNotContain("district=\"500113\"").doesNotContain("planpulse_events_total");
                String city = Http.get(url + "/metrics?district=500000").body();
                assertThat(city).contains("district=\"500113\"", "district=\"500112\"", "district=\"500105\"",
                        "district=\"500000\"");
                assertThat(Http.get(url + "/metrics").body()).contains("planpulse_events_total");
                assertThat(app.failure()).isNull();
            }
        }
    }

    /**
     * Two instances of one application split the three KPI partitions: each runs at least one, each evaluates only
     * its own partitions' districts, and either serves the same exact figures, the city's included.
     */
    @Test
    void shouldSplitTheKpiPartitionsBetweenTwoInstances(@TempDir Path dir) throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(null)) {
            Config a = TestConfigs.local(broker.bootstrapServers(), dir.resolve("a"), Config.KPI_PARTITIONS, "3");
            Config b = TestConfigs.local(broker.bootstrapServers(), dir.resolve("b"), Config.KPI_PARTITIONS, "3");
            loadPlans(a);
            Clock clock = Clock.fixed(OffsetDateTime.parse(Scenario.AS_OF).toInstant(), ZoneOffset.UTC);
            try (PipelineApp one = PipelineApp.start(a, clock); PipelineApp two = PipelineApp.start(b, clock)) {
                one.awaitReady(Duration.ofMinutes(2));
                two.awaitReady(Duration.ofMinutes(2));
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                    assertThat(kpiPartitions(one)).isNotEmpty();
                    assertThat(kpiPartitions(two)).isNotEmpty();
                    java.util.Set<Integer> both = new java.util.TreeSet<>(kpiPartitions(one));
                    both.addAll(kpiPartitions(two));
                    assertThat(both).containsExactly(0, 1, 2);
                });
                sendTrucks(broker.bootstrapServers());
                awaitFigures(one.url());
                awaitFigures(two.url());
                for (PipelineApp app : List.of(one, two)) {
                    // the CPU of a partition's rounds is reported where it runs, and only there
                    String metrics = Http.get(app.url() + "/metrics").body();
                    for (int p = 0; p < 3; p++) {
                        String series = "planpulse_kpi_evaluation_cpu_seconds_count{partition=\"" + p + "\",scope=\"all\"}";
                        if (kpiPartitions(app).contains(p)) {
                            assertThat(metrics).as("partition %d runs here", p).contains(series);
                        } else {
                            assertThat(metrics).as("partition %d runs on the other instance", p).doesNotContain(series);
                        }
                    }
                    assertThat(app.failure()).isNull();
                }
            }
        }
    }

    /** The KPI-stage partitions an instance runs now. */
    private static java.util.Set<Integer> kpiPartitions(PipelineApp app) {
        return app.kpiPartitions();
    }

    private static double actual(String url, String id, String district) throws Exception {
        return Http.get(url + "/api/kpis/2025/" + id + (district == null ? "" : "?district=" + district)).json()
                .path("actual").asDouble();
    }
}
