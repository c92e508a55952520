package io.planpulse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.planpulse.Planpulse;
import io.planpulse.avro.ProjectProgress;
import io.planpulse.events.EventDecoder;
import io.planpulse.events.InputEvent;
import io.planpulse.importer.ImportRecord;
import io.planpulse.importer.ImportResult;
import io.planpulse.importer.Importer;
import io.planpulse.importer.ReportKind;
import io.planpulse.base.Topics;
import io.planpulse.base.Stream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ImportCommandTest {
    /** Nothing listens here: a command that tried to send would fail, not exit 2. */
    static final String NO_BROKER = "127.0.0.1:1";

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        CommandLine cl = Planpulse.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private Path bad() throws Exception {
        Path f = dir.resolve("bad.csv");
        Files.writeString(f, """
                项目编号,报告期,本月完成投资(元),填报日期
                kp1,2025-06,100,2025-06-10
                kp2,6月,-1,2025-06-10
                ,2025-06,1,
                """);
        return f;
    }

    /** A sink that keeps what it is given. */
    static final class Recording implements ImportCommand.Sink {
        final List<ImportRecord> sent = new ArrayList<>();

        @Override
        public void send(ImportRecord r) {
            sent.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void shouldListEveryBadRowAndExitTwoWithoutSendingAnything() throws Exception {
        Path f = bad();
        Run r = run("import", f.toString(), "--type", "project_progress", "--bootstrap-servers", NO_BROKER);
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        // the wall clock may have closed 2025 (a note, not a problem)
        assertThat(r.err().lines().filter(l -> !l.contains("a year closed"))).containsExactly(
                f + ": row 3, column B (报告期) \"6月\": bad_period: not a month (2025-06, 2025/6, 2025年6月, 202506 or a date in the month)",
                f + ": row 3, column C (本月完成投资(元)) \"-1\": negative_amount: investment_cny is negative",
                f + ": row 4, column A (项目编号): missing_field: project_id is missing",
                f + ": row 4, column D (填报日期): missing_field: reported_at is missing",
                f + ": 4 problem(s) in 2 of 3 rows: nothing sent");

        Recording sink = new Recording();
        ImportResult checked = Importer.read(f, ReportKind.PROJECT_PROGRESS, null, ZoneId.of("Asia/Shanghai"),
                Clock.systemUTC());
        int code = ImportCommand.report(checked, sink, new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()), true);
        assertThat(code).isEqualTo(2);
        assertThat(sink.sent).as("one good row, but the file is bad: nothing").isEmpty();
    }

    @Test
    void shouldSendEventsThePipelineAccepts() throws Exception {
        Path f = dir.resolve("good.csv");
        Files.writeString(f, """
                project_id,period,investment_cny,progress_pct,milestone,reported_at
                kp_gov_001,2025-06,"1,234.5",12,主体完工,2025/6/10
                """);
        ImportResult checked = Importer.read(f, ReportKind.PROJECT_PROGRESS, "500112", ZoneId.of("Asia/Shanghai"),
                Clock.systemUTC());
        Recording sink = new Recording();
        StringWriter out = new StringWriter();
        assertThat(ImportCommand.report(checked, sink, new PrintWriter(out), new PrintWriter(new StringWriter()), false))
                .isZero();
        assertThat(out.toString()).isEqualTo(f + ": imported 1 project_progress reports (1 rows; 1 report_ids derived "
                + "from the content)\n");
        byte[] bytes = ImportCommand.event(sink.sent.get(0)).encode();
        ProjectProgress p = Topics.PROJECT_PROGRESS.decode(bytes);
        assertThat(p.getReportId()).startsWith("imp-");
        assertThat(p.getProjectId()).isEqualTo("kp_gov_001");
        assertThat(p.getInvestmentCny()).isEqualTo(1234.5);
        assertThat(p.getProgressPct()).isEqualTo(12.0);
        assertThat(p.getMilestone()).isEqualTo("主体完工");
        assertThat(p.getReportedAt()).isEqualTo(Instant.parse("2025-06-09T16:00:00Z"));
        InputEvent e = EventDecoder.decode(Stream.PROJECT_PROGRESS, bytes);
        assertThat(e.id()).isEqualTo(p.getReportId());
        assertThat(e.subject()).isEqualTo("kp_gov_001");
        assertThat(e.district()).as("--district is sent").isEqualTo("500112");
    }

    @Test
    void shouldWriteTheTemplateAndCheckAFileWithoutACluster() throws Exception {
        Path t = dir.resolve("t.xlsx");
        Run written = run("import", "--template", t.toString());
        assertThat(written.code()).isZero();
        assertThat(written.out()).isEqualTo("wrote " + t + "\n");
        Run checked = run("import", t.toString(), "--type", "indicator_report", "--check", "--district", "500112");
        assertThat(checked.code()).as(checked.err()).isZero();
        assertThat(checked.out()).isEqualTo(t + " (sheet 指标数据): 1 indicator_report reports in 1 rows, all good "
                + "(checked only, nothing sent)\n");
        assertThat(checked.err()).doesNotContain("district");
    }

    @Test
    void shouldRefuseBadArgumentsWithExitTwo() throws Exception {
        Path f = bad();
        assertThat(run("import", f.toString(), "--type", "truck_departure", "--check").err())
                .contains("--type must be project_progress or indicator_report, not 'truck_departure'");
        Run district = run("import", f.toString(), "--type", "project_progress", "--district", "5001", "--check");
        assertThat(district.code()).isEqualTo(2);
        assertThat(district.err()).contains("--district must be a 6-digit district code");
        Run missing = run("import", dir.resolve("nope.csv").toString(), "--type", "project_progress", "--check");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("nope.csv: no such file or not readable");
        Run noCluster = run("import", f.toString(), "--type", "project_progress");
        assertThat(noCluster.code()).isEqualTo(2);
        assertThat(noCluster.err()).contains("--bootstrap-servers");
        assertThat(run("import", "--help").code()).isZero();
    }
}
