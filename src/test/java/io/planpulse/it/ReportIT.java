package io.planpulse.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.planpulse.Planpulse;
import io.planpulse.broker.EmbeddedBroker;
import io.planpulse.app.Config;
import io.planpulse.app.PipelineApp;
import io.planpulse.app.PlanLoad;
import io.planpulse.app.Progress;
import io.planpulse.app.Replay;
import io.planpulse.pipeline.MutableClock;
import io.planpulse.plan.Plan;
import io.planpulse.plan.PlanLoader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22 on a real broker: the pipeline runs in this JVM with its clock at 12 July 2025 and the test plan; trucks
 * and project reports of January to July are replayed. June's report, over {@code GET /report} and from the
 * {@code report} command, shows June's figures (600 trucks, 序时进度 50 %) although the KPIs already hold July's.
 */
class ReportIT {
    static final OffsetDateTime JULY_12 = OffsetDateTime.parse("2025-07-12T09:00:00+08:00");
    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    static EmbeddedBroker broker;
    static PipelineApp app;
    static String url;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        broker = EmbeddedBroker.start(null);
        Config config = TestConfigs.local(broker.bootstrapServers(), dir.resolve("state"));
        app = PipelineApp.start(config, new MutableClock(JULY_12.toInstant()));
        url = app.url();
        Plan plan;
        try (var in = ReportIT.class.getResourceAsStream("/plans/test-2025.yaml")) {
            plan = PlanLoader.load("test-2025.yaml", new InputStreamReader(in, StandardCharsets.UTF_8));
        }
        PlanLoad.publish(plan, config.clients());
        PlanLoad.publish(PlanLoader.load("city.yaml", new java.io.StringReader(CITY)), config.clients());
        app.awaitReady(Duration.ofMinutes(2));
        List<String> lines = new ArrayList<>();
        for (int m = 1; m <= 7; m++) {
            for (int i = 0; i < 100; i++) {
                lines.add(String.format("{\"type\":\"truck_departure\",\"departure_id\":\"t%d-%d\",\"route_id\":\"cq-hanoi\","
                        + "\"destination_country\":\"VN\",\"exit_port\":\"youyiguan\",\"departed_at\":\"2025-%02d-%02dT10:00:00+08:00\","
                        + "\"cargo_value_cny\":1000000,\"cargo_weight_t\":20}", m, i, m, 1 + i % 28));
            }
            lines.add(progress("p1", m, "10000000"));
            if (m <= 5) {
                lines.add(progress("p3", m, "20000000"));
            }
        }
        Replay.Result r = Replay.run(List.of(write(dir.resolve("events.jsonl"), lines)), config.clients(),
                Progress.quiet(), new PrintStream(PrintStream.nullOutputStream()));
        assertThat(r.badLines()).isZero();
        app.awaitReflected(Duration.ofMinutes(2));
        await().atMost(Duration.ofMinutes(1)).until(() -> text(get("/api/kpis/2025/trucks")).contains("\"actual\":700.0"));
    }

    /** The city's plan: a roll-up of Banan's trucks. */
    static final String CITY = """
            year: 2025
            district: "500000"
            district_name: 重庆市
            targets:
              - id: trucks_all
                name_zh: 全市跨境班车
                name_en: Cross-border trucks, every district
                category: logistics_trade
                unit: trips
                kind: cumulative_flow
                comparator: at_least
                source: districts:trucks
            """;

    @Test
    void shouldGiveACitysReportASectionPerCoveredDistrict(@TempDir Path dir) throws Exception {
        await().atMost(Duration.ofMinutes(1)).until(() -> text(get("/api/kpis/2025/trucks_all")).contains("\"actual\":700.0"));
        String html = text(get("/report?year=2025&month=6&district=500000"));
        assertThat(html).contains("<h2>重庆市 500000</h2>", "<h2>巴南区 500113</h2>", "全市跨境班车", "跨境公路班车发车");
        assertThat(html).containsPattern("全市跨境班车.*?600\\.00</td>");

        Path out = dir.resolve("city.html");
        assertThat(Planpulse.commandLine().setOut(new PrintWriter(new StringWriter())).execute("report", "--year",
                "2025", "--month", "6", "--district", "500000", "--out", out.toString(), "--bootstrap-servers",
                broker.bootstrapServers())).isZero();
        assertThat(Files.readString(out)).contains("<h2>重庆市 500000</h2>", "<h2>巴南区 500113</h2>");
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldServeJunesReportAsHtml() throws Exception {
        HttpResponse<byte[]> r = get("/report?year=2025&month=6");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        String html = new String(r.body(), StandardCharsets.UTF_8);
        assertThat(html).contains("2025年6月").contains("<svg").doesNotContain("<script");
        // the trucks row: 600 of 1,200 against 序时进度 50 % (the KPI itself holds July's 700)
        assertThat(html).containsPattern("跨境公路班车发车.*?600\\.00</td><td class=\"n\">50\\.0%</td><td class=\"n\">50\\.0%</td>");
        assertThat(html).contains("逾期未报");
    }

    @Test
    void shouldServeJunesReportAsAnXlsxAttachment() throws Exception {
        HttpResponse<byte[]> r = get("/report?year=2025&month=6&format=xlsx");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type"))
                .hasValue("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        assertThat(r.headers().firstValue("Content-Disposition")).hasValue("attachment; filename=\"report-2025-06.xlsx\"");
        try (XSSFWorkbook wb = new XSSFWorkbook(new ByteArrayInputStream(r.body()))) {
            Sheet s = wb.getSheetAt(0);
            Row trucks = row(s, "trucks");
            assertThat(trucks.getCell(9).getNumericCellValue()).as("actual through June").isEqualTo(600.0);
            assertThat(trucks.getCell(11).getNumericCellValue()).as("序时进度").isCloseTo(0.5, within(1e-12));
            Sheet overdue = wb.getSheet("逾期未报 Overdue");
            assertThat(row(overdue, "p3")).as("p3 has no June report after 10 July").isNotNull();
        }
    }

    @Test
    void shouldAnswer400NamingTheBadValue() throws Exception {
        assertThat(text(get("/report?year=2025&month=13"))).contains("month must be 1 to 12, not 13");
        assertThat(get("/report?year=2025&month=13").statusCode()).isEqualTo(400);
        assertThat(get("/report?year=20x5&month=6").statusCode()).isEqualTo(400);
        assertThat(text(get("/report?year=2025&month=6&format=pdf"))).contains("format must be html or xlsx");
        assertThat(get("/report?month=6").statusCode()).isEqualTo(400);
        assertThat(get("/report?year=2024&month=6").statusCode()).as("no plan for 2024").isEqualTo(404);
        assertThat(get("/report?year=2025&month=6&district=500112").statusCode()).isEqualTo(404);
    }

    @Test
    void shouldWriteTheSameReportFromTheCommandLine(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("june.xlsx");
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        int code = Planpulse.commandLine().setOut(new PrintWriter(stdout)).setErr(new PrintWriter(stderr))
                .execute("report", "--year", "2025", "--month", "6", "--format", "xlsx", "--out", out.toString(),
                        "--as-of", "2025-07-12T09:00:00+08:00", "--bootstrap-servers", broker.bootstrapServers());
        assertThat(code).as("stderr: %s", stderr).isZero();
        assertThat(stdout.toString()).contains("written to " + out);
        try (XSSFWorkbook wb = new XSSFWorkbook(Files.newInputStream(out))) {
            assertThat(row(wb.getSheetAt(0), "trucks").getCell(9).getNumericCellValue()).isEqualTo(600.0);
            assertThat(row(wb.getSheet("逾期未报 Overdue"), "p3")).isNotNull();
        }
        Path html = dir.resolve("june.html");
        assertThat(Planpulse.commandLine().setOut(new PrintWriter(new StringWriter())).execute("report", "--year", "2025",
                "--month", "6", "--out", html.toString(), "--bootstrap-servers", broker.bootstrapServers())).isZero();
        assertThat(Files.readString(html)).contains("2025年6月").contains("<svg");

        StringWriter bad = new StringWriter();
        assertThat(Planpulse.commandLine().setErr(new PrintWriter(bad)).execute("report", "--year", "2025", "--month",
                "13", "--bootstrap-servers", broker.bootstrapServers())).isEqualTo(2);
        assertThat(bad.toString()).contains("month must be 1 to 12, not 13");
        assertThat(Planpulse.commandLine().setErr(new PrintWriter(new StringWriter())).execute("report", "--year",
                "2024", "--month", "6", "--out", dir.resolve("x.html").toString(), "--bootstrap-servers",
                broker.bootstrapServers())).as("no plan for 2024").isEqualTo(2);
    }

    private static Row row(Sheet s, String id) {
        for (Row r : s) {
            if (r.getRowNum() >= 2 && r.getCell(3) != null && id.equals(r.getCell(3).getStringCellValue())) {
                return r;
            }
        }
        return null;
    }

    private static String progress(String project, int month, String yuan) {
        return String.format("{\"type\":\"project_progress\",\"report_id\":\"r-%s-%d\",\"project_id\":\"%s\","
                + "\"period\":\"2025-%02d\",\"investment_cny\":%s,\"reported_at\":\"2025-%02d-05T09:00:00+08:00\"}",
                project, month, project, month, yuan, month + 1);
    }

    private static Path write(Path f, List<String> lines) throws Exception {
        Files.write(f, lines);
        return f;
    }

    private static HttpResponse<byte[]> get(String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(url + path)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }
}
