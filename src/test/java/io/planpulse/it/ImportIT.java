package io.planpulse.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.planpulse.Planpulse;
import io.planpulse.broker.EmbeddedBroker;
import io.planpulse.app.Config;
import io.planpulse.app.PipelineApp;
import io.planpulse.app.PlanLoad;
import io.planpulse.app.TopicAdmin;
import io.planpulse.base.Topics;
import io.planpulse.plan.PlanLoader;
import io.planpulse.base.Stream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code import} against a real broker and the pipeline (CONTRACT section 7): a department's workbook imported twice
 * gives its figures once (the second import's derived report_ids are duplicates the pipeline counts and drops), and a
 * file with a bad row sends nothing at all.
 */
class ImportIT {
    /** p1: January 40,000,000 and February 30,000,000 yuan (0.7 亿); p2: January 60,000,000 (0.6 亿). */
    static final double P1_YI = 0.7;
    static final double P2_YI = 0.6;

    record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        CommandLine cl = Planpulse.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return new Run(cl.execute(args), out.toString(), err.toString());
    }

    /** The template's headers, an amount stored as text, an Excel date and a date as text, as a department has it. */
    private static Path workbook(Path dir) throws Exception {
        Path f = dir.resolve("2025-q1.xlsx");
        try (XSSFWorkbook wb = new XSSFWorkbook(); OutputStream o = Files.newOutputStream(f)) {
            Sheet sh = wb.createSheet("项目进度");
            CellStyle date = wb.createCellStyle();
            date.setDataFormat(wb.createDataFormat().getFormat("yyyy-mm-dd"));
            String[] head = {"项目编号", "报告期", "本月完成投资(元)", "形象进度(%)", "节点/里程碑", "填报日期"};
            Row h = sh.createRow(0);
            for (int i = 0; i < head.length; i++) {
                h.createCell(i).setCellValue(head[i]);
            }
            Object[][] rows = {
                {"p1", "2025-01", 40_000_000.0, 10.0, "开工", LocalDate.of(2025, 2, 5)},
                {"p1", "2025-02", "30,000,000", 20.0, null, "2025/3/4"},
                {"p2", "2025-01", 60_000_000.0, null, null, LocalDate.of(2025, 2, 6)},
            };
            for (int r = 0; r < rows.length; r++) {
                Row row = sh.createRow(r + 1);
                for (int c = 0; c < rows[r].length; c++) {
                    Object v = rows[r][c];
                    if (v instanceof String s) {
                        row.createCell(c).setCellValue(s);
                    } else if (v instanceof Double d) {
                        row.createCell(c).setCellValue(d);
                    } else if (v instanceof LocalDate d) {
                        row.createCell(c).setCellValue(d);
                        row.getCell(c).setCellStyle(date);
                    }
                }
            }
            wb.write(o);
        }
        return f;
    }

    private static double actual(PipelineApp app, String id) throws Exception {
        return Http.get(app.url() + "/api/kpis/2025/" + id).json().path("actual").asDouble();
    }

    private static Map<TopicPartition, Long> inputEnds(Config c) throws Exception {
        try (Admin admin = Admin.create(c.clients())) {
            return PipelineApp.endOffsets(admin, Topics.INPUTS);
        }
    }

    @Test
    void shouldCountAFileImportedTwiceOnceAndSendNothingOfABadFile(@TempDir Path dir) throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(null)) {
            Config a = TestConfigs.local(broker.bootstrapServers(), dir.resolve("a"));
            TopicAdmin.ensureTopics(a.clients(), 3, 1);
            String yaml = new String(ImportIT.class.getResourceAsStream("/plans/test-2025.yaml").readAllBytes(),
                    StandardCharsets.UTF_8);
            PlanLoad.publish(PlanLoader.load("test.yaml", new StringReader(yaml)), a.clients());
            try (PipelineApp app = PipelineApp.start(a, PlanLifecycleIT.CLOCK)) {
                app.awaitReady(Duration.ofMinutes(2));
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(app::hostsKpiStage);
                Path file = workbook(dir);
                String[] args = {"import", file.toString(), "--type", "project_progress", "--bootstrap-servers",
                        broker.bootstrapServers()};

                Run first = run(args);
                assertThat(first.code()).as(first.err()).isZero();
                assertThat(first.out()).contains("imported 3 project_progress reports");
                app.awaitReflected(Duration.ofMinutes(2));
                assertThat(actual(app, "p1")).isCloseTo(P1_YI, within(1e-12));
                assertThat(actual(app, "p2")).isCloseTo(P2_YI, within(1e-12));
                String once = Http.get(app.url() + "/api/kpis?year=2025").body();

                Run second = run(args);
                assertThat(second.code()).as(second.err()).isZero();
                app.awaitReflected(Duration.ofMinutes(2));
                await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200)).until(() -> Http.metric(
                        Http.get(app.url() + "/metrics").body(), "planpulse_events_duplicate_total",
                        "stream=\"project_progress\"") == 3.0);
                assertThat(actual(app, "p1")).isCloseTo(P1_YI, within(1e-12));
                assertThat(actual(app, "all_projects")).isCloseTo(P1_YI + P2_YI, within(1e-12));
                assertThat(Http.get(app.url() + "/api/kpis?year=2025").body()).isEqualTo(once);
                List<String> keys = new ArrayList<>();
                TopicAdmin.readAll(a.clients(), Stream.PROJECT_PROGRESS.topic(), new ByteArrayDeserializer(),
                        r -> keys.add(r.key()));
                Set<String> distinct = new HashSet<>(keys);
                assertThat(keys).as("both imports sent every row, with the same derived ids").hasSize(6);
                assertThat(distinct).hasSize(3).allMatch(k -> k.startsWith("imp-"));

                Map<TopicPartition, Long> before = inputEnds(a);
                Path bad = dir.resolve("bad.csv");
                Files.writeString(bad, """
                        项目编号,报告期,本月完成投资(元),填报日期
                        p3,2025-02,20000000,2025-03-02
                        p3,2025-02,-1,2025-03-03
                        """);
                Run refused = run("import", bad.toString(), "--type", "project_progress", "--bootstrap-servers",
                        broker.bootstrapServers());
                assertThat(refused.code()).isEqualTo(2);
                assertThat(refused.err()).contains("row 3, column C (本月完成投资(元)) \"-1\": negative_amount")
                        .contains("nothing sent");
                assertThat(inputEnds(a)).as("not one record of the bad file reached an input topic").isEqualTo(before);
                app.awaitReflected(Duration.ofMinutes(2));
                assertThat(actual(app, "p3")).as("p3's good row was not sent either").isZero();
            }
        }
    }
}
