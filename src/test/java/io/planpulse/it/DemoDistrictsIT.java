package io.planpulse.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's city in three commands: {@code demo --districts 3} serves Banan, 万州 and 涪陵 with plans derived from
 * the shipped one and their own simulated events, and the city's aggregate plan whose roll-ups add the districts'.
 */
class DemoDistrictsIT {
    @Test
    void shouldServeThreeDistrictsAndTheCitysRollUps() throws Exception {
        Process demo = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-jar", "target/planpulse.jar", "demo", "--districts", "3", "--as-of", "2025-06-15",
                "--rate", "0", "--http-port", "0", "--quiet").start();
        List<String> stderr = new ArrayList<>();
        CompletableFuture.runAsync(() -> new BufferedReader(new InputStreamReader(demo.getErrorStream(),
                StandardCharsets.UTF_8)).lines().forEach(l -> {
                    synchronized (stderr) {
                        stderr.add(l);
                    }
                }));
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8));
            String line = CompletableFuture.supplyAsync(() -> {
                try {
                    String l;
                    while ((l = out.readLine()) != null) {
                        if (l.startsWith("ready ")) {
                            return l;
                        }
                    }
                    return null;
                } catch (java.io.IOException e) {
                    return null;
                }
            }).get(5, TimeUnit.MINUTES);
            assertThat(line).as("ready line; stderr: %s", stderr).isNotNull();
            String url = line.substring("ready ".length());

            JsonNode districts = Http.get(url + "/api/districts?year=2025").json();
            assertThat(districts).extracting(d -> d.path("district").asText())
                    .containsExactlyInAnyOrder("500113", "500101", "500102", "500000");
            assertThat(districts).extracting(d -> d.path("district_name").asText())
                    .contains("巴南区", "万州区", "涪陵区", "重庆市");

            String id = "cross_border_truck_departures";
            double sum = 0;
            for (String d : new String[] {"500113", "500101", "500102"}) {
                JsonNode item = Http.get(url + "/api/kpis/2025/" + id + "?district=" + d).json();
                assertThat(item.path("actual").asDouble()).as(d).isPositive();
                sum += item.path("actual").asDouble();
            }
            JsonNode city = Http.get(url + "/api/kpis/2025/" + id + "?district=500000").json();
            assertThat(city.path("actual").asDouble()).as("the city's roll-up adds its districts'").isEqualTo(sum);
            assertThat(city.path("districts")).hasSize(3);
            assertThat(city.path("missing_districts")).isEmpty();
            assertThat(Http.get(url + "/api/kpis/2025/" + id).status()).as("four plans have that id").isEqualTo(400);
            assertThat(Http.get(url + "/api/kpis?year=2025&district=500101").json())
                    .allSatisfy(i -> assertThat(i.path("district_name").asText()).isEqualTo("万州区"));
        } finally {
            demo.destroy();
            assertThat(demo.waitFor(60, TimeUnit.SECONDS)).as("demo stops on SIGTERM").isTrue();
        }
    }
}
