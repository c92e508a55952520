package io.planpulse.importer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped template (made by the build into the jar, see pom.xml) goes through the importer as it is. */
class ImportTemplateTest {
    @TempDir
    Path dir;

    private Path shipped() throws Exception {
        Path f = dir.resolve("import-template.xlsx");
        try (InputStream in = Template.shipped().orElseThrow(() -> new AssertionError(
                "the build puts " + Template.RESOURCE + " on the classpath (exec plugin, process-classes)"))) {
            Files.copy(in, f);
        }
        return f;
    }

    private Path generated() throws Exception {
        Path f = dir.resolve("generated.xlsx");
        try (OutputStream o = Files.newOutputStream(f)) {
            Template.write(o);
        }
        return f;
    }

    @Test
    void shouldImportTheExampleRowOfEachSheetOfTheShippedTemplate() throws Exception {
        for (Path f : List.of(shipped(), generated())) {
            ImportResult p = ImporterTest.read(f, ReportKind.PROJECT_PROGRESS);
            assertThat(p.problems()).as(f.toString()).isEmpty();
            assertThat(p.sheet()).isEqualTo("项目进度");
            assertThat(p.records()).extracting(ImportRecord::subject, ImportRecord::period, ImportRecord::amount,
                    ImportRecord::progressPct, ImportRecord::milestone, ImportRecord::reportedAt).containsExactly(
                    tuple("kp_gov_001", "2025-06", 12_345_678.9, 45.0, "主体结构完成", Instant.parse("2025-07-07T16:00:00Z")));
            ImportResult i = ImporterTest.read(f, ReportKind.INDICATOR_REPORT);
            assertThat(i.problems()).isEmpty();
            assertThat(i.sheet()).isEqualTo("指标数据");
            assertThat(i.records()).extracting(ImportRecord::subject, ImportRecord::period, ImportRecord::amount,
                    ImportRecord::reportedAt).containsExactly(
                    tuple("gdp_growth", "2025-06", 6.1, Instant.parse("2025-07-09T16:00:00Z")));
        }
    }

    @Test
    void shouldHeadTheTemplateWithTheChineseHeadersOfEveryColumnButTheDerivedId() throws Exception {
        try (InputStream in = Files.newInputStream(shipped()); XSSFWorkbook wb = new XSSFWorkbook(in)) {
            for (ReportKind k : ReportKind.values()) {
                Row h = wb.getSheet(k.sheetName()).getRow(0);
                List<String> headers = new ArrayList<>();
                h.forEach(c -> headers.add(c.getStringCellValue()));
                assertThat(headers).isEqualTo(k.columns().stream().filter(c -> c != Column.REPORT_ID)
                        .map(Column::templateHeader).toList());
            }
            assertThat(wb.getSheet("说明")).isNotNull();
        }
    }
}
