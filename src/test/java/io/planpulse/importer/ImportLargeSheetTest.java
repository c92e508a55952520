package io.planpulse.importer;

import static org.assertj.core.api.Assertions.assertThat;

import io.planpulse.cli.ImportCommand;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.Set;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.streaming.SXSSFWorkbook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sheet of 100,000 reports is read streaming, checked whole and handed over with progress every 10,000 rows. */
class ImportLargeSheetTest {
    static final int ROWS = 100_000;

    @Test
    void shouldImportASheetOf100000RowsWithProgressEvery10000(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("big.xlsx");
        try (SXSSFWorkbook wb = new SXSSFWorkbook(1000); OutputStream o = Files.newOutputStream(f)) {
            Sheet sh = wb.createSheet("项目进度");
            CellStyle date = wb.createCellStyle();
            date.setDataFormat(wb.createDataFormat().getFormat("yyyy-mm-dd"));
            String[] head = {"项目编号", "报告期", "本月完成投资(元)", "形象进度(%)", "节点/里程碑", "填报日期"};
            Row h = sh.createRow(0);
            for (int i = 0; i < head.length; i++) {
                h.createCell(i).setCellValue(head[i]);
            }
            for (int r = 1; r <= ROWS; r++) {
                Row row = sh.createRow(r);
                row.createCell(0).setCellValue(String.format("kp-%05d", r % 5000));
                row.createCell(1).setCellValue(String.format("2025-%02d", 1 + r / 5000 % 12));
                row.createCell(2).setCellValue(r * 1000.5);
                row.createCell(3).setCellValue(r % 101);
                if (r % 7 == 0) {
                    row.createCell(4).setCellValue("节点" + r);
                }
                org.apache.poi.ss.usermodel.Cell d = row.createCell(5);
                d.setCellValue(LocalDate.of(2025, 7, 1).plusDays(r / 5000 / 12));
                d.setCellStyle(date);
            }
            wb.write(o);
        }
        long start = System.nanoTime();
        ImportResult r = ImporterTest.read(f, ReportKind.PROJECT_PROGRESS);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(r.problems()).isEmpty();
        assertThat(r.records()).hasSize(ROWS);
        assertThat(r.records().get(ROWS - 1).row()).isEqualTo(ROWS + 1);
        assertThat(took).as("streamed, not loaded as a workbook").isLessThan(Duration.ofSeconds(15));

        Set<String> ids = new HashSet<>();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ImportCommand.report(r, new ImportCommand.Sink() {
            @Override
            public void send(ImportRecord rec) {
                ids.add(rec.reportId());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        }, new PrintWriter(out), new PrintWriter(err), false);
        assertThat(code).isZero();
        assertThat(ids).hasSize(ROWS);
        assertThat(err.toString().lines()).hasSize(9).startsWith("import: 10000/100000 rows sent")
                .endsWith("import: 90000/100000 rows sent");
        assertThat(out.toString()).contains("imported 100000 project_progress reports (100000 rows; 100000 report_ids "
                + "derived from the content)");
    }
}
