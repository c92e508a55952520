package io.planpulse.importer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.DataFormat;
import org.apache.poi.ss.usermodel.Font;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;

/**
 * The shipped template {@code import-template.xlsx}: a sheet per report kind with the Chinese headers and one example
 * row, and a sheet 说明 listing the columns. The build runs {@link #main} to put it in the jar (pom.xml, exec plugin,
 * phase process-classes); {@code import --template FILE} hands out that copy. Ids and periods are text cells, so Excel
 * keeps leading zeros and does not turn 2025-06 into a date; amounts and dates are numbers and dates.
 */
public final class Template {
    /** The template's name in the jar (a classpath resource at the root). */
    public static final String RESOURCE = "import-template.xlsx";

    private Template() {
    }

    /** Writes the template to the path given (the build's target/classes/import-template.xlsx). */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: Template FILE");
        }
        Path out = Path.of(args[0]);
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        try (OutputStream o = Files.newOutputStream(out)) {
            write(o);
        }
    }

    /** The template as shipped in the jar, if this class runs from a build that made it. */
    public static Optional<InputStream> shipped() {
        return Optional.ofNullable(Template.class.getClassLoader().getResourceAsStream(RESOURCE));
    }

    public static void write(OutputStream out) throws IOException {
        try (XSSFWorkbook wb = new XSSFWorkbook()) {
            // a fixed creation time: the same build input gives the same file
            wb.getProperties().getCoreProperties().setCreated(Optional.of(
                    Date.from(LocalDate.of(2025, 1, 1).atStartOfDay().toInstant(ZoneOffset.UTC))));
            DataFormat formats = wb.createDataFormat();
            Font bold = wb.createFont();
            bold.setBold(true);
            CellStyle head = wb.createCellStyle();
            head.setFont(bold);
            CellStyle text = wb.createCellStyle();
            text.setDataFormat(formats.getFormat("@"));
            CellStyle money = wb.createCellStyle();
            money.setDataFormat(formats.getFormat("#,##0.00"));
            CellStyle plain = wb.createCellStyle();
            plain.setDataFormat(formats.getFormat("0.##"));
            CellStyle date = wb.createCellStyle();
            date.setDataFormat(formats.getFormat("yyyy-mm-dd"));
            Styles s = new Styles(head, text, money, plain, date);

            sheet(wb, ReportKind.PROJECT_PROGRESS, s, List.of("kp_gov_001", "2025-06", 12_345_678.9, 45.0,
                    "主体结构完成", LocalDate.of(2025, 7, 8)));
            sheet(wb, ReportKind.INDICATOR_REPORT, s, List.of("gdp_growth", "2025-06", 6.1, LocalDate.of(2025, 7, 10)));
            notes(wb, head);
            wb.write(out);
        }
    }

    private record Styles(CellStyle head, CellStyle text, CellStyle money, CellStyle plain, CellStyle date) {
    }

    /** The kind's columns without report_id (derived when absent) and one example row. */
    private static void sheet(XSSFWorkbook wb, ReportKind kind, Styles s, List<Object> example) {
        Sheet sh = wb.createSheet(kind.sheetName());
        List<Column> cols = kind.columns().stream().filter(c -> c != Column.REPORT_ID).toList();
        Row h = sh.createRow(0);
        Row r = sh.createRow(1);
        for (int i = 0; i < cols.size(); i++) {
            Column c = cols.get(i);
            org.apache.poi.ss.usermodel.Cell hc = h.createCell(i);
            hc.setCellValue(c.templateHeader());
            hc.setCellStyle(s.head());
            Object v = example.get(i);
            org.apache.poi.ss.usermodel.Cell vc = r.createCell(i);
            CellStyle columnStyle;
            if (v instanceof LocalDate d) {
                vc.setCellValue(d);
                columnStyle = s.date();
            } else if (v instanceof Double d) {
                vc.setCellValue(d);
                columnStyle = c == kind.amount() && kind == ReportKind.PROJECT_PROGRESS ? s.money() : s.plain();
            } else {
                vc.setCellValue((String) v);
                columnStyle = s.text();
            }
            vc.setCellStyle(columnStyle);
            sh.setDefaultColumnStyle(i, columnStyle);
            sh.setColumnWidth(i, 20 * 256);
        }
        sh.createFreezePane(0, 1);
    }

    private static void notes(XSSFWorkbook wb, CellStyle head) {
        Sheet sh = wb.createSheet("说明");
        String[][] rows = {
            {"列", "字段", "必填", "说明"},
            {Column.PROJECT_ID.templateHeader(), "project_id", "是", "项目编号，与计划中的目标编号一致（也可写 项目代码）"},
            {Column.INDICATOR_ID.templateHeader(), "indicator_id", "是", "指标编号，与计划中的目标编号一致（也可写 指标代码）"},
            {Column.PERIOD.templateHeader(), "period", "是", "月份：2025-06、2025/6、2025年6月、202506 或该月内的日期（也可写 月份）"},
            {Column.INVESTMENT_CNY.templateHeader(), "investment_cny", "是", "本月完成投资，单位元，非负（不是累计值）"},
            {Column.PROGRESS_PCT.templateHeader(), "progress_pct", "否", "形象进度 0–100；百分比格式的 45% 记为 45"},
            {Column.MILESTONE.templateHeader(), "milestone", "否", "本月到达的节点（也可写 节点、里程碑）"},
            {Column.VALUE.templateHeader(), "value", "是", "指标值；累计类指标填年初至今累计值，可为负（增速）"},
            {Column.REPORTED_AT.templateHeader(), "reported_at", "是", "填报日期：Excel 日期、2025-07-08、2025/7/8，可带时间 14:30；按北京时间"},
            {Column.REPORT_ID.templateHeader(), "report_id", "否", "一般不填：按内容生成，同一文件重复导入不会重复计数"},
        };
        for (int i = 0; i < rows.length; i++) {
            Row r = sh.createRow(i);
            for (int j = 0; j < rows[i].length; j++) {
                org.apache.poi.ss.usermodel.Cell c = r.createCell(j);
                c.setCellValue(rows[i][j]);
                if (i == 0) {
                    c.setCellStyle(head);
                }
            }
        }
        sh.setColumnWidth(0, 20 * 256);
        sh.setColumnWidth(1, 16 * 256);
        sh.setColumnWidth(3, 70 * 256);
    }
}
