package io.planpulse.importer;

import java.util.List;

/** The two monthly report records that departments keep in sheets (CONTRACT section 3), with their columns. */
public enum ReportKind {
    PROJECT_PROGRESS("project_progress", "项目进度", Column.PROJECT_ID, Column.INVESTMENT_CNY,
            List.of(Column.REPORT_ID, Column.PROJECT_ID, Column.PERIOD, Column.INVESTMENT_CNY, Column.PROGRESS_PCT,
                    Column.MILESTONE, Column.REPORTED_AT)),
    INDICATOR_REPORT("indicator_report", "指标数据", Column.INDICATOR_ID, Column.VALUE,
            List.of(Column.REPORT_ID, Column.INDICATOR_ID, Column.PERIOD, Column.VALUE, Column.REPORTED_AT));

    private final String type;
    private final String sheetName;
    private final Column subject;
    private final Column amount;
    private final List<Column> columns;

    ReportKind(String type, String sheetName, Column subject, Column amount, List<Column> columns) {
        this.type = type;
        this.sheetName = sheetName;
        this.subject = subject;
        this.amount = amount;
        this.columns = columns;
    }

    /** The event type ({@code --type}). */
    public String type() {
        return type;
    }

    /** The template's sheet of this kind; a workbook sheet named so (or named {@link #type()}) is the one read. */
    public String sheetName() {
        return sheetName;
    }

    /** The column naming what is reported on: project_id or indicator_id. */
    public Column subject() {
        return subject;
    }

    /** The column of the figure: investment_cny or value. */
    public Column amount() {
        return amount;
    }

    /** The record's columns in the template's order. */
    public List<Column> columns() {
        return columns;
    }

    public static ReportKind fromType(String type) {
        for (ReportKind k : values()) {
            if (k.type.equals(type)) {
                return k;
            }
        }
        return null;
    }
}
