package io.planpulse.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The boards and alerts against real parts: a running {@code demo} (simulated 2025 as of 11 June, plus a bad
 * record), Debian's Prometheus scraping it with the shipped rules, and Debian's Alertmanager routing to a local
 * webhook. Every panel query of every board must return data (but for panels that are empty whenever all is well),
 * and a lagging target must reach the webhook.
 */
class OpsEndToEndIT {
    static final ObjectMapper JSON = Tools.JSON;
    static Process demo;
    static Tools.AlertStack stack;

    @BeforeAll
    static void startStack(@TempDir Path dir) throws Exception {
        Path events = dir.resolve("bad.jsonl");
        Files.writeString(events, "{\"type\":\"hub_throughput\",\"record_id\":\"neg\",\"terminal\":\"road_port\","
                + "\"tonnes\":-1,\"measured_at\":\"2025-06-01T08:00:00+08:00\"}\n");
        demo = Tools.start(dir.resolve("demo.log"), Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx768m", "-jar", "target/planpulse.jar", "demo", "--as-of", "2025-06-11T12:00:00+08:00", "--replay",
                events.toString(), "--rate", "20", "--http-port", "0", "--quiet");
        BufferedReader out = new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8));
        String ready = CompletableFuture.supplyAsync(() -> out.lines().filter(l -> l.startsWith("ready ")).findFirst()
                .orElse(null)).get(4, TimeUnit.MINUTES);
        assertThat(ready).as("demo ready line").isNotNull();
        stack = Tools.AlertStack.start(dir, URI.create(ready.substring(6)).getAuthority());
    }

    @AfterAll
    static void stopStack() throws Exception {
        if (stack != null) {
            stack.close();
        }
        if (demo != null) {
            demo.destroy();
            demo.waitFor(30, TimeUnit.SECONDS);
        }
    }

    static JsonNode query(String promql) throws Exception {
        return stack.query(promql);
    }

    /** Panels with nothing to show while all is well; their queries must still run. */
    static final Set<String> EMPTY_BY_MEANING = Set.of("Early warnings · 预警");
    static final Map<String, String> BUILT_INS = Map.of("__rate_interval", "1m", "__range", "1h", "__interval", "15s");
    static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.*),\\s*(\\w+)\\)");

    record PanelQuery(String key, String panel, String expr) {
    }

    /** Replaces $name and ${name}, longest names first. */
    static String substitute(String expr, Map<String, String> vars) {
        List<String> names = new ArrayList<>(vars.keySet());
        names.sort(Comparator.comparingInt(String::length).reversed());
        for (String n : names) {
            expr = expr.replace("${" + n + "}", vars.get(n)).replace("$" + n, vars.get(n));
        }
        return expr;
    }

    /**
     * Every panel and template-variable query of every board, with the variables as Grafana sets them by default:
     * "All" (the variable's allValue) where a variable offers it, otherwise the first value that its own query finds
     * (the plan year that is loaded). No year or target id is written here, so the boards must follow the plan.
     * {@code overrides} sets variables by name instead (DistrictsIT picks one district).
     */
    static List<PanelQuery> panelQueries(Tools.AlertStack stack, Map<String, String> overrides) throws Exception {
        List<PanelQuery> out = new ArrayList<>();
        try (var files = Files.list(Path.of("deploy/grafana/dashboards"))) {
            for (Path f : files.sorted().toList()) {
                JsonNode board = JSON.readTree(f.toFile());
                Map<String, String> vars = new LinkedHashMap<>(BUILT_INS);
                for (JsonNode v : board.path("templating").path("list")) {
                    String name = v.path("name").asText();
                    String query = substitute(v.path("query").path("query").asText(), vars);
                    out.add(new PanelQuery(f.getFileName() + " / $" + name, "$" + name, query));
                    if (overrides.containsKey(name)) {
                        vars.put(name, overrides.get(name));
                    } else if (v.path("includeAll").asBoolean()) {
                        vars.put(name, v.path("allValue").asText(".*"));
                    } else {
                        Matcher m = LABEL_VALUES.matcher(query);
                        JsonNode values = m.matches() ? stack.labelValues(m.group(1), m.group(2)) : JSON.createArrayNode();
                        vars.put(name, values.isEmpty() ? "" : values.get(0).asText());
                    }
                }
                for (JsonNode panel : board.path("panels")) {
                    for (JsonNode t : panel.path("targets")) {
                        out.add(new PanelQuery(f.getFileName() + " / " + panel.path("title").asText() + " / "
                                + t.path("refId").asText(), panel.path("title").asText(),
                                substitute(t.path("expr").asText(), vars)));
                    }
                }
            }
        }
        return out;
    }

    @Test
    void everyPanelQueryOfEveryBoardReturnsData() throws Exception {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            List<PanelQuery> queries = panelQueries(stack, Map.of());
            assertThat(queries).hasSizeGreaterThan(40);
            // $district lists the district labels of the KPI series (CONTRACT §1b); a demo whose series carry none
            // has nothing to list, and its boards show every target under "All" (.* matches the missing label).
            boolean districts = !query("planpulse_kpi_target{district!=\"\"}").isEmpty();
            List<String> empty = new ArrayList<>();
            for (PanelQuery q : queries) {
                Matcher m = LABEL_VALUES.matcher(q.expr());
                JsonNode result = m.matches() ? stack.labelValues(m.group(1), m.group(2)) : query(q.expr());
                boolean tolerated = EMPTY_BY_MEANING.contains(q.panel()) || (!districts && q.panel().equals("$district"));
                if (result.isEmpty() && !tolerated) {
                    empty.add(q.key() + ": " + q.expr());
                }
            }
            assertThat(empty).as("panel queries without data").isEmpty();
        });
    }

    @Test
    void aLaggingTargetReachesTheWebhookThroughAlertmanager() throws Exception {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            List<Tools.AlertStack.Delivered> lagging = stack.delivered("PlanTargetLagging");
            assertThat(lagging).isNotEmpty();
            JsonNode a = lagging.get(0).alert();
            assertThat(a.path("status").asText()).isEqualTo("firing");
            assertThat(a.path("labels").path("indicator").asText()).isNotEmpty();
            assertThat(a.path("labels").path("owner").asText()).isNotEmpty();
            assertThat(a.path("labels").path("category").asText()).isNotEmpty();
            assertThat(a.path("labels").path("severity").asText()).isEqualTo("warning");
            assertThat(a.path("annotations").path("summary").asText()).contains("is lagging its 2025 schedule");
            // The figures in the annotations are the target's own: gap = completion - expected. (The gap alone does not
            // say "lagging": an `about` target lags when it is outside its tolerance.)
            double gap = Double.parseDouble(a.path("annotations").path("gap").asText());
            double completion = Double.parseDouble(a.path("annotations").path("completion").asText());
            double expected = Double.parseDouble(a.path("annotations").path("expected").asText());
            assertThat(gap).isCloseTo(completion - expected, org.assertj.core.api.Assertions.within(1e-9));
        });
    }
}
