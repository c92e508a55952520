package io.planpulse.importer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.planpulse.importer.Sheets.Formatted;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImporterTest {
    static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
    static final Clock CLOCK = Clock.fixed(OffsetDateTime.parse("2025-07-15T12:00:00+08:00").toInstant(), ZoneOffset.UTC);

    @TempDir
    Path dir;

    static ImportResult read(Path f, ReportKind kind) throws BadFile {
        return Importer.read(f, kind, null, ZONE, CLOCK);
    }

    private static Instant at(String local) {
        return LocalDateTime.parse(local).atZone(ZONE).toInstant();
    }

    @Test
    void shouldReadACsvWithChineseHeadersABomNumbersAsTextAndDatesAsText() throws Exception {
        Path f = Sheets.csv(dir, "june.csv", true,
                "项目代码,月份,本月完成投资（元）,形象进度(%),里程碑,填报日期",
                "kp_gov_001,2025年6月,\"1,234.5\", 12 ,主体完工,2025/6/10",
                "kp_gov_002,2025-06,\"12,000,000\",45%,,2025-06-10 14:30",
                "kp_gov_003,202505,０.５,,,2025-06-10T09:00:00+08:00",
                ",,,,,",
                "");
        ImportResult r = read(f, ReportKind.PROJECT_PROGRESS);
        assertThat(r.problems()).isEmpty();
        assertThat(r.notes()).as("trailing empty rows are not worth a note").isEmpty();
        assertThat(r.headerRow()).isEqualTo(1);
        assertThat(r.records()).extracting(ImportRecord::row, ImportRecord::subject, ImportRecord::period,
                ImportRecord::amount, ImportRecord::progressPct, ImportRecord::milestone, ImportRecord::reportedAt)
                .containsExactly(
                        tuple(2, "kp_gov_001", "2025-06", 1234.5, 12.0, "主体完工", at("2025-06-10T00:00")),
                        tuple(3, "kp_gov_002", "2025-06", 12_000_000.0, 45.0, null, at("2025-06-10T14:30")),
                        tuple(4, "kp_gov_003", "2025-05", 0.5, null, null, at("2025-06-10T09:00")));
        assertThat(r.records()).allSatisfy(x -> {
            assertThat(x.derivedId()).isTrue();
            assertThat(x.reportId()).matches("imp-[0-9a-f]{32}");
        });
    }

    @Test
    void shouldReadExcelDatesSerialsPercentagesAndNumbersStoredAsTextFromXlsx() throws Exception {
        Object blank = Sheets.STYLED_BLANK;
        Path f = Sheets.xlsx(dir, "june.xlsx", List.of(
                List.of("项目编号", "报告期", "本月完成投资(元)", "形象进度(%)", "节点/里程碑", "填报日期", "项目名称"),
                Arrays.asList("kp_gov_001", new Formatted(45809, "yyyy-mm"), "1,234.5", new Formatted(0.12, "0%"),
                        "主体完工", LocalDate.of(2025, 6, 10), "渝湘高铁"),
                Arrays.asList(1002, "2025-06", 12_000_000, 45, null, 45818, null),
                Arrays.asList("kp_gov_003", 202505, " 0.5 ", null, null, LocalDateTime.of(2025, 6, 10, 9, 0), null),
                List.of(blank, blank, blank, blank, blank, blank),
                List.of(blank, blank, blank, blank, blank, blank)));
        ImportResult r = read(f, ReportKind.PROJECT_PROGRESS);
        assertThat(r.problems()).isEmpty();
        assertThat(r.sheet()).isEqualTo("Sheet1");
        assertThat(r.notes()).containsExactly("columns ignored (not a field of project_progress): G 项目名称");
        assertThat(r.records()).extracting(ImportRecord::row, ImportRecord::subject, ImportRecord::period,
                ImportRecord::amount, ImportRecord::progressPct, ImportRecord::milestone, ImportRecord::reportedAt)
                .containsExactly(
                        tuple(2, "kp_gov_001", "2025-06", 1234.5, 12.0, "主体完工", at("2025-06-10T00:00")),
                        tuple(3, "1002", "2025-06", 12_000_000.0, 45.0, null, at("2025-06-10T00:00")),
                        tuple(4, "kp_gov_003", "2025-05", 0.5, null, null, at("2025-06-10T09:00")));
    }

    @Test
    void shouldReadIndicatorReportsWithNegativeValues() throws Exception {
        Path f = Sheets.csv(dir, "gdp.csv", false,
                "指标编号,报告期,数值,填报日期",
                "gdp_growth,2025-06,6.1,2025-07-10",
                "industrial_profit_growth,2025-06,-1.5,2025-07-10");
        ImportResult r = read(f, ReportKind.INDICATOR_REPORT);
        assertThat(r.problems()).isEmpty();
        assertThat(r.records()).extracting(ImportRecord::subject, ImportRecord::amount)
                .containsExactly(tuple("gdp_growth", 6.1), tuple("industrial_profit_growth", -1.5));
    }

    /** The same reports as a CSV export and as a workbook, cells typed differently. */
    private List<String> ids(Path f) throws Exception {
        return read(f, ReportKind.PROJECT_PROGRESS).records().stream().map(ImportRecord::reportId).toList();
    }

    @Test
    void shouldDeriveTheSameIdsFromCsvAndXlsxOfTheSameContentInEveryRun() throws Exception {
        Path csv = Sheets.csv(dir, "a.csv", false,
                "project_id,period,investment_cny,progress_pct,milestone,reported_at",
                "kp_gov_001,2025-06,\"1,234.50\",12,主体完工,2025/6/10",
                "1002,2025/6,12000000,45%,,2025-06-10 14:30");
        Path xlsx = Sheets.xlsx(dir, "a.xlsx", List.of(
                List.of("项目编号", "报告期", "本月完成投资(元)", "形象进度(%)", "节点/里程碑", "填报日期"),
                Arrays.asList("kp_gov_001", new Formatted(45809, "yyyy\"年\"m\"月\""), 1234.5, 12, "主体完工",
                        LocalDate.of(2025, 6, 10)),
                Arrays.asList(1002, "2025-06", "12,000,000", new Formatted(0.45, "0%"), null,
                        LocalDateTime.of(2025, 6, 10, 14, 30))));
        List<String> fromCsv = ids(csv);
        assertThat(fromCsv).doesNotHaveDuplicates().hasSize(2);
        assertThat(ids(xlsx)).isEqualTo(fromCsv);
        // fixed: a later version (or run) that derives other ids would re-count every file imported before it
        assertThat(fromCsv).containsExactly("imp-dda5543647a00589ef858fd642aba8f6", "imp-177bef25e274cbe1f11ff7e314b70aa3");
    }

    @Test
    void shouldListEveryProblemOfEveryBadRowWithRowColumnValueAndReason() throws Exception {
        Path f = Sheets.csv(dir, "bad.csv", false,
                "project_id,period,investment_cny,progress_pct,milestone,reported_at",
                "kp1,2025-06,100,,,2025-06-10",
                ",2025-06,100,,,2025-06-10",
                "kp2,2025-13,-5,150,,yesterday",
                "",
                "kp3,2027-01,abc,,,2025-02-30",
                "\"k\u0007p4\",2025-06,1,,,2025-06-10",
                "合计,,201,,,");
        ImportResult r = read(f, ReportKind.PROJECT_PROGRESS);
        assertThat(r.ok()).isFalse();
        assertThat(r.problems()).extracting(p -> p.row(), p -> Problem.letter(p.column()), Problem::header,
                Problem::value, Problem::reason).containsExactly(
                tuple(3, "A", "project_id", null, "missing_field"),
                tuple(4, "B", "period", "2025-13", "bad_period"),
                tuple(4, "C", "investment_cny", "-5", "negative_amount"),
                tuple(4, "D", "progress_pct", "150", "invalid_value"),
                tuple(4, "F", "reported_at", "yesterday", "invalid_value"),
                tuple(6, "B", "period", "2027-01", "out_of_range"),
                tuple(6, "C", "investment_cny", "abc", "invalid_value"),
                tuple(6, "F", "reported_at", "2025-02-30", "invalid_value"),
                tuple(7, "A", "project_id", "k\u0007p4", "invalid_value"),
                tuple(8, "A", "project_id", "合计", "invalid_value"),
                tuple(8, "B", "period", null, "missing_field"),
                tuple(8, "F", "reported_at", null, "missing_field"));
        assertThat(r.badRows()).isEqualTo(5);
        assertThat(r.problems().get(8).describe())
                .isEqualTo("row 7, column A (project_id) \"k\\u0007p4\": invalid_value: project_id holds control characters");
        assertThat(r.problems().get(2).describe())
                .isEqualTo("row 4, column C (investment_cny) \"-5\": negative_amount: investment_cny is negative");
        assertThat(r.notes()).containsExactly("empty rows skipped: 5");
    }

    @Test
    void shouldSendARepeatedRowOnceAndRefuseRowsThatDisagree() throws Exception {
        Path f = Sheets.csv(dir, "dup.csv", false,
                "project_id,period,investment_cny,reported_at",
                "p1,2025-06,100,2025-06-10",
                "p1,2025-06,100,2025-06-10",
                "p1,2025-06,200,2025-06-10",
                "p1,2025-06,200,2025-06-20");
        ImportResult r = read(f, ReportKind.PROJECT_PROGRESS);
        assertThat(r.problems()).extracting(Problem::row, Problem::column, Problem::reason)
                .containsExactly(tuple(4, -1, "conflicting_row"));
        assertThat(r.problems().get(0).describe()).startsWith("row 4: conflicting_row: row 2 reports other figures");
        assertThat(r.records()).extracting(ImportRecord::row).containsExactly(2, 5);
        assertThat(r.notes()).containsExactly("rows repeating an earlier row exactly, sent once: row 3 repeats row 2");
    }

    @Test
    void shouldUseAGivenReportIdAndRefuseOneUsedTwiceForOtherFigures() throws Exception {
        Path f = Sheets.csv(dir, "ids.csv", false,
                "report_id,project_id,period,investment_cny,reported_at",
                "r1,p1,2025-06,100,2025-06-10",
                "r1,p1,2025-06,100,2025-06-10",
                "r1,p2,2025-06,100,2025-06-10",
                ",p3,2025-06,100,2025-06-10");
        ImportResult r = read(f, ReportKind.PROJECT_PROGRESS);
        assertThat(r.problems()).extracting(Problem::row, p -> Problem.letter(p.column()), Problem::value, Problem::reason)
                .containsExactly(tuple(4, "A", "r1", "duplicate_id"));
        Path good = Sheets.csv(dir, "ids2.csv", false,
                "report_id,project_id,period,investment_cny,reported_at",
                "r1,p1,2025-06,100,2025-06-10",
                ",p3,2025-06,100,2025-06-10");
        assertThat(read(good, ReportKind.PROJECT_PROGRESS).records()).extracting(ImportRecord::reportId,
                ImportRecord::derivedId).satisfiesExactly(
                t -> assertThat(t.toList()).containsExactly("r1", false),
                t -> assertThat(t.toList().get(1)).isEqualTo(true));
    }

    @Test
    void shouldFindTheHeaderBelowATitleAndKeepExcelsRowNumbers() throws Exception {
        Path f = Sheets.xlsx(dir, "title.xlsx", List.of(
                List.of("2025年6月重点项目进度表"),
                List.of(),
                List.of("项目编号", "报告期", "本月完成投资(元)", "填报日期"),
                List.of("kp_gov_001", "2025-06", 1, LocalDate.of(2025, 6, 10)),
                List.of(),
                List.of("kp_gov_002", "2025-06", "x", LocalDate.of(2025, 6, 10))));
        ImportResult r = read(f, ReportKind.PROJECT_PROGRESS);
        assertThat(r.headerRow()).isEqualTo(3);
        assertThat(r.problems()).extracting(Problem::row, p -> Problem.letter(p.column()), Problem::header)
                .containsExactly(tuple(6, "C", "本月完成投资(元)"));
        assertThat(r.notes()).containsExactly("empty rows skipped: 5");
    }

    @Test
    void shouldReadTheSheetNamedForTheKindWhenTheWorkbookHasOne() throws Exception {
        Path f = dir.resolve("two.xlsx");
        try (var wb = new org.apache.poi.xssf.usermodel.XSSFWorkbook(); var o = Files.newOutputStream(f)) {
            Sheets.fill(wb, wb.createSheet("说明"), List.of(List.of("nothing here")));
            Sheets.fill(wb, wb.createSheet("指标数据"), List.of(List.of("indicator_id", "period", "value", "reported_at"),
                    List.of("gdp_growth", "2025-06", 6.1, "2025-07-10")));
            wb.write(o);
        }
        ImportResult r = read(f, ReportKind.INDICATOR_REPORT);
        assertThat(r.sheet()).isEqualTo("指标数据");
        assertThat(r.records()).extracting(ImportRecord::subject).containsExactly("gdp_growth");
    }

    @Test
    void shouldRefuseAFileWithoutAHeaderNamingTheRequiredColumns() throws Exception {
        Path f = Sheets.csv(dir, "nohead.csv", false, "项目编号,月份,金额", "p1,2025-06,1");
        assertThatThrownBy(() -> read(f, ReportKind.PROJECT_PROGRESS)).isInstanceOf(BadFile.class)
                .hasMessageContaining("no header row naming the columns project_id (项目编号), period (报告期), "
                        + "investment_cny (本月完成投资(元)), reported_at (填报日期) in the first 10 non-empty rows")
                .hasMessageContaining("the first row is row 1: A 项目编号, B 月份, C 金额");
    }

    @Test
    void shouldRefuseACsvThatIsNotUtf8WithAHint() throws Exception {
        Path f = dir.resolve("gbk.csv");
        Files.write(f, "项目编号,报告期,本月完成投资(元),填报日期\r\n".getBytes(Charset.forName("GBK")));
        assertThatThrownBy(() -> read(f, ReportKind.PROJECT_PROGRESS)).isInstanceOf(BadFile.class)
                .hasMessageContaining("not UTF-8").hasMessageContaining("CSV UTF-8");
    }

    @Test
    void shouldRefuseAnOldXlsWorkbook() throws Exception {
        Path f = dir.resolve("old.xls");
        Files.write(f, new byte[] {(byte) 0xD0, (byte) 0xCF, 0x11, (byte) 0xE0, 0, 0, 0, 0});
        assertThatThrownBy(() -> read(f, ReportKind.PROJECT_PROGRESS)).isInstanceOf(BadFile.class)
                .hasMessageContaining(".xls");
        Path disguised = dir.resolve("old.xlsx");
        Files.write(disguised, new byte[] {(byte) 0xD0, (byte) 0xCF, 0x11, (byte) 0xE0, 0, 0, 0, 0});
        assertThatThrownBy(() -> read(disguised, ReportKind.PROJECT_PROGRESS)).isInstanceOf(BadFile.class)
                .hasMessageContaining(".xls workbook");
        Path text = dir.resolve("text.xlsx");
        Files.writeString(text, "project_id,period\n");
        assertThatThrownBy(() -> read(text, ReportKind.PROJECT_PROGRESS)).isInstanceOf(BadFile.class)
                .hasMessageContaining("not an .xlsx workbook");
    }

    @Test
    void shouldKeepTheDistrictInEveryRecordAndInTheDerivedId() throws Exception {
        Path f = Sheets.csv(dir, "d.csv", false, "indicator_id,period,value,reported_at", "gdp_growth,2025-06,6.1,2025-07-10");
        ImportRecord without = read(f, ReportKind.INDICATOR_REPORT).records().get(0);
        ImportRecord with = Importer.read(f, ReportKind.INDICATOR_REPORT, "500112", ZONE, CLOCK).records().get(0);
        assertThat(with.district()).isEqualTo("500112");
        assertThat(without.district()).isNull();
        assertThat(with.reportId()).isNotEqualTo(without.reportId());
        assertThat(Importer.validDistrict("50011")).isFalse();
        assertThat(Importer.validDistrict("500112")).isTrue();
    }

    @Test
    void shouldNoteReportsOfAYearThePipelineHasClosed() throws Exception {
        Path f = Sheets.csv(dir, "old.csv", false, "indicator_id,period,value,reported_at", "gdp_growth,2024-12,6.1,2025-01-05");
        List<String> notes = new ArrayList<>(read(f, ReportKind.INDICATOR_REPORT).notes());
        assertThat(notes).singleElement().asString().startsWith("1 report(s) for 2024, a year closed on 2025-01-10");
    }
}
