package io.planpulse.importer;

import java.nio.file.Path;
import java.util.List;

/**
 * A whole file, checked: the reports to send (each distinct report once, in file order) or, if any row is bad, every
 * problem of every row. Nothing is sent unless {@link #problems()} is empty.
 *
 * @param sheet     the workbook sheet read, or null for CSV
 * @param headerRow the row the column headers were found in
 * @param dataRows  rows below the header with anything in a recognised column
 * @param notes     what the user should know though nothing is wrong: columns ignored, empty rows skipped, repeated
 *                  rows sent once
 */
public record ImportResult(Path file, ReportKind kind, String sheet, int headerRow, int dataRows,
                           List<ImportRecord> records, List<Problem> problems, List<String> notes) {
    public boolean ok() {
        return problems.isEmpty();
    }

    /** How many distinct rows have problems. */
    public long badRows() {
        return problems.stream().mapToInt(Problem::row).distinct().count();
    }
}
