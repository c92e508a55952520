package io.planpulse.report;

import java.io.IOException;
import java.io.OutputStream;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.function.Function;
import org.apache.poi.ss.usermodel.BorderStyle;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.FillPatternType;
import org.apache.poi.ss.usermodel.Font;
import org.apache.poi.ss.usermodel.IndexedColors;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;

/**
 * The report as an Excel workbook (Apache POI): one sheet per table, two frozen header rows (Chinese, then English),
 * numbers as numeric cells with number formats (percent for completion and 序时进度, 0.00 for amounts), and a first
 * column with the district code so that the sheets of several districts stack.
 */
public final class XlsxReport {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    private XlsxReport() {
    }

    /** How a column's cells are written. */
    private enum Type { TEXT, AMOUNT, PERCENT, INTEGER }

    private record Column<T>(String zh, String en, Type type, Function<T, Object> value) {
    }

    private record Ctx(DispatchReport.District district, DispatchReport.Row row) {
    }

    private record ProjectMonth(DispatchReport.District district, DispatchReport.Project project, int month) {
    }

    public static void write(DispatchReport r, OutputStream out) throws IOException {
        try (XSSFWorkbook wb = new XSSFWorkbook()) {
            Styles st = new Styles(wb);
            List<Column<Ctx>> targetCols = List.of(
                    col("区县代码", "district", Type.TEXT, c -> c.district().code()),
                    col("类别", "category", Type.TEXT, c -> Labels.category(c.row().category()).zh()),
                    col("类别(英文)", "category (en)", Type.TEXT, c -> Labels.category(c.row().category()).en()),
                    col("指标编号", "id", Type.TEXT, c -> c.row().id()),
                    col("指标名称", "name", Type.TEXT, c -> c.row().nameZh()),
                    col("英文名称", "name (en)", Type.TEXT, c -> c.row().nameEn()),
                    col("上级指标", "parent", Type.TEXT, c -> c.row().parent()),
                    col("单位", "unit", Type.TEXT, c -> Labels.unit(c.row().unit())),
                    col("年度目标", "annual target", Type.AMOUNT, c -> c.row().target()),
                    col("完成值", "actual", Type.AMOUNT, c -> c.row().actual()),
                    col("完成率", "completion", Type.PERCENT, c -> c.row().completion()),
                    col("序时进度", "time-elapsed progress", Type.PERCENT, c -> c.row().expected()),
                    col("差距", "gap", Type.PERCENT, c -> c.row().gap()),
                    col("状态", "status", Type.TEXT, c -> Labels.status(c.row().status()).zh()),
                    col("状态(英文)", "status (en)", Type.TEXT, c -> c.row().status().wire()),
                    col("逾期未报", "overdue", Type.TEXT, c -> c.row().overdue() ? "是 yes" : ""),
                    col("数据截至", "data through", Type.TEXT, c -> c.row().dataThrough()),
                    col("预计全年", "projected", Type.AMOUNT, c -> c.row().projected()),
                    col("预计完成率", "projected completion", Type.PERCENT, c -> c.row().projectedCompletion()),
                    col("展望", "outlook", Type.TEXT, c -> c.row().outlook() == null ? null : c.row().outlook().wire()),
                    col("预警", "early warning", Type.TEXT, c -> c.row().earlyWarning() ? "是 yes" : ""),
                    col("预计依据", "projection basis", Type.TEXT, c -> c.row().basis().name().toLowerCase(java.util.Locale.ROOT)),
                    col("责任单位", "owner", Type.TEXT, c -> c.row().owner()));
            List<Ctx> all = new java.util.ArrayList<>();
            List<Ctx> lagging = new java.util.ArrayList<>();
            List<Ctx> overdue = new java.util.ArrayList<>();
            List<Ctx> warnings = new java.util.ArrayList<>();
            List<ProjectMonth> projectMonths = new java.util.ArrayList<>();
            for (DispatchReport.District d : r.districts()) {
                d.rows().forEach(x -> all.add(new Ctx(d, x)));
                d.lagging().forEach(x -> lagging.add(new Ctx(d, x)));
                d.overdue().forEach(x -> overdue.add(new Ctx(d, x)));
                d.earlyWarnings().forEach(x -> warnings.add(new Ctx(d, x)));
                for (DispatchReport.Project p : d.projects()) {
                    for (int m = 0; m < r.month(); m++) {
                        projectMonths.add(new ProjectMonth(d, p, m));
                    }
                }
            }
            sheet(wb, st, "完成情况 Completion", targetCols, all);
            sheet(wb, st, "重点项目 Projects", List.<Column<ProjectMonth>>of(
                    col("区县代码", "district", Type.TEXT, p -> p.district().code()),
                    col("项目编号", "project id", Type.TEXT, p -> p.project().id()),
                    col("项目名称", "project", Type.TEXT, p -> p.project().nameZh()),
                    col("英文名称", "project (en)", Type.TEXT, p -> p.project().nameEn()),
                    col("月份", "month", Type.TEXT, p -> String.format("%d-%02d", r.year(), p.month() + 1)),
                    col("年度计划", "annual plan", Type.AMOUNT, p -> p.project().target()),
                    col("当月完成", "month's investment", Type.AMOUNT, p -> p.project().months().values().get(p.month())),
                    col("累计完成", "cumulative actual", Type.AMOUNT, p -> p.project().months().cumulative().get(p.month())),
                    col("累计计划", "cumulative plan", Type.AMOUNT, p -> p.project().months().planned().get(p.month())),
                    col("累计完成/计划", "actual / plan", Type.PERCENT, p -> ratio(
                            p.project().months().cumulative().get(p.month()), p.project().months().planned().get(p.month()))),
                    col("单位", "unit", Type.TEXT, p -> Labels.unit(p.project().unit())),
                    col("责任单位", "owner", Type.TEXT, p -> p.project().owner())), projectMonths);
            sheet(wb, st, "滞后 Lagging", targetCols, lagging);
            sheet(wb, st, "逾期未报 Overdue", targetCols, overdue);
            sheet(wb, st, "预警 Early warnings", targetCols, warnings);
            about(wb, st, r);
            wb.write(out);
        }
    }

    private static Double ratio(Double a, Double b) {
        return a == null || b == null || b == 0 ? null : a / b;
    }

    private static <T> Column<T> col(String zh, String en, Type type, Function<T, Object> value) {
        return new Column<>(zh, en, type, value);
    }

    private static <T> void sheet(XSSFWorkbook wb, Styles st, String name, List<Column<T>> cols, List<T> items) {
        Sheet s = wb.createSheet(name);
        Row zh = s.createRow(0);
        Row en = s.createRow(1);
        for (int c = 0; c < cols.size(); c++) {
            cell(zh, c, cols.get(c).zh(), st.header);
            cell(en, c, cols.get(c).en(), st.headerEn);
        }
        int r = 2;
        for (T item : items) {
            Row row = s.createRow(r++);
            for (int c = 0; c < cols.size(); c++) {
                Column<T> col = cols.get(c);
                Object v = col.value().apply(item);
                if (v == null) {
                    continue;
                }
                Cell cell = row.createCell(c);
                switch (col.type()) {
                    case AMOUNT -> {
                        cell.setCellValue(((Number) v).doubleValue());
                        cell.setCellStyle(st.amount);
                    }
                    case PERCENT -> {
                        cell.setCellValue(((Number) v).doubleValue());
                        cell.setCellStyle(st.percent);
                    }
                    case INTEGER -> cell.setCellValue(((Number) v).doubleValue());
                    case TEXT -> cell.setCellValue(v.toString());
                }
            }
        }
        s.createFreezePane(0, 2);
        for (int c = 0; c < cols.size(); c++) {
            int chars = Math.max(cols.get(c).en().length(), cols.get(c).zh().length() * 2);
            s.setColumnWidth(c, Math.min(60, Math.max(10, chars + 2)) * 256);
        }
        if (!items.isEmpty()) {
            s.setAutoFilter(new org.apache.poi.ss.util.CellRangeAddress(1, r - 1, 0, cols.size() - 1));
        }
    }

    private static void about(XSSFWorkbook wb, Styles st, DispatchReport r) {
        Sheet s = wb.createSheet("说明 About");
        String[][] lines = {
                {"报告", "report", "月度调度通报 monthly dispatch report"},
                {"年份", "year", String.valueOf(r.year())},
                {"月份", "month", String.valueOf(r.month())},
                {"统计截至", "figures at", TIME.format(r.clock().atZone(r.zone())) + " " + r.zone().getId()},
                {"生成于", "made at", TIME.format(r.madeAt().atZone(r.zone())) + " " + r.zone().getId()},
                {"初步数据", "provisional", r.provisional() ? "是 yes" : "否 no"},
                {"计划版本", "plan version", r.planVersion() == null ? "" : r.planVersion()},
                {"预计依据", "projection basis", "published: 与实时预测相同 as published; schedule: 按计划进度 "
                        + "(no seasonal profile, exact); schedule_estimate: 按计划进度估算 estimate (the live "
                        + "projection follows last year's pattern)"}};
        Row head = s.createRow(0);
        cell(head, 0, "项目", st.header);
        cell(head, 1, "item", st.header);
        cell(head, 2, "值 value", st.header);
        for (int i = 0; i < lines.length; i++) {
            Row row = s.createRow(i + 1);
            for (int c = 0; c < 3; c++) {
                row.createCell(c).setCellValue(lines[i][c]);
            }
        }
        s.createFreezePane(0, 1);
        s.setColumnWidth(0, 14 * 256);
        s.setColumnWidth(1, 18 * 256);
        s.setColumnWidth(2, 90 * 256);
    }

    private static void cell(Row row, int c, String text, CellStyle style) {
        Cell cell = row.createCell(c);
        cell.setCellValue(text);
        cell.setCellStyle(style);
    }

    /** The workbook's cell styles, made once (a workbook holds at most 64,000). */
    private static final class Styles {
        final CellStyle header;
        final CellStyle headerEn;
        final CellStyle amount;
        final CellStyle percent;

        Styles(XSSFWorkbook wb) {
            Font bold = wb.createFont();
            bold.setBold(true);
            header = wb.createCellStyle();
            header.setFont(bold);
            header.setFillForegroundColor(IndexedColors.PALE_BLUE.getIndex());
            header.setFillPattern(FillPatternType.SOLID_FOREGROUND);
            header.setBorderBottom(BorderStyle.THIN);
            Font grey = wb.createFont();
            grey.setItalic(true);
            grey.setColor(IndexedColors.GREY_50_PERCENT.getIndex());
            headerEn = wb.createCellStyle();
            headerEn.setFont(grey);
            headerEn.setBorderBottom(BorderStyle.THIN);
            amount = wb.createCellStyle();
            amount.setDataFormat(wb.createDataFormat().getFormat("0.00"));
            percent = wb.createCellStyle();
            percent.setDataFormat(wb.createDataFormat().getFormat("0.0%"));
        }
    }
}
